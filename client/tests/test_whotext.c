/* Unit tests for client/whotext: WHOIS and WHO replies as sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utf8.h"
#include "whotext.h"

#define OUT_MAX 1024

/* Formats one raw IRC line; returns whether it was rendered, text in out. */
static bool render(const char *line, char *out, size_t cap)
{
	char buf[2048];
	struct ircmsg m;
	const char *why;
	snprintf(buf, sizeof(buf), "%s", line);
	assert_int_equal(ircmsg_parse(buf, &m, &why), 0);
	memset(out, 'X', cap);
	return whotext_format(&m, out, cap);
}

/* The line renders as exactly want. */
static void expect(const char *line, const char *want)
{
	char out[OUT_MAX];
	if (!render(line, out, sizeof(out)))
		fail_msg("'%s' was not rendered", line);
	assert_string_equal(out, want);
}

/* The line is left to the caller (not rendered, out empty). */
static void expect_raw(const char *line)
{
	char out[OUT_MAX];
	if (render(line, out, sizeof(out)))
		fail_msg("'%s' was rendered as '%s'", line, out);
	assert_string_equal(out, "");
}

/* Sign-on times are shown in local time: UTC for the tests. */
static int utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* What parleyd sends for WHOIS, line by line. */
static void test_whois_parleyd(void **state)
{
	(void)state;
	expect(":parley 311 alice benny ~benny 127.0.0.1 * :Real Name",
	       "benny is ~benny@127.0.0.1 (Real Name)");
	expect(":parley 319 alice benny :#a @#b ", "benny is in #a @#b");
	expect(":parley 312 alice benny parley :parley chat server",
	       "benny is on parley (parley chat server)");
	expect(":parley 301 alice benny :getting coffee", "benny is away: getting coffee");
	expect(":parley 317 alice benny 20 1796119380 :seconds idle, signon time",
	       "benny has been idle 20s, signed on 2026-12-01 10:03");
	expect(":parley 318 alice benny :End of /WHOIS list", "End of WHOIS for benny");
}

/* Idle times read as a person says them, in the two largest units. */
static void test_idle_units(void **state)
{
	(void)state;
	expect(":s 317 a b 0 :seconds idle", "b has been idle 0s");
	expect(":s 317 a b 59 :seconds idle", "b has been idle 59s");
	expect(":s 317 a b 61 :seconds idle", "b has been idle 1m 1s");
	expect(":s 317 a b 3600 :seconds idle", "b has been idle 1h 0m");
	expect(":s 317 a b 90061 :seconds idle", "b has been idle 1d 1h");
	/* No sign-on time, and no trailing text either. */
	expect(":s 317 a b 5", "b has been idle 5s");
	expect(":s 317 a b 5 0", "b has been idle 5s, signed on 1970-01-01 00:00");
}

/* Numerics parleyd does not send but other servers do. */
static void test_whois_other_servers(void **state)
{
	(void)state;
	expect(":s 313 a b :is an IRC operator", "b is an IRC operator");
	expect(":s 330 a b ben :is logged in as", "b is logged in as ben");
	expect(":s 338 a b 10.0.0.7 :actually using host", "b is actually using host 10.0.0.7");
	expect(":s 338 a b ~b@example.net 10.0.0.7 :actually using host",
	       "b is actually using host ~b@example.net (10.0.0.7)");
	expect(":s 378 a b :is connecting from *@example.net 10.0.0.7",
	       "b is connecting from *@example.net 10.0.0.7");
	expect(":s 378 a b :from *@example.net", "b: from *@example.net");
	expect(":s 671 a b :is using a secure connection", "b is using a secure connection");
	expect(":s 301 a b :", "b is away");
	expect(":s 311 a b u h * :", "b is u@h");
	expect(":s 311 a b u h *", "b is u@h");
	expect(":s 312 a b irc.example.net", "b is on irc.example.net");
	expect(":s 318 a b,c :End of /WHOIS list", "End of WHOIS for b,c");
}

/* WHO: one sentence per user, the room first unless it is "*". */
static void test_who(void **state)
{
	(void)state;
	expect(":parley 352 alice #a ~benny 127.0.0.1 parley benny H@ :0 Real Name",
	       "#a: @benny is ~benny@127.0.0.1 (Real Name)");
	expect(":parley 352 alice #a ~c 10.0.0.1 parley carol G :0 Carol C",
	       "#a: carol is ~c@10.0.0.1 (Carol C), away");
	expect(":s 352 a * u h s dave H*+ :3 Dave", "+dave is u@h (Dave), IRC operator");
	expect(":s 352 a #a u h s erin G*@+ :0", "#a: @erin is u@h, away, IRC operator");
	expect(":s 352 a #a u h s fay H", "#a: fay is u@h");
	expect(":s 352 a #a u h s gil H :Gil without hops", "#a: gil is u@h (Gil without hops)");
	expect(":parley 315 alice #a :End of /WHO list", "End of WHO for #a");
}

