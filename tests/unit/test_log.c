/* Unit tests for common/log: stderr is redirected to a file and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char captured[8192];

/* Runs fn with stderr pointed at a temporary file; leaves the output in captured. */
static void capture(void (*fn)(void))
{
	char path[] = "/tmp/parley_test_log_XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	fn();
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = pread(fd, captured, sizeof(captured) - 1, 0);
	assert_true(n >= 0);
	captured[n] = '\0';
	close(fd);
}

/* Level names parse, case-insensitively; junk does not. */
static void test_parse_level(void **state)
{
	enum log_level l = LOG_INFO;

	(void)state;
	assert_int_equal(log_parse_level("error", &l), 0);
	assert_int_equal(l, LOG_ERROR);
	assert_int_equal(log_parse_level("warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_equal(log_parse_level("DEBUG", &l), 0);
	assert_int_equal(l, LOG_DEBUG);
	assert_int_equal(log_parse_level("info", &l), 0);
	assert_int_equal(l, LOG_INFO);
	assert_int_equal(log_parse_level("verbose", &l), -1);
	assert_int_equal(log_parse_level("", &l), -1);
	log_set_level(LOG_WARN);
	assert_int_equal(log_get_level(), LOG_WARN);
	log_set_level(LOG_INFO);
}

/* Emits one line per level at threshold "info". */
static void emit_levels(void)
{
	log_set_level(LOG_INFO);
	log_error("e %d", 1);
	log_warn("w %s", "two");
	log_info("i");
	log_debug("hidden");
}

/* Checks the "YYYY-MM-DD HH:MM:SS.mmm LEVEL msg" shape of one line. */
static void check_line(const char *line, const char *level, const char *msg)
{
	char want[256];

	assert_true(strlen(line) > 24);
	for (int i = 0; i < 23; i++) {
		char c = line[i];

		if (i == 4 || i == 7)
			assert_int_equal(c, '-');
		else if (i == 10)
			assert_int_equal(c, ' ');
		else if (i == 13 || i == 16)
			assert_int_equal(c, ':');
		else if (i == 19)
			assert_int_equal(c, '.');
		else
			assert_true(c >= '0' && c <= '9');
	}
	snprintf(want, sizeof(want), " %s %s", level, msg);
	assert_string_equal(line + 23, want);
}

/* Format, level filtering, one line each. */
static void test_format(void **state)
{
	char *save = NULL;
	char *line;

	(void)state;
	capture(emit_levels);
	line = strtok_r(captured, "\n", &save);
	assert_non_null(line);
	check_line(line, "ERROR", "e 1");
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(line);
	check_line(line, "WARN", "w two");
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(line);
	check_line(line, "INFO", "i");
	assert_null(strtok_r(NULL, "\n", &save));
}

/* Peer data with control bytes, and a very long message. */
static void emit_hostile(void)
{
	static char big[5000];

	memset(big, 'z', sizeof(big) - 1);
	log_info("peer said %s", "a\r\nFAKE\x1b[2J");
	log_info("%s", big);
}

/* Control bytes cannot forge lines; long messages are cut, still one line. */
static void test_hostile(void **state)
{
	char *save = NULL;
	char *line;

	(void)state;
	capture(emit_hostile);
	line = strtok_r(captured, "\n", &save);
	assert_non_null(line);
	check_line(line, "INFO", "peer said a??FAKE?[2J");
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(line);
	assert_true(strlen(line) < 1024);
	assert_string_equal(line + strlen(line) - 3, "...");
	assert_null(strtok_r(NULL, "\n", &save));
}

/* Bidi controls are removed, C1 controls masked; RTL letters stay. */
static void emit_unicode(void)
{
	log_info("quit: %s", "\xe2\x80\xae" "evil\xe2\x80\xac \xd7\xa9\xd7\x9c csi\xc2\x9b" "2J");
}

static void test_unicode(void **state)
{
	char *save = NULL;

	(void)state;
	capture(emit_unicode);
	check_line(strtok_r(captured, "\n", &save), "INFO",
		   "quit: evil \xd7\xa9\xd7\x9c csi?2J");
}

/* With the log thread running and stderr a pipe nobody reads, logging never
 * waits: every call returns, the surplus is dropped and counted, and once the
 * pipe is read again a line says how many were dropped. log_stop returns
 * even while the pipe is full. */
static void test_stalled_pipe(void **state)
{
	int pipefd[2];
	int saved = dup(STDERR_FILENO);
	static char buf[1 << 16];
	size_t got = 0, keep = 0;
	bool seen = false;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	assert_true(dup2(pipefd[1], STDERR_FILENO) >= 0);
	close(pipefd[1]);
	log_set_level(LOG_INFO);
	assert_int_equal(log_start(), 0);
	for (int i = 0; i < 20000; i++)
		log_info("line %d of a log nobody reads, padded to be long enough to fill", i);
	assert_true(log_dropped_total() > 0);
	/* Read again: the drop report comes (bounded: 200 reads of up to 10 s). */
	for (int i = 0; i < 200 && !seen; i++) {
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		ssize_t n = read(pipefd[0], buf + keep, sizeof buf - 1 - keep);
		assert_true(n > 0);
		buf[keep + (size_t)n] = '\0';
		got += (size_t)n;
		seen = strstr(buf, "log lines dropped") != NULL;
		/* Keep the end of this read: the words may straddle two reads. */
		size_t total = keep + (size_t)n;
		size_t tail = total < 64 ? total : 64;
		memmove(buf, buf + total - tail, tail);
		keep = tail;
		if (!seen)
			log_info("nudge %d", i); /* a line to write after the report */
	}
	assert_true(seen);
	/* Stalled again, and stopped: log_stop gives up on the pipe. */
	for (int i = 0; i < 5000; i++)
		log_info("line %d of a log nobody reads, padded to be long enough to fill", i);
	log_stop();
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	close(pipefd[0]);
	assert_true(got > 0);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_level),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_unicode),
	    cmocka_unit_test(test_stalled_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
