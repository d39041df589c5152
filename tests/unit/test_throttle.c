/* Unit tests for server/throttle: per-key tries over a fake clock, and the
 * bound on the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "throttle.h"

/* Five failures are free; the sixth try waits a period, then one more. */
static void test_burst_then_period(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(16, 5, 60000);
	long long now = 1000000;
	for (int i = 0; i < 5; i++) {
		assert_true(throttle_allowed(t, "alice", now));
		throttle_spend(t, "alice", now);
	}
	assert_false(throttle_allowed(t, "alice", now));
	assert_int_equal(throttle_wait_ms(t, "alice", now), 60000);
	assert_false(throttle_allowed(t, "alice", now + 59000));
	assert_true(throttle_allowed(t, "alice", now + 60000));
	throttle_spend(t, "alice", now + 60000);
	assert_false(throttle_allowed(t, "alice", now + 60000));
	/* other keys are not touched */
	assert_true(throttle_allowed(t, "bob", now));
	throttle_free(t);
}

/* forget clears a key's failures. */
static void test_forget(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(16, 2, 1000);
	throttle_spend(t, "k", 0);
	throttle_spend(t, "k", 0);
	assert_false(throttle_allowed(t, "k", 0));
	throttle_forget(t, "k");
	assert_true(throttle_allowed(t, "k", 0));
	assert_int_equal(throttle_count(t), 0);
	throttle_forget(t, "never");
	throttle_free(t);
}

/* The table never holds more than cap keys; the least recently used goes. */
static void test_bounded_evicts_oldest(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(4, 1, 60000);
	char key[16];
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof key, "k%d", i);
		throttle_spend(t, key, 100 + i);
	}
	throttle_spend(t, "k0", 200); /* k0 used again: k1 is now the oldest */
	assert_int_equal(throttle_count(t), 4);
	throttle_spend(t, "new", 300);
	assert_int_equal(throttle_count(t), 4);
	assert_true(throttle_allowed(t, "k1", 300));  /* evicted: forgotten */
	assert_false(throttle_allowed(t, "k0", 300)); /* kept */
	assert_false(throttle_allowed(t, "k2", 300));
	assert_false(throttle_allowed(t, "new", 300));
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "x%d", i);
		throttle_spend(t, key, 400 + i);
		assert_true(throttle_count(t) <= 4);
	}
	assert_false(throttle_allowed(t, "x999", 1400));
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_period),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_bounded_evicts_oldest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
