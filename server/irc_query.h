/* irc_query: the welcome burst and the IRC commands that only ask —
 * LUSERS, MOTD, WHO (and WHOX), WHOIS, WHOWAS, USERHOST, ISON, VERSION, TIME,
 * INFO, LINKS, ADMIN. TIME, VERSION, MOTD, INFO and ADMIN take an optional
 * server (a name or mask matching ours, or an online nick); another is 402. */
#ifndef PARLEY_IRC_QUERY_H
#define PARLEY_IRC_QUERY_H

struct session;
struct ircmsg;

/* Sends the welcome burst (001-005, LUSERS, MOTD). */
void welcome_send(struct session *s);

void cmd_who(struct session *s, struct ircmsg *m);
void cmd_whois(struct session *s, struct ircmsg *m);
/* WHOWAS nick[,nick] [count]: 314 and 312 per kept entry, newest first
 * (at most count when it is positive), or 406; 369 per nick. */
void cmd_whowas(struct session *s, struct ircmsg *m);
void cmd_lusers(struct session *s, struct ircmsg *m);
void cmd_motd(struct session *s, struct ircmsg *m);
void cmd_userhost(struct session *s, struct ircmsg *m);
void cmd_ison(struct session *s, struct ircmsg *m);
void cmd_version(struct session *s, struct ircmsg *m);
void cmd_time(struct session *s, struct ircmsg *m);
/* INFO: 371 lines about the server, then 374. */
void cmd_info(struct session *s, struct ircmsg *m);
/* ADMIN [server]: 256, 257 (this server and its software), 258 (when it
 * started); no 259, as no contact address is configured. */
void cmd_admin(struct session *s, struct ircmsg *m);
/* LINKS: 364 for our one server (hop count 0), then 365. */
void cmd_links(struct session *s, struct ircmsg *m);

#endif
