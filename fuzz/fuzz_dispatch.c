/* fuzz_dispatch: the server's command dispatch — intake_line() and every
 * handler behind it (IRC and plain mode, channel state, modes, streamed
 * replies) — fed lines as clients send them, with no worker thread and no
 * network.
 *
 * Input: lines separated by LF (a CR before it is dropped, as linebuf does).
 * A line starting with "B:" is sent by the second client, one starting with
 * "P:" by the third, any other by the first. The first two are IRC users
 * registered before the input starts (alice and bob); the third starts
 * undecided, so its first line makes it a plain user or an IRC one. A client
 * that quits is replaced by a fresh one.
 *
 * Each session's socket is one end of an AF_UNIX socketpair, so the server's
 * own write path (queues, SendQ, write turns) runs unchanged; the harness is
 * the worker — it hands lines over, pumps streamed replies to the end, and
 * drains and checks the other end after every line:
 *  - output is whole lines ending in CR LF, without NUL, at most
 *    FUZZ_OUT_LINE_MAX bytes; what IRC clients get parses as IRC and is
 *    valid UTF-8;
 *  - every query of an IRC client gets its end numeric (WHO 315, NAMES 366,
 *    LIST 323, WHOIS 318 or 431, PING its PONG) unless the line was refused
 *    as a whole;
 *  - a streamed reply ends;
 *  - once every client has left, no nick and no channel is left behind. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat.h"
#include "clock.h"
#include "config.h"
#include "deliver.h"
#include "event.h"
#include "flushq.h"
#include "frontend.h"
#include "fuzz.h"
#include "global.h"
#include "intake.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "transport.h"
#include "utf8.h"
#include "xalloc.h"

#define FUZZ_CLIENTS 3
#define FUZZ_OUT_LINE_MAX OUT_LINE_MAX /* with client-only tags (event.h) */
#define FUZZ_PUMP_MAX 100000   /* chunks of one streamed reply, at most */
#define FUZZ_PENDING_MAX (OUT_LINE_MAX + 2) /* bytes of an unfinished output line kept */

struct client {
	struct session *s;
	int peer;                        /* the harness's end of the socketpair */
	char pending[FUZZ_PENDING_MAX];  /* output after the last LF */
	size_t npending;
	const char *expect;              /* a reply this line must produce, or NULL */
	bool expect_seen;
	bool refused;                    /* the line was refused as a whole */
};

static struct client clients[FUZZ_CLIENTS];
static const char *const client_nicks[FUZZ_CLIENTS] = {"alice", "bob", NULL};

/* Process-wide set-up, once: defaults, no flood control, quiet log. */
static void fuzz_server_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	char *argv[] = {"parleyd", "--history", "20", "--flood", "off", NULL};
	char *error = NULL;
	FUZZ_CHECK(config_parse(&g_server.cfg, 5, argv, &error) == CONFIG_RUN);
	global_live_set(&g_server.cfg);
	log_set_level(LOG_ERROR);
	g_server.started_unix_ms = clock_unix_ms();
	snprintf(g_server.created_text, sizeof g_server.created_text, "today");
	registry_init();
	flushq_init(1);
}

/* Checks one complete output line of client c (without LF). */
static void check_line(struct client *c, const char *line, size_t len)
{
	FUZZ_CHECK(len >= 1 && line[len - 1] == '\r');
	len--;
	FUZZ_CHECK(len <= FUZZ_OUT_LINE_MAX);
	FUZZ_CHECK(memchr(line, '\0', len) == NULL);
	FUZZ_CHECK(memchr(line, '\r', len) == NULL);
	if (c->s->kind != SESSION_IRC)
		return;
	if (!utf8_valid(line, len))
		fprintf(stderr, "invalid UTF-8 sent to %s: %.*s\n", session_target(c->s), (int)len,
			line);
	FUZZ_CHECK(utf8_valid(line, len));
	static char copy[FUZZ_OUT_LINE_MAX + 1];
	memcpy(copy, line, len);
	copy[len] = '\0';
	struct ircmsg m;
	const char *reason;
	FUZZ_CHECK(ircmsg_parse(copy, &m, &reason) == 0);
	if (c->expect && strcmp(m.command, c->expect) == 0)
		c->expect_seen = true;
	if (strcmp(m.command, "NOTICE") == 0 && m.nparams == 2 &&
	    (strncmp(m.params[1], "Line refused", 12) == 0 ||
	     strncmp(m.params[1], "Malformed line", 14) == 0))
		c->refused = true;
	if (strcmp(m.command, "417") == 0 || strcmp(m.command, "421") == 0)
		c->refused = true;
	/* A line that is not UTF-8 is refused with the UTF8ONLY standard reply. */
	if (strcmp(m.command, "FAIL") == 0 && m.nparams >= 2 &&
	    strcmp(m.params[1], "INVALID_UTF8") == 0)
		c->refused = true;
}

/* Reads what the server wrote to c so far and checks it line by line. */
static void drain(struct client *c)
{
	char buf[8192];
	for (;;) {
		ssize_t n = recv(c->peer, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			return;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				check_line(c, c->pending, c->npending);
				c->npending = 0;
				continue;
			}
			FUZZ_CHECK(c->npending < FUZZ_PENDING_MAX);
			c->pending[c->npending++] = buf[i];
		}
	}
}

