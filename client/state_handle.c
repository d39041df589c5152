/* state_handle: parsing, dispatch, and membership and channel events. */
#include "state_handle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "state_away.h"
#include "state_member.h"
#include "state_monitor.h"
#include "state_message.h"
#include "state_multiline.h"
#include "state_history.h"
#include "state_numeric.h"
#include "state_queue.h"
#include "xalloc.h"

/* The nick part of a "nick!user@host" prefix, copied into buf. */
static const char *state_source_nick(const char *prefix, char *buf, size_t cap)
{
	if (!prefix) {
		buf[0] = '\0';
		return buf;
	}
	size_t len = strcspn(prefix, "!@");
	snprintf(buf, cap, "%.*s", (int)len, prefix);
	return buf;
}

/* True when the prefix is a user (has '!' or '@'), not a server. */
static bool state_prefix_is_user(const char *prefix)
{
	return prefix && strpbrk(prefix, "!@") != NULL;
}

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC) into Unix milliseconds. */
int state_parse_time(const char *value, long long *unix_ms)
{
	return ircmsg_time_parse(value, unix_ms);
}

/* The last parameter or "". */
const char *state_last(const struct ircmsg *m)
{
	return m->nparams ? m->params[m->nparams - 1] : "";
}

/* Parameters from first on, joined by spaces (for numerics shown as text). */
void state_join_params(const struct ircmsg *m, int first, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = first; i < m->nparams && used < cap; i++) {
		int n =
		    snprintf(buf + used, cap - used, "%s%s", i > first ? " " : "", m->params[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* JOIN: opens our window, or adds a member. */
static void state_on_join(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 1 || !*c->nick)
		return;
	const char *chan = c->m->params[0];
	if (state_same(c->nick, st->nick)) {
		if (!state_channel_ok(chan)) {
			state_emitf(st, st->windows[0], c->ms, LINE_ERROR,
			            "Ignored a JOIN to a channel whose name has spaces, commas or "
			            "control characters");
			return;
		}
		struct window *w = state_window_for(st, WIN_CHANNEL, chan);
		if (!w) {
			state_emitf(st, st->windows[0], c->ms, LINE_ERROR,
			            "Too many windows (%d): you joined %s, but it has no window; "
			            "/close some",
			            STATE_WINDOWS_MAX, chan);
			return;
		}
		w->joined = true;
		state_clear_members(st, w);
		state_member_add(st, w, c->nick, 0, false, c->ms);
		state_history_joined(st, w, c); /* from here its lines wait for history */
		state_away_joined(st, w);
		state_emitf(st, w, c->ms, LINE_EVENT, "You joined %s", chan);
		return;
	}
	struct window *w = state_channel(st, chan);
	if (!w)
		return;
	state_member_add(st, w, c->nick, 0, false, c->ms);
	const char *bang = c->m->prefix ? strchr(c->m->prefix, '!') : NULL;
	state_emitf(st, w, c->ms, LINE_EVENT, "%s (%s) joined %s", c->nick, bang ? bang + 1 : "",
	            chan);
}

/* PART: we left (window stays, not joined) or a member left. */
static void state_on_part(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 1 || !*c->nick)
		return;
	struct window *w = state_channel(st, c->m->params[0]);
	if (!w)
		return;
	const char *reason = c->m->nparams > 1 ? c->m->params[1] : "";
	if (state_same(c->nick, st->nick)) {
		w->joined = false;
		state_clear_members(st, w);
		state_away_we_left(st);
		state_emitf(st, w, c->ms, LINE_EVENT, "You left %s", w->name);
		return;
	}
	state_member_remove(st, w, c->nick);
	state_away_left(st, c->nick);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s left %s%s%s%s", c->nick, w->name,
	            *reason ? " (" : "", reason, *reason ? ")" : "");
}

/* QUIT: removed from every channel, shown where the nick was. */
static void state_on_quit(struct state *st, struct state_ctx *c)
{
	const char *reason = state_last(c->m);
	if (!*c->nick)
		return;
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		bool there = (w->kind == WIN_CHANNEL && state_member_remove(st, w, c->nick)) ||
		             (w->kind == WIN_QUERY && state_same(w->name, c->nick));
		if (there)
			state_emitf(st, w, c->ms, LINE_EVENT, "%s quit (%s)", c->nick, reason);
		if (there && w->kind == WIN_QUERY)
			state_monitor_quit(st, w);
	}
	state_away_gone(st, c->nick);
}

/* Is nick a name the server renames squatters of registered nicks to
 * ("Guest-" and digits)? */
