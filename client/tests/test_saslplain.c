/* Unit tests for client/saslplain: the PLAIN response and its chunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <string.h>

#include "saslplain.h"

/* Decodes b64 and checks it is "account\0account\0password". */
static void expect_plain(const char *b64, const char *account, const char *password)
{
	unsigned char raw[SASLPLAIN_B64_MAX];
	int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)strlen(b64));
	assert_true(n > 0);
	size_t want = 2 * strlen(account) + strlen(password) + 2;
	/* EVP_DecodeBlock counts padding bytes as zeros: drop them. */
	size_t len = (size_t)n - (b64[strlen(b64) - 1] == '=') - (b64[strlen(b64) - 2] == '=');
	assert_int_equal(len, want);
	char expect[SASLPLAIN_B64_MAX];
	size_t a = strlen(account);
	memcpy(expect, account, a);
	expect[a] = '\0';
	memcpy(expect + a + 1, account, a);
	expect[2 * a + 1] = '\0';
	memcpy(expect + 2 * a + 2, password, strlen(password));
	assert_memory_equal(raw, expect, want);
}

static void test_response_decodes(void **state)
{
	(void)state;
	char out[SASLPLAIN_B64_MAX];
	int n = saslplain_response("ada", "correct horse", out, sizeof(out));
	assert_int_equal(n, (int)strlen(out));
	expect_plain(out, "ada", "correct horse");
	/* RFC 4616's example shape: "tim\0tim\0tanstaaftanstaaf" */
	n = saslplain_response("tim", "tanstaaftanstaaf", out, sizeof(out));
	assert_string_equal(out, "dGltAHRpbQB0YW5zdGFhZnRhbnN0YWFm");
}

static void test_response_refuses_bad_input(void **state)
{
	(void)state;
	char out[SASLPLAIN_B64_MAX];
	char longpw[SASLPLAIN_PASSWORD_MAX + 2];
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	assert_int_equal(saslplain_response("", "pw", out, sizeof(out)), -1);
	assert_int_equal(saslplain_response("ada", "", out, sizeof(out)), -1);
	assert_int_equal(saslplain_response("ada", longpw, out, sizeof(out)), -1);
	assert_int_equal(saslplain_response("ada", "a\r\nQUIT", out, sizeof(out)), -1);
	assert_int_equal(saslplain_response("ada", "pw", out, 4), -1);
	longpw[SASLPLAIN_PASSWORD_MAX] = '\0'; /* exactly the maximum is fine */
	assert_true(saslplain_response("ada", longpw, out, sizeof(out)) > 0);
}

/* Collects every chunk of a response of len characters. */
static size_t chunks(const char *resp, size_t len, char got[][SASLPLAIN_CHUNK + 1], size_t max)
{
	size_t i = 0;
	while (i < max && saslplain_chunk(resp, len, i, got[i]))
		i++;
	return i;
}

static void test_chunks(void **state)
{
	(void)state;
	char resp[1200 + 1];
	memset(resp, 'A', 1200);
	resp[1200] = '\0';
	char got[8][SASLPLAIN_CHUNK + 1];
	/* short: one piece */
	assert_int_equal(chunks(resp, 10, got, 8), 1);
	assert_int_equal(strlen(got[0]), 10);
	/* 399 and 401 */
	assert_int_equal(chunks(resp, 399, got, 8), 1);
	assert_int_equal(chunks(resp, 401, got, 8), 2);
	assert_int_equal(strlen(got[0]), 400);
	assert_int_equal(strlen(got[1]), 1);
	/* exactly 400 and 800: a lone "+" follows */
	assert_int_equal(chunks(resp, 400, got, 8), 2);
	assert_string_equal(got[1], "+");
	assert_int_equal(chunks(resp, 800, got, 8), 3);
	assert_int_equal(strlen(got[1]), 400);
	assert_string_equal(got[2], "+");
	/* empty: "+" alone */
	assert_int_equal(chunks(resp, 0, got, 8), 1);
	assert_string_equal(got[0], "+");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_decodes),
		cmocka_unit_test(test_response_refuses_bad_input),
		cmocka_unit_test(test_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
