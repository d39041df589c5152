/* Unit tests for client/monitorlist: MONITOR lines and target lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitorlist.h"

struct lines {
	char text[64][MONITORLIST_LINE_MAX + 1];
	size_t n;
};

/* Collects an emitted line. */
static void collect(void *arg, const char *line)
{
	struct lines *l = arg;
	assert_true(l->n < 64);
	assert_true(strlen(line) <= MONITORLIST_LINE_MAX);
	snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", line);
}

static void test_isupport(void **unused)
{
	(void)unused;
	size_t limit = 99;
	assert_false(monitorlist_isupport("MONITORS=3", 100, &limit));
	assert_false(monitorlist_isupport("CHANTYPES=#", 100, &limit));
	assert_int_equal(limit, 99);
	assert_true(monitorlist_isupport("MONITOR=30", 100, &limit));
	assert_int_equal(limit, 30);
	assert_true(monitorlist_isupport("MONITOR=100", 100, &limit));
	assert_int_equal(limit, 100);
	assert_true(monitorlist_isupport("MONITOR=99999999999999999999999999", 100, &limit));
	assert_int_equal(limit, 100); /* clamped, no overflow */
	assert_true(monitorlist_isupport("MONITOR", 100, &limit));
	assert_int_equal(limit, 100);
	assert_true(monitorlist_isupport("MONITOR=", 100, &limit));
	assert_int_equal(limit, 100);
	assert_true(monitorlist_isupport("MONITOR=0", 100, &limit));
	assert_int_equal(limit, 0);
	assert_true(monitorlist_isupport("MONITOR=-5", 100, &limit));
	assert_int_equal(limit, 0);
	assert_true(monitorlist_isupport("MONITOR=12x", 100, &limit));
	assert_int_equal(limit, 0);
}

static void test_build_one_line(void **unused)
{
	(void)unused;
	struct lines l = {.n = 0};
	const char *nicks[] = {"alice", "bob", "carol"};
	assert_int_equal(monitorlist_build('+', nicks, 3, collect, &l), 1);
	assert_string_equal(l.text[0], "MONITOR + alice,bob,carol");
	l.n = 0;
	assert_int_equal(monitorlist_build('-', nicks, 1, collect, &l), 1);
	assert_string_equal(l.text[0], "MONITOR - alice");
	l.n = 0;
	assert_int_equal(monitorlist_build('+', nicks, 0, collect, &l), 0);
}

/* 100 nicks of 30 bytes do not fit one line: each line stays within 510
 * bytes, no nick is cut or lost, and each appears once. */
static void test_build_splits_within_limit(void **unused)
{
	(void)unused;
	static char names[100][31];
	const char *nicks[100];
	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "n%029d", i);
		nicks[i] = names[i];
	}
	struct lines l = {.n = 0};
	size_t n = monitorlist_build('+', nicks, 100, collect, &l);
	assert_true(n >= 7); /* 16 nicks of 31 bytes per 510-byte line at most */
	assert_int_equal(n, l.n);
	int seen = 0;
	for (size_t i = 0; i < l.n; i++) {
		assert_true(strncmp(l.text[i], "MONITOR + ", 10) == 0);
		char *save = NULL;
		for (char *tok = strtok_r(l.text[i] + 10, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			assert_string_equal(tok, names[seen]);
			seen++;
		}
	}
	assert_int_equal(seen, 100);
}

/* A nick that could never fit a line is skipped; the others still go. */
static void test_build_skips_impossible(void **unused)
{
	(void)unused;
	static char huge[600];
	memset(huge, 'x', sizeof(huge) - 1);
	const char *nicks[] = {"a", huge, "", "b"};
	struct lines l = {.n = 0};
	assert_int_equal(monitorlist_build('+', nicks, 4, collect, &l), 1);
	assert_string_equal(l.text[0], "MONITOR + a,b");
}

static void test_targets(void **unused)
{
	(void)unused;
	char list[] = "alice!a@h,,bob,bad nick,x*y,!u@h,carol!c@h!more,dave";
	struct monitorlist_targets t;
	monitorlist_targets_init(&t, list);
	assert_string_equal(monitorlist_targets_next(&t), "alice");
	assert_string_equal(monitorlist_targets_next(&t), "bob");
	assert_string_equal(monitorlist_targets_next(&t), "carol");
	assert_string_equal(monitorlist_targets_next(&t), "dave");
	assert_null(monitorlist_targets_next(&t));
	assert_null(monitorlist_targets_next(&t));
}

/* A list of thousands of targets yields at most MONITORLIST_TARGETS_MAX,
 * and a too-long nick is no target. */
static void test_targets_bounded(void **unused)
{
	(void)unused;
	size_t cap = 4 * 4000 + 200;
	char *list = malloc(cap);
	assert_non_null(list);
	size_t used = (size_t)snprintf(list, cap, "%0100d", 7); /* 100 bytes: too long */
	for (int i = 0; i < 4000; i++)
		used += (size_t)snprintf(list + used, cap - used, ",n%d", i % 100);
	struct monitorlist_targets t;
	monitorlist_targets_init(&t, list);
	size_t n = 0;
	while (monitorlist_targets_next(&t))
		n++;
	assert_int_equal(n, MONITORLIST_TARGETS_MAX - 1); /* the long one was counted */
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_isupport),
	    cmocka_unit_test(test_build_one_line),
	    cmocka_unit_test(test_build_splits_within_limit),
	    cmocka_unit_test(test_build_skips_impossible),
	    cmocka_unit_test(test_targets),
	    cmocka_unit_test(test_targets_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
