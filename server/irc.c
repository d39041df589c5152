/* irc: see irc.h. */
#include "irc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "channel.h"
#include "chat.h"
#include "deliver.h"
#include "frontend.h"
#include "global.h"
#include "irc_account.h"
#include "irc_channel.h"
#include "irc_mode.h"
#include "irc_monitor.h"
#include "irc_multiline.h"
#include "multiline.h"
#include "irc_oper.h"
#include "irc_history.h"
#include "irc_query.h"
#include "irc_reply.h"
#include "irc_sasl.h"
#include "irc_response.h"
#include "ircmsg.h"
#include "irctags.h"
#include "kline.h"
#include "log.h"
#include "nickown.h"
#include "plain.h"
#include "registry.h"
#include "session.h"
#include "utf8.h"
#include "xalloc.h"

#define MAX_TARGETS 4
#define IRC_HELP_LINE_MAX 300 /* bytes of command names per 705 line */

/* IRC: 417 (frontend.h). */
static void irc_line_too_long(struct session *s)
{
	reply(s, "417", "Input line was too long", NULL);
}

/* IRC: PING (frontend.h). */
static void irc_ping(struct session *s)
{
	send_self(s, NULL, "PING", g_server.cfg.name, NULL);
}

/* IRC: ERROR (frontend.h). */
static void irc_goodbye(struct session *s, const char *text)
{
	send_self(s, NULL, "ERROR", text, NULL);
}

/* IRC: FAIL <command> INVALID_UTF8 (frontend.h); the command is the line's
 * word after any tags and source, upper-cased, or "*" if it is not letters. */
static void irc_invalid_utf8(struct session *s, const char *line, size_t len, const char *text)
{
	const char *p = line, *end = line + len;
	for (int i = 0; i < 2 && p < end && (*p == '@' || *p == ':'); i++) {
		const char *space = memchr(p, ' ', (size_t)(end - p));
		p = space ? space + 1 : end;
		while (p < end && *p == ' ')
			p++;
	}
	char command[16];
	size_t n = 0;
	for (; p < end && *p != ' ' && n < sizeof command - 1; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			break;
		command[n++] = (char)(*p >= 'a' ? *p - 'a' + 'A' : *p);
	}
	command[n] = '\0';
	bool word = n > 0 && (p == end || *p == ' ');
	send_self(s, g_server.cfg.name, "FAIL", word ? command : "*", "INVALID_UTF8", text, NULL);
}

const struct frontend irc_frontend = {
	.notice = notice_self,
	.invalid_utf8 = irc_invalid_utf8,
	.line_too_long = irc_line_too_long,
	.goodbye = irc_goodbye,
	.ping = irc_ping,
};

struct irc_command;
static const struct irc_command *irc_command_find(const char *name, size_t len);
static void irc_dispatch(struct session *s, struct ircmsg *m);

/* One line from an IRC client: parsed, then dispatched. */
void irc_line(struct session *s, char *line)
{
	struct ircmsg m;
	const char *reason;
	char word[32];
	/* The command word, cut at a character boundary for the 421 reply. */
	size_t word_len = strcspn(line, " ");
	word_len = utf8_cut(line, word_len, sizeof word - 1);
	snprintf(word, sizeof word, "%.*s", (int)word_len, line);
	if (ircmsg_parse(line, &m, &reason) < 0) {
		/* A command name that is not letters or three digits is unknown. */
		if (strcmp(reason, "malformed command") == 0 && s->registered) {
			reply(s, "421", word, "Unknown command", NULL);
			return;
		}
		char text[128];
		snprintf(text, sizeof text, "Malformed line ignored: %s", reason);
		notice_self(s, text);
		return;
	}
	if (m.tags && irctags_check(m.tags, &reason) < 0) {
		char text[128];
		snprintf(text, sizeof text, "Malformed line ignored: %s", reason);
		notice_self(s, text);
		return;
	}
	ircmsg_upcase(m.command);
	if (irc_multiline_take(s, &m))
		return; /* a line of a draft/multiline batch, sent at its end */
	bool labeled = irc_response_begin(s, m.tags);
	irc_dispatch(s, &m);
	if (labeled)
		irc_response_command_done(s);
}

