/* state_queue: the model's three output FIFOs. */
#include "state_queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ircmsg.h"
#include "state_history.h"
#include "xalloc.h"

struct pending_line {
	struct state_line line;
	struct pending_line *next;
};

struct pending_send {
	char *text;
	struct pending_send *next;
};

/* Appends a display line (taken over) to the FIFO; raises w's activity
 * when it is not the window shown. */
static void state_queue_line(struct state *st, struct window *w, struct state_line *line)
{
	struct pending_line *pl = xcalloc(1, sizeof(*pl));
	pl->line = *line;
	pl->line.window = w->id;
	if (st->lines_tail)
		st->lines_tail->next = pl;
	else
		st->lines_head = pl;
	st->lines_tail = pl;

	if (w == st->windows[st->current] || line->own)
		return;
	enum state_activity act = ACT_EVENT;
	if (line->mention)
		act = ACT_MENTION;
	else if (line->kind == LINE_MESSAGE || line->kind == LINE_ACTION ||
	         line->kind == LINE_NOTICE)
		act = ACT_MESSAGE;
	if (act > w->activity)
		w->activity = act;
}

/* True for the kinds someone said (the ones a history can hold). */
static bool state_said(enum state_line_kind kind)
{
	return kind == LINE_MESSAGE || kind == LINE_ACTION || kind == LINE_NOTICE;
}

void state_show(struct state *st, struct window *w, struct state_line *line,
                const struct lineid *id, bool dedupe)
{
	bool keyed = id->has_msgid || id->has_exact || id->loose;
	if (w->kind == WIN_SERVER || !keyed) {
		state_queue_line(st, w, line);
		return;
	}
	if (dedupe && w->seen && lineid_is_dup(id, w->seen)) {
		state_line_free(line);
		return;
	}
	if (!w->seen)
		w->seen = seenset_new(0);
	lineid_remember(id, w->seen);
	if (id->has_msgid && state_said(line->kind))
		snprintf(w->last_msgid, sizeof(w->last_msgid), "%s", id->msgid_text);
	if (id->has_exact && (!w->has_last_time || id->time_ms > w->last_time)) {
		w->last_time = id->time_ms;
		w->has_last_time = true;
	}
	state_queue_line(st, w, line);
}

/* Shows (or holds, while w catches up) a display line built by the caller. */
static void state_emit_line(struct state *st, struct window *w, struct state_line line,
                            const struct lineid *id)
{
	if (catchup_pending(st->catchup, w->id)) {
		struct catchup_item *item = xcalloc(1, sizeof(*item));
		item->line = line;
		item->id = *id;
		catchup_hold(st->catchup, w->id, item);
		state_history_flush(st); /* the hold may have ended the turn */
		return;
	}
	state_show(st, w, &line, id, true);
}

/* A display line for w owning copies of nick and text. */
static struct state_line state_line_make(struct window *w, long long ms,
                                         enum state_line_kind kind, bool own, bool mention,
                                         const char *nick, const char *text)
{
	return (struct state_line){.window = w->id,
	                           .unix_ms = ms,
	                           .kind = kind,
	                           .own = own,
	                           .mention = mention,
	                           .nick = xstrdup(nick ? nick : ""),
	                           .text = xstrdup(text ? text : "")};
}

void state_emit_id(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                   bool own, bool mention, const char *nick, const char *text,
                   const struct lineid *id)
{
	state_emit_line(st, w, state_line_make(w, ms, kind, own, mention, nick, text), id);
}

void state_emit_cont(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                     bool own, bool mention, const char *nick, const char *text)
{
	struct lineid none;
	lineid_none(&none);
	struct state_line line = state_line_make(w, ms, kind, own, mention, nick, text);
	line.cont = true;
	state_emit_line(st, w, line, &none);
}

/* Queues a display line for window w; updates w's activity when not shown. */
void state_emit(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                bool own, bool mention, const char *nick, const char *text)
{
	struct lineid none;
	lineid_none(&none);
	state_emit_id(st, w, ms, kind, own, mention, nick, text, &none);
}

/* Formats text and emits it as a line of the given kind. */
__attribute__((format(printf, 5, 6))) void state_emitf(struct state *st, struct window *w,
                                                       long long ms, enum state_line_kind kind,
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
__attribute__((format(printf, 3, 0))) static void
pending_vpush(struct pending_send **head, struct pending_send **tail, const char *fmt, va_list ap)
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
__attribute__((format(printf, 2, 3))) void state_sendf(struct state *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pending_vpush(&st->send_head, &st->send_tail, fmt, ap);
	va_end(ap);
}

/* Queues an automatic reply (state_pop_reply). */
__attribute__((format(printf, 2, 3))) void state_replyf(struct state *st, const char *fmt, ...)
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
