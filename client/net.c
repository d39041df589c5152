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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "clock.h"
#include "endpoint.h"
#include "ircmsg.h"
#include "ircname.h"
#include "knownfile.h"
#include "linebuf.h"
#include "outbuf.h"
#include "saslplain.h"
#include "tlsconn.h"
#include "xalloc.h"

#include <openssl/crypto.h>

/* Longest received line we accept: a tag section plus a relayed line that may
 * exceed 512 bytes (parleyd relays 510-byte texts with a prefix). */
#define NET_RX_LINE_MAX (IRC_TAGS_MAX + 2 * IRC_LINE_MAX)
#define NET_REG_TIMEOUT_MS 60000
#define NET_DEAD_MS 100000 /* nothing received for this long: ping timeout */
#define NET_QUIT_WAIT_MS 2000
#define NET_FLUSH_MAX 64 /* writes per turn of the loop */
#define NET_TEXT_MAX 512
/* CAP LS collected over its lines: ergo offers ~40 capabilities, with values. */
#define NET_CAPS_SEEN_MAX 4096
/* Test knob: "1" makes a loopback server count as one across a network. */
#define NET_NO_LOOPBACK_AUTH_ENV "PARLEY_TEST_NO_LOOPBACK_AUTH"

struct net {
	struct net_config cfg;      /* strings owned; immutable after start */
	char *account;              /* immutable: --login's account, the nick asked for */
	long long stall_timeout_ms; /* immutable after start */
	struct evqueue *q;
	pthread_t thread;
	int wake_rd, wake_wr; /* wakes the thread: a line was queued, or net_stop() */

	/* lock guards everything below. It is held for memory work only, never
	 * across send, recv or poll: the network thread takes the bytes to
	 * write from out under it and writes them after unlocking (outbuf
	 * keeps that pointer valid while others push). */
	pthread_mutex_t lock;
	int fd;             /* -1 while not connected */
	char *nick;         /* nick for the next registration */
	bool quitting;      /* net_stop() was called */
	long long quit_at;  /* monotonic ms when QUIT was queued */
	struct outbuf *out; /* lines to send; any thread appends, the net thread writes */
	int trust_answer;   /* the user's answer to EVENT_TRUST: 0 none yet, 1 yes, -1 no */
	bool secure;        /* the connection may carry passwords (TLS or loopback) */
	/* The SASL PLAIN response waiting for the server's "AUTHENTICATE +",
	 * wiped once sent (or when the connection ends); sasl_len 0: none. */
	char sasl_b64[SASLPLAIN_B64_MAX];
	size_t sasl_len;

	bool malformed_noted; /* known_servers' malformed lines were noted (net thread only) */
};

/* Per-connection state of the network thread (no lock: thread-local). */
struct session {
	struct linebuf lb;
	bool registered;
	bool cap_done;
	bool fatal;       /* do not reconnect (wrong password) */
	int nick_attempt; /* alternatives tried during registration */
	char nick_try[NICK_LEN_MAX + 1];
	char caps_seen[NET_CAPS_SEEN_MAX]; /* CAP LS values collected so far */
	char reason[NET_TEXT_MAX];         /* why the connection ended */
	long long started, last_rx, last_lag;
	bool want_write;  /* lines wait for the socket to become writable */
	bool stall_noted; /* the user was told the server is not reading */
	struct tlsconn *tls; /* with TLS: the connection's TLS state, else NULL */
	bool sasl_wanted;   /* cfg.account_password: log in while registering */
	bool sasl_running;  /* AUTHENTICATE sent at registration, no 903/904 yet */
};

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

/* Empties the wake-up pipe (its bytes only mean "look at the queue and
 * the flags"). */
static void net_drain_wake(struct net *n)
{
	char buf[16];
	while (read(n->wake_rd, buf, sizeof(buf)) > 0)
		;
}

/* Sleeps up to ms, waking early when net_stop() is called. */
static void net_sleep(struct net *n, long long ms)
{
	long long end = clock_mono_ms() + ms;
	while (!net_quitting(n)) {
		long long left = end - clock_mono_ms();
		if (left <= 0)
			return;
		struct pollfd p = {.fd = n->wake_rd, .events = POLLIN};
		if (poll(&p, 1, (int)left) > 0)
			net_drain_wake(n);
	}
}

/* Wakes the network thread (a full pipe already holds a wake-up). */
static void net_wake(struct net *n)
{
	char byte = 1;
	if (write(n->wake_wr, &byte, 1) < 0) {
		/* EAGAIN: the thread has wake-ups waiting already */
	}
}

