/* Unit tests for client/knownservers: the known_servers text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "knownservers.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The digest prints as 64 lower-case hex digits. */
static void test_hex(void **unused)
{
	(void)unused;
	unsigned char sha[KNOWN_SHA256_LEN];
	for (size_t i = 0; i < sizeof(sha); i++)
		sha[i] = (unsigned char)(i * 0x11 + 0x0f);
	char out[KNOWN_HEX_LEN + 1];
	known_hex(sha, out);
	assert_int_equal(strlen(out), KNOWN_HEX_LEN);
	assert_memory_equal(out, "0f20314253", 10);
	assert_string_equal(out + 62, "1e"); /* 31 * 0x11 + 0x0f, mod 256 */
}

/* A typed fingerprint: either case and colons are fine; short, long or not hex is not. */
static void test_parse_fingerprint(void **unused)
{
	(void)unused;
	char out[KNOWN_HEX_LEN + 1];
	assert_int_equal(known_parse_fingerprint(HEX_B, out), 0);
	assert_string_equal(out, HEX_B);
	assert_int_equal(known_parse_fingerprint("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:"
	                                         "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef",
	                                         out),
	                 0);
	assert_string_equal(out, HEX_B);
	assert_int_equal(known_parse_fingerprint(HEX_B "0", out), -1);
	assert_int_equal(known_parse_fingerprint("0123", out), -1);
	char not_hex[] = HEX_B;
	not_hex[5] = 'g';
	assert_int_equal(known_parse_fingerprint(not_hex, out), -1);
}

/* Lookup finds the key's line and counts malformed ones; comments are not malformed. */
static void test_lookup(void **unused)
{
	(void)unused;
	const char text[] = "# trusted servers\n"
	                    "\n"
	                    "chat.lan:6697 sha256 " HEX_A " 2026-11-30\n"
	                    "bad line\n"
	                    "x:1 sha256 " HEX_A " yesterday\n"
	                    "x:1 md5 " HEX_A " 2026-01-01\n"
	                    "[::1]:6697 sha256 " HEX_B " 2026-12-01"; /* no final newline */
	struct known_entry e;
	size_t bad;
	assert_true(known_lookup(text, strlen(text), "chat.lan:6697", &e, &bad));
	assert_string_equal(e.hex, HEX_A);
	assert_string_equal(e.date, "2026-11-30");
	assert_int_equal(bad, 3);
	assert_true(known_lookup(text, strlen(text), "[::1]:6697", &e, &bad));
	assert_string_equal(e.hex, HEX_B);
	assert_false(known_lookup(text, strlen(text), "chat.lan:6698", &e, &bad));
	assert_false(known_lookup(text, strlen(text), "x:1", &e, &bad));
}

/* A NUL byte or an overlong line makes a line malformed, never a match. */
static void test_lookup_hostile(void **unused)
{
	(void)unused;
	char text[] = "h:1 sha256 " HEX_A " 2026-11-30\n";
	text[2] = '\0';
	struct known_entry e;
	size_t bad;
	assert_false(known_lookup(text, sizeof(text) - 1, "h:1", &e, &bad));
	assert_int_equal(bad, 1);
	size_t len = KNOWN_LINE_MAX + 100;
	char *big = malloc(len);
	memset(big, ' ', len);
	memcpy(big, "h:1 sha256 " HEX_A " 2026-11-30", 11 + 64 + 11);
	assert_false(known_lookup(big, len, "h:1", &e, &bad));
	assert_int_equal(bad, 1);
	free(big);
}

/* Adding replaces the key's lines and keeps the rest (malformed lines too). */
static void test_add_replaces(void **unused)
{
	(void)unused;
	const char text[] = "a:1 sha256 " HEX_A " 2026-01-01\n"
	                    "junk\n"
	                    "b:2 sha256 " HEX_A " 2026-01-02";
	size_t len, bad;
	char *out = known_add(text, strlen(text), "a:1", HEX_B, "2026-12-01", &len);
	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, "junk\n"
	                         "b:2 sha256 " HEX_A " 2026-01-02\n"
	                         "a:1 sha256 " HEX_B " 2026-12-01\n");
	struct known_entry e;
	assert_true(known_lookup(out, len, "a:1", &e, &bad));
	assert_string_equal(e.hex, HEX_B);
	free(out);
	out = known_add("", 0, "c:3", HEX_A, "2026-12-01", &len);
	assert_string_equal(out, "c:3 sha256 " HEX_A " 2026-12-01\n");
	free(out);
}

/* Invalid parts are refused; so is a file that would pass KNOWN_FILE_MAX. */
static void test_add_refused(void **unused)
{
	(void)unused;
	size_t len;
	assert_null(known_add("", 0, "a:1", "zz", "2026-12-01", &len));
	assert_null(known_add("", 0, "a b:1", HEX_A, "2026-12-01", &len));
	assert_null(known_add("", 0, "a:1", HEX_A, "today", &len));
	char *big = malloc(KNOWN_FILE_MAX);
	memset(big, '#', KNOWN_FILE_MAX - 1);
	big[KNOWN_FILE_MAX - 1] = '\n';
	assert_null(known_add(big, KNOWN_FILE_MAX, "a:1", HEX_A, "2026-12-01", &len));
	free(big);
}

/* Removing drops every line of the key and says how many. */
static void test_remove(void **unused)
{
	(void)unused;
	const char text[] = "a:1 sha256 " HEX_A " 2026-01-01\n"
	                    "b:2 sha256 " HEX_A " 2026-01-02\n"
	                    "a:1 sha256 " HEX_B " 2026-01-03\n";
	size_t len, removed;
	char *out = known_remove(text, strlen(text), "a:1", &len, &removed);
	assert_int_equal(removed, 2);
	assert_string_equal(out, "b:2 sha256 " HEX_A " 2026-01-02\n");
	free(out);
	out = known_remove(text, strlen(text), "z:9", &len, &removed);
	assert_int_equal(removed, 0);
	assert_string_equal(out, text);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hex),          cmocka_unit_test(test_parse_fingerprint),
	    cmocka_unit_test(test_lookup),       cmocka_unit_test(test_lookup_hostile),
	    cmocka_unit_test(test_add_replaces), cmocka_unit_test(test_add_refused),
	    cmocka_unit_test(test_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
