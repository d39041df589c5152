/* state_monitor: MONITOR for the private windows (state_monitor.h). */
#include "state_monitor.h"

#include "monitorlist.h"
#include "state_queue.h"

/* True when w's nick is on the server's MONITOR list (as far as we know). */
static bool state_monitor_has(const struct window *w)
{
	return w->kind == WIN_QUERY &&
	       (w->peer == PEER_UNKNOWN || w->peer == PEER_ONLINE || w->peer == PEER_OFFLINE);
}

/* How many windows' nicks are on the list. */
static size_t state_monitor_count(const struct state *st)
{
	size_t n = 0;
	for (size_t i = 1; i < st->nwindows; i++)
		n += state_monitor_has(st->windows[i]);
	return n;
}

/* w cannot be monitored (no room in the list): says so once. */
static void state_monitor_full(struct state *st, struct window *w)
{
	if (w->peer == PEER_FULL)
		return;
	w->peer = PEER_FULL;
	state_emitf(st, w, st->now_ms, LINE_INFO,
	            "not monitored: the server's MONITOR list is full");
}

/* Queues one built MONITOR line (monitorlist_build's emit). */
static void state_monitor_emit(void *arg, const char *line)
{
	state_sendf(arg, "%s", line);
}

/* Sends the whole list once registered on a connection whose 005 offered
 * MONITOR: the windows in order, up to the limit. A peer's last known state
 * stays, so an answer that repeats it shows no line. */
static void state_monitor_sync(struct state *st)
{
	if (st->monitor_synced || !st->registered || st->monitor_limit == 0)
		return;
	const char *nicks[STATE_WINDOWS_MAX];
	size_t n = 0;
	st->monitor_synced = true;
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind != WIN_QUERY)
			continue;
		if (n >= st->monitor_limit || n >= STATE_WINDOWS_MAX) {
			state_monitor_full(st, w);
			continue;
		}
		if (w->peer == PEER_UNMONITORED || w->peer == PEER_FULL)
			w->peer = PEER_UNKNOWN;
		nicks[n++] = w->name;
	}
	monitorlist_build('+', nicks, n, state_monitor_emit, st);
}

bool state_monitor_isupport(struct state *st, const char *token)
{
	size_t limit;
	if (!monitorlist_isupport(token, STATE_WINDOWS_MAX, &limit))
		return false;
	if (!st->monitor_synced) { /* a later 005 does not change the list's terms */
		st->monitor_limit = limit;
		state_monitor_sync(st);
	}
	return true;
}

void state_monitor_registered(struct state *st)
{
	state_monitor_sync(st);
}

void state_monitor_opened(struct state *st, struct window *w)
{
	w->peer = PEER_UNMONITORED;
	if (!st->monitor_synced || w->kind != WIN_QUERY)
		return;
	if (state_monitor_count(st) >= st->monitor_limit) {
		state_monitor_full(st, w);
		return;
	}
	w->peer = PEER_UNKNOWN;
	state_sendf(st, "MONITOR + %s", w->name);
}

void state_monitor_closing(struct state *st, struct window *w)
{
	if (st->monitor_synced && state_monitor_has(w))
		state_sendf(st, "MONITOR - %s", w->name);
}

void state_monitor_closed(struct state *st)
{
	if (!st->monitor_synced)
		return;
	size_t n = state_monitor_count(st);
	for (size_t i = 1; i < st->nwindows && n < st->monitor_limit; i++) {
		struct window *w = st->windows[i];
		if (w->kind != WIN_QUERY || w->peer != PEER_FULL)
			continue;
		w->peer = PEER_UNKNOWN;
		state_sendf(st, "MONITOR + %s", w->name);
		n++;
	}
}

void state_monitor_renamed(struct state *st, struct window *w, const char *old)
{
	if (!st->monitor_synced || !state_monitor_has(w) || state_same(old, w->name))
		return;
	state_sendf(st, "MONITOR - %s", old);
	state_sendf(st, "MONITOR + %s", w->name);
}

void state_monitor_quit(struct state *st, struct window *w)
{
	if (st->monitor_synced && state_monitor_has(w))
		w->peer = PEER_OFFLINE;
}

void state_monitor_reset(struct state *st)
{
	st->monitor_limit = 0;
	st->monitor_synced = false;
	for (size_t i = 1; i < st->nwindows; i++)
		if (st->windows[i]->peer == PEER_FULL) /* there may be room next time */
			st->windows[i]->peer = PEER_UNMONITORED;
}

/* The monitored query window for a nick the server named, or NULL. */
static struct window *state_monitor_window(struct state *st, const char *nick)
{
	int idx = state_window_find(st, nick);
	if (idx < 0 || !state_monitor_has(st->windows[idx]))
		return NULL;
	return st->windows[idx];
}

/* 730/731: the listed peers are online/offline; a line when that changes. */
static void state_monitor_presence(struct state *st, struct state_ctx *c, bool online)
{
	struct monitorlist_targets t;
	monitorlist_targets_init(&t, c->m->params[c->m->nparams - 1]);
	const char *nick;
	while ((nick = monitorlist_targets_next(&t)) != NULL) {
		struct window *w = state_monitor_window(st, nick);
		enum state_peer now = online ? PEER_ONLINE : PEER_OFFLINE;
		if (!w || w->peer == now)
			continue;
		bool was_online = w->peer == PEER_ONLINE;
		w->peer = now;
		if (online)
			state_emitf(st, w, c->ms, LINE_EVENT, "%s is online", w->name);
		else
			state_emitf(st, w, c->ms, LINE_EVENT, "%s %s offline", w->name,
			            was_online ? "went" : "is");
	}
}

/* 734 ERR_MONLISTFULL "me limit targets :text": those are not monitored,
 * and the list is full at what it holds now (the user may have added nicks
 * of their own, or the server counts differently): no more are asked for
 * until a window closes. */
static void state_monitor_refused(struct state *st, struct state_ctx *c)
{
	struct monitorlist_targets t;
	monitorlist_targets_init(&t, c->m->params[2]);
	const char *nick;
	while ((nick = monitorlist_targets_next(&t)) != NULL) {
		struct window *w = state_monitor_window(st, nick);
		if (w)
			state_monitor_full(st, w);
	}
	size_t n = state_monitor_count(st);
	if (n < st->monitor_limit)
		st->monitor_limit = n;
}

bool state_monitor_numeric(struct state *st, struct state_ctx *c, int num)
{
	if (!st->monitor_synced || (num != 730 && num != 731 && num != 734))
		return false; /* not ours: shown as any other numeric */
	if (num == 734) {
		if (c->m->nparams >= 3)
			state_monitor_refused(st, c);
	} else if (c->m->nparams >= 2) {
		state_monitor_presence(st, c, num == 730);
	}
	return true;
}
