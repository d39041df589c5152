/* Unit tests for server bans: kline_mask (parsing, normalising, wildcard,
 * address and CIDR matching), kline_in_force (expiry), chat_kline_duration,
 * the table's limit and matching (kline.c, memory only), and store_klines
 * on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chat.h"
#include "global.h"
#include "kline.h"
#include "kline_mask.h"
#include "store.h"
#include "store_klines.h"
#include "store_test_util.h"

/* Parses text, failing the test on an error; returns the mask. */
static struct kline_mask parse_ok(const char *text)
{
	struct kline_mask m;
	const char *why = NULL;
	if (kline_mask_parse(text, &m, &why) < 0)
		fail_msg("%s: %s", text, why);
	return m;
}

/* The canonical text of a mask. */
static void assert_canon(const char *text, const char *want)
{
	struct kline_mask m = parse_ok(text);
	assert_string_equal(m.text, want);
}

/* Every accepted form is written as nick!user@host, folded. */
static void test_normalising(void **state)
{
	(void)state;
	assert_canon("Bob!Ident@Host.Example", "bob!ident@host.example");
	assert_canon("bob!ident", "bob!ident@*");
	assert_canon("ident@host", "*!ident@host");
	assert_canon("host.example", "*!*@host.example");
	assert_canon("!@", "*!*@*");
	assert_canon("Nick[A]", "*!*@nick{a}");
	assert_canon("10.0.0.7", "*!*@10.0.0.7");
	assert_canon("10.1.2.3/24", "*!*@10.1.2.0/24");
	assert_canon("10.1.2.3/32", "*!*@10.1.2.3");
	assert_canon("*@2001:DB8:0:0::1/32", "*!*@2001:db8::/32");
	assert_canon("2001:db8::1", "*!*@2001:db8::1");
	assert_canon("x!y@10.0.0.0/8", "x!y@10.0.0.0/8");
}

/* Masks that cannot be bans are refused with a reason. */
static void test_refused_masks(void **state)
{
	(void)state;
	const char *bad[] = {"", "a b", "a,b", "a@b!c", "a!b!c@d", "a!b@c@d", "10.0.0.0/33",
			     "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x", "nothost/8", "\x01x",
			     "\xc3\xa9", ":x!a@b", "a!:b@c", ":x@y"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct kline_mask m;
		const char *why = NULL;
		assert_int_equal(kline_mask_parse(bad[i], &m, &why), -1);
		assert_non_null(why);
	}
	char big[KLINE_MASK_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct kline_mask m;
	const char *why;
	assert_int_equal(kline_mask_parse(big, &m, &why), -1);
	big[KLINE_MASK_MAX - 4] = '\0'; /* "*!*@" makes it KLINE_MASK_MAX */
	assert_int_equal(kline_mask_parse(big, &m, &why), 0);
}

/* Masks matching everyone are recognised; narrower ones are not. */
static void test_everyone(void **state)
{
	(void)state;
	const char *all[] = {"*", "*!*@*", "*@*", "**", "0.0.0.0/0", "::/0", "*!**@***"};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		struct kline_mask m = parse_ok(all[i]);
		assert_true(kline_mask_everyone(&m));
	}
	const char *some[] = {"a*", "*!*@*.example", "x!*@*", "*!u*@*", "10.0.0.0/1", "?"};
	for (size_t i = 0; i < sizeof some / sizeof *some; i++) {
		struct kline_mask m = parse_ok(some[i]);
		assert_false(kline_mask_everyone(&m));
	}
	struct kline_mask m = parse_ok("10.0.0.0/8");
	assert_true(kline_mask_address_only(&m));
	m = parse_ok("bob!*@10.0.0.0/8");
	assert_false(kline_mask_address_only(&m));
}

/* * and ? in each part, case-insensitively (rfc1459). */
static void test_wildcards(void **state)
{
	(void)state;
	assert_true(kline_wild_match("*", ""));
	assert_true(kline_wild_match("a*c", "abbbc"));
	assert_true(kline_wild_match("a*c", "ac"));
	assert_false(kline_wild_match("a*c", "acb"));
	assert_true(kline_wild_match("a?c", "abc"));
	assert_false(kline_wild_match("a?c", "ac"));
	assert_true(kline_wild_match("*b*b*", "abab"));
	assert_true(kline_wild_match("nick{a}", "NICK[A]"));
	assert_false(kline_wild_match("", "x"));
	struct kline_mask m = parse_ok("Spam*!*@*.example");
	assert_true(kline_mask_match(&m, "spammer", "u", "mail.example"));
	assert_true(kline_mask_match(&m, "SPAM", "u", "a.example"));
	assert_false(kline_mask_match(&m, "ham", "u", "a.example"));
	assert_false(kline_mask_match(&m, "spam", "u", "example"));
	m = parse_ok("*!~evil@*");
	assert_true(kline_mask_match(&m, "x", "~evil", "1.2.3.4"));
	assert_false(kline_mask_match(&m, "x", "evil", "1.2.3.4"));
}

