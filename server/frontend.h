/* frontend: what the chat core (chat.h) asks of a front-end.
 *
 * A front-end (irc.c and its irc_*.c modules; plain.c) turns its users'
 * lines into chat operations and chat events and results into what its
 * users read. The core calls back into it at one point only, through this
 * table: what a joiner gets right after its JOIN, which must be queued
 * under the room's lock to keep its place in the room's order. */
#ifndef PARLEY_FRONTEND_H
#define PARLEY_FRONTEND_H

struct session;
struct channel;

struct frontend {
	/* Queues what s gets after joining ch (topic and names, or a plain
	 * welcome; then the history). ch->lock held: queue or add reply jobs
	 * (reply.h) only; the caller pumps them after the join. */
	void (*joined_locked)(struct session *s, struct channel *ch);
};

extern const struct frontend irc_frontend;
extern const struct frontend plain_frontend;

/* The front-end serving s (by its kind; IRC until it is decided). */
const struct frontend *frontend_of(const struct session *s);

#endif