/* Missing or empty parameters: not rendered, the caller shows them raw. */
static void test_missing_params(void **state)
{
	(void)state;
	expect_raw(":s 311 a b u h");
	expect_raw(":s 311 a b u");
	expect_raw(":s 311 a");
	expect_raw(":s 311");
	expect_raw(":s 311 a :");
	expect_raw(":s 311 a b : h * :real");
	expect_raw(":s 312 a b");
	expect_raw(":s 312 a b :");
	expect_raw(":s 313 a");
	expect_raw(":s 317 a b");
	expect_raw(":s 318 a");
	expect_raw(":s 319 a b");
	expect_raw(":s 319 a b :   ");
	expect_raw(":s 301 a");
	expect_raw(":s 330 a b");
	expect_raw(":s 338 a b");
	expect_raw(":s 378 a b");
	expect_raw(":s 378 a b :");
	expect_raw(":s 671 a");
	expect_raw(":s 352 a #a u h s n");
	expect_raw(":s 352 a #a u h s : H");
	expect_raw(":s 352 a #a u h s n :");
	expect_raw(":s 315 a");
}

/* Idle and sign-on times that are no numbers, or too large to be times. */
static void test_bad_numbers(void **state)
{
	(void)state;
	expect_raw(":s 317 a b abc :seconds idle");
	expect_raw(":s 317 a b -5 :seconds idle");
	expect_raw(":s 317 a b 12x 1796119380 :seconds idle, signon time");
	expect_raw(":s 317 a b +7 :seconds idle");
	expect_raw(":s 317 a b :");
	expect_raw(":s 317 a b 20 -1 :seconds idle, signon time");
	expect_raw(":s 317 a b 20 17961x :seconds idle, signon time");
	/* Huge: more digits than a long long holds, or past year 9999. */
	expect_raw(":s 317 a b 99999999999999999999999 1 :seconds idle, signon time");
	expect_raw(":s 317 a b 1 99999999999999999999999 :seconds idle, signon time");
	expect_raw(":s 317 a b 1 253402300800 :seconds idle, signon time");
	expect(":s 317 a b 1 253402300799 :x", "b has been idle 1s, signed on 9999-12-31 23:59");
	expect(":s 317 a b 999999999999999999 :seconds idle", "b has been idle 11574074074074d 1h");
}

/* Numerics this module does not know, and non-numerics, are left alone. */
static void test_unknown(void **state)
{
	(void)state;
	expect_raw(":s 001 a :Welcome");
	expect_raw(":s 314 a b u h * :real");
	expect_raw(":s 353 a = #a :@a b");
	expect_raw(":s 999 a b c");
	expect_raw(":b!u@h PRIVMSG a :311");
	/* Not three digits (the parser refuses these; the formatter still checks). */
	char *params[] = {"a", "b", "u", "h", "*", "r"};
	const char *cmds[] = {"31", "3111", "31a", ""};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[8], out[64];
		snprintf(cmd, sizeof(cmd), "%s", cmds[i]);
		struct ircmsg m = {.command = cmd, .nparams = 6};
		memcpy(m.params, params, sizeof(params));
		assert_false(whotext_format(&m, out, sizeof(out)));
		assert_string_equal(out, "");
	}
}

/* A buffer too small: the sentence is cut, terminated, at a UTF-8 boundary. */
static void test_small_buffer(void **state)
{
	(void)state;
	char out[12];
	/* "ü" is two bytes; the cut must not leave half of one. */
	assert_true(
	    render(":s 301 a b :\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", out, sizeof(out)));
	assert_true(strlen(out) < sizeof(out));
	assert_true(utf8_valid(out, strlen(out)));
	assert_string_equal(out, "b is away: ");
	char one[1];
	assert_true(render(":s 313 a b :x", one, sizeof(one)));
	assert_string_equal(one, "");
}

/* Long parameters (a full 512-byte line) fit the display buffer or are cut. */
static void test_long_params(void **state)
{
	(void)state;
	char line[600], want[600], out[OUT_MAX];
	char real[400];
	memset(real, 'r', sizeof(real) - 1);
	real[sizeof(real) - 1] = '\0';
	snprintf(line, sizeof(line), ":s 311 a b u h * :%s", real);
	snprintf(want, sizeof(want), "b is u@h (%s)", real);
	assert_true(render(line, out, sizeof(out)));
	assert_string_equal(out, want);
	char small[64];
	assert_true(render(line, small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whois_parleyd),
	    cmocka_unit_test(test_idle_units),
	    cmocka_unit_test(test_whois_other_servers),
	    cmocka_unit_test(test_who),
	    cmocka_unit_test(test_missing_params),
	    cmocka_unit_test(test_bad_numbers),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_small_buffer),
	    cmocka_unit_test(test_long_params),
	};
	return cmocka_run_group_tests(tests, utc, NULL);
}
