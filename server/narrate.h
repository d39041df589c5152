/* narrate: the --trace lines about a connection's traffic and its end, for
 * the classroom (docs/classroom.md). Only counts, fds and states are printed,
 * never what a peer sent. Callers test g_server.cfg.trace / trace_io first,
 * so the normal path pays one predictable branch. */
#ifndef PARLEY_NARRATE_H
#define PARLEY_NARRATE_H

#include <stdbool.h>
#include <stddef.h>

struct session;

/* --trace=io: the worker of s read n bytes (data) from its socket. */
void narrate_read(const struct session *s, const char *data, size_t n);

#define NARRATE_FANOUT_FDS 4 /* fds named in a fan-out line; more become "..." */

/* One line's fan-out, gathered under the room's lock, told after it. */
struct narrate_fanout {
	size_t count;
	int fds[NARRATE_FANOUT_FDS];
};

/* Counts one more socket the line was queued to. */
static inline void narrate_fanout_add(struct narrate_fanout *f, int fd)
{
	if (f->count < NARRATE_FANOUT_FDS)
		f->fds[f->count] = fd;
	f->count++;
}

/* --trace=io: how many sockets s's line was queued to. Call with no lock held. */
void narrate_fanout(const struct session *s, const struct narrate_fanout *f);

/* How a connection ends, as the worker sees it. */
enum narrate_close {
	NARRATE_CLIENT_FIRST, /* we read EOF: the client's FIN came first */
	NARRATE_FAILED,       /* a read or write failed (often an RST): no FIN dance */
	NARRATE_SERVER_FIRST, /* QUIT, timeout, kick, shutdown: we send FIN first */
};

/* --trace: who closed first, and the states `ss` shows meanwhile. */
void narrate_close_start(const struct session *s, enum narrate_close how);

/* --trace: after our FIN, whether the client closed too (our side then keeps
 * TIME-WAIT) or was reset when its time was up. */
void narrate_linger_end(const struct session *s, bool client_closed);

#endif
