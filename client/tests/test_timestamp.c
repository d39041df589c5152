/* Unit tests for client/timestamp: the time (and date) shown before a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timestamp.h"

/* 2026-12-01 10:03:00 UTC in Unix ms. */
#define DEC1_1003 1796119380000LL
#define HOUR_MS 3600000LL

/* Runs the tests in a known zone. */
static int set_utc(void **unused)
{
	(void)unused;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* A line from today shows its time only. */
static void test_today_time_only(void **unused)
{
	(void)unused;
	char buf[TIMESTAMP_MAX];
	timestamp_format(DEC1_1003, DEC1_1003 + 5 * HOUR_MS, buf, sizeof(buf));
	assert_string_equal(buf, "10:03 ");
}

/* A line from another day shows its date, whatever its age: 23:59 seen at
 * 00:01 the next day is "yesterday". */
static void test_other_day_has_date(void **unused)
{
	(void)unused;
	char buf[TIMESTAMP_MAX];
	long long late = DEC1_1003 + 13 * HOUR_MS + 56 * 60000LL; /* 23:59 */
	timestamp_format(late, late + 2 * 60000LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-01 23:59 ");
	timestamp_format(DEC1_1003 - 400LL * 24 * HOUR_MS, DEC1_1003, buf, sizeof(buf));
	assert_string_equal(buf, "2025-10-27 10:03 ");
	/* A line from the future (a server clock ahead) is dated too. */
	timestamp_format(DEC1_1003 + 24 * HOUR_MS, DEC1_1003, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-02 10:03 ");
}

/* The same day in a new year is not the same day. */
static void test_same_day_needs_same_year(void **unused)
{
	(void)unused;
	struct tm a = {.tm_year = 126, .tm_yday = 10}, b = {.tm_year = 125, .tm_yday = 10};
	assert_false(timestamp_same_day(&a, &b));
	b.tm_year = 126;
	assert_true(timestamp_same_day(&a, &b));
}

/* Local time: the day is decided in the user's zone, not in UTC. */
static void test_local_zone_decides(void **unused)
{
	(void)unused;
	char buf[TIMESTAMP_MAX];
	setenv("TZ", "UTC-10", 1); /* ten hours east of UTC */
	tzset();
	/* 10:03 UTC is 20:03 there; 15:00 UTC is 01:00 the next day there. */
	timestamp_format(DEC1_1003, DEC1_1003 + 5 * HOUR_MS, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-01 20:03 ");
	timestamp_format(DEC1_1003, DEC1_1003 + HOUR_MS, buf, sizeof(buf));
	assert_string_equal(buf, "20:03 ");
	set_utc(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_today_time_only),
	    cmocka_unit_test(test_other_day_has_date),
	    cmocka_unit_test(test_same_day_needs_same_year),
	    cmocka_unit_test(test_local_zone_decides),
	};
	return cmocka_run_group_tests(tests, set_utc, NULL);
}
