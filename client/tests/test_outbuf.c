/* Unit tests for client/outbuf: whole lines through short writes, limits,
 * automatic lines that never delay the user's, and the stall clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbuf.h"

/* A fake socket: takes at most the next count from a cycle of short counts
 * (0 means "would block"), and at most room bytes in all until drained. */
struct fake_writer {
	char out[256 * 1024];
	size_t used;
	const size_t *counts;
	size_t ncounts, turn;
	size_t room; /* bytes it will still take; SIZE_MAX for no limit */
};

/* Writes what the fake accepts of buf; returns the count (0: would block). */
static size_t fake_write(struct fake_writer *w, const char *buf, size_t len)
{
	size_t n = w->counts[w->turn++ % w->ncounts];
	if (n > len)
		n = len;
	if (n > w->room)
		n = w->room;
	assert_true(w->used + n <= sizeof(w->out));
	memcpy(w->out + w->used, buf, n);
	w->used += n;
	w->room -= n;
	return n;
}

/* Writes until outbuf has nothing to give or the writer blocks (bounded).
 * Returns the number of writes that made progress. */
static int pump(struct outbuf *ob, struct fake_writer *w, long long now)
{
	int progress = 0;
	for (int i = 0; i < 100000; i++) {
		size_t len;
		const char *p = outbuf_next(ob, now, &len);
		if (!p)
			return progress;
		assert_true(len > 0);
		size_t n = fake_write(w, p, len);
		outbuf_wrote(ob, n, now);
		if (n == 0)
			return progress;
		progress++;
	}
	fail_msg("pump did not end");
	return progress;
}

/* The written stream as a NUL-terminated string. */
static const char *written(struct fake_writer *w)
{
	w->out[w->used] = '\0';
	return w->out;
}

/* Short writes (1, 2, 3, 7 bytes and "would block") still deliver every
 * line whole and in order, also when lines are added in the middle of one. */
static void test_short_writes(void **unused)
{
	(void)unused;
	static const size_t counts[] = {1, 0, 2, 3, 0, 7};
	struct fake_writer w = {.counts = counts, .ncounts = 6, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	char expect[8192] = "";
	for (int i = 0; i < 40; i++) {
		char line[64];
		snprintf(line, sizeof(line), "PRIVMSG #lobby :line %d", i);
		assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, line, 0), OUTBUF_OK);
		strcat(expect, line);
		strcat(expect, "\r\n");
		pump(ob, &w, 0); /* stops half-way through a line now and then */
	}
	for (int i = 0; i < 1000 && outbuf_lines(ob) > 0; i++)
		pump(ob, &w, 0);
	assert_string_equal(written(&w), expect);
	assert_int_equal(outbuf_lines(ob), 0);
	assert_int_equal(outbuf_bytes(ob), 0);
	outbuf_free(ob);
}

/* A socket that fills up mid-line: the rest of that line goes first when
 * it takes bytes again, never a later line. */
static void test_full_socket_resumes_the_line(void **unused)
{
	(void)unused;
	static const size_t big[] = {100000};
	struct fake_writer w = {.counts = big, .ncounts = 1, .room = 10};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :first line", 0), OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PONG :x", 0), OUTBUF_OK);
	pump(ob, &w, 0);
	assert_int_equal(w.used, 10);
	assert_int_equal(outbuf_lines(ob), 2);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :third", 0), OUTBUF_OK);
	w.room = SIZE_MAX;
	pump(ob, &w, 0);
	assert_string_equal(written(&w),
	                    "PRIVMSG #a :first line\r\nPONG :x\r\nPRIVMSG #a :third\r\n");
	outbuf_free(ob);
}

