/* state: the IRC client model. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ircmsg.h"
#include "ircname.h"
#include "xalloc.h"

#define STATE_TEXT_MAX 1024
#define STATE_PREFIX_MAX 8 /* prefix modes we track (PREFIX=(ov)@+ has 2) */
#define STATE_VERSION_REPLY "parley " PARLEY_VERSION

struct member {
	char *nick;
	unsigned modes; /* bit i: prefix mode i of PREFIX (0 = highest) */
};

struct window {
	unsigned id;
	enum state_win_kind kind;
	char *name;
	char *topic;
	bool joined;
	bool names_pending; /* inside a 353 burst: the list is being rebuilt */
	enum state_activity activity;
	struct member *members;
	size_t nmembers, cap;
	bool dirty; /* members need sorting */
};

struct pending_line {
	struct state_line line;
	struct pending_line *next;
};

struct pending_send {
	char *text;
	struct pending_send *next;
};

struct state {
	char *nick;
	bool registered;
	bool cap_echo, cap_time;
	long long lag_ms;
	char prefix_modes[STATE_PREFIX_MAX + 1]; /* "ov" */
	char prefix_chars[STATE_PREFIX_MAX + 1]; /* "@+" */
	char chantypes[16];
	char chanmodes[4][32]; /* CHANMODES types A, B, C, D */

	struct window **windows;
	size_t nwindows, capwindows;
	size_t current;
	unsigned next_id;

	struct pending_line *lines_head, *lines_tail;
	struct pending_send *send_head, *send_tail;
};

/* ---- small helpers ------------------------------------------------------ */

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

/* True when a and b are the same name under rfc1459. */
static bool state_same(const char *a, const char *b)
{
	return ircname_cmp(a, b) == 0;
}

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

