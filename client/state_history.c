/* state_history: CHATHISTORY catch-up, batches, and no line twice. */
#include "state_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_queue.h"
#include "xalloc.h"

/* The batch type of CHATHISTORY's replies (and its older draft name). */
static bool state_history_type(const char *type)
{
	return strcmp(type, "chathistory") == 0 || strcmp(type, "draft/chathistory") == 0;
}

void state_history_connected(struct state *st)
{
	st->cap_tags = st->cap_batch = st->cap_history = false;
	st->history_limit = STATE_HISTORY_PAGE_DEFAULT;
	st->history_ref_msgid = st->history_ref_time = true;
	st->history_off = false;
	batches_clear(&st->batches);
	st->page_ref[0] = st->cut_ref[0] = '\0';
	st->page_win = 0;
	st->retried_win = 0;
	st->history_fail_noted = st->history_foreign_noted = false;
	st->history_fails = st->history_foreign_lines = 0;
	catchup_finish_all(st->catchup, CATCHUP_END_DISCONNECT);
	state_history_flush(st);
}

void state_history_disconnected(struct state *st)
{
	catchup_finish_all(st->catchup, CATCHUP_END_DISCONNECT);
	state_history_flush(st);
	batches_clear(&st->batches);
	st->page_ref[0] = '\0';
	st->page_win = 0;
}

/* True when the server can be asked for history now. */
static bool state_history_usable(const struct state *st)
{
	return st->cap_history && st->cap_batch && !st->history_off;
}

/* True when name can go into a CHATHISTORY line as one parameter. */
static bool state_history_target_ok(const char *name)
{
	if (!*name || strlen(name) > BATCHES_TARGET_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ':')
			return false;
	return true;
}

/* The window's catch-up after our JOIN is over (or there is none): from
 * the JOIN on it has seen everything. */
static void state_history_seen_since_join(struct window *w)
{
	if (w->has_join_time && (!w->has_last_time || w->join_time > w->last_time)) {
		w->last_time = w->join_time;
		w->has_last_time = true;
	}
	w->has_join_time = false;
}

void state_history_joined(struct state *st, struct window *w, struct state_ctx *c)
{
	bool fresh = !w->ever_joined;
	w->ever_joined = true;
	/* We see everything from our JOIN on: its time is where the next
	 * catch-up may start, but not this one (it asks for what came before). */
	w->join_time = c->ms;
	w->has_join_time = c->has_time;
	if (!state_history_usable(st) || !state_history_target_ok(w->name)) {
		state_history_seen_since_join(w);
		return;
	}
	catchup_want(st->catchup, w->id, fresh);
	state_history_flush(st);
}

void state_history_queries(struct state *st)
{
	if (!state_history_usable(st))
		return;
	bool any = false;
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind != WIN_QUERY || !state_history_target_ok(w->name))
			continue;
		catchup_want(st->catchup, w->id, false);
		any = true;
	}
	if (any)
		state_history_flush(st);
}

void state_history_closing(struct state *st, struct window *w)
{
	catchup_forget(st->catchup, w->id);
	if (st->page_win == w->id) {
		st->page_ref[0] = '\0';
		st->page_win = 0;
	}
	state_history_flush(st);
}

void state_history_cap(struct state *st, const char *cap, bool on)
{
	if (strcmp(cap, "message-tags") == 0)
		st->cap_tags = on;
	else if (strcmp(cap, "batch") == 0)
		st->cap_batch = on;
	else if (strcmp(cap, "draft/chathistory") == 0 || strcmp(cap, "chathistory") == 0)
		st->cap_history = on;
}

void state_history_isupport(struct state *st, const char *token)
{
	if (strncmp(token, "CHATHISTORY=", 12) == 0) {
		char *end;
		unsigned long long n = strtoull(token + 12, &end, 10);
		if (end == token + 12 || *end || token[12] == '-')
			return;
		st->history_limit =
		    n == 0 || n > STATE_HISTORY_PAGE_MAX ? STATE_HISTORY_PAGE_MAX : (size_t)n;
	} else if (strncmp(token, "MSGREFTYPES=", 12) == 0) {
		const char *v = token + 12;
		st->history_ref_msgid = strstr(v, "msgid") != NULL;
		st->history_ref_time = strstr(v, "timestamp") != NULL;
	}
}

/* Sends the request for window w's next page: after the newest line caught
 * so far, else after the newest the window showed (by msgid, else by
 * time), else the latest. by_time leaves the msgid out (the retry after a
 * FAIL: the server may have lost it). False when a page is to be continued
 * from a line with neither msgid nor time. */
