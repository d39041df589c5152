/* Unit tests for server/outq. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "outq.h"

/* A buffer whose content names its number, e.g. "m007\r\n". */
static struct msgbuf *numbered(int i)
{
	char text[16];
	int n = snprintf(text, sizeof(text), "m%03d\r\n", i);

	return msgbuf_new(text, (size_t)n);
}

/* Current reference count. */
static int refs(struct msgbuf *b)
{
	return atomic_load(&b->refs);
}

/* Concatenates what outq_iov() offers into out (NUL-terminated). */
static size_t gather(const struct outq *q, char *out, size_t cap, int max)
{
	struct iovec iov[64];
	int n = outq_iov(q, iov, max < 64 ? max : 64);
	size_t pos = 0;

	for (int i = 0; i < n; i++) {
		assert_true(pos + iov[i].iov_len < cap);
		memcpy(out + pos, iov[i].iov_base, iov[i].iov_len);
		pos += iov[i].iov_len;
	}
	out[pos] = '\0';
	return pos;
}

/* One buffer shared by two queues; consumption inside the head, across buffers,
 * and refcounts returning to where they started. */
static void test_shared_refs(void **state)
{
	struct outq q1, q2;
	struct msgbuf *a = msgbuf_new("hello\r\n", 7);
	struct msgbuf *b = msgbuf_new("world\r\n", 7);
	struct iovec iov[4];
	char out[64];

	(void)state;
	outq_init(&q1);
	outq_init(&q2);
	assert_true(outq_empty(&q1));
	assert_int_equal(outq_iov(&q1, iov, 4), 0);
	outq_push(&q1, a);
	outq_push(&q1, b);
	outq_push(&q2, a);
	assert_int_equal(refs(a), 3);
	assert_int_equal(refs(b), 2);
	assert_int_equal(outq_bytes(&q1), 14);
	assert_false(outq_empty(&q1));

	outq_consume(&q1, 3); /* inside the head */
	assert_int_equal(outq_bytes(&q1), 11);
	assert_int_equal(outq_iov(&q1, iov, 4), 2);
	assert_int_equal(iov[0].iov_len, 4);
	assert_memory_equal(iov[0].iov_base, "lo\r\n", 4);
	assert_int_equal(refs(a), 3);

	outq_consume(&q1, 6); /* finishes a, 2 bytes into b */
	assert_int_equal(refs(a), 2);
	gather(&q1, out, sizeof(out), 4);
	assert_string_equal(out, "rld\r\n");
	outq_consume(&q1, 0);
	assert_int_equal(outq_bytes(&q1), 5);
	outq_consume(&q1, 5);
	assert_true(outq_empty(&q1));
	assert_int_equal(outq_bytes(&q1), 0);
	assert_int_equal(refs(b), 1);

	/* q2 is unaffected by q1's progress. */
	gather(&q2, out, sizeof(out), 4);
	assert_string_equal(out, "hello\r\n");
	outq_free(&q2);
	outq_free(&q1);
	assert_int_equal(refs(a), 1);
	msgbuf_unref(a);
	msgbuf_unref(b);
}

/* Growth while the ring is wrapped keeps FIFO order. */
static void test_growth_wrapped(void **state)
{
	struct outq q;
	struct msgbuf *bufs[40];
	char out[512], want[512];
	size_t pos = 0;

	(void)state;
	outq_init(&q);
	for (int i = 0; i < 40; i++)
		bufs[i] = numbered(i);
	for (int i = 0; i < 6; i++)
		outq_push(&q, bufs[i]);
	outq_consume(&q, 5 * 6 + 2); /* head now at index 5, 2 bytes in */
	for (int i = 6; i < 40; i++)
		outq_push(&q, bufs[i]); /* wraps at 8, grows to 16, 32, 64 */
	assert_int_equal(q.count, 35);
	assert_true(q.cap >= 35 && (q.cap & (q.cap - 1)) == 0);
	for (int i = 5; i < 40; i++)
		pos += (size_t)snprintf(want + pos, sizeof(want) - pos, "m%03d\r\n", i);
	assert_int_equal(gather(&q, out, sizeof(out), 64), pos - 2);
	assert_string_equal(out, want + 2);
	assert_int_equal(outq_bytes(&q), pos - 2);

	/* Drain in odd-sized steps, checking order as we go. */
	for (size_t sent = 2; sent < pos;) {
		size_t step = pos - sent < 7 ? pos - sent : 7;

		outq_consume(&q, step);
		sent += step;
		gather(&q, out, sizeof(out), 64);
		assert_string_equal(out, want + sent);
	}
	assert_true(outq_empty(&q));
	for (int i = 0; i < 40; i++) {
		assert_int_equal(refs(bufs[i]), 1);
		msgbuf_unref(bufs[i]);
	}
	outq_free(&q);
}