/* --- registration --- */

/* Completes registration once NICK, USER (and CAP END) are in. */
static void registration_try_finish(struct session *s)
{
	if (s->registered || !s->nick[0] || !s->user[0] || s->cap_negotiating)
		return;
	irc_sasl_abort(s); /* sasl-3.1: registration ends an unfinished exchange */
	if (global_password_required() && !s->pass_ok) {
		reply(s, "464", "Password incorrect", NULL);
		session_quit(s, "Bad password");
		return;
	}
	char ban[KLINE_REASON_MAX + 1];
	if (chat_registration_banned(s, ban)) {
		char text[KLINE_REASON_MAX + 64];
		snprintf(text, sizeof text, "You are banned from this server: %s", ban);
		reply(s, "465", text, NULL);
		return;
	}
	if (!irc_account_pass_finish(s))
		return;
	chat_registered(s);
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_INFO, LOG_CONNECTION_BURST, "session %lu registered as %s (%s)", s->id,
		    s->nick, remote);
	welcome_send(s);
	nickown_check(s);
}

/* CAP replies name the client "*" until registration completes. */
static const char *cap_target(const struct session *s)
{
	return s->registered ? s->nick : "*";
}

/* The capabilities offered, in the order CAP LS lists them: the one place
 * a capability is added (its bit is in session.h). */
static const struct irc_cap {
	const char *name;
	unsigned bit;
	const char *value;     /* shown after CAP LS 302 as name=value, or NULL */
	bool (*offered)(void); /* NULL: always offered */
} irc_caps[] = {
	{"account-notify", CAP_ACCOUNT_NOTIFY, NULL, NULL},
	{"account-tag", CAP_ACCOUNT_TAG, NULL, NULL},
	{"away-notify", CAP_AWAY_NOTIFY, NULL, NULL},
	{"batch", CAP_BATCH, NULL, NULL},
	{"cap-notify", CAP_CAP_NOTIFY, NULL, NULL},
	{"draft/account-registration", CAP_ACCOUNT_REGISTRATION, "before-connect",
	 account_available},
	{"draft/chathistory", CAP_CHATHISTORY, NULL, NULL},
	{"draft/multiline", CAP_MULTILINE, MULTILINE_CAP_VALUE, NULL},
	{"draft/read-marker", CAP_READ_MARKER, NULL, NULL},
	{"echo-message", CAP_ECHO_MESSAGE, NULL, NULL},
	{"extended-join", CAP_EXTENDED_JOIN, NULL, NULL},
	{"extended-monitor", CAP_EXTENDED_MONITOR, NULL, NULL},
	{"invite-notify", CAP_INVITE_NOTIFY, NULL, NULL},
	{"labeled-response", CAP_LABELED_RESPONSE, NULL, NULL},
	{"message-tags", CAP_MESSAGE_TAGS, NULL, NULL},
	{"multi-prefix", CAP_MULTI_PREFIX, NULL, NULL},
	{"sasl", CAP_SASL, "PLAIN", irc_sasl_offered},
	{"server-time", CAP_SERVER_TIME, NULL, NULL},
	{"setname", CAP_SETNAME, NULL, NULL},
	{"userhost-in-names", CAP_USERHOST_IN_NAMES, NULL, NULL},
};
#define IRC_CAPS_N (sizeof irc_caps / sizeof *irc_caps)

/* The bit of the capability called name, or 0 if we offer none by it. */
static unsigned cap_bit(const char *name)
{
	for (size_t i = 0; i < IRC_CAPS_N; i++)
		if (strcmp(name, irc_caps[i].name) == 0 &&
		    (!irc_caps[i].offered || irc_caps[i].offered()))
			return irc_caps[i].bit;
	return 0;
}