static bool state_history_request(struct state *st, struct window *w, bool by_time)
{
	const struct catchup_item *last = catchup_last_caught(st->catchup);
	const char *msgid = last ? last->id.msgid_text : w->last_msgid;
	bool has_time = last ? last->id.has_exact : w->has_last_time;
	long long time_ms = last ? last->id.time_ms : w->last_time;
	size_t n = st->history_limit;
	char ts[40];

	st->request_by_msgid = false;
	if (*msgid && st->history_ref_msgid && !by_time) {
		st->request_by_msgid = true;
		state_sendf(st, "CHATHISTORY AFTER %s msgid=%s %zu", w->name, msgid, n);
	} else if (has_time && st->history_ref_time &&
	           ircmsg_time_tag(ts, sizeof(ts), time_ms) > 0) {
		state_sendf(st, "CHATHISTORY AFTER %s timestamp=%s %zu", w->name, ts, n);
	} else if (last) {
		return false; /* a page to continue, but nothing to continue from */
	} else {
		state_sendf(st, "CHATHISTORY LATEST %s * %zu", w->name, n);
	}
	catchup_requested(st->catchup, n, st->now_ms);
	return true;
}

/* Shows a window's ended turn: the caught lines not shown before, under the
 * separator that counts them, then the held lines, then why it ended early. */
static void state_history_show(struct state *st, struct catchup_result *r)
{
	int idx = state_window_index(st, r->win);
	if (idx < 0)
		return;
	struct window *w = st->windows[idx];
	if (!w->seen)
		w->seen = seenset_new(0);
	/* First pass: which caught lines are new (remembering them, so a line
	 * the server sent twice counts once). */
	unsigned long long count = r->dropped;
	long long first_ms = st->now_ms;
	for (struct catchup_item *i = r->caught; i; i = i->next) {
		i->line.window = lineid_is_dup(&i->id, w->seen) ? 0 : w->id;
		if (!i->line.window)
			continue;
		if (count == r->dropped)
			first_ms = i->line.unix_ms;
		count++;
		lineid_remember(&i->id, w->seen);
	}
	char text[STATE_TEXT_MAX];
	if (catchup_separator(count, r->dropped, r->fresh, text, sizeof(text)))
		state_emit(st, w, first_ms, LINE_SEPARATOR, false, false, "", text);
	for (struct catchup_item *i = r->caught; i; i = i->next) {
		if (!i->line.window)
			continue;
		state_show(st, w, &i->line, &i->id, false);
		i->line.nick = i->line.text = NULL; /* taken over */
	}
	for (struct catchup_item *i = r->held; i; i = i->next) {
		state_show(st, w, &i->line, &i->id, true);
		i->line.nick = i->line.text = NULL;
	}
	const char *note = catchup_end_note(r->why);
	if (note)
		state_emit(st, w, st->now_ms, LINE_INFO, false, false, "", note);
	state_history_seen_since_join(w);
}

void state_history_flush(struct state *st)
{
	/* Bounded: every turn of the loop ends a window's turn or asks for a
	 * page (which ends the loop), and there are at most STATE_WINDOWS_MAX
	 * windows waiting. */
	for (int guard = 0; guard <= 2 * STATE_WINDOWS_MAX + 2; guard++) {
		struct catchup_result r;
		while (catchup_take(st->catchup, &r)) {
			if (st->page_win == r.win) {
				/* The rest of its batch is dropped quietly. */
				snprintf(st->cut_ref, sizeof(st->cut_ref), "%s", st->page_ref);
				st->page_ref[0] = '\0';
				st->page_win = 0;
			}
			state_history_show(st, &r);
			catchup_result_free(&r);
		}
		unsigned win = catchup_to_request(st->catchup);
		if (!win)
			return;
		int idx = state_window_index(st, win);
		struct window *w = idx >= 0 ? st->windows[idx] : NULL;
		/* A room is asked about while we are in it; a query any time. */
		bool open = w && (w->joined || w->kind == WIN_QUERY);
		if (!open || !state_history_usable(st))
			catchup_finish(st->catchup, CATCHUP_END_DONE);
		else if (!state_history_request(st, w, false))
			catchup_finish(st->catchup, CATCHUP_END_NO_REF);
		else
			return;
	}
}

/* Counts a line of history nobody asked for; says so once a connection. */
static void state_history_foreign(struct state *st, struct state_ctx *c, const char *target)
{
	st->history_foreign_lines++;
	if (st->history_foreign_noted)
		return;
	st->history_foreign_noted = true;
	state_emitf(st, st->windows[0], c->ms, LINE_INFO,
	            "History: ignored history for %.200s that parley did not ask for", target);
}

bool state_history_route(struct state *st, struct state_ctx *c)
{
	catchup_tick(st->catchup, c->now);
	state_history_flush(st);
	if (!c->batch || strcmp(c->m->command, "BATCH") == 0)
		return true;
	struct batch_info *bi = batches_outer(&st->batches, c->batch, "chathistory");
	if (!bi)
		bi = batches_outer(&st->batches, c->batch, "draft/chathistory");
	if (!bi)
		return true; /* another type, or unknown: shown as if not batched */
	/* Without draft/chathistory a chathistory batch is the server's own
	 * replay on join (parleyd sends it batched to batch clients): shown
	 * as the replay always was, deduplicated like it. */
	if (!st->cap_history)
		return true;
	bool ours = st->page_win && strcmp(bi->ref, st->page_ref) == 0 &&
	            catchup_active(st->catchup) == st->page_win;
	if (!ours) {
		if (strcmp(bi->ref, st->cut_ref) != 0)
			state_history_foreign(st, c, bi->target);
		return false;
	}
	/* Without event-playback a page holds messages only; anything else in
	 * it would change the room's state from the past. */
	if (strcmp(c->m->command, "PRIVMSG") != 0 && strcmp(c->m->command, "NOTICE") != 0)
		return false;
	c->history = true;
	return true;
}

