/* net: the network thread. It resolves the server with getaddrinfo and tries
 * every address (with a connect timeout), registers (CAP LS 302, CAP REQ
 * :server-time echo-message, CAP END, PASS, NICK, USER), picks another nick
 * when the chosen one is taken during registration, answers PING, sends a
 * lag probe (PING :LAG<ms>) every 30 s, frames and forwards every received
 * line to the UI thread as an EVENT_LINE, and reconnects with backoff (1 s
 * doubling to 60 s) after a disconnect. It never touches the terminal.
 *
 * The socket belongs to the network thread; net_send() may be called from
 * any thread (a mutex serialises whole lines). */
#ifndef PARLEY_NET_H
#define PARLEY_NET_H

#include <stddef.h>

#include "evqueue.h"

#define NET_CONNECT_TIMEOUT_MS 10000
#define NET_LAG_INTERVAL_MS 30000
#define NET_BACKOFF_MIN_MS 1000
#define NET_BACKOFF_MAX_MS 60000

struct net_config {
	const char *host;     /* name or address */
	const char *port;     /* service or number, e.g. "6667" */
	const char *nick;     /* wanted nickname */
	const char *user;     /* USER name (made safe by net) */
	const char *realname; /* USER real name */
	const char *password; /* PASS, or NULL */
};

struct net;

/* Copies cfg and starts the thread, which reports through q. NULL on failure. */
struct net *net_start(const struct net_config *cfg, struct evqueue *q);

/* Sends one IRC line (without CR LF). Returns 0, or -1 when not connected or
 * when line contains CR/LF or is too long (nothing is sent then). */
int net_send(struct net *n, const char *line);

/* The nick to register with on the next reconnect (after a /nick). */
void net_set_nick(struct net *n, const char *nick);

/* Writes the local and remote endpoints ("127.0.0.1:40000") of the current
 * connection. Returns 0, or -1 when not connected. */
int net_endpoints(struct net *n, char *local, char *remote, size_t cap);

/* Sends QUIT :reason when connected, waits up to 2 s for the server to close,
 * then stops the thread and frees everything. */
void net_stop(struct net *n, const char *reason);

#endif
