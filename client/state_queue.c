/* state_queue: the model's three output FIFOs. */
#include "state_queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ircmsg.h"
#include "xalloc.h"

struct pending_line {
	struct state_line line;
	struct pending_line *next;
};

struct pending_send {
	char *text;
	struct pending_send *next;
};

/* Queues a display line for window w; updates w's activity when not shown. */
void state_emit(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
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