/* BATCH +ref type [target ...]: a chathistory batch for the window whose
 * request is out is its page; any other chathistory batch is foreign. */
static void state_history_batch_open(struct state *st, struct state_ctx *c, const char *ref)
{
	const char *type = c->m->nparams > 1 ? c->m->params[1] : "";
	const char *target = c->m->nparams > 2 ? c->m->params[2] : "";
	bool nested = c->batch && (batches_outer(&st->batches, c->batch, "chathistory") ||
	                           batches_outer(&st->batches, c->batch, "draft/chathistory"));
	struct batch_info *bi = batches_open(&st->batches, ref, type, target, c->batch);
	if (!bi || !state_history_type(type) || nested)
		return;
	if (strcmp(type, "chathistory") != 0)
		snprintf(bi->type, sizeof(bi->type), "chathistory"); /* one name from here */
	unsigned active = catchup_active(st->catchup);
	int idx = state_window_find(st, target);
	if (active && catchup_awaiting(st->catchup) && idx >= 0 && st->windows[idx]->id == active) {
		catchup_page_begin(st->catchup);
		snprintf(st->page_ref, sizeof(st->page_ref), "%s", bi->ref);
		st->page_win = active;
	}
}

/* BATCH -ref: the end of our page asks for the next one or ends the turn. */
static void state_history_batch_close(struct state *st, const char *ref)
{
	if (!batches_close(&st->batches, ref, NULL))
		return;
	if (!st->page_win || strcmp(ref, st->page_ref) != 0)
		return;
	unsigned win = st->page_win;
	st->page_ref[0] = '\0';
	st->page_win = 0;
	if (catchup_active(st->catchup) != win)
		return;
	if (catchup_page_end(st->catchup)) {
		int idx = state_window_index(st, win);
		if (idx < 0 || !state_history_request(st, st->windows[idx], false))
			catchup_finish(st->catchup, CATCHUP_END_NO_REF);
	}
	state_history_flush(st);
}

void state_history_on_batch(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 1 || strlen(c->m->params[0]) < 2)
		return;
	const char *p0 = c->m->params[0];
	if (p0[0] == '+')
		state_history_batch_open(st, c, p0 + 1);
	else if (p0[0] == '-')
		state_history_batch_close(st, p0 + 1);
}

/* Says once a connection that history could not be had, and why. */
static void state_history_note_fail(struct state *st, struct state_ctx *c, const char *why)
{
	st->history_fails++;
	if (st->history_fail_noted)
		return;
	st->history_fail_noted = true;
	state_emitf(st, st->windows[0], c->ms, LINE_ERROR,
	            "History: the server refused CHATHISTORY (%.300s); missed lines are not "
	            "shown this time",
	            why);
}

bool state_history_on_fail(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 2 || strcmp(c->m->params[0], "CHATHISTORY") != 0)
		return false;
	const char *code = c->m->params[1];
	char why[STATE_TEXT_MAX];
	snprintf(why, sizeof(why), "%.60s: %.200s", code, state_last(c->m));
	unsigned active = catchup_active(st->catchup);
	bool ours = active && catchup_awaiting(st->catchup);
	if (!ours) {
		state_history_note_fail(st, c, why);
		return true;
	}
	/* The server may not know the msgid (pruned, or its history was
	 * reset): try once by time instead (or the latest, without one). */
	int idx = state_window_index(st, active);
	if (idx >= 0 && st->request_by_msgid && st->retried_win != active) {
		st->retried_win = active;
		if (state_history_request(st, st->windows[idx], true))
			return true;
	}
	state_history_note_fail(st, c, why);
	/* Our requests are not understood: the rest would fail the same way. */
	bool protocol =
	    strcmp(code, "UNKNOWN_COMMAND") == 0 || strcmp(code, "NEED_MORE_PARAMS") == 0;
	if (protocol) {
		st->history_off = true;
		catchup_finish_all(st->catchup, CATCHUP_END_FAILED);
	} else {
		catchup_finish(st->catchup, CATCHUP_END_FAILED);
	}
	state_history_flush(st);
	return true;
}

void state_history_unknown(struct state *st, struct state_ctx *c)
{
	st->history_off = true;
	state_history_note_fail(st, c, "421: unknown command");
	catchup_finish_all(st->catchup, CATCHUP_END_FAILED);
	state_history_flush(st);
}

void state_history_line(struct state *st, struct window *w, struct state_line *line,
                        const struct lineid *id)
{
	if (w->id != catchup_active(st->catchup) || w->id != st->page_win) {
		state_line_free(line);
		return;
	}
	struct catchup_item *item = xcalloc(1, sizeof(*item));
	item->line = *line;
	item->id = *id;
	catchup_page_line(st->catchup, item);
	state_history_flush(st); /* a page past its limit ends the turn */
}
