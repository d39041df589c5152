/* net: connection, registration, reading and reconnecting (its own thread). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"
#include "ircmsg.h"
#include "ircname.h"
#include "linebuf.h"
#include "xalloc.h"

/* Longest received line we accept: a tag section plus a relayed line that may
 * exceed 512 bytes (parleyd relays 510-byte texts with a prefix). */
#define NET_RX_LINE_MAX (IRC_TAGS_MAX + 2 * IRC_LINE_MAX)
#define NET_REG_TIMEOUT_MS 60000
#define NET_DEAD_MS 100000 /* nothing received for this long: ping timeout */
#define NET_QUIT_WAIT_MS 2000
#define NET_SEND_TIMEOUT_S 10
#define NET_CAPS_WANTED "server-time echo-message"
#define NET_TEXT_MAX 512

struct net {
	struct net_config cfg; /* strings owned; immutable after start */
	struct evqueue *q;
	pthread_t thread;
	int stop_rd, stop_wr; /* wakes the thread to re-read the flags below */

	/* lock guards everything below; never held across a blocking read. */
	pthread_mutex_t lock;
	int fd;            /* -1 while not connected */
	char *nick;        /* nick for the next registration */
	bool quitting;     /* net_stop() was called */
	long long quit_at; /* monotonic ms when QUIT was sent */
};

/* Per-connection state of the network thread (no lock: thread-local). */
struct session {
	struct linebuf lb;
	bool registered;
	bool cap_done;
	bool fatal;       /* do not reconnect (wrong password) */
	int nick_attempt; /* alternatives tried during registration */
	char nick_try[NICK_LEN_MAX + 1];
	char caps_seen[NET_TEXT_MAX]; /* CAP LS values collected so far */
	char reason[NET_TEXT_MAX];    /* why the connection ended */
	long long started, last_rx, last_lag;
};

/* Milliseconds from the monotonic clock. */
static long long net_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds since the Unix epoch (for lag probes the UI thread measures). */
static long long net_wallclock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pushes a formatted message of the given kind. */
__attribute__((format(printf, 3, 4))) static void net_report(struct net *n, enum event_kind kind,
                                                             const char *fmt, ...)
{
	char text[NET_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	evqueue_push(n->q, kind, text);
}

/* True once net_stop() has been called. */
static bool net_quitting(struct net *n)
{
	pthread_mutex_lock(&n->lock);
	bool q = n->quitting;
	pthread_mutex_unlock(&n->lock);
	return q;
}

/* Empties the stop pipe (its bytes only mean "look at the flags"). */
static void net_drain_stop(struct net *n)
{
	char buf[16];
	while (read(n->stop_rd, buf, sizeof(buf)) > 0)
		;
}

/* Sleeps up to ms, waking early when net_stop() is called. */
static void net_sleep(struct net *n, long long ms)
{
	long long end = net_now() + ms;
	while (!net_quitting(n)) {
		long long left = end - net_now();
		if (left <= 0)
			return;
		struct pollfd p = {.fd = n->stop_rd, .events = POLLIN};
		if (poll(&p, 1, (int)left) > 0)
			net_drain_stop(n);
	}
}

/* Writes all of buf to fd (blocking, bounded by SO_SNDTIMEO). 0 or -1. */
static int net_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Sends one line under the lock, adding CR LF. Refuses embedded CR/LF so user
 * text can never forge a second protocol line. */
int net_send(struct net *n, const char *line)
{
	char buf[IRC_TAGS_MAX + IRC_LINE_MAX];
	size_t len = strlen(line);
	int rc = -1;

	if (strpbrk(line, "\r\n") || len + 2 > sizeof(buf))
		return -1;
	memcpy(buf, line, len);
	buf[len++] = '\r';
	buf[len++] = '\n';
	pthread_mutex_lock(&n->lock);
	if (n->fd >= 0)
		rc = net_write_all(n->fd, buf, len);
	pthread_mutex_unlock(&n->lock);
	return rc;
}

/* Formats and sends a line from the network thread itself. */
__attribute__((format(printf, 2, 3))) static void net_sendf(struct net *n, const char *fmt, ...)
{
	char line[IRC_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof(line))
		net_send(n, line);
}

/* Records the nick for the next registration. */
void net_set_nick(struct net *n, const char *nick)
{
	pthread_mutex_lock(&n->lock);
	free(n->nick);
	n->nick = xstrdup(nick);
	pthread_mutex_unlock(&n->lock);
}

/* Endpoints of the live socket, formatted by common/endpoint. */
int net_endpoints(struct net *n, char *local, char *remote, size_t cap)
{
	int rc = -1;
	pthread_mutex_lock(&n->lock);
	if (n->fd >= 0 && endpoint_local(n->fd, local, cap) == 0 &&
	    endpoint_remote(n->fd, remote, cap) == 0)
		rc = 0;
	pthread_mutex_unlock(&n->lock);
	return rc;
}

/* Waits for a non-blocking connect on fd; returns 0 or an errno value. */
static int net_connect_wait(struct net *n, int fd)
{
	long long end = net_now() + NET_CONNECT_TIMEOUT_MS;
	for (;;) {
		long long left = end - net_now();
		if (left <= 0)
			return ETIMEDOUT;
		if (net_quitting(n))
			return ECANCELED;
		struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
		                      {.fd = n->stop_rd, .events = POLLIN}};
		int r = poll(p, 2, (int)left);
		if (r < 0 && errno != EINTR)
			return errno;
		if (r > 0 && p[1].revents)
			net_drain_stop(n);
		if (r > 0 && p[0].revents) {
			int err = 0;
			socklen_t len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
				return errno;
			return err;
		}
	}
}