static bool state_guest_name(const char *nick)
{
	if (strncasecmp(nick, "Guest-", 6) != 0 || !nick[6])
		return false;
	for (const char *p = nick + 6; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* NICK: ours or someone's; follows them in nick lists and query windows. */
static void state_on_nick(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 1 || !*c->nick || !state_name_ok(st, c->m->params[0]))
		return;
	const char *to = c->m->params[0];
	bool own = state_same(c->nick, st->nick);
	if (own) {
		if (state_guest_name(to) && !state_same(c->nick, to))
			state_emitf(st, state_current_window(st), c->ms, LINE_ERROR,
			            "The server renamed you to %s: %s is a registered nick and you "
			            "are not logged in to it (connect with --login to use it)",
			            to, c->nick);
		free(st->nick);
		st->nick = xstrdup(to);
		state_emitf(st, st->windows[0], c->ms, LINE_EVENT, "You are now known as %s", to);
	}
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		bool listed = w->kind == WIN_CHANNEL && state_member_rename(st, w, c->nick, to);
		if (!listed && !(w->kind == WIN_QUERY && state_same(w->name, c->nick))) {
			continue;
		}
		if (w->kind == WIN_QUERY && state_window_find(st, to) < 0) {
			char *old = w->name;
			w->name = xstrdup(to);
			state_monitor_renamed(st, w, old);
			free(old);
		}
		if (own)
			state_emitf(st, w, c->ms, LINE_EVENT, "You are now known as %s", to);
		else
			state_emitf(st, w, c->ms, LINE_EVENT, "%s is now known as %s", c->nick, to);
	}
}

/* KICK: someone (perhaps us) was kicked. */
static void state_on_kick(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 2)
		return;
	struct window *w = state_channel(st, c->m->params[0]);
	if (!w)
		return;
	const char *victim = c->m->params[1];
	const char *reason = c->m->nparams > 2 ? c->m->params[2] : "";
	if (state_same(victim, st->nick)) {
		w->joined = false;
		state_clear_members(st, w);
		state_away_we_left(st);
		char text[STATE_TEXT_MAX];
		snprintf(text, sizeof(text), "You were kicked from %s by %s (%s)", w->name, c->nick,
		         reason);
		state_emit(st, w, c->ms, LINE_ERROR, false, true, "", text);
		return;
	}
	state_member_remove(st, w, victim);
	state_away_left(st, victim);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s was kicked from %s by %s (%s)", victim, w->name,
	            c->nick, reason);
}

/* TOPIC: someone changed a topic. */
static void state_on_topic(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 2)
		return;
	struct window *w = state_channel(st, c->m->params[0]);
	if (!w)
		return;
	free(w->topic);
	w->topic = xstrdup(c->m->params[1]);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s changed the topic of %s to: %s", c->nick, w->name,
	            w->topic);
}

/* Index of mode letter in PREFIX modes, or -1. */
static int state_prefix_index(const struct state *st, char mode)
{
	const char *p = strchr(st->prefix_modes, mode);
	return mode && p ? (int)(p - st->prefix_modes) : -1;
}

/* True when channel mode letter takes a parameter in this direction. */
static bool state_mode_has_param(const struct state *st, char mode, bool adding)
{
	if (state_prefix_index(st, mode) >= 0 || strchr(st->chanmodes[0], mode) ||
	    strchr(st->chanmodes[1], mode))
		return true;
	return adding && strchr(st->chanmodes[2], mode) != NULL;
}

/* MODE on a channel: applies prefix changes to the nick list. */
static void state_on_mode(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 2)
		return;
	char all[STATE_TEXT_MAX];
	state_join_params(c->m, 1, all, sizeof(all));
	if (!state_is_channel(st, c->m->params[0])) {
		state_emitf(st, st->windows[0], c->ms, LINE_EVENT, "Mode %s [%s]", c->m->params[0],
		            all);
		return;
	}
	struct window *w = state_channel(st, c->m->params[0]);
	if (!w)
		return;
	bool adding = true;
	int arg = 2;
	for (const char *p = c->m->params[1]; *p; p++) {
		if (*p == '+' || *p == '-') {
			adding = *p == '+';
			continue;
		}
		if (!state_mode_has_param(st, *p, adding))
			continue;
		if (arg >= c->m->nparams)
			break;
		const char *param = c->m->params[arg++];
		int pi = state_prefix_index(st, *p);
		unsigned modes;
		if (pi >= 0 && nicklist_find(w->members, param, &modes))
			nicklist_set_modes(w->members, param,
			                   adding ? modes | 1u << pi : modes & ~(1u << pi));
	}
	state_emitf(st, w, c->ms, LINE_EVENT, "%s sets mode %s", *c->nick ? c->nick : "server",
	            all);
}

