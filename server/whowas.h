/* whowas: who used a nick before — the table WHOWAS reads.
 *
 * A bounded table of departed nicks (a QUIT, or the old nick of a NICK
 * change): at most `capacity` entries server-wide, the oldest evicted first,
 * and at most `per_nick` for one (case-folded) nick, that nick's oldest
 * evicted first, so one peer changing nick in a loop can neither grow the
 * table nor push one nick's history out with another's. Lookups hash the
 * folded nick (seeded, so chains cannot be aimed at): a lookup costs the
 * entries of its bucket, not the table's size.
 *
 * The table itself is pure logic, no I/O and no lock: its owner serializes
 * calls. The server's instance (whowas_global_*) has its own leaf mutex. */
#ifndef PARLEY_WHOWAS_H
#define PARLEY_WHOWAS_H

#include <stddef.h>

#include "endpoint.h"
#include "ircname.h"

#define WHOWAS_CAPACITY_DEFAULT 1000
#define WHOWAS_PER_NICK_DEFAULT 4
#define WHOWAS_USER_MAX 10     /* USER_LEN_MAX */
#define WHOWAS_REALNAME_MAX 100 /* REALNAME_LEN_MAX */

/* One departed nick, as WHOWAS shows it. */
struct whowas_entry {
	char nick[NICK_LEN_MAX + 1];
	char user[WHOWAS_USER_MAX + 1];
	char host[ENDPOINT_STR_MAX];
	char realname[WHOWAS_REALNAME_MAX + 1];
	long long left_unix_ms;
};

struct whowas;

/* A table of at most capacity entries, per_nick per nick (both >= 1). */
struct whowas *whowas_new(size_t capacity, size_t per_nick, unsigned long long seed);
void whowas_free(struct whowas *w);

/* Records e (strings are cut to their fields' sizes by the caller). */
void whowas_add(struct whowas *w, const struct whowas_entry *e);

/* Copies up to max entries for nick (any case), newest first, into out;
 * returns how many. */
size_t whowas_find(const struct whowas *w, const char *nick, struct whowas_entry *out,
		   size_t max);

/* Entries held now. */
size_t whowas_count(const struct whowas *w);

/* The server's table (created on first use, capacity and per-nick limit
 * the defaults), behind its own mutex: a leaf lock, taken with any other
 * lock held or none, and nothing taken under it. */
void whowas_global_add(const struct whowas_entry *e);
size_t whowas_global_find(const char *nick, struct whowas_entry *out, size_t max);

#endif
