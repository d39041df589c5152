/* state: the IRC client model. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ircmsg.h"
#include "ircname.h"
#include "tokenbucket.h"
#include "nicklist.h"
#include "whotext.h"
#include "xalloc.h"

#define STATE_TEXT_MAX 1024
#define STATE_PREFIX_MAX 8 /* prefix modes we track (PREFIX=(ov)@+ has 2) */
#define STATE_VERSION_REPLY "parley " PARLEY_VERSION
#define STATE_CTCP_BURST 3       /* CTCP requests answered at once ... */
#define STATE_CTCP_PER_MIN 3     /* ... and a minute after that */
#define STATE_CTCP_NOTE_MS 60000 /* at most one note a minute about the rest */

struct window {
	unsigned id;
	enum state_win_kind kind;
	char *name;
	char *topic;
	bool joined;
	bool names_pending; /* inside a 353 burst: the list is being rebuilt (bulk) */
	enum state_activity activity;
	/* Members' modes: bit i is prefix mode i of PREFIX (0 = highest). */
	struct nicklist *members;
	size_t members_dropped; /* nicks not listed (limits) since the last clear */
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
	size_t nqueries;       /* query windows among them */
	size_t members_total;  /* nicks listed over all windows */
	bool query_cap_noted;  /* the STATE_QUERIES_MAX note was shown */
	size_t current;
	unsigned next_id;

	struct pending_line *lines_head, *lines_tail;
	struct pending_send *send_head, *send_tail;
	struct pending_send *reply_head, *reply_tail; /* automatic CTCP replies */

	/* CTCP answers: a budget, and what went unanswered (Unix ms clock). */
	struct tokenbucket ctcp_budget;
	bool ctcp_started;
	unsigned long long ctcp_ignored;
	bool ctcp_noted;
	long long ctcp_noted_ms;
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

/* Appends a formatted line to a FIFO of pending sends; a line that would be
 * cut is better not sent at all. */
__attribute__((format(printf, 3, 0))) static void pending_vpush(struct pending_send **head, struct pending_send **tail,
                          const char *fmt, va_list ap)
{
	char text[IRC_LINE_MAX];
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(text))
		return;
	struct pending_send *ps = xcalloc(1, sizeof(*ps));
	ps->text = xstrdup(text);
	if (*tail)
		(*tail)->next = ps;
	else
		*head = ps;
	*tail = ps;
}

/* Queues an IRC line to send. */
__attribute__((format(printf, 2, 3))) static void state_sendf(struct state *st, const char *fmt,
                                                              ...)
{
	va_list ap;
	va_start(ap, fmt);
	pending_vpush(&st->send_head, &st->send_tail, fmt, ap);
	va_end(ap);
}

/* Queues an automatic reply (state_pop_reply). */
__attribute__((format(printf, 2, 3))) static void state_replyf(struct state *st, const char *fmt,
                                                               ...)
{
	va_list ap;
	va_start(ap, fmt);
	pending_vpush(&st->reply_head, &st->reply_tail, fmt, ap);
	va_end(ap);
}

char *state_pop_reply(struct state *st)
{
	struct pending_send *ps = st->reply_head;
	if (!ps)
		return NULL;
	st->reply_head = ps->next;
	if (!st->reply_head)
		st->reply_tail = NULL;
	char *text = ps->text;
	free(ps);
	return text;
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
	w->members = nicklist_new();
	if (kind == WIN_QUERY)
		st->nqueries++;
	if (st->nwindows == st->capwindows) {
		st->capwindows = st->capwindows ? st->capwindows * 2 : 8;
		st->windows = xrealloc(st->windows, st->capwindows * sizeof(*st->windows));
	}
	st->windows[st->nwindows++] = w;
	return w;
}

/* Empties a window's nick list (and ends a NAMES burst). */
static void state_clear_members(struct state *st, struct window *w)
{
	st->members_total -= nicklist_count(w->members);
	nicklist_clear(w->members);
	w->names_pending = false;
	w->members_dropped = 0;
}

