/* Unit tests for client/command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "command.h"

static struct user_command cmd; /* 16 KiB: not on the test's stack */

/* Parses line and expects kind, arg and rest. */
static void expect(const char *line, enum command_kind kind, const char *arg, const char *rest)
{
	assert_int_equal(command_parse(line, &cmd), kind);
	assert_int_equal(cmd.kind, kind);
	assert_string_equal(cmd.arg, arg);
	assert_non_null(cmd.rest);
	assert_string_equal(cmd.rest, rest);
	/* self-contained: rest points into our own copy */
	if (*cmd.rest)
		assert_true(cmd.rest >= cmd.buf && cmd.rest < cmd.buf + sizeof(cmd.buf));
	if (kind != CMD_USAGE)
		assert_null(cmd.usage);
}

/* Expects a usage error for the named command. */
static void expect_usage(const char *line, const char *name, const char *usage)
{
	assert_int_equal(command_parse(line, &cmd), CMD_USAGE);
	assert_string_equal(cmd.name, name);
	assert_non_null(cmd.usage);
	assert_string_equal(cmd.usage, usage);
}

/* Plain text, "//", blank lines. */
static void test_say(void **state)
{
	(void)state;
	expect("hello world", CMD_SAY, "", "hello world");
	expect("  spaced  out  ", CMD_SAY, "", "  spaced  out  ");
	expect("//join is a command", CMD_SAY, "", "/join is a command");
	expect("//", CMD_SAY, "", "/");
	expect(" /join #a", CMD_SAY, "", " /join #a");
	expect("", CMD_NONE, "", "");
	expect("    ", CMD_NONE, "", "");
	expect("h\xc3\xa9 \xe4\xb8\xad", CMD_SAY, "", "h\xc3\xa9 \xe4\xb8\xad");
}

/* Each command with its arguments, odd spacing and case. */
static void test_commands(void **state)
{
	(void)state;
	expect("/join #a", CMD_JOIN, "#a", "");
	expect("/JOIN   #a,#b   key1,key2   junk  ", CMD_JOIN, "#a,#b", "key1,key2");
	assert_string_equal(cmd.name, "join");
	expect("/part", CMD_PART, "", "");
	expect("/part #a", CMD_PART, "#a", "");
	expect("/part  #a   gone  fishing ", CMD_PART, "#a", "gone  fishing");
	expect("/part gone fishing", CMD_PART, "", "gone fishing");
	expect("/msg bob hi there", CMD_MSG, "bob", "hi there");
	expect("/Msg   bob    hello  there  ", CMD_MSG, "bob", "hello  there");
	expect("/query bob", CMD_QUERY, "bob", "");
	expect("/query bob are you there?", CMD_QUERY, "bob", "are you there?");
	expect("/me waves", CMD_ME, "", "waves");
	expect("/me   waves  slowly ", CMD_ME, "", "waves  slowly");
	expect("/nick  newname  extra", CMD_NICK, "newname", "");
	expect("/topic", CMD_TOPIC, "", "");
	expect("/topic   the LAN party  ", CMD_TOPIC, "", "the LAN party");
	expect("/names", CMD_NAMES, "", "");
	expect("/names #b", CMD_NAMES, "#b", "");
	expect("/who", CMD_WHO, "", "");
	expect("/who a*", CMD_WHO, "a*", "");
	expect("/whois carol", CMD_WHOIS, "carol", "");
	expect("/away", CMD_AWAY, "", "");
	expect("/away  lunch ", CMD_AWAY, "", "lunch");
	expect("/quit", CMD_QUIT, "", "");
	expect("/quit bye all", CMD_QUIT, "", "bye all");
	expect("/clear", CMD_CLEAR, "", "");
	expect("/close", CMD_CLOSE, "", "");
	expect("/conn", CMD_CONN, "", "");
	expect("/nicklist", CMD_NICKLIST, "", "");
	expect("/help", CMD_HELP, "", "");
	expect("/help join", CMD_HELP, "join", "");
	expect("/help /msg", CMD_HELP, "msg", "");
	expect("/quote PRIVMSG #a :hi", CMD_QUOTE, "", "PRIVMSG #a :hi");
	expect("/raw  MODE #a +t", CMD_QUOTE, "", "MODE #a +t");
	assert_string_equal(cmd.name, "raw");
	expect("/login  s3cret pass ", CMD_LOGIN, "", "s3cret pass");
	expect("/register hunter22", CMD_REGISTER, "", "hunter22");
	expect("/win 3", CMD_WIN, "3", "");
	assert_int_equal(cmd.number, 3);
	expect("/win   12  ", CMD_WIN, "12", "");
	assert_int_equal(cmd.number, 12);
	expect("/bell off", CMD_BELL, "off", "");
	assert_int_equal(cmd.bell, BELL_OFF);
	expect("/bell Mentions", CMD_BELL, "Mentions", "");
	assert_int_equal(cmd.bell, BELL_MENTIONS);
	expect("/bell all", CMD_BELL, "all", "");
	assert_int_equal(cmd.bell, BELL_ALL);
}

