/* flushq: connections whose outbound queues wait to be written, and the
 * turns threads take writing them.
 *
 * A sender that queued a message for a room's members does not write to all
 * of them itself. The recipients whose queues went from empty to non-empty
 * go into a shared FIFO as one batch (flushq_add), and the sender then writes
 * a turn of them (flushq_take_turn) unless --writers threads already are. A
 * turn writes at most FLUSHQ_TURN queues, so a writer soon goes back to its
 * own connection. While the writers are busy, later messages pile up in
 * queues that are still waiting in the FIFO, so each write carries all of
 * them: the busier the server, the fewer sends per message, and at low load
 * a message is still written at once by its sender.
 *
 * There are two FIFOs, two lanes: batches of at most FLUSHQ_PROMPT_MAX
 * queues (a line in a room of a few dozen, a private message) go into the
 * prompt lane, bigger ones (a JOIN into a room of thousands) into the bulk
 * lane, and a writer takes from the prompt lane first, between any two
 * chunks of its turn. So a message to a few people never waits behind the
 * thousands of queues a join storm has just woken; the bulk lane is written
 * whenever the prompt lane is empty, so it cannot starve while writers keep
 * up with small batches. The writers are the same for both lanes: a second
 * writer would cost every message at saturation (fewer lines per send).
 * Which lane a queue waits in never changes what it holds or in what order.
 *
 * Nobody may leave work behind unattended: a thread that ends a turn while
 * work is waiting and no writer is active must come back soon. A worker does
 * (it polls without blocking while flushq_wants_help()); a worker that exits
 * wakes the acceptor to join it, and the acceptor takes turns the same way.
 *
 * Every entry holds a session reference, dropped once its queue was written.
 * Lock order: flushq's lock is a leaf, taken with no other lock held. */
#ifndef PARLEY_FLUSHQ_H
#define PARLEY_FLUSHQ_H

#include <stdbool.h>
#include <stddef.h>

struct session;

/* How many queues one turn writes. */
#define FLUSHQ_TURN 512

/* Batches of at most this many queues go into the prompt lane. */
#define FLUSHQ_PROMPT_MAX 64

/* writers: how many threads may take turns at once (--writers). One is the
 * most efficient per message and, on a small machine, the fastest: one
 * thread writes while the others read, parse and queue. */
void flushq_init(int writers);

/* Appends n sessions (their references move into the FIFO). */
void flushq_add(struct session *const *sessions, size_t n);

/* Writes up to FLUSHQ_TURN waiting queues if a writer slot is free. */
void flushq_take_turn(void);

/* True when queues are waiting and fewer than the allowed writers are
 * writing: the caller should take a turn soon. */
bool flushq_wants_help(void);

/* At shutdown, after every worker was joined: drops what is left. */
void flushq_free(void);

#endif