/* Lines with CR, LF or too long are refused whole. */
static void test_invalid_lines(void **unused)
{
	(void)unused;
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :x\r\nQUIT", 0),
	                 OUTBUF_INVALID);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :x\n", 0), OUTBUF_INVALID);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "", 0), OUTBUF_INVALID);
	char *big = malloc(OUTBUF_LINE_MAX);
	memset(big, 'a', OUTBUF_LINE_MAX - 2);
	big[OUTBUF_LINE_MAX - 2] = '\0';
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, big, 0), OUTBUF_OK); /* just fits */
	memset(big, 'a', OUTBUF_LINE_MAX - 1);
	big[OUTBUF_LINE_MAX - 1] = '\0';
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, big, 0), OUTBUF_INVALID);
	free(big);
	assert_int_equal(outbuf_lines(ob), 1);
	outbuf_free(ob);
}

/* The line and byte limits refuse more, and free up as lines go out. */
static void test_limits(void **unused)
{
	(void)unused;
	static const size_t all[] = {100000};
	struct fake_writer w = {.counts = all, .ncounts = 1, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(3, 40, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :1", 0), OUTBUF_OK); /* 15 */
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :2", 0), OUTBUF_OK); /* 30 */
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :33", 0), OUTBUF_FULL);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PING :x", 0), OUTBUF_OK); /* 39 */
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "A", 0), OUTBUF_FULL);     /* 4 lines */
	assert_int_equal(outbuf_lines(ob), 3);
	assert_int_equal(outbuf_bytes(ob), 39);
	pump(ob, &w, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :33", 0), OUTBUF_OK);
	outbuf_free(ob);
}

/* A batch is queued whole or not at all: past the line or the byte limit,
 * or with one invalid line, nothing of it is queued. */
static void test_push_all(void **unused)
{
	(void)unused;
	struct outbuf *ob = outbuf_new(4, 60, 0);
	const char *batch[] = {"BATCH +a x #a", "@batch=a PRIVMSG #a :1",
	                       "BATCH -a"};                                        /* 15+24+10 */
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PING :x", 0), OUTBUF_OK); /* 9 */
	assert_int_equal(outbuf_push_all(ob, batch, 3, 0), OUTBUF_OK);             /* 58 */
	assert_int_equal(outbuf_lines(ob), 4);
	assert_int_equal(outbuf_push_all(ob, batch, 1, 0), OUTBUF_FULL); /* lines */
	outbuf_free(ob);
	ob = outbuf_new(10, 48, 0);
	assert_int_equal(outbuf_push_all(ob, batch, 3, 0), OUTBUF_FULL); /* 49 bytes */
	assert_int_equal(outbuf_lines(ob), 0);
	const char *bad[] = {"BATCH +a x #a", "PRIVMSG #a :a\nb", "BATCH -a"};
	assert_int_equal(outbuf_push_all(ob, bad, 3, 0), OUTBUF_INVALID);
	assert_int_equal(outbuf_lines(ob), 0);
	assert_int_equal(outbuf_bytes(ob), 0);
	outbuf_free(ob);
}

/* An automatic line waits behind nothing: a user line queued later still
 * goes first, and one queued while user lines wait is dropped. */
static void test_auto_after_user_lines(void **unused)
{
	(void)unused;
	static const size_t all[] = {100000};
	struct fake_writer w = {.counts = all, .ncounts = 1, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE bob :\001VERSION x\001", 0),
	                 OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :mine", 0), OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE carol :\001VERSION x\001", 0),
	                 OUTBUF_DROPPED);
	pump(ob, &w, 0);
	assert_string_equal(written(&w), "PRIVMSG #a :mine\r\nNOTICE bob :\001VERSION x\001\r\n");
	assert_int_equal(outbuf_dropped(ob), 1);
	outbuf_free(ob);
}

/* Automatic lines are bounded on their own. */
static void test_auto_bounded(void **unused)
{
	(void)unused;
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	for (int i = 0; i < OUTBUF_AUTO_MAX; i++)
		assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE b :\001PING 1\001", 0),
		                 OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE b :\001PING 1\001", 0),
	                 OUTBUF_DROPPED);
	assert_int_equal(outbuf_dropped(ob), 1);
	outbuf_free(ob);
}