/* Missing or bad arguments. */
static void test_usage(void **state)
{
	(void)state;
	expect_usage("/join", "join", "/join ROOM[,ROOM] [KEY]");
	expect_usage("/join    ", "join", "/join ROOM[,ROOM] [KEY]");
	expect_usage("/msg", "msg", "/msg NICK TEXT");
	expect_usage("/msg bob", "msg", "/msg NICK TEXT");
	expect_usage("/msg bob    ", "msg", "/msg NICK TEXT");
	expect_usage("/query", "query", "/query NICK [TEXT]");
	expect_usage("/me", "me", "/me ACTION");
	expect_usage("/me   ", "me", "/me ACTION");
	expect_usage("/nick", "nick", "/nick NICK");
	expect_usage("/whois", "whois", "/whois NICK");
	expect_usage("/quote", "quote", "/quote RAW");
	expect_usage("/raw", "raw", "/raw RAW");
	expect_usage("/win", "win", "/win N");
	expect_usage("/win x", "win", "/win N");
	expect_usage("/win 0", "win", "/win N");
	expect_usage("/win -1", "win", "/win N");
	expect_usage("/win 99999", "win", "/win N");
	expect_usage("/bell", "bell", "/bell off|mentions|all");
	expect_usage("/bell loud", "bell", "/bell off|mentions|all");
	assert_string_equal(cmd.rest, "");
}

/* Unknown commands keep their (lowercased) name. */
static void test_unknown(void **state)
{
	char line[200];

	(void)state;
	expect("/frobnicate now", CMD_UNKNOWN, "", "");
	assert_string_equal(cmd.name, "frobnicate");
	expect("/KICK bob", CMD_UNKNOWN, "", "");
	assert_string_equal(cmd.name, "kick");
	expect("/", CMD_UNKNOWN, "", "");
	assert_string_equal(cmd.name, "");
	expect("/ join", CMD_UNKNOWN, "", "");
	expect("/joi #a", CMD_UNKNOWN, "", "");
	expect("/joinx #a", CMD_UNKNOWN, "", "");
	/* a very long name is cut to fit */
	line[0] = '/';
	memset(line + 1, 'j', 150);
	line[151] = '\0';
	expect(line, CMD_UNKNOWN, "", "");
	assert_int_equal(strlen(cmd.name), COMMAND_NAME_MAX - 1);
}

/* Over-long lines and arguments are cut, at UTF-8 boundaries. */
static void test_bounds(void **state)
{
	size_t n = COMMAND_LINE_MAX + 100;
	char *line = malloc(n + 1);

	(void)state;
	/* say: a line of 3-byte characters longer than the buffer */
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(line + i, "\xe4\xb8\xad", 3);
	line[n / 3 * 3] = '\0';
	assert_int_equal(command_parse(line, &cmd), CMD_SAY);
	assert_true(strlen(cmd.rest) < COMMAND_LINE_MAX);
	assert_int_equal(strlen(cmd.rest) % 3, 0);

	/* a giant nick for /msg: arg cut, rest intact */
	strcpy(line, "/msg ");
	memset(line + 5, 'n', 2000);
	strcpy(line + 2005, " hello");
	assert_int_equal(command_parse(line, &cmd), CMD_MSG);
	assert_int_equal(strlen(cmd.arg), COMMAND_ARG_MAX - 1);
	assert_string_equal(cmd.rest, "hello");
	free(line);
}

/* The table: sorted, names match, lookups case-insensitive. */
/* Lines holding a password are recognised (they stay out of the input
 * history), whatever their case or arguments; others are not. */
static void test_holds_secret(void **state)
{
	(void)state;
	assert_true(command_holds_secret("/login pw"));
	assert_true(command_holds_secret("/LOGIN"));
	assert_true(command_holds_secret("/register a b c"));
	assert_true(command_holds_secret("/Register"));
	assert_false(command_holds_secret("login pw"));
	assert_false(command_holds_secret("//login pw"));
	assert_false(command_holds_secret("/logins pw"));
	assert_false(command_holds_secret("/msg bob /login pw"));
	assert_false(command_holds_secret("/"));
}

static void test_table(void **state)
{
	(void)state;
	assert_true(command_count >= 21);
	for (size_t i = 0; i < command_count; i++) {
		assert_string_equal(command_names[i], command_table[i].name);
		assert_non_null(command_table[i].usage);
		assert_non_null(command_table[i].help);
		assert_int_equal(command_table[i].usage[0], '/');
		assert_int_equal(strncmp(command_table[i].usage + 1, command_table[i].name,
		                         strlen(command_table[i].name)),
		                 0);
		if (i > 0)
			assert_true(strcmp(command_table[i - 1].name, command_table[i].name) < 0);
		assert_ptr_equal(command_find(command_table[i].name), &command_table[i]);
	}
	assert_ptr_equal(command_find("JOIN"), command_find("join"));
	assert_null(command_find("nope"));
	assert_null(command_find(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_say),    cmocka_unit_test(test_commands),
	    cmocka_unit_test(test_usage),  cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_bounds), cmocka_unit_test(test_table),
	    cmocka_unit_test(test_holds_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
