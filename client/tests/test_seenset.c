/* Unit tests for client/seenset: the bounded set of seen message keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seenset.h"

/* What was added is found; what was not, is not. */
static void test_add_and_find(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(100);
	for (uint64_t k = 1; k <= 50; k++)
		seenset_add(s, k * 0x9e3779b97f4a7c15ULL);
	for (uint64_t k = 1; k <= 50; k++)
		assert_true(seenset_has(s, k * 0x9e3779b97f4a7c15ULL));
	assert_false(seenset_has(s, 51 * 0x9e3779b97f4a7c15ULL));
	assert_int_equal(seenset_count(s), 50);
	seenset_add(s, 1 * 0x9e3779b97f4a7c15ULL); /* again: no second copy */
	assert_int_equal(seenset_count(s), 50);
	assert_null(seenset_check(s));
	seenset_free(s);
}

/* Past its max the oldest key is forgotten first, one for one. */
static void test_forgets_oldest(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(64);
	for (uint64_t k = 1; k <= 1000; k++) {
		seenset_add(s, k);
		assert_true(seenset_count(s) <= 64);
	}
	assert_int_equal(seenset_count(s), 64);
	for (uint64_t k = 1; k <= 936; k++)
		assert_false(seenset_has(s, k));
	for (uint64_t k = 937; k <= 1000; k++)
		assert_true(seenset_has(s, k));
	assert_null(seenset_check(s));
	seenset_free(s);
}

/* Keys that share a home slot (same low bits) survive removals of others
 * in their run: the backward shift keeps every one reachable. */
static void test_collisions_survive_eviction(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(32);
	/* All these keys differ only above bit 40: the same home slot. */
	for (uint64_t k = 1; k <= 200; k++) {
		seenset_add(s, k << 44);
		const char *why = seenset_check(s);
		if (why)
			fail_msg("after %llu: %s", (unsigned long long)k, why);
	}
	for (uint64_t k = 169; k <= 200; k++)
		assert_true(seenset_has(s, k << 44));
	assert_false(seenset_has(s, 168ULL << 44));
	seenset_free(s);
}

/* Key 0 is a key like any other (stored as 1: 0 marks an empty slot). */
static void test_zero_key(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	assert_false(seenset_has(s, 0));
	seenset_add(s, 0);
	assert_true(seenset_has(s, 0));
	seenset_free(s);
}

/* The default bound holds with many more keys than it. */
static void test_default_bound(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	for (uint64_t k = 1; k <= 3 * SEENSET_DEFAULT_MAX; k++)
		seenset_add(s, k * 0x100000001b3ULL);
	assert_int_equal(seenset_count(s), SEENSET_DEFAULT_MAX);
	assert_null(seenset_check(s));
	seenset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_find),
	    cmocka_unit_test(test_forgets_oldest),
	    cmocka_unit_test(test_collisions_survive_eviction),
	    cmocka_unit_test(test_zero_key),
	    cmocka_unit_test(test_default_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
