/* registry: see registry.h. */
#include "registry.h"

#include <pthread.h>
#include <string.h>

#include "channel.h"
#include "global.h"
#include "archive.h"
#include "history.h"
#include "session.h"
#include "strmap.h"

static pthread_rwlock_t registry_lock;
static struct strmap *nicks;    /* folded nick -> struct session * */
static struct strmap *channels; /* folded name -> struct channel * (one reference) */
static unsigned long long next_channel_id;  /* write lock */
static struct history_budget *history_budget; /* const after init; its own lock */
static struct registry_census census;       /* write lock */

void registry_init(void)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* Chat traffic takes the lock for reading all the time; joins and nick
	 * changes would starve behind it with glibc's default preference. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&registry_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	nicks = strmap_new();
	channels = strmap_new();
	history_budget = history_budget_new(g_server.cfg.history_memory);
}

/* Drops the table's reference to a channel left at shutdown. */
static void free_channel_entry(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	channel_unref(value);
}

void registry_free(void)
{
	strmap_each(channels, free_channel_entry, NULL);
	strmap_free(channels);
	strmap_free(nicks);
	history_budget_free(history_budget);
	history_budget = NULL;
	pthread_rwlock_destroy(&registry_lock);
}

void registry_rdlock(void)
{
	pthread_rwlock_rdlock(&registry_lock);
}

void registry_wrlock(void)
{
	pthread_rwlock_wrlock(&registry_lock);
}

void registry_unlock(void)
{
	pthread_rwlock_unlock(&registry_lock);
}

struct session *registry_find_nick(const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, nick) < 0)
		return NULL;
	return strmap_get(nicks, key);
}

struct channel *registry_find_channel(const char *name)
{
	char key[CHANNEL_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, name) < 0)
		return NULL;
	return strmap_get(channels, key);
}

int registry_set_nick(struct session *s, const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, nick) < 0)
		return -1;
	struct session *holder = strmap_get(nicks, key);
	if (holder && holder != s)
		return -1;
	registry_drop_nick(s);
	strmap_put(nicks, key, s);
	size_t len = strlen(nick);
	memcpy(s->nick, nick, len + 1);
	return 0;
}

void registry_drop_nick(struct session *s)
{
	if (!s->nick[0])
		return;
	char key[NICK_LEN_MAX + 1];
	ircname_fold(key, sizeof key, s->nick);
	if (strmap_get(nicks, key) == s)
		strmap_remove(nicks, key);
}

struct channel *registry_channel_find_ref(const char *name)
{
	registry_rdlock();
	struct channel *ch = registry_find_channel(name);
	if (ch)
		channel_ref(ch);
	registry_unlock();
	return ch;
}

struct channel *registry_channel_find_ref_for(struct session *s, const char *name)
{
	struct channel *ch = channel_of_member(s, name);
	return ch ? ch : registry_channel_find_ref(name);
}

/* Under the write lock: lists a new channel under key (replacing a dead one),
 * with what the archive remembers of it (consumed). */
static struct channel *channel_create_locked(const char *key, const char *name,
					     struct channel *dead, struct archive_room *past)
{
	struct channel *ch = channel_new(name, ++next_channel_id, history_budget,
					 (size_t)LIVE(history));
	archive_room_apply(ch, past);
	strmap_put(channels, key, ch);
	channel_unref(dead);
	return ch;
}

struct channel *registry_channel_open(const char *name)
{
	char key[CHANNEL_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, name) < 0)
		return NULL;
	/* The common case, joining a room that exists, needs only the read lock. */
	registry_rdlock();
	struct channel *ch = strmap_get(channels, key);
	if (ch && !atomic_load(&ch->dead)) {
		channel_ref(ch);
		registry_unlock();
		return ch;
	}
	registry_unlock();
	/* Read what the room had before taking the write lock: that may read
	 * the disk, and the lock stops every join and nick change. */
	struct archive_room *past = archive_room_load(key);
	registry_wrlock();
	ch = strmap_get(channels, key);
	if (!ch || atomic_load(&ch->dead)) {
		bool exempt = ircname_cmp(name, g_server.cfg.default_room) == 0;
		if (!exempt && !ch && strmap_count(channels) >= (size_t)LIVE(max_channels)) {
			registry_unlock();
			archive_room_free(past);
			return NULL;
		}
		ch = channel_create_locked(key, name, ch, past);
		past = NULL;
	}
	channel_ref(ch);
	registry_unlock();
	archive_room_free(past); /* someone else made it meanwhile */
	return ch;
}

void registry_channel_forget(struct channel *ch)
{
	registry_wrlock();
	bool listed = strmap_get(channels, ch->folded) == ch;
	if (listed)
		strmap_remove(channels, ch->folded);
	registry_unlock();
	/* Free outside the write lock: that walks the room's history. */
	if (listed)
		channel_unref(ch);
}

size_t registry_nick_count(void)
{
	return strmap_count(nicks);
}

size_t registry_channel_count(void)
{
	return strmap_count(channels);
}

struct registry_census registry_census(void)
{
	return census;
}

/* Adds (sign 1) or takes away (-1) a registered session's flags. */
static void census_count(const struct session *s, int sign)
{
	census.users += (size_t)sign;
	if (s->invisible)
		census.invisible += (size_t)sign;
	if (s->oper)
		census.opers += (size_t)sign;
}

void registry_set_registered(struct session *s, bool registered)
{
	if (s->registered == registered)
		return;
	census_count(s, registered ? 1 : -1);
	s->registered = registered;
	if (census.users > census.users_max)
		census.users_max = census.users;
}

void registry_set_user_flags(struct session *s, bool invisible, bool oper)
{
	if (s->registered)
		census_count(s, -1);
	s->invisible = invisible;
	s->oper = oper;
	if (s->registered)
		census_count(s, 1);
}

struct each_adapter {
	void (*session_fn)(struct session *s, void *arg);
	void (*channel_fn)(struct channel *ch, void *arg);
	void *arg;
};

/* Adapts a strmap walk to a typed callback. */
static void each_entry(const char *key, void *value, void *arg)
{
	(void)key;
	struct each_adapter *a = arg;
	if (a->session_fn)
		a->session_fn(value, a->arg);
	else
		a->channel_fn(value, a->arg);
}

void registry_each_nick(void (*fn)(struct session *s, void *arg), void *arg)
{
	struct each_adapter a = {.session_fn = fn, .arg = arg};
	strmap_each(nicks, each_entry, &a);
}

void registry_each_channel(void (*fn)(struct channel *ch, void *arg), void *arg)
{
	struct each_adapter a = {.channel_fn = fn, .arg = arg};
	strmap_each(channels, each_entry, &a);
}