/* The names of the capabilities in mask that are offered now,
 * space-separated, into buf; with values (CAP LS 302) when values is set. */
static void cap_names(unsigned mask, bool values, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < IRC_CAPS_N; i++)
		if ((mask & irc_caps[i].bit) && (!irc_caps[i].offered || irc_caps[i].offered())) {
			const char *v = values ? irc_caps[i].value : NULL;
			int n = snprintf(buf + len, cap - len, "%s%s%s%s", len ? " " : "",
					 irc_caps[i].name, v ? "=" : "", v ? v : "");
			if (n < 0 || (size_t)n >= cap - len)
				return;
			len += (size_t)n;
		}
}

/* CAP REQ: every capability asked for (or "-name" to drop) is granted, or
 * none is (NAK). */
static void cap_req(struct session *s, const char *list)
{
	unsigned add = 0, remove = 0;
	char work[IRC_LINE_MAX];
	snprintf(work, sizeof work, "%s", list);
	bool ok = true;
	for (char *save, *tok = strtok_r(work, " ", &save); tok && ok;
	     tok = strtok_r(NULL, " ", &save)) {
		bool neg = tok[0] == '-';
		unsigned bit = cap_bit(neg ? tok + 1 : tok);
		/* CAP LS 302 turned cap-notify on for good (capability-negotiation). */
		if (!bit || (neg && bit == CAP_CAP_NOTIFY && s->cap_302))
			ok = false;
		else if (neg)
			remove |= bit;
		else
			add |= bit;
	}
	if (ok)
		atomic_store(&s->caps, (atomic_load(&s->caps) | add) & ~remove);
	send_self(s, g_server.cfg.name, "CAP", cap_target(s), ok ? "ACK" : "NAK", list, NULL);
}

/* CAP LS / LIST / REQ / END (IRCv3 capability negotiation). */
static void cmd_cap(struct session *s, struct ircmsg *m)
{
	const char *sub = m->params[0];
	char list[IRC_LINE_MAX - 100]; /* room for ":server CAP nick LS :" */
	if (strcasecmp(sub, "LS") == 0) {
		if (!s->registered)
			s->cap_negotiating = true;
		if (m->nparams > 1 && strtol(m->params[1], NULL, 10) >= 302) {
			s->cap_302 = true;
			atomic_fetch_or(&s->caps, CAP_CAP_NOTIFY); /* implied by 302 */
		}
		cap_names(~0u, s->cap_302, list, sizeof list);
		send_self(s, g_server.cfg.name, "CAP", cap_target(s), "LS", list, NULL);
	} else if (strcasecmp(sub, "LIST") == 0) {
		cap_names(atomic_load(&s->caps), false, list, sizeof list);
		send_self(s, g_server.cfg.name, "CAP", cap_target(s), "LIST", list, NULL);
	} else if (strcasecmp(sub, "REQ") == 0) {
		if (m->nparams < 2) {
			reply(s, "461", "CAP", "Not enough parameters", NULL);
			return;
		}
		if (!s->registered)
			s->cap_negotiating = true;
		cap_req(s, m->params[1]);
	} else if (strcasecmp(sub, "END") == 0) {
		s->cap_negotiating = false;
		registration_try_finish(s);
	} else {
		reply(s, "410", sub, "Invalid CAP command", NULL);
	}
}

/* PASS: the connection password, before registration. */
static void cmd_pass(struct session *s, struct ircmsg *m)
{
	if (s->registered) {
		reply(s, "462", "You may not reregister", NULL);
		return;
	}
	/* Without a server password, PASS account:password is a login
	 * (irc_account.h); with one, PASS is that password and nothing else. */
	if (!global_password_required() && irc_account_pass(s, m->params[0]))
		return;
	s->pass_ok = global_password_matches(m->params[0]);
}

