/* Unit tests for sasl: AUTHENTICATE chunks collected and PLAIN decoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "sasl.h"

/* The base64 of msg[0..len) into out (big enough). */
static void encode(const char *msg, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)msg, (int)len);
}

/* A PLAIN message authzid NUL authcid NUL pw into msg; returns its length. */
static size_t plain_msg(char *msg, const char *zid, const char *cid, const char *pw)
{
	size_t n = 0;
	memcpy(msg + n, zid, strlen(zid));
	n += strlen(zid);
	msg[n++] = '\0';
	memcpy(msg + n, cid, strlen(cid));
	n += strlen(cid);
	msg[n++] = '\0';
	memcpy(msg + n, pw, strlen(pw));
	return n + strlen(pw);
}

/* Feeds b64 in SASL_CHUNK pieces as a client must ("+" after a full last
 * chunk) and decodes the result. */
static enum sasl_plain_result feed_all(const char *b64, struct sasl_plain *out)
{
	struct sasl_exchange *x = sasl_exchange_new();
	size_t len = strlen(b64), off = 0;
	enum sasl_feed_result f = SASL_FEED_MORE;
	char chunk[SASL_CHUNK + 1];
	while (f == SASL_FEED_MORE) {
		size_t n = len - off < SASL_CHUNK ? len - off : SASL_CHUNK;
		if (n == 0)
			snprintf(chunk, sizeof chunk, "+");
		else
			snprintf(chunk, sizeof chunk, "%.*s", (int)n, b64 + off);
		off += n;
		f = sasl_exchange_feed(x, chunk);
	}
	assert_int_equal(f, SASL_FEED_DONE);
	enum sasl_plain_result r = sasl_exchange_plain(x, out);
	sasl_exchange_free(x);
	return r;
}

/* One short chunk: the usual login, with and without an authzid. */
static void test_plain_simple(void **state)
{
	(void)state;
	struct sasl_plain p;
	char msg[SASL_MESSAGE_MAX], b64[SASL_ENCODED_MAX + 8];
	encode(msg, plain_msg(msg, "", "alice", "secret pw"), b64);
	assert_int_equal(feed_all(b64, &p), SASL_PLAIN_OK);
	assert_string_equal(p.authcid, "alice");
	assert_string_equal(p.password, "secret pw");
	encode(msg, plain_msg(msg, "Alice", "alice", "pw"), b64);
	assert_int_equal(feed_all(b64, &p), SASL_PLAIN_OK); /* same name under rfc1459 */
	assert_string_equal(p.authcid, "alice");
	assert_string_equal(p.password, "pw");
	sasl_plain_wipe(&p);
	assert_int_equal(p.password[0], 0);
}

/* A response of exactly 400 bytes needs "+" after it; one of 416 comes in
 * 400 + 16. */
static void test_chunk_boundary(void **state)
{
	(void)state;
	char nick[23], pw[SASL_PASSWORD_MAX + 1];
	memset(nick, 'n', 22);
	nick[22] = '\0';
	memset(pw, 'p', 254);
	pw[254] = '\0';
	char msg[SASL_MESSAGE_MAX], b64[SASL_ENCODED_MAX + 8];
	size_t len = plain_msg(msg, nick, nick, pw); /* 300 bytes: 400 of base64 */
	assert_int_equal(len, 300);
	encode(msg, len, b64);
	assert_int_equal(strlen(b64), SASL_CHUNK);
	struct sasl_exchange *x = sasl_exchange_new();
	assert_int_equal(sasl_exchange_feed(x, b64), SASL_FEED_MORE);
	assert_int_equal(sasl_exchange_feed(x, "+"), SASL_FEED_DONE);
	struct sasl_plain p;
	assert_int_equal(sasl_exchange_plain(x, &p), SASL_PLAIN_OK);
	assert_string_equal(p.authcid, nick);
	assert_string_equal(p.password, pw);
	sasl_exchange_free(x);

	pw[254] = 'p';
	pw[255] = 'p';
	pw[256] = '\0';
	len = plain_msg(msg, nick, nick, pw); /* 302 bytes: 404 of base64 */
	encode(msg, len, b64);
	x = sasl_exchange_new();
	char first[SASL_CHUNK + 1];
	snprintf(first, sizeof first, "%.*s", SASL_CHUNK, b64);
	assert_int_equal(sasl_exchange_feed(x, first), SASL_FEED_MORE);
	assert_int_equal(sasl_exchange_feed(x, b64 + SASL_CHUNK), SASL_FEED_DONE);
	assert_int_equal(sasl_exchange_plain(x, &p), SASL_PLAIN_OK);
	assert_string_equal(p.password, pw);
	sasl_exchange_free(x);
}

/* "*" aborts, "" is invalid, "+" alone is an empty response (not PLAIN). */
static void test_feed_special(void **state)
{
	(void)state;
	struct sasl_exchange *x = sasl_exchange_new();
	assert_int_equal(sasl_exchange_feed(x, "*"), SASL_FEED_ABORTED);
	assert_int_equal(sasl_exchange_feed(x, ""), SASL_FEED_INVALID);
	assert_int_equal(sasl_exchange_feed(x, "+"), SASL_FEED_DONE);
	struct sasl_plain p;
	assert_int_equal(sasl_exchange_plain(x, &p), SASL_PLAIN_MALFORMED);
	sasl_exchange_free(x);
	sasl_exchange_free(NULL);
}