/* Connects to one address; returns the socket (blocking again) or -1 with
 * *err set. */
static int net_connect_one(struct net *n, const struct addrinfo *ai, int *err)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		*err = 0;
	else if (errno == EINPROGRESS)
		*err = net_connect_wait(n, fd);
	else
		*err = errno;
	if (*err != 0) {
		close(fd);
		return -1;
	}
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	struct timeval tv = {.tv_sec = NET_SEND_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A clear sentence for a connect() failure. */
static const char *net_connect_error(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "connection refused (is the server running on that port?)";
	case ETIMEDOUT:
		return "timed out (no answer from the server)";
	case ENETUNREACH:
	case EHOSTUNREACH:
		return "no route to the host";
	default:
		return strerror(err);
	}
}

/* Resolves and tries every address. Returns a connected socket or -1 (the
 * reason has been reported). */
static int net_connect(struct net *n)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG};
	struct addrinfo *res, *ai;
	char where[ENDPOINT_STR_MAX];
	int fd = -1, err = 0;

	net_report(n, EVENT_INFO, "Connecting to %s port %s ...", n->cfg.host, n->cfg.port);
	int rc = getaddrinfo(n->cfg.host, n->cfg.port, &hints, &res);
	if (rc != 0) {
		net_report(n, EVENT_ERROR, "Cannot resolve %s: %s", n->cfg.host,
		           rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0 && !net_quitting(n); ai = ai->ai_next) {
		endpoint_format(ai->ai_addr, ai->ai_addrlen, where, sizeof(where));
		fd = net_connect_one(n, ai, &err);
		if (fd < 0 && err != ECANCELED)
			net_report(n, EVENT_ERROR, "Cannot connect to %s: %s", where,
			           net_connect_error(err));
	}
	freeaddrinfo(res);
	return fd;
}

/* The nth alternative to a taken nick: nick_, nick__, then nick2, nick3 ... */
static void net_alt_nick(const char *base, int attempt, char *out, size_t cap)
{
	char suffix[16];
	if (attempt == 1)
		snprintf(suffix, sizeof(suffix), "_");
	else if (attempt == 2)
		snprintf(suffix, sizeof(suffix), "__");
	else
		snprintf(suffix, sizeof(suffix), "%d", attempt - 1);
	size_t keep = strlen(base);
	/* Stay within the nick length most servers allow. */
	if (keep + strlen(suffix) > 9 && attempt > 2 && keep > 9 - strlen(suffix))
		keep = 9 - strlen(suffix);
	if (keep > NICK_LEN_MAX - strlen(suffix))
		keep = NICK_LEN_MAX - strlen(suffix);
	snprintf(out, cap, "%.*s%s", (int)keep, base, suffix);
}

