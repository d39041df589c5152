/* listener: the listening sockets, accepting connections on them, and the
 * sessions accepted: the acceptor starts a worker per connection (with a
 * TCP transport, transport.h), keeps the list of them and joins each when it
 * ends. Used by the acceptor (main) thread only; workers report their end
 * through the callback they were started with (session_start), the only
 * thing they know of the acceptor. */
#ifndef PARLEY_LISTENER_H
#define PARLEY_LISTENER_H

#include <stddef.h>

#include "config.h"

#define LISTENERS_MAX (2 * CONFIG_BINDS_MAX + 1) /* plain and TLS */
#define ACCEPT_BATCH 64 /* connections taken per wake-up of the acceptor */

/* Opens every socket the configuration asks for (default: all IPv6 and IPv4
 * addresses), prints "listening on ADDR:PORT" for each, and with cfg->tls
 * the TLS listeners too: "listening (TLS) on ADDR:PORT (key fingerprint
 * sha256 HEX)". Connections accepted on those get a TLS transport. Returns
 * how many were opened (> 0), or -1 with *error holding an allocated
 * message. */
int listener_open_all(const struct config *cfg, const char *tls_fingerprint, int *fds,
		      char **error);

/* Accepts up to max connections waiting on listening socket fd and starts a
 * worker for each (--iterative: serves each in turn on this thread).
 * Returns -1 if accepting must pause (out of descriptors or memory), else 0. */
int listener_accept(int fd, int max);

/* How many connections wait in the listening socket's backlog (handshake
 * done, not yet accepted), or -1 if the kernel does not say. */
int listener_backlog(int fd);

/* Sets up the list of sessions and the descriptor workers signal when they
 * end; reads PARLEY_WORKER_WRITES. Returns 0 or -1 with errno set. */
int listener_sessions_init(void);

/* Readable when a worker has ended: then call listener_reap(). */
int listener_finished_fd(void);

/* Joins every worker that ended, forgets its address for the per-address
 * limit, counts it out of g_server.sessions_alive, drops the session. */
void listener_reap(void);

/* Wakes every running worker (shutdown: they see shutting_down and go). */
void listener_wake_all(void);

/* Opens the reserve descriptor (if not open): on EMFILE/ENFILE the acceptor
 * gives it up for a moment to accept a newcomer and refuse it with an ERROR
 * line. Returns 0 or -1. */
int listener_reserve_open(void);

/* Frees the per-address table, the reserve and the workers' descriptor
 * (after every worker was joined). */
void listener_cleanup(void);

#endif
