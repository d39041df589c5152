/* irc_reply: how the IRC front-end says things to its own client —
 * numerics, server lines, and the numeric for each chat-core refusal. Shared
 * by irc.c and the irc_*.c modules; every function only queues on the
 * client's own queue. */
#ifndef PARLEY_IRC_REPLY_H
#define PARLEY_IRC_REPLY_H

#include <stdbool.h>

#include "chat.h"

struct session;

/* Sends ":server NUMERIC target params..." to s; params end with NULL. */
void reply(struct session *s, const char *numeric, ...) __attribute__((sentinel));

/* Sends "[:source] COMMAND params..." to s; params end with NULL. */
void send_self(struct session *s, const char *source, const char *command, ...)
	__attribute__((sentinel));

/* The same with a tag section (without '@'), or NULL for none. */
void send_self_tagged(struct session *s, const char *tags, const char *source,
		      const char *command, ...) __attribute__((sentinel));

/* Sends a NOTICE from the server to s. */
void notice_self(struct session *s, const char *text);


/* Is a target parameter empty, or only commas (a list naming nothing)? */
bool param_blank(const char *p);

/* Tells s why a chat operation on channel and/or nick was refused, with
 * the numeric the IRC documents give it. */
void irc_refuse(struct session *s, enum chat_result r, const char *channel,
		const char *nick);

#endif
