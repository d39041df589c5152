/* irc_query: the welcome burst and the IRC commands that only ask —
 * LUSERS, MOTD, WHO, WHOIS, USERHOST, ISON, VERSION, TIME. */
#ifndef PARLEY_IRC_QUERY_H
#define PARLEY_IRC_QUERY_H

struct session;
struct ircmsg;

/* Sends the welcome burst (001-005, LUSERS, MOTD). */
void welcome_send(struct session *s);

void cmd_who(struct session *s, struct ircmsg *m);
void cmd_whois(struct session *s, struct ircmsg *m);
void cmd_lusers(struct session *s, struct ircmsg *m);
void cmd_motd(struct session *s, struct ircmsg *m);
void cmd_userhost(struct session *s, struct ircmsg *m);
void cmd_ison(struct session *s, struct ircmsg *m);
void cmd_version(struct session *s, struct ircmsg *m);
void cmd_time(struct session *s, struct ircmsg *m);

#endif
