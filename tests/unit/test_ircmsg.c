/* Unit tests for common/ircmsg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ircmsg.h"

/* Parses a copy of text, asserting success. */
static void parse_ok(const char *text, char *buf, size_t cap, struct ircmsg *msg)
{
	const char *reason = NULL;
	int n = snprintf(buf, cap, "%s", text);

	assert_true(n >= 0 && (size_t)n < cap);
	assert_int_equal(ircmsg_parse(buf, msg, &reason), 0);
	assert_non_null(msg->command);
}

/* Parses a copy of text, asserting failure with a reason. */
static void parse_fail(const char *text)
{
	char buf[1024];
	struct ircmsg msg;
	const char *reason = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	assert_int_equal(ircmsg_parse(buf, &msg, &reason), -1);
	assert_non_null(reason);
}

/* Plain commands, prefix, middles and trailing. */
static void test_parse_basic(void **state)
{
	char buf[1024];
	struct ircmsg m;

	(void)state;
	parse_ok("PING", buf, sizeof(buf), &m);
	assert_null(m.tags);
	assert_null(m.prefix);
	assert_string_equal(m.command, "PING");
	assert_int_equal(m.nparams, 0);

	parse_ok(":nick!u@h PRIVMSG #chan :hello there  :)", buf, sizeof(buf), &m);
	assert_string_equal(m.prefix, "nick!u@h");
	assert_string_equal(m.command, "PRIVMSG");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "#chan");
	assert_string_equal(m.params[1], "hello there  :)");

	parse_ok("USER  guest   0 *  :Real Name", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 4);
	assert_string_equal(m.params[0], "guest");
	assert_string_equal(m.params[1], "0");
	assert_string_equal(m.params[2], "*");
	assert_string_equal(m.params[3], "Real Name");

	parse_ok("TOPIC #c :", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], "");

	parse_ok("MODE #c +o   ", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[1], "+o");

	parse_ok("001 me :Welcome", buf, sizeof(buf), &m);
	assert_string_equal(m.command, "001");
	assert_int_equal(m.nparams, 2);

	parse_ok("privmsg a b", buf, sizeof(buf), &m);
	ircmsg_upcase(m.command);
	assert_string_equal(m.command, "PRIVMSG");
}

/* IRCv3 tags before the prefix. */
static void test_parse_tags(void **state)
{
	char buf[1024];
	struct ircmsg m;

	(void)state;
	parse_ok("@a=b;c :prefix CMD p1 p2 :trailing", buf, sizeof(buf), &m);
	assert_string_equal(m.tags, "a=b;c");
	assert_string_equal(m.prefix, "prefix");
	assert_string_equal(m.command, "CMD");
	assert_int_equal(m.nparams, 3);
	assert_string_equal(m.params[2], "trailing");

	parse_ok("@+draft/x=1 TAGMSG #c", buf, sizeof(buf), &m);
	assert_string_equal(m.tags, "+draft/x=1");
	assert_null(m.prefix);
	assert_string_equal(m.command, "TAGMSG");
}

/* The 15-parameter rule of RFC 2812. */
static void test_parse_params_limit(void **state)
{
	char buf[1024];
	struct ircmsg m;

	(void)state;
	parse_ok("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 15);
	assert_string_equal(m.params[13], "14");
	assert_string_equal(m.params[14], "15 16 17");

	parse_ok("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :last one", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 15);
	assert_string_equal(m.params[14], "last one");

	parse_ok("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 15);
	assert_string_equal(m.params[14], "15");

	parse_ok("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 :x y", buf, sizeof(buf), &m);
	assert_int_equal(m.nparams, 14);
	assert_string_equal(m.params[13], "x y");
}

/* Lines without a usable command are refused. */
static void test_parse_reject(void **state)
{
	(void)state;
	parse_fail("");
	parse_fail("   ");
	parse_fail(":prefix");
	parse_fail(":prefix   ");
	parse_fail("@a=b");
	parse_fail("@a=b :prefix");
	parse_fail("@ PING");
	parse_fail(": PING");
	parse_fail("12 x");
	parse_fail("1234 x");
	parse_fail("PR1V x");
	parse_fail("P-NG");
	parse_fail(":p :trailing");
}

/* Formatting: trailing only where needed, CR LF appended. */
static void test_format_basic(void **state)
{
	char buf[IRC_LINE_MAX];
	const char *p1[] = {"#chan", "hello world"};
	const char *p2[] = {"me", "x"};
	const char *p3[] = {""};
	const char *p4[] = {":)"};
	int n;

	(void)state;
	n = ircmsg_format(buf, sizeof(buf), NULL, "nick!u@h", "PRIVMSG", 2, p1);
	assert_string_equal(buf, ":nick!u@h PRIVMSG #chan :hello world\r\n");
	assert_int_equal(n, (int)strlen(buf));

	n = ircmsg_format(buf, sizeof(buf), NULL, NULL, "PONG", 2, p2);
	assert_string_equal(buf, "PONG me x\r\n");
	assert_int_equal(n, 11);

	ircmsg_format(buf, sizeof(buf), NULL, NULL, "TOPIC", 1, p3);
	assert_string_equal(buf, "TOPIC :\r\n");
	ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 1, p4);
	assert_string_equal(buf, "X ::)\r\n");
	ircmsg_format(buf, sizeof(buf), "time=2026-01-01T00:00:00.000Z", "srv", "PING", 0, NULL);
	assert_string_equal(buf, "@time=2026-01-01T00:00:00.000Z :srv PING\r\n");
}

/* The capacity counts CR LF and the NUL; nothing is truncated silently. */
static void test_format_cap(void **state)
{
	char buf[64];
	const char *p[] = {"abc"};
	/* "CMD abc\r\n" is 9 bytes, so it needs 10 with the NUL. */

	(void)state;
	assert_int_equal(ircmsg_format(buf, 10, NULL, NULL, "CMD", 1, p), 9);
	assert_int_equal(ircmsg_format(buf, 9, NULL, NULL, "CMD", 1, p), -1);
	assert_int_equal(ircmsg_format(buf, 8, NULL, NULL, "CMD", 1, p), -1);
	assert_int_equal(ircmsg_format(buf, 1, NULL, NULL, "CMD", 1, p), -1);
	assert_int_equal(ircmsg_format(buf, 0, NULL, NULL, "CMD", 1, p), -1);
}

/* Malformed middles and injected line breaks are refused. */
static void test_format_reject(void **state)
{
	char buf[IRC_LINE_MAX];
	const char *space_mid[] = {"a b", "c"};
	const char *empty_mid[] = {"", "c"};
	const char *colon_mid[] = {":a", "c"};
	const char *cr_mid[] = {"a\rb", "c"};
	const char *lf_trail[] = {"a", "evil\nQUIT"};
	const char *cr_trail[] = {"a", "evil\r"};

	(void)state;
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, space_mid), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, empty_mid), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, colon_mid), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, cr_mid), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, lf_trail), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 2, cr_trail), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, "a b", "X", 0, NULL), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, "a\n", "X", 0, NULL), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "", 0, NULL), -1);
	assert_int_equal(ircmsg_format(buf, sizeof(buf), NULL, NULL, "X", 16, space_mid), -1);
}