/* The send result for an outbuf result. */
static enum net_send_result net_result(enum outbuf_result r)
{
	switch (r) {
	case OUTBUF_OK:
		return NET_SEND_OK;
	case OUTBUF_FULL:
		return NET_SEND_FULL;
	case OUTBUF_INVALID:
		return NET_SEND_INVALID;
	case OUTBUF_DROPPED:
		return NET_SEND_DROPPED;
	}
	return NET_SEND_INVALID;
}

/* Queues a line while connected; wakes the thread when asked (callers on
 * the network thread itself write at the top of its loop anyway). */
static enum net_send_result net_enqueue(struct net *n, enum outbuf_class cls, const char *line,
                                        bool wake)
{
	enum net_send_result rc = NET_SEND_NOT_CONNECTED;
	long long now = clock_mono_ms();

	pthread_mutex_lock(&n->lock);
	if (n->fd >= 0)
		rc = net_result(outbuf_push(n->out, cls, line, now));
	pthread_mutex_unlock(&n->lock);
	if (rc == NET_SEND_OK && wake)
		net_wake(n);
	return rc;
}

/* A line the user (or the UI for them) sends. */
enum net_send_result net_send(struct net *n, const char *line)
{
	return net_enqueue(n, OUTBUF_NORMAL, line, true);
}

/* Lines that go together (a batch): all queued, or none. */
enum net_send_result net_send_all(struct net *n, const char *const *lines, size_t count)
{
	enum net_send_result rc = NET_SEND_NOT_CONNECTED;
	long long now = clock_mono_ms();

	pthread_mutex_lock(&n->lock);
	if (n->fd >= 0)
		rc = net_result(outbuf_push_all(n->out, lines, count, now));
	pthread_mutex_unlock(&n->lock);
	if (rc == NET_SEND_OK)
		net_wake(n);
	return rc;
}

/* An automatic reply: it gives way to the user's lines. */
enum net_send_result net_send_auto(struct net *n, const char *line)
{
	return net_enqueue(n, OUTBUF_AUTO, line, true);
}

/* When a stall is shown: NET_STALL_NOTICE_MS, or half a shorter timeout. */
static long long net_stall_notice_ms(const struct net *n)
{
	return n->stall_timeout_ms / 2 < NET_STALL_NOTICE_MS ? n->stall_timeout_ms / 2
	                                                     : NET_STALL_NOTICE_MS;
}

/* The outbound queue, for the status line. */
void net_status(struct net *n, struct net_status *out)
{
	long long now = clock_mono_ms();

	pthread_mutex_lock(&n->lock);
	long long stalled = outbuf_stalled_ms(n->out, now);
	out->waiting = outbuf_lines(n->out);
	out->auto_dropped = outbuf_dropped(n->out);
	pthread_mutex_unlock(&n->lock);
	out->stalled = out->waiting > 0 && stalled >= net_stall_notice_ms(n);
	out->stall_left_ms = stalled < n->stall_timeout_ms ? n->stall_timeout_ms - stalled : 0;
}

/* Formats one IRC line into line (IRC_LINE_MAX); false if it would be cut
 * (such a line is not sent at all). */
__attribute__((format(printf, 2, 0))) static bool net_vformat(char *line, const char *fmt,
                                                              va_list ap)
{
	int len = vsnprintf(line, IRC_LINE_MAX, fmt, ap);
	return len >= 0 && len < IRC_LINE_MAX;
}

/* Formats and sends a line from the network thread itself. */
__attribute__((format(printf, 2, 3))) static void net_sendf(struct net *n, const char *fmt, ...)
{
	char line[IRC_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	bool ok = net_vformat(line, fmt, ap);
	va_end(ap);
	if (ok)
		net_enqueue(n, OUTBUF_NORMAL, line, false);
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
	long long end = clock_mono_ms() + NET_CONNECT_TIMEOUT_MS;
	for (;;) {
		long long left = end - clock_mono_ms();
		if (left <= 0)
			return ETIMEDOUT;
		if (net_quitting(n))
			return ECANCELED;
		struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
		                      {.fd = n->wake_rd, .events = POLLIN}};
		int r = poll(p, 2, (int)left);
		if (r < 0 && errno != EINTR)
			return errno;
		if (r > 0 && p[1].revents)
			net_drain_wake(n);
		if (r > 0 && p[0].revents) {
			int err = 0;
			socklen_t len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
				return errno;
			return err;
		}
	}
}

/* Connects to one address; returns the (non-blocking) socket or -1 with
 * *err set. */
