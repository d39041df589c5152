/* saslplain: the client's half of SASL PLAIN (RFC 4616) as IRC carries it
 * (IRCv3 sasl-3.1): the response "authzid NUL authcid NUL password" in
 * base64, sent in AUTHENTICATE lines of at most 400 characters, with a lone
 * "+" after a last line of exactly 400. No I/O; base64 is OpenSSL's. */
#ifndef PARLEY_SASLPLAIN_H
#define PARLEY_SASLPLAIN_H

#include <stddef.h>

#define SASLPLAIN_CHUNK 400          /* characters per AUTHENTICATE line */
#define SASLPLAIN_ACCOUNT_MAX 64     /* bytes of an account name */
#define SASLPLAIN_PASSWORD_MAX 256   /* bytes of a password */
/* base64 of the longest response, with its NUL */
#define SASLPLAIN_B64_MAX (((2 * SASLPLAIN_ACCOUNT_MAX + SASLPLAIN_PASSWORD_MAX + 2 + 2) / 3) * 4 + 1)

/* The base64 response for account and password (authzid = authcid =
 * account) into out[0..cap). Returns its length, or -1 when account is
 * empty or too long, password is empty or too long, either holds a NUL
 * (impossible in C strings) or a line break, or cap is too small. The
 * plain-text response is wiped before returning. */
int saslplain_response(const char *account, const char *password, char *out, size_t cap);

/* The AUTHENTICATE argument number i (0, 1, ...) of a response of len
 * characters into out (at least SASLPLAIN_CHUNK + 1): the i-th 400-character
 * piece, or "+" for the piece after the last when len is a multiple of 400
 * (including an empty response). Returns 1 when out holds an argument, 0
 * when all have been given. */
int saslplain_chunk(const char *response, size_t len, size_t i, char *out);

#endif
