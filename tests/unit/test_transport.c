/* Unit tests for server/transport (the TCP transport), over a real loopback
 * TCP connection: the test holds one end as a plain socket, the transport
 * wraps the other, as the acceptor wraps an accepted socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"
#include "transport.h"

#define WAIT_MS 5000 /* bound on every wait that must succeed */

struct pair {
	struct transport t; /* the server's end */
	int peer;           /* the client's end, a plain blocking socket */
};

/* Connects a client socket to a fresh loopback listener and wraps the
 * accepted end in a TCP transport. */
static void pair_open(struct pair *p, bool worker_writes)
{
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	struct sockaddr_in addr = {.sin_family = AF_INET};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(lfd, 1), 0);
	socklen_t len = sizeof addr;
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	p->peer = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(p->peer >= 0);
	assert_int_equal(connect(p->peer, (struct sockaddr *)&addr, sizeof addr), 0);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	assert_true(fd >= 0);
	close(lfd);
	transport_tcp_open(&p->t, fd, worker_writes);
}

/* Closes both ends. */
static void pair_close(struct pair *p)
{
	transport_close(&p->t);
	if (p->peer >= 0)
		close(p->peer);
}

/* Reads exactly n bytes from the client's end. */
static void peer_read_exactly(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void test_read_nothing_then_data_then_end(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	char buf[64];
	errno = 0;
	assert_int_equal(transport_read(&p.t, buf, sizeof buf), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_int_equal(send(p.peer, "hello\r\n", 7, 0), 7);
	int found = transport_wait(&p.t, TRANSPORT_READ, WAIT_MS, NULL);
	assert_true(found & TRANSPORT_READ);
	assert_int_equal(transport_read(&p.t, buf, sizeof buf), 7);
	assert_memory_equal(buf, "hello\r\n", 7);
	close(p.peer);
	p.peer = -1;
	found = transport_wait(&p.t, TRANSPORT_READ, WAIT_MS, NULL);
	assert_true(found & TRANSPORT_READ);
	assert_int_equal(transport_read(&p.t, buf, sizeof buf), 0);
	pair_close(&p);
}

static void test_writev_gathers_buffers(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	struct iovec iov[3] = {
		{.iov_base = "PING", .iov_len = 4},
		{.iov_base = " :", .iov_len = 2},
		{.iov_base = "x\r\n", .iov_len = 3},
	};
	assert_int_equal(transport_writev(&p.t, iov, 3), 9);
	char buf[16];
	peer_read_exactly(p.peer, buf, 9);
	assert_memory_equal(buf, "PING :x\r\n", 9);
	pair_close(&p);
}

static void test_wait_times_out_and_sees_writable(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	/* Nothing to read: the wait ends by its timeout. */
	assert_int_equal(transport_wait(&p.t, TRANSPORT_READ, 10, NULL), 0);
	/* An empty send buffer: writable at once. */
	int found = transport_wait(&p.t, TRANSPORT_WRITE, WAIT_MS, NULL);
	assert_true(found & TRANSPORT_WRITE);
	assert_false(found & TRANSPORT_HANGUP);
	pair_close(&p);
}

static void test_wait_reports_hangup_unasked(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	/* Both directions closed: POLLHUP, which a worker that waits for
	 * nothing (flood control) must still hear of. */
	assert_int_equal(transport_shutdown_write(&p.t), 0);
	close(p.peer);
	p.peer = -1;
	int found = transport_wait(&p.t, 0, WAIT_MS, NULL);
	assert_true(found & TRANSPORT_HANGUP);
	assert_true(found & TRANSPORT_READ);
	pair_close(&p);
}

static void test_shutdown_write_sends_end(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	struct iovec iov = {.iov_base = "ERROR :bye\r\n", .iov_len = 12};
	assert_int_equal(transport_writev(&p.t, &iov, 1), 12);
	assert_int_equal(transport_shutdown_write(&p.t), 0);
	char buf[32];
	peer_read_exactly(p.peer, buf, 12);
	assert_memory_equal(buf, "ERROR :bye\r\n", 12);
	assert_int_equal(recv(p.peer, buf, sizeof buf, 0), 0);
	/* Reading still works after our side said its last word. */
	assert_int_equal(send(p.peer, "x", 1, 0), 1);
	assert_true(transport_wait(&p.t, TRANSPORT_READ, WAIT_MS, NULL) & TRANSPORT_READ);
	assert_int_equal(transport_read(&p.t, buf, sizeof buf), 1);
	pair_close(&p);
}

/* An int socket option of fd. */
static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;
	assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static void test_keepalive_on_and_off(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	int fd = transport_fd(&p.t);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
	assert_int_equal(transport_keepalive(&p.t, 120), 0);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
	assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 120);
	assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 41);
	assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 3);
	assert_int_equal(transport_keepalive(&p.t, 0), 0);
	assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
	/* Longer than TCP allows (32767 s): refused, not cut short. */
	assert_int_equal(transport_keepalive(&p.t, 86400), -1);
	pair_close(&p);
}