static int net_connect_one(struct net *n, const struct addrinfo *ai, int *err)
{
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	/* A small kernel buffer: a server that stops reading shows in our queue
	 * (and the status line) after kilobytes, not megabytes. */
	int sndbuf = NET_SNDBUF_BYTES;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
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
	return fd; /* stays non-blocking: the loop writes on POLLOUT */
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

/* Queues one formatted line; the caller holds n->lock. */
__attribute__((format(printf, 3, 4))) static void net_queue_locked(struct net *n, long long now,
                                                                   const char *fmt, ...)
{
	char line[IRC_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	bool ok = net_vformat(line, fmt, ap);
	va_end(ap);
	if (ok)
		outbuf_push(n->out, OUTBUF_NORMAL, line, now);
}

/* Makes fd the connection and queues the registration burst, in one hold
 * of the lock, so no line of the user's can go before it. */
static void net_register(struct net *n, struct session *s, int fd)
{
	long long now = clock_mono_ms();

	pthread_mutex_lock(&n->lock);
	snprintf(s->nick_try, sizeof(s->nick_try), "%s", n->nick);
	outbuf_reset(n->out, now);
	net_queue_locked(n, now, "CAP LS 302");
	if (n->cfg.password && *n->cfg.password)
		net_queue_locked(n, now, "PASS :%s", n->cfg.password);
	net_queue_locked(n, now, "NICK %s", s->nick_try);
	net_queue_locked(n, now, "USER %s 0 * :%s", n->cfg.user, n->cfg.realname);
	n->fd = fd;
	pthread_mutex_unlock(&n->lock);
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

/* The capabilities to ask for, of those the server offers: server-time and
 * echo-message always; message-tags (msgids); and history (chathistory,
 * under its final or its draft name) only with batch, without which its
 * replies cannot be read, since asking for it turns parleyd's replay on join
 * off; multi-prefix, so the nick list knows a voiced op is voiced too (it
 * stays "+nick" after a -o); sasl when the user wants to log in; and
 * draft/multiline, only with batch too (its messages are batches), so a
 * confirmed paste goes as one message. */
static void net_caps_wanted(const char *offered, bool sasl, char *req, size_t cap)
{
	const char *wanted[] = {"server-time", "echo-message", "message-tags", "batch",
	                        "multi-prefix", "away-notify", "setname", sasl ? "sasl" : NULL};
	size_t used = 0;
	req[0] = '\0';
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (wanted[i] && net_has_cap(offered, wanted[i]))
			used += (size_t)snprintf(req + used, cap - used, "%s%s", used ? " " : "",
			                         wanted[i]);
	if (!net_has_cap(offered, "batch"))
		return;
	const char *history = net_has_cap(offered, "chathistory")         ? "chathistory"
	                      : net_has_cap(offered, "draft/chathistory") ? "draft/chathistory"
	                                                                  : NULL;
	if (history)
		used += (size_t)snprintf(req + used, cap - used, "%s%s", used ? " " : "", history);
	if (net_has_cap(offered, "draft/multiline") && used < cap)
		snprintf(req + used, cap - used, "%s%s", used ? " " : "", "draft/multiline");
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
		if (s->sasl_wanted && !net_has_cap(s->caps_seen, "sasl"))
			net_report(n, EVENT_ERROR, "This server does not offer SASL: not logged in");
		char req[256];
		net_caps_wanted(s->caps_seen, s->sasl_wanted, req, sizeof(req));
		if (*req)
			net_sendf(n, "CAP REQ :%s", req);
		else
			net_cap_end(n, s);
	} else if (strcmp(sub, "ACK") == 0 && s->sasl_wanted && !s->registered &&
	           net_has_cap(m->params[m->nparams - 1], "sasl")) {
		s->sasl_running = true; /* CAP END waits for the login's end */
		net_sendf(n, "AUTHENTICATE PLAIN");
	} else if (strcmp(sub, "ACK") == 0 || strcmp(sub, "NAK") == 0) {
		net_cap_end(n, s);
	}
}

/* Sends the waiting SASL response in its AUTHENTICATE pieces (the server
 * said "AUTHENTICATE +"), then forgets it; nothing when none waits. */
static void net_sasl_respond(struct net *n)
{
	char piece[SASLPLAIN_CHUNK + 1];
	long long now = clock_mono_ms();
	pthread_mutex_lock(&n->lock);
	/* Without a response waiting we started nothing: an "AUTHENTICATE +"
	 * then is the server's doing and gets no line back (a hostile server
	 * could otherwise make us answer every one). */
	for (size_t i = 0; n->sasl_len && saslplain_chunk(n->sasl_b64, n->sasl_len, i, piece); i++)
		net_queue_locked(n, now, "AUTHENTICATE %s", piece);
	OPENSSL_cleanse(n->sasl_b64, sizeof(n->sasl_b64));
	OPENSSL_cleanse(piece, sizeof(piece));
	n->sasl_len = 0;
	pthread_mutex_unlock(&n->lock);
}

/* The end of a SASL exchange (900-series numerics 903-907). A login at
 * registration that failed ends the connection for good: reconnecting
 * would only fail again (and count against the server's throttle). */
static void net_sasl_end(struct net *n, struct session *s, int num, const struct ircmsg *m)
{
	pthread_mutex_lock(&n->lock);
	OPENSSL_cleanse(n->sasl_b64, sizeof(n->sasl_b64));
	n->sasl_len = 0;
	pthread_mutex_unlock(&n->lock);
	if (!s->sasl_running)
		return;
	s->sasl_running = false;
	if (num == 904 || num == 905) {
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason),
		         "Login failed: %.300s (no account yet? connect without --login and "
		         "/register; or check the password)",
		         m->nparams ? m->params[m->nparams - 1] : "refused");
		net_sendf(n, "QUIT :Login failed");
		return;
	}
	net_cap_end(n, s);
}