/* Writes every queue and drains every client. */
static void flush_all(void)
{
	for (int i = 0; i < FUZZ_CLIENTS; i++)
		if (clients[i].s)
			deliver_flush(clients[i].s);
	while (flushq_wants_help())
		flushq_take_turn();
	for (int i = 0; i < FUZZ_CLIENTS; i++)
		if (clients[i].s) {
			session_flush(clients[i].s);
			drain(&clients[i]);
		}
}

/* Hands one line to client c's session, as its worker would. */
static void send_line(struct client *c, const char *line, size_t len)
{
	char buf[IRC_TAGS_MAX + IRC_LINE_MAX];
	if (len > sizeof buf - 1) {
		frontend_line_too_long(c->s);
	} else if (len > 0) {
		memcpy(buf, line, len);
		buf[len] = '\0';
		intake_line(c->s, buf, len);
	}
	/* The worker reads nothing more until a streamed reply has ended. */
	for (int n = 0; reply_busy(c->s) && !c->s->quitting; n++) {
		FUZZ_CHECK(n < FUZZ_PUMP_MAX);
		flush_all();
		reply_pump(c->s);
	}
	flush_all();
}

/* A new client in slot i: IRC users are registered, the third starts undecided. */
static void client_start(int i)
{
	struct client *c = &clients[i];
	int sv[2];
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000 + i)};
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct transport t;
	transport_tcp_open(&t, sv[0], false); /* TCP_NODELAY fails quietly on AF_UNIX */
	c->s = session_new(&t, (const struct sockaddr *)&peer, sizeof peer);
	c->peer = sv[1];
	c->npending = 0;
	c->expect = NULL;
	if (client_nicks[i]) {
		/* The input may have given the nick to another client meanwhile. */
		char line[64];
		snprintf(line, sizeof line, "USER %s 0 * :Fuzz %s", client_nicks[i], client_nicks[i]);
		send_line(c, line, strlen(line));
		for (int n = 0; n < FUZZ_CLIENTS + 1 && !c->s->registered; n++) {
			snprintf(line, sizeof line, "NICK %s%.0d", client_nicks[i], n);
			send_line(c, line, strlen(line));
		}
		FUZZ_CHECK(c->s->registered);
	}
}

/* The session ends as its worker would end it; the slot is emptied. */
static void client_stop(int i)
{
	struct client *c = &clients[i];
	reply_free(c->s);
	const char *reason = session_extra_read(c->s)->quit_reason;
	chat_leave(c->s, reason ? reason : "fuzz input ended");
	flush_all();
	session_unref(c->s);
	c->s = NULL;
	close(c->peer);
}

/* The reply that a query line must get (NULL: none in particular). */
static const char *expected_reply(const struct client *c, const char *line, size_t len)
{
	if (c->s->kind != SESSION_IRC || !c->s->registered || len >= IRC_LINE_MAX - 2)
		return NULL;
	char copy[IRC_LINE_MAX];
	memcpy(copy, line, len);
	copy[len] = '\0';
	if (memchr(line, '\0', len))
		return NULL;
	struct ircmsg m;
	const char *reason;
	if (ircmsg_parse(copy, &m, &reason) < 0)
		return NULL;
	ircmsg_upcase(m.command);
	if (strcmp(m.command, "WHO") == 0)
		return "315";
	if (strcmp(m.command, "NAMES") == 0)
		return "366";
	if (strcmp(m.command, "LIST") == 0)
		return "323";
	if (strcmp(m.command, "WHOIS") == 0 && m.nparams > 0)
		return param_blank(m.params[m.nparams > 1 ? 1 : 0]) ? "431" : "318";
	if (strcmp(m.command, "PING") == 0 && m.nparams > 0)
		return "PONG";
	return NULL;
}

/* Runs one input line: picks the client, sends, checks the expected reply. */
static void run_line(const char *line, size_t len)
{
	int who = 0;
	if (len >= 2 && line[1] == ':' && (line[0] == 'B' || line[0] == 'P')) {
		who = line[0] == 'B' ? 1 : 2;
		line += 2;
		len -= 2;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	struct client *c = &clients[who];
	c->expect = expected_reply(c, line, len);
	c->expect_seen = false;
	c->refused = false;
	send_line(c, line, len);
	if (c->expect && !c->s->quitting)
		FUZZ_CHECK(c->expect_seen || c->refused);
	c->expect = NULL;
	if (c->s->quitting) {
		client_stop(who);
		client_start(who);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_server_init();
	for (int i = 0; i < FUZZ_CLIENTS; i++)
		client_start(i);
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		run_line(p, (size_t)(stop - p));
		p = nl ? nl + 1 : end;
	}
	for (int i = 0; i < FUZZ_CLIENTS; i++)
		client_stop(i);
	registry_rdlock();
	FUZZ_CHECK(registry_nick_count() == 0);
	FUZZ_CHECK(registry_channel_count() == 0);
	registry_unlock();
	return 0;
}
