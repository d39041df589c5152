/* tls: the server's TLS identity (certificate and key) and the context new
 * TLS connections are made from.
 *
 * The certificate comes from --tls-cert/--tls-key, or, with --tls alone,
 * from DATA_DIR/tls-cert.pem and DATA_DIR/tls-key.pem, which parleyd creates
 * once (an EC P-256 key and a self-signed certificate, files 0600) and keeps.
 * Its fingerprint, the SHA-256 of the SubjectPublicKeyInfo, is what clients
 * pin (trust on first use): it stays the same as long as the key does, even
 * when the certificate is re-issued.
 *
 * Threads: tls_setup and tls_reload run on the acceptor (main) thread; the
 * acceptor also makes each connection's SSL object (tls_new_ssl) and hands it
 * to the worker; from then on it is used under the connection's ssl_lock,
 * by the worker and by whoever writes its queue (transport_tls.c). The
 * current context is swapped under ctx_lock (a leaf; nothing slow under it);
 * a connection holds a reference to the context it was made from, so a
 * reload never disturbs a connection already open. */
#ifndef PARLEY_TLS_H
#define PARLEY_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Hex of a SHA-256 and its NUL. */
#define TLS_FINGERPRINT_HEX (64 + 1)

/* Names of the generated files in the data directory. */
#define TLS_GENERATED_CERT "tls-cert.pem"
#define TLS_GENERATED_KEY "tls-key.pem"

typedef struct ssl_st SSL;

/* Loads (or with --tls and no certificate: creates, then loads) the
 * certificate and key, and builds the context. Returns 0, or -1 with a
 * message in err. Fills fingerprint (TLS_FINGERPRINT_HEX bytes). */
int tls_setup(const struct config *cfg, char *fingerprint, char *err, size_t errcap);

/* Re-reads the certificate and key (SIGHUP): new connections use the new
 * ones, connections already open go on with theirs. On failure the old
 * ones stay and -1 is returned with a message in err. */
int tls_reload(char *fingerprint, char *err, size_t errcap);

/* A new server-side SSL object from the current context (NULL: out of
 * memory). */
SSL *tls_new_ssl(void);

/* Prints the fingerprint of the certificate --tls-cert names, or of the
 * one in the data directory, for `parleyd --fingerprint`. Returns the exit
 * status (0, or 1 with a message on stderr). Creates nothing. */
int tls_print_fingerprint(const struct config *cfg);

/* Frees the context (at exit). */
void tls_cleanup(void);

#endif
