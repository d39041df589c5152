/* plain_cmd: what a plain user's lines do once they are in — the /commands
 * (one table: name, usage, what /help says, handler) and lines sent to the
 * current room.
 *
 * Each command calls the chat core (chat.h) or reads it (chat_query.h) and
 * tells the result as sentences (plain.h). Lists a plain user asks for are
 * bounded, since a terminal cannot page: /list shows the PLAIN_LIST_MAX
 * biggest rooms and /names the first PLAIN_NAMES_MAX members, each saying
 * how many more there are. Called by the session's worker thread only. */
#ifndef PARLEY_PLAIN_CMD_H
#define PARLEY_PLAIN_CMD_H

struct session;

/* Rooms /list shows (the biggest), and members /names shows (the first). */

/* Runs a /command line (without its '/'). */
void plain_command(struct session *s, char *line);

/* Sends text to s's current room, or says why it cannot. */
void plain_cmd_to_room(struct session *s, const char *text);

#endif
