/* transport: see transport.h. The TCP transport: a non-blocking socket.
 * TLS on top of it is transport_tls.c. */
#include "transport.h"

#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"
#include "transport_tcp.h"

/* Keepalive probes sent before a silent peer is given up. */
#define TCP_KEEPALIVE_PROBES 3

/* Reads what the socket has, without waiting. */
static ssize_t tcp_read(struct transport *t, void *buf, size_t cap)
{
	return recv(t->fd, buf, cap, MSG_DONTWAIT);
}

/* Writes what the socket takes now; never raises SIGPIPE. */
static ssize_t tcp_writev(struct transport *t, const struct iovec *iov, int iovcnt)
{
	struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
	return sendmsg(t->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int transport_tcp_poll(int fd, unsigned want, long long timeout_ms, const sigset_t *mask)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = (short)(((want & TRANSPORT_READ) ? POLLIN : 0) |
				  ((want & TRANSPORT_WRITE) ? POLLOUT : 0)),
	};
	struct timespec ts = {.tv_sec = timeout_ms / 1000,
			      .tv_nsec = timeout_ms % 1000 * 1000000};
	int n = ppoll(&pfd, 1, timeout_ms < 0 ? NULL : &ts, mask);
	if (n <= 0)
		return n;
	unsigned found = 0;
	/* A hang-up or an error is news for a reader too: the read says which. */
	if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
		found |= TRANSPORT_READ;
	if (pfd.revents & POLLOUT)
		found |= TRANSPORT_WRITE;
	if (pfd.revents & (POLLHUP | POLLERR))
		found |= TRANSPORT_HANGUP;
	return (int)found;
}

/* One ppoll on the socket. */
static int tcp_wait(struct transport *t, unsigned want, long long timeout_ms,
		    const sigset_t *mask)
{
	return transport_tcp_poll(t->fd, want, timeout_ms, mask);
}

/* Sends FIN: the peer reads the end of the stream after what was sent. */
static int tcp_shutdown_write(struct transport *t)
{
	return shutdown(t->fd, SHUT_WR);
}

/* Both directions down, then the descriptor freed. */
static void tcp_close(struct transport *t)
{
	shutdown(t->fd, SHUT_RDWR);
	close(t->fd);
}

/* Everything sent was acknowledged (SIOCOUTQ 0, the FIN too): reset on
 * close instead of waiting for a peer that never closes its side. */
void transport_tcp_close_hard_if_delivered(struct transport *t)
{
	int unacked = -1;
	if (ioctl(t->fd, SIOCOUTQ, &unacked) == 0 && unacked == 0) {
		struct linger reset = {.l_onoff = 1, .l_linger = 0};
		setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	}
}

/* TCP keepalive: first probe after idle_s, then TCP_KEEPALIVE_PROBES probes
 * idle_s/3 + 1 apart, so a vanished peer is noticed within about 2 x idle_s. */
int transport_tcp_keepalive(struct transport *t, int idle_s)
{
	int on = idle_s > 0;
	if (setsockopt(t->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0)
		return -1;
	if (!on)
		return 0;
	int intvl = idle_s / 3 + 1, cnt = TCP_KEEPALIVE_PROBES;
	if (setsockopt(t->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s) < 0 ||
	    setsockopt(t->fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) < 0 ||
	    setsockopt(t->fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0)
		return -1;
	return 0;
}

/* getsockname, formatted. */
int transport_tcp_local(const struct transport *t, char *buf, size_t cap)
{
	return endpoint_local(t->fd, buf, cap);
}

/* getpeername, formatted. */
int transport_tcp_remote(const struct transport *t, char *buf, size_t cap)
{
	return endpoint_remote(t->fd, buf, cap);
}

/* The TCP operations; only who may write differs between the two tables. */
#define TCP_OPS(ops_name, shared)                                               \
	{                                                                       \
		.name = ops_name, .shared_writes = shared, .read = tcp_read,    \
		.writev = tcp_writev, .wait = tcp_wait,                         \
		.shutdown_write = tcp_shutdown_write, .close = tcp_close,       \
		.close_hard_if_delivered = transport_tcp_close_hard_if_delivered, \
		.keepalive = transport_tcp_keepalive, .local = transport_tcp_local, \
		.remote = transport_tcp_remote                                  \
	}

static const struct transport_ops tcp_ops = TCP_OPS("tcp", true);

/* The same socket, written by its worker only (PARLEY_WORKER_WRITES=1): the
 * rule the TLS transport follows, exercised on TCP with every test. */
static const struct transport_ops tcp_worker_ops = TCP_OPS("tcp (worker writes only)", false);

void transport_tcp_open(struct transport *t, int fd, bool worker_writes)
{
	int on = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	t->ops = worker_writes ? &tcp_worker_ops : &tcp_ops;
	t->fd = fd;
	t->priv = NULL;
}

void transport_close(struct transport *t)
{
	if (!t->ops)
		return;
	t->ops->close(t);
	t->ops = NULL;
	t->fd = -1;
	t->priv = NULL;
}

int transport_local(const struct transport *t, char *buf, size_t cap)
{
	if (t->ops && t->ops->local(t, buf, cap) == 0)
		return 0;
	snprintf(buf, cap, "?");
	return -1;
}

int transport_remote(const struct transport *t, char *buf, size_t cap)
{
	if (t->ops && t->ops->remote(t, buf, cap) == 0)
		return 0;
	snprintf(buf, cap, "?");
	return -1;
}
