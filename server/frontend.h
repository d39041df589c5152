/* frontend: the two front-ends seen from below — what the chat core
 * (chat.h) and the worker ask of one, whichever it is. (How a line reaches
 * one is intake.h.) A front-end (irc.c and its irc_*.c modules; plain.c) turns its users'
 * lines into chat operations and chat events and results into what its
 * users read. The core calls back into it at one point only, through this
 * table: what a joiner gets right after its JOIN, which must be queued
 * under the room's lock to keep its place in the room's order. */
#ifndef PARLEY_FRONTEND_H
#define PARLEY_FRONTEND_H

#include <stddef.h>

struct session;
struct channel;

/* The line being received was longer than allowed; its rest is dropped. */
void frontend_line_too_long(struct session *s);

/* Queues the last line s gets before the server closes the connection. */
void frontend_goodbye(struct session *s, const char *text);

struct frontend {
	/* Queues what s gets after joining ch (topic and names, or a plain
	 * welcome; then the history). ch->lock held: queue or add reply jobs
	 * (reply.h) only; the caller pumps them after the join. */
	void (*joined_locked)(struct session *s, struct channel *ch);
	/* Tells s something from the server (a refused line, a note). */
	void (*notice)(struct session *s, const char *text);
	/* Tells s its line was longer than allowed (IRC: 417). */
	void (*line_too_long)(struct session *s);
	/* The last line s gets before the server closes (IRC: ERROR). */
	void (*goodbye)(struct session *s, const char *text);
	/* Asks an idle peer to answer (IRC: PING; the worker then waits for any
	 * line). NULL when the protocol has no such thing (plain: the transport's
	 * keepalive watches those peers instead). */
	void (*ping)(struct session *s);
};

extern const struct frontend irc_frontend;
extern const struct frontend plain_frontend;

/* The front-end serving s (by its kind; IRC until it is decided). */
const struct frontend *frontend_of(const struct session *s);

#endif