/* Reacts to the few messages the network thread handles itself. */
static void net_on_message(struct net *n, struct session *s, const struct ircmsg *m)
{
	const char *cmd = m->command;

	if (strcmp(cmd, "PING") == 0) {
		net_sendf(n, "PONG :%s", m->nparams ? m->params[m->nparams - 1] : "");
	} else if (strcmp(cmd, "CAP") == 0) {
		net_on_cap(n, s, m);
	} else if (strcmp(cmd, "AUTHENTICATE") == 0 && m->nparams == 1 &&
	           strcmp(m->params[0], "+") == 0) {
		net_sasl_respond(n);
	} else if (strlen(cmd) == 3 && strncmp(cmd, "90", 2) == 0 && cmd[2] >= '3' &&
	           cmd[2] <= '7') {
		net_sasl_end(n, s, atoi(cmd), m);
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
	char err[TLSCONN_ERR_MAX] = "";
	ssize_t r = s->tls ? tlsconn_read(s->tls, space, avail, err, sizeof(err))
	                   : recv(fd, space, avail, 0);
	char *line;
	size_t len;

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0) {
		if (!*s->reason)
			snprintf(s->reason, sizeof(s->reason), "%s",
			         r == 0 ? "Connection closed by the server" : *err ? err : strerror(errno));
		return -1;
	}
	s->last_rx = clock_mono_ms();
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

/* The poll timeout for a session: the next lag probe, liveness, quit or
 * stall deadline. */
static int net_timeout(struct net *n, struct session *s, long long now)
{
	long long due;
	pthread_mutex_lock(&n->lock);
	bool quitting = n->quitting;
	long long quit_at = n->quit_at;
	long long stalled = outbuf_stalled_ms(n->out, now);
	bool waiting = outbuf_lines(n->out) > 0;
	pthread_mutex_unlock(&n->lock);
	if (quitting)
		due = quit_at + NET_QUIT_WAIT_MS;
	else if (!s->registered)
		due = s->started + NET_REG_TIMEOUT_MS;
	else
		due = s->last_lag + NET_LAG_INTERVAL_MS;
	if (s->registered && s->last_rx + NET_DEAD_MS < due)
		due = s->last_rx + NET_DEAD_MS;
	if (waiting && !quitting) {
		long long since = now - stalled;
		long long next = s->stall_noted ? since + n->stall_timeout_ms
		                                : since + net_stall_notice_ms(n);
		if (next < due)
			due = next;
	}
	return due <= now ? 0 : (int)(due - now);
}

/* Tells the user when the server stops (or starts again) reading what we
 * send; returns -1 to disconnect once it has not read for the timeout. */
static int net_check_stall(struct net *n, struct session *s, long long now)
{
	pthread_mutex_lock(&n->lock);
	long long stalled = outbuf_stalled_ms(n->out, now);
	size_t waiting = outbuf_lines(n->out);
	pthread_mutex_unlock(&n->lock);
	if (stalled >= n->stall_timeout_ms) {
		snprintf(s->reason, sizeof(s->reason), "The server has not read what we sent for %lld s",
		         n->stall_timeout_ms / 1000);
		return -1;
	}
	if (!s->stall_noted && stalled >= net_stall_notice_ms(n)) {
		s->stall_noted = true;
		net_report(n, EVENT_INFO,
		           "The server is not reading what we send (%zu line%s waiting); "
		           "disconnecting if it reads nothing for %lld s",
		           waiting, waiting == 1 ? "" : "s", n->stall_timeout_ms / 1000);
	} else if (s->stall_noted && stalled < net_stall_notice_ms(n)) {
		s->stall_noted = false;
		net_report(n, EVENT_INFO, "The server is reading again");
	}
	return 0;
}

/* Timers: lag probes, registration, liveness and stalls. Returns -1 to
 * disconnect. */
static int net_tick(struct net *n, struct session *s, long long now)
{
	pthread_mutex_lock(&n->lock);
	bool quitting = n->quitting;
	long long quit_at = n->quit_at;
	pthread_mutex_unlock(&n->lock);
	/* Leaving: wait a little for the QUIT to go and the server to close,
	 * but not for a server that was already not reading. */
	if (quitting)
		return now >= quit_at + NET_QUIT_WAIT_MS || s->stall_noted ? -1 : 0;
	if (!s->registered && now >= s->started + NET_REG_TIMEOUT_MS) {
		snprintf(s->reason, sizeof(s->reason), "Registration timed out");
		return -1;
	}
	if (s->registered && now >= s->last_rx + NET_DEAD_MS) {
		snprintf(s->reason, sizeof(s->reason),
		         "No answer from the server for %d s (ping timeout)", NET_DEAD_MS / 1000);
		return -1;
	}
	if (net_check_stall(n, s, now) < 0)
		return -1;
	if (s->registered && now >= s->last_lag + NET_LAG_INTERVAL_MS) {
		s->last_lag = now;
		net_sendf(n, "PING :LAG%lld", clock_unix_ms());
	}
	return 0;
}

/* Writes queued lines while the socket takes them, at most NET_FLUSH_MAX
 * writes a turn. The bytes come from outbuf under the lock; the send runs
 * without it. Returns -1 on a socket error (s->reason set). */
static int net_flush(struct net *n, struct session *s, int fd)
{
	char err[TLSCONN_ERR_MAX] = "";
	s->want_write = false;
	for (int i = 0; i < NET_FLUSH_MAX; i++) {
		size_t len;
		pthread_mutex_lock(&n->lock);
		const char *p = outbuf_next(n->out, clock_mono_ms(), &len);
		pthread_mutex_unlock(&n->lock);
		ssize_t w;
		if (!p && !s->tls)
			return 0;
		if (!p) /* TLS: bytes OpenSSL must retry may wait */
			w = tlsconn_flush(s->tls, err, sizeof(err));
		else if (s->tls)
			w = tlsconn_write(s->tls, p, len, err, sizeof(err));
		else
			w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (!p && w == 0)
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			s->want_write = true;
			return 0;
		}
		if (w < 0) {
			snprintf(s->reason, sizeof(s->reason), "Cannot send: %s",
			         *err ? err : strerror(errno));
			return -1;
		}
		pthread_mutex_lock(&n->lock);
		outbuf_wrote(n->out, (size_t)w, clock_mono_ms());
		pthread_mutex_unlock(&n->lock);
	}
	s->want_write = true; /* more to write: poll returns at once */
	return 0;
}

