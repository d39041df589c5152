/* plain: the plain-text mode for nc/telnet users.
 *
 * A plain user types a nickname, lands in the default room, and every line
 * after that is a message to the room or a /command. What plain users receive
 * is rendered as human text ("12:04 <alice> hi") from the same IRC messages
 * IRC users get. */
#ifndef PARLEY_PLAIN_H
#define PARLEY_PLAIN_H

#include <stddef.h>

struct session;
struct outmsg;

/* Handles one input line (already length- and UTF-8-checked) of a plain user. */
void plain_handle_line(struct session *s, char *line);

/* Renders m as a human-readable line with CR LF for a plain recipient.
 * Returns the length, or -1 when plain users are not shown such messages. */
int plain_render(const struct outmsg *m, char *buf, size_t cap);

/* Renders a history line "[history] HH:MM <nick> text". Returns length or -1. */
int plain_render_history(long long unix_ms, const char *source, const char *command,
			 const char *text, char *buf, size_t cap);

/* Sends a server line "*** text" to a plain user. */
void plain_say(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
