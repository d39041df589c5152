/* irc: the IRC front-end — an IRC client's lines parsed and dispatched
 * through the command table, registration and CAP, messages, AWAY, QUIT;
 * the chat core's results told as numerics. The commands about rooms are in
 * irc_channel.c, MODE in irc_mode.c, the queries in irc_query.c.
 *
 * Everything here runs on the session's worker thread and only queues (on
 * the session's own queue, or others' through the chat core); the worker
 * writes after each batch of lines. */
#ifndef PARLEY_IRC_H
#define PARLEY_IRC_H

#include <stdbool.h>
#include <stddef.h>

#include "chat.h"
#include "ircmsg.h"

struct session;
struct channel;

/* One line from an IRC client (checked by frontend.c: no NUL, valid UTF-8,
 * within the length limit). */
void irc_line(struct session *s, char *line);

/* Is word (len bytes) a command in the table (exact, upper case)? */
bool irc_is_command(const char *word, size_t len);

/* --- helpers shared by the IRC modules --- */

/* Sends ":server NUMERIC target params..." to s; params end with NULL. */
void reply(struct session *s, const char *numeric, ...) __attribute__((sentinel));

/* Sends "[:source] COMMAND params..." to s; params end with NULL. */
void send_self(struct session *s, const char *source, const char *command, ...)
	__attribute__((sentinel));

/* Sends a NOTICE from the server to s. */
void notice_self(struct session *s, const char *text);

/* A client's word echoed back in a reply (a nick, a channel name, a mask)
 * may be empty, hold spaces or start with ':' when it came as a trailing
 * parameter; none of those can be written as a middle parameter, so such a
 * word is shown as "*" and the reply still goes out. Returns p or "*". */
const char *param_printable(const char *p);

/* Is a target parameter empty, or only commas (a list naming nothing)? */
bool param_blank(const char *p);

/* Tells s why a chat operation on channel and/or nick was refused, with
 * the numeric the IRC documents give it. */
void irc_refuse(struct session *s, enum chat_result r, const char *channel,
		const char *nick);

#endif