/* Ends a connection: forgets the socket and the lines it never took, and
 * says how many there were. */
static void net_hang_up(struct net *n, struct session *s, int fd)
{
	pthread_mutex_lock(&n->lock);
	n->fd = -1;
	n->secure = false;
	OPENSSL_cleanse(n->sasl_b64, sizeof(n->sasl_b64));
	n->sasl_len = 0;
	size_t lost = outbuf_reset(n->out, clock_mono_ms());
	pthread_mutex_unlock(&n->lock);
	tlsconn_free(s->tls);
	s->tls = NULL;
	close(fd);
	size_t used = strlen(s->reason);
	if (lost > 0 && used > 0)
		snprintf(s->reason + used, sizeof(s->reason) - used, " (%zu line%s not sent)", lost,
		         lost == 1 ? "" : "s");
}

/* Runs the TLS handshake within the connect timeout, polling the socket
 * as OpenSSL asks. Returns 0, or -1 with s->reason set. */
static int net_tls_handshake(struct net *n, struct session *s, int fd)
{
	char err[TLSCONN_ERR_MAX];
	s->tls = tlsconn_new(fd, n->cfg.host, err, sizeof(err));
	if (!s->tls) {
		snprintf(s->reason, sizeof(s->reason), "%s", err);
		return -1;
	}
	long long end = clock_mono_ms() + NET_CONNECT_TIMEOUT_MS;
	for (;;) {
		enum tlsconn_step st = tlsconn_handshake(s->tls, err, sizeof(err));
		if (st == TLSCONN_DONE)
			return 0;
		if (st == TLSCONN_FAILED) {
			snprintf(s->reason, sizeof(s->reason), "%s", err);
			return -1;
		}
		long long left = end - clock_mono_ms();
		if (left <= 0 || net_quitting(n)) {
			snprintf(s->reason, sizeof(s->reason), "%s",
			         left <= 0 ? "TLS handshake timed out" : "Stopped");
			return -1;
		}
		short ev = st == TLSCONN_WANT_READ ? POLLIN : POLLOUT;
		struct pollfd p[2] = {{.fd = fd, .events = ev}, {.fd = n->wake_rd, .events = POLLIN}};
		if (poll(p, 2, (int)left) > 0 && p[1].revents)
			net_drain_wake(n);
	}
}

