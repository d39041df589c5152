/* state_message: PRIVMSG, NOTICE, CTCP and private conversations. */
#include "state_message.h"

#include <stdio.h>
#include <string.h>

#include "state_history.h"
#include "state_member.h"
#include "state_queue.h"
#include "xalloc.h"

#define STATE_VERSION_REPLY "parley " PARLEY_VERSION
#define STATE_CTCP_BURST 3       /* CTCP requests answered at once ... */
#define STATE_CTCP_PER_MIN 3     /* ... and a minute after that */
#define STATE_CTCP_NOTE_MS 60000 /* at most one note a minute about the rest */

/* True when c may appear in a nickname (for mention word boundaries). */
static bool state_nick_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("[]\\`_^{|}-", c) != NULL);
}

/* Mentions: nick occurs with no nick character right before or after it. */
bool state_mentions(const char *text, const char *nick)
{
	size_t n = strlen(nick);
	if (n == 0)
		return false;
	for (const char *p = text; *p; p++) {
		if (p != text && state_nick_char(p[-1]))
			continue;
		size_t i;
		for (i = 0; i < n && p[i]; i++)
			if (ircname_fold_char(p[i]) != ircname_fold_char(nick[i]))
				break;
		if (i == n && !state_nick_char(p[n]))
			return true;
	}
	return false;
}

/* Counts a CTCP request left unanswered and says so in the server window,
 * at most once a minute (a flood of them is one line a minute). */
static void state_ctcp_ignored(struct state *st, struct state_ctx *c, const char *what,
                               const char *why)
{
	st->ctcp_ignored++;
	if (st->ctcp_noted && c->now >= st->ctcp_noted_ms &&
	    c->now - st->ctcp_noted_ms < STATE_CTCP_NOTE_MS)
		return;
	st->ctcp_noted = true;
	st->ctcp_noted_ms = c->now;
	state_emitf(st, st->windows[0], c->ms, LINE_INFO,
	            "CTCP %s from %s not answered (%s; %llu so far). parley answers VERSION "
	            "and PING sent to you, at most %d a minute.",
	            what, c->nick, why, st->ctcp_ignored, STATE_CTCP_PER_MIN);
}

/* Answers the CTCP requests a client is expected to (VERSION, PING), but
 * only those sent to us (one request to a room would otherwise get a reply
 * from every parley in it) and at most STATE_CTCP_PER_MIN a minute, so a
 * flood of requests cannot make us flood. The replies are automatic lines:
 * the network thread sends them only when they delay nothing of the user's. */
static void state_ctcp_reply(struct state *st, struct state_ctx *c, const char *target,
                             const char *body)
{
	if (!ircname_nick_valid(c->nick) || state_same(c->nick, st->nick))
		return;
	bool version = strncmp(body, "VERSION", 7) == 0 && (body[7] == '\0' || body[7] == '\x01');
	bool ping = strncmp(body, "PING ", 5) == 0 && !strpbrk(body + 5, "\r\n");
	if (!version && !ping)
		return;
	const char *what = version ? "VERSION" : "PING";
	if (!state_same(target, st->nick)) {
		char why[80];
		snprintf(why, sizeof(why), "sent to %.50s, not to you", target);
		state_ctcp_ignored(st, c, what, why);
		return;
	}
	if (!st->ctcp_started) {
		tokenbucket_init(&st->ctcp_budget, STATE_CTCP_PER_MIN / 60.0, STATE_CTCP_BURST,
		                 c->now);
		st->ctcp_started = true;
	}
	if (!tokenbucket_take(&st->ctcp_budget, c->now)) {
		state_ctcp_ignored(st, c, what, "too many requests");
		return;
	}
	if (version)
		state_replyf(st, "NOTICE %s :\x01VERSION %s\x01", c->nick, STATE_VERSION_REPLY);
	else
		state_replyf(st, "NOTICE %s :\x01%.100s", c->nick, body);
}

/* The window for a private message from nick: its query, opened if needed
 * while fewer than STATE_QUERIES_MAX are open, else the server window (with
 * a note the first time). */
static struct window *state_query_from(struct state *st, const char *nick, long long ms)
{
	int idx = state_window_find(st, nick);
	if (idx >= 0)
		return st->windows[idx];
	if (!state_name_ok(st, nick))
		return st->windows[0];
	struct window *w = NULL;
	if (st->nqueries < STATE_QUERIES_MAX)
		w = state_window_for(st, WIN_QUERY, nick);
	if (w)
		return w;
	if (!st->query_cap_noted) {
		st->query_cap_noted = true;
		state_emitf(st, st->windows[0], ms, LINE_ERROR,
		            "Too many private conversations (%zu windows): messages from "
		            "others are shown here; /close some",
		            st->nqueries);
	}
	return st->windows[0];
}

/* The window a message from c's source to target goes to, and whether it
 * mentions us (in a room: our nick in body; privately: always). */
static struct window *state_message_window(struct state *st, struct state_ctx *c,
                                           const char *target, const char *body, bool notice,
                                           bool own, bool *mention)
{
	struct window *w;
	*mention = false;
	if (c->from_server || !*c->nick)
		return st->windows[0];
	if (state_is_channel(st, target)) {
		w = state_channel(st, target);
		*mention = !own && state_mentions(body, st->nick);
		return w ? w : st->windows[0];
	}
	if (own) {
		w = state_window_for(st, WIN_QUERY, target);
		return w ? w : st->windows[0];
	}
	if (notice) {
		int q = state_window_find(st, c->nick);
		return q >= 0 ? st->windows[q] : state_current_window(st);
	}
	*mention = true;
	return state_query_from(st, c->nick, c->ms);
}

