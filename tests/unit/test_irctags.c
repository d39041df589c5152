/* Unit tests for common/irctags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "irctags.h"

/* Is the whole string a valid key? */
static bool key_ok(const char *k)
{
	return irctags_key_valid(k, strlen(k));
}

/* Key syntax: [+][vendor/]name, name of letters, digits, '-'. */
static void test_keys(void **state)
{
	(void)state;
	assert_true(key_ok("msgid"));
	assert_true(key_ok("+typing"));
	assert_true(key_ok("+draft-x"));
	assert_true(key_ok("example.com/foo"));
	assert_true(key_ok("+example.com/foo-2"));
	assert_true(key_ok("a"));
	assert_false(key_ok(""));
	assert_false(key_ok("+"));
	assert_false(key_ok("a_b"));
	assert_false(key_ok("a b"));
	assert_false(key_ok("++a"));
	assert_false(key_ok("/a"));
	assert_false(key_ok("a/"));
	assert_false(key_ok("ex..com/a"));
	assert_false(key_ok(".ex/a"));
	assert_false(key_ok("ex./a"));
	assert_false(key_ok("a/b/c"));
	assert_false(key_ok("caf\xc3\xa9"));
}

/* A section passes when every key does; empty elements are tolerated. */
static void test_check(void **state)
{
	const char *why = NULL;
	(void)state;
	assert_int_equal(irctags_check("a=b;+c;d=", &why), 0);
	assert_int_equal(irctags_check("a;;b;", &why), 0);
	assert_int_equal(irctags_check("=v", &why), -1);
	assert_non_null(why);
	assert_int_equal(irctags_check("ok;bad_key=1", &why), -1);
}

/* Escaping: the five special characters, others as they are. */
static void test_escape(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(irctags_escape("a;b c\\d\r\ne", out, sizeof out), 15);
	assert_string_equal(out, "a\\:b\\sc\\\\d\\r\\ne");
	assert_int_equal(irctags_escape("", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(irctags_escape("abcd", out, 4), -1);
	assert_int_equal(irctags_escape("abc", out, 4), 3);
}

/* Client-only tags kept in order, values in canonical escaped form. */
static void test_client_only(void **state)
{
	char out[128];
	(void)state;
	const char *sec = "label=x;+a=1;msgid=z;+example.com/b;+c=raw+:=,e\\:\\s\\\\;+d=";
	int n = irctags_client_only(sec, out, sizeof out);
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "+a=1;+example.com/b;+c=raw+:=,e\\:\\s\\\\;+d");
	/* unknown escapes give the character; a lone trailing '\' is dropped */
	irctags_client_only("+e=\\a\\b;+f=x\\", out, sizeof out);
	assert_string_equal(out, "+e=ab;+f=x");
	assert_int_equal(irctags_client_only("a=1;b", out, sizeof out), 0);
	assert_string_equal(out, "");
	/* never longer than what was sent: strlen + 1 is enough */
	const char *worst = "+k=\\q\\:\\s;;+z";
	assert_true(irctags_client_only(worst, out, strlen(worst) + 1) >= 0);
	assert_int_equal(irctags_client_only("+abc=defgh", out, 6), -1);
}

/* A key sent more than once: only its final occurrence is relayed (the spec:
 * a key at most once per message; receivers keep the final one). */
static void test_client_only_repeated_key(void **state)
{
	char out[128];
	(void)state;
	irctags_client_only("+baz=x;+a;+baz=y;+ba=1;+baz;+a=2", out, sizeof out);
	assert_string_equal(out, "+ba=1;+baz;+a=2");
	irctags_client_only("+k=1;+k=1;+k=1", out, sizeof out);
	assert_string_equal(out, "+k=1");
	irctags_client_only("+k=1;k=2", out, sizeof out); /* k is not +k */
	assert_string_equal(out, "+k=1");
}

/* Finding a tag in a formatted line. */
static void test_line_has(void **state)
{
	(void)state;
	const char *l = "@time=x;batch=r1 :s PRIVMSG #a :batch=no\r\n";
	assert_true(irctags_line_has(l, strlen(l), "batch"));
	assert_true(irctags_line_has(l, strlen(l), "time"));
	assert_false(irctags_line_has(l, strlen(l), "bat"));
	assert_false(irctags_line_has(l, strlen(l), "msgid"));
	const char *u = ":s PRIVMSG #a :@batch=x\r\n";
	assert_false(irctags_line_has(u, strlen(u), "batch"));
	const char *k = "@batch;a=1 X\r\n";
	assert_true(irctags_line_has(k, strlen(k), "batch"));
	/* A queued line is not NUL-terminated: a last tag without a value
	 * must not send the search past the line (ASan caught a read past a
	 * JOIN line's buffer). */
	const char *j = "@time=x;ab :n!u@h JOIN #c";
	size_t jl = strlen(j);
	char *exact = malloc(jl);
	memcpy(exact, j, jl);
	assert_true(irctags_line_has(exact, jl, "ab"));
	assert_false(irctags_line_has(exact, jl, "batch"));
	free(exact);
}

/* Adding a tag in front: into an existing section, or as a new one. */
static void test_line_add(void **state)
{
	char out[128];
	(void)state;
	const char *u = ":s 391 me :now\r\n";
	assert_int_equal(irctags_line_add(u, strlen(u), "label=L", out, sizeof out),
			 (int)strlen("@label=L :s 391 me :now\r\n"));
	assert_string_equal(out, "@label=L :s 391 me :now\r\n");
	const char *t = "@time=x;+a=b :s PRIVMSG #a :hi\r\n";
	irctags_line_add(t, strlen(t), "batch=7", out, sizeof out);
	assert_string_equal(out, "@batch=7;time=x;+a=b :s PRIVMSG #a :hi\r\n");
	assert_int_equal(irctags_line_add(u, strlen(u), "label=L", out, strlen(u) + 9), -1);
	assert_int_equal(irctags_line_add(u, strlen(u), "label=L", out, strlen(u) + 10),
			 (int)strlen(u) + 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),	    cmocka_unit_test(test_check),
		cmocka_unit_test(test_escape),	    cmocka_unit_test(test_client_only),
		cmocka_unit_test(test_client_only_repeated_key),
		cmocka_unit_test(test_line_has),    cmocka_unit_test(test_line_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
