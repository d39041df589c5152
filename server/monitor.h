/* monitor: IRCv3 MONITOR's server-wide index, folded nick -> the sessions
 * watching it, so a nick that appears, changes or leaves costs a look-up
 * and the watchers of that one nick, never a scan of everyone.
 *
 * Ownership and locks. The index (a strmap of watcher arrays) is guarded by
 * monitor_lock, in the server's order after the registry lock and before
 * the session queue locks (global.h): monitor_tell_locked() runs under the
 * registry write lock (the watchers' nicks), takes monitor_lock, and queues lines
 * (deliver_queue_line takes each watcher's q_lock, a leaf). Nothing else is
 * taken under monitor_lock and no I/O is done under it. A session's own
 * list (session.h: monitor_nicks, the nicks as the client wrote them) is
 * its worker's; only the worker adds to or removes from it, and it keeps
 * the index in step under monitor_lock. A session in the index is never
 * freed: it leaves the index (monitor_clear, from chat_leave) before its
 * last reference goes, and that takes monitor_lock.
 *
 * Limits: MONITOR_MAX nicks per connection (MONITOR= in ISUPPORT), so the
 * index holds at most MONITOR_MAX x connections entries. */
#ifndef PARLEY_MONITOR_H
#define PARLEY_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

struct session;
struct outmsg;

#define MONITOR_MAX 100 /* nicks one connection may watch (MONITOR=100) */

enum monitor_add_result {
	MONITOR_ADDED,
	MONITOR_ALREADY,  /* on s's list already: nothing changed */
	MONITOR_FULL,     /* s watches MONITOR_MAX nicks */
	MONITOR_BAD_NICK, /* not a nick anyone could hold */
};

/* Adds nick to s's list and the index. Worker of s only. */
enum monitor_add_result monitor_add(struct session *s, const char *nick);

/* Removes nick (any case) from s's list; false if it was not there. */
bool monitor_remove(struct session *s, const char *nick);

/* Empties s's list (MONITOR C, and when s leaves: no trace stays). */
void monitor_clear(struct session *s);

/* Queues "730 <watcher> :<shown>" (online) or "731 <watcher> :<shown>"
 * (offline) for every registered session watching nick. actor is the
 * session whose worker runs this (it flushes afterwards). The caller holds
 * the registry write lock, the one under which the nick changed hands, so
 * every watcher hears a nick's comings and goings in the order they
 * happened (a nick freed and taken at once: offline before online). Costs
 * the watchers of that nick only; nothing when nobody watches anything. */
void monitor_tell_locked(struct session *actor, const char *nick, const char *shown,
			 bool online);

/* extended-monitor: queues m (a notification about actor: AWAY, SETNAME,
 * ACCOUNT) for every session watching actor's nick that negotiated both
 * extended-monitor and cap, except actor and the sessions in skip (sorted by
 * address: the room-mates told already, so nobody hears it twice). Worker
 * of actor; takes monitor_lock with no other lock held. A watcher in the
 * index is registered, or leaving (its queue refuses then). */
void monitor_tell_msg(struct session *actor, struct outmsg *m, unsigned cap,
		      struct session *const *skip, size_t nskip);

/* Does anyone watch nick? Takes the lock (a hint: it may change at once). */
bool monitor_watched(const char *nick);

/* How many nicks the index holds (for tests and STATS). Takes the lock. */
size_t monitor_index_count(void);

/* Frees the index at shutdown (every session has left it). */
void monitor_free(void);

#endif