/* Reads exactly digits decimal digits at *p. -1 if not digits. */
static int state_digits(const char **p, int digits)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += digits;
	return v;
}

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC) into Unix milliseconds. */
int state_parse_time(const char *value, long long *unix_ms)
{
	const char *p = value;
	struct tm tm = {0};
	int ms = 0;

	int y = state_digits(&p, 4);
	if (y < 0 || *p++ != '-')
		return -1;
	int mo = state_digits(&p, 2);
	if (mo < 1 || mo > 12 || *p++ != '-')
		return -1;
	int d = state_digits(&p, 2);
	if (d < 1 || d > 31 || *p++ != 'T')
		return -1;
	int h = state_digits(&p, 2);
	if (h < 0 || h > 23 || *p++ != ':')
		return -1;
	int mi = state_digits(&p, 2);
	if (mi < 0 || mi > 59 || *p++ != ':')
		return -1;
	int s = state_digits(&p, 2);
	if (s < 0 || s > 60)
		return -1;
	if (*p == '.') {
		p++;
		int scale = 100;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (strcmp(p, "Z") != 0)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*unix_ms = (long long)t * 1000 + ms;
	return 0;
}

/* ---- output queues ------------------------------------------------------ */

/* Queues a display line for window w; updates w's activity when not shown. */
static void state_emit(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                       bool own, bool mention, const char *nick, const char *text)
{
	struct pending_line *pl = xcalloc(1, sizeof(*pl));
	pl->line.window = w->id;
	pl->line.unix_ms = ms;
	pl->line.kind = kind;
	pl->line.own = own;
	pl->line.mention = mention;
	pl->line.nick = xstrdup(nick ? nick : "");
	pl->line.text = xstrdup(text ? text : "");
	if (st->lines_tail)
		st->lines_tail->next = pl;
	else
		st->lines_head = pl;
	st->lines_tail = pl;

	if (w == st->windows[st->current] || own)
		return;
	enum state_activity act = ACT_EVENT;
	if (mention)
		act = ACT_MENTION;
	else if (kind == LINE_MESSAGE || kind == LINE_ACTION || kind == LINE_NOTICE)
		act = ACT_MESSAGE;
	if (act > w->activity)
		w->activity = act;
}

/* Formats text and emits it as a line of the given kind. */
__attribute__((format(printf, 5, 6))) static void state_emitf(struct state *st, struct window *w,
                                                              long long ms,
                                                              enum state_line_kind kind,
                                                              const char *fmt, ...)
{
	char text[STATE_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	state_emit(st, w, ms, kind, false, false, "", text);
}

bool state_pop_line(struct state *st, struct state_line *out)
{
	struct pending_line *pl = st->lines_head;
	if (!pl)
		return false;
	st->lines_head = pl->next;
	if (!st->lines_head)
		st->lines_tail = NULL;
	*out = pl->line;
	free(pl);
	return true;
}

/* Frees the strings of a popped line. */
void state_line_free(struct state_line *line)
{
	free(line->nick);
	free(line->text);
	line->nick = line->text = NULL;
}

/* Queues an IRC line to send. */
__attribute__((format(printf, 2, 3))) static void state_sendf(struct state *st, const char *fmt,
                                                              ...)
{
	char text[IRC_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(text))
		return; /* would be cut: better not sent at all */
	struct pending_send *ps = xcalloc(1, sizeof(*ps));
	ps->text = xstrdup(text);
	if (st->send_tail)
		st->send_tail->next = ps;
	else
		st->send_head = ps;
	st->send_tail = ps;
}

char *state_pop_send(struct state *st)
{
	struct pending_send *ps = st->send_head;
	if (!ps)
		return NULL;
	st->send_head = ps->next;
	if (!st->send_head)
		st->send_tail = NULL;
	char *text = ps->text;
	free(ps);
	return text;
}

/* ---- windows ------------------------------------------------------------ */

/* A new window at the end of the list. */
static struct window *state_add_window(struct state *st, enum state_win_kind kind, const char *name)
{
	struct window *w = xcalloc(1, sizeof(*w));
	w->id = ++st->next_id;
	w->kind = kind;
	w->name = xstrdup(name);
	w->topic = xstrdup("");
	if (st->nwindows == st->capwindows) {
		st->capwindows = st->capwindows ? st->capwindows * 2 : 8;
		st->windows = xrealloc(st->windows, st->capwindows * sizeof(*st->windows));
	}
	st->windows[st->nwindows++] = w;
	return w;
}

/* Empties a window's nick list. */
static void state_clear_members(struct window *w)
{
	for (size_t i = 0; i < w->nmembers; i++)
		free(w->members[i].nick);
	w->nmembers = 0;
	w->names_pending = false;
}

/* Frees a window. */
static void state_free_window(struct window *w)
{
	state_clear_members(w);
	free(w->members);
	free(w->name);
	free(w->topic);
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
	for (size_t i = 0; i < st->nwindows; i++)
		state_free_window(st->windows[i]);
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

size_t state_window_open(struct state *st, enum state_win_kind kind, const char *name)
{
	int idx = state_window_find(st, name);
	if (idx >= 0)
		return (size_t)idx;
	state_add_window(st, kind, name);
	return st->nwindows - 1;
}

/* Finds or opens the window for name. The index is taken first, in its own
 * statement: opening may grow (realloc) st->windows, so st->windows must be
 * read after the call, never in the same expression. */
static struct window *state_window_for(struct state *st, enum state_win_kind kind, const char *name)
{
	size_t idx = state_window_open(st, kind, name);
	return st->windows[idx];
}

bool state_window_close(struct state *st, size_t idx)
{
	if (idx == 0 || idx >= st->nwindows)
		return false;
	state_free_window(st->windows[idx]);
	memmove(&st->windows[idx], &st->windows[idx + 1],
	        (st->nwindows - idx - 1) * sizeof(*st->windows));
	st->nwindows--;
	if (st->current >= idx && st->current > 0)
		st->current--;
	st->windows[st->current]->activity = ACT_NONE;
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

/* ---- members ------------------------------------------------------------ */

/* Rank of a member for sorting: index of its highest prefix mode, or the
 * number of prefix modes when it has none. */
static int state_rank(const struct member *m)
{
	for (int i = 0; i < STATE_PREFIX_MAX; i++)
		if (m->modes & (1u << i))
			return i;
	return STATE_PREFIX_MAX;
}

/* qsort comparator: by rank, then by folded name. */
static int state_member_cmp(const void *a, const void *b)
{
	const struct member *ma = a, *mb = b;
	int ra = state_rank(ma), rb = state_rank(mb);
	if (ra != rb)
		return ra - rb;
	return ircname_cmp(ma->nick, mb->nick);
}

/* Sorts every dirty nick list. */
static void state_sort_members(struct state *st)
{
	for (size_t i = 0; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->dirty)
			qsort(w->members, w->nmembers, sizeof(*w->members), state_member_cmp);
		w->dirty = false;
	}
}

/* The member named nick in w, or NULL. */
static struct member *state_member_find(struct window *w, const char *nick)
{
	for (size_t i = 0; i < w->nmembers; i++)
		if (state_same(w->members[i].nick, nick))
			return &w->members[i];
	return NULL;
}

/* Adds nick (if absent) and returns its entry. */
static struct member *state_member_add(struct window *w, const char *nick)
{
	struct member *m = state_member_find(w, nick);
	if (m)
		return m;
	if (w->nmembers == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->members = xrealloc(w->members, w->cap * sizeof(*w->members));
	}
	m = &w->members[w->nmembers++];
	m->nick = xstrdup(nick);
	m->modes = 0;
	w->dirty = true;
	return m;
}

/* Removes nick; returns whether it was there. */
static bool state_member_remove(struct window *w, const char *nick)
{
	struct member *m = state_member_find(w, nick);
	if (!m)
		return false;
	free(m->nick);
	size_t i = (size_t)(m - w->members);
	memmove(m, m + 1, (w->nmembers - i - 1) * sizeof(*m));
	w->nmembers--;
	return true;
}

size_t state_member_count(const struct state *st, size_t idx)
{
	return st->windows[idx]->nmembers;
}

const char *state_member_nick(const struct state *st, size_t idx, size_t i)
{
	return st->windows[idx]->members[i].nick;
}

/* The prefix character shown for a member ('@', '+', or ' '). */
static char state_prefix_char(const struct state *st, const struct member *m)
{
	int r = state_rank(m);
	if (r < (int)strlen(st->prefix_chars))
		return st->prefix_chars[r];
	return ' ';
}

char state_member_prefix(const struct state *st, size_t idx, size_t i)
{
	return state_prefix_char(st, &st->windows[idx]->members[i]);
}

/* ---- connection accessors ----------------------------------------------- */

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

/* ---- applying messages -------------------------------------------------- */

/* What a handler gets: the message, its source nick and its time. */
struct ctx {
	struct ircmsg *m;
	const char *nick; /* source nick, "" for none */
	bool from_server; /* no user prefix */
	long long ms;
	long long now;
};

/* The last parameter or "". */
static const char *state_last(const struct ircmsg *m)
{
	return m->nparams ? m->params[m->nparams - 1] : "";
}

/* Parameters from first on, joined by spaces (for numerics shown as text). */
static void state_join_params(const struct ircmsg *m, int first, char *buf, size_t cap)
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

/* The window a target-less reply goes to: the current one. */
static struct window *state_current_window(struct state *st)
{
	return st->windows[st->current];
}

/* The channel window named name, or NULL. */
static struct window *state_channel(struct state *st, const char *name)
{
	int idx = state_window_find(st, name);
	if (idx < 0 || st->windows[idx]->kind != WIN_CHANNEL)
		return NULL;
	return st->windows[idx];
}

/* JOIN: opens our window, or adds a member. */
static void state_on_join(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 1)
		return;
	const char *chan = c->m->params[0];
	if (state_same(c->nick, st->nick)) {
		struct window *w = state_window_for(st, WIN_CHANNEL, chan);
		w->joined = true;
		state_clear_members(w);
		state_member_add(w, c->nick);
		state_emitf(st, w, c->ms, LINE_EVENT, "You joined %s", chan);
		return;
	}
	struct window *w = state_channel(st, chan);
	if (!w)
		return;
	state_member_add(w, c->nick);
	const char *bang = c->m->prefix ? strchr(c->m->prefix, '!') : NULL;
	state_emitf(st, w, c->ms, LINE_EVENT, "%s (%s) joined %s", c->nick, bang ? bang + 1 : "",
	            chan);
}

/* PART: we left (window stays, not joined) or a member left. */
static void state_on_part(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 1)
		return;
	struct window *w = state_channel(st, c->m->params[0]);
	if (!w)
		return;
	const char *reason = c->m->nparams > 1 ? c->m->params[1] : "";
	if (state_same(c->nick, st->nick)) {
		w->joined = false;
		state_clear_members(w);
		state_emitf(st, w, c->ms, LINE_EVENT, "You left %s", w->name);
		return;
	}
	state_member_remove(w, c->nick);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s left %s%s%s%s", c->nick, w->name,
	            *reason ? " (" : "", reason, *reason ? ")" : "");
}

