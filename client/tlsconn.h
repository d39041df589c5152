/* tlsconn: the client's side of a TLS connection (OpenSSL 3) over a
 * non-blocking socket. Only the network thread uses it. The handshake never
 * fails on the certificate: it records whether the chain verifies against
 * the system store and names the host, and the caller decides (trust on
 * first use for the rest, see net.c). Reads and writes keep recv/send's
 * contract (EAGAIN when the socket is not ready), so the poll loop stays the
 * same; a write OpenSSL must retry is kept here and retried with the same
 * bytes, which OpenSSL requires. */
#ifndef PARLEY_TLSCONN_H
#define PARLEY_TLSCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "knownservers.h"

#define TLSCONN_ERR_MAX 256

enum tlsconn_step {
	TLSCONN_DONE,
	TLSCONN_WANT_READ,
	TLSCONN_WANT_WRITE,
	TLSCONN_FAILED,
};

struct tlsconn;

/* A TLS client on fd for host (SNI when it is a name, and the name or
 * address the certificate must name). NULL with err set on failure. */
struct tlsconn *tlsconn_new(int fd, const char *host, char *err, size_t cap);

/* One step of the handshake; on TLSCONN_FAILED err says why. */
enum tlsconn_step tlsconn_handshake(struct tlsconn *t, char *err, size_t cap);

/* After the handshake: the chain verified against the system store and the
 * certificate names the host. */
bool tlsconn_verified(struct tlsconn *t);

/* After the handshake: the SHA-256 of the certificate's SubjectPublicKeyInfo. Returns 0 or -1. */
int tlsconn_spki_sha256(struct tlsconn *t, unsigned char out[KNOWN_SHA256_LEN]);

/* Like recv: bytes read, 0 at the end of the stream, -1 with errno (EAGAIN
 * when nothing is readable yet; EPROTO on a TLS error, err set). */
ssize_t tlsconn_read(struct tlsconn *t, void *buf, size_t len, char *err, size_t cap);

/* True when decrypted bytes wait inside OpenSSL (poll will not show them). */
bool tlsconn_pending(struct tlsconn *t);

/* Like send: bytes taken, or -1 with errno (EAGAIN: retry when writable). */
ssize_t tlsconn_write(struct tlsconn *t, const void *buf, size_t len, char *err, size_t cap);

/* Writes bytes kept for a retry: 0 when none are left, -1 with errno
 * (EAGAIN: poll for writing and call again). */
int tlsconn_flush(struct tlsconn *t, char *err, size_t cap);

/* Sends close_notify (best effort, no waiting) and frees everything. The
 * caller closes the socket. */
void tlsconn_free(struct tlsconn *t);

#endif
