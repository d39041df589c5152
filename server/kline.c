/* kline: see kline.h. */
#include "kline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "clock.h"
#include "global.h"
#include "log.h"
#include "store_klines.h"
#include "textsafe.h"
#include "xalloc.h"

struct kline_table {
	atomic_int refs;
	size_t n;
	struct kline e[]; /* immutable once installed */
};

/* Lock order: write_lock, then store_direct's lock or table_lock (leaves). */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER; /* one writer at a time */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER; /* guards `current` only */
static struct kline_table *current; /* NULL: no bans */

/* Drops a reference; the last one frees the table. */
static void table_release(struct kline_table *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1)
		free(t);
}

/* The table in force with a reference taken, or NULL. */
static struct kline_table *table_acquire(void)
{
	pthread_mutex_lock(&table_lock);
	struct kline_table *t = current;
	if (t)
		atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&table_lock);
	return t;
}

/* Installs t (which may be NULL) as the table in force. */
static void table_install(struct kline_table *t)
{
	pthread_mutex_lock(&table_lock);
	struct kline_table *old = current;
	current = t;
	pthread_mutex_unlock(&table_lock);
	table_release(old);
}

bool kline_in_force(const struct kline *k, long long now_ms)
{
	return k->expires_ms == 0 || k->expires_ms > now_ms;
}

/* A new table: old's live entries but the one on mask drop (or none), then
 * add (or none). */
static struct kline_table *table_build(const struct kline_table *old, long long now,
				       const char *drop, const struct kline *add)
{
	size_t cap = (old ? old->n : 0) + 1;
	struct kline_table *t = xmalloc(sizeof *t + cap * sizeof *t->e);
	atomic_init(&t->refs, 1);
	t->n = 0;
	for (size_t i = 0; old && i < old->n; i++)
		if (kline_in_force(&old->e[i], now) && !(drop && !strcmp(old->e[i].mask.text, drop)))
			t->e[t->n++] = old->e[i];
	if (add)
		t->e[t->n++] = *add;
	if (t->n == 0) {
		free(t);
		return NULL;
	}
	return t;
}

/* Live entries of t, and whether one of them is on mask. */
static size_t table_live(const struct kline_table *t, long long now, const char *mask,
			 bool *has)
{
	size_t n = 0;
	*has = false;
	for (size_t i = 0; t && i < t->n; i++) {
		if (!kline_in_force(&t->e[i], now))
			continue;
		n++;
		if (!strcmp(t->e[i].mask.text, mask))
			*has = true;
	}
	return n;
}

/* The connection bans are written to, or NULL (memory only). */
static struct store_direct *kline_store(void)
{
	return archive_direct();
}

struct load {
	struct kline *e;
	size_t n, cap;
};

/* store_klines_load callback: one kept ban into the load. */
static void load_one(const struct store_kline *row, void *arg)
{
	struct load *l = arg;
	struct kline k = {.set_ms = row->set_ms, .expires_ms = row->expires_ms};
	const char *why;
	if (kline_mask_parse(row->mask, &k.mask, &why) < 0) {
		log_warn("server ban on %.*s in the store ignored: %s", KLINE_MASK_MAX, row->mask,
			 why);
		return;
	}
	textsafe_clean(row->reason, strlen(row->reason), k.reason, sizeof k.reason,
		       TEXTSAFE_DROP);
	textsafe_clean(row->setter, strlen(row->setter), k.setter, sizeof k.setter,
		       TEXTSAFE_DROP);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->e = xrealloc(l->e, l->cap * sizeof *l->e);
	}
	l->e[l->n++] = k;
}

int kline_start(char *err, size_t errcap)
{
	struct store_direct *d = kline_store();
	if (!d) {
		log_info("server bans (KLINE) are kept in memory only (--history-store memory): "
			 "they end when the server stops");
		return 0;
	}
	struct load l = {0};
	if (store_klines_load(d, clock_unix_ms(), load_one, &l, err, errcap) < 0) {
		free(l.e);
		return -1;
	}
	struct kline_table *t = NULL;
	if (l.n) {
		t = xmalloc(sizeof *t + l.n * sizeof *t->e);
		atomic_init(&t->refs, 1);
		t->n = l.n;
		memcpy(t->e, l.e, l.n * sizeof *l.e);
	}
	free(l.e);
	table_install(t);
	log_info("%zu server ban(s) (KLINE) loaded from the store%s", l.n,
		 (int)l.n > g_server.cfg.max_klines ? " (more than --max-klines: no new ones "
						      "until some are removed)" : "");
	return 0;
}

void kline_free(void)
{
	table_install(NULL);
}