/* After the user spent the flood budget, an automatic line is dropped
 * rather than sent into the server's flood control; once the estimate has
 * refilled past the reserve, one goes. */
static void test_auto_respects_flood_budget(void **unused)
{
	(void)unused;
	static const size_t all[] = {100000};
	struct fake_writer w = {.counts = all, .ncounts = 1, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	for (int i = 0; i < (int)OUTBUF_FLOOD_BURST; i++)
		assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :paste", 0), OUTBUF_OK);
	pump(ob, &w, 0);
	size_t before = w.used;
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE b :\001VERSION x\001", 0), OUTBUF_OK);
	pump(ob, &w, 1000); /* 5 tokens back: not enough to spare */
	assert_int_equal(w.used, before);
	assert_int_equal(outbuf_dropped(ob), 1);
	assert_int_equal(outbuf_lines(ob), 0);
	/* (reserve + 1) / rate seconds after the paste there are tokens to spare */
	long long later = (long long)((OUTBUF_FLOOD_RESERVE + 1) * 1000 / OUTBUF_FLOOD_RATE);
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE b :\001VERSION y\001", later),
	                 OUTBUF_OK);
	pump(ob, &w, later);
	assert_string_equal(written(&w) + before, "NOTICE b :\001VERSION y\001\r\n");
	assert_int_equal(outbuf_dropped(ob), 1);
	outbuf_free(ob);
}

/* The stall clock: 0 when empty, runs while nothing is written. */
static void test_stall_clock(void **unused)
{
	(void)unused;
	static const size_t counts[] = {4, 0};
	struct fake_writer w = {.counts = counts, .ncounts = 2, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	assert_int_equal(outbuf_stalled_ms(ob, 500), 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :hello", 1000), OUTBUF_OK);
	assert_int_equal(outbuf_stalled_ms(ob, 1500), 500);
	pump(ob, &w, 2000); /* 4 bytes, then "would block" */
	assert_int_equal(outbuf_stalled_ms(ob, 2000), 0);
	assert_int_equal(outbuf_stalled_ms(ob, 9000), 7000);
	/* a later line does not restart the clock: nothing was written */
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :more", 9000), OUTBUF_OK);
	assert_int_equal(outbuf_stalled_ms(ob, 9500), 7500);
	outbuf_free(ob);
}

/* A new connection starts empty; the count says what was not sent. */
static void test_reset(void **unused)
{
	(void)unused;
	static const size_t counts[] = {3, 0};
	struct fake_writer w = {.counts = counts, .ncounts = 2, .room = SIZE_MAX};
	struct outbuf *ob = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, 0);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :1", 0), OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "PRIVMSG #a :2", 0), OUTBUF_OK);
	assert_int_equal(outbuf_push(ob, OUTBUF_AUTO, "NOTICE b :\001PING 1\001", 0),
	                 OUTBUF_DROPPED);
	pump(ob, &w, 0); /* the first line partly written */
	assert_int_equal(outbuf_reset(ob, 10), 2);
	assert_int_equal(outbuf_lines(ob), 0);
	assert_int_equal(outbuf_bytes(ob), 0);
	assert_null(outbuf_next(ob, 10, &(size_t){0}));
	assert_int_equal(outbuf_push(ob, OUTBUF_NORMAL, "NICK a", 10), OUTBUF_OK);
	w.used = 0;
	w.counts = (const size_t[]){100};
	w.ncounts = 1;
	pump(ob, &w, 10);
	assert_string_equal(written(&w), "NICK a\r\n");
	outbuf_free(ob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_short_writes),
	    cmocka_unit_test(test_full_socket_resumes_the_line),
	    cmocka_unit_test(test_invalid_lines),
	    cmocka_unit_test(test_push_all),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_auto_after_user_lines),
	    cmocka_unit_test(test_auto_bounded),
	    cmocka_unit_test(test_auto_respects_flood_budget),
	    cmocka_unit_test(test_stall_clock),
	    cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