/* Frees a window (taking its members and query out of the counts). */
static void state_free_window(struct state *st, struct window *w)
{
	state_clear_members(st, w);
	if (w->kind == WIN_QUERY)
		st->nqueries--;
	nicklist_free(w->members);
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
	while ((s = state_pop_reply(st)) != NULL)
		free(s);
	for (size_t i = 0; i < st->nwindows; i++)
		state_free_window(st, st->windows[i]);
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
static struct window *state_window_for(struct state *st, enum state_win_kind kind, const char *name)
{
	int idx = state_window_open(st, kind, name);
	return idx < 0 ? NULL : st->windows[idx];
}

bool state_window_close(struct state *st, size_t idx)
{
	if (idx == 0 || idx >= st->nwindows)
		return false;
	state_free_window(st, st->windows[idx]);
	if (st->nqueries < STATE_QUERIES_MAX)
		st->query_cap_noted = false;
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

size_t state_member_count(const struct state *st, size_t idx)
{
	return nicklist_count(st->windows[idx]->members);
}

const char *state_member_nick(const struct state *st, size_t idx, size_t i)
{
	return nicklist_nick(st->windows[idx]->members, i);
}

/* The prefix character shown for modes ('@', '+', or ' '). */
static char state_prefix_char(const struct state *st, unsigned modes)
{
	int r = nicklist_rank(modes);
	if (r < (int)strlen(st->prefix_chars))
		return st->prefix_chars[r];
	return ' ';
}

char state_member_prefix(const struct state *st, size_t idx, size_t i)
{
	return state_prefix_char(st, nicklist_modes(st->windows[idx]->members, i));
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

/* True when name can be a nick from the server: 1..NICKLIST_NICK_MAX bytes,
 * no space, control or separator, not starting like a channel. Anything else
 * (an empty "NICK :", say) is ignored rather than believed. */
static bool state_name_ok(const struct state *st, const char *name)
{
	size_t len = 0;
	if (!*name || strchr(st->chantypes, name[0]) || name[0] == ':')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++, len++)
		if (*p <= ' ' || *p == 0x7f || strchr(",!@*?", *p))
			return false;
	return len <= NICKLIST_NICK_MAX;
}

/* Says once per list why nicks are not listed in w. */
static void state_members_full(struct state *st, struct window *w, long long ms)
{
	if (w->members_dropped++ > 0)
		return;
	if (nicklist_count(w->members) >= STATE_MEMBERS_MAX)
		state_emitf(st, w, ms, LINE_ERROR,
		            "The nick list of %s is full (%d nicks): the rest are not listed",
		            w->name, STATE_MEMBERS_MAX);
	else
		state_emitf(st, w, ms, LINE_ERROR,
		            "The nick lists are full (%d nicks in all rooms): the rest of %s "
		            "is not listed",
		            STATE_MEMBERS_TOTAL_MAX, w->name);
}

/* Lists nick in w with modes (set_modes) or, when already listed, changes
 * its modes only if set_modes. Within the limits; a note when past them. */
static void state_member_add(struct state *st, struct window *w, const char *nick,
                             unsigned modes, bool set_modes, long long ms)
{
	if (!state_name_ok(st, nick))
		return;
	if (nicklist_find(w->members, nick, NULL)) {
		if (set_modes)
			nicklist_set_modes(w->members, nick, modes);
		return;
	}
	if (nicklist_count(w->members) >= STATE_MEMBERS_MAX ||
	    st->members_total >= STATE_MEMBERS_TOTAL_MAX) {
		state_members_full(st, w, ms);
		return;
	}
	if (nicklist_add(w->members, nick, modes))
		st->members_total++;
}

/* Unlists nick from w; returns whether it was listed. */
static bool state_member_remove(struct state *st, struct window *w, const char *nick)
{
	if (!nicklist_remove(w->members, nick))
		return false;
	st->members_total--;
	return true;
}

/* Follows a nick change in w's list; returns whether from was listed. */
static bool state_member_rename(struct state *st, struct window *w, const char *from,
                                const char *to)
{
	size_t before = nicklist_count(w->members);
	if (!nicklist_rename(w->members, from, to))
		return false;
	st->members_total -= before - nicklist_count(w->members);
	return true;
}

/* JOIN: opens our window, or adds a member. */
static void state_on_join(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 1 || !*c->nick)
		return;
	const char *chan = c->m->params[0];
	if (state_same(c->nick, st->nick)) {
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
static void state_on_part(struct state *st, struct ctx *c)
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
		state_emitf(st, w, c->ms, LINE_EVENT, "You left %s", w->name);
		return;
	}
	state_member_remove(st, w, c->nick);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s left %s%s%s%s", c->nick, w->name,
	            *reason ? " (" : "", reason, *reason ? ")" : "");
}