/* Sends the registration burst for a fresh connection. */
static void net_register(struct net *n, struct session *s)
{
	pthread_mutex_lock(&n->lock);
	snprintf(s->nick_try, sizeof(s->nick_try), "%s", n->nick);
	pthread_mutex_unlock(&n->lock);
	net_sendf(n, "CAP LS 302");
	if (n->cfg.password && *n->cfg.password)
		net_sendf(n, "PASS :%s", n->cfg.password);
	net_sendf(n, "NICK %s", s->nick_try);
	net_sendf(n, "USER %s 0 * :%s", n->cfg.user, n->cfg.realname);
}

/* Ends capability negotiation once. */
static void net_cap_end(struct net *n, struct session *s)
{
	if (!s->cap_done) {
		s->cap_done = true;
		net_sendf(n, "CAP END");
	}
}

/* True when the space-separated list has cap (values after '=' ignored). */
static bool net_has_cap(const char *list, const char *cap)
{
	size_t len = strlen(cap);
	for (const char *p = list; (p = strstr(p, cap)) != NULL; p += len) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[len] == '\0' || p[len] == ' ' || p[len] == '=';
		if (start && end)
			return true;
	}
	return false;
}

/* Handles CAP LS / ACK / NAK during registration. */
static void net_on_cap(struct net *n, struct session *s, const struct ircmsg *m)
{
	if (m->nparams < 3)
		return;
	const char *sub = m->params[1];
	if (strcmp(sub, "LS") == 0) {
		bool more = m->nparams >= 4 && strcmp(m->params[2], "*") == 0;
		const char *caps = m->params[m->nparams - 1];
		size_t used = strlen(s->caps_seen);
		snprintf(s->caps_seen + used, sizeof(s->caps_seen) - used, "%s%s", used ? " " : "",
		         caps);
		if (more)
			return;
		char req[64] = "";
		const char *wanted[] = {"server-time", "echo-message"};
		for (size_t i = 0; i < 2; i++) {
			if (net_has_cap(s->caps_seen, wanted[i])) {
				size_t l = strlen(req);
				snprintf(req + l, sizeof(req) - l, "%s%s", l ? " " : "", wanted[i]);
			}
		}
		if (*req)
			net_sendf(n, "CAP REQ :%s", req);
		else
			net_cap_end(n, s);
	} else if (strcmp(sub, "ACK") == 0 || strcmp(sub, "NAK") == 0) {
		net_cap_end(n, s);
	}
}

/* Reacts to the few messages the network thread handles itself. */
static void net_on_message(struct net *n, struct session *s, const struct ircmsg *m)
{
	const char *cmd = m->command;

	if (strcmp(cmd, "PING") == 0) {
		net_sendf(n, "PONG :%s", m->nparams ? m->params[m->nparams - 1] : "");
	} else if (strcmp(cmd, "CAP") == 0) {
		net_on_cap(n, s, m);
	} else if (strcmp(cmd, "001") == 0) {
		s->registered = true;
		net_cap_end(n, s);
		if (m->nparams > 0 && ircname_nick_valid(m->params[0]))
			net_set_nick(n, m->params[0]);
	} else if (!s->registered && (strcmp(cmd, "433") == 0 || strcmp(cmd, "432") == 0 ||
	                              strcmp(cmd, "437") == 0)) {
		pthread_mutex_lock(&n->lock);
		char base[NICK_LEN_MAX + 1];
		snprintf(base, sizeof(base), "%s", n->nick);
		pthread_mutex_unlock(&n->lock);
		if (++s->nick_attempt > 20)
			return;
		net_alt_nick(base, s->nick_attempt, s->nick_try, sizeof(s->nick_try));
		net_report(n, EVENT_INFO, "Nick %s is not available; trying %s",
		           m->nparams > 1 ? m->params[1] : base, s->nick_try);
		net_sendf(n, "NICK %s", s->nick_try);
	} else if (strcmp(cmd, "464") == 0) {
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason),
		         "Wrong password: the server refused it (use -p/--password)");
	} else if (strcmp(cmd, "ERROR") == 0 && !*s->reason) {
		snprintf(s->reason, sizeof(s->reason), "Server closed the link: %.400s",
		         m->nparams ? m->params[m->nparams - 1] : "(no reason)");
	}
}

