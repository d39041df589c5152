/* Unit tests for server/whowas (the WHOWAS table: newest first, per-nick
 * and server-wide bounds, case folding) and reply.h's whox_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"
#include "whowas.h"

/* An entry for nick whose user field says which one it was. */
static struct whowas_entry entry(const char *nick, int n)
{
	struct whowas_entry e = {0};
	snprintf(e.nick, sizeof e.nick, "%s", nick);
	snprintf(e.user, sizeof e.user, "u%d", n);
	snprintf(e.host, sizeof e.host, "127.0.0.1");
	snprintf(e.realname, sizeof e.realname, "Real %d", n);
	e.left_unix_ms = n;
	return e;
}

/* Several entries per nick, newest first, found in any case. */
static void test_newest_first_any_case(void **state)
{
	(void)state;
	struct whowas *w = whowas_new(16, 4, 1);
	for (int i = 0; i < 3; i++) {
		struct whowas_entry e = entry(i % 2 ? "Alice[x]" : "alice{X}", i);
		whowas_add(w, &e);
	}
	struct whowas_entry other = entry("bob", 9);
	whowas_add(w, &other);
	struct whowas_entry out[8];
	size_t n = whowas_find(w, "ALICE{x}", out, 8); /* rfc1459: [ and { are one */
	assert_int_equal(n, 3);
	assert_string_equal(out[0].user, "u2");
	assert_string_equal(out[1].user, "u1");
	assert_string_equal(out[2].user, "u0");
	assert_string_equal(out[1].nick, "Alice[x]"); /* kept as spelled */
	assert_int_equal(whowas_find(w, "alice{x}", out, 2), 2); /* max honoured */
	assert_int_equal(whowas_find(w, "carol", out, 8), 0);
	assert_int_equal(whowas_find(w, "bob", out, 8), 1);
	assert_int_equal(whowas_count(w), 4);
	whowas_free(w);
}

/* One nick keeps at most per_nick entries: its oldest goes. */
static void test_per_nick_bound(void **state)
{
	(void)state;
	struct whowas *w = whowas_new(100, 3, 7);
	for (int i = 0; i < 50; i++) {
		struct whowas_entry e = entry("loop", i);
		whowas_add(w, &e);
	}
	struct whowas_entry out[8];
	assert_int_equal(whowas_find(w, "loop", out, 8), 3);
	assert_string_equal(out[0].user, "u49");
	assert_string_equal(out[2].user, "u47");
	assert_int_equal(whowas_count(w), 3);
	whowas_free(w);
}

/* Server-wide: at most capacity entries, the oldest evicted. */
static void test_capacity_evicts_oldest(void **state)
{
	(void)state;
	struct whowas *w = whowas_new(1000, 4, 42);
	char nick[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(nick, sizeof nick, "n%d", i);
		struct whowas_entry e = entry(nick, i);
		whowas_add(w, &e);
		assert_true(whowas_count(w) <= 1000);
	}
	assert_int_equal(whowas_count(w), 1000);
	struct whowas_entry out[4];
	assert_int_equal(whowas_find(w, "n3999", out, 4), 0);
	assert_int_equal(whowas_find(w, "n4000", out, 4), 1);
	assert_int_equal(whowas_find(w, "n4999", out, 4), 1);
	assert_string_equal(out[0].user, "u4999");
	whowas_free(w);
}

/* A nick that cannot be folded (too long) or is empty is not recorded. */
static void test_bad_nick_ignored(void **state)
{
	(void)state;
	struct whowas *w = whowas_new(4, 2, 0);
	struct whowas_entry e = entry("", 1);
	whowas_add(w, &e);
	assert_int_equal(whowas_count(w), 0);
	struct whowas_entry out[2];
	char longnick[200];
	memset(longnick, 'a', sizeof longnick - 1);
	longnick[sizeof longnick - 1] = '\0';
	assert_int_equal(whowas_find(w, longnick, out, 2), 0);
	whowas_free(w);
}

/* WHOX: fields in the fixed order whatever was asked; the token 1-3 digits. */
static void test_whox_parse(void **state)
{
	(void)state;
	char fields[WHOX_FIELDS_MAX + 1], token[WHOX_TOKEN_MAX + 1];
	whox_parse("%rolnhatsfucdi,42", fields, token);
	assert_string_equal(fields, "tcuihsnfdlaor");
	assert_string_equal(token, "42");
	whox_parse("%nzzc", fields, token);
	assert_string_equal(fields, "cn");
	assert_string_equal(token, "0");
	whox_parse("%n,1234", fields, token);
	assert_string_equal(token, "0");
	whox_parse("%n,12a", fields, token);
	assert_string_equal(token, "0");
	whox_parse("%n,999", fields, token);
	assert_string_equal(token, "999");
	whox_parse("%", fields, token);
	assert_string_equal(fields, "");
	whox_parse("%,5", fields, token);
	assert_string_equal(fields, "");
	assert_string_equal(token, "5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newest_first_any_case),
		cmocka_unit_test(test_per_nick_bound),
		cmocka_unit_test(test_capacity_evicts_oldest),
		cmocka_unit_test(test_bad_nick_ignored),
		cmocka_unit_test(test_whox_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
