/* Helpers shared by the store's unit tests: temporary data directories,
 * messages with ids made from their seq, and bounded waits for the store
 * thread. Header-only (static inline functions): each test program includes it once. */
#ifndef PARLEY_STORE_TEST_UTIL_H
#define PARLEY_STORE_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

/* A new empty directory under /tmp (caller frees the string). */
static inline char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/parley-store-XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	return strdup(tmpl);
}

/* Removes dir and the files in it (the store makes no subdirectories). */
static inline void test_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* A msgid (26 base32 characters) that encodes seq. */
static inline void test_msgid(unsigned long long seq, char out[MSGID_LEN + 1])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	for (int i = MSGID_LEN - 1; i >= 0; i--) {
		out[i] = b32[seq & 31];
		seq >>= 5;
	}
	out[MSGID_LEN] = '\0';
}

/* Hands the store one PRIVMSG with this seq and time. */
static inline void test_append(struct store *st, const char *target, unsigned long long seq,
			long long unix_ms)
{
	struct history_record r = {.seq = seq, .unix_ms = unix_ms, .source = "nick!user@host",
				   .command = "PRIVMSG", .tags = "+draft/react=x"};
	test_msgid(seq, r.msgid);
	char text[64];
	snprintf(text, sizeof text, "message number %llu", seq);
	r.text = text;
	store_append(st, target, &r);
}

/* Sleeps ms milliseconds. */
static inline void test_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits (at most 20 s) until the store has written at least n messages. */
static inline int test_wait_written(struct store *st, unsigned long long n)
{
	for (int i = 0; i < 2000; i++) {
		struct store_stats s;
		store_stats(st, &s);
		if (s.written >= n)
			return 0;
		test_sleep_ms(10);
	}
	return -1;
}

/* Waits (at most 20 s) until the store's writes fail (or work again). */
static inline int test_wait_failing(struct store *st, bool failing)
{
	for (int i = 0; i < 2000; i++) {
		struct store_stats s;
		store_stats(st, &s);
		if (s.failing == failing)
			return 0;
		test_sleep_ms(10);
	}
	return -1;
}

#endif