/* Frames, forwards and handles everything readable on fd. Returns -1 at end
 * of stream or on a read error (s->reason set). */
static int net_read(struct net *n, struct session *s, int fd)
{
	size_t avail;
	char *space = linebuf_space(&s->lb, &avail);
	ssize_t r = recv(fd, space, avail, 0);
	char *line;
	size_t len;

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0) {
		if (!*s->reason)
			snprintf(s->reason, sizeof(s->reason), "%s",
			         r == 0 ? "Connection closed by the server" : strerror(errno));
		return -1;
	}
	s->last_rx = net_now();
	linebuf_commit(&s->lb, (size_t)r);
	for (;;) {
		enum linebuf_status st = linebuf_next(&s->lb, &line, &len);
		if (st == LINEBUF_NONE)
			break;
		if (st == LINEBUF_TOO_LONG || memchr(line, '\0', len))
			continue; /* hostile or broken: dropped, the stream stays in step */
		char *copy = xstrndup(line, len);
		struct ircmsg m;
		const char *why;
		if (ircmsg_parse(line, &m, &why) == 0) {
			ircmsg_upcase(m.command);
			net_on_message(n, s, &m);
			if (strcmp(m.command, "PING") != 0)
				evqueue_push(n->q, EVENT_LINE, copy);
		}
		free(copy);
	}
	return 0;
}

/* The poll timeout for a session: the next lag probe, liveness or quit deadline. */
static int net_timeout(struct net *n, struct session *s, long long now)
{
	long long due;
	pthread_mutex_lock(&n->lock);
	bool quitting = n->quitting;
	long long quit_at = n->quit_at;
	pthread_mutex_unlock(&n->lock);
	if (quitting)
		due = quit_at + NET_QUIT_WAIT_MS;
	else if (!s->registered)
		due = s->started + NET_REG_TIMEOUT_MS;
	else
		due = s->last_lag + NET_LAG_INTERVAL_MS;
	if (s->registered && s->last_rx + NET_DEAD_MS < due)
		due = s->last_rx + NET_DEAD_MS;
	return due <= now ? 0 : (int)(due - now);
}

/* Timers: lag probes, registration and liveness. Returns -1 to disconnect. */
static int net_tick(struct net *n, struct session *s, long long now)
{
	pthread_mutex_lock(&n->lock);
	bool quitting = n->quitting;
	long long quit_at = n->quit_at;
	pthread_mutex_unlock(&n->lock);
	if (quitting)
		return now >= quit_at + NET_QUIT_WAIT_MS ? -1 : 0;
	if (!s->registered && now >= s->started + NET_REG_TIMEOUT_MS) {
		snprintf(s->reason, sizeof(s->reason), "Registration timed out");
		return -1;
	}
	if (s->registered && now >= s->last_rx + NET_DEAD_MS) {
		snprintf(s->reason, sizeof(s->reason),
		         "No answer from the server for %d s (ping timeout)", NET_DEAD_MS / 1000);
		return -1;
	}
	if (s->registered && now >= s->last_lag + NET_LAG_INTERVAL_MS) {
		s->last_lag = now;
		net_sendf(n, "PING :LAG%lld", net_wallclock());
	}
	return 0;
}

/* Runs one connection until it ends. Returns true if it registered. */
static bool net_session(struct net *n, int fd, struct session *s)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];

	endpoint_local(fd, local, sizeof(local));
	endpoint_remote(fd, remote, sizeof(remote));
	pthread_mutex_lock(&n->lock);
	n->fd = fd;
	pthread_mutex_unlock(&n->lock);
	net_report(n, EVENT_CONNECTED, "Connected: %s -> %s", local, remote);
	s->started = s->last_rx = s->last_lag = net_now();
	net_register(n, s);
	for (;;) {
		long long now = net_now();
		if (net_tick(n, s, now) < 0)
			break;
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
		                      {.fd = n->stop_rd, .events = POLLIN}};
		int r = poll(p, 2, net_timeout(n, s, net_now()));
		if (r < 0 && errno != EINTR) {
			snprintf(s->reason, sizeof(s->reason), "poll: %s", strerror(errno));
			break;
		}
		if (r > 0 && p[1].revents)
			net_drain_stop(n);
		if (r > 0 && p[0].revents && net_read(n, s, fd) < 0)
			break;
	}
	pthread_mutex_lock(&n->lock);
	n->fd = -1;
	pthread_mutex_unlock(&n->lock);
	close(fd);
	return s->registered;
}

