/* Unit tests for common/endpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"

/* Parses text, asserting success, and formats the result back. */
static void parse_roundtrip(const char *text, int def, const char *want)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const char *reason = NULL;
	char buf[ENDPOINT_STR_MAX];

	assert_int_equal(endpoint_parse(text, def, &ss, &len, &reason), 0);
	assert_int_equal(endpoint_format((struct sockaddr *)&ss, len, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

/* Asserts that text is refused with a reason. */
static void parse_bad(const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const char *reason = NULL;

	assert_int_equal(endpoint_parse(text, 6667, &ss, &len, &reason), -1);
	assert_non_null(reason);
}

/* Accepted --bind forms. */
static void test_parse_ok(void **state)
{
	(void)state;
	parse_roundtrip("127.0.0.1", 6667, "127.0.0.1:6667");
	parse_roundtrip("127.0.0.1:7000", 6667, "127.0.0.1:7000");
	parse_roundtrip("0.0.0.0:0", 6667, "0.0.0.0:0");
	parse_roundtrip("10.1.2.3:65535", 6667, "10.1.2.3:65535");
	parse_roundtrip("::1", 6667, "[::1]:6667");
	parse_roundtrip("::", 6667, "[::]:6667");
	parse_roundtrip("[::1]:7000", 6667, "[::1]:7000");
	parse_roundtrip("[2001:db8::5]", 6667, "[2001:db8::5]:6667");
	parse_roundtrip("fe80::1:2", 1, "[fe80::1:2]:1");
	parse_roundtrip("::ffff:1.2.3.4", 6667, "1.2.3.4:6667");
}

/* Refused --bind forms. */
static void test_parse_bad(void **state)
{
	(void)state;
	parse_bad("");
	parse_bad("*");
	parse_bad("localhost");
	parse_bad("localhost:6667");
	parse_bad("127.0.0.1:");
	parse_bad("127.0.0.1:65536");
	parse_bad("127.0.0.1:-1");
	parse_bad("127.0.0.1:+80");
	parse_bad("127.0.0.1:99999999999999999999");
	parse_bad("127.0.0.1:80x");
	parse_bad("127.0.0.1: 80");
	parse_bad("256.0.0.1");
	parse_bad("1.2.3");
	parse_bad("[::1");
	parse_bad("[::1]x");
	parse_bad("[::1]:");
	parse_bad("[]:80");
	parse_bad("[127.0.0.1]:80");
	parse_bad(":80");
	parse_bad("::1:80:zz");
	parse_bad("[::1]:70000");
	parse_bad("fe80::1%lo");
	parse_bad("0123456789012345678901234567890123456789012345678901234567890123456789");
}

/* An out-of-range default port is refused too. */
static void test_parse_default_port(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(endpoint_parse("127.0.0.1", 70000, &ss, &len, &reason), -1);
	assert_int_equal(endpoint_parse("127.0.0.1:80", 70000, &ss, &len, &reason), 0);
}

/* Formatting of raw addresses, and failure cases. */
static void test_format(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char buf[ENDPOINT_STR_MAX];

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(6667);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	assert_int_equal(endpoint_format((struct sockaddr *)&sin, sizeof(sin), buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "192.0.2.7:6667");
	assert_int_equal(
	    endpoint_format_host((struct sockaddr *)&sin, sizeof(sin), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.7");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(7000);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	assert_int_equal(endpoint_format((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "[2001:db8::1]:7000");
	endpoint_format_host((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");

	inet_pton(AF_INET6, "::ffff:10.0.0.9", &sin6.sin6_addr);
	endpoint_format((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.9:7000");
	endpoint_format_host((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.9");

	/* Too small a buffer, short length, unknown family: "?" and -1. */
	assert_int_equal(endpoint_format((struct sockaddr *)&sin, sizeof(sin), buf, 10), -1);
	assert_string_equal(buf, "?");
	assert_int_equal(endpoint_format((struct sockaddr *)&sin, 4, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "?");
	sin.sin_family = AF_UNIX;
	assert_int_equal(endpoint_format((struct sockaddr *)&sin, sizeof(sin), buf, sizeof(buf)),
	                 -1);
	assert_string_equal(buf, "?");
}

/* Both ends of a real loopback connection. */
static void test_local_remote(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX], want[ENDPOINT_STR_MAX];
	int lfd, cfd, afd;

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);

	assert_int_equal(endpoint_local(afd, local, sizeof(local)), 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(sin.sin_port));
	assert_string_equal(local, want);
	assert_int_equal(endpoint_remote(cfd, remote, sizeof(remote)), 0);
	assert_string_equal(remote, want);
	assert_int_equal(endpoint_remote(afd, remote, sizeof(remote)), 0);
	assert_int_equal(endpoint_local(cfd, local, sizeof(local)), 0);
	assert_string_equal(remote, local);

	assert_int_equal(endpoint_remote(lfd, remote, sizeof(remote)), -1);
	assert_string_equal(remote, "?");
	close(afd);
	close(cfd);
	close(lfd);
	assert_int_equal(endpoint_local(-1, local, sizeof(local)), -1);
}

/* Runs this module's tests. */
/* Loopback: what never crosses a network (passwords may go there). */
static void test_host_is_loopback(void **state)
{
	(void)state;
	const char *yes[] = {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"};
	const char *no[] = {"128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1", "1127.0.0.1",
			    "fe80::1", "", "127"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_true(endpoint_host_is_loopback(yes[i]));
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_false(endpoint_host_is_loopback(no[i]));
	/* As the client checks it: a formatted peer address. */
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	char host[ENDPOINT_HOST_MAX];
	assert_int_equal(endpoint_format_host((struct sockaddr *)&v6, sizeof v6, host, sizeof host), 0);
	assert_true(endpoint_host_is_loopback(host));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),           cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_default_port), cmocka_unit_test(test_format),
	    cmocka_unit_test(test_local_remote),       cmocka_unit_test(test_host_is_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
