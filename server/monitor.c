/* monitor: see monitor.h. */
#include "monitor.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "global.h"
#include "ircname.h"
#include "registry.h"
#include "session.h"
#include "strmap.h"
#include "xalloc.h"

/* The sessions watching one folded nick. */
struct watchers {
	struct session **v;
	size_t n, cap;
};

static pthread_mutex_t monitor_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strmap *index_map; /* folded nick -> struct watchers; made on first use */
static atomic_size_t index_size; /* entries in index_map: 0 lets monitor_tell skip the locks */

/* Adds s to key's watchers; monitor_lock held. */
static void index_add_locked(const char *key, struct session *s)
{
	if (!index_map)
		index_map = strmap_new();
	struct watchers *w = strmap_get(index_map, key);
	if (!w) {
		w = xcalloc(1, sizeof *w);
		strmap_put(index_map, key, w);
		atomic_fetch_add(&index_size, 1);
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4;
		w->v = xrealloc(w->v, w->cap * sizeof *w->v);
	}
	w->v[w->n++] = s;
}

/* Drops s from key's watchers (and key when none is left); lock held. */
static void index_remove_locked(const char *key, struct session *s)
{
	struct watchers *w = index_map ? strmap_get(index_map, key) : NULL;
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i] == s) {
			w->v[i] = w->v[--w->n];
			break;
		}
	if (w->n == 0) {
		strmap_remove(index_map, key);
		atomic_fetch_sub(&index_size, 1);
		free(w->v);
		free(w);
	}
}

/* Where nick (folded as key) is on s's list, or -1. Worker of s. */
static long mine_find(const struct session *s, const char *key)
{
	char other[NICK_LEN_MAX + 1];
	const struct session_extra *x = session_extra_read(s);
	for (size_t i = 0; i < x->nmonitor; i++)
		if (ircname_fold(other, sizeof other, x->monitor_nicks[i]) >= 0 &&
		    strcmp(other, key) == 0)
			return (long)i;
	return -1;
}

enum monitor_add_result monitor_add(struct session *s, const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (!ircname_nick_valid(nick) || ircname_fold(key, sizeof key, nick) < 0)
		return MONITOR_BAD_NICK;
	if (mine_find(s, key) >= 0)
		return MONITOR_ALREADY;
	struct session_extra *x = session_extra(s);
	if (x->nmonitor >= MONITOR_MAX)
		return MONITOR_FULL;
	if (!x->monitor_nicks)
		x->monitor_nicks = xcalloc(MONITOR_MAX, sizeof *x->monitor_nicks);
	snprintf(x->monitor_nicks[x->nmonitor++], NICK_LEN_MAX + 1, "%s", nick);
	pthread_mutex_lock(&monitor_lock);
	index_add_locked(key, s);
	pthread_mutex_unlock(&monitor_lock);
	return MONITOR_ADDED;
}

bool monitor_remove(struct session *s, const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, nick) < 0)
		return false;
	long i = mine_find(s, key);
	if (i < 0)
		return false;
	pthread_mutex_lock(&monitor_lock);
	index_remove_locked(key, s);
	pthread_mutex_unlock(&monitor_lock);
	struct session_extra *x = session_extra(s); /* there is one: nick was found */
	memcpy(x->monitor_nicks[i], x->monitor_nicks[x->nmonitor - 1], NICK_LEN_MAX + 1);
	x->nmonitor--;
	return true;
}

void monitor_clear(struct session *s)
{
	if (!session_extra_read(s)->nmonitor)
		return;
	struct session_extra *x = session_extra(s);
	pthread_mutex_lock(&monitor_lock);
	for (size_t i = 0; i < x->nmonitor; i++) {
		char key[NICK_LEN_MAX + 1];
		if (ircname_fold(key, sizeof key, x->monitor_nicks[i]) >= 0)
			index_remove_locked(key, s);
	}
	pthread_mutex_unlock(&monitor_lock);
	x->nmonitor = 0;
}

void monitor_tell_locked(struct session *actor, const char *nick, const char *shown,
			 bool online)
{
	char key[NICK_LEN_MAX + 1];
	if (atomic_load(&index_size) == 0 || ircname_fold(key, sizeof key, nick) < 0)
		return;
	char line[IRC_LINE_MAX];
	pthread_mutex_lock(&monitor_lock);
	struct watchers *w = index_map ? strmap_get(index_map, key) : NULL;
	for (size_t i = 0; w && i < w->n; i++) {
		struct session *to = w->v[i];
		if (!to->registered)
			continue;
		const char *params[] = {to->nick, shown};
		int len = deliver_format(line, sizeof line, NULL, g_server.cfg.name,
					 online ? "730" : "731", 2, params);
		if (len > 0)
			deliver_queue_line(actor, to, line, (size_t)len);
	}
	pthread_mutex_unlock(&monitor_lock);
}

bool monitor_watched(const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (atomic_load(&index_size) == 0 || ircname_fold(key, sizeof key, nick) < 0)
		return false;
	pthread_mutex_lock(&monitor_lock);
	bool watched = index_map && strmap_get(index_map, key);
	pthread_mutex_unlock(&monitor_lock);
	return watched;
}

void monitor_tell_msg(struct session *actor, struct outmsg *m, unsigned cap,
		      struct session *const *skip, size_t nskip)
{
	char key[NICK_LEN_MAX + 1];
	if (atomic_load(&index_size) == 0 || ircname_fold(key, sizeof key, actor->nick) < 0)
		return;
	unsigned want = CAP_EXTENDED_MONITOR | cap;
	pthread_mutex_lock(&monitor_lock);
	struct watchers *w = index_map ? strmap_get(index_map, key) : NULL;
	for (size_t i = 0; w && i < w->n; i++) {
		struct session *to = w->v[i];
		if (to == actor ||
		    (atomic_load_explicit(&to->caps, memory_order_relaxed) & want) != want)
			continue;
		if (nskip && bsearch(&to, skip, nskip, sizeof *skip, session_ptr_order))
			continue; /* told already as a room-mate: once is enough */
		deliver_queue(actor, to, m);
	}
	pthread_mutex_unlock(&monitor_lock);
}

size_t monitor_index_count(void)
{
	return atomic_load(&index_size);
}

/* Frees one index entry (strmap_each callback). */
static void watchers_free(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	struct watchers *w = value;
	free(w->v);
	free(w);
}

void monitor_free(void)
{
	pthread_mutex_lock(&monitor_lock);
	if (index_map) {
		strmap_each(index_map, watchers_free, NULL);
		strmap_free(index_map);
		index_map = NULL;
	}
	atomic_store(&index_size, 0);
	pthread_mutex_unlock(&monitor_lock);
}
