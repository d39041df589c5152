/* Unit tests for common/linebuf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "linebuf.h"

/* Copies data into the buffer as one read() would, checking it fits. */
static void feed(struct linebuf *lb, const char *data, size_t n)
{
	size_t avail;
	char *space = linebuf_space(lb, &avail);

	assert_true(n <= avail);
	memcpy(space, data, n);
	linebuf_commit(lb, n);
}

/* Feeds a string literal. */
#define FEED(lb, lit) feed((lb), (lit), sizeof(lit) - 1)

/* Expects the next line to be exactly the given bytes, NUL-terminated in place. */
static void expect_line(struct linebuf *lb, const char *want, size_t wantlen)
{
	char *line = NULL;
	size_t len = 0;

	assert_int_equal(linebuf_next(lb, &line, &len), LINEBUF_LINE);
	assert_int_equal(len, wantlen);
	assert_memory_equal(line, want, wantlen);
	assert_int_equal(line[len], '\0');
}

#define EXPECT_LINE(lb, lit) expect_line((lb), (lit), sizeof(lit) - 1)

/* Expects a given status other than LINE. */
static void expect_status(struct linebuf *lb, enum linebuf_status want)
{
	char *line;
	size_t len;

	assert_int_equal(linebuf_next(lb, &line, &len), want);
}

/* Several lines in one read, with CRLF, LF, and an empty line. */
static void test_many_lines(void **state)
{
	struct linebuf lb;

	(void)state;
	linebuf_init(&lb, 32);
	FEED(&lb, "NICK a\r\nUSER b\n\r\n\nPING");
	EXPECT_LINE(&lb, "NICK a");
	EXPECT_LINE(&lb, "USER b");
	EXPECT_LINE(&lb, "");
	EXPECT_LINE(&lb, "");
	expect_status(&lb, LINEBUF_NONE);
	assert_true(linebuf_pending(&lb));
	FEED(&lb, " x\r\n");
	EXPECT_LINE(&lb, "PING x");
	expect_status(&lb, LINEBUF_NONE);
	assert_false(linebuf_pending(&lb));
	linebuf_free(&lb);
}

/* A line split over many reads, then a byte-at-a-time feed of several lines. */
static void test_split_and_bytewise(void **state)
{
	const char *stream = "PRIVMSG #c :hi\r\nQUIT\n\r\nAB\r\n";
	const char *want[] = {"PRIVMSG #c :hi", "QUIT", "", "AB"};
	struct linebuf lb;
	size_t got = 0;

	(void)state;
	linebuf_init(&lb, 20);
	FEED(&lb, "PRIV");
	expect_status(&lb, LINEBUF_NONE);
	FEED(&lb, "MSG #c");
	expect_status(&lb, LINEBUF_NONE);
	FEED(&lb, " :x\r");
	expect_status(&lb, LINEBUF_NONE);
	FEED(&lb, "\n");
	EXPECT_LINE(&lb, "PRIVMSG #c :x");
	expect_status(&lb, LINEBUF_NONE);

	for (size_t i = 0; stream[i]; i++) {
		char *line;
		size_t len;
		enum linebuf_status st;

		feed(&lb, &stream[i], 1);
		while ((st = linebuf_next(&lb, &line, &len)) == LINEBUF_LINE) {
			assert_true(got < 4);
			assert_int_equal(len, strlen(want[got]));
			assert_memory_equal(line, want[got], len);
			got++;
		}
		assert_int_equal(st, LINEBUF_NONE);
	}
	assert_int_equal(got, 4);
	assert_false(linebuf_pending(&lb));
	linebuf_free(&lb);
}

/* A lone CR inside a line is kept; NUL bytes inside are kept and len is right. */
static void test_cr_and_nul(void **state)
{
	struct linebuf lb;

	(void)state;
	linebuf_init(&lb, 16);
	FEED(&lb, "a\rb\r\nc\0d\n");
	EXPECT_LINE(&lb, "a\rb");
	EXPECT_LINE(&lb, "c\0d");
	/* Only one CR before LF is stripped. */
	FEED(&lb, "x\r\r\n");
	EXPECT_LINE(&lb, "x\r");
	linebuf_free(&lb);
}

