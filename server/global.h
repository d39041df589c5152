/* global: the server-wide state every layer reads — the configuration
 * (constant after start-up) and a few counters — and the lock order.
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
 *
 * The last four are leaves (nothing is taken while holding one), as are
 * the acceptor's session-list lock (listener.c), flushq's lock and the leaves inside other modules
 * (motd.c's, and log.c's ring and limit locks, held for a copy). Several channel locks are held at
 * once only in increasing channel id (channels_lock_all: NICK, QUIT). The
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

struct server {
	struct config cfg;            /* constant after start-up */
	long long started_unix_ms;
	char created_text[64];        /* for 003 */
	atomic_bool shutting_down;
	atomic_ullong next_stamp;     /* broadcast ids, see deliver.h */
	atomic_ulong next_session_id;
	atomic_ullong sendq_kills;    /* connections dropped for SendQ exceeded */
	atomic_int sessions_alive;    /* workers started and not yet joined (listener.c) */
};

extern struct server g_server;

#endif
