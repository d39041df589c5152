/* state_numeric: numeric replies. */
#include "state_numeric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_away.h"
#include "state_history.h"
#include "state_member.h"
#include "state_monitor.h"
#include "state_queue.h"
#include "whotext.h"
#include "xalloc.h"

/* 353 RPL_NAMREPLY: "me = #chan :@alice +bob carol". */
static void state_on_names(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 4)
		return;
	struct window *w = state_channel(st, c->m->params[2]);
	if (!w) {
		state_emitf(st, state_current_window(st), c->ms, LINE_INFO, "Users on %s: %s",
		            c->m->params[2], c->m->params[3]);
		return;
	}
	if (!w->names_pending) {
		state_clear_members(st, w);
		w->names_pending = true;
		nicklist_bulk_begin(w->members); /* sorted once, at 366 */
	}
	char *list = c->m->params[3], *save = NULL;
	for (char *tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned modes = 0;
		for (; *tok; tok++) {
			const char *pc = strchr(st->prefix_chars, *tok);
			if (!pc)
				break;
			modes |= 1u << (pc - st->prefix_chars);
		}
		size_t len = strcspn(tok, "!"); /* userhost-in-names */
		tok[len] = '\0';
		state_member_add(st, w, tok, modes, true, c->ms);
	}
}

/* 366 RPL_ENDOFNAMES: the list is complete; shown like irssi does. */
static void state_on_names_end(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 2)
		return;
	struct window *w = state_channel(st, c->m->params[1]);
	if (!w)
		return;
	w->names_pending = false;
	nicklist_bulk_end(w->members);
	state_away_names_done(st, w);
	char text[STATE_TEXT_MAX];
	size_t count = nicklist_count(w->members);
	size_t used = (size_t)snprintf(text, sizeof(text), "%s: %zu user%s", w->name, count,
	                               count == 1 ? "" : "s");
	if (w->members_dropped)
		used += (size_t)snprintf(text + used, sizeof(text) - used, " (%zu more not listed)",
		                         w->members_dropped);
	used += (size_t)snprintf(text + used, sizeof(text) - used, ":");
	for (size_t i = 0; i < count && used < sizeof(text); i++) {
		char pfx[2] = {state_prefix_char(st, nicklist_modes(w->members, i)), '\0'};
		int n = snprintf(text + used, sizeof(text) - used, " %s%s",
		                 pfx[0] == ' ' ? "" : pfx, nicklist_nick(w->members, i));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	state_emit(st, w, c->ms, LINE_INFO, false, false, "", text);
}

/* 332 RPL_TOPIC. */
static void state_on_topic_reply(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams < 3)
		return;
	struct window *w = state_channel(st, c->m->params[1]);
	if (!w) {
		state_emitf(st, state_current_window(st), c->ms, LINE_INFO, "Topic for %s: %s",
		            c->m->params[1], c->m->params[2]);
		return;
	}
	free(w->topic);
	w->topic = xstrdup(c->m->params[2]);
	state_emitf(st, w, c->ms, LINE_INFO, "Topic for %s: %s", w->name, w->topic);
}

/* 005 ISUPPORT: PREFIX, CHANTYPES, CHANMODES, CHATHISTORY, MONITOR, WHOX. */
static void state_on_isupport(struct state *st, struct state_ctx *c)
{
	for (int i = 1; i + 1 < c->m->nparams; i++) {
		const char *tok = c->m->params[i];
		if (state_monitor_isupport(st, tok) || state_away_isupport(st, tok))
			continue;
		if (strncmp(tok, "PREFIX=(", 8) == 0) {
			const char *close = strchr(tok + 8, ')');
			size_t n = close ? (size_t)(close - (tok + 8)) : 0;
			if (close && n <= STATE_PREFIX_MAX && strlen(close + 1) == n) {
				snprintf(st->prefix_modes, sizeof(st->prefix_modes), "%.*s", (int)n,
				         tok + 8);
				snprintf(st->prefix_chars, sizeof(st->prefix_chars), "%s",
				         close + 1);
			}
		} else if (strncmp(tok, "CHATHISTORY=", 12) == 0 ||
		           strncmp(tok, "MSGREFTYPES=", 12) == 0) {
			state_history_isupport(st, tok);
		} else if (strncmp(tok, "CHANTYPES=", 10) == 0 && tok[10]) {
			snprintf(st->chantypes, sizeof(st->chantypes), "%s", tok + 10);
		} else if (strncmp(tok, "CHANMODES=", 10) == 0) {
			const char *p = tok + 10;
			for (int k = 0; k < 4; k++) {
				size_t n = strcspn(p, ",");
				snprintf(st->chanmodes[k], sizeof(st->chanmodes[k]), "%.*s", (int)n,
				         p);
				p += n;
				if (*p == ',')
					p++;
			}
		}
	}
}

/* 001 RPL_WELCOME: we are registered; (re)join every channel window. */
static void state_regain(struct state *st);