/* CAP LS: draft/multiline's value; CAP ACK: remember which capabilities are
 * on; CAP DEL (cap-notify, implied by our CAP LS 302): they are off, and
 * must no longer be used. */
static void state_on_cap(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams >= 3 && strcmp(c->m->params[1], "LS") == 0)
		state_multiline_cap_ls(st, state_last(c->m));
	if (c->m->nparams < 3)
		return;
	bool del = strcmp(c->m->params[1], "DEL") == 0;
	if (!del && strcmp(c->m->params[1], "ACK") != 0)
		return;
	char caps[STATE_TEXT_MAX];
	char *save = NULL;
	snprintf(caps, sizeof(caps), "%s", state_last(c->m));
	for (char *tok = strtok_r(caps, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		bool off = *tok == '-' || del;
		if (*tok == '-')
			tok++;
		if (strcmp(tok, "echo-message") == 0)
			st->cap_echo = !off;
		else if (strcmp(tok, "server-time") == 0)
			st->cap_time = !off;
		else if (strcmp(tok, "setname") == 0)
			st->cap_setname = !off;
		else if (strcmp(tok, "away-notify") == 0)
			st->cap_away = !off;
		else if (strcmp(tok, "draft/multiline") == 0)
			state_multiline_cap(st, !off);
		else
			state_history_cap(st, tok, !off);
	}
}

/* PONG :LAG<ms> answers our lag probe. */
static void state_on_pong(struct state *st, struct state_ctx *c)
{
	const char *tok = state_last(c->m);
	if (strncmp(tok, "LAG", 3) != 0)
		return;
	char *end;
	long long sent = strtoll(tok + 3, &end, 10);
	if (*end == '\0' && end != tok + 3 && c->now >= sent)
		st->lag_ms = c->now - sent;
}

/* REGISTER SUCCESS and FAIL REGISTER (IRCv3 account-registration) as
 * sentences; false for other lines. */
static bool state_on_register(struct state *st, struct state_ctx *c)
{
	const struct ircmsg *m = c->m;
	bool success = strcmp(m->command, "REGISTER") == 0 && m->nparams >= 2 &&
	               strcmp(m->params[0], "SUCCESS") == 0;
	bool fail = strcmp(m->command, "FAIL") == 0 && m->nparams >= 2 &&
	            strcmp(m->params[0], "REGISTER") == 0;
	if (!success && !fail)
		return false;
	struct window *w = state_current_window(st) /* where the user looks */;
	if (success)
		state_emitf(st, w, c->ms, LINE_INFO,
		            "The account %s is registered. Next time, start parley with --login "
		            "to log in as you connect",
		            m->params[1]);
	else
		state_emitf(st, w, c->ms, LINE_ERROR, "Registration refused: %s", state_last(m));
	return true;
}

