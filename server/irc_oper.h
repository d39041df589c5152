/* irc_oper: the IRC operator commands — OPER (381/464/491, throttled per
 * connection), KILL and WALLOPS (481 unless +o) — and the user-mode string
 * MODE nick and 221 show (+i, +o, +w). */
#ifndef PARLEY_IRC_OPER_H
#define PARLEY_IRC_OPER_H

#include <stddef.h>

struct session;
struct ircmsg;

/* Failed OPER attempts a connection may make per minute; past them, OPER
 * is answered without hashing the password (and never succeeds). */
#define OPER_TRIES_PER_MINUTE 3

void cmd_oper(struct session *s, struct ircmsg *m);
void cmd_kill(struct session *s, struct ircmsg *m);
void cmd_wallops(struct session *s, struct ircmsg *m);

/* s's user modes as "+iow" (just "+" for none) into buf (at least 8 bytes). */
void irc_user_modes(const struct session *s, char *buf, size_t cap);

#endif
