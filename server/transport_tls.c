/* transport_tls: the TLS transport (transport.h), OpenSSL on a
 * non-blocking TCP socket.
 *
 * Whoever holds the SSL lock: the SSL object is made by the acceptor
 * (tls_new_ssl) and handed to the worker with the session; from then on
 * every OpenSSL call on it (handshake, SSL_read, SSL_write, SSL_pending,
 * SSL_shutdown) is made with the connection's ssl_lock held, by the worker
 * (reads, the handshake, the goodbye) or by whoever holds the recipient's
 * queue (writes: the sender or a flushq turn, session_queue_write, one at a
 * time by q_flushing). OpenSSL lets any thread use an SSL object, one at a
 * time; the lock is that "one at a time", and a read that must write (a
 * TLS 1.3 key update; renegotiation is off) does so under it. So the ops
 * say shared_writes = true, as TCP's, and a message to a TLS recipient
 * costs no wake-up of its worker (docs/performance.md, "TLS").
 *
 * ssl_lock is a leaf below everything (global.h): taken with no lock held
 * (the worker's reads, waits and goodbye; writers drop q_lock around
 * transport_writev, session.c), and nothing is taken under it. The close
 * (under q_lock) does not take it: nobody else can hold it then. It is
 * held for one non-blocking OpenSSL call: the socket never blocks, so the
 * wait is one record's encryption at most.
 *
 * Nothing here blocks: the handshake runs inside transport_wait, a step
 * each time the socket is ready, and SSL_read/SSL_write's WANT_READ and
 * WANT_WRITE come back as EAGAIN (a writer that is not the worker then
 * leaves the queue armed and wakes the worker, which waits for the socket
 * in the direction OpenSSL asked: want_read_for_write). Until the handshake
 * is done, reads and writes say EAGAIN (the greeting waits in the queue); a
 * handshake that never ends meets the registration timeout like any
 * unregistered client. */
#include "transport.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "endpoint.h"
#include "log.h"
#include "tls.h"
#include "transport_tcp.h"

/* At most one TLS record's worth of queued lines per SSL_write. */
#define TLS_WRITE_MAX 16384
/* A TLS connection opens with a handshake record: content type 22. */
#define TLS_RECORD_HANDSHAKE 0x16
/* Plain text read and dropped before the ERROR line, per 4 KiB read. */
#define PLAIN_DRAIN_READS 4

/* ssl is used, and established, failed, closing, fail_errno and
 * want_read_for_write are written, with ssl_lock held; other threads (the
 * writers) read those flags under it too, the worker (their only writer,
 * but for want_read_for_write) may read them without. plain_port, checked
 * and want_write are the worker's alone. */
struct tls_conn {
	pthread_mutex_t ssl_lock; /* leaf: one thread at a time on ssl (above) */
	SSL *ssl;
	int plain_port;   /* named in the ERROR line for plain-text peers; 0: none */
	bool checked;     /* the first byte was a TLS handshake record */
	bool established; /* handshake done */
	bool want_write;  /* the handshake waits for the socket to take data */
	bool failed;      /* handshake failed or peer spoke plain text: reads fail */
	bool closing;     /* shutdown_write was called: the raw socket from now */
	int fail_errno;   /* what reads say once failed (0: end of stream) */
	bool want_read_for_write; /* the last SSL_write wanted input first */
};

enum step { STEP_DONE, STEP_AGAIN, STEP_FAILED };

/* Ends the handshake for good; later reads return fail_errno (or 0).
 * Worker only, ssl_lock not held (it is taken here). */
static enum step conn_fail(struct tls_conn *c, int error)
{
	pthread_mutex_lock(&c->ssl_lock);
	c->failed = true;
	c->fail_errno = error;
	pthread_mutex_unlock(&c->ssl_lock);
	ERR_clear_error();
	return STEP_FAILED;
}

