/* Unit tests for common/tokenbucket, driven by a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tokenbucket.h"

/* A fresh bucket allows exactly burst messages at once. */
static void test_starts_full(void **state)
{
	struct tokenbucket tb;
	long long now = 1000000;

	(void)state;
	tokenbucket_init(&tb, 1.0, 5.0, now);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(tokenbucket_wait_ms(&tb, now), 0);
		assert_true(tokenbucket_take(&tb, now));
	}
	assert_false(tokenbucket_take(&tb, now));
	assert_int_equal(tokenbucket_wait_ms(&tb, now), 1000);
}

/* tokens() reports what is there after refilling, without taking any. */
static void test_tokens(void **state)
{
	struct tokenbucket tb;

	(void)state;
	tokenbucket_init(&tb, 5.0, 20.0, 0);
	assert_true(tokenbucket_tokens(&tb, 0) == 20.0);
	for (int i = 0; i < 20; i++)
		assert_true(tokenbucket_take(&tb, 0));
	assert_true(tokenbucket_tokens(&tb, 0) == 0.0);
	assert_true(tokenbucket_tokens(&tb, 1000) > 4.999 && tokenbucket_tokens(&tb, 1000) < 5.001);
	assert_true(tokenbucket_tokens(&tb, 1000000) == 20.0);
}

/* Tokens come back at the rate, and waiting wait_ms() is always enough. */
static void test_refill(void **state)
{
	struct tokenbucket tb, copy;
	long long now = 0;
	long long w;

	(void)state;
	tokenbucket_init(&tb, 2.0, 3.0, now); /* one token per 500 ms */
	for (int i = 0; i < 3; i++)
		assert_true(tokenbucket_take(&tb, now));
	assert_false(tokenbucket_take(&tb, now));
	now += 499;
	assert_false(tokenbucket_take(&tb, now));
	assert_int_equal(tokenbucket_wait_ms(&tb, now), 1);
	now += 1;
	assert_true(tokenbucket_take(&tb, now));
	assert_false(tokenbucket_take(&tb, now));

	/* Odd rates: wait_ms must never undershoot. */
	tokenbucket_init(&tb, 3.0, 1.0, now);
	for (int i = 0; i < 1000; i++) {
		assert_true(tokenbucket_take(&tb, now));
		w = tokenbucket_wait_ms(&tb, now);
		assert_true(w >= 333 && w <= 334);
		copy = tb; /* one millisecond early is too early */
		assert_false(tokenbucket_take(&copy, now + w - 1));
		now += w;
	}
}

/* Idle time never fills the bucket above burst. */
static void test_capped(void **state)
{
	struct tokenbucket tb;
	long long now = 50;
	int taken = 0;

	(void)state;
	tokenbucket_init(&tb, 10.0, 4.0, now);
	now += 3600 * 1000LL;
	while (tokenbucket_take(&tb, now))
		taken++;
	assert_int_equal(taken, 4);
}

/* A clock that steps back adds nothing and breaks nothing. */
static void test_clock_backwards(void **state)
{
	struct tokenbucket tb;

	(void)state;
	tokenbucket_init(&tb, 1.0, 1.0, 10000);
	assert_true(tokenbucket_take(&tb, 10000));
	assert_false(tokenbucket_take(&tb, 5000));
	assert_true(tokenbucket_wait_ms(&tb, 5000) > 0);
	assert_true(tokenbucket_take(&tb, 11000));
}

/* A sustained flood is held to the rate. */
static void test_sustained(void **state)
{
	struct tokenbucket tb;
	long long now = 0;
	int taken = 0;

	(void)state;
	tokenbucket_init(&tb, 1.0, 10.0, now);
	for (now = 0; now <= 60000; now += 10) {
		if (tokenbucket_take(&tb, now))
			taken++;
	}
	assert_int_equal(taken, 10 + 60);
}

/* Runs this module's tests. */
/* A new rate and burst keep what was saved, up to the new burst. */
static void test_retune_keeps_tokens(void **state)
{
	(void)state;
	struct tokenbucket tb;
	tokenbucket_init(&tb, 1.0, 4.0, 0);
	for (int i = 0; i < 4; i++)
		assert_true(tokenbucket_take(&tb, 0));
	assert_false(tokenbucket_take(&tb, 0));
	/* 2 s at the old rate accrued before the change: 2 tokens. */
	tokenbucket_retune(&tb, 10.0, 20.0, 2000);
	assert_true(tokenbucket_tokens(&tb, 2000) > 1.99);
	assert_true(tokenbucket_tokens(&tb, 2000) < 2.01);
	/* Then the new rate: 0.5 s more is 5 tokens more. */
	assert_true(tokenbucket_tokens(&tb, 2500) > 6.99);
	assert_int_equal(tokenbucket_wait_ms(&tb, 2500), 0);
	/* A smaller burst cuts what is saved. */
	tokenbucket_retune(&tb, 10.0, 3.0, 2500);
	assert_true(tokenbucket_tokens(&tb, 2500) <= 3.0);
	/* The same values again change nothing (no refill at a new time). */
	tokenbucket_retune(&tb, 10.0, 3.0, 2400);
	assert_true(tokenbucket_tokens(&tb, 2500) > 2.99);
}

/* A bucket that was never filled (all zero) gets a usable rate: a client
 * is never held forever. */
static void test_retune_from_zero(void **state)
{
	(void)state;
	struct tokenbucket tb = {0};
	assert_true(tokenbucket_wait_ms(&tb, 1000) > 1000000);
	tokenbucket_retune(&tb, 2.0, 5.0, 1000);
	long long wait = tokenbucket_wait_ms(&tb, 1000);
	assert_true(wait > 0 && wait <= 500);
	assert_true(tokenbucket_take(&tb, 1000 + wait));
	/* Clamped as at init: a burst below one token is one. */
	tokenbucket_retune(&tb, 2.0, 0.5, 5000);
	assert_true(tokenbucket_take(&tb, 5000));
	assert_false(tokenbucket_take(&tb, 5000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_starts_full), cmocka_unit_test(test_refill),
	    cmocka_unit_test(test_capped),      cmocka_unit_test(test_clock_backwards),
	    cmocka_unit_test(test_sustained), cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_retune_keeps_tokens), cmocka_unit_test(test_retune_from_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
