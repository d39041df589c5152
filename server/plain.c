/* plain: see plain.h. */
#include "plain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "deliver.h"
#include "frontend.h"
#include "global.h"
#include "ircmsg.h"
#include "log.h"
#include "nickown.h"
#include "motd.h"
#include "plain_account.h"
#include "plain_cmd.h"
#include "plain_user.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "textsafe.h"

#define PLAIN_MOTD_LINE_MAX 400 /* bytes of one MOTD line shown (as IRC's 372) */

/* --- joining --- */


/* A note from the server, or its last line before it closes, as a sentence
 * (frontend.h). */
static void plain_notice(struct session *s, const char *text)
{
	plain_say(s, "%s", text);
}

/* An over-long line (frontend.h). */
static void plain_line_too_long(struct session *s)
{
	plain_say(s, "Error: that line was too long (at most %d bytes); it was not sent.",
		  IRC_LINE_MAX - 2);
}

/* A line that is not UTF-8: the note alone (frontend.h). */
static void plain_invalid_utf8(struct session *s, const char *line, size_t len, const char *text)
{
	(void)line;
	(void)len;
	plain_notice(s, text);
}

const struct frontend plain_frontend = {
	.notice = plain_notice,
	.invalid_utf8 = plain_invalid_utf8,
	.line_too_long = plain_line_too_long,
	.goodbye = plain_notice,
};

/* --- logging in --- */

/* The message of the day, if the server has one. */
static void plain_motd(struct session *s)
{
	struct motd *current = motd_acquire(); /* SIGHUP may replace it meanwhile */
	if (!current)
		return;
	plain_say(s, "Message of the day:");
	const char *p = motd_text(current), *line;
	size_t len;
	while (motd_line_next(&p, &line, &len))
		plain_say(s, "  %.*s", (int)(len > PLAIN_MOTD_LINE_MAX ? PLAIN_MOTD_LINE_MAX : len),
			  line);
	motd_release(current);
}

/* Finishes the nickname (and password) steps: the user is in. */
static void plain_enter(struct session *s)
{
	char ban[KLINE_REASON_MAX + 1];
	if (chat_registration_banned(s, ban)) {
		plain_say(s, "You are banned from this server: %s", ban);
		return;
	}
	chat_registered(s);
	s->plain_step = PLAIN_CHAT;
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_INFO, LOG_CONNECTION_BURST, "session %lu joined in plain mode as %s (%s)",
		    s->id, s->nick, remote);
	plain_say(s, "Hello %s! Type a message and press Enter to send it to the room; "
		     "/help lists commands.", s->nick);
	plain_motd(s);
	nickown_check(s);
	enum chat_result r = chat_join(s, g_server.cfg.default_room, NULL, plain_joined_locked);
	if (r == CHAT_OK) {
		reply_pump(s);
		return;
	}
	plain_refuse(s, r, g_server.cfg.default_room, NULL);
	plain_say(s, "You are in no room; type /join #room to enter one.");
}

static void plain_after_nick(struct session *s);

/* The first step: the line is the wanted nickname. */
static void plain_choose_nick(struct session *s, char *line)
{
	line += strspn(line, " ");
	size_t len = strlen(line);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	if (strchr(line, ' ')) {
		plain_say(s, "A nickname is one word (like alice or bob_2). Try again:");
		return;
	}
	if (!ircname_nick_valid(line)) {
		plain_say(s, "'%s' cannot be a nickname: use letters, digits and []\\`_^{|}- "
			     "(at most %d, not starting with a digit or -). Try another:",
			  line, NICK_LEN_MAX);
		return;
	}
	registry_wrlock();
	int taken = registry_set_nick(s, line);
	registry_unlock();
	if (taken < 0) {
		plain_say(s, "The nickname %s is taken. Type another:", line);
		return;
	}
	size_t n = strlen(s->nick) < USER_LEN_MAX ? strlen(s->nick) : USER_LEN_MAX;
	memcpy(s->user, s->nick, n);
	s->user[n] = '\0';
	session_set_realname(s, "plain-text user");
	if (plain_account_prompt(s))
		return;
	plain_after_nick(s);
}

/* After the nick (and its account's password): the server's password, if
 * it has one, then in. */
static void plain_after_nick(struct session *s)
{
	if (global_password_required()) {
		s->plain_step = PLAIN_ASK_PASSWORD;
		plain_say(s, "This server needs a password. Type it and press Enter:");
		return;
	}
	plain_enter(s);
}

void plain_handle_line(struct session *s, char *line)
{
	switch (s->plain_step) {
	case PLAIN_ASK_NICK:
		plain_choose_nick(s, line);
		return;
	case PLAIN_ASK_ACCOUNT:
		if (plain_account_prompt_answer(s, line))
			plain_after_nick(s);
		return;
	case PLAIN_ASK_PASSWORD:
		if (!global_password_matches(line)) {
			plain_say(s, "Wrong password.");
			session_quit(s, "Bad password");
			return;
		}
		plain_enter(s);
		return;
	case PLAIN_CHAT:
		break;
	}
	if (line[0] == '/' && line[1] != '/')
		plain_command(s, line + 1);
	else
		plain_cmd_to_room(s, line[0] == '/' ? line + 1 : line);
}
