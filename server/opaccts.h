/* opaccts: the accounts a room remembers as its operators (no I/O, no lock:
 * the room's lock guards the list it is part of, channel.h).
 *
 * A logged-in member given +o (or making the room) has their account added;
 * -o on them removes it. A member whose account is listed gets +o when they
 * join or log in, and once the list is not empty the first joiner of a room
 * made again is no longer op unless listed (chat.c). Names are case-folded
 * account names; at most OPACCTS_MAX, the least recently added dropped first.
 * Kept with the room's state as one space-separated text (store.h). */
#ifndef PARLEY_OPACCTS_H
#define PARLEY_OPACCTS_H

#include <stdbool.h>
#include <stddef.h>

#include "ircname.h"

#define OPACCTS_MAX 32 /* accounts remembered per room */
/* The longest text opaccts_format writes, with its NUL. */
#define OPACCTS_TEXT_MAX (OPACCTS_MAX * (NICK_LEN_MAX + 1) + 1)

struct opaccts {
	char (*names)[NICK_LEN_MAX + 1]; /* oldest first; NULL while empty */
	size_t n;
};

/* Is the account (any case) in the list? */
bool opaccts_has(const struct opaccts *l, const char *account);
/* Adds the account (made the newest if already there; the oldest goes when
 * the list is full). Returns true if the list changed. An empty or too long
 * name is ignored. */
bool opaccts_add(struct opaccts *l, const char *account);
/* Removes the account; true if it was there. */
bool opaccts_remove(struct opaccts *l, const char *account);
/* Writes the list as "a b c" into buf (cap >= OPACCTS_TEXT_MAX fits any). */
void opaccts_format(const struct opaccts *l, char *buf, size_t cap);
/* Replaces the list by the names in text (as opaccts_format wrote it); names
 * that are not valid nicks are skipped, at most OPACCTS_MAX kept. */
void opaccts_parse(struct opaccts *l, const char *text);
/* Empties the list and frees its memory. */
void opaccts_clear(struct opaccts *l);

#endif
