/* worker: the thread that serves one session, from the greeting to the
 * goodbye. Started by the acceptor; it owns the session's connection and is
 * the only thread that reads it. */
#ifndef PARLEY_WORKER_H
#define PARLEY_WORKER_H

#include <signal.h>

struct session;

/* Called on the worker thread as its very last act, after the connection
 * was closed and the session left the server's state: the starter may now
 * join s->q_worker (pthread_join returns at once or soon) and drop its
 * reference. Must not block. */
typedef void session_finished_fn(struct session *s, void *arg);

/* Starts the worker thread, which calls finished(s, arg) when it ends.
 * Returns 0, or -1 with errno set (then finished is never called). */
int session_start(struct session *s, session_finished_fn *finished, void *arg);

/* --iterative: serves s on the calling thread (the acceptor's), from the
 * greeting until it leaves or the server stops; no thread is started. */
void session_serve_here(struct session *s);

/* Installs the (empty) handler of the wake signal (SESSION_WAKE_SIGNAL,
 * session.h). blocked is the mask every thread runs with
 * (the caller has set it, the wake signal included); workers wait with the
 * same mask less the wake signal. */
void session_signals_init(const sigset_t *blocked);
/* With --iterative it also lets SIGINT and SIGTERM end a wait (the main
 * thread serves then, and marks the server as stopping). */

#endif