/* Addresses and CIDR blocks, IPv4 and IPv6, compare by prefix. */
static void test_cidr(void **state)
{
	(void)state;
	struct kline_mask m = parse_ok("10.0.0.0/24");
	assert_true(kline_mask_match_host(&m, "10.0.0.0"));
	assert_true(kline_mask_match_host(&m, "10.0.0.255"));
	assert_false(kline_mask_match_host(&m, "10.0.1.0"));
	assert_false(kline_mask_match_host(&m, "::1"));
	assert_false(kline_mask_match_host(&m, "not-an-address"));
	m = parse_ok("10.0.0.6/31");
	assert_true(kline_mask_match_host(&m, "10.0.0.7"));
	assert_false(kline_mask_match_host(&m, "10.0.0.5"));
	assert_false(kline_mask_match_host(&m, "10.0.0.8"));
	m = parse_ok("192.168.1.1");
	assert_true(kline_mask_match_host(&m, "192.168.1.1"));
	assert_false(kline_mask_match_host(&m, "192.168.1.10"));
	m = parse_ok("2001:db8::/32");
	assert_true(kline_mask_match_host(&m, "2001:db8:ffff::1"));
	assert_true(kline_mask_match_host(&m, "2001:DB8::"));
	assert_false(kline_mask_match_host(&m, "2001:db9::1"));
	assert_false(kline_mask_match_host(&m, "10.0.0.1"));
	m = parse_ok("2001:db8::1");
	assert_true(kline_mask_match_host(&m, "2001:0db8:0:0:0:0:0:1"));
	assert_false(kline_mask_match_host(&m, "2001:db8::2"));
	m = parse_ok("2001:db8:abcd:12f0::/60");
	assert_true(kline_mask_match_host(&m, "2001:db8:abcd:12ff::1"));
	assert_false(kline_mask_match_host(&m, "2001:db8:abcd:1300::1"));
	m = parse_ok("bob!*@10.0.0.0/8");
	assert_true(kline_mask_match(&m, "Bob", "x", "10.9.9.9"));
	assert_false(kline_mask_match(&m, "alice", "x", "10.9.9.9"));
	assert_false(kline_mask_match(&m, "bob", "x", "11.0.0.1"));
}

/* A ban stops being in force at its expiry; 0 never expires. */
static void test_expiry(void **state)
{
	(void)state;
	struct kline k = {.set_ms = 1000, .expires_ms = 0};
	assert_true(kline_in_force(&k, 1LL << 50));
	k.expires_ms = 61000;
	assert_true(kline_in_force(&k, 60999));
	assert_false(kline_in_force(&k, 61000));
	assert_false(kline_in_force(&k, 70000));
}

