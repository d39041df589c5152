/* msgbuf: immutable, reference-counted bytes shared between outbound queues. */
#include "msgbuf.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A copy of data with a single reference, owned by the caller. */
struct msgbuf *msgbuf_new(const char *data, size_t len)
{
	struct msgbuf *buf = xmalloc(sizeof(*buf) + len);

	atomic_init(&buf->refs, 1);
	buf->sendq_exempt = false;
	buf->held = false;
	buf->len = len;
	if (len)
		memcpy(buf->data, data, len);
	return buf;
}

/* Another holder; relaxed suffices since the holder already has a reference. */
struct msgbuf *msgbuf_ref(struct msgbuf *buf)
{
	atomic_fetch_add_explicit(&buf->refs, 1, memory_order_relaxed);
	return buf;
}

void msgbuf_reserve(struct msgbuf *buf)
{
	atomic_fetch_add_explicit(&buf->refs, MSGBUF_RESERVE, memory_order_relaxed);
}

void msgbuf_unref_n(struct msgbuf *buf, int n)
{
	if (n > 0 && atomic_fetch_sub_explicit(&buf->refs, n, memory_order_acq_rel) == n)
		free(buf);
}

/* Drops a reference; acq_rel so the freeing thread sees every other holder done. */
void msgbuf_unref(struct msgbuf *buf)
{
	if (!buf)
		return;
	if (atomic_fetch_sub_explicit(&buf->refs, 1, memory_order_acq_rel) == 1)
		free(buf);
}
