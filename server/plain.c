/* plain: see plain.h. */
#include "plain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "channel.h"
#include "chat.h"
#include "commands.h"
#include "deliver.h"
#include "frontend.h"
#include "log.h"
#include "registry.h"
#include "reply.h"
#include "server.h"
#include "session.h"
#include "textsafe.h"

#define PLAIN_LINE_MAX 1024
#define PLAIN_NAMES_BUDGET 400 /* bytes of names in a welcome */

void plain_say(struct session *s, const char *fmt, ...)
{
	char text[PLAIN_LINE_MAX], line[PLAIN_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* The arguments may hold peer text (a topic, a refused name): no bidi
	 * or control character reaches the terminal. */
	memcpy(line, "*** ", 4);
	size_t len = 4 + textsafe_clean(text, strnlen(text, sizeof text), line + 4,
					sizeof line - 6, TEXTSAFE_DROP);
	memcpy(line + len, "\r\n", 2);
	deliver_queue_line(s, s, line, len + 2);
}

/* Copies text without IRC formatting codes (plain terminals show them as junk). */
static void strip_formatting(const char *text, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = text; *p && n + 1 < cap; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == 0x03) {
			/* colour: \3[fg[,bg]] with one or two digits each */
			for (int i = 0; i < 2 && p[1] >= '0' && p[1] <= '9'; i++)
				p++;
			if (p[1] == ',' && p[2] >= '0' && p[2] <= '9') {
				p += 2;
				if (p[1] >= '0' && p[1] <= '9')
					p++;
			}
			continue;
		}
		if (c < 0x20)
			continue;
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

/* The nick part of "nick!user@host" (or the whole source, for the server). */
static void source_nick(const char *source, char *out, size_t cap)
{
	size_t len = strcspn(source, "!");
	snprintf(out, cap, "%.*s", (int)len, source);
}

/* "HH:MM" of a Unix time in ms, in the server's local time. */
static void clock_text(long long unix_ms, char *out, size_t cap)
{
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;
	localtime_r(&secs, &tm);
	snprintf(out, cap, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* Renders a PRIVMSG/NOTICE body: "<nick> text", "* nick acts", "*nick* text". */
static int render_message(const char *nick, const char *command, const char *target,
			  const char *text, char *buf, size_t cap)
{
	char clean[PLAIN_LINE_MAX];
	bool action = strncmp(text, "\001ACTION ", 8) == 0;
	strip_formatting(action ? text + 8 : text, clean, sizeof clean);
	bool to_channel = target[0] == '#';
	if (action)
		return snprintf(buf, cap, "* %s %s", nick, clean);
	if (command[0] == 'N')
		return snprintf(buf, cap, "-%s- %s", nick, clean);
	if (to_channel)
		return snprintf(buf, cap, "<%s> %s", nick, clean);
	return snprintf(buf, cap, "*%s* %s", nick, clean);
}

/* Renders an event other than a message; -1 if plain users don't see it. */
static int render_event(const struct outmsg *m, const char *nick, char *buf, size_t cap)
{
	const char *cmd = m->command;
	const char *p0 = m->nparams > 0 ? m->params[0] : "";
	const char *p1 = m->nparams > 1 ? m->params[1] : "";
	char clean[PLAIN_LINE_MAX];
	if (strcmp(cmd, "JOIN") == 0)
		return snprintf(buf, cap, "-!- %s joined %s", nick, p0);
	if (strcmp(cmd, "PART") == 0) {
		strip_formatting(p1, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s left %s%s%s%s", nick, p0, *p1 ? " (" : "", clean,
				*p1 ? ")" : "");
	}
	if (strcmp(cmd, "QUIT") == 0) {
		strip_formatting(p0, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s quit (%s)", nick, clean);
	}
	if (strcmp(cmd, "NICK") == 0)
		return snprintf(buf, cap, "-!- %s is now known as %s", nick, p0);
	if (strcmp(cmd, "TOPIC") == 0) {
		strip_formatting(p1, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s changed the topic of %s to: %s", nick, p0, clean);
	}
	if (strcmp(cmd, "KICK") == 0) {
		const char *p2 = m->nparams > 2 ? m->params[2] : "";
		strip_formatting(p2, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s was kicked from %s by %s (%s)", p1, p0, nick,
				clean);
	}
	if (strcmp(cmd, "INVITE") == 0)
		return snprintf(buf, cap, "-!- %s invites you to %s (type /join %s)", nick, p1, p1);
	if (strcmp(cmd, "MODE") == 0) {
		char args[256] = "";
		size_t len = 0;
		for (int i = 2; i < m->nparams; i++) {
			int n = snprintf(args + len, sizeof args - len, " %s", m->params[i]);
			if (n < 0 || (size_t)n >= sizeof args - len)
				break;
			len += (size_t)n;
		}
		return snprintf(buf, cap, "-!- %s sets mode %s%s on %s", nick, p1, args, p0);
	}
	return -1;
}

/* Cleans a rendered body (bidi controls and any control go: the line is for
 * a terminal) and appends CR LF; returns the line length or -1. */
static int finish_line(int body_len, char *buf, size_t cap)
{
	if (body_len < 0)
		return -1;
	size_t len = (size_t)body_len < cap - 3 ? (size_t)body_len : cap - 3;
	char body[PLAIN_LINE_MAX];
	if (len >= sizeof body)
		len = sizeof body - 1;
	memcpy(body, buf, len);
	len = textsafe_clean(body, len, buf, cap - 2, TEXTSAFE_DROP);
	memcpy(buf + len, "\r\n", 3);
	return (int)len + 2;
}

int plain_render(const struct outmsg *m, char *buf, size_t cap)
{
	char nick[64], when[8];
	source_nick(m->source, nick, sizeof nick);
	clock_text(m->unix_ms, when, sizeof when);
	int prefix = snprintf(buf, cap, "%s ", when);
	int body;
	if ((strcmp(m->command, "PRIVMSG") == 0 || strcmp(m->command, "NOTICE") == 0) &&
	    m->nparams >= 2)
		body = render_message(nick, m->command, m->params[0], m->params[1], buf + prefix,
				      cap - (size_t)prefix);
	else
		body = render_event(m, nick, buf + prefix, cap - (size_t)prefix);
	if (body < 0)
		return -1;
	return finish_line(prefix + body, buf, cap);
}

int plain_render_history(long long unix_ms, const char *source, const char *command,
			 const char *text, char *buf, size_t cap)
{
	char nick[64], when[8];
	source_nick(source, nick, sizeof nick);
	clock_text(unix_ms, when, sizeof when);
	int prefix = snprintf(buf, cap, "[history] %s ", when);
	int body = render_message(nick, command, "#", text, buf + prefix, cap - (size_t)prefix);
	return finish_line(body < 0 ? -1 : prefix + body, buf, cap);
}

/* --- results told as sentences --- */

/* Tells a plain user why an operation on channel and/or nick was refused. */
static void plain_refuse(struct session *s, enum chat_result r, const char *channel,
			 const char *nick)
{
	const char *c = channel ? channel : "", *n = nick ? nick : "";
	switch (r) {
	case CHAT_OK:
	case CHAT_ALREADY_MEMBER:
		return;
	case CHAT_NO_SUCH_NICK:
		plain_say(s, "No one called %s is here.", n);
		return;
	case CHAT_NO_SUCH_CHANNEL:
		plain_say(s, "There is no room called %s.", c);
		return;
	case CHAT_BAD_CHANNEL_NAME:
		plain_say(s, "'%s' cannot be a room name: at most %d characters, no spaces, "
			     "commas or control characters.", c, CHANNEL_LEN_MAX);
		return;
	case CHAT_BAD_NICK:
		plain_say(s, "'%s' is not a valid nickname (letters, digits and []\\`_^{|}-, "
			     "at most %d, not starting with a digit or -).", n, NICK_LEN_MAX);
		return;
	case CHAT_NICK_IN_USE:
		plain_say(s, "The nickname %s is already in use.", n);
		return;
	case CHAT_TOO_MANY_CHANNELS:
		plain_say(s, "You are in too many rooms (at most %d); leave one first.",
			  g_server.cfg.max_channels_per_user);
		return;
	case CHAT_SERVER_CHANNELS_FULL:
		plain_say(s, "The server has too many rooms (at most %d) to make %s; join an "
			     "existing one.", g_server.cfg.max_channels, c);
		return;
	case CHAT_NOT_ON_CHANNEL:
		plain_say(s, "You are not in %s.", c);
		return;
	case CHAT_THEY_NOT_ON_CHANNEL:
		plain_say(s, "%s is not in %s.", n, c);
		return;
	case CHAT_ALREADY_ON_CHANNEL:
		plain_say(s, "%s is already in %s.", n, c);
		return;
	case CHAT_NOT_OP:
		plain_say(s, "Only the operators of %s can do that.", c);
		return;
	case CHAT_CANNOT_SEND_EXTERNAL:
		plain_say(s, "%s takes messages from its members only; nothing was sent.", c);
		return;
	case CHAT_CANNOT_SEND_BANNED:
		plain_say(s, "You are banned from %s; nothing was sent.", c);
		return;
	case CHAT_BANNED:
		plain_say(s, "You are banned from %s.", c);
		return;
	case CHAT_INVITE_ONLY:
		plain_say(s, "%s is invite-only: ask one of its operators for an invite.", c);
		return;
	case CHAT_BAD_KEY:
		plain_say(s, "%s needs a key: type /join %s KEY.", c, c);
		return;
	case CHAT_CHANNEL_FULL:
		plain_say(s, "%s is full.", c);
		return;
	case CHAT_UNKNOWN_MODE:
	case CHAT_BAD_MODE_ARG:
	case CHAT_BAN_LIST_FULL:
	case CHAT_TOO_MANY_MODES:
		plain_say(s, "%s: %s.", c, chat_result_text(r));
		return;
	}
}

/* Tells a plain joiner who is in the room; ch->lock held. */
static void plain_welcome_locked(struct session *s, struct channel *ch)
{
	char names[PLAIN_NAMES_BUDGET];
	size_t len = 0, shown = 0, others = ch->nmembers - 1;
	for (size_t i = 0; i < ch->nmembers && len < sizeof names - NICK_LEN_MAX - 8; i++) {
		if (ch->members[i].session == s)
			continue;
		int n = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
				 ch->members[i].nick);
		len += (size_t)n;
		shown++;
	}
	names[len] = '\0';
	if (others == 0)
		plain_say(s, "You are in %s. Nobody else is here yet.", ch->name);
	else
		plain_say(s, "You are in %s with %zu other%s: %s%s", ch->name, others,
			  others == 1 ? "" : "s", names, shown < others ? ", ..." : "");
	if (ch->topic)
		plain_say(s, "Topic: %s (set by %s)", ch->topic, ch->topic_setter);
}

/* What a plain joiner gets (frontend.h): who is there, the topic, history. */
static void plain_joined_locked(struct session *s, struct channel *ch)
{
	plain_welcome_locked(s, ch);
	reply_add_history(s, ch);
}

const struct frontend plain_frontend = {
	.joined_locked = plain_joined_locked,
};

/* Joins a room; the history streams from here (reply.h). */
static enum chat_result plain_join_room(struct session *s, const char *name)
{
	enum chat_result r = chat_join(s, name, NULL);
	if (r == CHAT_OK)
		reply_pump(s);
	else
		plain_refuse(s, r, name, NULL);
	return r;
}

/* --- input from plain users --- */

/* The name of s's current room into buf; false if it is in none. */
static bool current_room(struct session *s, char *buf, size_t cap)
{
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	if (n)
		snprintf(buf, cap, "%s", chs[0]->name);
	channels_release(chs, n);
	return n > 0;
}

/* Finishes the nickname (and password) steps: the user is in. */
static void plain_register(struct session *s)
{
	registry_wrlock();
	s->registered = true;
	registry_unlock();
	s->plain_step = PLAIN_CHAT;
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_INFO, LOG_CONNECTION_BURST, "session %lu joined in plain mode as %s (%s)",
		    s->id, s->nick, remote);
	plain_say(s, "Hello %s! Type a message and press Enter to send it to the room; "
		     "/help lists commands.", s->nick);
	plain_join_room(s, g_server.cfg.default_room);
}

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
	if (g_server.cfg.password[0]) {
		s->plain_step = PLAIN_ASK_PASSWORD;
		plain_say(s, "This server needs a password. Type it and press Enter:");
		return;
	}
	plain_register(s);
}

/* /join #room: move to another room (a plain user is in one at a time). */
static void plain_join(struct session *s, const char *name)
{
	char old[CHANNEL_LEN_MAX + 1];
	bool had_room = current_room(s, old, sizeof old);
	if (had_room && ircname_cmp(old, name) == 0) {
		plain_say(s, "You are already in %s.", old);
		return;
	}
	if (plain_join_room(s, name) == CHAT_OK && had_room)
		chat_part(s, old, NULL);
}

/* /who: the members of the current room. */
static void plain_who(struct session *s)
{
	char list[800];
	size_t len = 0, count = 0;
	struct channel **chs;
	size_t nchs = channels_of(s, &chs);
	struct channel *ch = nchs ? chs[0] : NULL;
	if (ch) {
		pthread_mutex_lock(&ch->lock);
		count = ch->nmembers;
		for (size_t i = 0; i < ch->nmembers; i++) {
			const struct member *mb = &ch->members[i];
			int n = snprintf(list + len, sizeof list - len, "%s%s%s", len ? ", " : "",
					 mb->op ? "@" : mb->voice ? "+" : "", mb->nick);
			if (n < 0 || (size_t)n >= sizeof list - len - 5) {
				snprintf(list + len, sizeof list - len, ", ...");
				break;
			}
			len += (size_t)n;
		}
		pthread_mutex_unlock(&ch->lock);
		plain_say(s, "In %s (%zu): %s", ch->name, count, list);
	}
	channels_release(chs, nchs);
	if (!ch)
		plain_say(s, "You are not in a room. Type /join #room.");
}

/* /topic [text]: show or set the current room's topic. */
static void plain_topic(struct session *s, char *text)
{
	char room[CHANNEL_LEN_MAX + 1];
	if (!current_room(s, room, sizeof room)) {
		plain_say(s, "You are not in a room. Type /join #room.");
		return;
	}
	if (text && *text) {
		plain_refuse(s, chat_topic_set(s, room, text), room, NULL);
		return;
	}
	registry_rdlock();
	struct channel *ch = registry_find_channel(room);
	if (ch) {
		pthread_mutex_lock(&ch->lock);
		if (ch->topic)
			plain_say(s, "Topic of %s: %s (set by %s)", ch->name, ch->topic,
				  ch->topic_setter);
		else
			plain_say(s, "%s has no topic. Set one with /topic TEXT.", ch->name);
		pthread_mutex_unlock(&ch->lock);
	}
	registry_unlock();
}

/* /conn: both ends of the user's own TCP connection, as the server sees them. */
static void plain_conn(struct session *s)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	session_local(s, local, sizeof local);
	session_remote(s, remote, sizeof remote);
	plain_say(s, "Your connection: you are %s, the server is %s.", remote, local);
	plain_say(s, "On the server this connection is fd %d, served by worker thread %lu; "
		     "the listening socket keeps listening on port %s.",
		  s->fd, s->id, strrchr(local, ':') ? strrchr(local, ':') + 1 : "?");
}

static const char *const plain_help[] = {
	"Commands (anything else you type is sent to your room):",
	"/nick NAME        change your nickname",
	"/join #room       move to another room (created if new)",
	"/part             leave your room",
	"/msg NICK TEXT    send a private message",
	"/me TEXT          describe an action (* you TEXT)",
	"/who              list the people in your room",
	"/topic [TEXT]     show or set the room's topic",
	"/conn             show both endpoints of your TCP connection",
	"/quit [REASON]    leave the server",
	"/help             this list (start a message with // to send a line beginning with /)",
};

/* /msg NICK TEXT: a private message, confirmed only once it went out. */
static void plain_msg(struct session *s, const char *target, const char *text)
{
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	enum chat_result r = chat_message(s, "PRIVMSG", target, text, nick, away);
	if (r != CHAT_OK) {
		plain_refuse(s, r, target, target);
		return;
	}
	plain_say(s, "-> *%s* %s", nick[0] ? nick : target, text);
	if (away[0])
		plain_say(s, "%s is away: %s", nick, away);
}

/* Sends text to the current room, or says why it cannot. */
static void plain_to_room(struct session *s, const char *text)
{
	char room[CHANNEL_LEN_MAX + 1];
	if (!current_room(s, room, sizeof room)) {
		plain_say(s, "You are not in a room, so that was not sent. Type /join #room.");
		return;
	}
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	plain_refuse(s, chat_message(s, "PRIVMSG", room, text, nick, away), room, NULL);
}

/* Cuts the first space-separated word off text; *rest gets what follows. */
static char *split_word(char *text, char **rest)
{
	text += strspn(text, " ");
	char *end = text + strcspn(text, " ");
	*rest = end + strspn(end, " ");
	if (*end)
		*end = '\0';
	return text;
}

/* Handles a /command line (without its '/'). */
static void plain_command(struct session *s, char *line)
{
	char *rest;
	char *word = split_word(line, &rest);
	char argbuf[IRC_LINE_MAX], *text;
	snprintf(argbuf, sizeof argbuf, "%s", rest);
	char *arg = split_word(argbuf, &text);
	if (!word[0]) {
		plain_say(s, "Type /help for the commands.");
		return;
	}
	if (strcasecmp(word, "help") == 0) {
		for (size_t i = 0; i < sizeof plain_help / sizeof *plain_help; i++)
			plain_say(s, "%s", plain_help[i]);
	} else if (strcasecmp(word, "nick") == 0) {
		if (!arg[0])
			plain_say(s, "Usage: /nick NAME");
		else
			plain_refuse(s, chat_nick(s, arg), NULL, arg);
	} else if (strcasecmp(word, "join") == 0) {
		if (!arg[0])
			plain_say(s, "Usage: /join #room");
		else
			plain_join(s, arg);
	} else if (strcasecmp(word, "part") == 0) {
		char room[CHANNEL_LEN_MAX + 1];
		if (current_room(s, room, sizeof room))
			plain_refuse(s, chat_part(s, room, *rest ? rest : NULL), room, NULL);
		else
			plain_say(s, "You are not in a room.");
	} else if (strcasecmp(word, "msg") == 0) {
		if (!arg[0] || !text[0]) {
			plain_say(s, "Usage: /msg NICK TEXT");
		} else {
			plain_msg(s, arg, text);
		}
	} else if (strcasecmp(word, "me") == 0) {
		if (!*rest) {
			plain_say(s, "Usage: /me TEXT");
		} else {
			char action[IRC_LINE_MAX + 16];
			snprintf(action, sizeof action, "\001ACTION %s\001", rest);
			plain_to_room(s, action);
		}
	} else if (strcasecmp(word, "who") == 0 || strcasecmp(word, "names") == 0) {
		plain_who(s);
	} else if (strcasecmp(word, "topic") == 0) {
		plain_topic(s, rest);
	} else if (strcasecmp(word, "conn") == 0) {
		plain_conn(s);
	} else if (strcasecmp(word, "quit") == 0) {
		char reason[QUIT_REASON_MAX + 1];
		snprintf(reason, sizeof reason, "Quit%s%s", *rest ? ": " : "", rest);
		session_quit(s, reason);
	} else {
		plain_say(s, "Unknown command /%s. Type /help for the list.", word);
	}
}

void plain_handle_line(struct session *s, char *line)
{
	switch (s->plain_step) {
	case PLAIN_ASK_NICK:
		plain_choose_nick(s, line);
		return;
	case PLAIN_ASK_PASSWORD:
		if (strcmp(line, g_server.cfg.password) != 0) {
			plain_say(s, "Wrong password.");
			session_quit(s, "Bad password");
			return;
		}
		plain_register(s);
		return;
	case PLAIN_CHAT:
		break;
	}
	if (line[0] == '/' && line[1] != '/')
		plain_command(s, line + 1);
	else
		plain_to_room(s, line[0] == '/' ? line + 1 : line);
}