/* Exactly max_line bytes fit, with or without CR; one more is too long. */
static void test_boundaries(void **state)
{
	struct linebuf lb;

	(void)state;
	linebuf_init(&lb, 4);
	FEED(&lb, "abcd\r\n");
	EXPECT_LINE(&lb, "abcd");
	FEED(&lb, "abcd\n");
	EXPECT_LINE(&lb, "abcd");
	/* 5 bytes + LF: everything arrives together, so the LF is already here. */
	FEED(&lb, "abcde\n");
	expect_status(&lb, LINEBUF_TOO_LONG);
	expect_status(&lb, LINEBUF_NONE);
	assert_false(linebuf_pending(&lb));
	FEED(&lb, "ok\n");
	EXPECT_LINE(&lb, "ok");
	/* 4 bytes + CR + LF arriving in pieces still fits. */
	FEED(&lb, "wxyz\r");
	expect_status(&lb, LINEBUF_NONE);
	FEED(&lb, "\n");
	EXPECT_LINE(&lb, "wxyz");
	/* 5 bytes + CR + LF is too long. */
	FEED(&lb, "abcde\r");
	expect_status(&lb, LINEBUF_TOO_LONG);
	FEED(&lb, "\nnext\n");
	EXPECT_LINE(&lb, "next");
	expect_status(&lb, LINEBUF_NONE);
	linebuf_free(&lb);
}

/* An overlong line whose LF comes three reads later is reported once, then a
 * normal line after it comes through intact. */
static void test_overlong_spanning(void **state)
{
	struct linebuf lb;
	char big[64];
	size_t avail;

	(void)state;
	memset(big, 'x', sizeof(big));
	linebuf_init(&lb, 8);
	FEED(&lb, "ok1\r\n");
	feed(&lb, big, 5);
	EXPECT_LINE(&lb, "ok1");
	expect_status(&lb, LINEBUF_NONE);
	feed(&lb, big, 5); /* now 10 bytes without LF: the buffer is full */
	expect_status(&lb, LINEBUF_TOO_LONG);
	expect_status(&lb, LINEBUF_NONE);
	assert_true(linebuf_pending(&lb));
	/* Commit 1: fill the whole buffer with junk. */
	linebuf_space(&lb, &avail);
	assert_int_equal(avail, 10);
	feed(&lb, big, 10);
	expect_status(&lb, LINEBUF_NONE);
	/* Commit 2: more junk, ending with a CR. */
	feed(&lb, "xxxx\r", 5);
	expect_status(&lb, LINEBUF_NONE);
	/* Commit 3: the LF, then a normal line. */
	FEED(&lb, "yy\nPING\r\n");
	EXPECT_LINE(&lb, "PING");
	expect_status(&lb, LINEBUF_NONE);
	assert_false(linebuf_pending(&lb));
	linebuf_free(&lb);
}

/* After NONE there is always room, even when a partial line sits at the end. */
static void test_compaction(void **state)
{
	struct linebuf lb;
	size_t avail;

	(void)state;
	linebuf_init(&lb, 6);
	for (int round = 0; round < 50; round++) {
		FEED(&lb, "ab\ncd\nef");
		EXPECT_LINE(&lb, "ab");
		EXPECT_LINE(&lb, "cd");
		expect_status(&lb, LINEBUF_NONE);
		linebuf_space(&lb, &avail);
		assert_int_equal(avail, 6);
		FEED(&lb, "g\n");
		EXPECT_LINE(&lb, "efg");
		expect_status(&lb, LINEBUF_NONE);
		linebuf_space(&lb, &avail);
		assert_int_equal(avail, 8);
	}
	linebuf_free(&lb);
}

/* Overlong lines back to back, each reported exactly once. */
static void test_overlong_repeated(void **state)
{
	struct linebuf lb;
	int too_long = 0, lines = 0;
	const char *stream = "123456789\n123456789012345\r\nabc\n1234567\n";

	(void)state;
	linebuf_init(&lb, 4);
	for (size_t i = 0; stream[i]; i++) {
		char *line;
		size_t len;
		enum linebuf_status st;

		feed(&lb, &stream[i], 1);
		while ((st = linebuf_next(&lb, &line, &len)) != LINEBUF_NONE) {
			if (st == LINEBUF_TOO_LONG) {
				too_long++;
			} else {
				assert_string_equal(line, "abc");
				lines++;
			}
		}
	}
	assert_int_equal(too_long, 3);
	assert_int_equal(lines, 1);
	linebuf_free(&lb);
}

