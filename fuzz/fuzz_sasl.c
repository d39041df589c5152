/* fuzz_sasl: the SASL PLAIN decoder (server/sasl.c) against a reference
 * written from sasl.h, and the AUTHENTICATE chunk collector's bounds.
 *
 * Input: byte 0 chooses. Even: the rest is a PLAIN message; its base64
 * (made by OpenSSL's encoder) must decode to what the reference says, and
 * the same text with one byte changed must never crash or pass a bad
 * part. Odd: the rest is AUTHENTICATE parameters separated by '\n', fed to
 * one exchange; whatever it accepts stays within its bounds. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz.h"
#include "sasl.h"

/* rfc1459 lower case of one byte. */
static unsigned char ref_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (c == '[')
		return '{';
	if (c == ']')
		return '}';
	if (c == '\\')
		return '|';
	if (c == '~')
		return '^';
	return c;
}

/* Is s[0..n) valid UTF-8 (the shared reference decoder)? */
static bool ref_utf8(const uint8_t *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t k = fuzz_utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* The verdict on one part: empty allowed or not, its maximum. */
static enum sasl_plain_result ref_part(const uint8_t *p, size_t n, size_t max)
{
	if (n == 0)
		return SASL_PLAIN_MALFORMED;
	if (n > max)
		return SASL_PLAIN_TOO_LONG;
	return ref_utf8(p, n) ? SASL_PLAIN_OK : SASL_PLAIN_BAD_UTF8;
}

/* What sasl.h says about message m[0..n). */
static enum sasl_plain_result reference(const uint8_t *m, size_t n)
{
	if (n > SASL_MESSAGE_MAX)
		return SASL_PLAIN_TOO_LONG;
	size_t nuls = 0, a = 0, b = 0;
	for (size_t i = 0; i < n; i++)
		if (m[i] == 0) {
			if (nuls == 0)
				a = i;
			else if (nuls == 1)
				b = i;
			nuls++;
		}
	if (nuls != 2)
		return SASL_PLAIN_MALFORMED;
	enum sasl_plain_result r = SASL_PLAIN_OK;
	if (a > 0)
		r = ref_part(m, a, NICK_LEN_MAX);
	if (r == SASL_PLAIN_OK)
		r = ref_part(m + a + 1, b - a - 1, NICK_LEN_MAX);
	if (r == SASL_PLAIN_OK)
		r = ref_part(m + b + 1, n - b - 1, SASL_PASSWORD_MAX);
	if (r != SASL_PLAIN_OK || a == 0)
		return r;
	bool same = a == b - a - 1;
	for (size_t i = 0; same && i < a; i++)
		same = ref_fold(m[i]) == ref_fold(m[a + 1 + i]);
	return same ? SASL_PLAIN_OK : SASL_PLAIN_AUTHZID_MISMATCH;
}

/* A PLAIN message, encoded and decoded. */
static void fuzz_message(const uint8_t *m, size_t n)
{
	if (n > 2 * SASL_MESSAGE_MAX)
		n = 2 * SASL_MESSAGE_MAX;
	char b64[4 * (2 * SASL_MESSAGE_MAX + 2) / 3 + 8];
	int len = EVP_EncodeBlock((unsigned char *)b64, m, (int)n);
	struct sasl_plain p;
	enum sasl_plain_result want = reference(m, n);
	FUZZ_CHECK(sasl_plain_decode(b64, (size_t)len, &p) == want);
	if (want == SASL_PLAIN_OK) {
		const uint8_t *cid = memchr(m, 0, n) + 1;
		const uint8_t *pw = (const uint8_t *)memchr(cid, 0, n - (size_t)(cid - m)) + 1;
		FUZZ_CHECK(strlen(p.authcid) == (size_t)(pw - 1 - cid));
		FUZZ_CHECK(memcmp(p.authcid, cid, strlen(p.authcid)) == 0);
		FUZZ_CHECK(strlen(p.password) == n - (size_t)(pw - m));
		FUZZ_CHECK(memcmp(p.password, pw, strlen(p.password)) == 0);
	} else {
		FUZZ_CHECK(p.authcid[0] == 0 && p.password[0] == 0);
	}
	/* The same base64 damaged at one place: whatever comes out is sound. */
	if (len > 0) {
		b64[(m[0] * 7u + n) % (unsigned)len] = (char)(n ? m[n - 1] : '!');
		if (sasl_plain_decode(b64, (size_t)len, &p) == SASL_PLAIN_OK) {
			FUZZ_CHECK(p.authcid[0] != 0 && strlen(p.authcid) <= NICK_LEN_MAX);
			FUZZ_CHECK(p.password[0] != 0 && strlen(p.password) <= SASL_PASSWORD_MAX);
		}
	}
}

/* AUTHENTICATE parameters, one per line, into one exchange. */
static void fuzz_chunks(const uint8_t *d, size_t n)
{
	struct sasl_exchange *x = sasl_exchange_new();
	char chunk[2 * SASL_CHUNK + 1];
	size_t total = 0;
	enum sasl_feed_result f = SASL_FEED_MORE;
	for (size_t i = 0; i < n && f == SASL_FEED_MORE;) {
		const uint8_t *nl = memchr(d + i, '\n', n - i);
		size_t k = nl ? (size_t)(nl - (d + i)) : n - i;
		size_t c = k < sizeof chunk - 1 ? k : sizeof chunk - 1;
		memcpy(chunk, d + i, c);
		chunk[c] = '\0';
		size_t clen = strlen(chunk);
		f = sasl_exchange_feed(x, chunk);
		if (clen > SASL_CHUNK)
			FUZZ_CHECK(f == SASL_FEED_TOO_LONG);
		if (f == SASL_FEED_MORE) {
			FUZZ_CHECK(clen == SASL_CHUNK);
			total += clen;
		}
		FUZZ_CHECK(total <= SASL_ENCODED_MAX);
		i += k + 1;
	}
	if (f == SASL_FEED_DONE) {
		struct sasl_plain p;
		if (sasl_exchange_plain(x, &p) == SASL_PLAIN_OK) {
			FUZZ_CHECK(p.authcid[0] != 0 && strlen(p.authcid) <= NICK_LEN_MAX);
			FUZZ_CHECK(p.password[0] != 0 && strlen(p.password) <= SASL_PASSWORD_MAX);
		}
		sasl_plain_wipe(&p);
	}
	sasl_exchange_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		fuzz_message(data + 1, size - 1);
	else
		fuzz_chunks(data + 1, size - 1);
	return 0;
}