/* Applies a parsed message. */
static void state_dispatch(struct state *st, struct state_ctx *c)
{
	const char *cmd = c->m->command;
	if (cmd[0] >= '0' && cmd[0] <= '9' && strlen(cmd) == 3) {
		state_on_numeric(st, c, atoi(cmd));
	} else if ((strcmp(cmd, "PRIVMSG") == 0 || strcmp(cmd, "NOTICE") == 0) &&
	           state_multiline_take(st, c, cmd[0] == 'N')) {
		/* a line of a multi-line message: shown with the rest at its end */
	} else if (strcmp(cmd, "PRIVMSG") == 0) {
		state_on_message(st, c, false);
	} else if (strcmp(cmd, "NOTICE") == 0) {
		state_on_message(st, c, true);
	} else if (strcmp(cmd, "JOIN") == 0) {
		state_on_join(st, c);
	} else if (strcmp(cmd, "PART") == 0) {
		state_on_part(st, c);
	} else if (strcmp(cmd, "QUIT") == 0) {
		state_on_quit(st, c);
	} else if (strcmp(cmd, "NICK") == 0) {
		state_on_nick(st, c);
	} else if (strcmp(cmd, "KICK") == 0) {
		state_on_kick(st, c);
	} else if (strcmp(cmd, "TOPIC") == 0) {
		state_on_topic(st, c);
	} else if (strcmp(cmd, "MODE") == 0) {
		state_on_mode(st, c);
	} else if (strcmp(cmd, "AWAY") == 0) {
		state_on_away(st, c);
	} else if (strcmp(cmd, "SETNAME") == 0) {
		state_on_setname(st, c);
	} else if (strcmp(cmd, "CAP") == 0) {
		state_on_cap(st, c);
	} else if (strcmp(cmd, "PONG") == 0) {
		state_on_pong(st, c);
	} else if (strcmp(cmd, "BATCH") == 0) {
		state_multiline_on_batch(st, c);
		state_history_on_batch(st, c);
	} else if (strcmp(cmd, "TAGMSG") == 0) {
		/* tags only (typing notices and the like): nothing to show */
	} else if (strcmp(cmd, "FAIL") == 0 && state_history_on_fail(st, c)) {
		/* CHATHISTORY's, handled */
	} else if (strcmp(cmd, "AUTHENTICATE") == 0) {
		/* the SASL exchange, the network thread's */
	} else if (strcmp(cmd, "FAIL") == 0 && state_on_setname_fail(st, c)) {
		/* our SETNAME refused, said where we typed it */
	} else if ((strcmp(cmd, "REGISTER") == 0 || strcmp(cmd, "FAIL") == 0) &&
	           state_on_register(st, c)) {
		/* account registration's answers, shown */
	} else if (strcmp(cmd, "PING") == 0) {
		/* answered by the network thread */
	} else if (strcmp(cmd, "ERROR") == 0) {
		state_emitf(st, st->windows[0], c->ms, LINE_ERROR, "Server: %s", state_last(c->m));
	} else if (strcmp(cmd, "INVITE") == 0 && c->m->nparams >= 2) {
		state_emitf(st, state_current_window(st), c->ms, LINE_INFO, "%s invites you to %s",
		            c->nick, c->m->params[1]);
	} else {
		/* a FAIL answers what the user just did: shown where they look */
		bool fail = strcmp(cmd, "FAIL") == 0;
		char text[STATE_TEXT_MAX];
		state_join_params(c->m, 0, text, sizeof(text));
		state_emitf(st, fail ? state_current_window(st) : st->windows[0], c->ms,
		            fail ? LINE_ERROR : LINE_INFO, "%s %s", cmd, text);
	}
}

void state_apply(struct state *st, char *line, long long now_ms)
{
	struct ircmsg m;
	const char *why;
	char nick[IRC_LINE_MAX];
	char tval[64];
	char msgid[LINEID_MSGID_MAX + 2];
	char batch[BATCHES_REF_MAX + 2];

	if (ircmsg_parse(line, &m, &why) != 0)
		return;
	ircmsg_upcase(m.command);
	struct state_ctx c = {.m = &m, .ms = now_ms, .now = now_ms};
	c.nick = state_source_nick(m.prefix, nick, sizeof(nick));
	c.from_server = !state_prefix_is_user(m.prefix);
	if (!c.from_server && !*c.nick)
		return; /* ":!user@host ...": a user without a nick */
	if (m.tags && ircmsg_tag_get(m.tags, "time", tval, sizeof(tval)) > 0) {
		long long t;
		if (state_parse_time(tval, &t) == 0) {
			c.ms = t;
			c.has_time = true;
		}
	}
	if (m.tags && ircmsg_tag_get(m.tags, "msgid", msgid, sizeof(msgid)) > 0 &&
	    lineid_msgid_ok(msgid))
		c.msgid = msgid;
	if (m.tags && ircmsg_tag_get(m.tags, "batch", batch, sizeof(batch)) > 0)
		c.batch = batch;
	st->now_ms = now_ms;
	if (!state_history_route(st, &c))
		return; /* history nobody asked for */
	state_dispatch(st, &c);
}

void state_connected(struct state *st, const char *text, long long now_ms)
{
	st->cap_echo = st->cap_time = st->cap_setname = st->cap_away = false;
	st->isupport_whox = false;
	st->registered = false;
	st->account[0] = '\0';
	st->regain_sent = false;
	st->lag_ms = -1;
	st->now_ms = now_ms;
	state_monitor_reset(st);
	state_multiline_reset(st);
	state_history_connected(st);
	state_emitf(st, st->windows[0], now_ms, LINE_INFO, "%s", text);
}

void state_disconnected(struct state *st, const char *reason, long long now_ms)
{
	st->registered = false;
	st->lag_ms = -1;
	st->now_ms = now_ms;
	state_monitor_reset(st);
	state_multiline_reset(st);
	state_history_disconnected(st); /* what was caught so far, above the news */
	state_away_gone(st, NULL);
	for (size_t i = 0; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind == WIN_CHANNEL) {
			w->joined = false;
			state_clear_members(st, w);
		}
		state_emitf(st, w, now_ms, LINE_ERROR, "Disconnected: %s", reason);
	}
}