/* Records the user's answer to the trust question and wakes the thread. */
void net_trust_answer(struct net *n, bool yes)
{
	pthread_mutex_lock(&n->lock);
	n->trust_answer = yes ? 1 : -1;
	pthread_mutex_unlock(&n->lock);
	net_wake(n);
}

/* Waits for the user's answer (or net_stop(), or NET_TRUST_WAIT_MS): 1 yes,
 * -1 no, 0 none. */
static int net_trust_wait(struct net *n)
{
	long long end = clock_mono_ms() + NET_TRUST_WAIT_MS;
	for (;;) {
		pthread_mutex_lock(&n->lock);
		int answer = n->trust_answer;
		bool quitting = n->quitting;
		pthread_mutex_unlock(&n->lock);
		long long left = end - clock_mono_ms();
		if (answer || quitting || left <= 0)
			return answer;
		struct pollfd p = {.fd = n->wake_rd, .events = POLLIN};
		if (poll(&p, 1, (int)left) > 0)
			net_drain_wake(n);
	}
}

/* Asks the user about a key known_servers does not know; a yes is stored.
 * Returns 0 to go on, -1 with s->reason set. */
static int net_tls_ask(struct net *n, struct session *s, const char *key, const char *hex)
{
	char err[NET_TEXT_MAX];
	pthread_mutex_lock(&n->lock);
	n->trust_answer = 0;
	pthread_mutex_unlock(&n->lock);
	net_report(n, EVENT_INFO,
	           "The server %s is new to this client, and its certificate is not one the "
	           "system trusts. Compare its key with the one its admin gave you "
	           "(parleyd --fingerprint):",
	           key);
	net_report(n, EVENT_INFO, "Key: sha256 %s", hex);
	net_report(n, EVENT_TRUST, "Trust this key and connect? Press y or n");
	int answer = net_trust_wait(n);
	if (answer == 0) {
		snprintf(s->reason, sizeof(s->reason), "No answer to the trust question");
		return -1;
	}
	if (answer < 0) {
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason),
		         "Not connecting: the server's key was not trusted; nothing was sent");
		return -1;
	}
	if (knownfile_store(key, hex, err, sizeof(err)) < 0)
		net_report(n, EVENT_ERROR, "%s (trusting the key for this run only)", err);
	else
		net_report(n, EVENT_INFO, "Trusted %s: its key is stored in known_servers", key);
	return 0;
}

/* The loud refusal of a key that differs from the one trusted before. */
static int net_tls_changed(struct net *n, struct session *s, const char *key, const char *hex,
                           const struct known_entry *e)
{
	net_report(n, EVENT_ERROR,
	           "WARNING: THE KEY OF %s HAS CHANGED. Refusing to connect; nothing was sent.", key);
	net_report(n, EVENT_ERROR, "Trusted since %s: sha256 %s", e->date, e->hex);
	net_report(n, EVENT_ERROR, "Offered now: sha256 %s", hex);
	net_report(n, EVENT_ERROR,
	           "Someone may be intercepting the connection, or the server has a new key. "
	           "Only if its admin confirms the new fingerprint: parley --forget %s",
	           key);
	s->fatal = true;
	snprintf(s->reason, sizeof(s->reason),
	         "Refused %.200s: its key changed (parley --forget %.200s once the admin confirms it)", key,
	         key);
	return -1;
}

/* Decides whether to trust the server's key, before anything is sent.
 * Returns 0 to go on, -1 with s->reason set (s->fatal: never reconnect). */
static int net_tls_trust(struct net *n, struct session *s)
{
	unsigned char sha[KNOWN_SHA256_LEN];
	char hex[KNOWN_HEX_LEN + 1], key[ADDRESS_KEY_MAX + 1], err[NET_TEXT_MAX];
	if (tlsconn_spki_sha256(s->tls, sha) < 0 ||
	    address_key(n->cfg.host, n->cfg.port, key, sizeof(key)) < 0) {
		snprintf(s->reason, sizeof(s->reason), "TLS: cannot read the server's key");
		return -1;
	}
	known_hex(sha, hex);
	if (n->cfg.tls_pin) {
		if (strcmp(hex, n->cfg.tls_pin) == 0) {
			net_report(n, EVENT_INFO, "TLS: the key is the one pinned");
			return 0;
		}
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason),
		         "Refused %.200s: its key sha256 %s is not the pinned %s; nothing was sent", key,
		         hex, n->cfg.tls_pin);
		return -1;
	}
	if (tlsconn_verified(s->tls)) {
		net_report(n, EVENT_INFO, "TLS: certificate verified for %s", n->cfg.host);
		return 0;
	}
	bool found;
	struct known_entry e;
	size_t malformed;
	if (knownfile_lookup(key, &found, &e, &malformed, err, sizeof(err)) < 0) {
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason), "%s", err);
		return -1;
	}
	if (malformed && !n->malformed_noted) {
		n->malformed_noted = true;
		net_report(n, EVENT_INFO, "known_servers: ignored %zu malformed line%s", malformed,
		           malformed == 1 ? "" : "s");
	}
	if (!found)
		return net_tls_ask(n, s, key, hex);
	if (strcmp(e.hex, hex) != 0)
		return net_tls_changed(n, s, key, hex, &e);
	net_report(n, EVENT_INFO, "TLS: the key is the one trusted since %s", e.date);
	return 0;
}

