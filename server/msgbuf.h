/* msgbuf: an immutable, reference-counted chunk of bytes to send.
 * One is made per broadcast (per rendering) and shared by every recipient's
 * outbound queue; the last unref frees it. Reference counting is atomic, so
 * any thread may ref or unref. */
#ifndef PARLEY_MSGBUF_H
#define PARLEY_MSGBUF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct msgbuf {
	atomic_int refs;
	/* Not counted against SendQ (a streamed reply the connection asked
	 * for, see reply.h); set by the creator before queueing, const after. */
	bool sendq_exempt;
	/* Not to be written yet: a line whose place in the queue is kept
	 * while its final form is decided (deliver_own_push); writers stop
	 * before it. Set before queueing; only its queue's owner swaps it, under
	 * the queue's lock. */
	bool held;
	size_t len;
	char data[];
};

/* A new buffer holding a copy of data[0..len), with one reference. */
struct msgbuf *msgbuf_new(const char *data, size_t len);
struct msgbuf *msgbuf_ref(struct msgbuf *buf);
void msgbuf_unref(struct msgbuf *buf);

/* Counting a broadcast's references without an atomic operation per
 * recipient: msgbuf_reserve() adds MSGBUF_RESERVE references up front (the
 * caller is the only holder), recipients then take them by plain counting,
 * and msgbuf_unref_n() gives back the ones not taken. Queues that consume
 * meanwhile only lower the count, which cannot reach zero before then. */
#define MSGBUF_RESERVE (1 << 28)
void msgbuf_reserve(struct msgbuf *buf);
void msgbuf_unref_n(struct msgbuf *buf, int n);

#endif
