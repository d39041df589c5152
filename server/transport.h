/* transport: the bytes of one connection, in and out, behind one small
 * interface: plain TCP (transport.c) and TLS on TCP (transport_tls.c);
 * WebSocket would slot in here as another struct transport_ops, without
 * touching anything above (session, delivery, front-ends).
 *
 * A transport is a small value embedded in its session (struct session's
 * `t`): the operations plus the descriptor. The acceptor opens it
 * (transport_tcp_open) and hands it to the session; from then on it belongs
 * to the session's worker thread, which reads, waits, says goodbye
 * (transport_shutdown_write) and closes it.
 *
 * Writing is the one operation other threads may need. Today a message's
 * sender, or whoever takes a write turn (flushq.h), writes a recipient's
 * queue to its socket itself (session_queue_write), one writer at a time
 * under the queue's rules, to spare a wake-up per message. That is allowed
 * only when ops->shared_writes is true: any thread may call
 * transport_writev, as long as no two do at once, while the worker reads
 * and waits. A transport whose ops say false is written by its worker only
 * (writers wake it, session.c). PARLEY_WORKER_WRITES=1 in the environment
 * makes the TCP transport say false, so that path is tested with the whole
 * messaging suite (tests/integration/test_worker_writes.py).
 *
 * The TLS transport (transport_tls.c) says shared_writes = true: every
 * OpenSSL call on a connection's SSL object is made under that connection's
 * ssl_lock (a leaf), so a sender's SSL_write and the worker's SSL_read (which
 * may itself need to write) never overlap; OpenSSL asks no more than that.
 *
 * Every call is non-blocking except transport_wait. Return values follow
 * the system calls': a byte count, or -1 with errno set (EAGAIN: not now). */
#ifndef PARLEY_TRANSPORT_H
#define PARLEY_TRANSPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/* What transport_wait waits for, and what it found (bits). */
#define TRANSPORT_READ 0x1u   /* reading will not block: data, end, or an error */
#define TRANSPORT_WRITE 0x2u  /* writing will make progress */
#define TRANSPORT_HANGUP 0x4u /* hung up or failed (reported even unasked) */

struct transport;

struct transport_ops {
	const char *name;   /* "tcp" */
	bool shared_writes; /* writev may be called by any thread (one at a time) */
	bool secure;        /* encrypted (TLS): what passwords may cross */
	/* Reads up to cap bytes: > 0, 0 at the end of the stream, or -1. */
	ssize_t (*read)(struct transport *t, void *buf, size_t cap);
	/* Writes from iov; returns the bytes taken (possibly fewer) or -1. */
	ssize_t (*writev)(struct transport *t, const struct iovec *iov, int iovcnt);
	/* Blocks until one of `want` (TRANSPORT_READ/WRITE) is ready, a
	 * hang-up, timeout_ms (-1: none), or a signal that mask (NULL: the
	 * thread's own) lets through: then -1 with errno EINTR. Returns the
	 * TRANSPORT_* bits found, 0 on timeout. A transport that holds input
	 * already read from the descriptor (TLS) reports READ at once. */
	int (*wait)(struct transport *t, unsigned want, long long timeout_ms,
		    const sigset_t *mask);
	/* Says the last word: nothing more will be written (FIN, close_notify). */
	int (*shutdown_write)(struct transport *t);
	/* Ends the connection and frees the descriptor. */
	void (*close)(struct transport *t);
	/* Makes the coming close final for a peer that keeps its side open
	 * (nc, which otherwise sits in CLOSE-WAIT): once the peer has
	 * acknowledged everything written, the close resets the connection
	 * (TCP: SO_LINGER 0). Does nothing while data is still in flight. */
	void (*close_hard_if_delivered)(struct transport *t);
	/* Lets the transport notice a vanished peer after idle_s seconds of
	 * silence, within about twice that (idle_s <= 0: stop watching). */
	int (*keepalive)(struct transport *t, int idle_s);
	/* This end's / the peer's "address:port" into buf (ENDPOINT_STR_MAX). */
	int (*local)(const struct transport *t, char *buf, size_t cap);
	int (*remote)(const struct transport *t, char *buf, size_t cap);
};

/* Kept small: it is part of every idle connection's footprint. A transport
 * with state of its own (TLS: the SSL object) keeps it behind priv. */
struct transport {
	const struct transport_ops *ops; /* NULL: not open (or closed) */
	int fd;                          /* what transport_wait polls; -1 once closed */
	void *priv;                      /* the transport's own state (TLS), or NULL */
};

/* Wraps an accepted, non-blocking TCP socket; sets TCP_NODELAY (chat lines
 * are small and must not wait for more). worker_writes: only the worker may
 * write (shared_writes false), the TLS-like mode PARLEY_WORKER_WRITES=1
 * asks for. */
void transport_tcp_open(struct transport *t, int fd, bool worker_writes);

/* Wraps an accepted, non-blocking TCP socket in a server-side TLS
 * connection (transport_tls.c); the handshake happens in transport_wait,
 * on the worker. A peer that speaks plain text gets one ERROR line naming
 * plain_port (0: none) and is closed. Returns 0, or -1 (out of memory, no
 * TLS context) leaving fd open. */
int transport_tls_open(struct transport *t, int fd, int plain_port);

/* True while t is open. */
static inline bool transport_is_open(const struct transport *t)
{
	return t->ops != NULL;
}

/* May threads other than the worker write (see above)? */
static inline bool transport_shared_writes(const struct transport *t)
{
	return t->ops->shared_writes;
}

/* Is the connection encrypted (TLS)? */
static inline bool transport_is_secure(const struct transport *t)
{
	return t->ops && t->ops->secure;
}

/* The descriptor's number, for people (--trace, /conn); -1 once closed. */
static inline int transport_fd(const struct transport *t)
{
	return t->fd;
}

static inline ssize_t transport_read(struct transport *t, void *buf, size_t cap)
{
	return t->ops->read(t, buf, cap);
}

static inline ssize_t transport_writev(struct transport *t, const struct iovec *iov,
				       int iovcnt)
{
	return t->ops->writev(t, iov, iovcnt);
}

static inline int transport_wait(struct transport *t, unsigned want, long long timeout_ms,
				 const sigset_t *mask)
{
	return t->ops->wait(t, want, timeout_ms, mask);
}

static inline int transport_shutdown_write(struct transport *t)
{
	return t->ops->shutdown_write(t);
}

static inline int transport_keepalive(struct transport *t, int idle_s)
{
	return t->ops->keepalive(t, idle_s);
}

static inline void transport_close_hard_if_delivered(struct transport *t)
{
	t->ops->close_hard_if_delivered(t);
}

/* Closes t if it is open; afterwards transport_is_open() is false. */
void transport_close(struct transport *t);

/* "address:port" of this end / the peer into buf; "?" (and -1) when closed
 * or unknown. */
int transport_local(const struct transport *t, char *buf, size_t cap);
int transport_remote(const struct transport *t, char *buf, size_t cap);

#endif
