/* Unit tests for client/multiline: the cap value, paste splitting, assembly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multiline.h"

/* parleyd's value, and values that are missing, malformed or out of bounds. */
static void test_parse_cap(void **unused)
{
	(void)unused;
	struct multiline_limits l = {0, 0};
	assert_true(multiline_parse_cap("max-bytes=4096,max-lines=24", &l));
	assert_int_equal(l.max_bytes, 4096);
	assert_int_equal(l.max_lines, 24);
	assert_true(multiline_parse_cap("max-lines=5,max-bytes=1000,future=x", &l));
	assert_int_equal(l.max_bytes, 1000);
	assert_int_equal(l.max_lines, 5);
	/* max-lines missing: the conservative default; huge values clamped. */
	assert_true(multiline_parse_cap("max-bytes=999999999", &l));
	assert_int_equal(l.max_bytes, MULTILINE_SEND_BYTES_MAX);
	assert_int_equal(l.max_lines, MULTILINE_LINES_DEFAULT);
	assert_true(multiline_parse_cap("max-bytes=4096,max-lines=100000", &l));
	assert_int_equal(l.max_lines, MULTILINE_SEND_LINES_MAX);
	/* Not usable: unchanged. */
	l.max_bytes = 7;
	const char *bad[] = {"",
	                     "max-lines=24",
	                     "max-bytes=",
	                     "max-bytes=-5",
	                     "max-bytes=12x",
	                     "max-bytes=10",
	                     "max-bytes=4096,max-lines=0",
	                     "max-bytes=4096,max-lines=1",
	                     "max-bytes=99999999999999999999",
	                     "max-bytes4096"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(multiline_parse_cap(bad[i], &l));
	assert_false(multiline_parse_cap(NULL, &l));
	assert_int_equal(l.max_bytes, 7);
}

/* Three short lines: one batch of three pieces. */
static void test_split_one_batch(void **unused)
{
	(void)unused;
	const char *lines[] = {"one", "two", "three"};
	struct multiline_limits l = {4096, 24};
	size_t n;
	struct multiline_piece *p = multiline_split(lines, 3, &l, 400, &n);
	assert_int_equal(n, 3);
	assert_true(p[0].opens);
	assert_false(p[1].opens || p[2].opens);
	assert_int_equal(p[2].len, 5);
	assert_memory_equal(p[2].text, "three", 5);
	assert_false(p[0].concat || p[1].concat || p[2].concat);
	free(p);
}

/* max-lines and max-bytes (a line break counts one byte) open new batches. */
static void test_split_limits(void **unused)
{
	(void)unused;
	const char *lines[] = {"a", "b", "c", "d", "e"};
	struct multiline_limits l = {4096, 2};
	size_t n;
	struct multiline_piece *p = multiline_split(lines, 5, &l, 400, &n);
	assert_int_equal(n, 5);
	bool opens[] = {true, false, true, false, true};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i].opens, opens[i]);
	free(p);
	/* 10 + 1 + 10 = 21 bytes fit 21, a third line does not. */
	const char *ten[] = {"0123456789", "0123456789", "0123456789"};
	struct multiline_limits b = {21, 24};
	p = multiline_split(ten, 3, &b, 400, &n);
	assert_int_equal(n, 3);
	assert_true(p[0].opens && !p[1].opens && p[2].opens);
	free(p);
	b.max_bytes = 20;
	p = multiline_split(ten, 3, &b, 400, &n);
	assert_true(p[0].opens && p[1].opens && p[2].opens);
	free(p);
}

/* A long line becomes pieces, the later ones concat; never cut in a
 * character; a concat piece never opens a batch. */
static void test_split_long_line(void **unused)
{
	(void)unused;
	char line[1001];
	memset(line, 'x', 1000);
	line[1000] = '\0';
	memcpy(line + 398, "\xc3\xa9", 2); /* é across the 400-byte cut */
	const char *lines[] = {line, "after"};
	struct multiline_limits l = {4096, 24};
	size_t n;
	struct multiline_piece *p = multiline_split(lines, 2, &l, 400, &n);
	assert_int_equal(n, 4);
	assert_int_equal(p[0].len, 400);
	assert_true(p[1].concat && p[2].concat && !p[3].concat);
	assert_int_equal(p[0].len + p[1].len + p[2].len, 1000);
	free(p);
	/* Split across batches: the piece opening the next one is no concat. */
	struct multiline_limits two = {4096, 2};
	p = multiline_split(lines, 2, &two, 400, &n);
	assert_int_equal(n, 4);
	assert_true(p[2].opens);
	assert_false(p[2].concat);
	free(p);
}

/* Blank lines: kept between others, never at a batch's start or end; a
 * paste of blank lines only gives nothing. */
static void test_split_blank(void **unused)
{
	(void)unused;
	const char *lines[] = {"", "a", "", "b", ""};
	struct multiline_limits l = {4096, 24};
	size_t n;
	struct multiline_piece *p = multiline_split(lines, 5, &l, 400, &n);
	assert_int_equal(n, 3);
	assert_int_equal(p[1].len, 0);
	assert_true(p[0].opens);
	free(p);
	/* The blank line falls on a batch boundary: dropped from both. */
	struct multiline_limits two = {4096, 2};
	const char *edge[] = {"a", "b", "", "c"};
	p = multiline_split(edge, 4, &two, 400, &n);
	assert_int_equal(n, 3);
	assert_true(p[2].opens);
	assert_memory_equal(p[2].text, "c", 1);
	free(p);
	const char *blank[] = {"", ""};
	assert_null(multiline_split(blank, 2, &l, 400, &n));
	assert_int_equal(n, 0);
}

/* A received batch: concat joins, blank lines kept, bounds cut. */
static void test_msg_assembly(void **unused)
{
	(void)unused;
	struct multiline_msg m = {0};
	assert_true(multiline_msg_add(&m, "hello ", true)); /* first: starts a line */
	assert_true(multiline_msg_add(&m, "world", true));
	assert_true(multiline_msg_add(&m, "", false));
	assert_true(multiline_msg_add(&m, "end", false));
	assert_int_equal(m.n, 3);
	assert_string_equal(m.lines[0], "hello world");
	assert_string_equal(m.lines[1], "");
	assert_false(m.cut);
	multiline_msg_free(&m);
	assert_int_equal(m.n, 0);
	for (int i = 0; i < MULTILINE_RECV_LINES_MAX; i++)
		assert_true(multiline_msg_add(&m, "x", false));
	assert_false(multiline_msg_add(&m, "x", false));
	assert_true(m.cut);
	assert_int_equal(m.n, MULTILINE_RECV_LINES_MAX);
	multiline_msg_free(&m);
	char big[1025];
	memset(big, 'y', 1024);
	big[1024] = '\0';
	size_t added = 0;
	for (int i = 0; i < 100 && multiline_msg_add(&m, big, true); i++)
		added++;
	assert_int_equal(added, MULTILINE_RECV_BYTES_MAX / 1024);
	assert_true(m.cut);
	assert_true(m.bytes <= MULTILINE_RECV_BYTES_MAX);
	multiline_msg_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_cap),    cmocka_unit_test(test_split_one_batch),
	    cmocka_unit_test(test_split_limits), cmocka_unit_test(test_split_long_line),
	    cmocka_unit_test(test_split_blank),  cmocka_unit_test(test_msg_assembly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