/* QUIT: removed from every channel, shown where the nick was. */
static void state_on_quit(struct state *st, struct ctx *c)
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
	}
}

/* NICK: ours or someone's; follows them in nick lists and query windows. */
static void state_on_nick(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 1 || !*c->nick || !state_name_ok(st, c->m->params[0]))
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
		bool listed = w->kind == WIN_CHANNEL && state_member_rename(st, w, c->nick, to);
		if (!listed && !(w->kind == WIN_QUERY && state_same(w->name, c->nick))) {
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
		state_clear_members(st, w);
		char text[STATE_TEXT_MAX];
		snprintf(text, sizeof(text), "You were kicked from %s by %s (%s)", w->name, c->nick,
		         reason);
		state_emit(st, w, c->ms, LINE_ERROR, false, true, "", text);
		return;
	}
	state_member_remove(st, w, victim);
	state_emitf(st, w, c->ms, LINE_EVENT, "%s was kicked from %s by %s (%s)", victim, w->name,
	            c->nick, reason);
}

/* Counts a CTCP request left unanswered and says so in the server window,
 * at most once a minute (a flood of them is one line a minute). */
static void state_ctcp_ignored(struct state *st, struct ctx *c, const char *what,
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
static void state_ctcp_reply(struct state *st, struct ctx *c, const char *target,
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
				state_ctcp_reply(st, c, target, text + 1);
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
		if (!w)
			w = st->windows[0];
	} else if (notice) {
		int q = state_window_find(st, c->nick);
		w = q >= 0 ? st->windows[q] : state_current_window(st);
	} else {
		w = state_query_from(st, c->nick, c->ms);
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
		unsigned modes;
		if (pi >= 0 && nicklist_find(w->members, param, &modes))
			nicklist_set_modes(w->members, param,
			                   adding ? modes | 1u << pi : modes & ~(1u << pi));
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
static void state_on_names_end(struct state *st, struct ctx *c)
{
	if (c->m->nparams < 2)
		return;
	struct window *w = state_channel(st, c->m->params[1]);
	if (!w)
		return;
	w->names_pending = false;
	nicklist_bulk_end(w->members);
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
	char sentence[STATE_TEXT_MAX];
	if (whotext_format(c->m, sentence, sizeof(sentence))) { /* WHOIS, WHO */
		state_emit(st, state_current_window(st), c->ms, LINE_INFO, false, false, "",
		           sentence);
		return;
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
	if (!c.from_server && !*c.nick)
		return; /* ":!user@host ...": a user without a nick */
	if (m.tags && ircmsg_tag_get(m.tags, "time", tval, sizeof(tval)) > 0) {
		long long t;
		if (state_parse_time(tval, &t) == 0)
			c.ms = t;
	}
	state_dispatch(st, &c);
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
			state_clear_members(st, w);
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
	if (!st->cap_echo)
		state_emit(st, st->windows[idx], now_ms, kind, true, false, st->nick, text);
	return (size_t)idx;
}

const char *state_check(const struct state *st)
{
	size_t members = 0, queries = 0;
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
	}
	if (members != st->members_total || members > STATE_MEMBERS_TOTAL_MAX)
		return "the total of listed nicks is wrong or past its limit";
	if (queries != st->nqueries)
		return "the query count is wrong";
	if (!*st->nick)
		return "our nick is empty";
	return NULL;
}
