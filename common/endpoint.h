/* endpoint: printable socket addresses ("127.0.0.1:6667", "[::1]:6667").
 * IPv4-mapped IPv6 addresses are shown as plain IPv4. */
#ifndef PARLEY_ENDPOINT_H
#define PARLEY_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define ENDPOINT_STR_MAX 64
/* A bare numeric host (endpoint_format_host): INET6_ADDRSTRLEN, no port or
 * scope. */
#define ENDPOINT_HOST_MAX 46

/* Formats address and port. Returns 0, or -1 (buf then holds "?"). */
int endpoint_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* Formats the address only, without port or brackets. */
int endpoint_format_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* Is host (endpoint_format_host's output, or any bare numeric address) a
 * loopback address: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6?
 * What goes there never crosses a network. */
bool endpoint_host_is_loopback(const char *host);

/* The local / remote endpoint of a connected socket. Return 0 or -1. */
int endpoint_local(int fd, char *buf, size_t cap);
int endpoint_remote(int fd, char *buf, size_t cap);

/* Parses "ADDR" or "ADDR:PORT" / "[V6]:PORT" for --bind. The port is left
 * as default_port when absent. Returns 0 or -1 with *reason set. */
int endpoint_parse(const char *text, int default_port, struct sockaddr_storage *out,
		   socklen_t *outlen, const char **reason);

#endif
