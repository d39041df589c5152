/* Unit tests for server/history_range: queries planned as index ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "history_range.h"

static const struct history_pos none = {.kind = HREF_NONE};

static struct history_pos pos_id(long long seq, long long ms)
{
	return (struct history_pos){.kind = HREF_MSGID, .seq = seq, .unix_ms = ms};
}

static struct history_pos pos_time(long long ms)
{
	return (struct history_pos){.kind = HREF_TIME, .unix_ms = ms};
}

static struct history_plan plan(enum history_sel sel, struct history_pos a, struct history_pos b)
{
	struct history_plan p;
	history_plan_make(&(struct history_query){.sel = sel, .limit = 10}, &a, &b, &p);
	return p;
}

/* LATEST walks down from the newest, stopping at its reference in the
 * reference's own key (a time bound can end a walk by time). */
static void test_latest(void **state)
{
	(void)state;
	struct history_plan p = plan(HSEL_LATEST, none, none);
	assert_int_equal(p.n, 1);
	assert_true(p.r[0].desc);
	assert_false(p.r[0].by_time);
	assert_int_equal(p.r[0].far_kind, HFAR_NONE);
	assert_true(history_range_match(&p.r[0], 5, 5, "PRIVMSG"));
	p = plan(HSEL_LATEST, pos_id(50, 500), none);
	assert_true(history_range_match(&p.r[0], 51, 0, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 50, 9999, "PRIVMSG"));
	p = plan(HSEL_LATEST, pos_time(500), none);
	assert_true(p.r[0].by_time);
	assert_true(history_range_match(&p.r[0], 1, 501, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 99, 500, "PRIVMSG"));
}

/* BEFORE and AFTER are strict, by seq for a msgid, by time for a time. */
static void test_before_after(void **state)
{
	(void)state;
	struct history_plan p = plan(HSEL_BEFORE, pos_id(50, 500), none);
	assert_true(history_range_match(&p.r[0], 49, 900, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 50, 1, "PRIVMSG"));
	p = plan(HSEL_BEFORE, pos_time(500), none);
	assert_true(history_range_match(&p.r[0], 99, 499, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 1, 500, "PRIVMSG"));
	p = plan(HSEL_AFTER, pos_id(50, 500), none);
	assert_false(p.r[0].desc);
	assert_true(history_range_match(&p.r[0], 51, 0, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 50, 0, "PRIVMSG"));
	p = plan(HSEL_AFTER, pos_time(LLONG_MAX), none);
	assert_false(history_range_match(&p.r[0], 1, LLONG_MAX, "PRIVMSG"));
}

/* AROUND: the reference and before on one side, after on the other; the
 * pivot for a time is the newest seq at or before it. */
static void test_around(void **state)
{
	(void)state;
	struct history_plan p = plan(HSEL_AROUND, pos_id(50, 500), none);
	assert_int_equal(p.n, 2);
	assert_true(history_range_match(&p.r[0], 50, 0, "PRIVMSG"));
	assert_false(history_range_match(&p.r[1], 50, 0, "PRIVMSG"));
	assert_true(history_range_match(&p.r[1], 51, 0, "PRIVMSG"));
	struct history_page page = {0};
	assert_int_equal(history_plan_pivot(&p, &page), 50);
	p = plan(HSEL_AROUND, pos_time(LLONG_MAX), none); /* no overflow */
	assert_true(history_range_match(&p.r[0], 1, LLONG_MAX - 1, "PRIVMSG"));
	p = plan(HSEL_AROUND, pos_time(500), none);
	assert_true(history_range_match(&p.r[0], 1, 500, "PRIVMSG"));
	assert_false(history_range_match(&p.r[1], 1, 500, "PRIVMSG"));
	long long ms[] = {100, 500, 500, 700};
	for (int i = 0; i < 4; i++)
		history_page_push(&page, history_record_new((unsigned long long)i + 1, ms[i],
							    "aaaaaaaaaaaaaaaaaaaaaaaaaa", "n!u@h",
							    "PRIVMSG", "x", NULL));
	assert_int_equal(history_plan_pivot(&p, &page), 3);
	history_page_free(&page);
	p = plan(HSEL_AROUND, none, none);
	assert_int_equal(p.n, 1);
	assert_true(p.r[0].desc);
}

/* BETWEEN goes from a toward b; backwards when a is the newer, judged by
 * seq for two msgids and by time otherwise. */
/* Without events, a TOPIC change is outside every range; with them, in. */
static void test_messages_only(void **state)
{
	(void)state;
	struct history_plan p;
	struct history_query q = {.sel = HSEL_LATEST, .limit = 10};
	history_plan_make(&q, &none, &none, &p);
	assert_true(history_range_match(&p.r[0], 5, 5, "NOTICE"));
	assert_false(history_range_match(&p.r[0], 5, 5, "TOPIC"));
	q.events = true;
	history_plan_make(&q, &none, &none, &p);
	assert_true(history_range_match(&p.r[0], 5, 5, "TOPIC"));
}

static void test_between(void **state)
{
	(void)state;
	struct history_plan p = plan(HSEL_BETWEEN, pos_id(10, 900), pos_id(20, 100));
	assert_false(p.backwards);
	assert_true(history_range_match(&p.r[0], 15, 0, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 20, 0, "PRIVMSG"));
	p = plan(HSEL_BETWEEN, pos_id(20, 100), pos_id(10, 900));
	assert_true(p.backwards);
	assert_true(p.r[0].desc);
	assert_true(history_range_match(&p.r[0], 11, 0, "PRIVMSG"));
	p = plan(HSEL_BETWEEN, pos_time(900), pos_id(10, 100));
	assert_true(p.backwards);
	assert_true(p.r[0].by_time);
	assert_int_equal(p.r[0].far_kind, HFAR_SEQ);
	assert_true(history_range_match(&p.r[0], 11, 899, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 10, 899, "PRIVMSG"));
	assert_false(history_range_match(&p.r[0], 11, 900, "PRIVMSG"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_before_after),
		cmocka_unit_test(test_around),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_messages_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
