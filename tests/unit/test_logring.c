/* Unit tests for common/logring: the bounded line ring and the per-site
 * rate limit behind non-blocking logging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "logring.h"

/* Lines come out whole, in order, with their sink, across the wrap. */
static void test_fifo_wraps(void **state)
{
	(void)state;
	struct logring r;
	char out[LOGRING_LINE_MAX];
	int sink;
	logring_init(&r, 64);
	for (int round = 0; round < 50; round++) {
		char a[32], b[32];
		int na = snprintf(a, sizeof a, "line %d\n", round);
		int nb = snprintf(b, sizeof b, "trace %d\n", round);
		assert_true(logring_push(&r, 0, a, (size_t)na));
		assert_true(logring_push(&r, 1, b, (size_t)nb));
		assert_int_equal(logring_pop(&r, &sink, out), na);
		assert_int_equal(sink, 0);
		assert_memory_equal(out, a, (size_t)na);
		assert_int_equal(logring_pop(&r, &sink, out), nb);
		assert_int_equal(sink, 1);
		assert_memory_equal(out, b, (size_t)nb);
	}
	assert_int_equal(logring_pop(&r, &sink, out), -1);
	assert_int_equal(logring_take_dropped(&r), 0);
	logring_free(&r);
}

/* A full ring refuses whole lines and counts them; room comes back. */
static void test_full_drops_and_counts(void **state)
{
	(void)state;
	struct logring r;
	char out[LOGRING_LINE_MAX];
	int sink;
	logring_init(&r, 40);
	assert_true(logring_push(&r, 0, "0123456789abcdef", 16)); /* 19 bytes used */
	assert_true(logring_push(&r, 0, "0123456789abcdef", 16)); /* 38 */
	assert_false(logring_push(&r, 0, "x", 1));                 /* needs 4 */
	assert_false(logring_push(&r, 0, "y", 1));
	assert_int_equal(logring_take_dropped(&r), 2);
	assert_int_equal(logring_take_dropped(&r), 0);
	assert_int_equal(logring_pop(&r, &sink, out), 16);
	assert_true(logring_push(&r, 0, "z", 1));
	assert_int_equal(logring_pop(&r, &sink, out), 16);
	assert_int_equal(logring_pop(&r, &sink, out), 1);
	assert_int_equal(out[0], 'z');
	logring_free(&r);
}

/* Lines longer than LOGRING_LINE_MAX are cut to it. */
static void test_long_line_cut(void **state)
{
	(void)state;
	struct logring r;
	static char big[LOGRING_LINE_MAX + 100], out[LOGRING_LINE_MAX];
	int sink;
	memset(big, 'q', sizeof big);
	logring_init(&r, 4 * LOGRING_LINE_MAX);
	assert_true(logring_push(&r, 0, big, sizeof big));
	assert_int_equal(logring_pop(&r, &sink, out), LOGRING_LINE_MAX);
	logring_free(&r);
}

/* burst lines per window, the rest counted and reported when a new window
 * opens (by the next line, or by expiry when none comes). */
static void test_limit(void **state)
{
	(void)state;
	struct loglimit l = {0};
	unsigned long report;
	long long t = 5000;
	for (int i = 0; i < 3; i++) {
		assert_true(loglimit_admit(&l, t + i, 1000, 3, &report));
		assert_int_equal(report, 0);
	}
	for (int i = 0; i < 100; i++) {
		assert_false(loglimit_admit(&l, t + 10 + i, 1000, 3, &report));
		assert_int_equal(report, 0);
	}
	assert_int_equal(loglimit_expire(&l, t + 500, 1000), 0); /* window not over */
	assert_true(loglimit_admit(&l, t + 1000, 1000, 3, &report));
	assert_int_equal(report, 100);
	assert_true(loglimit_admit(&l, t + 1001, 1000, 3, &report));
	assert_true(loglimit_admit(&l, t + 1002, 1000, 3, &report));
	assert_false(loglimit_admit(&l, t + 1003, 1000, 3, &report));
	assert_false(loglimit_admit(&l, t + 1004, 1000, 3, &report));
	/* Nothing more comes: expiry reports the two, once. */
	assert_int_equal(loglimit_expire(&l, t + 1999, 1000), 0);
	assert_int_equal(loglimit_expire(&l, t + 2000, 1000), 2);
	assert_int_equal(loglimit_expire(&l, t + 9000, 1000), 0);
	assert_true(loglimit_admit(&l, t + 9001, 1000, 3, &report));
	assert_int_equal(report, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_wraps),
		cmocka_unit_test(test_full_drops_and_counts),
		cmocka_unit_test(test_long_line_cut),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
