/* sasl: see sasl.h. */
#include "sasl.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "utf8.h"
#include "xalloc.h"

struct sasl_exchange {
	size_t len; /* base64 bytes collected */
	char buf[SASL_ENCODED_MAX + 1];
};

struct sasl_exchange *sasl_exchange_new(void)
{
	return xcalloc(1, sizeof(struct sasl_exchange));
}

void sasl_exchange_free(struct sasl_exchange *x)
{
	if (!x)
		return;
	explicit_bzero(x, sizeof *x);
	free(x);
}

enum sasl_feed_result sasl_exchange_feed(struct sasl_exchange *x, const char *chunk)
{
	if (strcmp(chunk, "*") == 0)
		return SASL_FEED_ABORTED;
	if (strcmp(chunk, "+") == 0)
		return SASL_FEED_DONE; /* empty, or the end after a full chunk */
	size_t n = strlen(chunk);
	if (n == 0)
		return SASL_FEED_INVALID;
	if (n > SASL_CHUNK || n > SASL_ENCODED_MAX - x->len)
		return SASL_FEED_TOO_LONG;
	memcpy(x->buf + x->len, chunk, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n == SASL_CHUNK ? SASL_FEED_MORE : SASL_FEED_DONE;
}

enum sasl_plain_result sasl_exchange_plain(const struct sasl_exchange *x, struct sasl_plain *out)
{
	return sasl_plain_decode(x->buf, x->len, out);
}

/* True for a byte of the base64 alphabet (RFC 4648, section 4), padding excluded. */
static bool b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* How many '=' pad b64[0..len), or -1 unless it is whole quanta of the
 * alphabet with at most two '=' at the very end. EVP_DecodeBlock skips
 * white space and counts padding as zero bytes, so this check comes first. */
static int b64_padding(const char *b64, size_t len)
{
	if (len % 4 != 0)
		return -1;
	int pad = 0;
	while (pad < 2 && len > (size_t)pad && b64[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - (size_t)pad; i++)
		if (!b64_char(b64[i]))
			return -1;
	return pad;
}

/* Checks one part of a PLAIN message (not empty, at most max bytes, valid
 * UTF-8) and copies it into dst (max + 1 bytes). */
static enum sasl_plain_result plain_part(const unsigned char *p, size_t len, size_t max, char *dst)
{
	if (len == 0)
		return SASL_PLAIN_MALFORMED;
	if (len > max)
		return SASL_PLAIN_TOO_LONG;
	if (!utf8_valid((const char *)p, len))
		return SASL_PLAIN_BAD_UTF8;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return SASL_PLAIN_OK;
}

/* Splits msg[0..len) = authzid NUL authcid NUL passwd into *out. */
static enum sasl_plain_result plain_split(const unsigned char *msg, size_t len,
                                          struct sasl_plain *out)
{
	const unsigned char *nul1 = memchr(msg, '\0', len);
	if (!nul1)
		return SASL_PLAIN_MALFORMED;
	const unsigned char *cid = nul1 + 1;
	const unsigned char *nul2 = memchr(cid, '\0', len - (size_t)(cid - msg));
	if (!nul2)
		return SASL_PLAIN_MALFORMED;
	const unsigned char *pw = nul2 + 1;
	size_t pw_len = len - (size_t)(pw - msg);
	if (memchr(pw, '\0', pw_len))
		return SASL_PLAIN_MALFORMED; /* a NUL inside the password */
	char authzid[NICK_LEN_MAX + 1] = "";
	size_t zid_len = (size_t)(nul1 - msg);
	enum sasl_plain_result r = SASL_PLAIN_OK;
	if (zid_len)
		r = plain_part(msg, zid_len, NICK_LEN_MAX, authzid);
	if (r == SASL_PLAIN_OK)
		r = plain_part(cid, (size_t)(nul2 - cid), NICK_LEN_MAX, out->authcid);
	if (r == SASL_PLAIN_OK)
		r = plain_part(pw, pw_len, SASL_PASSWORD_MAX, out->password);
	/* Acting for another account is not offered: the authzid may only
	 * repeat the authcid (account names compare as nicks do). */
	if (r == SASL_PLAIN_OK && zid_len && ircname_cmp(authzid, out->authcid) != 0)
		r = SASL_PLAIN_AUTHZID_MISMATCH;
	return r;
}

enum sasl_plain_result sasl_plain_decode(const char *b64, size_t len, struct sasl_plain *out)
{
	sasl_plain_wipe(out);
	if (len > SASL_ENCODED_MAX)
		return SASL_PLAIN_TOO_LONG;
	int pad = b64_padding(b64, len);
	if (pad < 0)
		return SASL_PLAIN_BAD_BASE64;
	if (len == 0)
		return SASL_PLAIN_MALFORMED; /* an empty response */
	unsigned char msg[SASL_ENCODED_MAX / 4 * 3 + 1];
	int n = EVP_DecodeBlock(msg, (const unsigned char *)b64, (int)len);
	enum sasl_plain_result r;
	if (n < pad)
		r = SASL_PLAIN_BAD_BASE64;
	else
		r = plain_split(msg, (size_t)(n - pad), out);
	explicit_bzero(msg, sizeof msg);
	if (r != SASL_PLAIN_OK)
		sasl_plain_wipe(out);
	return r;
}

void sasl_plain_wipe(struct sasl_plain *p)
{
	explicit_bzero(p, sizeof *p);
}

const char *sasl_plain_result_text(enum sasl_plain_result r)
{
	switch (r) {
	case SASL_PLAIN_OK:
		return "ok";
	case SASL_PLAIN_BAD_BASE64:
		return "the response is not valid base64";
	case SASL_PLAIN_MALFORMED:
		return "the response is not a PLAIN message (authzid NUL authcid NUL password)";
	case SASL_PLAIN_TOO_LONG:
		return "the account name or password is too long";
	case SASL_PLAIN_BAD_UTF8:
		return "the account name or password is not valid UTF-8";
	case SASL_PLAIN_AUTHZID_MISMATCH:
		return "logging in as another account (authzid) is not supported";
	}
	return "unknown";
}
