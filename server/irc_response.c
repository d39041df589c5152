/* irc_response: see irc_response.h. */
#include "irc_response.h"

#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "event.h"
#include "global.h"
#include "irc_batch.h"
#include "ircmsg.h"
#include "irctags.h"
#include "log.h"
#include "msgbuf.h"
#include "reply.h"
#include "session.h"
#include "xalloc.h"

/* "label=" and the value escaped (each byte at most two). */
#define LABEL_TAG_MAX (sizeof "label=" + 2 * IRC_LABEL_MAX)

struct irc_response {
	struct own_lines own;          /* first: s->own points here */
	char label_tag[LABEL_TAG_MAX]; /* "label=<escaped value>" */
	size_t lines;                  /* lines of the response so far */
	struct msgbuf *held;           /* the only line so far, held on the queue
					* (our own reference), or NULL */
	struct irc_batch batch;        /* the labeled-response batch, once lines > 1 */
};

/* A growing buffer of rewritten lines, sized up front. */
struct out {
	char *data;
	size_t len, cap;
};

/* Appends line[0..len) (one line, CR LF included) to o, in r's batch: with
 * batch=ref first in its tags, unless it is in a batch of its own already. */
static void out_line(struct out *o, const struct irc_response *r, const char *line, size_t len)
{
	int n;
	if (irctags_line_has(line, len, "batch")) {
		memcpy(o->data + o->len, line, len);
		n = (int)len;
	} else {
		char tag[IRC_BATCH_TAG_MAX];
		irc_batch_tags(&r->batch, NULL, tag, sizeof tag);
		n = irctags_line_add(line, len, tag, o->data + o->len, o->cap - o->len);
	}
	if (n > 0)
		o->len += (size_t)n;
}

/* Opens r's batch: its BATCH line, with the label, starts o. */
static void out_open_batch(struct out *o, struct session *s, struct irc_response *r)
{
	irc_batch_begin(s, &r->batch); /* on: labels need batch (irc_response_begin) */
	int n = irc_batch_format_start(&r->batch, r->label_tag, "labeled-response", 0, NULL,
				       o->data + o->len, o->cap - o->len);
	if (n > 0)
		o->len += (size_t)n;
}

/* A buffer for data's lines: each may grow by a batch tag, and a BATCH
 * line and the held line may come first. */
static struct out out_new(const struct irc_response *r, size_t len, size_t nlines)
{
	size_t per_line = IRC_BATCH_TAG_MAX + 2;
	size_t cap = len + nlines * per_line + OUT_SERVER_LINE_MAX + LABEL_TAG_MAX;
	if (r->held)
		cap += r->held->len + per_line;
	return (struct out){xmalloc(cap), 0, cap};
}

/* Queues o as one buffer on s's own queue and frees it. */
static void out_push(struct session *s, struct out *o, bool exempt)
{
	struct msgbuf *buf = msgbuf_new(o->data, o->len);
	buf->sendq_exempt = exempt;
	deliver_own_push(s, buf);
	free(o->data);
}

/* The first line of the response: queued but held, its final form open. */
static void response_hold(struct session *s, struct irc_response *r, const char *data,
			  size_t len, bool exempt)
{
	struct msgbuf *buf = msgbuf_new(data, len);
	buf->sendq_exempt = exempt;
	buf->held = true;
	r->held = msgbuf_ref(buf);
	deliver_own_push(s, buf);
}

/* A second line came: the held one becomes the batch's start and first line. */
static void response_release_into_batch(struct session *s, struct irc_response *r)
{
	struct out o = out_new(r, 0, 0);
	out_open_batch(&o, s, r);
	out_line(&o, r, r->held->data, r->held->len);
	struct msgbuf *buf = msgbuf_new(o.data, o.len);
	buf->sendq_exempt = r->held->sendq_exempt;
	free(o.data);
	deliver_own_replace(s, r->held, buf);
	msgbuf_unref(r->held);
	r->held = NULL;
}

/* own_lines.take: the lines of the response as they are queued. */
static void response_take(struct session *s, const char *data, size_t len, bool exempt)
{
	struct irc_response *r = (struct irc_response *)s->own;
	size_t nlines = 0;
	for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))); p++)
		nlines++;
	if (nlines == 0)
		return;
	if (r->lines == 0 && nlines == 1) {
		response_hold(s, r, data, len, exempt);
		r->lines = 1;
		return;
	}
	if (r->held)
		response_release_into_batch(s, r);
	struct out o = out_new(r, len, nlines);
	if (r->lines == 0)
		out_open_batch(&o, s, r);
	for (const char *p = data; p < data + len;) {
		const char *nl = memchr(p, '\n', len - (size_t)(p - data));
		size_t n = nl ? (size_t)(nl + 1 - p) : len - (size_t)(p - data);
		out_line(&o, r, p, n);
		p += n;
	}
	r->lines += nlines;
	out_push(s, &o, exempt);
}

/* own_lines.release: the session ends, maybe in the middle of a response. */
static void response_release(struct own_lines *own)
{
	struct irc_response *r = (struct irc_response *)own;
	if (r->held)
		msgbuf_unref(r->held);
	free(r);
}

/* Ends s's response: an ACK, the held line labeled, or the batch's end. */
static void response_finish(struct session *s)
{
	struct irc_response *r = (struct irc_response *)s->own;
	s->own = NULL; /* what is queued from here goes straight on the queue */
	char line[OUT_SERVER_LINE_MAX];
	int len = -1;
	if (r->lines == 0) {
		len = deliver_format(line, sizeof line, r->label_tag, g_server.cfg.name, "ACK", 0,
				     NULL);
	} else if (r->held) {
		struct out o = out_new(r, 0, 0);
		int n = irctags_line_add(r->held->data, r->held->len, r->label_tag, o.data, o.cap);
		struct msgbuf *buf = msgbuf_new(o.data, n > 0 ? (size_t)n : 0);
		buf->sendq_exempt = r->held->sendq_exempt;
		free(o.data);
		deliver_own_replace(s, r->held, buf);
	} else {
		len = irc_batch_format_end(&r->batch, NULL, line, sizeof line);
	}
	if (len > 0)
		deliver_queue_line(s, s, line, (size_t)len);
	response_release(&r->own);
}

bool irc_response_begin(struct session *s, const char *tags)
{
	const unsigned need = CAP_LABELED_RESPONSE | CAP_BATCH;
	if (!tags || s->own || (atomic_load(&s->caps) & need) != need)
		return false;
	char label[IRC_LABEL_MAX + 1];
	if (ircmsg_tag_get(tags, "label", label, sizeof label) <= 0)
		return false; /* none, empty or too long: ignored */
	struct irc_response *r = xcalloc(1, sizeof *r);
	memcpy(r->label_tag, "label=", 6);
	irctags_escape(label, r->label_tag + 6, sizeof r->label_tag - 6);
	r->own.take = response_take;
	r->own.release = response_release;
	r->own.taking = true;
	s->own = &r->own;
	return true;
}

/* A job at the end of the streamed reply (reply_add_line): ends the
 * response once nothing else is left to stream. */
static void response_end_job(struct session *s, char *line, size_t len)
{
	(void)line;
	(void)len;
	if (!s->own)
		return;
	if (reply_busy(s))
		reply_add_line(s, "", response_end_job); /* jobs added meanwhile go first */
	else
		response_finish(s);
}

void irc_response_command_done(struct session *s)
{
	if (!s->own)
		return;
	s->own->taking = false; /* until the stream is pumped (reply.c) */
	if (reply_busy(s))
		reply_add_line(s, "", response_end_job);
	else
		response_finish(s);
}