/* QUIT: removed from every channel, shown where the nick was. */
static void state_on_quit(struct state *st, struct ctx *c)
{
	const char *reason = state_last(c->m);
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		bool there = (w->kind == WIN_CHANNEL && state_member_remove(w, c->nick)) ||
		             (w->kind == WIN_QUERY && state_same(w->name, c->nick));
		if (there)
			state_emitf(st, w, c->ms, LINE_EVENT, "%s quit (%s)", c->nick, reason);
	}
}

/* NICK: ours or someone's; follows them in nick lists and query windows. */
static void state_on_nick(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 1)
		return;
	const char *to = c->m->params[0];
	bool own = state_same(c->nick, st->nick);
	if (own) {
		free(st->nick);
		st->nick = xstrdup(to);
		state_emitf(st, st->windows[0], c->ms, LINE_EVENT, "You are now known as %s", to);
	}
	for (size_t i = 1; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		struct member *m = w->kind == WIN_CHANNEL ? state_member_find(w, c->nick) : NULL;
		if (m) {
			free(m->nick);
			m->nick = xstrdup(to);
			w->dirty = true;
		} else if (!(w->kind == WIN_QUERY && state_same(w->name, c->nick))) {
			continue;
		}
		if (w->kind == WIN_QUERY && state_window_find(st, to) < 0) {
			free(w->name);
			w->name = xstrdup(to);
		}
		if (own)
			state_emitf(st, w, c->ms, LINE_EVENT, "You are now known as %s", to);
		else
			state_emitf(st, w, c->ms, LINE_EVENT, "%s is now known as %s", c->nick, to);
	}
}

