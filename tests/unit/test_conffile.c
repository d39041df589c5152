/* Unit tests for conffile: a configuration file's text cut into entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conffile.h"

/* Parses a C string. */
static void parse(struct conffile *cf, const char *text)
{
	conffile_parse(text, strlen(text), cf);
}

static void test_forms(void **state)
{
	(void)state;
	struct conffile cf;
	parse(&cf, "# comment\n\n  port 6667\nname=office\r\n\tmotd =  /etc/motd  \nstep\n"
		   "oper alice $y$j9T$abc\npassword se#cret\n");
	assert_int_equal(cf.nproblems, 0);
	assert_int_equal(cf.nentries, 6);
	assert_int_equal(cf.entries[0].line, 3);
	assert_string_equal(cf.entries[0].name, "port");
	assert_string_equal(cf.entries[0].value, "6667");
	assert_string_equal(cf.entries[1].name, "name");
	assert_string_equal(cf.entries[1].value, "office");
	assert_string_equal(cf.entries[2].value, "/etc/motd");
	assert_int_equal(cf.entries[3].line, 6);
	assert_string_equal(cf.entries[3].name, "step");
	assert_null(cf.entries[3].value);
	assert_string_equal(cf.entries[4].value, "alice $y$j9T$abc");
	assert_string_equal(cf.entries[5].value, "se#cret");
	conffile_free(&cf);
}

static void test_no_final_newline(void **state)
{
	(void)state;
	struct conffile cf;
	parse(&cf, "port 1");
	assert_int_equal(cf.nentries, 1);
	assert_string_equal(cf.entries[0].value, "1");
	conffile_free(&cf);
	parse(&cf, "");
	assert_int_equal(cf.nentries, 0);
	assert_int_equal(cf.nproblems, 0);
	conffile_free(&cf);
}

static void test_every_problem_with_its_line(void **state)
{
	(void)state;
	struct conffile cf;
	parse(&cf, "Port 1\nport 2\nbad\xff\xfe value\nname =\n=x\nmotd\x01x\nok yes\n");
	assert_int_equal(cf.nentries, 2);
	assert_int_equal(cf.entries[0].line, 2);
	assert_int_equal(cf.entries[1].line, 7);
	assert_int_equal(cf.nproblems, 5);
	int lines[] = {1, 3, 4, 5, 6};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(cf.problems[i].line, lines[i]);
	assert_non_null(strstr(cf.problems[1].message, "UTF-8"));
	assert_non_null(strstr(cf.problems[2].message, "without a value"));
	assert_non_null(strstr(cf.problems[4].message, "control character"));
	conffile_free(&cf);
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct conffile cf;
	conffile_parse("port 1\nname a\0b\n", 16, &cf);
	assert_int_equal(cf.nentries, 1);
	assert_int_equal(cf.nproblems, 1);
	assert_int_equal(cf.problems[0].line, 2);
	assert_non_null(strstr(cf.problems[0].message, "NUL"));
	conffile_free(&cf);
}

static void test_limits(void **state)
{
	(void)state;
	struct conffile cf;
	/* a file over the size limit: refused whole */
	size_t big = CONFFILE_SIZE_MAX + 1;
	char *text = malloc(big);
	memset(text, '\n', big);
	conffile_parse(text, big, &cf);
	assert_int_equal(cf.nentries, 0);
	assert_int_equal(cf.nproblems, 1);
	assert_int_equal(cf.problems[0].line, 0);
	conffile_free(&cf);
	/* too many lines: stops at the first one past the limit */
	conffile_parse(text, CONFFILE_LINES_MAX + 5, &cf);
	assert_int_equal(cf.nproblems, 1);
	assert_int_equal(cf.problems[0].line, CONFFILE_LINES_MAX + 1);
	conffile_free(&cf);
	/* a line too long */
	memset(text, 'a', CONFFILE_LINE_MAX + 1);
	memcpy(text, "name ", 5);
	conffile_parse(text, CONFFILE_LINE_MAX + 1, &cf);
	assert_int_equal(cf.nentries, 0);
	assert_non_null(strstr(cf.problems[0].message, "longer than"));
	conffile_free(&cf);
	conffile_parse(text, CONFFILE_LINE_MAX, &cf);
	assert_int_equal(cf.nentries, 1);
	conffile_free(&cf);
	/* problems are bounded, the rest counted */
	size_t n = 0;
	for (int i = 0; i < CONFFILE_PROBLEMS_MAX + 10; i++) {
		memcpy(text + n, "=\n", 2);
		n += 2;
	}
	conffile_parse(text, n, &cf);
	assert_int_equal(cf.nproblems, CONFFILE_PROBLEMS_MAX);
	assert_int_equal(cf.problems_dropped, 10);
	conffile_free(&cf);
	free(text);
}

static void test_closest(void **state)
{
	(void)state;
	const char *const names[] = {"port", "max-clients", "max-channels", "password"};
	assert_string_equal(conffile_closest("prot", names, 4), "port");
	assert_string_equal(conffile_closest("max-client", names, 4), "max-clients");
	assert_string_equal(conffile_closest("max-chan", names, 4), "max-channels");
	assert_string_equal(conffile_closest("pasword", names, 4), "password");
	assert_null(conffile_closest("colour", names, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_every_problem_with_its_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_closest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
