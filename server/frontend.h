/* frontend: the two front-ends seen from the worker — what it asks of one,
 * whichever it is (a note, an over-long line, the goodbye, PING). How a line
 * reaches one is intake.h. A front-end (irc.c and its irc_*.c modules;
 * plain.c) turns its users' lines into chat operations, and chat events and
 * results into what its users read. The chat core knows no front-end: what
 * a joiner gets comes as a callback to chat_join (chat.h). */
#ifndef PARLEY_FRONTEND_H
#define PARLEY_FRONTEND_H

#include <stddef.h>

struct session;

/* The line being received was longer than allowed; its rest is dropped. */
void frontend_line_too_long(struct session *s);

/* Queues the last line s gets before the server closes the connection. */
void frontend_goodbye(struct session *s, const char *text);

struct frontend {
	/* Tells s something from the server (a refused line, a note). */
	void (*notice)(struct session *s, const char *text);
	/* Tells s its line was refused as not UTF-8, with text (IRC: the
	 * standard reply FAIL <command> INVALID_UTF8, as UTF8ONLY asks). */
	void (*invalid_utf8)(struct session *s, const char *line, size_t len, const char *text);
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