/* A chunk over 400 bytes, or a whole over the bound, is too long. */
static void test_too_long(void **state)
{
	(void)state;
	char big[SASL_CHUNK + 2];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct sasl_exchange *x = sasl_exchange_new();
	assert_int_equal(sasl_exchange_feed(x, big), SASL_FEED_TOO_LONG);
	sasl_exchange_free(x);

	big[SASL_CHUNK] = '\0';
	x = sasl_exchange_new();
	assert_int_equal(sasl_exchange_feed(x, big), SASL_FEED_MORE);
	big[SASL_ENCODED_MAX - SASL_CHUNK + 4] = '\0'; /* 4 bytes over the whole */
	assert_int_equal(sasl_exchange_feed(x, big), SASL_FEED_TOO_LONG);
	sasl_exchange_free(x);

	x = sasl_exchange_new();
	memset(big, 'A', SASL_CHUNK);
	big[SASL_CHUNK] = '\0';
	assert_int_equal(sasl_exchange_feed(x, big), SASL_FEED_MORE);
	assert_int_equal(sasl_exchange_feed(x, big),
	                 SASL_FEED_TOO_LONG); /* two full chunks never fit */
	sasl_exchange_free(x);

	/* Fields over their limits, inside the bound. */
	char msg[SASL_MESSAGE_MAX + 8], b64[SASL_ENCODED_MAX + 16], pw[SASL_PASSWORD_MAX + 2];
	memset(pw, 'p', SASL_PASSWORD_MAX + 1);
	pw[SASL_PASSWORD_MAX + 1] = '\0';
	encode(msg, plain_msg(msg, "", "bob", pw), b64);
	struct sasl_plain p;
	assert_int_equal(sasl_plain_decode(b64, strlen(b64), &p), SASL_PLAIN_TOO_LONG);
	assert_int_equal(p.authcid[0], 0);
	char cid[NICK_LEN_MAX + 2];
	memset(cid, 'c', NICK_LEN_MAX + 1);
	cid[NICK_LEN_MAX + 1] = '\0';
	encode(msg, plain_msg(msg, "", cid, "pw"), b64);
	assert_int_equal(sasl_plain_decode(b64, strlen(b64), &p), SASL_PLAIN_TOO_LONG);
	encode(msg, plain_msg(msg, cid, "bob", "pw"), b64);
	assert_int_equal(sasl_plain_decode(b64, strlen(b64), &p), SASL_PLAIN_TOO_LONG);
}

/* Only canonical padded base64 is decoded. */
static void test_bad_base64(void **state)
{
	(void)state;
	struct sasl_plain p;
	const char *bad[] = {"AGFsaWNlAHB3",  /* fine, checked below */
	                     "AGFsaWNlAHB",   /* not whole quanta */
	                     "AGFsaWNlAH=3",  /* '=' inside */
	                     "AGFsaWNl AHB3", /* space */
	                     "AGFsaWNlAHB-",  /* URL alphabet */
	                     "AGFsaWNlA===",  /* three '=' */
	                     "====",          "AGFs\naWNl"};
	assert_int_equal(sasl_plain_decode(bad[0], strlen(bad[0]), &p), SASL_PLAIN_OK);
	assert_string_equal(p.authcid, "alice");
	assert_string_equal(p.password, "pw");
	for (size_t i = 1; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sasl_plain_decode(bad[i], strlen(bad[i]), &p),
		                 SASL_PLAIN_BAD_BASE64);
	/* Padding is not counted as message bytes: "AGEAYg==" is "\0a\0b". */
	assert_int_equal(sasl_plain_decode("AGEAYg==", 8, &p), SASL_PLAIN_OK);
	assert_string_equal(p.authcid, "a");
	assert_string_equal(p.password, "b");
	assert_int_equal(sasl_plain_decode("AGEAYmM=", 8, &p), SASL_PLAIN_OK);
	assert_string_equal(p.password, "bc");
}

/* The message must be authzid NUL authcid NUL passwd with no other NUL,
 * non-empty authcid and password, valid UTF-8 and a matching authzid. */
static void test_plain_shape(void **state)
{
	(void)state;
	struct sasl_plain p;
	char b64[SASL_ENCODED_MAX + 8];
	struct {
		const char *msg;
		size_t len;
		enum sasl_plain_result want;
	} cases[] = {
	    {"alice\0pw", 8, SASL_PLAIN_MALFORMED},      /* one NUL */
	    {"alicepw", 7, SASL_PLAIN_MALFORMED},        /* none */
	    {"\0alice\0p\0w", 10, SASL_PLAIN_MALFORMED}, /* NUL in the password */
	    {"\0\0pw", 4, SASL_PLAIN_MALFORMED},         /* empty authcid */
	    {"\0alice\0", 7, SASL_PLAIN_MALFORMED},      /* empty password */
	    {"\0al\xff"
	     "ce\0pw",
	     9, SASL_PLAIN_BAD_UTF8},
	    {"\0alice\0p\xc3", 9, SASL_PLAIN_BAD_UTF8},
	    {"\xc0\x80\0alice\0pw", 11, SASL_PLAIN_BAD_UTF8},
	    {"bob\0alice\0pw", 12, SASL_PLAIN_AUTHZID_MISMATCH},
	    {"\0alice\0p\xc3\xa4ss", 12, SASL_PLAIN_OK},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		encode(cases[i].msg, cases[i].len, b64);
		assert_int_equal(sasl_plain_decode(b64, strlen(b64), &p), cases[i].want);
		if (cases[i].want != SASL_PLAIN_OK)
			assert_int_equal(p.password[0], 0); /* nothing left behind */
	}
	assert_string_equal(p.password, "p\xc3\xa4ss");
	for (int r = SASL_PLAIN_OK; r <= SASL_PLAIN_AUTHZID_MISMATCH; r++)
		assert_string_not_equal(sasl_plain_result_text(r), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_simple), cmocka_unit_test(test_chunk_boundary),
	    cmocka_unit_test(test_feed_special), cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_bad_base64),   cmocka_unit_test(test_plain_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
