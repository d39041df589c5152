/* irc_oper: the IRC operator commands — OPER (381/464/491, throttled per
 * connection), KILL, WALLOPS, KLINE, UNKLINE and STATS k (481 unless +o) — and the user-mode string
 * MODE nick and 221 show (+i, +o, +w). */
#ifndef PARLEY_IRC_OPER_H
#define PARLEY_IRC_OPER_H

#include <stddef.h>

struct session;
struct ircmsg;

void cmd_oper(struct session *s, struct ircmsg *m);
void cmd_kill(struct session *s, struct ircmsg *m);
void cmd_wallops(struct session *s, struct ircmsg *m);
void cmd_kline(struct session *s, struct ircmsg *m);
void cmd_unkline(struct session *s, struct ircmsg *m);
void cmd_stats(struct session *s, struct ircmsg *m);

/* s's user modes as "+iow" (just "+" for none) into buf (at least 8 bytes). */
void irc_user_modes(const struct session *s, char *buf, size_t cap);

#endif
