/* net: the network thread. It resolves the server with getaddrinfo and tries
 * every address (with a connect timeout), registers (CAP LS 302, CAP REQ
 * :server-time echo-message, CAP END, PASS, NICK, USER), picks another nick
 * when the chosen one is taken during registration, answers PING, sends a
 * lag probe (PING :LAG<ms>) every 30 s, frames and forwards every received
 * line to the UI thread as an EVENT_LINE, and reconnects with backoff (1 s
 * doubling to 60 s) after a disconnect. It never touches the terminal.
 *
 * The socket (non-blocking) belongs to the network thread, and so does the
 * writing: net_send() only appends a whole line to the outbound queue
 * (client/outbuf) and wakes the thread, which writes the queue whenever the
 * socket is writable. So no caller ever waits on the network, and a line is
 * sent whole or not at all. When the queue makes no progress for the stall
 * timeout (the server does not read), the thread disconnects with that
 * reason and reconnects as after any other disconnect.
 *
 * With TLS (cfg.tls) the thread runs the handshake (non-blocking, in its
 * poll loop, within the connect timeout) before anything is queued, then
 * decides whether to trust the key, still before any line is sent: a
 * certificate that verifies against the system store and names the host is
 * accepted; with cfg.tls_pin the key's SPKI SHA-256 must be that one;
 * otherwise known_servers (client/knownfile) decides: the same key goes on,
 * a different key is refused for good (EVENT_ERROR lines naming both
 * fingerprints, then EVENT_STOPPED), and an unknown one is asked about
 * (EVENT_TRUST; the thread waits for net_trust_answer(), a yes is stored).
 * Every reconnect decides again, so a new key is never taken silently. */
#ifndef PARLEY_NET_H
#define PARLEY_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "evqueue.h"

#define NET_CONNECT_TIMEOUT_MS 10000
#define NET_LAG_INTERVAL_MS 30000
#define NET_BACKOFF_MIN_MS 1000
#define NET_BACKOFF_MAX_MS 60000
#define NET_STALL_TIMEOUT_MS 60000 /* queue without progress: disconnect */
#define NET_STALL_NOTICE_MS 3000   /* ... and tell the user after this long */
#define NET_TRUST_WAIT_MS 600000 /* a TOFU question unanswered this long: disconnect */
#define NET_SNDBUF_BYTES 16384     /* kernel send buffer (doubled by Linux): keeps
                                      what waits visible in our queue */

struct net_config {
	const char *host;     /* name or address */
	const char *port;     /* service or number, e.g. "6667" */
	const char *nick;     /* wanted nickname */
	const char *user;     /* USER name (made safe by net) */
	const char *realname; /* USER real name */
	const char *password; /* PASS, or NULL */
	long long stall_timeout_ms; /* 0: NET_STALL_TIMEOUT_MS */
	bool tls;             /* connect with TLS */
	const char *tls_pin;  /* with tls: the SPKI SHA-256 (64 lower-case hex digits) to
	                         accept, and no other; NULL: verify or trust on first use */
	const char *account_password; /* log in as nick with SASL PLAIN at every
	                                 registration, or NULL */
	bool allow_plaintext_auth; /* send passwords (SASL, /register, /login) over a
	                              connection that is neither TLS nor loopback */
};

enum net_send_result {
	NET_SEND_OK,
	NET_SEND_NOT_CONNECTED, /* nothing queued */
	NET_SEND_INVALID,       /* CR/LF in the line, or too long: nothing queued */
	NET_SEND_FULL,          /* the queue is at its limit (server not reading) */
	NET_SEND_DROPPED,       /* an automatic line that would delay the user's */
};

/* What the UI shows about the outbound side. */
struct net_status {
	size_t waiting;        /* lines queued, not yet written whole */
	bool stalled;          /* waiting lines made no progress for NET_STALL_NOTICE_MS */
	long long stall_left_ms; /* when stalled: time left before the disconnect */
	unsigned long long auto_dropped; /* automatic replies dropped so far */
};

struct net;

/* Copies cfg and starts the thread, which reports through q. NULL on failure. */
struct net *net_start(const struct net_config *cfg, struct evqueue *q);

enum net_auth_result {
	NET_AUTH_SENT,
	NET_AUTH_NOT_CONNECTED,
	NET_AUTH_INSECURE, /* neither TLS nor loopback, and plaintext not allowed */
	NET_AUTH_INVALID,  /* empty, too long, or a line break in the password */
	NET_AUTH_FULL,     /* the outbound queue is full */
};

/* /register: asks the server (IRCv3 account-registration) to register the
 * current nick as an account with password. Never waits. */
enum net_auth_result net_register_account(struct net *n, const char *password);

/* /login: logs in as account with SASL PLAIN on the current connection.
 * Never waits; the server's answer arrives as lines (900/903/904...). */
enum net_auth_result net_login(struct net *n, const char *account, const char *password);

/* Queues one IRC line (without CR LF) to be sent whole; never waits. */
enum net_send_result net_send(struct net *n, const char *line);

/* Queues count lines as one unit (a draft/multiline batch): all of them or,
 * when one is invalid or they do not fit the queue together, none. */
enum net_send_result net_send_all(struct net *n, const char *const *lines, size_t count);

/* Queues an automatic reply (CTCP): sent only when it delays no line of the
 * user's and the server's flood budget has room to spare, else dropped. */
enum net_send_result net_send_auto(struct net *n, const char *line);

/* The outbound queue as the status line shows it. */
void net_status(struct net *n, struct net_status *out);

/* The nick to register with on the next reconnect (after a /nick). */
void net_set_nick(struct net *n, const char *nick);

/* The user's answer to the EVENT_TRUST question (UI thread). */
void net_trust_answer(struct net *n, bool yes);

/* Writes the local and remote endpoints ("127.0.0.1:40000") of the current
 * connection. Returns 0, or -1 when not connected. */
int net_endpoints(struct net *n, char *local, char *remote, size_t cap);

/* Queues QUIT :reason when connected, waits up to 2 s for the server to
 * close (lines still queued are written meanwhile), then stops the thread
 * and frees everything. */
void net_stop(struct net *n, const char *reason);

#endif
