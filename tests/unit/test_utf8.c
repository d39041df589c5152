/* Unit tests for common/utf8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

/* Shorthand: validity of a string literal (which may hold NULs, hence sizeof). */
#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)

/* ASCII, the empty string and every sequence length are accepted. */
static void test_valid_basic(void **state)
{
	(void)state;
	assert_true(VALID(""));
	assert_true(VALID("hello"));
	assert_true(VALID("caf\xc3\xa9"));      /* U+00E9 */
	assert_true(VALID("\xe2\x82\xac"));     /* U+20AC */
	assert_true(VALID("\xf0\x9f\x98\x80")); /* U+1F600 */
	assert_true(VALID("\xc2\x80"));         /* U+0080, smallest 2-byte */
	assert_true(VALID("\xe0\xa0\x80"));     /* U+0800, smallest 3-byte */
	assert_true(VALID("\xf0\x90\x80\x80")); /* U+10000, smallest 4-byte */
	assert_true(VALID("\xf4\x8f\xbf\xbf")); /* U+10FFFF */
	assert_true(VALID("\xed\x9f\xbf"));     /* U+D7FF, just below surrogates */
	assert_true(VALID("\xee\x80\x80"));     /* U+E000, just above */
	assert_true(VALID("\xef\xbf\xbf"));     /* U+FFFF */
	assert_true(VALID("a\0b"));             /* NUL is a valid code point */
}

/* Overlong encodings are rejected. */
static void test_overlong(void **state)
{
	(void)state;
	assert_false(VALID("\xc0\x80"));
	assert_false(VALID("\xc0\xaf"));
	assert_false(VALID("\xc1\xbf"));
	assert_false(VALID("\xe0\x80\xaf"));
	assert_false(VALID("\xe0\x9f\xbf"));
	assert_false(VALID("\xf0\x80\x80\xaf"));
	assert_false(VALID("\xf0\x8f\xbf\xbf"));
}

/* Surrogates and anything beyond U+10FFFF are rejected. */
static void test_range(void **state)
{
	(void)state;
	assert_false(VALID("\xed\xa0\x80"));     /* U+D800 */
	assert_false(VALID("\xed\xbf\xbf"));     /* U+DFFF */
	assert_false(VALID("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(VALID("\xf5\x80\x80\x80"));
	assert_false(VALID("\xf8\x88\x80\x80\x80"));
	assert_false(VALID("\xff"));
	assert_false(VALID("\xfe"));
}

/* Truncated sequences and stray continuation bytes are rejected. */
static void test_truncated(void **state)
{
	(void)state;
	assert_false(VALID("\xc3"));
	assert_false(VALID("a\xe2\x82"));
	assert_false(VALID("\xf0\x9f\x98"));
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xbf"));
	assert_false(VALID("\xe2\x28\xa1"));
	assert_false(VALID("\xc3\x28"));
	/* The length bounds the check: a valid prefix of invalid data is fine. */
	assert_true(utf8_valid("ab\xff", 2));
	assert_false(utf8_valid("\xe2\x82\xac", 2));
}

/* Cutting never splits a multi-byte sequence. */
static void test_cut(void **state)
{
	const char *s = "a\xc3\xa9"
	                "b\xe2\x82\xac"; /* a é b € : 1+2+1+3 = 7 bytes */
	size_t len = strlen(s);

	(void)state;
	assert_int_equal(utf8_cut(s, len, 100), len);
	assert_int_equal(utf8_cut(s, len, len), len);
	assert_int_equal(utf8_cut(s, len, 0), 0);
	assert_int_equal(utf8_cut(s, len, 1), 1);
	assert_int_equal(utf8_cut(s, len, 2), 1); /* inside é */
	assert_int_equal(utf8_cut(s, len, 3), 3);
	assert_int_equal(utf8_cut(s, len, 4), 4);
	assert_int_equal(utf8_cut(s, len, 5), 4); /* inside € */
	assert_int_equal(utf8_cut(s, len, 6), 4);
	assert_int_equal(utf8_cut("\xf0\x9f\x98\x80", 4, 3), 0);
}

/* Length counts code points, not bytes. */
static void test_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length("", 0), 0);
	assert_int_equal(utf8_length("abc", 3), 3);
	assert_int_equal(utf8_length("a\xc3\xa9"
	                             "b\xe2\x82\xac",
	                             7),
	                 4);
	assert_int_equal(utf8_length("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8), 2);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_basic), cmocka_unit_test(test_overlong),
	    cmocka_unit_test(test_range),       cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_cut),         cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
