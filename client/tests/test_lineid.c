/* Unit tests for client/lineid: what makes a line a repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lineid.h"

#define T0 1796119380000LL /* 2026-12-01 10:03:00.000 UTC */

/* Remembers a line made from these fields in s. */
static void seen(struct seenset *s, const char *msgid, bool has_time, long long ms,
                 const char *nick, const char *text)
{
	struct lineid id;
	lineid_make(&id, msgid, has_time, ms, nick, text, -1, false);
	lineid_remember(&id, s);
}

/* Is a line made from these fields a repeat in s? */
static bool dup(struct seenset *s, const char *msgid, bool has_time, long long ms, const char *nick,
                const char *text, int replay_minute, bool own_loose)
{
	struct lineid id;
	lineid_make(&id, msgid, has_time, ms, nick, text, replay_minute, own_loose);
	return lineid_is_dup(&id, s);
}

/* A msgid decides alone: the same id is a repeat, whatever else differs;
 * equal lines with their own ids all show. */
static void test_msgid_decides(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	seen(s, "aaaa", true, T0, "bob", "hi");
	assert_true(dup(s, "aaaa", true, T0 + 5, "bob", "hi", -1, false));
	assert_true(dup(s, "aaaa", false, 0, "x", "y", -1, false));
	assert_false(dup(s, "aaab", true, T0, "bob", "hi", -1, false));
	/* A hundred equal lines at the same millisecond, each its own id. */
	char id[16];
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "id%d", i);
		assert_false(dup(s, id, true, T0, "bob", "spam", -1, false));
		seen(s, id, true, T0, "bob", "spam");
	}
	seenset_free(s);
}

/* Without a msgid, server-time + nick + text decide (to the millisecond;
 * nicks compared case-insensitively). */
static void test_exact_key(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	seen(s, NULL, true, T0 + 123, "Bob", "hi there");
	assert_true(dup(s, NULL, true, T0 + 123, "bob", "hi there", -1, false));
	assert_false(dup(s, NULL, true, T0 + 124, "bob", "hi there", -1, false));
	assert_false(dup(s, NULL, true, T0 + 123, "carol", "hi there", -1, false));
	assert_false(dup(s, NULL, true, T0 + 123, "bob", "hi there!", -1, false));
	seenset_free(s);
}

/* A live line without tags is never a repeat: people say "ok" twice. */
static void test_untagged_never_dup(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	seen(s, NULL, false, T0, "bob", "ok");
	assert_false(dup(s, NULL, false, T0, "bob", "ok", -1, false));
	seenset_free(s);
}

/* parleyd's "[history HH:MM] text" replay (no server-time) matches a shown
 * line by nick, text and minute of the hour. */
static void test_replay_prefix_loose(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	seen(s, NULL, true, T0 + 30000, "bob", "lunch?"); /* said at 10:03:30 UTC */
	const char *rest = NULL;
	int minute = lineid_replay_prefix("[history 11:03] lunch?", &rest);
	assert_int_equal(minute, 3); /* the server's zone is an hour off: same minute */
	assert_string_equal(rest, "lunch?");
	assert_true(dup(s, NULL, false, 0, "bob", rest, minute, false));
	assert_false(dup(s, NULL, false, 0, "bob", rest, 4, false));
	assert_false(dup(s, NULL, false, 0, "carol", rest, minute, false));
	seenset_free(s);
}

/* The prefix is recognised exactly: anything else is text. */
static void test_replay_prefix_parse(void **unused)
{
	(void)unused;
	const char *rest = "unchanged";
	assert_int_equal(lineid_replay_prefix("[history 23:59] x", &rest), 59);
	assert_string_equal(rest, "x");
	assert_int_equal(lineid_replay_prefix("[history 00:00] ", &rest), 0);
	assert_string_equal(rest, "");
	const char *bad[] = {
	    "[history 24:00] x", "[history 12:60] x", "[history 1:05] x", "[history 12:05]x",
	    "[history 12-05] x", "[History 12:05] x", "history 12:05 x",  "",
	    "[history 12:0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lineid_replay_prefix(bad[i], &rest), -1);
}

/* Our own line typed without echo-message: never dropped, but remembered,
 * and its replay (from our nick, tagged with the server's time) is known. */
static void test_own_line_replayed(void **unused)
{
	(void)unused;
	struct seenset *s = seenset_new(0);
	struct lineid typed;
	lineid_make(&typed, NULL, false, T0 + 1000, "alice", "brb", -1, false);
	assert_int_equal(typed.match, LINEID_MATCH_NONE);
	lineid_remember(&typed, s);
	assert_false(dup(s, NULL, false, T0 + 2000, "alice", "brb", -1, false)); /* typed again */
	assert_true(dup(s, NULL, true, T0 + 1180, "alice", "brb", -1, true));    /* replayed */
	seenset_free(s);
}

/* msgids that cannot be sent back are none. */
static void test_msgid_ok(void **unused)
{
	(void)unused;
	assert_true(lineid_msgid_ok("abcdefghijklmnopqrstuvwxyz"));
	assert_false(lineid_msgid_ok(""));
	assert_false(lineid_msgid_ok(":abc"));
	assert_false(lineid_msgid_ok("a b"));
	assert_false(lineid_msgid_ok("a\x01"));
	char longid[LINEID_MSGID_MAX + 2];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_false(lineid_msgid_ok(longid));
	longid[LINEID_MSGID_MAX] = '\0';
	assert_true(lineid_msgid_ok(longid));
	struct lineid id;
	lineid_make(&id, "has space", true, T0, "bob", "x", -1, false);
	assert_false(id.has_msgid);
	assert_int_equal(id.match, LINEID_MATCH_EXACT);
	/* msgids differing only at the very end are different. */
	struct seenset *s = seenset_new(0);
	longid[LINEID_MSGID_MAX - 1] = 'b';
	seen(s, longid, true, T0, "bob", "x");
	longid[LINEID_MSGID_MAX - 1] = 'c';
	assert_false(dup(s, longid, true, T0, "bob", "x", -1, false));
	seenset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_msgid_decides),
	    cmocka_unit_test(test_exact_key),
	    cmocka_unit_test(test_untagged_never_dup),
	    cmocka_unit_test(test_replay_prefix_loose),
	    cmocka_unit_test(test_replay_prefix_parse),
	    cmocka_unit_test(test_own_line_replayed),
	    cmocka_unit_test(test_msgid_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
