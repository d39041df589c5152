/* global: the server-wide state every layer reads — the configuration, the
 * part of it SIGHUP may change, a few counters — and the lock order.
 *
 * Configuration and threads. g_server.cfg is written once, before any
 * worker starts, and never again: every thread reads it without a lock.
 * What SIGHUP changes live (config_changes lists it) is not read from cfg
 * but from g_server.live, whose fields are atomics the acceptor (main
 * thread, the only writer) stores after a reload and workers load relaxed
 * through LIVE(field). Each value stands alone (no reader needs two of them
 * to agree; flood rate and burst may be seen one new and one old for an
 * instant, both valid), so relaxed atomics are enough and TSan-clean, and
 * readers never wait. The two values that are not scalars have their own
 * scheme: the MOTD is an immutable reference-counted text swapped under a
 * leaf lock (motd.h), and so is the table of operator blocks (oper.h); the
 * password is a copy swapped under password_lock (a leaf, global.c) and
 * compared outside it. cfg's fields for these keep the
 * start-up values; nothing reads them after start-up.
 *
 * Threads: the acceptor (main thread) owns the listening sockets and the list
 * of sessions (listener.c); each session has one worker thread, which tells
 * the acceptor it ended through a callback (session_start). Lock order across the
 * whole server (take them in this order, never the reverse):
 *
 *     registry lock (rwlock)  ->  channel lock(s)  ->  session memb_lock,
 *                                                       history budget lock,
 *                                                       store queue lock,
 *                                                       session queue lock
 *     registry lock (write)   ->  monitor_lock      ->  session queue lock
 *
 * The last four are leaves (nothing is taken while holding one), as are
 * a TLS connection's ssl_lock (transport_tls.c: held around each OpenSSL
 * call on its SSL object, with no other lock held — writers drop the queue
 * lock around transport_writev, as for TCP),
 * the acceptor's session-list lock (listener.c), flushq's lock and the leaves inside other modules
 * (monitor.c's monitor_lock holds only queue locks under it, monitor.h; motd.c's, oper.c's oper_lock, operpass.c's check_lock, account.c's lock, kline.c's table_lock, store_direct.c's lock, global.c's password_lock, whowas.c's global_lock, and log.c's ring and limit locks, held for a copy).
 * kline.c's write_lock serialises operators' KLINE/UNKLINE and is held only
 * over store_direct's lock and table_lock, with no other lock held. Several
 * channel locks are held at once only in increasing channel id (channels_lock_all: NICK, QUIT). The
 * registry lock is held only for short table edits and lookups; nobody
 * waits for a channel lock while holding it for writing, and the fan-out
 * paths (messages, JOIN/PART/KICK/NICK/QUIT) hold a channel reference
 * instead of the registry lock (channel.h). Nobody blocks on I/O while
 * holding any of them: sockets are non-blocking and every send under a lock
 * is MSG_DONTWAIT; the log is written by its own thread, and code that may
 * run under a lock logs with log_later(), flushed where no lock is held. */
#ifndef PARLEY_GLOBAL_H
#define PARLEY_GLOBAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "config.h"

/* Log lines per 10 s for each connection event (registered, closed ...): a
 * classroom arriving at once is logged whole, a reconnect loop is not. */
#define LOG_CONNECTION_BURST 100

/* What SIGHUP may change while workers run (see above): stored by the
 * acceptor only, loaded relaxed with LIVE(). */
struct live {
	atomic_int max_clients;       /* after the descriptor clamp (server.c) */
	atomic_int max_per_ip;
	atomic_int max_channels;
	atomic_int max_channels_per_user;
	atomic_int announce_max;
	atomic_bool flood;
	_Atomic double flood_rate;    /* each worker follows a change at its next lines */
	_Atomic double flood_burst;
	atomic_size_t sendq;
	atomic_int history;           /* lines per join; ring size of rooms made after */
	atomic_int reg_timeout;
	atomic_int ping_interval;
};

#define LIVE(field) atomic_load_explicit(&g_server.live.field, memory_order_relaxed)

struct server {
	struct config cfg;            /* constant after start-up; live values in .live */
	struct live live;
	long long started_unix_ms;
	char created_text[64];        /* for 003 */
	atomic_bool shutting_down;
	atomic_ullong next_stamp;     /* broadcast ids, see deliver.h */
	atomic_ulong next_session_id;
	atomic_ullong sendq_kills;    /* connections dropped for SendQ exceeded */
	atomic_int sessions_alive;    /* workers started and not yet joined (listener.c) */
};

extern struct server g_server;

/* Stores cfg's live-changeable values (not the MOTD) into g_server.live and
 * the password; the acceptor at start-up and on SIGHUP, tests at set-up. */
void global_live_set(const struct config *cfg);

/* True when a connection password is set. */
bool global_password_required(void);

/* True when given is the connection password (false when none is set). */
bool global_password_matches(const char *given);

#endif
