/* plain_cmd: see plain_cmd.h. The read-only commands (/names, /list,
 * /whois, /rooms) are in plain_info.c. */
#include "plain_cmd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chat.h"
#include "chat_query.h"
#include "global.h"
#include "ircmsg.h"
#include "nickown.h"
#include "plain_account.h"
#include "plain_info.h"
#include "plain_oper.h"
#include "plain_user.h"
#include "reply.h"
#include "session.h"

/* s's current room into room, or says there is none and returns false. */
static bool need_room(struct session *s, char room[CHANNEL_LEN_MAX + 1])
{
	if (plain_room_current(s, room))
		return true;
	plain_say(s, "You are not in a room. Type /join #room.");
	return false;
}

void plain_cmd_to_room(struct session *s, const char *text)
{
	char room[CHANNEL_LEN_MAX + 1];
	if (!plain_room_current(s, room)) {
		plain_say(s, "You are not in a room, so that was not sent. Type /join #room.");
		return;
	}
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	plain_refuse(s, chat_message(s, "PRIVMSG", room, text, NULL, nick, away), room, NULL);
}

/* /join ROOM [KEY]: joins (or picks, if s is in it) a room and makes it current. */
static void plain_join(struct session *s, char *args)
{
	char *key;
	char *typed = plain_word(args, &key);
	char name[IRC_LINE_MAX], now[CHANNEL_LEN_MAX + 1];
	plain_room_name(typed, name, sizeof name);
	if (plain_room_select(s, name, now)) {
		plain_say(s, "You are now in %s.", now);
		return;
	}
	char *rest;
	char *k = plain_word(key, &rest);
	enum chat_result r = chat_join(s, name, k[0] ? k : NULL, plain_joined_locked);
	if (r == CHAT_OK)
		reply_pump(s); /* the history, if any, streams from here (reply.h) */
	else if (r == CHAT_ALREADY_MEMBER && plain_room_select(s, name, now))
		plain_say(s, "You are now in %s.", now);
	else
		plain_refuse(s, r, name, NULL);
}

/* /part [REASON]: leaves the current room and says which one is current now. */
static void plain_part(struct session *s, char *args)
{
	char room[CHANNEL_LEN_MAX + 1], now[CHANNEL_LEN_MAX + 1];
	if (!need_room(s, room))
		return;
	enum chat_result r = chat_part(s, room, args[0] ? args : NULL);
	if (r != CHAT_OK) {
		plain_refuse(s, r, room, NULL);
		return;
	}
	plain_room_after_part(s, room, now);
	if (now[0])
		plain_say(s, "You left %s; you are now in %s.", room, now);
	else
		plain_say(s, "You left %s; you are in no room now. Type /join #room.", room);
}

/* /nick NAME */
static void plain_nick(struct session *s, char *args)
{
	char *rest;
	char *nick = plain_word(args, &rest);
	enum chat_result r = chat_nick(s, nick);
	if (r == CHAT_ALREADY_MEMBER)
		plain_say(s, "You are already called %s.", nick);
	else if (r == CHAT_NICK_IN_USE && nickown_regain(s, nick))
		plain_say(s, "%s is your account: its holder is being renamed.", nick);
	else
		plain_refuse(s, r, NULL, nick);
	if (r == CHAT_OK)
		nickown_check(s);
}

/* /msg NICK TEXT: a private message, confirmed only once it went out. */
static void plain_msg(struct session *s, char *args)
{
	char *text;
	char *target = plain_word(args, &text);
	if (!text[0]) {
		plain_say(s, "Usage: /msg NICK TEXT");
		return;
	}
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	enum chat_result r = chat_message(s, "PRIVMSG", target, text, NULL, nick, away);
	if (r != CHAT_OK) {
		plain_refuse(s, r, target, target);
		return;
	}
	plain_say(s, "-> *%s* %s", nick[0] ? nick : target, text);
	if (away[0])
		plain_say(s, "%s is away: %s", nick, away);
}

/* /me TEXT: an action in the current room. */
static void plain_me(struct session *s, char *args)
{
	char action[IRC_LINE_MAX + 16];
	snprintf(action, sizeof action, "\001ACTION %s\001", args);
	plain_cmd_to_room(s, action);
}

/* /topic [TEXT]: shows or sets the current room's topic. */
static void plain_topic(struct session *s, char *args)
{
	char room[CHANNEL_LEN_MAX + 1];
	if (!need_room(s, room))
		return;
	if (args[0]) {
		plain_refuse(s, chat_topic_set(s, room, args), room, NULL);
		return;
	}
	char topic[TOPIC_LEN_MAX + 1], setter[NICK_LEN_MAX + 1], name[CHANNEL_LEN_MAX + 1];
	enum chat_result r = chat_query_topic(room, topic, setter, name);
	if (r != CHAT_OK)
		plain_refuse(s, r, room, NULL);
	else if (topic[0])
		plain_say(s, "Topic of %s: %s (set by %s)", name, topic, setter);
	else
		plain_say(s, "%s has no topic. Set one with /topic TEXT.", name);
}

/* /away [TEXT]: marks s away (with text) or back (without). */
static void plain_away(struct session *s, char *args)
{
	chat_away(s, args);
	if (args[0])
		plain_say(s, "You are marked as away: %s (type /away alone when you are back).",
			  args);
	else
		plain_say(s, "You are no longer marked as away.");
}

