/* outq: a connection's outbound queue of shared message buffers (no I/O).
 *
 * A FIFO of msgbuf references plus how far into the head buffer has been
 * sent. The owner locks it; the queue itself is plain data. The caller sends
 * with writev() over outq_iov() and reports progress with outq_consume(). */
#ifndef PARLEY_OUTQ_H
#define PARLEY_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "msgbuf.h"

/* Counts in 32 bits (a queue holds at most a SendQ's worth of lines, one
 * buffer is a line or a reply chunk): every connection has a queue. */
struct outq {
	struct msgbuf **items; /* ring of capacity cap (a power of two, or 0) */
	uint32_t cap;
	uint32_t head;   /* index of the oldest item */
	uint32_t count;  /* items held */
	uint32_t offset; /* bytes of the head item already sent */
	size_t bytes;    /* unsent bytes over all items */
	size_t exempt;   /* the part of bytes in sendq_exempt buffers */
};

void outq_init(struct outq *q);
/* Drops every reference held. */
void outq_free(struct outq *q);

bool outq_empty(const struct outq *q);

/* Gives back the ring's storage if the queue is empty (an idle connection). */
void outq_shrink(struct outq *q);
size_t outq_bytes(const struct outq *q);

/* Unsent bytes that count against SendQ (those not in sendq_exempt buffers). */
size_t outq_counted_bytes(const struct outq *q);

/* Appends buf, taking a new reference to it. */
void outq_push(struct outq *q, struct msgbuf *buf);

/* Appends buf, whose reference the caller hands over. */
void outq_push_owned(struct outq *q, struct msgbuf *buf);

/* Appends the bytes of buf from offset skip on (for a write-through that
 * sent only part of buf). Takes a new reference. */
void outq_push_partial(struct outq *q, struct msgbuf *buf, size_t skip);

/* Fills up to max iovecs with unsent data from the head on, stopping before
 * a held buffer (msgbuf.h); returns how many. */
int outq_iov(const struct outq *q, struct iovec *iov, int max);

/* Replaces the queued buffer old (held, so none of it was sent) by buf,
 * taking over the caller's reference to buf and dropping the queue's to
 * old. Returns false, changing nothing, if old is not in the queue. */
bool outq_replace(struct outq *q, struct msgbuf *old, struct msgbuf *buf);

/* Marks n bytes as sent, dropping buffers that are finished. n must not
 * exceed outq_bytes(). */
void outq_consume(struct outq *q, size_t n);

#endif
