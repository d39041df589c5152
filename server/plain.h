/* plain: the plain-text front-end, for nc and telnet users.
 *
 * A plain user types a nickname (and the password, if the server has one),
 * reads the MOTD, lands in the default room, and from then on every line is
 * a message to their current room or a /command (plain_cmd.h). Everything
 * they read is a sentence for a person: events rendered by plain_render.h,
 * server lines "*** ..." from plain_say(), refusals from plain_refuse()
 * (plain_user.h).
 * Nothing IRC-shaped reaches them, and nothing here builds IRC messages:
 * commands call the chat core (chat.h, chat_query.h) and tell its result.
 *
 * Every function is called by the session's worker thread unless it says
 * otherwise. */
#ifndef PARLEY_PLAIN_H
#define PARLEY_PLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "chat.h"
#include "ircname.h"

struct session;

/* Handles one input line (already length- and UTF-8-checked) of a plain user. */
void plain_handle_line(struct session *s, char *line);

#endif
