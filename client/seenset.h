/* seenset: a bounded set of the 64-bit keys of recently seen messages (pure:
 * no I/O), one per window, so that no message is shown twice.
 *
 * The keys are keyed hashes (siphash.h) of what identifies a message: its
 * msgid, or its server-time, nick and text (lineid.h). The set remembers at
 * most `max` keys; adding one more forgets the oldest (first added), so a
 * window remembers its recent messages, which is where a history replay or
 * a catch-up can overlap what is shown. Memory grows with the keys held,
 * not with `max`: a quiet window costs a few hundred bytes. Lookups and adds
 * are O(1) (open addressing, linear probing, backward-shift deletion). */
#ifndef PARLEY_SEENSET_H
#define PARLEY_SEENSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys a window remembers by default: ten times the join replay of parleyd
 * (100 lines) and two pages of a catch-up; each key costs 24 bytes at most. */
#define SEENSET_DEFAULT_MAX 2048

struct seenset;

/* An empty set that remembers at most max keys (0: SEENSET_DEFAULT_MAX). */
struct seenset *seenset_new(size_t max);
void seenset_free(struct seenset *s);

/* True when key is in the set. */
bool seenset_has(const struct seenset *s, uint64_t key);

/* Adds key (nothing when it is there already); forgets the oldest key when
 * the set is full. */
void seenset_add(struct seenset *s, uint64_t key);

/* Keys held now (at most the max). */
size_t seenset_count(const struct seenset *s);

/* Checks the set's invariants; NULL, or what is wrong. For tests. */
const char *seenset_check(const struct seenset *s);

#endif
