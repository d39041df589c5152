/* Unit tests for server/multiline (a client's draft/multiline batch being
 * gathered): the byte and line limits exactly, concatenated lines, target
 * and command checks, blank batches, the time limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "multiline.h"

static struct multiline ml;

/* Lines and concatenation are kept in order, targets compared folded. */
static void test_gathers_lines(void **state)
{
	(void)state;
	assert_int_equal(multiline_open(&ml, "r1", "#Room", 0), 0);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#room", "hello ", false), MULTILINE_OK);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#ROOM", "world", true), MULTILINE_OK);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#room", "", false), MULTILINE_OK);
	assert_int_equal(ml.nlines, 3);
	assert_true(ml.lines[1].concat);
	assert_int_equal(ml.bytes, 6 + 5 + 1); /* one line break: before the blank line */
	assert_memory_equal(ml.text + ml.lines[1].off, "world", 5);
	assert_string_equal(ml.command, "PRIVMSG");
	assert_int_equal(multiline_close_check(&ml), MULTILINE_OK);
}

/* max-lines: the 24th line is taken, the 25th refused. */
static void test_line_limit(void **state)
{
	(void)state;
	multiline_open(&ml, "r", "nick", 0);
	for (int i = 0; i < MULTILINE_MAX_LINES; i++)
		assert_int_equal(multiline_add(&ml, "NOTICE", "nick", "x", false), MULTILINE_OK);
	assert_int_equal(multiline_add(&ml, "NOTICE", "nick", "x", false),
			 MULTILINE_ERR_MAX_LINES);
}

/* max-bytes counts text and line breaks: exactly the limit passes. */
static void test_byte_limit(void **state)
{
	(void)state;
	char big[MULTILINE_MAX_BYTES / 2 + 1];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	multiline_open(&ml, "r", "#r", 0);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", big, false), MULTILINE_OK);
	big[sizeof big - 2] = '\0'; /* 2047 bytes + the line break = 4096 */
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", big, false), MULTILINE_OK);
	assert_int_equal(ml.bytes, MULTILINE_MAX_BYTES);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", "b", true), MULTILINE_ERR_MAX_BYTES);
}

/* Another target, another command, a blank or first concat line. */
static void test_invalid_lines(void **state)
{
	(void)state;
	multiline_open(&ml, "r", "#r", 0);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", "a", true), MULTILINE_ERR_INVALID);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#s", "a", false),
			 MULTILINE_ERR_INVALID_TARGET);
	assert_int_equal(multiline_add(&ml, "TOPIC", "#r", "a", false), MULTILINE_ERR_INVALID);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", "a", false), MULTILINE_OK);
	assert_int_equal(multiline_add(&ml, "NOTICE", "#r", "a", false), MULTILINE_ERR_INVALID);
	assert_int_equal(multiline_add(&ml, "PRIVMSG", "#r", "", true), MULTILINE_ERR_INVALID);
	assert_string_equal(multiline_result_code(MULTILINE_ERR_INVALID_TARGET),
			    "MULTILINE_INVALID_TARGET");
}

/* A batch of nothing, or of blank lines only, is not a message. */
static void test_blank_batches(void **state)
{
	(void)state;
	multiline_open(&ml, "r", "#r", 0);
	assert_int_equal(multiline_close_check(&ml), MULTILINE_ERR_INVALID);
	multiline_add(&ml, "PRIVMSG", "#r", "", false);
	multiline_add(&ml, "PRIVMSG", "#r", "", false);
	assert_int_equal(multiline_close_check(&ml), MULTILINE_ERR_INVALID);
}

/* Opening checks the reference and target; the time limit. */
static void test_open_and_expiry(void **state)
{
	(void)state;
	char ref[MULTILINE_REF_MAX + 2];
	memset(ref, 'r', sizeof ref - 1);
	ref[sizeof ref - 1] = '\0';
	assert_int_equal(multiline_open(&ml, ref, "#r", 0), -1);
	assert_int_equal(multiline_open(&ml, "", "#r", 0), -1);
	assert_int_equal(multiline_open(&ml, "r", "", 0), -1);
	assert_int_equal(multiline_open(&ml, "r", "#r", 1000), 0);
	assert_false(multiline_expired(&ml, 1000 + MULTILINE_TIMEOUT_MS));
	assert_true(multiline_expired(&ml, 1001 + MULTILINE_TIMEOUT_MS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gathers_lines),   cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_byte_limit),      cmocka_unit_test(test_invalid_lines),
		cmocka_unit_test(test_blank_batches),   cmocka_unit_test(test_open_and_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
