/* intake: how a connection's lines reach a front-end. The worker hands
 * every framed line to intake_line(), which checks what every line must pass
 * (no NUL, valid UTF-8, no control characters but IRC formatting, the length
 * limits), decides on the first line whether the peer speaks IRC or plain
 * text (an IRC client opens with CAP, PASS, NICK or USER, or another IRC
 * command in capitals; anything else is a person typing a nickname), and
 * passes the line to that front-end (irc.h, plain.h). */
#ifndef PARLEY_INTAKE_H
#define PARLEY_INTAKE_H

#include <stddef.h>

struct session;

/* The first line every connection gets: a NOTICE a person can read too. */
void intake_greet(struct session *s);

/* One framed input line (without CR LF; may hold NULs: len is the truth). */
void intake_line(struct session *s, char *line, size_t len);

#endif
