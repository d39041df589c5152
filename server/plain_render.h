/* plain_render: chat events as plain-text users read them ("12:04 <alice>
 * hi"), one line with CR LF each.
 *
 * Pure functions of their arguments: no session, no lock, no I/O (times are
 * shown in the server's local time). The delivery layer renders each event
 * once per way plain users read it and shares the line among them
 * (deliver.h): a room message reads "12:04 <bob> hi" to those whose current
 * room it is and "12:04 [#games] <bob> hi" to the others; a kicked user gets
 * a line of its own. Peer text is stripped of IRC formatting codes, control
 * and bidi characters. */
#ifndef PARLEY_PLAIN_RENDER_H
#define PARLEY_PLAIN_RENDER_H

#include <stdbool.h>
#include <stddef.h>

struct outmsg;

/* Is m a message to a room, shown with the room's name to plain users
 * whose current room is another? (Other events name their room anyway.) */
bool plain_render_names_room(const struct outmsg *m);

/* Renders m into buf; with_room puts "[#room] " before a room message.
 * Returns the length, or -1 when plain users are not shown such events. */
int plain_render(const struct outmsg *m, bool with_room, char *buf, size_t cap);

/* The line a plain user kicked by m (a KICK) reads: "you were kicked from
 * #room by nick (reason); you are now in #other" when it moved (moved) to
 * now_in, "...; you are still in #other" when its current room was another,
 * "...; you are in no room now; ..." when now_in is "". Returns the length
 * or -1. */
int plain_render_kicked(const struct outmsg *m, const char *now_in, bool moved, char *buf,
			size_t cap);

/* Renders a history line "[history] HH:MM <nick> text". Returns length or -1. */
int plain_render_history(long long unix_ms, const char *source, const char *command,
			 const char *text, char *buf, size_t cap);

#endif
