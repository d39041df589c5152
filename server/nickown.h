/* nickown: a registered nick belongs to its account (account.h).
 *
 * Squatting: a connection that holds a registered nick without being logged
 * in to that account (when registration completes, or after it changes to
 * that nick) is told so and given a grace (NICKOWN_GRACE_MS; test knob
 * PARLEYD_TEST_NICK_GRACE_MS, read once) to log in. If it still holds the
 * nick unauthenticated then, its worker renames it to Guest-N (N from a
 * server-wide counter, names in use skipped) through chat_nick, so everyone
 * sharing a room sees the NICK. A login in time makes the expiry a no-op.
 *
 * Regain: a connection logged in to account X whose NICK X is refused
 * because a connection not logged in to X holds it asks the holder to
 * yield: under the holder's q_lock it sets q_yield_to (a reference to the
 * asker) and wakes it. Only the holder's worker changes the holder's nick
 * (session.h: registry fields have one writer), so the holder's worker
 * renames itself to Guest-N with a notice saying why, then sets the
 * asker's q_regain_ready and wakes it; the asker's worker then takes X.
 * One regain per holder at a time; a holder that leaves meanwhile hands
 * the request on the same way (its nick is free). Two connections logged
 * in to the same account never take the nick from each other.
 *
 * Worker-thread functions; none may be called with a lock held. */
#ifndef PARLEY_NICKOWN_H
#define PARLEY_NICKOWN_H

#include <stdbool.h>

struct session;

#define NICKOWN_GRACE_MS 30000LL
#define NICKOWN_GUEST_TRIES 1000 /* Guest-N names tried before giving up */

/* After s registered or changed its own nick: starts the grace (with a
 * notice) if s squats a registered nick, and stops it otherwise. */
void nickown_check(struct session *s);

/* From the worker's timers: renames s when its grace ran out. Returns ms
 * until the grace ends, or -1 when none is running. */
long long nickown_timer(struct session *s);

/* s's NICK nick was refused as in use: if s is logged in to nick and the
 * holder is not, starts a regain and returns true (s gets the nick when
 * the holder has yielded; nothing to tell s now). */
bool nickown_regain(struct session *s, const char *nick);

/* From the worker's queue flags: yields s's nick when an owner asked,
 * takes the nick s asked for when its holder yielded. */
void nickown_flags(struct session *s);

/* At the end of s's session, after its nick was dropped: tells an owner
 * waiting for s's nick that it is free. */
void nickown_finish(struct session *s);

#endif
