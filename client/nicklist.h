/* nicklist: the members of one channel, as the client shows them (pure: no
 * I/O, no clock).
 *
 * Names come from the server, which may be hostile, so nothing is linear in
 * the size of the list except a bulk load's single sort:
 * - lookup by name (rfc1459 case-insensitive) goes through a hash table keyed
 *   with a per-process secret (siphash.h), so a server cannot pick names
 *   that all land in one chain;
 * - the display order (by rank, then by name) is kept sorted by binary
 *   insertion, except between nicklist_bulk_begin and nicklist_bulk_end (a
 *   NAMES reply), where names are appended and sorted once at the end.
 *
 * A member's rank is the index of the lowest bit set in its modes (bit 0 is
 * the highest prefix mode, e.g. 'o'), or NICKLIST_RANK_NONE without any. */
#ifndef PARLEY_NICKLIST_H
#define PARLEY_NICKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NICKLIST_NICK_MAX 64 /* longer names are refused (no real server allows them) */
#define NICKLIST_RANK_NONE 32

struct nicklist;

struct nicklist *nicklist_new(void);
void nicklist_free(struct nicklist *nl);

/* Removes every member (and ends a bulk load). */
void nicklist_clear(struct nicklist *nl);

/* Starts a bulk load: additions are appended unsorted until bulk_end sorts
 * them once. Lookups, removals and changes keep working in between. */
void nicklist_bulk_begin(struct nicklist *nl);
void nicklist_bulk_end(struct nicklist *nl);
bool nicklist_in_bulk(const struct nicklist *nl);

size_t nicklist_count(const struct nicklist *nl);

/* The i-th member in display order (i < count): name and modes. */
const char *nicklist_nick(const struct nicklist *nl, size_t i);
unsigned nicklist_modes(const struct nicklist *nl, size_t i);

/* True when nick is a member; *modes gets its modes (modes may be NULL). */
bool nicklist_find(const struct nicklist *nl, const char *nick, unsigned *modes);

/* Adds nick with modes if absent (true), or leaves the member as it is
 * (false). Refuses (false) an empty name or one longer than
 * NICKLIST_NICK_MAX. */
bool nicklist_add(struct nicklist *nl, const char *nick, unsigned modes);

/* Sets the modes of a member; false when nick is not one. */
bool nicklist_set_modes(struct nicklist *nl, const char *nick, unsigned modes);

/* A member's away bit (IRCv3 away-notify, 301, 305/306, WHO's G/H): one
 * bit per member, so nothing a server says about nicks that are not members
 * makes the list grow. Set or clear it for nick (false when nick is not a
 * member); read it by display index (i < count) or by name (false for
 * non-members). A rename keeps it; a member removed and added again starts
 * present. */
bool nicklist_set_away(struct nicklist *nl, const char *nick, bool away);
bool nicklist_away(const struct nicklist *nl, size_t i);
bool nicklist_is_away(const struct nicklist *nl, const char *nick);

/* Removes nick; false when it was not a member. */
bool nicklist_remove(struct nicklist *nl, const char *nick);

/* Renames member from to to (keeping its modes); if to is already another
 * member, from is just removed. False when from is not a member, or to is
 * empty or too long (nothing changes then). */
bool nicklist_rename(struct nicklist *nl, const char *from, const char *to);

/* Rank of a modes value (see the top of this file). */
int nicklist_rank(unsigned modes);

/* Checks the invariants (order, index, hash); NULL or what is wrong. For
 * tests and fuzzing. */
const char *nicklist_check(const struct nicklist *nl);

#endif
