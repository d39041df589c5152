/* sasl: the AUTHENTICATE exchange of IRCv3 sasl-3.1 for the PLAIN mechanism
 * (RFC 4616), without I/O.
 *
 * The client sends its base64 response in AUTHENTICATE chunks of at most
 * SASL_CHUNK bytes: a chunk of exactly SASL_CHUNK bytes means more follows,
 * a shorter one ends the response, and "+" alone is an empty chunk (an empty
 * response, or the end of one whose length is a multiple of SASL_CHUNK).
 * "*" aborts. The whole response is bounded by what the largest PLAIN
 * message we accept encodes to; anything longer is refused (905) before it
 * is decoded. Base64 is decoded by OpenSSL (EVP_DecodeBlock), after a strict
 * check of the alphabet and the padding, which EVP_DecodeBlock does not do.
 *
 * Everything that held a password (the collected chunks, the decoded
 * message) is wiped with explicit_bzero before it is freed or left. */
#ifndef PARLEY_SASL_H
#define PARLEY_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "ircname.h"

#define SASL_CHUNK 400        /* bytes of base64 per AUTHENTICATE (sasl-3.1) */
#define SASL_PASSWORD_MAX 256 /* bytes of a password in a PLAIN message */
/* The largest PLAIN message: authzid NUL authcid NUL passwd. */
#define SASL_MESSAGE_MAX (NICK_LEN_MAX + 1 + NICK_LEN_MAX + 1 + SASL_PASSWORD_MAX)
/* Its base64 length: the bound on the collected response (424 bytes). */
#define SASL_ENCODED_MAX (4 * ((SASL_MESSAGE_MAX + 2) / 3))

/* One exchange in progress: the chunks collected so far. Opaque. */
struct sasl_exchange;

/* What one AUTHENTICATE chunk did to the exchange. */
enum sasl_feed_result {
	SASL_FEED_MORE,     /* a full chunk: the response goes on */
	SASL_FEED_DONE,     /* the response is complete: decode it */
	SASL_FEED_ABORTED,  /* "*": the client gave up (906) */
	SASL_FEED_TOO_LONG, /* a chunk over SASL_CHUNK, or the whole over SASL_ENCODED_MAX (905) */
	SASL_FEED_INVALID,  /* an empty parameter (904) */
};

/* Why a PLAIN response was refused, or SASL_PLAIN_OK. */
enum sasl_plain_result {
	SASL_PLAIN_OK,
	SASL_PLAIN_BAD_BASE64, /* not canonical padded base64 */
	SASL_PLAIN_MALFORMED,  /* not authzid NUL authcid NUL passwd, or an empty part */
	SASL_PLAIN_TOO_LONG,   /* an identity over NICK_LEN_MAX or a password over SASL_PASSWORD_MAX
	                        */
	SASL_PLAIN_BAD_UTF8,   /* a part that is not valid UTF-8 */
	SASL_PLAIN_AUTHZID_MISMATCH, /* authzid neither empty nor the authcid */
};

/* A PLAIN response taken apart. Wipe it (sasl_plain_wipe) after use. */
struct sasl_plain {
	char authcid[NICK_LEN_MAX + 1];
	char password[SASL_PASSWORD_MAX + 1];
};

/* A new exchange with nothing collected. Freed by sasl_exchange_free. */
struct sasl_exchange *sasl_exchange_new(void);

/* Wipes what was collected and frees the exchange (NULL is fine). */
void sasl_exchange_free(struct sasl_exchange *x);

/* Takes one AUTHENTICATE parameter. After anything but SASL_FEED_MORE the
 * exchange is over for the caller: decode (DONE) or free it. */
enum sasl_feed_result sasl_exchange_feed(struct sasl_exchange *x, const char *chunk);

/* Decodes the complete response of x as PLAIN into *out (wiped first; left
 * wiped unless SASL_PLAIN_OK). The decoded bytes are wiped before return. */
enum sasl_plain_result sasl_exchange_plain(const struct sasl_exchange *x, struct sasl_plain *out);

/* Decodes base64 text b64[0..len) as a PLAIN message into *out (as above). */
enum sasl_plain_result sasl_plain_decode(const char *b64, size_t len, struct sasl_plain *out);

/* Wipes *p (explicit_bzero). */
void sasl_plain_wipe(struct sasl_plain *p);

/* A short English reason for r, for the 904 text and the log. */
const char *sasl_plain_result_text(enum sasl_plain_result r);

#endif
