/* Unit tests for common/clock: the wall clock agrees with time(), the
 * monotonic one never goes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"

/* clock_unix_ms is time() in milliseconds: between two readings of time(). */
static void test_unix_matches_time(void **state)
{
	(void)state;
	long long before = (long long)time(NULL);
	long long ms = clock_unix_ms();
	long long after = (long long)time(NULL);
	assert_true(ms / 1000 >= before);
	assert_true(ms / 1000 <= after);
}

/* clock_mono_ms never decreases between calls, and is not the wall clock's
 * epoch-based value (it counts from boot, not 1970). */
static void test_mono_never_goes_back(void **state)
{
	(void)state;
	long long last = clock_mono_ms();
	assert_true(last >= 0);
	for (int i = 0; i < 10000; i++) {
		long long now = clock_mono_ms();
		assert_true(now >= last);
		last = now;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long direct = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	assert_true(direct >= last);
	assert_true(clock_mono_ms() >= direct);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unix_matches_time),
	    cmocka_unit_test(test_mono_never_goes_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
