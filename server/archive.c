/* archive: see archive.h. */
#include "archive.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "dmpair.h"
#include "event.h"
#include "global.h"
#include "log.h"
#include "store.h"
#include "xalloc.h"

static struct store *store;               /* set before accepting, cleared after */
/* Numbers and queues private messages, so a conversation's messages reach
 * the store in seq order (store.h) — a room's lock does that for a room. A
 * leaf but for the store's queue lock, taken under it; taken under the
 * registry read lock. */
static pthread_mutex_t dm_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ullong last_seq;            /* the newest sequence number given */

int archive_open(char *err, size_t errcap)
{
	atomic_store(&last_seq, 0);
	if (!g_server.cfg.history_sqlite)
		return 0;
	const struct config *cfg = &g_server.cfg;
	struct store_limits limits = {.history_days = cfg->history_days,
				      .history_max = cfg->history_max,
				      .max_rooms = cfg->max_channels * 10};
	/* Test knob: a short queue, so a test can outrun the disk. */
	const char *pending = getenv("PARLEYD_STORE_PENDING_MAX");
	if (pending)
		limits.pending_max = strtol(pending, NULL, 10);
	store = store_open(cfg->data_dir, &limits, err, errcap);
	if (!store)
		return -1;
	atomic_store(&last_seq, store_max_seq(store));
	return 0;
}

struct store_direct *archive_direct(void)
{
	return store ? store_direct(store) : NULL;
}

void archive_close(void)
{
	if (store)
		store_close(store);
	store = NULL;
}

bool archive_backlogged(void)
{
	return store && store_backlogged(store);
}

/* The history record of m with its text and tags (no seq yet). */
static struct history_record record_of(const struct outmsg *m, const char *text, const char *tags)
{
	struct history_record r = {
		.unix_ms = m->unix_ms,
		.source = m->source,
		.command = m->command,
		.text = text,
		.tags = tags ? tags : "",
	};
	memcpy(r.msgid, m->msgid, sizeof r.msgid);
	return r;
}

void archive_message_locked(struct channel *ch, const struct outmsg *m, const char *text,
			    const char *tags)
{
	struct history_record r = record_of(m, text, tags);
	r.seq = atomic_fetch_add(&last_seq, 1) + 1;
	history_add(ch->history, &r);
	if (!store)
		return;
	store_append(store, ch->folded, &r);
}

/* The flag letters of ch's modes without parameters. ch->lock held. */
static void flag_modes(const struct channel *ch, char out[8])
{
	size_t n = 0;
	if (ch->mode_invite_only)
		out[n++] = 'i';
	if (ch->mode_moderated)
		out[n++] = 'm';
	if (ch->mode_secret)
		out[n++] = 's';
	if (ch->mode_no_external)
		out[n++] = 'n';
	if (ch->mode_topic_ops)
		out[n++] = 't';
	out[n] = '\0';
}

void archive_room_changed_locked(struct channel *ch)
{
	if (!store)
		return;
	char modes[8];
	flag_modes(ch, modes);
	char ops[OPACCTS_TEXT_MAX];
	opaccts_format(&ch->op_accounts, ops, sizeof ops);
	struct store_ban *bans = xcalloc(3 * BANS_MAX, sizeof *bans); /* +b, +e, +I */
	size_t nbans = 0;
	for (const char *kind = "beI"; *kind; kind++) {
		size_t *n;
		struct ban **list = channel_mask_list(ch, *kind, &n);
		for (size_t i = 0; i < *n && i < BANS_MAX; i++)
			bans[nbans++] = (struct store_ban){.mask = (*list)[i].mask,
							   .setter = (*list)[i].setter,
							   .unix_ms = (*list)[i].unix_ms,
							   .kind = *kind};
	}
	struct store_room r = {
		.name = ch->name,
		.created_ms = ch->created_unix_ms,
		.topic = ch->topic,
		.topic_setter = ch->topic_setter,
		.topic_ms = ch->topic_unix_ms,
		.modes = modes,
		.key = ch->key,
		.limit = ch->limit,
		.bans = bans,
		.nbans = nbans,
		.ops = ops,
	};
	store_save_room(store, ch->folded, &r);
	free(bans);
}

struct archive_room {
	bool has_state;
	struct store_room state;
	struct history_page recent; /* the newest --history messages, oldest first */
};

struct archive_room *archive_room_load(const char *key)
{
	if (!store)
		return NULL;
	struct archive_room *r = xcalloc(1, sizeof *r);
	r->has_state = store_load_room(store, key, &r->state) == 1;
	if (LIVE(history) > 0) {
		struct history_query q = {.sel = HSEL_LATEST, .limit = (size_t)LIVE(history)};
		if (store_query(store, key, &q, &r->recent) != 0)
			history_page_free(&r->recent);
	}
	if (!r->has_state && r->recent.n == 0) {
		archive_room_free(r);
		return NULL;
	}
	return r;
}