/* /invite NICK [ROOM]: into the current room unless another is named. */
static void plain_invite(struct session *s, char *args)
{
	char *rest, room[IRC_LINE_MAX];
	char *nick = plain_word(args, &rest);
	char *typed = plain_word(rest, &rest);
	if (typed[0])
		plain_room_name(typed, room, sizeof room);
	else if (!need_room(s, room))
		return;
	char who[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	enum chat_result r = chat_invite(s, nick, room, who, away);
	if (r != CHAT_OK) {
		plain_refuse(s, r, room, nick);
		return;
	}
	plain_say(s, "You invited %s to %s.", who, room);
	if (away[0])
		plain_say(s, "%s is away: %s", who, away);
}

/* /kick NICK [REASON]: from the current room (operators only: the core says). */
static void plain_kick(struct session *s, char *args)
{
	char *reason, room[CHANNEL_LEN_MAX + 1];
	char *nick = plain_word(args, &reason);
	if (need_room(s, room))
		plain_refuse(s, chat_kick(s, room, nick, reason), room, nick);
}

/* /conn: both ends of the user's own TCP connection, as the server sees them. */
static void plain_conn(struct session *s, char *args)
{
	(void)args;
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	session_local(s, local, sizeof local);
	session_remote(s, remote, sizeof remote);
	plain_say(s, "Your connection: you are %s, the server is %s.", remote, local);
	plain_say(s, "On the server this connection is fd %d, served by worker thread %lu; "
		     "the listening socket keeps listening on port %s.",
		  s->fd, s->id, strrchr(local, ':') ? strrchr(local, ':') + 1 : "?");
}

/* /quit [REASON] */
static void plain_quit(struct session *s, char *args)
{
	char reason[QUIT_REASON_MAX + 1];
	snprintf(reason, sizeof reason, "Quit%s%s", args[0] ? ": " : "", args);
	session_quit(s, reason);
}

static void plain_help(struct session *s, char *args);

struct plain_command {
	const char *name;
	const char *usage;  /* as /help shows it */
	const char *what;   /* what /help says it does */
	bool needs_arg;     /* usage is shown when nothing follows the command */
	void (*run)(struct session *s, char *args);
};

static const struct plain_command commands[] = {
	{"join", "/join ROOM [KEY]", "join a room (the # is optional) or switch to one you are "
	 "in; it becomes your current room", true, plain_join},
	{"part", "/part [REASON]", "leave your current room", false, plain_part},
	{"rooms", "/rooms", "list the rooms you are in and which one is current", false,
	 plain_info_rooms},
	{"msg", "/msg NICK TEXT", "send a private message", true, plain_msg},
	{"me", "/me TEXT", "describe an action (* you TEXT)", true, plain_me},
	{"names", "/names [ROOM]", "who is in a room (your current one if none is named)", false,
	 plain_info_names},
	{"who", "/who [ROOM]", "the same as /names", false, plain_info_names},
	{"list", "/list", "the rooms on this server, biggest first", false, plain_info_list},
	{"whois", "/whois NICK", "who someone is, where they are, whether they are away", true,
	 plain_info_whois},
	{"history", "/history [N]", "earlier messages of your current room; again for more",
	 false, plain_info_history},
	{"topic", "/topic [TEXT]", "show or set your current room's topic", false, plain_topic},
	{"away", "/away [TEXT]", "mark yourself away with TEXT; alone: you are back", false,
	 plain_away},
	{"invite", "/invite NICK [ROOM]", "invite someone to your current room (or ROOM)", true,
	 plain_invite},
	{"kick", "/kick NICK [REASON]", "remove someone from your current room (operators "
	 "only)", true, plain_kick},
	{"nick", "/nick NAME", "change your nickname", true, plain_nick},
	{"register", "/register PASSWORD", "make an account named after your nick (the "
	 "password shows on your screen)", true, plain_register},
	{"login", "/login PASSWORD", "log in to the account named after your nick", true,
	 plain_login},
	{"oper", "/oper NAME PASSWORD", "become a server operator", true, plain_oper},
	{"kill", "/kill NICK [REASON]", "disconnect someone (server operators only)", true,
	 plain_kill},
	{"kline", "/kline [MINUTES] MASK [REASON]", "ban nick!user@host, user@host, an address or "
	 "a block like 10.0.0.0/24 from the server, for good or MINUTES (or 30s: seconds; "
	 "server operators only)", true, plain_kline},
	{"unkline", "/unkline MASK", "lift a server ban (server operators only)", true,
	 plain_unkline},
	{"conn", "/conn", "show both endpoints of your TCP connection", false, plain_conn},
	{"quit", "/quit [REASON]", "leave the server", false, plain_quit},
	{"help", "/help", "this list", false, plain_help},
};

/* /help: every command, from the table. */
static void plain_help(struct session *s, char *args)
{
	(void)args;
	plain_say(s, "Commands (anything else you type is sent to your current room):");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		plain_say(s, "%-20s %s", commands[i].usage, commands[i].what);
	plain_say(s, "Start a message with // to send a line that begins with /.");
}

void plain_command(struct session *s, char *line)
{
	char *args;
	char *word = plain_word(line, &args);
	if (!word[0]) {
		plain_say(s, "Type /help for the commands.");
		return;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		const struct plain_command *c = &commands[i];
		if (strcasecmp(word, c->name) != 0)
			continue;
		if (c->needs_arg && !args[0])
			plain_say(s, "Usage: %s", c->usage);
		else
			c->run(s, args);
		return;
	}
	plain_say(s, "Unknown command /%s. Type /help for the list.", word);
}
