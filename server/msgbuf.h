/* msgbuf: an immutable, reference-counted chunk of bytes to send.
 * One is made per broadcast (per rendering) and shared by every recipient's
 * outbound queue; the last unref frees it. Reference counting is atomic, so
 * any thread may ref or unref. */
#ifndef PARLEY_MSGBUF_H
#define PARLEY_MSGBUF_H

#include <stdatomic.h>
#include <stddef.h>

struct msgbuf {
	atomic_int refs;
	size_t len;
	char data[];
};

/* A new buffer holding a copy of data[0..len), with one reference. */
struct msgbuf *msgbuf_new(const char *data, size_t len);
struct msgbuf *msgbuf_ref(struct msgbuf *buf);
void msgbuf_unref(struct msgbuf *buf);

#endif