/* Gives ch the remembered topic, modes and bans. */
static void room_state_apply(struct channel *ch, const struct store_room *s)
{
	ch->created_unix_ms = s->created_ms;
	if (s->topic && s->topic[0]) {
		free(ch->topic);
		ch->topic = xstrdup(s->topic);
		snprintf(ch->topic_setter, sizeof ch->topic_setter, "%s", s->topic_setter);
		ch->topic_unix_ms = s->topic_ms;
	}
	ch->mode_invite_only = strchr(s->modes, 'i') != NULL;
	ch->mode_no_external = strchr(s->modes, 'n') != NULL;
	ch->mode_topic_ops = strchr(s->modes, 't') != NULL;
	ch->mode_moderated = strchr(s->modes, 'm') != NULL;
	ch->mode_secret = strchr(s->modes, 's') != NULL;
	snprintf(ch->key, sizeof ch->key, "%s", s->key);
	ch->limit = s->limit > 0 ? s->limit : 0;
	for (size_t i = 0; i < s->nbans; i++) {
		size_t *n;
		struct ban **list = channel_mask_list(ch, s->bans[i].kind, &n);
		if (*n >= BANS_MAX)
			continue;
		*list = xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = (struct ban){.mask = xstrdup(s->bans[i].mask),
					       .setter = xstrdup(s->bans[i].setter),
					       .unix_ms = s->bans[i].unix_ms};
	}
	opaccts_parse(&ch->op_accounts, s->ops);
}

void archive_room_apply(struct channel *ch, struct archive_room *r)
{
	if (!r)
		return;
	if (r->has_state)
		room_state_apply(ch, &r->state);
	for (size_t i = 0; i < r->recent.n; i++)
		history_add(ch->history, r->recent.items[i]);
	archive_room_free(r);
}

void archive_room_free(struct archive_room *r)
{
	if (!r)
		return;
	if (r->has_state)
		store_room_free(&r->state);
	history_page_free(&r->recent);
	free(r);
}

int archive_query(struct channel *ch, const struct history_query *q, struct history_page *page)
{
	if (!store)
		return history_query(ch->history, q, page);
	return store_query(store, ch->folded, q, page);
}

/* The time of a room's newest message between lo and hi (exclusive) from
 * its memory, or -1. */
static long long memory_latest_between(struct channel *ch, long long lo, long long hi)
{
	struct history_query q = {.sel = HSEL_BETWEEN,
				  .a = {.kind = HREF_TIME, .unix_ms = hi},
				  .b = {.kind = HREF_TIME, .unix_ms = lo},
				  .limit = 1};
	struct history_page page = {0};
	long long latest = -1;
	if (history_query(ch->history, &q, &page) == 0 && page.n == 1)
		latest = page.items[0]->unix_ms;
	history_page_free(&page);
	return latest;
}

int archive_targets(struct channel *const *rooms, size_t n, const char *const *pairs,
		    size_t npairs, long long from_ms, long long to_ms, size_t limit, size_t *which,
		    long long *latest_ms)
{
	if (store) {
		const char **keys = xcalloc(n + npairs ? n + npairs : 1, sizeof *keys);
		for (size_t i = 0; i < n; i++)
			keys[i] = rooms[i]->folded;
		for (size_t i = 0; i < npairs; i++)
			keys[n + i] = pairs[i];
		int found = store_targets(store, keys, n + npairs, from_ms, to_ms, limit, which,
					  latest_ms);
		free(keys);
		return found;
	}
	long long lo = from_ms < to_ms ? from_ms : to_ms, hi = from_ms < to_ms ? to_ms : from_ms;
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		long long t = memory_latest_between(rooms[i], lo, hi);
		if (t < 0)
			continue;
		/* Insertion into the answer, oldest first. */
		size_t at = found;
		while (at > 0 && latest_ms[at - 1] > t)
			at--;
		memmove(which + at + 1, which + at, (found - at) * sizeof *which);
		memmove(latest_ms + at + 1, latest_ms + at, (found - at) * sizeof *latest_ms);
		which[at] = i;
		latest_ms[at] = t;
		found++;
	}
	return (int)(found < limit ? found : limit);
}

void archive_dm(const struct outmsg *m, const char *text, const char *tags, const char *from,
		const char *to)
{
	char key[DMPAIR_KEY_MAX];
	if (!store || !from[0] || !to[0] || !text || !dmpair_key(from, to, key))
		return;
	struct history_record r = record_of(m, text, tags);
	pthread_mutex_lock(&dm_lock);
	r.seq = atomic_fetch_add(&last_seq, 1) + 1;
	store_append(store, key, &r);
	pthread_mutex_unlock(&dm_lock);
}

int archive_dm_query(const char *account, const char *other, const struct history_query *q,
		     struct history_page *page)
{
	char key[DMPAIR_KEY_MAX];
	if (!store || !account[0] || !dmpair_key(account, other, key))
		return 0;
	return store_query(store, key, q, page);
}

int archive_dm_targets(const char *account, char **out, size_t max)
{
	char folded[NICK_LEN_MAX + 1];
	if (!store || !account[0] || strlen(account) > NICK_LEN_MAX)
		return 0;
	ircname_fold(folded, sizeof folded, account);
	return store_dm_targets(store, folded, out, max);
}
