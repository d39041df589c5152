/* commands: what a session does with each line it receives.
 *
 * The entry points are called by the session's worker thread. The helpers
 * below are shared by the IRC command modules (commands.c, cmd_channel.c,
 * cmd_query.c) and plain mode; every one of them queues on the calling
 * session's own queue or fans out to others through deliver.h, and the
 * worker flushes after each batch of lines. */
#ifndef PARLEY_COMMANDS_H
#define PARLEY_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "chat.h"
#include "ircmsg.h"

struct session;
struct channel;

/* The first line every connection gets (a NOTICE a person can read too). */
void commands_greet(struct session *s);

/* One framed input line (without CR LF; may hold NULs: len is the truth). */
void commands_line(struct session *s, char *line, size_t len);

/* The line being received was longer than allowed; its rest is dropped. */
void commands_line_too_long(struct session *s);

/* --- helpers shared by the command modules --- */

/* Sends ":server NUMERIC target params..." to s; params end with NULL. */
void reply(struct session *s, const char *numeric, ...) __attribute__((sentinel));

/* Sends "[:source] COMMAND params..." to s; params end with NULL. */
void send_self(struct session *s, const char *source, const char *command, ...)
	__attribute__((sentinel));

/* Sends a NOTICE from the server to s (human-readable in plain mode too). */
void notice_self(struct session *s, const char *text);

/* A client's word echoed back in a reply (a nick, a channel name, a mask)
 * may be empty, hold spaces or start with ':' when it came as a trailing
 * parameter; none of those can be written as a middle parameter, so such a
 * word is shown as "*" and the reply still goes out. Returns p or "*". */
const char *param_printable(const char *p);

/* Is a target parameter empty, or only commas (a list naming nothing)? */
bool param_blank(const char *p);

/* Handlers: IRC commands in other modules. */
void cmd_join(struct session *s, struct ircmsg *m);
void cmd_part(struct session *s, struct ircmsg *m);
void cmd_topic(struct session *s, struct ircmsg *m);
void cmd_names(struct session *s, struct ircmsg *m);
void cmd_list(struct session *s, struct ircmsg *m);
void cmd_mode(struct session *s, struct ircmsg *m);
void cmd_kick(struct session *s, struct ircmsg *m);
void cmd_invite(struct session *s, struct ircmsg *m);
void cmd_who(struct session *s, struct ircmsg *m);
void cmd_whois(struct session *s, struct ircmsg *m);
void cmd_lusers(struct session *s, struct ircmsg *m);
void cmd_motd(struct session *s, struct ircmsg *m);
void cmd_userhost(struct session *s, struct ircmsg *m);
void cmd_ison(struct session *s, struct ircmsg *m);
void cmd_version(struct session *s, struct ircmsg *m);
void cmd_time(struct session *s, struct ircmsg *m);

/* Tells s why a chat operation on channel and/or nick was refused, with
 * the numeric the IRC documents give it. */
void irc_refuse(struct session *s, enum chat_result r, const char *channel,
		const char *nick);

/* What an IRC joiner gets (frontend.h): topic, NAMES, history. */
void irc_joined_locked(struct session *s, struct channel *ch);

/* Sends the welcome burst (001-005, LUSERS, MOTD). */
void welcome_send(struct session *s);

#endif
