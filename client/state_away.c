/* state_away: away marks and SETNAME lines. */
#include "state_away.h"

#include <stdlib.h>
#include <string.h>

#include "state_queue.h"
#include "xalloc.h"

/* A copy of text cut to STATE_AWAY_TEXT_MAX bytes, never inside a UTF-8
 * sequence (text is the server's: it may be invalid; the UI's sanitiser
 * shows what is left). */
static char *state_away_copy(const char *text)
{
	size_t len = strnlen(text, STATE_AWAY_TEXT_MAX + 1);
	if (len > STATE_AWAY_TEXT_MAX) {
		len = STATE_AWAY_TEXT_MAX;
		/* back over continuation bytes to the lead of the cut sequence */
		size_t back = 0;
		while (len > 0 && back < 4 && ((unsigned char)text[len] & 0xC0) == 0x80) {
			len--;
			back++;
		}
	}
	char *out = xmalloc(len + 1);
	memcpy(out, text, len);
	out[len] = '\0';
	return out;
}

/* Marks nick away (text, or NULL when it is not known) or back, in every
 * nick list that has it and in its query window. Away without a text
 * keeps a text known already (WHO's G says no more than "away"). */
static void state_away_mark(struct state *st, const char *nick, bool away, const char *text)
{
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind == WIN_CHANNEL) {
			nicklist_set_away(w->members, nick, away);
		} else if (w->kind == WIN_QUERY && state_same(w->name, nick)) {
			if (away && !text && w->away)
				continue;
			free(w->away);
			w->away = away ? state_away_copy(text ? text : "") : NULL;
		}
	}
}

void state_on_away(struct state *st, struct state_ctx *c)
{
	if (!*c->nick || c->from_server)
		return;
	bool away = c->m->nparams >= 1 && *c->m->params[0];
	state_away_mark(st, c->nick, away, away ? c->m->params[0] : NULL);
}

void state_on_setname(struct state *st, struct state_ctx *c)
{
	if (!*c->nick || c->from_server || c->m->nparams < 1)
		return;
	const char *name = c->m->params[0];
	if (state_same(c->nick, st->nick)) {
		state_emitf(st, state_current_window(st), c->ms, LINE_INFO,
		            "Your real name is now: %s", name);
		return;
	}
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		bool there = (w->kind == WIN_CHANNEL && nicklist_find(w->members, c->nick, NULL)) ||
		             (w->kind == WIN_QUERY && state_same(w->name, c->nick));
		if (there)
			state_emitf(st, w, c->ms, LINE_EVENT, "%s changed their real name to: %s",
			            c->nick, name);
	}
}

bool state_on_setname_fail(struct state *st, struct state_ctx *c)
{
	const struct ircmsg *m = c->m;
	if (m->nparams < 3 || strcmp(m->params[0], "SETNAME") != 0)
		return false;
	state_emitf(st, state_current_window(st), c->ms, LINE_ERROR, "Real name not changed: %s",
	            state_last(m));
	return true;
}

void state_away_query_opened(struct state *st, struct window *w)
{
	for (size_t i = 1; i < st->nwindows && w->kind == WIN_QUERY && !w->away; i++) {
		const struct window *room = st->windows[i];
		if (room->kind == WIN_CHANNEL && nicklist_is_away(room->members, w->name))
			w->away = state_away_copy("");
	}
}

void state_away_joined(struct state *st, struct window *w)
{
	w->who_after_names = st->cap_away;
}

void state_away_names_done(struct state *st, struct window *w)
{
	if (!w->who_after_names)
		return;
	w->who_after_names = false;
	if (nicklist_count(w->members) > STATE_AWAY_WHO_MAX)
		return;
	w->who_quiet = true;
	if (st->isupport_whox)
		state_sendf(st, "WHO %s %%tnf," STATE_AWAY_WHOX_TOKEN, w->name);
	else
		state_sendf(st, "WHO %s", w->name);
}

bool state_away_isupport(struct state *st, const char *tok)
{
	if (strcmp(tok, "WHOX") != 0)
		return false;
	st->isupport_whox = true;
	return true;
}

/* True when m (a 352 or 315) answers our WHO after joining its room; a
 * 315 ends that. */
static bool state_away_quiet(struct state *st, const struct ircmsg *m, bool end)
{
	struct window *w = m->nparams >= 2 ? state_channel(st, m->params[1]) : NULL;
	if (!w || !w->who_quiet)
		return false;
	if (end)
		w->who_quiet = false;
	return true;
}

/* True when the current window is nick's query and its title shows text
 * as the away text already. */
static bool state_away_in_view(struct state *st, const char *nick, const char *text)
{
	const struct window *w = state_current_window(st);
	if (w->kind != WIN_QUERY || !w->away || !state_same(w->name, nick))
		return false;
	char *copy = state_away_copy(text);
	bool same = strcmp(copy, w->away) == 0;
	free(copy);
	return same;
}

bool state_away_numeric(struct state *st, struct state_ctx *c, int num)
{
	const struct ircmsg *m = c->m;
	if (num == 301 && m->nparams >= 3) {
		/* the answer to each message to someone away: not repeated when
		 * the title in front of the user says it (a WHOIS's is shown) */
		bool seen = !st->whois_open && state_away_in_view(st, m->params[1], m->params[2]);
		state_away_mark(st, m->params[1], true, m->params[2]);
		return seen;
	} else if (num == 311 || num == 318) {
		st->whois_open = num == 311; /* a 301 between them is the WHOIS's */
	} else if (num == 305 || num == 306) {
		state_away_mark(st, st->nick, num == 306, NULL);
	} else if (num == 352 && m->nparams >= 7) {
		/* flags: H (here) or G (gone), then prefixes and '*' */
		char flag = m->params[6][0];
		if (flag == 'G' || flag == 'H')
			state_away_mark(st, m->params[5], flag == 'G', NULL);
		return !st->isupport_whox && state_away_quiet(st, m, false);
	} else if (num == 354 && m->nparams >= 4 &&
	           strcmp(m->params[1], STATE_AWAY_WHOX_TOKEN) == 0) {
		char flag = m->params[3][0]; /* %tnf: token, nick, flags */
		if (flag == 'G' || flag == 'H')
			state_away_mark(st, m->params[2], flag == 'G', NULL);
		return true;
	} else if (num == 315) {
		return state_away_quiet(st, m, true);
	}
	return false;
}

void state_away_left(struct state *st, const char *nick)
{
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind == WIN_CHANNEL && nicklist_find(w->members, nick, NULL))
			return;
	}
	state_away_gone(st, nick);
}

void state_away_we_left(struct state *st)
{
	for (size_t i = 1; i < st->nwindows; i++)
		if (st->windows[i]->kind == WIN_QUERY && st->windows[i]->away)
			state_away_left(st, st->windows[i]->name);
}

void state_away_gone(struct state *st, const char *nick)
{
	if (!nick)
		st->whois_open = false; /* that connection's WHOIS will not end */
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (!nick)
			w->who_quiet = w->who_after_names = false; /* that connection's WHO will not end */
		if (w->kind == WIN_QUERY && (!nick || state_same(w->name, nick))) {
			free(w->away);
			w->away = NULL;
		}
	}
}

bool state_member_away(const struct state *st, size_t idx, size_t i)
{
	return nicklist_away(st->windows[idx]->members, i);
}

const char *state_window_away(const struct state *st, size_t idx)
{
	return st->windows[idx]->away;
}

bool state_has_setname(const struct state *st)
{
	return st->cap_setname;
}