/* True when fd's peer is a loopback address (127.0.0.0/8, ::1, or
 * 127.0.0.0/8 mapped into IPv6): what is sent there never crosses a network.
 * The test knob NET_NO_LOOPBACK_AUTH_ENV makes it false, so that tests on
 * loopback can see the refusal a network address gets. */
static bool net_peer_loopback(int fd)
{
	const char *knob = getenv(NET_NO_LOOPBACK_AUTH_ENV);
	if (knob && strcmp(knob, "1") == 0)
		return false;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[ENDPOINT_HOST_MAX];
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    endpoint_format_host((struct sockaddr *)&ss, len, host, sizeof host) < 0)
		return false;
	return endpoint_host_is_loopback(host);
}

/* Before anything is sent: may this connection carry passwords, and the
 * login at registration (--login) made ready. A password never goes in
 * clear text over a network unless the user allowed it. Returns 0, or -1
 * with s->reason set (fatal). */
static int net_auth_prepare(struct net *n, struct session *s, int fd)
{
	bool secure = s->tls || net_peer_loopback(fd);
	const char *pw = n->cfg.account_password;
	if (pw && !secure && !n->cfg.allow_plaintext_auth) {
		s->fatal = true;
		snprintf(s->reason, sizeof(s->reason),
		         "Not sending the account password in clear text to %.200s: use --tls "
		         "(or --allow-plaintext-auth); nothing was sent",
		         n->cfg.host);
		return -1;
	}
	pthread_mutex_lock(&n->lock);
	n->secure = secure;
	if (pw) {
		int len = saslplain_response(n->account, pw, n->sasl_b64, sizeof(n->sasl_b64));
		n->sasl_len = len > 0 ? (size_t)len : 0;
	}
	pthread_mutex_unlock(&n->lock);
	s->sasl_wanted = pw != NULL;
	return 0;
}

/* Checks what the UI's /register and /login need (lock held). */
static enum net_auth_result net_auth_check_locked(struct net *n, const char *password)
{
	if (n->fd < 0)
		return NET_AUTH_NOT_CONNECTED;
	if (!n->secure && !n->cfg.allow_plaintext_auth)
		return NET_AUTH_INSECURE;
	size_t len = strlen(password);
	if (len == 0 || len > SASLPLAIN_PASSWORD_MAX || strpbrk(password, "\r\n"))
		return NET_AUTH_INVALID;
	return NET_AUTH_SENT;
}

enum net_auth_result net_register_account(struct net *n, const char *password)
{
	long long now = clock_mono_ms();
	pthread_mutex_lock(&n->lock);
	enum net_auth_result rc = net_auth_check_locked(n, password);
	if (rc == NET_AUTH_SENT) {
		char line[IRC_LINE_MAX];
		int len = snprintf(line, sizeof(line), "REGISTER * * :%s", password);
		rc = len < 0 || (size_t)len >= sizeof(line)                    ? NET_AUTH_INVALID
		     : outbuf_push(n->out, OUTBUF_NORMAL, line, now) == OUTBUF_OK ? NET_AUTH_SENT
		                                                                : NET_AUTH_FULL;
		OPENSSL_cleanse(line, sizeof(line));
	}
	pthread_mutex_unlock(&n->lock);
	if (rc == NET_AUTH_SENT)
		net_wake(n);
	return rc;
}

enum net_auth_result net_login(struct net *n, const char *account, const char *password)
{
	long long now = clock_mono_ms();
	pthread_mutex_lock(&n->lock);
	enum net_auth_result rc = net_auth_check_locked(n, password);
	if (rc == NET_AUTH_SENT) {
		int len = saslplain_response(account, password, n->sasl_b64, sizeof(n->sasl_b64));
		n->sasl_len = len > 0 ? (size_t)len : 0;
		if (len <= 0)
			rc = NET_AUTH_INVALID;
		else if (outbuf_push(n->out, OUTBUF_NORMAL, "AUTHENTICATE PLAIN", now) != OUTBUF_OK)
			rc = NET_AUTH_FULL;
	}
	pthread_mutex_unlock(&n->lock);
	if (rc == NET_AUTH_SENT)
		net_wake(n);
	return rc;
}