/* Grows exactly when full with the head in the middle of the ring. */
static void test_grow_at_full_wrap(void **state)
{
	struct outq q;
	struct msgbuf *bufs[20];
	char out[256], want[256];
	size_t pos = 0;

	(void)state;
	outq_init(&q);
	for (int i = 0; i < 20; i++)
		bufs[i] = numbered(i);
	for (int i = 0; i < 8; i++)
		outq_push(&q, bufs[i]);
	outq_consume(&q, 3 * 6); /* drops 0..2 */
	for (int i = 8; i < 11; i++)
		outq_push(&q, bufs[i]); /* fills the 8-ring, wrapped */
	assert_int_equal(q.cap, 8);
	assert_int_equal(q.count, 8);
	outq_push(&q, bufs[11]); /* must grow now */
	assert_int_equal(q.cap, 16);
	for (int i = 3; i < 12; i++)
		pos += (size_t)snprintf(want + pos, sizeof(want) - pos, "m%03d\r\n", i);
	gather(&q, out, sizeof(out), 64);
	assert_string_equal(out, want);
	outq_free(&q);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(refs(bufs[i]), 1);
		msgbuf_unref(bufs[i]);
	}
}

/* outq_iov() honours max and the head offset. */
static void test_iov_max(void **state)
{
	struct outq q;
	struct iovec iov[3];
	struct msgbuf *b[5];

	(void)state;
	outq_init(&q);
	for (int i = 0; i < 5; i++) {
		b[i] = numbered(i);
		outq_push(&q, b[i]);
		msgbuf_unref(b[i]); /* the queue holds the only reference now */
	}
	outq_consume(&q, 1);
	assert_int_equal(outq_iov(&q, iov, 3), 3);
	assert_int_equal(iov[0].iov_len, 5);
	assert_memory_equal(iov[0].iov_base, "000\r\n", 5);
	assert_memory_equal(iov[2].iov_base, "m002\r\n", 6);
	assert_int_equal(outq_iov(&q, iov, 0), 0);
	outq_free(&q); /* ASan reports a leak if this does not unref */
	assert_true(outq_empty(&q));
}

/* A held buffer stops outq_iov(); outq_replace() swaps it in place, with
 * the byte counts (SendQ-exempt ones too) following. */
static void test_held_replace(void **state)
{
	struct outq q;
	struct iovec iov[8];
	struct msgbuf *a = msgbuf_new("a\r\n", 3);
	struct msgbuf *h = msgbuf_new("held\r\n", 6);
	struct msgbuf *c = msgbuf_new("c\r\n", 3);
	struct msgbuf *r = msgbuf_new("replaced\r\n", 10);
	struct msgbuf *stranger = msgbuf_new("x", 1);

	(void)state;
	outq_init(&q);
	h->held = true;
	h->sendq_exempt = true;
	r->sendq_exempt = true;
	outq_push_owned(&q, a);
	outq_push(&q, h); /* the caller keeps a reference, as deliver_own_push's user does */
	outq_push_owned(&q, c);
	assert_int_equal(outq_bytes(&q), 12);
	assert_int_equal(outq_counted_bytes(&q), 6);
	assert_int_equal(outq_iov(&q, iov, 8), 1); /* stops before the held one */
	outq_consume(&q, 3);
	assert_int_equal(outq_iov(&q, iov, 8), 0);
	assert_false(outq_empty(&q));
	assert_false(outq_replace(&q, stranger, msgbuf_ref(r)));
	msgbuf_unref(r); /* the reference a failed replace leaves with the caller */
	assert_true(outq_replace(&q, h, r));
	assert_int_equal(refs(h), 1); /* the queue let go of it */
	msgbuf_unref(h);
	assert_int_equal(outq_bytes(&q), 13);
	assert_int_equal(outq_counted_bytes(&q), 3);
	assert_int_equal(outq_iov(&q, iov, 8), 2);
	assert_memory_equal(iov[0].iov_base, "replaced\r\n", 10);
	assert_memory_equal(iov[1].iov_base, "c\r\n", 3);
	outq_consume(&q, 13);
	assert_true(outq_empty(&q));
	assert_int_equal(outq_counted_bytes(&q), 0);
	msgbuf_unref(stranger);
	outq_free(&q);
}