static void test_nodelay_set_on_open(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	assert_int_equal(sockopt(transport_fd(&p.t), IPPROTO_TCP, TCP_NODELAY), 1);
	pair_close(&p);
}

static void test_endpoints(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	char peer_local[ENDPOINT_STR_MAX], peer_remote[ENDPOINT_STR_MAX];
	assert_int_equal(transport_local(&p.t, local, sizeof local), 0);
	assert_int_equal(transport_remote(&p.t, remote, sizeof remote), 0);
	assert_int_equal(endpoint_local(p.peer, peer_local, sizeof peer_local), 0);
	assert_int_equal(endpoint_remote(p.peer, peer_remote, sizeof peer_remote), 0);
	assert_string_equal(local, peer_remote);
	assert_string_equal(remote, peer_local);
	assert_int_equal(strncmp(local, "127.0.0.1:", 10), 0);
	pair_close(&p);
	/* Closed: "?" and -1, for a log line written after the close. */
	assert_int_equal(transport_local(&p.t, local, sizeof local), -1);
	assert_string_equal(local, "?");
	assert_int_equal(transport_remote(&p.t, remote, sizeof remote), -1);
	assert_string_equal(remote, "?");
}

static void test_close_is_final_and_idempotent(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p, false);
	assert_true(transport_is_open(&p.t));
	transport_close(&p.t);
	assert_false(transport_is_open(&p.t));
	assert_int_equal(transport_fd(&p.t), -1);
	transport_close(&p.t); /* a second close does nothing */
	/* The peer sees the end. */
	char c;
	assert_int_equal(recv(p.peer, &c, 1, 0), 0);
	close(p.peer);
}

static void test_who_may_write(void **state)
{
	(void)state;
	struct pair shared, worker_only;
	pair_open(&shared, false);
	pair_open(&worker_only, true);
	assert_true(transport_shared_writes(&shared.t));
	assert_false(transport_shared_writes(&worker_only.t));
	/* Apart from the rule, the same TCP underneath. */
	struct iovec iov = {.iov_base = "ok\r\n", .iov_len = 4};
	assert_int_equal(transport_writev(&worker_only.t, &iov, 1), 4);
	char buf[4];
	peer_read_exactly(worker_only.peer, buf, 4);
	assert_memory_equal(buf, "ok\r\n", 4);
	pair_close(&shared);
	pair_close(&worker_only);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_nothing_then_data_then_end),
		cmocka_unit_test(test_writev_gathers_buffers),
		cmocka_unit_test(test_wait_times_out_and_sees_writable),
		cmocka_unit_test(test_wait_reports_hangup_unasked),
		cmocka_unit_test(test_shutdown_write_sends_end),
		cmocka_unit_test(test_keepalive_on_and_off),
		cmocka_unit_test(test_nodelay_set_on_open),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_close_is_final_and_idempotent),
		cmocka_unit_test(test_who_may_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
