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

struct session;

/* One line from an IRC client (checked by frontend.c: no NUL, valid UTF-8,
 * within the length limit). */
void irc_line(struct session *s, char *line);

/* Is word (len bytes) a command in the table (exact, upper case)? */
bool irc_is_command(const char *word, size_t len);

#endif