static void state_on_welcome(struct state *st, struct state_ctx *c)
{
	if (c->m->nparams >= 1 && state_name_ok(st, c->m->params[0])) {
		free(st->nick);
		st->nick = xstrdup(c->m->params[0]);
	}
	st->registered = true;
	char list[IRC_LINE_MAX - 16] = "";
	size_t used = 0;
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind != WIN_CHANNEL)
			continue;
		size_t n = strlen(w->name);
		if (used && used + 1 + n >= sizeof(list)) {
			state_sendf(st, "JOIN %s", list);
			used = 0;
		}
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? "," : "",
		                         w->name);
	}
	if (used)
		state_sendf(st, "JOIN %s", list);
	state_history_queries(st); /* private conversations catch up too */
	state_monitor_registered(st);
	state_emitf(st, st->windows[0], c->ms, LINE_INFO, "%s", state_last(c->m));
	state_regain(st);
}

/* Nick regain: logged in to an account other than our nick (the server
 * gave us another because a squatter held it), once registered we ask for
 * the account's nick once; the server renames the squatter. */
static void state_regain(struct state *st)
{
	if (!st->registered || !st->account[0] || st->regain_sent ||
	    state_same(st->account, st->nick))
		return;
	st->regain_sent = true;
	state_sendf(st, "NICK %s", st->account);
}

/* SASL's numerics (IRCv3 sasl-3.1) as sentences: logged in or out, and why
 * a login failed; 903 repeats 900 and 908 comes before a 904. */
static void state_on_sasl(struct state *st, struct state_ctx *c, int num)
{
	const char *text = state_last(c->m);
	struct window *w = state_current_window(st) /* where the user looks */;
	if (num == 900 && c->m->nparams >= 3) {
		state_emitf(st, w, c->ms, LINE_INFO, "You are logged in as %s", c->m->params[2]);
		if (ircname_nick_valid(c->m->params[2])) {
			snprintf(st->account, sizeof st->account, "%s", c->m->params[2]);
			state_regain(st);
		}
	}
	else if (num == 901)
		state_emitf(st, w, c->ms, LINE_INFO, "You are logged out");
	else if (num >= 904 && num <= 907)
		state_emitf(st, w, c->ms, LINE_ERROR, "Login failed: %s", text);
}

/* The numerics the model acts on. True when that is all (nothing more is
 * shown); ISUPPORT is also shown. */
static bool state_numeric_act(struct state *st, struct state_ctx *c, int num)
{
	if (state_monitor_numeric(st, c, num))
		return true;
	switch (num) {
	case 1:
		state_on_welcome(st, c);
		return true;
	case 5:
		state_on_isupport(st, c);
		return false;
	case 332:
		state_on_topic_reply(st, c);
		return true;
	case 333:
	case 329:
		return true; /* topic setter and channel creation time: not worth a line */
	case 353:
		state_on_names(st, c);
		return true;
	case 366:
		state_on_names_end(st, c);
		return true;
	case 433:
		state_emitf(st, st->registered ? state_current_window(st) : st->windows[0], c->ms,
		            LINE_ERROR, "Nick %s is already in use",
		            c->m->nparams > 1 ? c->m->params[1] : "?");
		return true;
	case 421:
		if (c->m->nparams > 1 && strcmp(c->m->params[1], "CHATHISTORY") == 0) {
			state_history_unknown(st, c);
			return true;
		}
		return false;
	case 464:
		state_emitf(st, st->windows[0], c->ms, LINE_ERROR,
		            "Wrong password: the server refused the connection password");
		return true;
	case 900:
	case 901:
	case 903:
	case 904:
	case 905:
	case 906:
	case 907:
	case 908:
		state_on_sasl(st, c, num);
		return true;
	default:
		return false;
	}
}

/* A numeric reply: WHOIS and WHO as sentences, other replies to queries
 * and errors as their text in the current window, the rest in the server
 * window. */
void state_on_numeric(struct state *st, struct state_ctx *c, int num)
{
	if (state_away_numeric(st, c, num))
		return; /* our own WHO after a join */
	if (state_numeric_act(st, c, num))
		return;
	char text[STATE_TEXT_MAX];
	if (whotext_format(c->m, text, sizeof(text))) { /* WHOIS, WHO */
		state_emit(st, state_current_window(st), c->ms, LINE_INFO, false, false, "", text);
		return;
	}
	state_join_params(c->m, 1, text, sizeof(text));
	if (num >= 400 && num < 600 && num != 422) { /* 422: no MOTD, not an error */
		state_emit(st, state_current_window(st), c->ms, LINE_ERROR, false, false, "", text);
		return;
	}
	bool query_reply = (num >= 300 && num < 400 && num != 372 && num != 375 && num != 376);
	struct window *w = query_reply ? state_current_window(st) : st->windows[0];
	state_emit(st, w, c->ms, LINE_INFO, false, false, "", text);
}
