/* Unit tests for common/ircname. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "ircname.h"

/* The rfc1459 mapping, including its four odd pairs. */
static void test_fold(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(ircname_fold_char('A'), 'a');
	assert_int_equal(ircname_fold_char('['), '{');
	assert_int_equal(ircname_fold_char(']'), '}');
	assert_int_equal(ircname_fold_char('\\'), '|');
	assert_int_equal(ircname_fold_char('~'), '^');
	assert_int_equal(ircname_fold_char('{'), '{');
	assert_int_equal(ircname_fold_char('1'), '1');
	assert_int_equal(ircname_fold_char('\xc3'), '\xc3');
	assert_int_equal(ircname_fold(buf, sizeof(buf), "Nick[A]\\~"), 9);
	assert_string_equal(buf, "nick{a}|^");
	assert_int_equal(ircname_fold(buf, 4, "abcd"), -1);
	assert_int_equal(ircname_fold(buf, 5, "abcd"), 4);
}

/* Comparison is case-insensitive and ordered like strcmp. */
static void test_cmp(void **state)
{
	(void)state;
	assert_int_equal(ircname_cmp("NiCK[]", "nick{}"), 0);
	assert_int_equal(ircname_cmp("#Chan", "#chan"), 0);
	assert_true(ircname_cmp("abc", "abd") < 0);
	assert_true(ircname_cmp("abd", "ABC") > 0);
	assert_true(ircname_cmp("ab", "abc") < 0);
	assert_true(ircname_cmp("abc", "ab") > 0);
	assert_true(ircname_cmp("a", "\xc3") < 0);
}

/* Nickname syntax. */
static void test_nick(void **state)
{
	(void)state;
	assert_true(ircname_nick_valid("alice"));
	assert_true(ircname_nick_valid("a"));
	assert_true(ircname_nick_valid("[away]"));
	assert_true(ircname_nick_valid("_x-1^{|}`\\"));
	assert_true(ircname_nick_valid("abcdefghijabcdefghijabcdefghij"));   /* 30 */
	assert_false(ircname_nick_valid("abcdefghijabcdefghijabcdefghijk")); /* 31 */
	assert_false(ircname_nick_valid(""));
	assert_false(ircname_nick_valid("1abc"));
	assert_false(ircname_nick_valid("-abc"));
	assert_false(ircname_nick_valid("a b"));
	assert_false(ircname_nick_valid("a,b"));
	assert_false(ircname_nick_valid("a:b"));
	assert_false(ircname_nick_valid("a!b"));
	assert_false(ircname_nick_valid("a@b"));
	assert_false(ircname_nick_valid("a*"));
	assert_false(ircname_nick_valid("#chan"));
	assert_false(ircname_nick_valid("caf\xc3\xa9"));
	assert_false(ircname_nick_valid("a~"));
}

/* Channel syntax. */
static void test_channel(void **state)
{
	char name[64];

	(void)state;
	assert_true(ircname_channel_valid("#a"));
	assert_true(ircname_channel_valid("#parley-dev"));
	assert_true(ircname_channel_valid("#caf\xc3\xa9"));
	assert_true(ircname_channel_valid("##"));
	assert_false(ircname_channel_valid("#"));
	assert_false(ircname_channel_valid(""));
	assert_false(ircname_channel_valid("chan"));
	assert_false(ircname_channel_valid("&chan"));
	assert_false(ircname_channel_valid("#a b"));
	assert_false(ircname_channel_valid("#a,b"));
	assert_false(ircname_channel_valid("#a:b"));
	assert_false(ircname_channel_valid("#a\x07"));
	assert_false(ircname_channel_valid("#a\r"));
	assert_false(ircname_channel_valid("#a\n"));
	assert_false(ircname_channel_valid("#a\x1b[31m"));
	assert_false(ircname_channel_valid("#caf\xc3"));
	assert_false(ircname_channel_valid("#\xc0\x80"));
	memset(name, 'x', sizeof(name));
	name[0] = '#';
	name[50] = '\0';
	assert_true(ircname_channel_valid(name)); /* 50 bytes */
	name[50] = 'x';
	name[51] = '\0';
	assert_false(ircname_channel_valid(name)); /* 51 bytes */
}

/* Wildcard masks. */
static void test_mask(void **state)
{
	(void)state;
	assert_true(ircname_mask_match("*", ""));
	assert_true(ircname_mask_match("*", "anything"));
	assert_true(ircname_mask_match("", ""));
	assert_false(ircname_mask_match("", "a"));
	assert_false(ircname_mask_match("?", ""));
	assert_true(ircname_mask_match("?", "x"));
	assert_true(ircname_mask_match("nick!*@*", "Nick!user@host"));
	assert_true(ircname_mask_match("*!*@*.example.com", "a!b@c.EXAMPLE.com"));
	assert_false(ircname_mask_match("*!*@*.example.com", "a!b@example.com"));
	assert_true(ircname_mask_match("n?ck", "NICK"));
	assert_false(ircname_mask_match("n?ck", "nck"));
	assert_true(ircname_mask_match("[x]*", "{X}yz"));
	assert_true(ircname_mask_match("a*b*c", "aXXbYYc"));
	assert_false(ircname_mask_match("a*b*c", "aXXbYYcd"));
	assert_true(ircname_mask_match("a**", "a"));
	assert_true(ircname_mask_match("*a", "aaa"));
	assert_true(ircname_mask_match("*?", "a"));
	assert_false(ircname_mask_match("*?", ""));
	assert_true(ircname_mask_match("#*dev*", "#parley-dev-talk"));
}

/* A channel ban mask in short form becomes nick!user@host. */
static void test_mask_canonical(void **state)
{
	(void)state;
	char out[32];
	struct {
		const char *in, *want;
	} cases[] = {
	    {"bob", "bob!*@*"},          {"bob@*", "*!bob@*"},
	    {"*!bob", "*!bob@*"},        {"bob!", "bob!*@*"},
	    {"@host", "*!*@host"},       {"a!b@c", "a!b@c"},
	    {"*.example.com", "*!*@*.example.com"}, {"10.0.0.1", "*!*@10.0.0.1"},
	    {"::1", "*!*@::1"},          {"!@", "*!*@*"},
	    {"a!b!c@d", "a!b!c@d"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(ircname_mask_canonical(cases[i].in, out, sizeof out), 0);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(ircname_mask_canonical("abcdefghijklmnopqrstuvwxyz0", out, sizeof out),
			 0); /* 27 + "!*@*" and the NUL: 32 */
	assert_int_equal(ircname_mask_canonical("abcdefghijklmnopqrstuvwxyz01", out, sizeof out),
			 -1); /* one more does not fit */
	assert_int_equal(ircname_mask_canonical("", out, sizeof out), -1);
}

/* A mask that is exponential for naive recursion must finish quickly. */
static void test_mask_pathological(void **state)
{
	char text[20001];
	clock_t start = clock();
	double secs;

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_false(ircname_mask_match("*a*a*a*a*a*a*a*b", text));
	assert_false(ircname_mask_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
	assert_true(ircname_mask_match("*a*a*a*a*a*a*a*a", text));
	secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	assert_true(secs < 2.0);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold), cmocka_unit_test(test_cmp),
	    cmocka_unit_test(test_nick), cmocka_unit_test(test_channel),
	    cmocka_unit_test(test_mask), cmocka_unit_test(test_mask_pathological),
	    cmocka_unit_test(test_mask_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