/* Storage comes with the first read, grows for a long line, shrinks when idle. */
static void test_grow_and_shrink(void **state)
{
	(void)state;
	struct linebuf lb;
	char big[5000];
	linebuf_init(&lb, 8000);
	assert_int_equal(lb.cap, 0);
	size_t first_avail;
	assert_non_null(linebuf_space(&lb, &first_avail));
	assert_int_equal(first_avail, LINEBUF_INITIAL);
	memset(big, 'g', sizeof big);
	for (size_t sent = 0; sent < sizeof big;) {
		size_t avail;
		char *space = linebuf_space(&lb, &avail);
		size_t n = sizeof big - sent < avail ? sizeof big - sent : avail;
		memcpy(space, big + sent, n);
		linebuf_commit(&lb, n);
		sent += n;
		expect_status(&lb, LINEBUF_NONE);
	}
	assert_true(lb.cap > sizeof big);
	FEED(&lb, "\r\nnext\n");
	expect_line(&lb, big, sizeof big);
	EXPECT_LINE(&lb, "next");
	expect_status(&lb, LINEBUF_NONE);
	/* Part of a line held: back to the initial size, the part kept. */
	FEED(&lb, "partial");
	linebuf_shrink(&lb);
	assert_int_equal(lb.cap, LINEBUF_INITIAL);
	FEED(&lb, " line\n");
	EXPECT_LINE(&lb, "partial line");
	/* Nothing held: no storage at all until the next read. */
	linebuf_shrink(&lb);
	assert_int_equal(lb.cap, 0);
	assert_null(lb.data);
	expect_status(&lb, LINEBUF_NONE);
	FEED(&lb, "after shrink\n");
	EXPECT_LINE(&lb, "after shrink");
	linebuf_free(&lb);
}

/* Fills all the space linebuf_space() offers with complete lines of 9
 * bytes plus LF (a busy peer), takes them out; returns the space offered. */
static size_t fill_with_lines(struct linebuf *lb)
{
	size_t avail;
	char *space = linebuf_space(lb, &avail);
	size_t whole = avail - avail % 10;
	for (size_t i = 0; i < whole; i += 10) {
		memcpy(space + i, "ninebytes\n", 10);
	}
	memset(space + whole, 'p', avail - whole); /* a partial line at the end */
	linebuf_commit(lb, avail);
	for (size_t i = 0; i < whole; i += 10)
		EXPECT_LINE(lb, "ninebytes");
	expect_status(lb, LINEBUF_NONE);
	/* The partial line ends with the next read. */
	FEED(lb, "\n");
	char *line;
	size_t len;
	if (avail > whole)
		assert_int_equal(linebuf_next(lb, &line, &len), LINEBUF_LINE);
	return avail;
}

/* Reads that fill the buffer let it grow with read-ahead (without, it
 * stays at the initial size); a line is still too long at max_line
 * whatever the storage. */
static void test_read_ahead(void **state)
{
	(void)state;
	struct linebuf lb;
	linebuf_init(&lb, 2000);
	size_t offered = 0;
	for (int i = 0; i < 8; i++)
		offered = fill_with_lines(&lb);
	assert_int_equal(lb.cap, LINEBUF_INITIAL);
	assert_int_equal(offered, LINEBUF_INITIAL);
	linebuf_free(&lb);

	linebuf_init(&lb, 100);
	linebuf_read_ahead(&lb, 4096);
	assert_int_equal(fill_with_lines(&lb), 1024);
	assert_int_equal(fill_with_lines(&lb), 2048);
	for (int i = 0; i < 4; i++)
		fill_with_lines(&lb);
	assert_int_equal(lb.cap, 4096);
	/* 101 bytes without LF do not fit a line of 100 + CR LF yet... */
	char long_line[103];
	memset(long_line, 'L', sizeof long_line);
	feed(&lb, long_line, 101);
	expect_status(&lb, LINEBUF_NONE);
	/* ...102 do, though the storage has room for thousands. */
	feed(&lb, long_line, 1);
	expect_status(&lb, LINEBUF_TOO_LONG);
	FEED(&lb, "rest of it\nnext\n");
	EXPECT_LINE(&lb, "next");
	/* Idle: the read-ahead storage is given back. */
	linebuf_shrink(&lb);
	assert_int_equal(lb.cap, 0);
	linebuf_free(&lb);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_lines),        cmocka_unit_test(test_split_and_bytewise),
	    cmocka_unit_test(test_cr_and_nul),        cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_overlong_spanning), cmocka_unit_test(test_compaction),
	    cmocka_unit_test(test_overlong_repeated), cmocka_unit_test(test_grow_and_shrink),
	    cmocka_unit_test(test_read_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
