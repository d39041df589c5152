/* irc_mode: the IRC MODE command — user modes (+i) here, channel modes
 * parsed here and applied by the chat core (chat_mode.c). */
#ifndef PARLEY_IRC_MODE_H
#define PARLEY_IRC_MODE_H

struct session;
struct ircmsg;

void cmd_mode(struct session *s, struct ircmsg *m);

#endif
