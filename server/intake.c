/* intake: see intake.h. */
#include "intake.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frontend.h"
#include "global.h"
#include "irc.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "plain.h"
#include "session.h"
#include "textsafe.h"
#include "transport.h"
#include "utf8.h"

void intake_greet(struct session *s)
{
	send_self(s, g_server.cfg.name, "NOTICE", "*",
		  "*** Welcome to parley! Type a nickname and press Enter "
		  "(IRC clients: register as usual).",
		  NULL);
}

/* Checks a whole input line; on refusal tells s why and returns false. */
static bool line_acceptable(struct session *s, const char *line, size_t len)
{
	const char *why = NULL;
	if (memchr(line, '\0', len)) {
		why = "it contains a NUL byte";
	} else if (!utf8_valid(line, len)) {
		frontend_of(s)->invalid_utf8(s, line, len,
					     "Line refused: it is not valid UTF-8; nothing was sent.");
		return false;
	} else {
		why = textsafe_message_check(line, len); /* C0 but formatting, DEL, C1 */
	}
	if (!why) {
		/* Tags have their own budget (IRCv3 message-tags: at most
		 * IRC_CLIENT_TAGS_MAX bytes between '@' and the space, else
		 * 417); the rest is a classic line. */
		const char *body = line;
		if (line[0] == '@') {
			/* A tag section without a command is malformed, not long:
			 * ircmsg_parse says so below. */
			const char *space = memchr(line, ' ', len);
			size_t tags_len = space ? (size_t)(space - line) : len;
			if (tags_len - 1 > IRC_CLIENT_TAGS_MAX)
				body = NULL;
			else
				body = space ? space + 1 : line + len;
		}
		if (!body || (size_t)(line + len - body) > IRC_LINE_MAX - 2) {
			frontend_line_too_long(s);
			return false;
		}
		return true;
	}
	char text[128];
	snprintf(text, sizeof text, "Line refused: %s; nothing was sent.", why);
	frontend_of(s)->notice(s, text);
	return false;
}

/* Decides on the first line whether the peer speaks IRC or plain text. An IRC
 * client opens with CAP, PASS, NICK or USER (any case), or with another IRC
 * command written in capitals (which then gets 451); anything else is a
 * person typing a nickname. */
static void decide_kind(struct session *s, const char *line)
{
	static const char *const irc_openers[] = {"CAP", "PASS", "NICK", "USER"};
	size_t word = strcspn(line, " ");
	for (size_t i = 0; i < sizeof irc_openers / sizeof *irc_openers; i++)
		if (word == strlen(irc_openers[i]) && strncasecmp(line, irc_openers[i], word) == 0) {
			s->kind = SESSION_IRC;
			return;
		}
	if (irc_is_command(line, word)) {
		s->kind = SESSION_IRC;
		return;
	}
	s->kind = SESSION_PLAIN;
	/* Plain users cannot answer PING: let the transport notice a vanished peer. */
	if (transport_keepalive(&s->t, LIVE(ping_interval)) < 0)
		log_limited(LOG_WARN, LOG_LIMIT_BURST, "session %lu: cannot enable TCP keepalive",
			    s->id);
}

void intake_line(struct session *s, char *line, size_t len)
{
	if (!line_acceptable(s, line, len))
		return;
	if (s->kind == SESSION_UNDECIDED)
		decide_kind(s, line);
	if (s->kind == SESSION_PLAIN)
		plain_handle_line(s, line);
	else
		irc_line(s, line);
}