/* A plain-text client on the TLS port: drop what it sent, tell it in one
 * line where to go, and end our side. */
static enum step plain_refuse(struct transport *t, struct tls_conn *c)
{
	char sink[4096];
	for (int i = 0; i < PLAIN_DRAIN_READS; i++)
		if (recv(t->fd, sink, sizeof sink, MSG_DONTWAIT) <= 0)
			break;
	char line[160];
	int len = c->plain_port
			  ? snprintf(line, sizeof line,
				     "ERROR :This port speaks TLS; connect with TLS or use port %d\r\n",
				     c->plain_port)
			  : snprintf(line, sizeof line,
				     "ERROR :This port speaks TLS; connect with TLS\r\n");
	if (send(t->fd, line, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("could not tell a plain-text client to use TLS: %s", strerror(errno));
	shutdown(t->fd, SHUT_WR);
	char remote[ENDPOINT_STR_MAX];
	transport_tcp_remote(t, remote, sizeof remote);
	log_limited(LOG_INFO, LOG_LIMIT_BURST,
		    "%s spoke plain text on the TLS port: told it to use TLS%s", remote,
		    c->plain_port ? " or the plain port" : "");
	return conn_fail(c, EPROTO);
}

/* Looks at the first byte without taking it: TLS or plain text? */
static enum step first_byte_check(struct transport *t, struct tls_conn *c)
{
	unsigned char b;
	ssize_t n = recv(t->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		c->want_write = false;
		return STEP_AGAIN;
	}
	if (n < 0)
		return conn_fail(c, errno);
	if (n == 0)
		return conn_fail(c, 0); /* closed before saying anything */
	if (b != TLS_RECORD_HANDSHAKE)
		return plain_refuse(t, c);
	c->checked = true;
	return STEP_DONE;
}

/* One non-blocking step of the handshake. */
static enum step handshake_step(struct transport *t, struct tls_conn *c)
{
	if (!c->checked) {
		enum step first = first_byte_check(t, c);
		if (first != STEP_DONE)
			return first;
	}
	/* Nobody else touches ssl before `established` (writers say EAGAIN),
	 * but the flag is read by them under the lock: take it for the step. */
	pthread_mutex_lock(&c->ssl_lock);
	int r = SSL_do_handshake(c->ssl);
	int saved = errno;
	int error = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, r);
	if (r == 1)
		c->established = true;
	pthread_mutex_unlock(&c->ssl_lock);
	if (r == 1) {
		/* The handshake made this thread OpenSSL state of its own (random
		 * generators, error queue: about 6 KiB) that a connection's thread
		 * seldom needs again; freed now, before the registration's
		 * allocations land after it, it leaves reusable room instead of a
		 * hole: ~5 KiB less RSS per idle TLS connection (docs/performance.md).
		 * OpenSSL makes again what a later call needs (TLS 1.2 CBC suites
		 * draw random IVs, errors need their queue). */
		OPENSSL_thread_stop();
		return STEP_DONE;
	}
	switch (error) {
	case SSL_ERROR_WANT_READ:
		c->want_write = false;
		return STEP_AGAIN;
	case SSL_ERROR_WANT_WRITE:
		c->want_write = true;
		return STEP_AGAIN;
	case SSL_ERROR_SYSCALL:
		return conn_fail(c, saved ? saved : ECONNRESET);
	default: {
		char remote[ENDPOINT_STR_MAX], why[256] = "protocol error";
		unsigned long e = ERR_peek_last_error();
		if (e)
			ERR_error_string_n(e, why, sizeof why);
		transport_tcp_remote(t, remote, sizeof remote);
		log_limited(LOG_INFO, LOG_LIMIT_BURST, "TLS handshake with %s failed: %s", remote,
			    why);
		return conn_fail(c, EPROTO);
	}
	}
}

/* Runs the handshake until it is done, fails, the time is up (0) or a
 * signal comes (-1, EINTR). Returns 1 when reads and writes may go on. */
static int handshake_wait(struct transport *t, struct tls_conn *c, long long timeout_ms,
			  const sigset_t *mask)
{
	long long deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
	for (;;) {
		if (c->failed)
			return 1; /* the read reports it */
		if (handshake_step(t, c) != STEP_AGAIN)
			return 1;
		long long left = -1;
		if (deadline >= 0) {
			left = deadline - clock_mono_ms();
			if (left < 0)
				left = 0;
		}
		int n = transport_tcp_poll(t->fd, c->want_write ? TRANSPORT_WRITE : TRANSPORT_READ,
					   left, mask);
		if (n <= 0)
			return n;
	}
}

/* Handshake first; then input OpenSSL already decrypted counts as ready. */
static int tls_wait(struct transport *t, unsigned want, long long timeout_ms,
		    const sigset_t *mask)
{
	struct tls_conn *c = t->priv;
	if (!c->closing && !c->established) {
		int r = handshake_wait(t, c, timeout_ms, mask);
		if (r <= 0)
			return r;
		if (c->failed)
			return (int)(TRANSPORT_READ | TRANSPORT_HANGUP);
	}
	pthread_mutex_lock(&c->ssl_lock);
	bool pending = !c->closing && (want & TRANSPORT_READ) && SSL_pending(c->ssl) > 0;
	/* A write that OpenSSL said needs input first waits for input, not
	 * for room in the socket (which it has: that would spin). */
	if (!c->closing && (want & TRANSPORT_WRITE) && c->want_read_for_write)
		want = (want & ~TRANSPORT_WRITE) | TRANSPORT_READ;
	pthread_mutex_unlock(&c->ssl_lock);
	if (pending)
		return TRANSPORT_READ;
	return transport_tcp_poll(t->fd, want, timeout_ms, mask);
}

/* Maps a failed SSL_read/SSL_write onto the system calls' answers.
 * ssl_lock held. */
static ssize_t ssl_failure(struct tls_conn *c, int r, int saved_errno, bool writing)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		if (writing)
			c->want_read_for_write = true;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0; /* close_notify (or, as we ask, an EOF without one) */
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (saved_errno == 0)
			return 0;
		errno = saved_errno;
		return -1;
	default:
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
}

