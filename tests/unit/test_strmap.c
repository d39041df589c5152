/* Unit tests for common/strmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strmap.h"

#define NKEYS 10000

/* Values are small integers disguised as pointers (never NULL). */
static void *val(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

/* Basic get/put/replace/remove, and that keys are copied. */
static void test_basic(void **state)
{
	struct strmap *m = strmap_new();
	char key[16];
	int a, b;

	(void)state;
	assert_int_equal(strmap_count(m), 0);
	assert_null(strmap_get(m, "x"));
	assert_null(strmap_remove(m, "x"));
	snprintf(key, sizeof(key), "alice");
	strmap_put(m, key, &a);
	snprintf(key, sizeof(key), "bob");
	assert_ptr_equal(strmap_get(m, "alice"), &a);
	assert_null(strmap_get(m, "bob"));
	strmap_put(m, "alice", &b);
	assert_ptr_equal(strmap_get(m, "alice"), &b);
	assert_int_equal(strmap_count(m), 1);
	strmap_put(m, "", &a);
	assert_ptr_equal(strmap_get(m, ""), &a);
	assert_int_equal(strmap_count(m), 2);
	assert_ptr_equal(strmap_remove(m, "alice"), &b);
	assert_null(strmap_get(m, "alice"));
	assert_int_equal(strmap_count(m), 1);
	strmap_free(m);
	strmap_free(NULL);
}

/* Walk callback: checks each entry and counts it. */
static void check_entry(const char *key, void *value, void *arg)
{
	size_t *seen = arg;
	unsigned long i;

	assert_int_equal(sscanf(key, "key-%lu", &i), 1);
	assert_ptr_equal(value, val(i));
	assert_int_equal(i % 2, 1); /* even keys were removed */
	(*seen)++;
}

/* Many keys through several growths, removal of half, then a full walk. */
static void test_many(void **state)
{
	struct strmap *m = strmap_new();
	char key[32];
	size_t seen = 0;

	(void)state;
	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		strmap_put(m, key, val(i));
	}
	assert_int_equal(strmap_count(m), NKEYS);
	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		assert_ptr_equal(strmap_get(m, key), val(i));
	}
	for (size_t i = 0; i < NKEYS; i += 2) {
		snprintf(key, sizeof(key), "key-%zu", i);
		assert_ptr_equal(strmap_remove(m, key), val(i));
		assert_null(strmap_remove(m, key));
	}
	assert_int_equal(strmap_count(m), NKEYS / 2);
	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "key-%zu", i);
		if (i % 2)
			assert_ptr_equal(strmap_get(m, key), val(i));
		else
			assert_null(strmap_get(m, key));
	}
	strmap_each(m, check_entry, &seen);
	assert_int_equal(seen, NKEYS / 2);
	/* Re-adding removed keys works. */
	for (size_t i = 0; i < NKEYS; i += 2) {
		snprintf(key, sizeof(key), "key-%zu", i);
		strmap_put(m, key, val(i));
	}
	assert_int_equal(strmap_count(m), NKEYS);
	strmap_free(m);
}

/* Walk callback that only counts. */
static void count_entry(const char *key, void *value, void *arg)
{
	(void)key;
	(void)value;
	(*(size_t *)arg)++;
}

/* Removing everything leaves an empty, still usable map. */
static void test_remove_all(void **state)
{
	struct strmap *m = strmap_new();
	char key[32];
	size_t seen = 0;

	(void)state;
	for (size_t i = 0; i < 500; i++) {
		snprintf(key, sizeof(key), "%zu", i);
		strmap_put(m, key, val(i));
	}
	for (size_t i = 500; i-- > 0;) {
		snprintf(key, sizeof(key), "%zu", i);
		assert_ptr_equal(strmap_remove(m, key), val(i));
	}
	assert_int_equal(strmap_count(m), 0);
	strmap_each(m, count_entry, &seen);
	assert_int_equal(seen, 0);
	strmap_put(m, "again", val(7));
	assert_ptr_equal(strmap_get(m, "again"), val(7));
	strmap_free(m);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_many),
	    cmocka_unit_test(test_remove_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