/* Runs one connection until it ends. Returns true if it registered. */
static bool net_session(struct net *n, int fd, struct session *s)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];

	endpoint_local(fd, local, sizeof(local));
	endpoint_remote(fd, remote, sizeof(remote));
	net_report(n, EVENT_CONNECTED, "Connected: %s -> %s", local, remote);
	s->started = s->last_rx = s->last_lag = clock_mono_ms();
	if (n->cfg.tls && (net_tls_handshake(n, s, fd) < 0 || net_tls_trust(n, s) < 0)) {
		net_hang_up(n, s, fd);
		return false;
	}
	s->started = s->last_rx = s->last_lag = clock_mono_ms();
	if (net_auth_prepare(n, s, fd) < 0) {
		net_hang_up(n, s, fd);
		return false;
	}
	net_register(n, s, fd);
	for (;;) {
		long long now = clock_mono_ms();
		if (net_tick(n, s, now) < 0 || net_flush(n, s, fd) < 0)
			break;
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN | (s->want_write ? POLLOUT : 0)},
		                      {.fd = n->wake_rd, .events = POLLIN}};
		/* Bytes OpenSSL holds decrypted do not make the socket readable. */
		bool held = s->tls && tlsconn_pending(s->tls);
		int r = poll(p, 2, held ? 0 : net_timeout(n, s, clock_mono_ms()));
		if (r < 0 && errno != EINTR) {
			snprintf(s->reason, sizeof(s->reason), "poll: %s", strerror(errno));
			break;
		}
		if (r > 0 && p[1].revents)
			net_drain_wake(n);
		bool readable = held || (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)));
		if (readable && net_read(n, s, fd) < 0)
			break;
	}
	net_hang_up(n, s, fd);
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
	n->wake_rd = fds[0];
	n->wake_wr = fds[1];
	n->q = q;
	n->fd = -1;
	n->cfg.host = xstrdup(cfg->host);
	n->cfg.port = xstrdup(cfg->port);
	n->cfg.user = net_safe_user(cfg->user);
	n->cfg.realname = net_safe_text(cfg->realname);
	n->cfg.password = cfg->password ? net_safe_text(cfg->password) : NULL;
	n->nick = xstrdup(cfg->nick);
	n->account = xstrdup(cfg->nick);
	n->cfg.tls = cfg->tls;
	n->cfg.tls_pin = cfg->tls_pin ? xstrdup(cfg->tls_pin) : NULL;
	n->cfg.account_password = cfg->account_password ? xstrdup(cfg->account_password) : NULL;
	n->cfg.allow_plaintext_auth = cfg->allow_plaintext_auth;
	n->stall_timeout_ms = cfg->stall_timeout_ms > 0 ? cfg->stall_timeout_ms : NET_STALL_TIMEOUT_MS;
	n->out = outbuf_new(OUTBUF_LINES_MAX, OUTBUF_BYTES_MAX, clock_mono_ms());
	pthread_mutex_init(&n->lock, NULL);
	if (pthread_create(&n->thread, NULL, net_main, n) != 0) {
		net_stop(n, NULL);
		return NULL;
	}
	return n;
}

/* Says goodbye (QUIT goes after the lines already queued), stops the
 * thread and frees everything. */
void net_stop(struct net *n, const char *reason)
{
	char line[IRC_LINE_MAX];
	bool started = n->thread != 0;

	if (started && snprintf(line, sizeof(line), "QUIT :%s", reason ? reason : "Leaving") <
	                   (int)sizeof(line))
		net_send(n, line);
	pthread_mutex_lock(&n->lock);
	n->quitting = true;
	n->quit_at = clock_mono_ms();
	pthread_mutex_unlock(&n->lock);
	net_wake(n);
	if (started)
		pthread_join(n->thread, NULL);
	close(n->wake_rd);
	close(n->wake_wr);
	pthread_mutex_destroy(&n->lock);
	free((char *)n->cfg.host);
	free((char *)n->cfg.port);
	free((char *)n->cfg.user);
	free((char *)n->cfg.realname);
	free((char *)n->cfg.password);
	free((char *)n->cfg.tls_pin);
	if (n->cfg.account_password) {
		OPENSSL_cleanse((char *)n->cfg.account_password, strlen(n->cfg.account_password));
		free((char *)n->cfg.account_password);
	}
	free(n->nick);
	free(n->account);
	outbuf_free(n->out);
	free(n);
}
