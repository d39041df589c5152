/* plain_oper: the operator commands for plain (nc/telnet) users, in
 * sentences: /oper NAME PASSWORD, /kill NICK [REASON],
 * /kline [DURATION] MASK [REASON], /unkline MASK. The work is the chat
 * core's (chat.h, "operators"), as for IRC's OPER, KILL, KLINE, UNKLINE. */
#ifndef PARLEY_PLAIN_OPER_H
#define PARLEY_PLAIN_OPER_H

struct session;

void plain_oper(struct session *s, char *args);
void plain_kill(struct session *s, char *args);
void plain_kline(struct session *s, char *args);
void plain_unkline(struct session *s, char *args);

#endif