/* Formatting then parsing gives back the same fields. */
static void test_roundtrip(void **state)
{
	char buf[IRC_LINE_MAX];
	const char *p[] = {"#c", "x", "some : text"};
	struct ircmsg m;
	const char *reason;
	int n;

	(void)state;
	n = ircmsg_format(buf, sizeof(buf), "a=1", "pre", "NOTICE", 3, p);
	assert_true(n > 2);
	buf[n - 2] = '\0'; /* drop CR LF as the line framer would */
	assert_int_equal(ircmsg_parse(buf, &m, &reason), 0);
	assert_string_equal(m.tags, "a=1");
	assert_string_equal(m.prefix, "pre");
	assert_string_equal(m.command, "NOTICE");
	assert_int_equal(m.nparams, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(m.params[i], p[i]);
}

/* server-time values in UTC with milliseconds. */
static void test_time_tag(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(ircmsg_time_tag(buf, sizeof(buf), 0), 24);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	/* 2026-11-22T05:03:24.123Z */
	assert_int_equal(ircmsg_time_tag(buf, sizeof(buf), 1795323804123LL), 24);
	assert_string_equal(buf, "2026-11-22T05:03:24.123Z");
	ircmsg_time_tag(buf, sizeof(buf), 1000000000007LL);
	assert_string_equal(buf, "2001-09-09T01:46:40.007Z");
	ircmsg_time_tag(buf, sizeof(buf), -1);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	assert_int_equal(ircmsg_time_tag(buf, 24, 0), -1);
	assert_int_equal(ircmsg_time_tag(buf, 25, 0), 24);
}

/* Tag lookup with IRCv3 unescaping. */
static void test_tag_get(void **state)
{
	char buf[64];
	const char *tags = "a=b;c;label=x\\:y\\sz\\\\w\\r\\n;d=;e=\\q\\;+vendor/k=v;a=last";

	(void)state;
	assert_int_equal(ircmsg_tag_get(tags, "label", buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "x;y z\\w\r\n", 10);
	assert_int_equal(ircmsg_tag_get(tags, "c", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(ircmsg_tag_get(tags, "d", buf, sizeof(buf)), 0);
	assert_int_equal(ircmsg_tag_get(tags, "e", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "q");
	assert_int_equal(ircmsg_tag_get(tags, "+vendor/k", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "v");
	assert_int_equal(ircmsg_tag_get(tags, "a", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "last");
	assert_int_equal(ircmsg_tag_get(tags, "missing", buf, sizeof(buf)), -1);
	assert_int_equal(ircmsg_tag_get(tags, "lab", buf, sizeof(buf)), -1);
	assert_int_equal(ircmsg_tag_get(tags, "label", buf, 9), -1);
	assert_int_equal(ircmsg_tag_get(tags, "label", buf, 10), 9);
	assert_int_equal(ircmsg_tag_get("", "a", buf, sizeof(buf)), -1);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_basic),        cmocka_unit_test(test_parse_tags),
	    cmocka_unit_test(test_parse_params_limit), cmocka_unit_test(test_parse_reject),
	    cmocka_unit_test(test_format_basic),       cmocka_unit_test(test_format_cap),
	    cmocka_unit_test(test_format_reject),      cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_time_tag),           cmocka_unit_test(test_tag_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
