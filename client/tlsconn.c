/* tlsconn: OpenSSL client connections for the network thread. */
#include "tlsconn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "xalloc.h"

#define TLSCONN_RETRY_MAX 16384 /* one TLS record's plaintext */

struct tlsconn {
	SSL_CTX *ctx;
	SSL *ssl;
	char retry[TLSCONN_RETRY_MAX]; /* bytes OpenSSL must be given again */
	size_t retry_len;
};

/* The first queued OpenSSL error (or what) as text. */
static void tlsconn_error(const char *what, char *err, size_t cap)
{
	unsigned long e = ERR_get_error();
	char buf[200] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, cap, "%s%s%s", what, *buf ? ": " : "", buf);
	ERR_clear_error();
}

/* True when host is an IPv4 or IPv6 address. */
static bool tlsconn_is_ip(const char *host)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* A client: TLS 1.2 or later, the system store, the host to check. */
struct tlsconn *tlsconn_new(int fd, const char *host, char *err, size_t cap)
{
	struct tlsconn *t = xcalloc(1, sizeof(*t));
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx || !SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION))
		goto fail;
	SSL_CTX_set_default_verify_paths(t->ctx); /* no store: nothing verifies, TOFU decides */
	/* Verification runs, but a failure does not end the handshake: the
	 * result is read afterwards, and an unverified key goes to TOFU. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1)
		goto fail;
	X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
	if (tlsconn_is_ip(host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1)
			goto fail;
	} else if (SSL_set_tlsext_host_name(t->ssl, host) != 1 ||
	           SSL_set1_host(t->ssl, host) != 1) {
		goto fail;
	}
	SSL_set_connect_state(t->ssl);
	return t;
fail:
	tlsconn_error("Cannot set up TLS", err, cap);
	tlsconn_free(t);
	return NULL;
}

/* One handshake step. */
enum tlsconn_step tlsconn_handshake(struct tlsconn *t, char *err, size_t cap)
{
	ERR_clear_error();
	int r = SSL_do_handshake(t->ssl);
	if (r == 1)
		return TLSCONN_DONE;
	int e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return TLSCONN_WANT_READ;
	if (e == SSL_ERROR_WANT_WRITE)
		return TLSCONN_WANT_WRITE;
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		snprintf(err, cap, "TLS handshake failed: %s",
		         errno ? strerror(errno)
		               : "the server closed the connection (not a TLS port?)");
	else
		tlsconn_error("TLS handshake failed", err, cap);
	return TLSCONN_FAILED;
}

/* The verification result of the handshake. */
bool tlsconn_verified(struct tlsconn *t)
{
	X509 *cert = SSL_get0_peer_certificate(t->ssl);
	return cert && SSL_get_verify_result(t->ssl) == X509_V_OK;
}

/* SHA-256 over the DER SubjectPublicKeyInfo. */
int tlsconn_spki_sha256(struct tlsconn *t, unsigned char out[KNOWN_SHA256_LEN])
{
	X509 *cert = SSL_get0_peer_certificate(t->ssl);
	if (!cert)
		return -1;
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return -1;
	unsigned int outlen = 0;
	int ok = EVP_Digest(der, (size_t)len, out, &outlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok == 1 && outlen == KNOWN_SHA256_LEN ? 0 : -1;
}

/* Maps an SSL_read/SSL_write failure onto errno; -1 always. */
static ssize_t tlsconn_fail(struct tlsconn *t, int r, const char *what, char *err, size_t cap)
{
	int e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		errno = EAGAIN;
		return -1;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno != 0) {
		snprintf(err, cap, "%s", strerror(errno));
		return -1;
	}
	tlsconn_error(what, err, cap);
	errno = EPROTO;
	return -1;
}

/* Reads decrypted bytes. */
ssize_t tlsconn_read(struct tlsconn *t, void *buf, size_t len, char *err, size_t cap)
{
	size_t got = 0;
	ERR_clear_error();
	errno = 0;
	int r = SSL_read_ex(t->ssl, buf, len, &got);
	if (r == 1)
		return (ssize_t)got;
	if (SSL_get_error(t->ssl, r) == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (SSL_get_error(t->ssl, r) == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)
		return 0; /* closed without close_notify: the end all the same */
	return tlsconn_fail(t, r, "TLS read failed", err, cap);
}

/* Decrypted bytes inside OpenSSL. */
bool tlsconn_pending(struct tlsconn *t)
{
	return SSL_pending(t->ssl) > 0;
}

/* Writes the bytes kept from a write OpenSSL must retry. */
int tlsconn_flush(struct tlsconn *t, char *err, size_t cap)
{
	while (t->retry_len > 0) {
		size_t done = 0;
		ERR_clear_error();
		errno = 0;
		int r = SSL_write_ex(t->ssl, t->retry, t->retry_len, &done);
		if (r != 1)
			return (int)tlsconn_fail(t, r, "TLS write failed", err, cap);
		memmove(t->retry, t->retry + done, t->retry_len - done);
		t->retry_len -= done;
	}
	return 0;
}

/* Encrypts and sends. A write OpenSSL wants retried is taken whole (the
 * caller moves on) and retried here with the same bytes. */
ssize_t tlsconn_write(struct tlsconn *t, const void *buf, size_t len, char *err, size_t cap)
{
	if (tlsconn_flush(t, err, cap) < 0)
		return -1;
	if (len > TLSCONN_RETRY_MAX)
		len = TLSCONN_RETRY_MAX;
	size_t done = 0;
	ERR_clear_error();
	errno = 0;
	int r = SSL_write_ex(t->ssl, buf, len, &done);
	if (r == 1)
		return (ssize_t)done;
	int e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
		memcpy(t->retry, buf, len);
		t->retry_len = len;
		return (ssize_t)len;
	}
	return tlsconn_fail(t, r, "TLS write failed", err, cap);
}

/* Says goodbye and frees. */
void tlsconn_free(struct tlsconn *t)
{
	if (!t)
		return;
	if (t->ssl) {
		ERR_clear_error();
		if (SSL_is_init_finished(t->ssl))
			SSL_shutdown(t->ssl);
		SSL_free(t->ssl);
	}
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}
