/* logring: see logring.h. Records are [len: 2 bytes][sink: 1 byte][text],
 * written and read with wrap-around. */
#include "logring.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define RECORD_HEAD 3

void logring_init(struct logring *r, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->buf = xmalloc(cap);
	r->cap = cap;
}

void logring_free(struct logring *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
}

/* Copies n bytes in at logical offset pos from head, wrapping. */
static void ring_write(struct logring *r, size_t pos, const void *src, size_t n)
{
	size_t at = (r->head + pos) % r->cap;
	size_t first = n < r->cap - at ? n : r->cap - at;
	memcpy(r->buf + at, src, first);
	memcpy(r->buf, (const char *)src + first, n - first);
}

/* Copies n bytes out from logical offset pos from head, wrapping. */
static void ring_read(const struct logring *r, size_t pos, void *dst, size_t n)
{
	size_t at = (r->head + pos) % r->cap;
	size_t first = n < r->cap - at ? n : r->cap - at;
	memcpy(dst, r->buf + at, first);
	memcpy((char *)dst + first, r->buf, n - first);
}

bool logring_push(struct logring *r, int sink, const char *line, size_t len)
{
	if (len > LOGRING_LINE_MAX)
		len = LOGRING_LINE_MAX;
	if (r->cap - r->used < RECORD_HEAD + len) {
		r->dropped++;
		return false;
	}
	unsigned char head[RECORD_HEAD] = {(unsigned char)(len & 0xFF), (unsigned char)(len >> 8),
					   (unsigned char)sink};
	ring_write(r, r->used, head, RECORD_HEAD);
	ring_write(r, r->used + RECORD_HEAD, line, len);
	r->used += RECORD_HEAD + len;
	return true;
}

int logring_pop(struct logring *r, int *sink, char *out)
{
	if (r->used == 0)
		return -1;
	unsigned char head[RECORD_HEAD];
	ring_read(r, 0, head, RECORD_HEAD);
	size_t len = (size_t)head[0] | (size_t)head[1] << 8;
	*sink = head[2];
	ring_read(r, RECORD_HEAD, out, len);
	r->head = (r->head + RECORD_HEAD + len) % r->cap;
	r->used -= RECORD_HEAD + len;
	if (r->used == 0)
		r->head = 0;
	return (int)len;
}

unsigned long logring_take_dropped(struct logring *r)
{
	unsigned long n = r->dropped;
	r->dropped = 0;
	return n;
}

bool loglimit_admit(struct loglimit *l, long long now_ms, long long window_ms, unsigned burst,
		    unsigned long *report)
{
	*report = 0;
	if (l->window_start == 0 || now_ms - l->window_start >= window_ms) {
		*report = l->suppressed;
		l->window_start = now_ms > 0 ? now_ms : 1;
		l->in_window = 0;
		l->suppressed = 0;
	}
	if (l->in_window < burst) {
		l->in_window++;
		return true;
	}
	l->suppressed++;
	return false;
}

unsigned long loglimit_expire(struct loglimit *l, long long now_ms, long long window_ms)
{
	if (l->suppressed == 0 || now_ms - l->window_start < window_ms)
		return 0;
	unsigned long n = l->suppressed;
	/* The window stays open-ended: the next line starts a new one. */
	l->suppressed = 0;
	l->window_start = 0;
	l->in_window = 0;
	return n;
}