/* tls_read with ssl_lock held. */
static ssize_t read_locked(struct transport *t, struct tls_conn *c, void *buf, size_t cap)
{
	if (c->failed) {
		if (c->fail_errno == 0)
			return 0;
		errno = c->fail_errno;
		return -1;
	}
	if (c->closing)
		return recv(t->fd, buf, cap, MSG_DONTWAIT); /* discarded by linger_close */
	if (!c->established) {
		errno = EAGAIN;
		return -1;
	}
	errno = 0;
	int r = SSL_read(c->ssl, buf, cap > INT_MAX ? INT_MAX : (int)cap);
	if (r > 0) {
		c->want_read_for_write = false; /* input came: let writes retry */
		return r;
	}
	ssize_t n = ssl_failure(c, r, errno, false);
	if (n < 0 && errno == EAGAIN)
		c->want_read_for_write = false; /* OpenSSL took what there was */
	return n;
}

/* Decrypted input, up to cap bytes. */
static ssize_t tls_read(struct transport *t, void *buf, size_t cap)
{
	struct tls_conn *c = t->priv;
	pthread_mutex_lock(&c->ssl_lock);
	ssize_t n = read_locked(t, c, buf, cap);
	int error = errno;
	pthread_mutex_unlock(&c->ssl_lock);
	errno = error;
	return n;
}

