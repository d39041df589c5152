/* irc_monitor: the IRC command MONITOR (IRCv3 monitor): + and - edit the
 * connection's list, C clears it, L lists it (732, 733), S tells the state
 * of every nick on it (730, 731). The index and the notifications when a
 * watched nick comes and goes are monitor.h's. */
#ifndef PARLEY_IRC_MONITOR_H
#define PARLEY_IRC_MONITOR_H

struct session;
struct ircmsg;

/* MONITOR +|- nick[,nick...] | C | L | S. */
void cmd_monitor(struct session *s, struct ircmsg *m);

#endif