/* N is minutes, Ns seconds; anything else is not a duration. */
static void test_duration(void **state)
{
	(void)state;
	long long ms;
	assert_int_equal(chat_kline_duration("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(chat_kline_duration("10", &ms), 0);
	assert_int_equal(ms, 600000);
	assert_int_equal(chat_kline_duration("30s", &ms), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(chat_kline_duration("9999999", &ms), 0);
	assert_int_equal(ms, KLINE_DURATION_MAX_MS);
	const char *bad[] = {"", "s", "10m", "1.5", "-1", "10ss", "12345678", "bob!*@*", "5 "};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(chat_kline_duration(bad[i], &ms), -1);
}

/* The table (memory only: no store open): add, replace, limit, match,
 * remove, and an expired entry freeing its place. */
static void test_table(void **state)
{
	(void)state;
	g_server.cfg.max_klines = 2;
	struct kline k;
	char why[256], reason[KLINE_REASON_MAX + 1], canon[KLINE_MASK_MAX + 1];
	assert_int_equal(kline_add("*", 0, "r", "op", &k, why, sizeof why), KLINE_EVERYONE);
	assert_int_equal(kline_add("a b", 0, "r", "op", &k, why, sizeof why), KLINE_BAD_MASK);
	assert_int_equal(kline_add("bad!*@*", 0, "bad \x1b[31mred", "op", &k, why, sizeof why),
			 KLINE_ADDED);
	assert_string_equal(k.reason, "bad [31mred"); /* controls dropped */
	assert_int_equal(k.expires_ms, 0);
	assert_int_equal(kline_add("10.0.0.0/8", 60000, "", "op", &k, why, sizeof why),
			 KLINE_ADDED);
	assert_int_equal(k.expires_ms, k.set_ms + 60000);
	assert_string_equal(k.reason, "No reason");
	assert_int_equal(kline_add("other!*@*", 0, "r", "op", &k, why, sizeof why), KLINE_FULL);
	assert_true(kline_check_user("BAD", "u", "1.2.3.4", reason));
	assert_string_equal(reason, "bad [31mred");
	assert_false(kline_check_user("good", "u", "1.2.3.4", reason));
	assert_int_equal(kline_remove("Bad!*@*", canon, why, sizeof why), KLINE_REMOVED);
	assert_string_equal(canon, "bad!*@*");
	assert_false(kline_check_user("BAD", "u", "1.2.3.4", reason));
	assert_int_equal(kline_remove("bad!*@*", canon, why, sizeof why), KLINE_NOT_FOUND);
	assert_int_equal(kline_add("BAD", 0, "again", "op", &k, why, sizeof why), KLINE_ADDED);
	assert_string_equal(k.mask.text, "*!*@bad");
	assert_int_equal(kline_add("Bad!*@*", 0, "again", "op", &k, why, sizeof why),
			 KLINE_FULL);
	assert_true(kline_check_user("anyone", "u", "bad", reason));
	assert_string_equal(reason, "again");
	assert_true(kline_check_host("10.2.3.4", reason));
	assert_false(kline_check_host("11.2.3.4", reason));
	/* A nick!user@host ban is not checked at accept. */
	assert_false(kline_check_host("1.2.3.4", reason));
	/* A ban that has expired frees its place at once. */
	assert_int_equal(kline_add("10.0.0.0/8", 1, "short", "op", &k, why, sizeof why),
			 KLINE_REPLACED);
	struct timespec pause = {0, 20 * 1000 * 1000};
	nanosleep(&pause, NULL);
	assert_false(kline_check_host("10.2.3.4", reason));
	assert_int_equal(kline_add("other!*@*", 0, "r", "op", &k, why, sizeof why), KLINE_ADDED);
	kline_free();
}

/* The klines table on disk: put, replace, remove, load dropping the expired. */
static void collect(const struct store_kline *k, void *arg)
{
	char *out = arg;
	char line[512];
	snprintf(line, sizeof line, "%s|%s|%s|%lld|%lld;", k->mask, k->reason, k->setter,
		 k->set_ms, k->expires_ms);
	strcat(out, line);
}

static void test_store_klines(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char err[512] = "";
	struct store_limits limits = {0};
	struct store *st = store_open(dir, &limits, err, sizeof err);
	if (!st)
		fail_msg("store_open: %s", err);
	struct store_direct *d = store_direct(st);
	struct store_kline a = {"*!*@10.0.0.0/8", "net", "op", 100, 0};
	struct store_kline b = {"x!*@*", "old", "op", 200, 5000};
	struct store_kline b2 = {"x!*@*", "new", "op2", 300, 9000};
	struct store_kline c = {"y!*@*", "gone", "op", 400, 1000};
	assert_int_equal(store_klines_put(d, &a, err, sizeof err), 0);
	assert_int_equal(store_klines_put(d, &b, err, sizeof err), 0);
	assert_int_equal(store_klines_put(d, &b2, err, sizeof err), 0);
	assert_int_equal(store_klines_put(d, &c, err, sizeof err), 0);
	int found;
	assert_int_equal(store_klines_remove(d, "nothing", &found, err, sizeof err), 0);
	assert_int_equal(found, 0);
	char out[2048] = "";
	assert_int_equal(store_klines_load(d, 2000, collect, out, err, sizeof err), 0);
	assert_string_equal(out, "*!*@10.0.0.0/8|net|op|100|0;x!*@*|new|op2|300|9000;");
	store_close(st);
	/* Reopened: the expired row was deleted, the others kept. */
	st = store_open(dir, &limits, err, sizeof err);
	d = store_direct(st);
	assert_int_equal(store_klines_remove(d, "x!*@*", &found, err, sizeof err), 0);
	assert_int_equal(found, 1);
	out[0] = '\0';
	assert_int_equal(store_klines_load(d, 0, collect, out, err, sizeof err), 0);
	assert_string_equal(out, "*!*@10.0.0.0/8|net|op|100|0;");
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalising), cmocka_unit_test(test_refused_masks),
		cmocka_unit_test(test_everyone),    cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_cidr),        cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_duration),    cmocka_unit_test(test_table),
		cmocka_unit_test(test_store_klines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
