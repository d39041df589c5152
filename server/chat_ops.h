/* chat_ops: rooms remember their operators by account (opaccts.h).
 *
 * Part of the chat core (chat.h): no I/O, no rendering; it edits a room's
 * list and members under the room's lock and saves the room's state through
 * archive.h (queued, never waiting for the disk).
 *
 * - A logged-in member made op (+o, or making a room whose list is empty)
 *   has their account added; -o on them removes it. So does an op who
 *   logs in (or registers) while in the room: the room is theirs already.
 * - A logged-in member whose account is listed gets +o when they join and
 *   when they log in while in the room, told to the room as a MODE from the
 *   server.
 * - A room made again (emptied, or after a restart) with a non-empty list
 *   gives its first joiner op only if their account is listed; with an
 *   empty list the first joiner is op, as in any new room. */
#ifndef PARLEY_CHAT_OPS_H
#define PARLEY_CHAT_OPS_H

#include <stdbool.h>

struct channel;
struct session;

/* Should the next joiner of ch be op at once, as a room's maker (ch empty
 * and its list empty)? A listed account gets op just after its JOIN
 * instead (chat_ops_joined_locked), so the room hears of it. ch->lock
 * held. */
bool chat_ops_join_as_op_locked(const struct channel *ch);

/* After s joined ch (its JOIN told): gives a listed account op if it has
 * none yet (a server MODE), and adds a logged-in op's account. ch->lock
 * held. */
void chat_ops_joined_locked(struct session *s, struct channel *ch);

/* Member i of ch had its op set (adding) or taken: adds or removes their
 * account. True if the list changed (the caller saves the room). ch->lock
 * held. */
bool chat_ops_flag_locked(struct channel *ch, int i, bool adding);

/* s's account changed (a login): its rooms learn it, and those that list
 * the account make s op. No lock held; called by s's own thread. */
void chat_ops_account_changed(struct session *s);

#endif
