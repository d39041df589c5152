/* listener: the listening sockets and accepting connections on them.
 * Used by the acceptor (main) thread only. */
#ifndef PARLEY_LISTENER_H
#define PARLEY_LISTENER_H

#include <stddef.h>

#include "config.h"

#define LISTENERS_MAX (CONFIG_BINDS_MAX + 1)

/* Opens every socket the configuration asks for (default: all IPv6 and IPv4
 * addresses), prints "listening on ADDR:PORT" for each. Returns how many were
 * opened (> 0), or -1 with *error holding an allocated message. */
int listener_open_all(const struct config *cfg, int *fds, char **error);

/* Accepts what is waiting on listening socket fd and starts a worker for
 * each connection. Returns -1 if accepting must pause (out of descriptors or
 * memory), else 0. */
int listener_accept(int fd);

/* Opens the reserve descriptor (if not open): on EMFILE/ENFILE the acceptor
 * gives it up for a moment to accept a newcomer and refuse it with an ERROR
 * line. Returns 0 or -1. */
int listener_reserve_open(void);

/* A worker has been joined: forget its address for the per-address limit. */
void listener_forget(const char *host);

/* Frees the per-address table and the reserve descriptor. */
void listener_cleanup(void);

#endif