/* The thread: connect, run, report, back off, again, until told to stop. */
static void *net_main(void *arg)
{
	struct net *n = arg;
	long long backoff = NET_BACKOFF_MIN_MS;

	while (!net_quitting(n)) {
		int fd = net_connect(n);
		if (fd >= 0) {
			struct session s = {0};
			linebuf_init(&s.lb, NET_RX_LINE_MAX);
			if (net_session(n, fd, &s))
				backoff = NET_BACKOFF_MIN_MS;
			linebuf_free(&s.lb);
			if (net_quitting(n))
				break;
			if (s.fatal) {
				evqueue_push(n->q, EVENT_STOPPED, s.reason);
				return NULL;
			}
			evqueue_push(n->q, EVENT_DISCONNECTED, s.reason);
		}
		if (net_quitting(n))
			break;
		net_report(n, EVENT_INFO, "Reconnecting in %lld s ...", backoff / 1000);
		net_sleep(n, backoff);
		backoff = backoff * 2 > NET_BACKOFF_MAX_MS ? NET_BACKOFF_MAX_MS : backoff * 2;
	}
	return NULL;
}

/* A USER name made of safe characters only. */
static char *net_safe_user(const char *user)
{
	char buf[11];
	size_t j = 0;
	for (const char *p = user ? user : ""; *p && j < sizeof(buf) - 1; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			buf[j++] = *p;
	}
	buf[j] = '\0';
	return xstrdup(j ? buf : "parley");
}

/* A real name without CR/LF. */
static char *net_safe_text(const char *text)
{
	char *copy = xstrdup(text && *text ? text : "parley user");
	for (char *p = copy; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return copy;
}

/* Copies the configuration and starts the thread. */
struct net *net_start(const struct net_config *cfg, struct evqueue *q)
{
	struct net *n = xcalloc(1, sizeof(*n));
	int fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1) {
		free(n);
		return NULL;
	}
	n->stop_rd = fds[0];
	n->stop_wr = fds[1];
	n->q = q;
	n->fd = -1;
	n->cfg.host = xstrdup(cfg->host);
	n->cfg.port = xstrdup(cfg->port);
	n->cfg.user = net_safe_user(cfg->user);
	n->cfg.realname = net_safe_text(cfg->realname);
	n->cfg.password = cfg->password ? net_safe_text(cfg->password) : NULL;
	n->nick = xstrdup(cfg->nick);
	pthread_mutex_init(&n->lock, NULL);
	if (pthread_create(&n->thread, NULL, net_main, n) != 0) {
		net_stop(n, NULL);
		return NULL;
	}
	return n;
}

/* Says goodbye, stops the thread and frees everything. */
void net_stop(struct net *n, const char *reason)
{
	char line[IRC_LINE_MAX];
	bool started = n->thread != 0;

	if (started && snprintf(line, sizeof(line), "QUIT :%s", reason ? reason : "Leaving") <
	                   (int)sizeof(line))
		net_send(n, line);
	pthread_mutex_lock(&n->lock);
	n->quitting = true;
	n->quit_at = net_now();
	pthread_mutex_unlock(&n->lock);
	char byte = 1;
	if (write(n->stop_wr, &byte, 1) < 0) {
		/* a full pipe already holds a wake-up */
	}
	if (started)
		pthread_join(n->thread, NULL);
	close(n->stop_rd);
	close(n->stop_wr);
	pthread_mutex_destroy(&n->lock);
	free((char *)n->cfg.host);
	free((char *)n->cfg.port);
	free((char *)n->cfg.user);
	free((char *)n->cfg.realname);
	free((char *)n->cfg.password);
	free(n->nick);
	free(n);
}
