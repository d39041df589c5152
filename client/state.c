/* state: the model's windows, accessors and invariants. */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_away.h"
#include "state_history.h"
#include "state_member.h"
#include "state_monitor.h"
#include "state_multiline.h"
#include "state_priv.h"
#include "state_queue.h"
#include "xalloc.h"

/* A new window at the end of the list. */
static struct window *state_add_window(struct state *st, enum state_win_kind kind, const char *name)
{
	struct window *w = xcalloc(1, sizeof(*w));
	w->id = ++st->next_id;
	w->kind = kind;
	w->name = xstrdup(name);
	w->topic = xstrdup("");
	w->members = nicklist_new();
	if (kind == WIN_QUERY)
		st->nqueries++;
	if (st->nwindows == st->capwindows) {
		st->capwindows = st->capwindows ? st->capwindows * 2 : 8;
		st->windows = xrealloc(st->windows, st->capwindows * sizeof(*st->windows));
	}
	st->windows[st->nwindows++] = w;
	state_monitor_opened(st, w);
	state_away_query_opened(st, w);
	return w;
}

/* Frees a window (taking its members and query out of the counts). */
static void state_free_window(struct state *st, struct window *w)
{
	state_clear_members(st, w);
	if (w->kind == WIN_QUERY)
		st->nqueries--;
	nicklist_free(w->members);
	seenset_free(w->seen);
	free(w->name);
	free(w->topic);
	free(w->away);
	free(w);
}

struct state *state_new(const char *nick, const char *server_label)
{
	struct state *st = xcalloc(1, sizeof(*st));
	st->nick = xstrdup(nick);
	st->lag_ms = -1;
	snprintf(st->prefix_modes, sizeof(st->prefix_modes), "ov");
	snprintf(st->prefix_chars, sizeof(st->prefix_chars), "@+");
	snprintf(st->chantypes, sizeof(st->chantypes), "#&");
	snprintf(st->chanmodes[0], sizeof(st->chanmodes[0]), "b");
	snprintf(st->chanmodes[1], sizeof(st->chanmodes[1]), "k");
	snprintf(st->chanmodes[2], sizeof(st->chanmodes[2]), "l");
	snprintf(st->chanmodes[3], sizeof(st->chanmodes[3]), "imnpst");
	st->catchup = catchup_new();
	st->history_limit = STATE_HISTORY_PAGE_DEFAULT;
	st->history_ref_msgid = st->history_ref_time = true;
	state_add_window(st, WIN_SERVER, server_label);
	return st;
}

void state_free(struct state *st)
{
	struct state_line line;
	char *s;
	if (!st)
		return;
	while (state_pop_line(st, &line))
		state_line_free(&line);
	while ((s = state_pop_send(st)) != NULL)
		free(s);
	while ((s = state_pop_reply(st)) != NULL)
		free(s);
	for (size_t i = 0; i < st->nwindows; i++)
		state_free_window(st, st->windows[i]);
	catchup_free(st->catchup);
	state_multiline_free(st);
	free(st->windows);
	free(st->nick);
	free(st);
}

size_t state_window_count(const struct state *st)
{
	return st->nwindows;
}

int state_window_index(const struct state *st, unsigned id)
{
	for (size_t i = 0; i < st->nwindows; i++)
		if (st->windows[i]->id == id)
			return (int)i;
	return -1;
}

int state_window_find(const struct state *st, const char *name)
{
	for (size_t i = 1; i < st->nwindows; i++)
		if (state_same(st->windows[i]->name, name))
			return (int)i;
	return -1;
}

int state_window_open(struct state *st, enum state_win_kind kind, const char *name)
{
	int idx = state_window_find(st, name);
	if (idx >= 0)
		return idx;
	if (st->nwindows >= STATE_WINDOWS_MAX)
		return -1;
	state_add_window(st, kind, name);
	return (int)st->nwindows - 1;
}

/* Finds or opens the window for name; NULL when no more can be opened. The
 * index is taken first, in its own statement: opening may grow (realloc)
 * st->windows, so st->windows must be read after the call, never in the same
 * expression. */
struct window *state_window_for(struct state *st, enum state_win_kind kind, const char *name)
{
	int idx = state_window_open(st, kind, name);
	return idx < 0 ? NULL : st->windows[idx];
}

bool state_window_close(struct state *st, size_t idx)
{
	if (idx == 0 || idx >= st->nwindows)
		return false;
	state_monitor_closing(st, st->windows[idx]);
	state_history_closing(st, st->windows[idx]);
	state_free_window(st, st->windows[idx]);
	if (st->nqueries < STATE_QUERIES_MAX)
		st->query_cap_noted = false;
	memmove(&st->windows[idx], &st->windows[idx + 1],
	        (st->nwindows - idx - 1) * sizeof(*st->windows));
	st->nwindows--;
	if (st->current >= idx && st->current > 0)
		st->current--;
	st->windows[st->current]->activity = ACT_NONE;
	state_monitor_closed(st);
	return true;
}

