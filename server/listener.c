/* listener: see listener.h. */
#include "listener.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"
#include "global.h"
#include "kline.h"
#include "log.h"
#include "session.h"
#include "strmap.h"
#include "transport.h"
#include "worker.h"
#include "xalloc.h"


static struct strmap *per_address; /* host -> (intptr_t) connections */
static int reserve_fd = -1;        /* spare descriptor, given up on EMFILE */
static bool worker_writes;         /* PARLEY_WORKER_WRITES=1 (transport.h) */
static int tls_fds[LISTENERS_MAX]; /* the TLS listeners among the listening sockets */
static int ntls_fds;
static int plain_port_bound;       /* named to plain-text clients on the TLS port */

/* The sessions this acceptor started. Workers reach it only through the
 * callback they were started with (session_finished), which moves their
 * session from `live` to `finished` and wakes the acceptor to join them. */
static struct {
	pthread_mutex_t lock;      /* guards both lists (a leaf lock) */
	struct session *live;      /* running workers (doubly linked: prev, next) */
	struct session *finished;  /* workers that ended, to join (linked by next) */
	int finished_fd;           /* eventfd: a worker finished, come join it */
} sessions = {.lock = PTHREAD_MUTEX_INITIALIZER, .finished_fd = -1};

/* Opens one listening socket on addr; returns the fd or -1 with *error set. */
static int listen_on(struct sockaddr_storage *addr, socklen_t len, char **error)
{
	char where[ENDPOINT_STR_MAX];
	endpoint_format((struct sockaddr *)addr, len, where, sizeof where);
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int on = 1;
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
	    (addr->ss_family != AF_INET6 ||
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) == 0) &&
	    bind(fd, (struct sockaddr *)addr, len) == 0 && listen(fd, g_server.cfg.backlog) == 0)
		return fd;
	char buf[256];
	snprintf(buf, sizeof buf, "cannot listen on %s: %s", where, strerror(errno));
	*error = xstrdup(buf);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Narrates a new listening socket (and prints the line tests read). A TLS
 * listener's line names the key's fingerprint, which clients pin. */
static void announce_listener(int fd, const char *tls_fingerprint)
{
	char where[ENDPOINT_STR_MAX];
	endpoint_local(fd, where, sizeof where);
	if (tls_fingerprint)
		log_stdout("listening (TLS) on %s (key fingerprint sha256 %s)", where,
			   tls_fingerprint);
	else
		log_stdout("listening on %s", where);
	if (g_server.cfg.trace)
		log_trace("socket() + bind() + listen() gave fd %d, listening on %s%s; "
		       "accept() on it will return a new socket per client",
		       fd, where, tls_fingerprint ? " (TLS)" : "");
}

/* The port a socket is bound to. */
static int bound_port(int fd)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) < 0)
		return 0;
	return ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						 : ((struct sockaddr_in *)&bound)->sin_port);
}

/* Opens a socket on port for every bind address, appending to fds[*n].
 * Returns 0, or -1 with *error set. */
static int open_port(const struct config *cfg, int port, const char *tls_fingerprint,
		     int *fds, int *n, char **error)
{
	const char *defaults[] = {"::", "0.0.0.0"};
	const char *const *binds = cfg->nbinds ? cfg->binds : defaults;
	int nbinds = cfg->nbinds ? cfg->nbinds : 2;
	for (int i = 0; i < nbinds; i++) {
		struct sockaddr_storage addr;
		socklen_t len;
		const char *reason;
		if (endpoint_parse(binds[i], port, &addr, &len, &reason) < 0) {
			char buf[256];
			snprintf(buf, sizeof buf, "invalid address %s: %s", binds[i], reason);
			*error = xstrdup(buf);
			return -1;
		}
		/* With port 0 the first socket picks a port and the others share it
		 * (endpoint_parse used it as the default above). */
		int fd = listen_on(&addr, len, error);
		if (fd < 0) {
			/* Without IPv6 on the machine, the default IPv4 socket is enough. */
			if (!cfg->nbinds && i == 0 && errno == EAFNOSUPPORT) {
				free(*error);
				*error = NULL;
				continue;
			}
			return -1;
		}
		if (port == 0)
			port = bound_port(fd);
		if (tls_fingerprint)
			tls_fds[ntls_fds++] = fd;
		else
			plain_port_bound = port;
		fds[(*n)++] = fd;
		announce_listener(fd, tls_fingerprint);
	}
	return 0;
}

