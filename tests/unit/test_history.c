/* Unit tests for server/history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "history.h"

/* Adds message number i. */
static void add(struct history *h, int i)
{
	char text[32];

	snprintf(text, sizeof(text), "msg %d", i);
	history_add(h, 1000LL * i, "n!u@h", i % 2 ? "NOTICE" : "PRIVMSG", text);
}

/* Checks that entry idx holds message number i. */
static void check(const struct history *h, size_t idx, int i)
{
	const struct history_entry *e = history_get(h, idx);
	char text[32];

	assert_non_null(e);
	snprintf(text, sizeof(text), "msg %d", i);
	assert_string_equal(e->text, text);
	assert_int_equal(e->unix_ms, 1000LL * i);
	assert_string_equal(e->source, "n!u@h");
	assert_string_equal(e->command, i % 2 ? "NOTICE" : "PRIVMSG");
}

/* Fills up, then overwrites the oldest, keeping oldest-first order. */
static void test_overwrite(void **state)
{
	struct history *h = history_new(4);

	(void)state;
	assert_int_equal(history_count(h), 0);
	for (int i = 0; i < 3; i++)
		add(h, i);
	assert_int_equal(history_count(h), 3);
	for (int i = 0; i < 3; i++)
		check(h, (size_t)i, i);
	for (int i = 3; i < 11; i++) {
		add(h, i);
		assert_int_equal(history_count(h), i + 1 < 4 ? (size_t)(i + 1) : 4);
		for (size_t k = 0; k < history_count(h); k++)
			check(h, k, i + 1 - (int)history_count(h) + (int)k);
	}
	history_free(h);
}

/* Capacity 0 keeps nothing; capacity 1 keeps the latest. */
static void test_small(void **state)
{
	struct history *h = history_new(0);
	char text[] = "mutable";

	(void)state;
	add(h, 1);
	add(h, 2);
	assert_int_equal(history_count(h), 0);
	history_free(h);

	h = history_new(1);
	add(h, 1);
	add(h, 2);
	assert_int_equal(history_count(h), 1);
	check(h, 0, 2);
	/* Strings are copied. */
	history_add(h, 5, "s", "PRIVMSG", text);
	text[0] = 'X';
	assert_string_equal(history_get(h, 0)->text, "mutable");
	history_free(h);
	history_free(NULL);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overwrite),
	    cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