/* Shows a message: known by its id (lineid.h), so a repeat is not shown
 * twice; a line of the catch-up page goes to its window's turn instead. */
static void state_message_show(struct state *st, struct state_ctx *c, const char *target,
                               enum state_line_kind kind, bool own, bool notice, const char *body)
{
	const char *bare = body;
	int replay_minute = c->has_time ? -1 : lineid_replay_prefix(body, &bare);
	/* Our own line coming back without echo-message can only be a replay. */
	bool own_loose = own && !st->cap_echo;
	struct lineid id;
	lineid_make(&id, c->msgid, c->has_time, c->ms, c->nick, bare, replay_minute, own_loose);
	bool mention;
	if (c->history) {
		/* History is for the window asked about (the page's: a room, or
		 * a query, whose lines name either side as the target): no query
		 * windows opened, no CTCP answered. */
		int idx = state_window_index(st, st->page_win);
		struct window *w = idx >= 0 ? st->windows[idx] : NULL;
		bool fits = w && (state_same(w->name, target) ||
		                  (w->kind == WIN_QUERY && state_same(st->nick, target)));
		if (!fits)
			return;
		mention = !own && state_mentions(body, st->nick);
		struct state_line line = {.window = w->id,
		                          .unix_ms = c->ms,
		                          .kind = kind,
		                          .own = own,
		                          .mention = mention,
		                          .nick = xstrdup(c->nick),
		                          .text = xstrdup(body)};
		state_history_line(st, w, &line, &id);
		return;
	}
	struct window *w = state_message_window(st, c, target, body, notice, own, &mention);
	state_emit_id(st, w, c->ms, kind, own, mention, c->nick, body, &id);
}

/* PRIVMSG and NOTICE: to a channel, to us, or echoed from us. */
void state_on_message(struct state *st, struct state_ctx *c, bool notice)
{
	if (c->m->nparams < 2)
		return;
	const char *target = c->m->params[0];
	const char *text = c->m->params[1];
	enum state_line_kind kind = notice ? LINE_NOTICE : LINE_MESSAGE;
	bool own = state_same(c->nick, st->nick) && !c->from_server;

	if (text[0] == '\x01') {
		if (strncmp(text,
		            "\x01"
		            "ACTION",
		            7) == 0 &&
		    (text[7] == ' ' || text[7] == '\x01' || !text[7])) {
			kind = LINE_ACTION;
			text += text[7] == ' ' ? 8 : 7;
		} else {
			if (!notice && !own && !c->history)
				state_ctcp_reply(st, c, target, text + 1);
			return; /* other CTCP requests and replies are not shown */
		}
	}
	char body[STATE_TEXT_MAX];
	snprintf(body, sizeof(body), "%s", text);
	size_t blen = strlen(body);
	if (kind == LINE_ACTION && blen > 0 && body[blen - 1] == '\x01')
		body[blen - 1] = '\0';
	state_message_show(st, c, target, kind, own, notice, body);
}

size_t state_own_message(struct state *st, const char *target, enum state_line_kind kind,
                         const char *text, long long now_ms)
{
	int idx = state_window_find(st, target);
	if (idx < 0 && !state_is_channel(st, target))
		idx = state_window_open(st, WIN_QUERY, target);
	if (idx < 0) {
		idx = (int)st->current;
		if (!state_is_channel(st, target))
			state_emitf(st, st->windows[idx], now_ms, LINE_ERROR,
			            "Too many windows (%d) for one with %s: /close some",
			            STATE_WINDOWS_MAX, target);
	}
	if (!st->cap_echo) {
		/* Never dropped as a repeat (people say "ok" twice), but
		 * remembered, in case the server replays it later. */
		struct lineid id;
		lineid_make(&id, NULL, false, now_ms, st->nick, text, -1, false);
		state_emit_id(st, st->windows[idx], now_ms, kind, true, false, st->nick, text, &id);
	}
	return (size_t)idx;
}

void state_message_block(struct state *st, struct state_ctx *c, const char *target, bool notice,
                         const char *const *lines, size_t n, const char *note)
{
	enum state_line_kind kind = notice ? LINE_NOTICE : LINE_MESSAGE;
	bool own = state_same(c->nick, st->nick) && !c->from_server;
	bool mention;
	struct window *w = state_message_window(st, c, target, lines[0], notice, own, &mention);
	for (size_t i = 1; i < n && !mention && !own && state_is_channel(st, target); i++)
		mention = state_mentions(lines[i], st->nick);
	struct lineid id;
	lineid_make(&id, c->msgid, c->has_time, c->ms, c->nick, lines[0], -1, own && !st->cap_echo);
	state_emit_id(st, w, c->ms, kind, own, mention, c->nick, lines[0], &id);
	for (size_t i = 1; i < n; i++)
		state_emit_cont(st, w, c->ms, kind, own, mention, c->nick, lines[i]);
	if (note)
		state_emitf(st, w, c->ms, LINE_INFO,
		            "The multi-line message from %s above may be incomplete: %s (at most "
		            "%d lines or %d KiB are shown as one)",
		            c->nick, note, MULTILINE_RECV_LINES_MAX,
		            MULTILINE_RECV_BYTES_MAX / 1024);
}

void state_own_block(struct state *st, const char *target, const char *const *lines, size_t n,
                     long long now_ms)
{
	if (n == 0)
		return;
	size_t idx = state_own_message(st, target, LINE_MESSAGE, lines[0], now_ms);
	if (st->cap_echo)
		return;
	for (size_t i = 1; i < n; i++)
		state_emit_cont(st, st->windows[idx], now_ms, LINE_MESSAGE, true, false, st->nick,
		                lines[i]);
}
