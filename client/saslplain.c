/* saslplain: see saslplain.h. */
#include "saslplain.h"

#include <openssl/evp.h>
#include <string.h>

int saslplain_response(const char *account, const char *password, char *out, size_t cap)
{
	size_t alen = strlen(account), plen = strlen(password);
	if (alen == 0 || alen > SASLPLAIN_ACCOUNT_MAX || plen == 0 ||
	    plen > SASLPLAIN_PASSWORD_MAX || strpbrk(account, "\r\n") || strpbrk(password, "\r\n"))
		return -1;
	unsigned char raw[2 * SASLPLAIN_ACCOUNT_MAX + SASLPLAIN_PASSWORD_MAX + 2];
	size_t n = 0;
	memcpy(raw + n, account, alen);
	n += alen;
	raw[n++] = '\0';
	memcpy(raw + n, account, alen);
	n += alen;
	raw[n++] = '\0';
	memcpy(raw + n, password, plen);
	n += plen;
	int len = -1;
	if (cap >= ((n + 2) / 3) * 4 + 1)
		len = EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
	OPENSSL_cleanse(raw, sizeof(raw));
	return len;
}

int saslplain_chunk(const char *response, size_t len, size_t i, char *out)
{
	size_t full = len / SASLPLAIN_CHUNK;
	if (i < full || (i == full && len % SASLPLAIN_CHUNK != 0)) {
		size_t off = i * SASLPLAIN_CHUNK;
		size_t n = len - off < SASLPLAIN_CHUNK ? len - off : SASLPLAIN_CHUNK;
		memcpy(out, response + off, n);
		out[n] = '\0';
		return 1;
	}
	if (i == full) { /* len is a multiple of 400: a lone "+" ends it */
		strcpy(out, "+");
		return 1;
	}
	return 0;
}
