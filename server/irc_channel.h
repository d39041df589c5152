/* irc_channel: the IRC commands about rooms — JOIN, PART, TOPIC, NAMES, LIST,
 * KICK, INVITE — on top of the chat core (chat.h). Called by irc.c's command
 * table on the session's worker thread. */
#ifndef PARLEY_IRC_CHANNEL_H
#define PARLEY_IRC_CHANNEL_H

struct session;
struct channel;
struct ircmsg;

void cmd_join(struct session *s, struct ircmsg *m);
void cmd_part(struct session *s, struct ircmsg *m);
void cmd_topic(struct session *s, struct ircmsg *m);
void cmd_names(struct session *s, struct ircmsg *m);
void cmd_list(struct session *s, struct ircmsg *m);
void cmd_kick(struct session *s, struct ircmsg *m);
void cmd_invite(struct session *s, struct ircmsg *m);

/* What an IRC joiner gets (frontend.h): topic, NAMES, history. */
void irc_joined_locked(struct session *s, struct channel *ch);

#endif
