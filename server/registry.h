/* registry: the nick table and the channel table, behind one rwlock.
 *
 * The registry lock is the first lock in the server's order (see server.h).
 * It guards the two tables and the sessions' "registry" fields (nick,
 * registered, away: session.h). Held for reading it keeps every registered
 * nick and every listed channel in place, so a reader may use them without
 * references; channel membership is the channel lock's (channel.h), not the
 * registry's. The write lock is held only for short edits of the tables and
 * those fields, never while waiting for a channel lock, so a JOIN or NICK
 * never stops messages in other rooms. Keys are folded with rfc1459 case
 * mapping. The registry also owns the history budget all rooms share. */
#ifndef PARLEY_REGISTRY_H
#define PARLEY_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

struct session;
struct channel;

void registry_init(void);
void registry_free(void);

void registry_rdlock(void);
void registry_wrlock(void);
void registry_unlock(void);

/* Lookups: caller holds the lock (read or write). */
struct session *registry_find_nick(const char *nick);
struct channel *registry_find_channel(const char *name);

/* Under the write lock: gives s the nick (replacing its old one in the
 * table). Returns -1 if another session holds it. */
int registry_set_nick(struct session *s, const char *nick);
/* Under the write lock: drops s's nick from the table. */
void registry_drop_nick(struct session *s);

/* The channel named name, with a reference for the caller, or NULL. Takes
 * the lock itself (do not hold it). */
struct channel *registry_channel_find_ref(const char *name);

/* The same for s: a room s is in comes from s's own list (memb_lock, a
 * leaf), without the registry lock, which prefers writers: a member's
 * message or NAMES never waits behind registrations and nick changes. */
struct channel *registry_channel_find_ref_for(struct session *s, const char *name);

/* The channel named name with a reference for the caller, created empty if
 * absent or dead. Takes the lock itself. Returns NULL if creating it would
 * pass --max-channels (the default room is exempt). */
struct channel *registry_channel_open(const char *name);

/* Drops a dead (emptied) channel from the table, if it is still listed.
 * Takes the write lock itself; the caller holds no channel lock. */
void registry_channel_forget(struct channel *ch);

/* Counts for LUSERS; caller holds the lock. */
size_t registry_nick_count(void);
size_t registry_channel_count(void);

/* Registered users, how many of them are invisible (+i) and operators, and
 * the most users there have been since start, kept as the flags change so
 * LUSERS (sent to every newcomer) costs the same with 10,000 users as with
 * 10. Caller holds the lock. */
struct registry_census {
	size_t users, invisible, opers, users_max;
};
struct registry_census registry_census(void);

/* Under the write lock: the only ways to change a session's registered,
 * invisible and oper flags, so the census stays exact. */
void registry_set_registered(struct session *s, bool registered);
void registry_set_user_flags(struct session *s, bool invisible, bool oper);

/* Walks sessions that hold a nick / all channels; caller holds the lock. */
void registry_each_nick(void (*fn)(struct session *s, void *arg), void *arg);
void registry_each_channel(void (*fn)(struct channel *ch, void *arg), void *arg);

#endif
