/* Unit tests for client/address: server addresses and irc(s):// URLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "address.h"

/* The plain forms: host, host:port, nick@host:port, [v6]:port, a bare v6. */
static void test_plain_forms(void **unused)
{
	(void)unused;
	struct address a;
	assert_int_equal(address_parse("example.org", &a), 0);
	assert_string_equal(a.host, "example.org");
	assert_string_equal(a.port, "");
	assert_false(a.scheme_tls);
	assert_int_equal(address_parse("bob@chat.lan:6697", &a), 0);
	assert_string_equal(a.nick, "bob");
	assert_string_equal(a.host, "chat.lan");
	assert_string_equal(a.port, "6697");
	assert_int_equal(address_parse("[::1]:7000", &a), 0);
	assert_string_equal(a.host, "::1");
	assert_string_equal(a.port, "7000");
	assert_int_equal(address_parse("fe80::1", &a), 0);
	assert_string_equal(a.host, "fe80::1");
	assert_string_equal(a.port, "");
	assert_int_equal(address_parse(":7000", &a), 0);
	assert_string_equal(a.host, "");
	assert_string_equal(a.port, "7000");
}

/* ircs:// means TLS, irc:// plain; a trailing slash is a URL's empty path. */
static void test_urls(void **unused)
{
	(void)unused;
	struct address a;
	assert_int_equal(address_parse("ircs://chat.lan", &a), 0);
	assert_true(a.scheme_tls);
	assert_string_equal(a.host, "chat.lan");
	assert_string_equal(a.port, "");
	assert_int_equal(address_parse("ircs://ann@[::1]:6697/", &a), 0);
	assert_true(a.scheme_tls);
	assert_string_equal(a.nick, "ann");
	assert_string_equal(a.host, "::1");
	assert_string_equal(a.port, "6697");
	assert_int_equal(address_parse("irc://h:6667", &a), 0);
	assert_true(a.scheme_plain);
	assert_false(a.scheme_tls);
}

/* Bad ports, schemes, brackets, paths and overlong parts are refused. */
static void test_refused(void **unused)
{
	(void)unused;
	struct address a;
	const char *bad[] = {
	    "h:0",  "h:65536", "h:12a",         "h:",          "h:123456", "http://h",
	    "[::1", "[::1]x",  "ircs://h/path", "ircs://h:1//"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(address_parse(bad[i], &a), -1);
	char longhost[ADDRESS_HOST_MAX + 10];
	memset(longhost, 'a', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	assert_int_equal(address_parse(longhost, &a), -1);
}

/* Keys are lower-case, IPv6 in brackets, and refused when they do not fit. */
static void test_key(void **unused)
{
	(void)unused;
	char key[ADDRESS_KEY_MAX + 1];
	assert_int_equal(address_key("Chat.LAN", "6697", key, sizeof(key)), 0);
	assert_string_equal(key, "chat.lan:6697");
	assert_int_equal(address_key("::1", "6697", key, sizeof(key)), 0);
	assert_string_equal(key, "[::1]:6697");
	char small[8];
	assert_int_equal(address_key("chat.lan", "6697", small, sizeof(small)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_forms),
	    cmocka_unit_test(test_urls),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