int listener_open_all(const struct config *cfg, const char *tls_fingerprint, int *fds,
		      char **error)
{
	int n = 0;
	*error = NULL;
	if (open_port(cfg, cfg->port, NULL, fds, &n, error) == 0 && cfg->tls)
		open_port(cfg, cfg->tls_port, tls_fingerprint, fds, &n, error);
	if (*error) {
		while (n > 0)
			close(fds[--n]);
		ntls_fds = 0;
		return -1;
	}
	return n;
}

/* Is fd a TLS listener? */
static bool listener_is_tls(int fd)
{
	for (int i = 0; i < ntls_fds; i++)
		if (tls_fds[i] == fd)
			return true;
	return false;
}

/* Tells a connection in one ERROR line why it is refused. Plain bytes on
 * the socket: a refusal comes before any transport is set up. */
static void refuse_say(int fd, const char *why)
{
	char line[512]; /* a ban's reason (KLINE_REASON_MAX) and a host fit */
	int len = snprintf(line, sizeof line, "ERROR :Closing link: %s\r\n", why);
	if (len >= (int)sizeof line) {
		len = (int)sizeof line - 1;
		memcpy(line + len - 2, "\r\n", 2);
	}
	if (send(fd, line, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_debug("could not tell a refused client why: %s", strerror(errno));
}

/* Refuses a connection with one ERROR line and closes it. */
static void refuse(int fd, const char *why)
{
	refuse_say(fd, why);
	close(fd);
}

/* Connections currently open from host. */
static intptr_t address_count(const char *host)
{
	if (!per_address)
		per_address = strmap_new();
	return (intptr_t)strmap_get(per_address, host);
}

/* Adds delta to host's connection count. */
static void address_add(const char *host, intptr_t delta)
{
	intptr_t count = address_count(host) + delta;
	if (count > 0)
		strmap_put(per_address, host, (void *)count);
	else
		strmap_remove(per_address, host);
}

int listener_reserve_open(void)
{
	if (reserve_fd < 0)
		reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return reserve_fd < 0 ? -1 : 0;
}

/* Out of descriptors: gives up the reserve to accept one newcomer at a time
 * and refuse it with an ERROR line (instead of leaving it in the backlog
 * with no word), then takes the reserve back. Returns how many were refused;
 * *paused is set when accepting must pause (the reserve is gone or did not
 * help). */
static int refuse_with_reserve(int listen_fd, bool *paused)
{
	int refused = 0;
	*paused = false;
	while (refused < ACCEPT_BATCH) {
		if (listener_reserve_open() < 0) {
			*paused = true;
			break;
		}
		close(reserve_fd);
		reserve_fd = -1;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int error = errno;
		if (fd >= 0) {
			refuse(fd, "Server is out of file descriptors, try again later");
			refused++;
		}
		if (listener_reserve_open() < 0 || (fd < 0 && error != EAGAIN && error != EINTR &&
						    error != ECONNABORTED))
			*paused = true;
		if (fd < 0 || *paused)
			break;
	}
	return refused;
}

int listener_sessions_init(void)
{
	const char *mode = getenv("PARLEY_WORKER_WRITES");
	worker_writes = mode && strcmp(mode, "1") == 0;
	if (worker_writes)
		log_warn("PARLEY_WORKER_WRITES=1: only worker threads write to their "
			 "connections (a test mode: slower)");
	sessions.finished_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return sessions.finished_fd < 0 ? -1 : 0;
}

int listener_finished_fd(void)
{
	return sessions.finished_fd;
}

/* Links s into the live list. */
static void live_add(struct session *s)
{
	pthread_mutex_lock(&sessions.lock);
	s->prev = NULL;
	s->next = sessions.live;
	if (s->next)
		s->next->prev = s;
	sessions.live = s;
	pthread_mutex_unlock(&sessions.lock);
}

/* Unlinks s from the live list; lock held. */
static void live_remove_locked(struct session *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		sessions.live = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* A worker's last act (session_start's callback, on the worker's thread):
 * hands its session over to be joined. */
static void session_finished(struct session *s, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&sessions.lock);
	live_remove_locked(s);
	s->next = sessions.finished;
	sessions.finished = s;
	pthread_mutex_unlock(&sessions.lock);
	uint64_t one = 1;
	if (write(sessions.finished_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_error("cannot signal the acceptor: %s", strerror(errno));
}

void listener_reap(void)
{
	uint64_t count;
	if (read(sessions.finished_fd, &count, sizeof count) < 0 && errno != EAGAIN)
		log_warn("reaper eventfd read: %s", strerror(errno));
	pthread_mutex_lock(&sessions.lock);
	struct session *done = sessions.finished;
	sessions.finished = NULL;
	pthread_mutex_unlock(&sessions.lock);
	while (done) {
		struct session *s = done;
		done = s->next;
		pthread_join(s->q_worker, NULL); /* set by the worker; it has finished */
		address_add(s->host, -1);
		atomic_fetch_sub(&g_server.sessions_alive, 1);
		session_unref(s);
	}
}

void listener_wake_all(void)
{
	/* Wake them outside the list's lock, a leaf (q_lock comes first). */
	pthread_mutex_lock(&sessions.lock);
	size_t n = 0, cap = 64;
	struct session **all = xmalloc(cap * sizeof *all);
	for (struct session *s = sessions.live; s; s = s->next) {
		if (n == cap)
			all = xrealloc(all, (cap *= 2) * sizeof *all);
		all[n++] = session_ref(s);
	}
	pthread_mutex_unlock(&sessions.lock);
	for (size_t i = 0; i < n; i++) {
		session_wake_unlocked(all[i]);
		session_unref(all[i]);
	}
	free(all);
}

int listener_backlog(int listen_fd)
{
	/* For a listening socket Linux reports its accept queue in TCP_INFO:
	 * tcpi_unacked is how many wait, tcpi_sacked the backlog's size. */
	struct tcp_info info;
	socklen_t len = sizeof info;
	if (getsockopt(listen_fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return -1;
	return (int)info.tcpi_unacked;
}

void listener_cleanup(void)
{
	if (reserve_fd >= 0)
		close(reserve_fd);
	reserve_fd = -1;
	if (per_address)
		strmap_free(per_address);
	per_address = NULL;
	if (sessions.finished_fd >= 0)
		close(sessions.finished_fd);
	sessions.finished_fd = -1;
}

/* --iterative: serves s on this thread until it leaves, then forgets it. */
static void serve_here(struct session *s, const char *host)
{
	session_serve_here(s);
	pthread_mutex_lock(&sessions.lock);
	live_remove_locked(s);
	pthread_mutex_unlock(&sessions.lock);
	atomic_fetch_sub(&g_server.sessions_alive, 1);
	address_add(host, -1);
	session_unref(s);
}

/* Checks limits, creates the session and starts its worker. */
static void admit(int listen_fd, int fd, struct sockaddr_storage *peer, socklen_t peer_len)
{
	char host[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX], local[ENDPOINT_STR_MAX];
	endpoint_format_host((struct sockaddr *)peer, peer_len, host, sizeof host);
	endpoint_format((struct sockaddr *)peer, peer_len, remote, sizeof remote);
	endpoint_local(fd, local, sizeof local);
	if (g_server.cfg.trace)
		log_trace("accept(fd %d) returned a NEW socket, fd %d: local end %s (same "
		       "port as the listener), remote end %s",
		       listen_fd, fd, local, remote);
	if (atomic_load(&g_server.sessions_alive) >= LIVE(max_clients)) {
		log_limited(LOG_WARN, LOG_LIMIT_BURST, "refusing %s: server full (%d clients)", remote,
			    LIVE(max_clients));
		refuse(fd, "Server is full, try again later");
		return;
	}
	if (LIVE(max_per_ip) && address_count(host) >= LIVE(max_per_ip)) {
		log_limited(LOG_WARN, LOG_LIMIT_BURST, "refusing %s: too many connections from %s",
			    remote, host);
		refuse(fd, "Too many connections from your address");
		return;
	}
	char ban[KLINE_REASON_MAX + 1];
	if (kline_check_host(host, ban)) {
		log_limited(LOG_WARN, LOG_LIMIT_BURST, "refusing %s: K-lined", remote);
		char why[ENDPOINT_STR_MAX + KLINE_REASON_MAX + 16];
		snprintf(why, sizeof why, "%s (K-lined: %s)", host, ban);
		refuse(fd, why);
		return;
	}
	struct transport t;
	if (!listener_is_tls(listen_fd)) {
		transport_tcp_open(&t, fd, worker_writes);
	} else if (transport_tls_open(&t, fd, plain_port_bound) < 0) {
		log_limited(LOG_ERROR, LOG_LIMIT_BURST, "cannot start TLS for %s: out of memory",
			    remote);
		refuse(fd, "Server out of resources");
		return;
	}
	struct session *s = session_new(&t, (struct sockaddr *)peer, peer_len);
	live_add(s);
	atomic_fetch_add(&g_server.sessions_alive, 1);
	address_add(host, 1);
	if (g_server.cfg.iterative) {
		serve_here(s, host);
		return;
	}
	if (session_start(s, session_finished, NULL) < 0) {
		log_limited(LOG_ERROR, LOG_LIMIT_BURST, "cannot start a thread for %s: %s", remote,
			    strerror(errno));
		refuse_say(fd, "Server out of resources");
		pthread_mutex_lock(&sessions.lock);
		live_remove_locked(s);
		pthread_mutex_unlock(&sessions.lock);
		atomic_fetch_sub(&g_server.sessions_alive, 1);
		address_add(host, -1);
		session_unref(s); /* closes the connection */
		return;
	}
	log_debug("accepted %s as session %lu", remote, s->id);
	if (g_server.cfg.trace)
		log_trace("fd %d handed to worker thread %lu; listening fd %d is still "
		       "listening for the next client",
		       fd, s->id, listen_fd);
}

int listener_accept(int listen_fd, int max)
{
	for (int i = 0; i < max && !atomic_load(&g_server.shutting_down); i++) {
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof peer;
		int fd = accept4(listen_fd, (struct sockaddr *)&peer, &peer_len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			admit(listen_fd, fd, &peer, peer_len);
			continue;
		}
		switch (errno) {
		case EAGAIN:
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			return 0;
		case EMFILE:
		case ENFILE: {
			const char *why = strerror(errno);
			bool paused;
			int refused = refuse_with_reserve(listen_fd, &paused);
			log_limited(LOG_WARN, LOG_LIMIT_BURST,
				    "accept: %s; refused %d newcomer(s) with an ERROR%s", why, refused,
				    paused ? "; pausing new connections briefly" : "");
			return paused ? -1 : 0;
		}
		case ENOBUFS:
		case ENOMEM:
			log_limited(LOG_WARN, LOG_LIMIT_BURST,
				    "accept: %s; pausing new connections briefly", strerror(errno));
			return -1;
		default:
			log_limited(LOG_ERROR, LOG_LIMIT_BURST, "accept on fd %d: %s", listen_fd,
				    strerror(errno));
			return -1;
		}
	}
	return 0;
}