/* Fills *k for a new ban; -1 with why set when the mask is refused. */
static enum kline_result entry_make(struct kline *k, const char *mask_text,
				    long long duration_ms, const char *reason,
				    const char *setter, long long now, char *why, size_t whycap)
{
	memset(k, 0, sizeof *k);
	const char *bad;
	if (kline_mask_parse(mask_text, &k->mask, &bad) < 0) {
		snprintf(why, whycap, "%s", bad);
		return KLINE_BAD_MASK;
	}
	if (kline_mask_everyone(&k->mask)) {
		snprintf(why, whycap, "%s matches everyone", k->mask.text);
		return KLINE_EVERYONE;
	}
	textsafe_clean(reason, strlen(reason), k->reason, sizeof k->reason, TEXTSAFE_DROP);
	if (!k->reason[0])
		snprintf(k->reason, sizeof k->reason, "No reason");
	textsafe_clean(setter, strlen(setter), k->setter, sizeof k->setter, TEXTSAFE_DROP);
	k->set_ms = now;
	if (duration_ms > KLINE_DURATION_MAX_MS)
		duration_ms = KLINE_DURATION_MAX_MS;
	k->expires_ms = duration_ms > 0 ? now + duration_ms : 0;
	return KLINE_ADDED;
}

enum kline_result kline_add(const char *mask_text, long long duration_ms, const char *reason,
			    const char *setter, struct kline *out, char *why, size_t whycap)
{
	long long now = clock_unix_ms();
	enum kline_result r = entry_make(out, mask_text, duration_ms, reason, setter, now, why,
					 whycap);
	if (r != KLINE_ADDED)
		return r;
	pthread_mutex_lock(&write_lock);
	struct kline_table *old = table_acquire();
	bool has;
	size_t n = table_live(old, now, out->mask.text, &has);
	if (!has && n >= (size_t)g_server.cfg.max_klines) {
		snprintf(why, whycap, "%d server bans are in force (--max-klines)",
			 g_server.cfg.max_klines);
		r = KLINE_FULL;
	} else {
		struct store_kline row = {out->mask.text, out->reason, out->setter, out->set_ms,
					  out->expires_ms};
		struct store_direct *d = kline_store();
		if (d && store_klines_put(d, &row, why, whycap) < 0) {
			r = KLINE_STORE_FAILED;
		} else {
			table_install(table_build(old, now, out->mask.text, out));
			r = has ? KLINE_REPLACED : KLINE_ADDED;
		}
	}
	table_release(old);
	pthread_mutex_unlock(&write_lock);
	return r;
}

enum kline_result kline_remove(const char *mask_text, char *canon, char *why, size_t whycap)
{
	struct kline_mask m;
	const char *bad;
	if (kline_mask_parse(mask_text, &m, &bad) < 0) {
		snprintf(why, whycap, "%s", bad);
		return KLINE_BAD_MASK;
	}
	snprintf(canon, KLINE_MASK_MAX + 1, "%s", m.text);
	long long now = clock_unix_ms();
	pthread_mutex_lock(&write_lock);
	struct kline_table *old = table_acquire();
	bool has;
	table_live(old, now, m.text, &has);
	enum kline_result r = KLINE_NOT_FOUND;
	int found = 0;
	struct store_direct *d = kline_store();
	if (d && store_klines_remove(d, m.text, &found, why, whycap) < 0) {
		r = KLINE_STORE_FAILED;
	} else if (has || found) {
		table_install(table_build(old, now, m.text, NULL));
		r = KLINE_REMOVED;
	}
	table_release(old);
	pthread_mutex_unlock(&write_lock);
	return r;
}

/* The first live entry of the table in force that match() accepts: its
 * reason into reason. */
static bool kline_find(bool (*match)(const struct kline *k, const void *arg), const void *arg,
		       char *reason)
{
	struct kline_table *t = table_acquire();
	long long now = clock_unix_ms();
	bool hit = false;
	for (size_t i = 0; t && i < t->n && !hit; i++) {
		if (kline_in_force(&t->e[i], now) && match(&t->e[i], arg)) {
			snprintf(reason, KLINE_REASON_MAX + 1, "%s", t->e[i].reason);
			hit = true;
		}
	}
	table_release(t);
	return hit;
}

/* kline_find matcher: an address-only entry matching the host arg. */
static bool match_host(const struct kline *k, const void *arg)
{
	return kline_mask_address_only(&k->mask) && kline_mask_match_host(&k->mask, arg);
}

bool kline_check_host(const char *host, char *reason)
{
	return kline_find(match_host, host, reason);
}

struct who {
	const char *nick, *user, *host;
};

/* kline_find matcher: any entry matching the user arg. */
static bool match_user(const struct kline *k, const void *arg)
{
	const struct who *w = arg;
	return kline_mask_match(&k->mask, w->nick, w->user, w->host);
}

bool kline_check_user(const char *nick, const char *user, const char *host, char *reason)
{
	struct who w = {nick, user, host};
	return kline_find(match_user, &w, reason);
}

size_t kline_each(void (*fn)(const struct kline *k, void *arg), void *arg)
{
	struct kline_table *t = table_acquire();
	long long now = clock_unix_ms();
	size_t n = 0;
	for (size_t i = 0; t && i < t->n; i++) {
		if (kline_in_force(&t->e[i], now)) {
			fn(&t->e[i], arg);
			n++;
		}
	}
	table_release(t);
	return n;
}