unsigned state_window_id(const struct state *st, size_t idx)
{
	return st->windows[idx]->id;
}

enum state_win_kind state_window_kind(const struct state *st, size_t idx)
{
	return st->windows[idx]->kind;
}

const char *state_window_name(const struct state *st, size_t idx)
{
	return st->windows[idx]->name;
}

const char *state_window_topic(const struct state *st, size_t idx)
{
	return st->windows[idx]->topic;
}

bool state_window_joined(const struct state *st, size_t idx)
{
	return st->windows[idx]->joined;
}

enum state_activity state_window_activity(const struct state *st, size_t idx)
{
	return st->windows[idx]->activity;
}

enum state_peer state_window_peer(const struct state *st, size_t idx)
{
	const struct window *w = st->windows[idx];
	return st->monitor_synced && w->kind == WIN_QUERY ? w->peer : PEER_UNMONITORED;
}

size_t state_current(const struct state *st)
{
	return st->current;
}

void state_set_current(struct state *st, size_t idx)
{
	if (idx >= st->nwindows)
		return;
	st->current = idx;
	st->windows[idx]->activity = ACT_NONE;
}

/* The window a target-less reply goes to: the current one. */
struct window *state_current_window(struct state *st)
{
	return st->windows[st->current];
}

/* The channel window named name, or NULL. */
struct window *state_channel(struct state *st, const char *name)
{
	int idx = state_window_find(st, name);
	if (idx < 0 || st->windows[idx]->kind != WIN_CHANNEL)
		return NULL;
	return st->windows[idx];
}

const char *state_nick(const struct state *st)
{
	return st->nick;
}

bool state_registered(const struct state *st)
{
	return st->registered;
}

bool state_echo_message(const struct state *st)
{
	return st->cap_echo;
}

long long state_lag_ms(const struct state *st)
{
	return st->lag_ms;
}

bool state_is_channel(const struct state *st, const char *target)
{
	return target[0] != '\0' && strchr(st->chantypes, target[0]) != NULL;
}

void state_note(struct state *st, size_t idx, enum state_line_kind kind, const char *text,
                long long now_ms)
{
	if (idx >= st->nwindows)
		idx = 0;
	state_emit(st, st->windows[idx], now_ms, kind, false, false, "", text);
}

const char *state_check(const struct state *st)
{
	size_t members = 0, queries = 0, monitored = 0;
	if (st->nwindows < 1 || st->nwindows > STATE_WINDOWS_MAX)
		return "the window count is out of bounds";
	if (st->windows[0]->kind != WIN_SERVER || st->current >= st->nwindows)
		return "no server window first, or the current window is gone";
	for (size_t i = 0; i < st->nwindows; i++) {
		const struct window *w = st->windows[i];
		const char *why = nicklist_check(w->members);
		if (why)
			return why;
		if (i > 0 && w->kind == WIN_SERVER)
			return "a second server window";
		for (size_t j = 0; j < i; j++)
			if (st->windows[j]->id == w->id)
				return "two windows share an id";
		if (nicklist_count(w->members) > STATE_MEMBERS_MAX)
			return "a nick list is past its limit";
		if (w->kind != WIN_CHANNEL && nicklist_count(w->members) > 0)
			return "a window that is no channel lists nicks";
		if (w->names_pending != nicklist_in_bulk(w->members))
			return "a pending NAMES and its list's bulk load disagree";
		members += nicklist_count(w->members);
		queries += w->kind == WIN_QUERY;
		if (w->kind != WIN_QUERY && w->peer != PEER_UNMONITORED)
			return "a window that is no query has a MONITOR state";
		monitored += w->kind == WIN_QUERY && w->peer != PEER_UNMONITORED &&
		             w->peer != PEER_FULL;
	}
	const char *why = catchup_check(st->catchup);
	if (why)
		return why;
	for (size_t i = 0; i < st->nwindows; i++)
		if (st->windows[i]->seen && (why = seenset_check(st->windows[i]->seen)) != NULL)
			return why;
	if (members != st->members_total || members > STATE_MEMBERS_TOTAL_MAX)
		return "the total of listed nicks is wrong or past its limit";
	if (queries != st->nqueries)
		return "the query count is wrong";
	if (st->monitor_synced && monitored > st->monitor_limit)
		return "more nicks monitored than the server's MONITOR limit";
	if (!*st->nick)
		return "our nick is empty";
	return NULL;
}