/* KICK: someone (perhaps us) was kicked. */
static void state_on_kick(struct state *st, struct ctx *c)
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
		state_clear_members(w);
		char text[STATE_TEXT_MAX];
		snprintf(text, sizeof(text), "You were kicked from %s by %s (%s)", w->name, c->nick,
		         reason);
		state_emit(st, w, c->ms, LINE_ERROR, false, true, "", text);
		return;
	}
	state_member_remove(w, victim);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s was kicked from %s by %s (%s)", victim, w->name,
	            c->nick, reason);
}

/* Answers the CTCP requests a client is expected to (VERSION, PING). */
static void state_ctcp_reply(struct state *st, struct ctx *c, const char *body)
{
	if (!ircname_nick_valid(c->nick) || state_same(c->nick, st->nick))
		return;
	if (strncmp(body, "VERSION", 7) == 0 && (body[7] == '\0' || body[7] == '\x01'))
		state_sendf(st, "NOTICE %s :\x01VERSION %s\x01", c->nick, STATE_VERSION_REPLY);
	else if (strncmp(body, "PING ", 5) == 0 && !strpbrk(body + 5, "\r\n"))
		state_sendf(st, "NOTICE %s :\x01%.100s", c->nick, body);
}

/* PRIVMSG and NOTICE: to a channel, to us, or echoed from us. */
static void state_on_message(struct state *st, struct ctx *c, bool notice)
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
			if (!notice && !own)
				state_ctcp_reply(st, c, text + 1);
			return; /* other CTCP requests and replies are not shown */
		}
	}
	char body[STATE_TEXT_MAX];
	snprintf(body, sizeof(body), "%s", text);
	size_t blen = strlen(body);
	if (kind == LINE_ACTION && blen > 0 && body[blen - 1] == '\x01')
		body[blen - 1] = '\0';

	struct window *w;
	bool mention = false;
	if (c->from_server || !*c->nick) {
		w = st->windows[0];
	} else if (state_is_channel(st, target)) {
		w = state_channel(st, target);
		if (!w)
			w = st->windows[0];
		mention = !own && state_mentions(body, st->nick);
	} else if (own) {
		w = state_window_for(st, WIN_QUERY, target);
	} else if (notice) {
		int q = state_window_find(st, c->nick);
		w = q >= 0 ? st->windows[q] : state_current_window(st);
	} else {
		w = state_window_for(st, WIN_QUERY, c->nick);
		mention = true;
	}
	state_emit(st, w, c->ms, kind, own, mention, c->nick, body);
}

/* TOPIC: someone changed a topic. */
static void state_on_topic(struct state *st, struct ctx *c)
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
static void state_on_mode(struct state *st, struct ctx *c)
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
		struct member *m = pi >= 0 ? state_member_find(w, param) : NULL;
		if (m) {
			if (adding)
				m->modes |= 1u << pi;
			else
				m->modes &= ~(1u << pi);
			w->dirty = true;
		}
	}
	state_emitf(st, w, c->ms, LINE_EVENT, "%s sets mode %s", *c->nick ? c->nick : "server",
	            all);
}

