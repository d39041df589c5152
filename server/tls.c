/* tls: see tls.h. */
#include "tls.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls_cert.h"

#define PATH_CAP 4200

/* Where the certificate and key are read from (set by tls_setup). */
static char cert_path[PATH_CAP], key_path[PATH_CAP];

static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER; /* a leaf */
static SSL_CTX *current; /* under ctx_lock; each SSL holds its own reference */

/* OpenSSL's last error as text (or a fallback) into buf. */
static void openssl_error(const char *what, const char *path, char *err, size_t errcap)
{
	char detail[256] = "unknown error";
	unsigned long e = ERR_peek_last_error();
	if (e)
		ERR_error_string_n(e, detail, sizeof detail);
	ERR_clear_error();
	snprintf(err, errcap, "%s %s: %s", what, path, detail);
}

/* A server context holding the certificate (chain) and key from the files.
 * TLS 1.2 and 1.3 only, no renegotiation, no session tickets or cache (each
 * costs memory per connection or process, and chat connections live long),
 * buffers released while idle, partial writes (the queue keeps the rest). */
static SSL_CTX *ctx_build(char *fingerprint, char *err, size_t errcap)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		openssl_error("cannot make a TLS context", "", err, errcap);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
					 SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
		openssl_error("cannot load the TLS certificate", cert_path, err, errcap);
	} else if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) {
		openssl_error("cannot load the TLS key", key_path, err, errcap);
	} else if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errcap, "the TLS key %s does not belong to the certificate %s",
			 key_path, cert_path);
		ERR_clear_error();
	} else if (tls_cert_fingerprint(SSL_CTX_get0_certificate(ctx), fingerprint) < 0) {
		snprintf(err, errcap, "cannot fingerprint the certificate %s", cert_path);
	} else {
		return ctx;
	}
	SSL_CTX_free(ctx);
	return NULL;
}

/* Installs ctx as the one new connections use; frees the previous one
 * (connections made from it keep their reference). */
static void ctx_install(SSL_CTX *ctx)
{
	pthread_mutex_lock(&ctx_lock);
	SSL_CTX *old = current;
	current = ctx;
	pthread_mutex_unlock(&ctx_lock);
	SSL_CTX_free(old);
}

/* True if path exists. */
static bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* --tls without a certificate: the pair in the data directory, made now if
 * neither file exists. Never overwrites one that does. */
static int generated_paths(const struct config *cfg, bool create, char *err, size_t errcap)
{
	snprintf(cert_path, sizeof cert_path, "%s/%s", cfg->data_dir, TLS_GENERATED_CERT);
	snprintf(key_path, sizeof key_path, "%s/%s", cfg->data_dir, TLS_GENERATED_KEY);
	bool have_cert = file_exists(cert_path), have_key = file_exists(key_path);
	if (have_cert && have_key)
		return 0;
	if (have_cert || have_key || !create) {
		snprintf(err, errcap, "%s: %s is missing; remove %s to have a new pair made, or "
			 "give --tls-cert and --tls-key", cfg->data_dir,
			 have_cert ? TLS_GENERATED_KEY : TLS_GENERATED_CERT,
			 have_cert ? TLS_GENERATED_CERT : TLS_GENERATED_KEY);
		if (!have_cert && !have_key)
			snprintf(err, errcap, "no certificate in %s (start parleyd with --tls once "
				 "to make one, or give --tls-cert)", cfg->data_dir);
		return -1;
	}
	if (mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errcap, "cannot create the data directory %s: %s", cfg->data_dir,
			 strerror(errno));
		return -1;
	}
	return tls_cert_generate(cert_path, key_path, err, errcap);
}

int tls_setup(const struct config *cfg, char *fingerprint, char *err, size_t errcap)
{
	if (cfg->tls_cert) {
		snprintf(cert_path, sizeof cert_path, "%s", cfg->tls_cert);
		snprintf(key_path, sizeof key_path, "%s", cfg->tls_key ? cfg->tls_key : cfg->tls_cert);
	} else if (generated_paths(cfg, true, err, errcap) < 0) {
		return -1;
	}
	SSL_CTX *ctx = ctx_build(fingerprint, err, errcap);
	if (!ctx)
		return -1;
	ctx_install(ctx);
	return 0;
}

int tls_reload(char *fingerprint, char *err, size_t errcap)
{
	SSL_CTX *ctx = ctx_build(fingerprint, err, errcap);
	if (!ctx)
		return -1;
	ctx_install(ctx);
	return 0;
}

SSL *tls_new_ssl(void)
{
	pthread_mutex_lock(&ctx_lock);
	SSL *ssl = current ? SSL_new(current) : NULL;
	pthread_mutex_unlock(&ctx_lock);
	return ssl;
}

int tls_print_fingerprint(const struct config *cfg)
{
	char err[512], hex[TLS_FINGERPRINT_HEX];
	if (cfg->tls_cert)
		snprintf(cert_path, sizeof cert_path, "%s", cfg->tls_cert);
	else if (generated_paths(cfg, false, err, sizeof err) < 0) {
		fprintf(stderr, "parleyd: %s\n", err);
		return 1;
	}
	if (tls_cert_file_fingerprint(cert_path, hex, err, sizeof err) < 0) {
		fprintf(stderr, "parleyd: %s\n", err);
		return 1;
	}
	printf("sha256 %s\n", hex);
	return 0;
}

void tls_cleanup(void)
{
	ctx_install(NULL);
}
