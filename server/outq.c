/* outq: a connection's FIFO of shared message buffers. */
#include "outq.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Most queues hold a line or two for a moment: a ring of two takes malloc's
 * smallest block (32 bytes, against 80 for eight), and the queue keeps its
 * ring until its worker trims, which a connection whose queue others write
 * may never do. A queue that fills grows by doubling. */
#define OUTQ_INITIAL 2

/* An empty queue; storage comes with the first push. */
void outq_init(struct outq *q)
{
	memset(q, 0, sizeof(*q));
}

/* Releases every queued buffer and the ring itself. */
void outq_free(struct outq *q)
{
	for (size_t i = 0; i < q->count; i++)
		msgbuf_unref(q->items[(q->head + i) & (q->cap - 1)]);
	free(q->items);
	outq_init(q);
}

/* True when nothing is left to send. */
bool outq_empty(const struct outq *q)
{
	return q->count == 0;
}

void outq_shrink(struct outq *q)
{
	if (q->count == 0)
		outq_free(q);
}

/* Unsent bytes, for the per-client send-queue limit. */
size_t outq_bytes(const struct outq *q)
{
	return q->bytes;
}

size_t outq_counted_bytes(const struct outq *q)
{
	return q->bytes - q->exempt;
}

/* Doubles the ring, unwrapping it so the oldest item lands at index 0. */
static void outq_grow(struct outq *q)
{
	size_t ncap = q->cap ? q->cap * 2 : OUTQ_INITIAL;
	struct msgbuf **items = xmalloc(ncap * sizeof(*items));

	for (size_t i = 0; i < q->count; i++)
		items[i] = q->items[(q->head + i) & (q->cap - 1)];
	free(q->items);
	q->items = items;
	q->cap = ncap;
	q->head = 0;
}

/* Appends an already referenced buffer. */
static void outq_append(struct outq *q, struct msgbuf *buf)
{
	if (q->count == q->cap)
		outq_grow(q);
	q->items[(q->head + q->count) & (q->cap - 1)] = buf;
	q->count++;
	if (buf->sendq_exempt)
		q->exempt += buf->len;
}

/* Queues a whole buffer, sharing it with the other recipients. */
void outq_push(struct outq *q, struct msgbuf *buf)
{
	if (buf->len == 0)
		return; /* nothing to send; queueing it would only stall outq_empty() */
	outq_append(q, msgbuf_ref(buf));
	q->bytes += buf->len;
}

void outq_push_owned(struct outq *q, struct msgbuf *buf)
{
	if (buf->len == 0) {
		msgbuf_unref(buf);
		return;
	}
	outq_append(q, buf);
	q->bytes += buf->len;
}

/* Queues what a direct write left over. Only the head has an offset, so behind
 * other items the leftover is copied into a buffer of its own. */
void outq_push_partial(struct outq *q, struct msgbuf *buf, size_t skip)
{
	if (skip >= buf->len)
		return;
	if (q->count == 0) {
		outq_append(q, msgbuf_ref(buf));
		q->offset = skip;
		if (buf->sendq_exempt)
			q->exempt -= skip;
	} else {
		struct msgbuf *rest = msgbuf_new(buf->data + skip, buf->len - skip);
		rest->sendq_exempt = buf->sendq_exempt;
		outq_append(q, rest);
	}
	q->bytes += buf->len - skip;
}

/* Describes the unsent bytes for writev(), the head starting at its offset. */
int outq_iov(const struct outq *q, struct iovec *iov, int max)
{
	int n = 0;

	for (size_t i = 0; i < q->count && n < max; i++) {
		struct msgbuf *b = q->items[(q->head + i) & (q->cap - 1)];
		size_t off = i == 0 ? q->offset : 0;

		if (b->held)
			break;

		iov[n].iov_base = b->data + off;
		iov[n].iov_len = b->len - off;
		n++;
	}
	return n;
}

/* Advances past n sent bytes, releasing each buffer once fully sent. */
void outq_consume(struct outq *q, size_t n)
{
	if (n > q->bytes)
		n = q->bytes; /* a caller bug; do not walk off the ring */
	q->bytes -= n;
	/* Runs with n == 0 too, so a head that is already fully sent is dropped. */
	while (q->count > 0) {
		struct msgbuf *b = q->items[q->head];
		size_t left = b->len - q->offset;

		if (n < left) {
			q->offset += n;
			if (b->sendq_exempt)
				q->exempt -= n;
			return;
		}
		n -= left;
		if (b->sendq_exempt)
			q->exempt -= left;
		msgbuf_unref(b);
		q->items[q->head] = NULL;
		q->head = (q->head + 1) & (q->cap - 1);
		q->count--;
		q->offset = 0;
	}
}

/* Finds old (from the tail: it is usually recent) and puts buf there. */
bool outq_replace(struct outq *q, struct msgbuf *old, struct msgbuf *buf)
{
	for (size_t i = q->count; i-- > 0;) {
		size_t at = (q->head + i) & (q->cap - 1);

		if (q->items[at] != old)
			continue;
		q->bytes = q->bytes - old->len + buf->len;
		if (old->sendq_exempt)
			q->exempt -= old->len;
		if (buf->sendq_exempt)
			q->exempt += buf->len;
		q->items[at] = buf;
		msgbuf_unref(old);
		return true;
	}
	return false;
}