/* 353 RPL_NAMREPLY: "me = #chan :@alice +bob carol". */
static void state_on_names(struct state *st, struct ctx *c)
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
		state_clear_members(w);
		w->names_pending = true;
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
		if (*tok)
			state_member_add(w, tok)->modes = modes;
	}
	w->dirty = true;
}

/* 366 RPL_ENDOFNAMES: the list is complete; shown like irssi does. */
static void state_on_names_end(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 2)
		return;
	struct window *w = state_channel(st, c->m->params[1]);
	if (!w)
		return;
	w->names_pending = false;
	state_sort_members(st);
	char text[STATE_TEXT_MAX];
	size_t used = (size_t)snprintf(text, sizeof(text), "%s: %zu user%s:", w->name, w->nmembers,
	                               w->nmembers == 1 ? "" : "s");
	for (size_t i = 0; i < w->nmembers && used < sizeof(text); i++) {
		char pfx[2] = {state_prefix_char(st, &w->members[i]), '\0'};
		int n = snprintf(text + used, sizeof(text) - used, " %s%s",
		                 pfx[0] == ' ' ? "" : pfx, w->members[i].nick);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	state_emit(st, w, c->ms, LINE_INFO, false, false, "", text);
}

/* 332 RPL_TOPIC. */
static void state_on_topic_reply(struct state *st, struct ctx *c)
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

