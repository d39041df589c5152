/* Unit tests for client/batches: the open IRCv3 batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "batches.h"

/* Open, find, close. */
static void test_open_close(void **unused)
{
	(void)unused;
	struct batches b;
	batches_clear(&b);
	struct batch_info *bi = batches_open(&b, "r1", "chathistory", "#lobby", NULL);
	assert_non_null(bi);
	assert_string_equal(bi->target, "#lobby");
	assert_ptr_equal(batches_find(&b, "r1"), bi);
	assert_null(batches_open(&b, "r1", "netsplit", "", NULL)); /* reused ref */
	struct batch_info closed;
	assert_true(batches_close(&b, "r1", &closed));
	assert_string_equal(closed.type, "chathistory");
	assert_null(batches_find(&b, "r1"));
	assert_false(batches_close(&b, "r1", NULL));
}

/* The outermost batch of a type, through nesting; a loop of parents ends. */
static void test_outer(void **unused)
{
	(void)unused;
	struct batches b;
	batches_clear(&b);
	batches_open(&b, "h", "chathistory", "#a", NULL);
	batches_open(&b, "n", "netsplit", "x y", "h");
	batches_open(&b, "u", "vendor/unknown", "", "n");
	assert_string_equal(batches_outer(&b, "u", "chathistory")->ref, "h");
	assert_string_equal(batches_outer(&b, "n", "netsplit")->ref, "n");
	assert_null(batches_outer(&b, "u", "labeled-response"));
	assert_null(batches_outer(&b, "nope", "chathistory"));
	/* Two batches naming each other as parent. */
	batches_open(&b, "p", "x", "", "q");
	batches_open(&b, "q", "chathistory", "", "p");
	assert_string_equal(batches_outer(&b, "p", "chathistory")->ref, "q");
}

/* Bounds: the table, the reference length and its characters. */
static void test_bounds(void **unused)
{
	(void)unused;
	struct batches b;
	batches_clear(&b);
	char ref[16];
	for (int i = 0; i < BATCHES_OPEN_MAX; i++) {
		snprintf(ref, sizeof(ref), "b%d", i);
		assert_non_null(batches_open(&b, ref, "chathistory", "#a", NULL));
	}
	assert_null(batches_open(&b, "one-more", "chathistory", "#a", NULL));
	assert_true(batches_close(&b, "b3", NULL));
	assert_non_null(batches_open(&b, "one-more", "chathistory", "#a", NULL));
	batches_clear(&b);
	char longref[BATCHES_REF_MAX + 2];
	memset(longref, 'r', sizeof(longref) - 1);
	longref[sizeof(longref) - 1] = '\0';
	assert_null(batches_open(&b, longref, "chathistory", "#a", NULL));
	assert_null(batches_open(&b, "", "chathistory", "#a", NULL));
	assert_null(batches_open(&b, "a b", "chathistory", "#a", NULL));
	/* A type too long is kept as "" (an unknown type). */
	char longtype[64];
	memset(longtype, 't', sizeof(longtype) - 1);
	longtype[sizeof(longtype) - 1] = '\0';
	struct batch_info *bi = batches_open(&b, "t", longtype, "#a", NULL);
	assert_non_null(bi);
	assert_string_equal(bi->type, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_close),
	    cmocka_unit_test(test_outer),
	    cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