/* Partial pushes: at the head they share the buffer with an offset; behind other
 * items they become a copy of the tail. */
static void test_push_partial(void **state)
{
	struct outq q;
	struct msgbuf *a = msgbuf_new("abcdef", 6);
	struct msgbuf *b = msgbuf_new("uvwxyz", 6);
	char out[64];

	(void)state;
	outq_init(&q);
	outq_push_partial(&q, a, 4);
	assert_int_equal(refs(a), 2);
	assert_int_equal(outq_bytes(&q), 2);
	outq_push_partial(&q, b, 2);
	assert_int_equal(outq_bytes(&q), 6);
	gather(&q, out, sizeof(out), 8);
	assert_string_equal(out, "efwxyz");
	outq_push_partial(&q, b, 6); /* nothing left: not queued */
	assert_int_equal(outq_bytes(&q), 6);
	outq_consume(&q, 3);
	assert_int_equal(refs(a), 1);
	gather(&q, out, sizeof(out), 8);
	assert_string_equal(out, "xyz");
	outq_consume(&q, 3);
	assert_true(outq_empty(&q));
	assert_int_equal(refs(b), 1);

	/* Empty buffers are never queued. */
	msgbuf_unref(b);
	b = msgbuf_new("", 0);
	outq_push(&q, b);
	assert_true(outq_empty(&q));
	assert_int_equal(refs(b), 1);
	outq_free(&q);
	msgbuf_unref(a);
	msgbuf_unref(b);
}

/* An idle queue gives its ring back; a non-empty one keeps it; pushing after
 * a shrink works as on a new queue. */
static void test_shrink(void **state)
{
	struct outq q;
	struct msgbuf *a = numbered(1);
	char out[64];

	(void)state;
	outq_init(&q);
	outq_push(&q, a);
	outq_shrink(&q);
	assert_non_null(q.items);
	assert_int_equal(refs(a), 2);
	outq_consume(&q, outq_bytes(&q));
	outq_shrink(&q);
	assert_null(q.items);
	assert_int_equal(q.cap, 0);
	assert_int_equal(refs(a), 1);
	outq_push(&q, a);
	gather(&q, out, sizeof(out), 8);
	assert_string_equal(out, "m001\r\n");
	outq_free(&q);
	msgbuf_unref(a);
}

/* Reserved references: queues take them without atomics, consume them
 * before the broadcaster settles, and the count still ends right. */
static void test_reserved_refs(void **state)
{
	struct outq q1, q2;
	struct msgbuf *a = numbered(2);

	(void)state;
	outq_init(&q1);
	outq_init(&q2);
	msgbuf_reserve(a);
	outq_push_owned(&q1, a);
	outq_push_owned(&q2, a);
	outq_consume(&q1, outq_bytes(&q1)); /* a recipient done before the settle */
	assert_int_equal(refs(a), 1 + MSGBUF_RESERVE - 1);
	msgbuf_ref(a); /* our own check reference */
	msgbuf_unref_n(a, MSGBUF_RESERVE + 1 - 2);
	assert_int_equal(refs(a), 2); /* q2's and ours */
	outq_free(&q2);
	assert_int_equal(refs(a), 1);
	msgbuf_unref(a);
	outq_free(&q1);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_refs),       cmocka_unit_test(test_growth_wrapped),
	    cmocka_unit_test(test_grow_at_full_wrap), cmocka_unit_test(test_iov_max),
	    cmocka_unit_test(test_push_partial),      cmocka_unit_test(test_shrink),
	    cmocka_unit_test(test_reserved_refs),     cmocka_unit_test(test_held_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