/* One SSL_write of len bytes at data, ssl_lock held. */
static ssize_t write_locked(struct tls_conn *c, const void *data, size_t len)
{
	if (c->failed || c->closing) {
		errno = EPIPE;
		return -1;
	}
	if (!c->established) {
		errno = EAGAIN;
		return -1;
	}
	errno = 0;
	int r = SSL_write(c->ssl, data, len > INT_MAX ? INT_MAX : (int)len);
	if (r > 0) {
		c->want_read_for_write = false;
		return r;
	}
	ssize_t n = ssl_failure(c, r, errno, true);
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	return n;
}

/* Encrypts up to TLS_WRITE_MAX queued bytes, on any thread (one writer at
 * a time: session_queue_write's q_flushing; ssl_lock keeps the worker's
 * reads out). A write OpenSSL could not finish is retried, by whichever
 * thread writes next, with the same bytes first (the queue keeps them) and
 * at least as many (the queue only grows): what SSL_write asks of a retry
 * with SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER. */
static ssize_t tls_writev(struct transport *t, const struct iovec *iov, int iovcnt)
{
	struct tls_conn *c = t->priv;
	if (iovcnt <= 0) {
		errno = EAGAIN;
		return -1;
	}
	/* Gathered before the lock: the worker's reads wait only for OpenSSL. */
	char gathered[TLS_WRITE_MAX];
	const void *data = iov[0].iov_base;
	size_t len = iov[0].iov_len;
	if (iovcnt > 1 && len < TLS_WRITE_MAX) {
		len = 0;
		for (int i = 0; i < iovcnt && len < TLS_WRITE_MAX; i++) {
			size_t take = iov[i].iov_len;
			if (take > TLS_WRITE_MAX - len)
				take = TLS_WRITE_MAX - len;
			memcpy(gathered + len, iov[i].iov_base, take);
			len += take;
		}
		data = gathered;
	}
	pthread_mutex_lock(&c->ssl_lock);
	ssize_t n = write_locked(c, data, len);
	int error = errno;
	pthread_mutex_unlock(&c->ssl_lock);
	errno = error;
	return n;
}

/* close_notify if the handshake was done, then FIN. */
static int tls_shutdown_write(struct transport *t)
{
	struct tls_conn *c = t->priv;
	pthread_mutex_lock(&c->ssl_lock);
	if (c->established && !c->failed && !c->closing) {
		SSL_shutdown(c->ssl); /* non-blocking: sent if the socket takes it */
		ERR_clear_error();
	}
	c->closing = true; /* a writer after this gets EPIPE */
	pthread_mutex_unlock(&c->ssl_lock);
	return shutdown(t->fd, SHUT_WR);
}

/* Frees the SSL object (and its hold on the context), then the socket.
 * Without ssl_lock: nobody writes any more (session.c closes only when the
 * queue is dead and no flush runs) and the worker is the caller. */
static void tls_close(struct transport *t)
{
	struct tls_conn *c = t->priv;
	SSL_free(c->ssl);
	pthread_mutex_destroy(&c->ssl_lock);
	free(c);
	t->priv = NULL;
	shutdown(t->fd, SHUT_RDWR);
	close(t->fd);
}

static const struct transport_ops tls_ops = {
	.name = "tls",
	.shared_writes = true, /* under ssl_lock (above) */
	.secure = true,
	.read = tls_read,
	.writev = tls_writev,
	.wait = tls_wait,
	.shutdown_write = tls_shutdown_write,
	.close = tls_close,
	.close_hard_if_delivered = transport_tcp_close_hard_if_delivered,
	.keepalive = transport_tcp_keepalive,
	.local = transport_tcp_local,
	.remote = transport_tcp_remote,
};

int transport_tls_open(struct transport *t, int fd, int plain_port)
{
	struct tls_conn *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	c->ssl = tls_new_ssl();
	if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1 ||
	    pthread_mutex_init(&c->ssl_lock, NULL) != 0) {
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return -1;
	}
	SSL_set_accept_state(c->ssl);
	c->plain_port = plain_port;
	int on = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	t->ops = &tls_ops;
	t->fd = fd;
	t->priv = c;
	return 0;
}
