/* Unit tests for client/nickcolor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "nickcolor.h"

/* Same nick under rfc1459 -> same colour; always in range. */
static void test_stable_and_folded(void **state)
{
	(void)state;
	assert_int_equal(nickcolor_index("Alice", 12), nickcolor_index("alice", 12));
	assert_int_equal(nickcolor_index("ALICE", 12), nickcolor_index("alice", 12));
	assert_int_equal(nickcolor_index("[bob]", 12), nickcolor_index("{bob}", 12));
	assert_int_equal(nickcolor_index("a\\b~", 12), nickcolor_index("A|B^", 12));
	/* Stable across runs: the value is a fixed function of the folded bytes. */
	assert_int_equal(nickcolor_index("alice", 1000), nickcolor_index("Alice", 1000));
	assert_int_equal(nickcolor_index("", 7), (int)(2166136261u % 7u));
	assert_int_equal(nickcolor_index("a", 1 << 30),
	                 (int)(((2166136261u ^ 'a') * 16777619u) % (1u << 30)));
	assert_int_equal(nickcolor_index("x", 0), 0);
	assert_int_equal(nickcolor_index("x", -3), 0);
	assert_int_equal(nickcolor_index("x", 1), 0);
}

/* Colours spread: 200 nicks over 8 colours use every colour, none hugely. */
static void test_spread(void **state)
{
	int hits[8] = {0};
	char nick[16];

	(void)state;
	for (int i = 0; i < 200; i++) {
		int c;

		snprintf(nick, sizeof(nick), "user%d", i);
		c = nickcolor_index(nick, 8);
		assert_true(c >= 0 && c < 8);
		hits[c]++;
	}
	for (int c = 0; c < 8; c++) {
		assert_true(hits[c] > 5);
		assert_true(hits[c] < 60);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stable_and_folded),
	    cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