/* NICK: choose a nick during registration, or change it after. */
static void cmd_nick(struct session *s, struct ircmsg *m)
{
	const char *nick = m->params[0];
	if (!nick[0]) {
		reply(s, "431", "No nickname given", NULL);
		return;
	}
	if (s->registered) {
		enum chat_result r = chat_nick(s, nick);
		if (r == CHAT_OK)
			nickown_check(s);
		else if (r == CHAT_NICK_IN_USE && nickown_regain(s, nick))
			return; /* the squatter yields, then the NICK comes */
		else if (r != CHAT_ALREADY_MEMBER)
			irc_refuse(s, r, NULL, nick);
		return;
	}
	if (!ircname_nick_valid(nick)) {
		reply(s, "432", nick, "Erroneous nickname", NULL);
		return;
	}
	registry_wrlock();
	int taken = registry_set_nick(s, nick);
	registry_unlock();
	if (taken < 0) {
		reply(s, "433", nick, "Nickname is already in use", NULL);
		return;
	}
	registration_try_finish(s);
}

/* USER: the username and real name, once. */
static void cmd_user(struct session *s, struct ircmsg *m)
{
	if (s->registered || s->user[0]) {
		reply(s, "462", "You may not reregister", NULL);
		return;
	}
	if (!m->params[3][0]) {
		reply(s, "461", "USER", "Not enough parameters (the real name is empty)", NULL);
		return;
	}
	const char *user = m->params[0];
	size_t n = 0;
	/* Keep only characters that are safe inside nick!user@host. */
	for (const char *p = user; *p && n < USER_LEN_MAX; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.[]{}\\|^`", *p))
			s->user[n++] = *p;
	s->user[n] = '\0';
	if (!n)
		snprintf(s->user, sizeof s->user, "user");
	session_set_realname(s, m->params[3]);
	registration_try_finish(s);
}

/* PING: answer with PONG; an empty token is 409, as Modern IRC allows. */
static void cmd_ping(struct session *s, struct ircmsg *m)
{
	if (!m->params[0][0]) {
		reply(s, "409", "No origin specified", NULL);
		return;
	}
	send_self(s, g_server.cfg.name, "PONG", g_server.cfg.name, m->params[0], NULL);
}

/* PONG: liveness is tracked on every read; nothing more to do (Modern IRC
 * gives PONG no numeric replies, so one without a token is ignored too). */
static void cmd_pong(struct session *s, struct ircmsg *m)
{
	(void)s;
	(void)m;
}

/* QUIT: leave with a reason others will see. */
static void cmd_quit(struct session *s, struct ircmsg *m)
{
	/* "Quit: " even for no reason: others can tell the user chose to go. */
	char reason[QUIT_REASON_MAX + 1];
	snprintf(reason, sizeof reason, "Quit: %s", m->nparams > 0 ? m->params[0] : "");
	session_quit(s, reason);
}

/* --- messaging --- */

/* Sends one PRIVMSG/NOTICE/TAGMSG and tells s what stopped it (never for a
 * NOTICE: automatic replies must not loop) or that the person is away. */
static void message_one(struct session *s, const char *command, const char *target,
			const char *text, const char *tags)
{
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	enum chat_result r = chat_message(s, command, target, text, tags, nick, away);
	if (r != CHAT_OK) {
		if (command[0] != 'N')
			irc_refuse(s, r, target, target);
	} else if (away[0]) {
		reply(s, "301", nick, away, NULL);
	}
}

/* The client-only tags of m to relay, in canonical form (irctags.h), when s
 * negotiated message-tags; NULL if none. The caller frees it. */
static char *client_tags_of(const struct session *s, const struct ircmsg *m)
{
	if (!m->tags || !(atomic_load(&s->caps) & CAP_MESSAGE_TAGS) || !strchr(m->tags, '+'))
		return NULL;
	size_t cap = strlen(m->tags) + 1; /* never longer than what was sent */
	char *tags = xmalloc(cap);
	if (irctags_client_only(m->tags, tags, cap) <= 0) {
		free(tags);
		return NULL;
	}
	return tags;
}

/* PRIVMSG, NOTICE and TAGMSG: to channels and nicks, several targets
 * allowed; client-only tags go along to message-tags clients. A NOTICE gets
 * no error reply at all (Modern IRC: servers must not answer one). */
static void cmd_message(struct session *s, struct ircmsg *m)
{
	const char *command = m->command;
	bool tagmsg = strcmp(command, "TAGMSG") == 0;
	bool notice = strcmp(command, "NOTICE") == 0;
	if (tagmsg && !(atomic_load(&s->caps) & CAP_MESSAGE_TAGS)) {
		/* The capability is what enables TAGMSG (message-tags). */
		reply(s, "421", command, "Unknown command (TAGMSG needs the message-tags capability)",
		      NULL);
		return;
	}
	if (notice && (m->nparams < 2 || param_blank(m->params[0]) || !m->params[1][0]))
		return;
	if (m->nparams < 1 || param_blank(m->params[0])) {
		char text[64];
		snprintf(text, sizeof text, "No recipient given (%s)", command);
		reply(s, "411", text, NULL);
		return;
	}
	if (!tagmsg && (m->nparams < 2 || !m->params[1][0])) {
		reply(s, "412", "No text to send", NULL);
		return;
	}
	char *tags = client_tags_of(s, m);
	char *save;
	int count = 0;
	for (char *target = strtok_r(m->params[0], ",", &save); target;
	     target = strtok_r(NULL, ",", &save)) {
		if (++count > MAX_TARGETS) {
			if (!notice)
				reply(s, "407", target,
				      "Too many targets; message not sent to it", NULL);
			continue;
		}
		message_one(s, command, target, tagmsg ? NULL : m->params[1], tags);
	}
	free(tags);
}

/* USERS and SUMMON: not offered (no local logins to list or summon);
 * RFC 2812 names the reply for a server that disables them. */
static void cmd_disabled(struct session *s, struct ircmsg *m)
{
	if (strcasecmp(m->command, "USERS") == 0)
		reply(s, "446", "USERS has been disabled", NULL);
	else
		reply(s, "445", "SUMMON has been disabled", NULL);
}

/* AWAY [text]: mark or unmark the user as away. */
static void cmd_away(struct session *s, struct ircmsg *m)
{
	bool away = m->nparams > 0 && m->params[0][0];
	chat_away(s, away ? m->params[0] : NULL);
	if (away)
		reply(s, "306", "You have been marked as being away", NULL);
	else
		reply(s, "305", "You are no longer marked as being away", NULL);
}

/* SETNAME :realname (IRCv3 setname): bounded like USER's; FAIL when not. */
static void cmd_setname(struct session *s, struct ircmsg *m)
{
	if (!chat_setname(s, m->params[0])) {
		char text[80];
		snprintf(text, sizeof text, "A real name needs 1 to %d bytes", REALNAME_LEN_MAX);
		send_self(s, g_server.cfg.name, "FAIL", "SETNAME", "INVALID_REALNAME", text, NULL);
	}
}

/* --- dispatch --- */

struct irc_command {
	const char *name;
	void (*handler)(struct session *s, struct ircmsg *m);
	int min_params;
	/* How many of the first parameters name targets: one that is empty or
	 * only commas ("JOIN :", "KICK #c ,") counts as missing (461). */
	int targets;
	bool before_registration; /* allowed before registration completes */
};

static void cmd_help(struct session *s, struct ircmsg *m);

static const struct irc_command irc_commands[] = {
	{"ADMIN", cmd_admin, 0, 0, false},
	{"AUTHENTICATE", cmd_authenticate, 1, 0, true},
	{"AWAY", cmd_away, 0, 0, false},
	{"BATCH", cmd_batch, 1, 0, false},
	{"CAP", cmd_cap, 1, 0, true},
	{"CHATHISTORY", cmd_chathistory, 0, 0, false},
	{"HELP", cmd_help, 0, 0, false},
	{"HELPOP", cmd_help, 0, 0, false},
	{"INFO", cmd_info, 0, 0, false},
	{"INVITE", cmd_invite, 0, 2, false},
	{"ISON", cmd_ison, 1, 0, false},
	{"JOIN", cmd_join, 1, 1, false},
	{"KICK", cmd_kick, 2, 2, false},
	{"KILL", cmd_kill, 1, 1, false},
	{"KLINE", cmd_kline, 1, 0, false},
	{"LINKS", cmd_links, 0, 0, false},
	{"LIST", cmd_list, 0, 0, false},
	{"LUSERS", cmd_lusers, 0, 0, false},
	{"MARKREAD", cmd_markread, 0, 0, false},
	{"MODE", cmd_mode, 1, 1, false},
	{"MONITOR", cmd_monitor, 1, 0, false},
	{"MOTD", cmd_motd, 0, 0, false},
	{"NAMES", cmd_names, 0, 0, false},
	{"NICK", cmd_nick, 0, 0, true},
	{"NOTICE", cmd_message, 0, 0, false},
	{"OPER", cmd_oper, 2, 2, false},
	{"PART", cmd_part, 1, 1, false},
	{"PASS", cmd_pass, 1, 0, true},
	{"PING", cmd_ping, 1, 0, true},
	{"PONG", cmd_pong, 0, 0, true},
	{"PRIVMSG", cmd_message, 0, 0, false},
	{"QUIT", cmd_quit, 0, 0, true},
	{"REGISTER", cmd_register, 3, 0, true},
	{"SETNAME", cmd_setname, 1, 0, false},
	{"STATS", cmd_stats, 0, 0, false},
	{"SUMMON", cmd_disabled, 0, 0, false},
	{"TAGMSG", cmd_message, 0, 0, false},
	{"TIME", cmd_time, 0, 0, false},
	{"TOPIC", cmd_topic, 1, 1, false},
	{"UNKLINE", cmd_unkline, 1, 0, false},
	{"USER", cmd_user, 4, 0, true},
	{"USERHOST", cmd_userhost, 1, 0, false},
	{"USERS", cmd_disabled, 0, 0, false},
	{"VERIFY", cmd_verify, 2, 0, true},
	{"VERSION", cmd_version, 0, 0, false},
	{"WALLOPS", cmd_wallops, 1, 1, false},
	{"WHO", cmd_who, 0, 0, false},
	{"WHOIS", cmd_whois, 1, 0, false},
	{"WHOWAS", cmd_whowas, 1, 1, false},
};

#define IRC_COMMANDS_N (sizeof irc_commands / sizeof *irc_commands)

/* HELP's text for every command above (a test checks that none is
 * missing): lines separated by '\n', the first the syntax. */
static const struct irc_help {
	const char *name;
	const char *text;
} irc_help[] = {
	{"ADMIN", "ADMIN [<server>]\nAbout this server and who runs it."},
	{"AUTHENTICATE", "AUTHENTICATE <mechanism>|<data>\nSASL login (PLAIN), after CAP REQ sasl."},
	{"AWAY", "AWAY [<text>]\nMarks you away with <text>; without it, back again."},
	{"BATCH", "BATCH +<ref> draft/multiline <target> | -<ref>\n"
		  "Sends the PRIVMSG/NOTICE lines tagged batch=<ref> between them as one "
		  "message (draft/multiline; at most 4096 bytes, 24 lines)."},
	{"CAP", "CAP LS [302] | LIST | REQ :<caps> | END\nIRCv3 capability negotiation."},
	{"CHATHISTORY", "CHATHISTORY LATEST|BEFORE|AFTER|AROUND|BETWEEN|TARGETS <target> ...\n"
			"Past messages of a room or a private conversation (draft/chathistory)."},
	{"HELP", "HELP [<command>]\nLists the commands, or explains one."},
	{"HELPOP", "HELPOP [<command>]\nThe same as HELP."},
	{"INFO", "INFO [<server>]\nAbout this server: its software and version."},
	{"INVITE", "INVITE [<nick> <#room>]\nInvites someone into a room (needed for +i rooms);\n"
		   "alone, lists the rooms you are invited to."},
	{"ISON", "ISON <nick> [<nick> ...]\nWhich of these nicks are online now."},
	{"JOIN", "JOIN <#room>[,<#room>] [<key>[,<key>]]\nJoins rooms, creating them if needed."},
	{"KICK", "KICK <#room> <nick>[,<nick>] [<reason>]\nRemoves people (up to 4) from a room "
		 "(room operators)."},
	{"KILL", "KILL <nick> <reason>\nDisconnects someone (server operators)."},
	{"KLINE", "KLINE [<minutes>] <user@host> [<reason>]\nBans a mask from the server "
		  "(server operators)."},
	{"LINKS", "LINKS\nThe servers of this network: this one only."},
	{"LIST", "LIST [<filter>[,<filter>]]\nRooms, with their member counts and topics. Filters:\n"
		 "a mask, !mask, >N / <N members, C>N / C<N minutes since created,\n"
		 "T>N / T<N minutes since the topic was set."},
	{"LUSERS", "LUSERS\nHow many users and rooms there are."},
	{"MARKREAD", "MARKREAD <target> [timestamp=<time>]\nGets or sets how far you have read "
		     "(draft/read-marker)."},
	{"MODE", "MODE <#room>|<nick> [<modes> [<args>]]\nShows or changes room or user modes.\n"
		 "Room modes: i k l m n s t, lists b e I, o v for members;\n"
		 "yours: +i invisible, +w wallops, +B bot."},
	{"MONITOR", "MONITOR + <nick>[,<nick>] | - <nick>[,<nick>] | C | L | S\n"
		    "Tells you when these nicks come online or leave (up to 100)."},
	{"MOTD", "MOTD [<server>]\nThe message of the day."},
	{"NAMES", "NAMES [<#room>[,<#room>]]\nWho is in a room."},
	{"NICK", "NICK <nick>\nChooses or changes your nick."},
	{"NOTICE", "NOTICE <target>[,<target>] <text>\nLike PRIVMSG; never answered "
		   "automatically."},
	{"OPER", "OPER <name> <password>\nBecomes a server operator."},
	{"PART", "PART <#room>[,<#room>] [<reason>]\nLeaves rooms."},
	{"PASS", "PASS <password>\nThe server password (or account:password), before NICK/USER."},
	{"PING", "PING <token>\nThe server answers PONG <token>."},
	{"PONG", "PONG <token>\nThe answer to the server's PING."},
	{"PRIVMSG", "PRIVMSG <target>[,<target>] <text>\nSends a message to rooms or people."},
	{"QUIT", "QUIT [<reason>]\nDisconnects."},
	{"REGISTER", "REGISTER <account>|* <email>|* <password>\nRegisters an account "
		     "(draft/account-registration)."},
	{"SETNAME", "SETNAME <realname>\nChanges your real name (1 to 100 bytes; setname capability)."},
	{"STATS", "STATS <letter>\nServer statistics (u: uptime)."},
	{"SUMMON", "SUMMON <user>\nNot offered: answered 445 (SUMMON has been disabled)."},
	{"TAGMSG", "TAGMSG <target>\nA message of tags only (message-tags capability)."},
	{"TIME", "TIME [<server>]\nThe server's local time."},
	{"TOPIC", "TOPIC <#room> [<topic>]\nShows or sets a room's topic."},
	{"UNKLINE", "UNKLINE <user@host>\nLifts a server ban (server operators)."},
	{"USER", "USER <user> 0 * <realname>\nYour user name and real name, at registration."},
	{"USERHOST", "USERHOST <nick> [<nick> ...]\nThe user@host of up to five nicks."},
	{"USERS", "USERS\nNot offered: answered 446 (USERS has been disabled)."},
	{"VERIFY", "VERIFY <account>|* <code>\nCompletes a registration that needs verifying "
		   "(draft/account-registration);\nnone here does, so every code is invalid."},
	{"VERSION", "VERSION [<server>]\nThe server's software version."},
	{"WALLOPS", "WALLOPS <text>\nA message to every user with +w (server operators)."},
	{"WHO", "WHO [<mask>|<#room> [%<fields>[,<token>]]]\nWho matches; with %fields, "
		"WHOX 354 lines\n(fields t c u i h s n f d l a o r)."},
	{"WHOIS", "WHOIS <nick>[,<nick>]\nAbout someone online."},
	{"WHOWAS", "WHOWAS <nick>[,<nick>] [<count>]\nWho used a nick recently, newest first."},
};

/* The help text of a command (any case), or NULL. */
static const char *irc_help_find(const char *name)
{
	for (size_t i = 0; i < sizeof irc_help / sizeof *irc_help; i++)
		if (strcasecmp(irc_help[i].name, name) == 0)
			return irc_help[i].text;
	return NULL;
}

/* HELP alone: every command's name, a line of them at a time. */
static void help_index(struct session *s)
{
	reply(s, "704", "*", "Commands (HELP <command> for more):", NULL);
	char line[IRC_HELP_LINE_MAX + NICK_LEN_MAX];
	size_t len = 0;
	for (size_t i = 0; i < IRC_COMMANDS_N; i++) {
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", len ? " " : "",
					irc_commands[i].name);
		if (len >= IRC_HELP_LINE_MAX || i + 1 == IRC_COMMANDS_N) {
			reply(s, "705", "*", line, NULL);
			len = 0;
		}
	}
	reply(s, "706", "*", "End of /HELP", NULL);
}

/* HELP/HELPOP [command]: 704, 705 lines, 706; 524 for an unknown subject. */
static void cmd_help(struct session *s, struct ircmsg *m)
{
	if (m->nparams == 0 || param_blank(m->params[0])) {
		help_index(s);
		return;
	}
	const char *subject = m->params[0];
	const char *text = irc_help_find(subject);
	if (!text) {
		reply(s, "524", subject, "Help not found", NULL);
		return;
	}
	char upper[32];
	snprintf(upper, sizeof upper, "%s", subject); /* found, so short and ASCII */
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	char line[IRC_LINE_MAX];
	const char *numeric = "704";
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		reply(s, numeric, upper, line, NULL);
		numeric = "705";
		p += len + (p[len] == '\n');
	}
	reply(s, "706", upper, "End of /HELP", NULL);
}

/* The table entry for a command name (exact, upper case), or NULL. */
static const struct irc_command *irc_command_find(const char *name, size_t len)
{
	for (size_t i = 0; i < IRC_COMMANDS_N; i++)
		if (strlen(irc_commands[i].name) == len &&
		    memcmp(irc_commands[i].name, name, len) == 0)
			return &irc_commands[i];
	return NULL;
}

bool irc_is_command(const char *word, size_t len)
{
	return irc_command_find(word, len) != NULL;
}

/* Runs the handler of an IRC command after the checks every command shares. */
static void irc_dispatch(struct session *s, struct ircmsg *m)
{
	const struct irc_command *cmd = irc_command_find(m->command, strlen(m->command));
	if (!cmd) {
		if (s->registered)
			reply(s, "421", m->command, "Unknown command", NULL);
		else
			reply(s, "451", "You have not registered", NULL);
		return;
	}
	if (!s->registered && !cmd->before_registration) {
		reply(s, "451", "You have not registered", NULL);
		return;
	}
	if (cmd->handler == cmd_nick && m->nparams == 0) {
		reply(s, "431", "No nickname given", NULL);
		return;
	}
	bool missing = m->nparams < cmd->min_params;
	for (int i = 0; i < cmd->targets && i < m->nparams && !missing; i++)
		missing = param_blank(m->params[i]);
	if (missing) {
		reply(s, "461", cmd->name, "Not enough parameters", NULL);
		return;
	}
	cmd->handler(s, m);
}

