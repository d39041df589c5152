/* transport_tcp: the TCP transport's pieces that another transport on a
 * TCP socket (TLS) shares. Internal to the transport layer. */
#ifndef PARLEY_TRANSPORT_TCP_H
#define PARLEY_TRANSPORT_TCP_H

#include "transport.h"

/* One ppoll on fd for want (TRANSPORT_READ/WRITE); see transport_wait. */
int transport_tcp_poll(int fd, unsigned want, long long timeout_ms, const sigset_t *mask);

/* The TCP operations of the same names (transport_ops). */
void transport_tcp_close_hard_if_delivered(struct transport *t);
int transport_tcp_keepalive(struct transport *t, int idle_s);
int transport_tcp_local(const struct transport *t, char *buf, size_t cap);
int transport_tcp_remote(const struct transport *t, char *buf, size_t cap);

#endif