/* 005 ISUPPORT: PREFIX, CHANTYPES, CHANMODES. */
static void state_on_isupport(struct state *st, struct ctx *c)
{
	for (int i = 1; i + 1 < c->m->nparams; i++) {
		const char *tok = c->m->params[i];
		if (strncmp(tok, "PREFIX=(", 8) == 0) {
			const char *close = strchr(tok + 8, ')');
			size_t n = close ? (size_t)(close - (tok + 8)) : 0;
			if (close && n <= STATE_PREFIX_MAX && strlen(close + 1) == n) {
				snprintf(st->prefix_modes, sizeof(st->prefix_modes), "%.*s", (int)n,
				         tok + 8);
				snprintf(st->prefix_chars, sizeof(st->prefix_chars), "%s",
				         close + 1);
			}
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
static void state_on_welcome(struct state *st, struct ctx *c)
{
	if (c->m->nparams >= 1 && *c->m->params[0]) {
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
	state_emitf(st, st->windows[0], c->ms, LINE_INFO, "%s", state_last(c->m));
}

/* CAP ACK: remember which capabilities are on. */
static void state_on_cap(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 3 || strcmp(c->m->params[1], "ACK") != 0)
		return;
	char caps[STATE_TEXT_MAX];
	char *save = NULL;
	snprintf(caps, sizeof(caps), "%s", state_last(c->m));
	for (char *tok = strtok_r(caps, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		bool off = *tok == '-';
		if (off)
			tok++;
		if (strcmp(tok, "echo-message") == 0)
			st->cap_echo = !off;
		else if (strcmp(tok, "server-time") == 0)
			st->cap_time = !off;
	}
}

/* PONG :LAG<ms> answers our lag probe. */
static void state_on_pong(struct state *st, struct ctx *c)
{
	const char *tok = state_last(c->m);
	if (strncmp(tok, "LAG", 3) != 0)
		return;
	char *end;
	long long sent = strtoll(tok + 3, &end, 10);
	if (*end == '\0' && end != tok + 3 && c->now >= sent)
		st->lag_ms = c->now - sent;
}

/* A numeric reply: errors in the current window, the rest in the server
 * window (replies to queries in the current window). */
static void state_on_numeric(struct state *st, struct ctx *c, int num)
{
	char text[STATE_TEXT_MAX];
	state_join_params(c->m, 1, text, sizeof(text));
	switch (num) {
	case 1:
		state_on_welcome(st, c);
		return;
	case 5:
		state_on_isupport(st, c);
		break;
	case 332:
		state_on_topic_reply(st, c);
		return;
	case 333:
	case 329:
		return; /* topic setter and channel creation time: not worth a line */
	case 353:
		state_on_names(st, c);
		return;
	case 366:
		state_on_names_end(st, c);
		return;
	case 433:
		state_emitf(st, st->registered ? state_current_window(st) : st->windows[0], c->ms,
		            LINE_ERROR, "Nick %s is already in use",
		            c->m->nparams > 1 ? c->m->params[1] : "?");
		return;
	case 464:
		state_emitf(st, st->windows[0], c->ms, LINE_ERROR,
		            "Wrong password: the server refused the connection password");
		return;
	default:
		break;
	}
	if (num >= 400 && num < 600 && num != 422) { /* 422: no MOTD, not an error */
		state_emit(st, state_current_window(st), c->ms, LINE_ERROR, false, false, "", text);
		return;
	}
	bool query_reply = (num >= 300 && num < 400 && num != 372 && num != 375 && num != 376);
	struct window *w = query_reply ? state_current_window(st) : st->windows[0];
	state_emit(st, w, c->ms, LINE_INFO, false, false, "", text);
}

/* Applies a parsed message. */
static void state_dispatch(struct state *st, struct ctx *c)
{
	const char *cmd = c->m->command;
	if (cmd[0] >= '0' && cmd[0] <= '9' && strlen(cmd) == 3) {
		state_on_numeric(st, c, atoi(cmd));
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
	} else if (strcmp(cmd, "CAP") == 0) {
		state_on_cap(st, c);
	} else if (strcmp(cmd, "PONG") == 0) {
		state_on_pong(st, c);
	} else if (strcmp(cmd, "PING") == 0) {
		/* answered by the network thread */
	} else if (strcmp(cmd, "ERROR") == 0) {
		state_emitf(st, st->windows[0], c->ms, LINE_ERROR, "Server: %s", state_last(c->m));
	} else if (strcmp(cmd, "INVITE") == 0 && c->m->nparams >= 2) {
		state_emitf(st, state_current_window(st), c->ms, LINE_INFO, "%s invites you to %s",
		            c->nick, c->m->params[1]);
	} else {
		char text[STATE_TEXT_MAX];
		state_join_params(c->m, 0, text, sizeof(text));
		state_emitf(st, st->windows[0], c->ms, LINE_INFO, "%s %s", cmd, text);
	}
}

void state_apply(struct state *st, char *line, long long now_ms)
{
	struct ircmsg m;
	const char *why;
	char nick[IRC_LINE_MAX];
	char tval[64];

	if (ircmsg_parse(line, &m, &why) != 0)
		return;
	ircmsg_upcase(m.command);
	struct ctx c = {.m = &m, .ms = now_ms, .now = now_ms};
	c.nick = state_source_nick(m.prefix, nick, sizeof(nick));
	c.from_server = !state_prefix_is_user(m.prefix);
	if (m.tags && ircmsg_tag_get(m.tags, "time", tval, sizeof(tval)) > 0) {
		long long t;
		if (state_parse_time(tval, &t) == 0)
			c.ms = t;
	}
	state_dispatch(st, &c);
	state_sort_members(st);
}

void state_connected(struct state *st, const char *text, long long now_ms)
{
	st->cap_echo = st->cap_time = false;
	st->registered = false;
	st->lag_ms = -1;
	state_emitf(st, st->windows[0], now_ms, LINE_INFO, "%s", text);
}

void state_disconnected(struct state *st, const char *reason, long long now_ms)
{
	st->registered = false;
	st->lag_ms = -1;
	for (size_t i = 0; i < st->nwindows; i++) {
		struct window *w = st->windows[i];
		if (w->kind == WIN_CHANNEL) {
			w->joined = false;
			state_clear_members(w);
		}
		state_emitf(st, w, now_ms, LINE_ERROR, "Disconnected: %s", reason);
	}
}

void state_note(struct state *st, size_t idx, enum state_line_kind kind, const char *text,
                long long now_ms)
{
	if (idx >= st->nwindows)
		idx = 0;
	state_emit(st, st->windows[idx], now_ms, kind, false, false, "", text);
}

size_t state_own_message(struct state *st, const char *target, enum state_line_kind kind,
                         const char *text, long long now_ms)
{
	size_t idx;
	int found = state_window_find(st, target);
	if (found >= 0)
		idx = (size_t)found;
	else if (state_is_channel(st, target))
		idx = state_current(st);
	else
		idx = state_window_open(st, WIN_QUERY, target);
	if (!st->cap_echo)
		state_emit(st, st->windows[idx], now_ms, kind, true, false, st->nick, text);
	return idx;
}
