/* registry: the nick table and the channel table, behind one rwlock.
 *
 * The registry lock is the first lock in the server's order (see server.h).
 * Held for reading it keeps every registered nick, every channel and every
 * channel's membership in place (membership changes need it for writing), so
 * a reader may walk channels and members without references. Keys are folded
 * with rfc1459 case mapping. */
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

/* Under the write lock: the channel named name, created empty if absent. */
struct channel *registry_channel_get_or_create(const char *name, bool *created);
/* Under the write lock: removes and frees an empty channel. */
void registry_channel_remove(struct channel *ch);

/* Counts for LUSERS; caller holds the lock. */
size_t registry_nick_count(void);
size_t registry_channel_count(void);

/* Walks sessions that hold a nick / all channels; caller holds the lock. */
void registry_each_nick(void (*fn)(struct session *s, void *arg), void *arg);
void registry_each_channel(void (*fn)(struct channel *ch, void *arg), void *arg);

#endif
