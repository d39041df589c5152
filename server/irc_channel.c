/* irc_channel: see irc_channel.h. */
#include "irc_channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "utf8.h"
#include "irc_history.h"
#include "xalloc.h"

#define KICK_TARGETS_MAX 4 /* TARGMAX in ISUPPORT */

/* Queues the topic (332, 333) or 331 to s; ch->lock held. */
static void topic_queue_locked(struct session *s, struct channel *ch, bool say_none)
{
	if (!ch->topic) {
		if (say_none)
			reply(s, "331", ch->name, "No topic is set", NULL);
		return;
	}
	char when[24];
	snprintf(when, sizeof when, "%lld", ch->topic_unix_ms / 1000);
	reply(s, "332", ch->name, ch->topic, NULL);
	reply(s, "333", ch->name, ch->topic_setter, when, NULL);
}

void irc_joined_locked(struct session *s, struct channel *ch)
{
	topic_queue_locked(s, ch, false);
	irc_markread_joined(s, ch->name);
	reply_add_names(s, ch->name);
	reply_add_history(s, ch);
}

/* Joins one channel, telling s if it was refused; the NAMES and history
 * stream from here (reply.h). */
static void join_one(struct session *s, const char *name, const char *key)
{
	enum chat_result r = chat_join(s, name, key, irc_joined_locked);
	if (r == CHAT_OK)
		reply_pump(s);
	else if (r != CHAT_ALREADY_MEMBER)
		irc_refuse(s, r, name, NULL);
}

/* Runs the deferred rest of a JOIN (reply.h), which join_defer_rest wrote. */
static void join_rerun(struct session *s, char *line, size_t len)
{
	(void)len;
	struct ircmsg m;
	const char *reason;
	if (ircmsg_parse(line, &m, &reason) == 0 && m.nparams >= 1)
		cmd_join(s, &m);
}

/* A join's reply is still streaming: the channels after it are joined
 * once it is done (reply_add_line), so each one's replies stay in order. */
static void join_defer_rest(struct session *s, const char *names, const char *keys)
{
	if (!names || param_blank(names))
		return;
	char line[IRC_LINE_MAX];
	/* Written as the client could have: names stay a middle parameter when
	 * keys follow, and either may have come as the trailing one. */
	if (keys && keys[0])
		snprintf(line, sizeof line, "JOIN %s :%s", names, keys);
	else
		snprintf(line, sizeof line, "JOIN :%s", names);
	reply_add_line(s, line, join_rerun);
}

/* JOIN #a,#b [key,key] (and JOIN 0: leave every channel). */
void cmd_join(struct session *s, struct ircmsg *m)
{
	if (strcmp(m->params[0], "0") == 0) {
		struct channel **chs;
		size_t n = channels_of(s, &chs);
		for (size_t i = 0; i < n; i++)
			chat_part(s, chs[i]->name, NULL);
		channels_release(chs, n);
		return;
	}
	char *save_names, *save_keys = NULL;
	char *keys = m->nparams > 1 ? m->params[1] : NULL;
	char *key = keys ? strtok_r(keys, ",", &save_keys) : NULL;
	for (char *name = strtok_r(m->params[0], ",", &save_names); name;
	     name = strtok_r(NULL, ",", &save_names)) {
		join_one(s, name, key);
		if (reply_busy(s)) {
			join_defer_rest(s, save_names, key ? save_keys : NULL);
			return;
		}
		key = key ? strtok_r(NULL, ",", &save_keys) : NULL;
	}
}

/* PART #a,#b [reason] */
void cmd_part(struct session *s, struct ircmsg *m)
{
	const char *reason = m->nparams > 1 ? m->params[1] : NULL;
	char *save;
	for (char *name = strtok_r(m->params[0], ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		enum chat_result r = chat_part(s, name, reason);
		if (r != CHAT_OK)
			irc_refuse(s, r, name, NULL);
	}
}

/* TOPIC #ch [text]: query or set. */
void cmd_topic(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	if (m->nparams >= 2) {
		enum chat_result r = chat_topic_set(s, name, m->params[1]);
		if (r != CHAT_OK)
			irc_refuse(s, r, name, NULL);
		return;
	}
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch) {
		irc_refuse(s, CHAT_NO_SUCH_CHANNEL, name, NULL);
		return;
	}
	pthread_mutex_lock(&ch->lock);
	bool visible = channel_visible_to(ch, s); /* a +s room's topic is its members' */
	if (visible)
		topic_queue_locked(s, ch, true);
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
	if (!visible)
		irc_refuse(s, CHAT_NOT_ON_CHANNEL, name, NULL);
}

/* NAMES [#a,#b] */
void cmd_names(struct session *s, struct ircmsg *m)
{
	if (m->nparams < 1 || param_blank(m->params[0])) {
		reply(s, "366", "*", "End of /NAMES list", NULL);
		return;
	}
	reply_add_names(s, m->params[0]); /* streamed (reply.h) */
	reply_pump(s);
}

/* LIST [mask[,mask]]: every channel with its member count and topic,
 * streamed (reply.h). */
void cmd_list(struct session *s, struct ircmsg *m)
{
	reply_add_list(s, m->nparams > 0 ? m->params[0] : "");
	reply_pump(s);
}

/* KICK #ch nick[,nick] [reason]: at most KICK_TARGETS_MAX nicks (TARGMAX),
 * a 407 for the first one past it. */
void cmd_kick(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	const char *reason = m->nparams > 2 ? m->params[2] : NULL;
	char *save;
	int count = 0;
	for (char *nick = strtok_r(m->params[1], ",", &save); nick;
	     nick = strtok_r(NULL, ",", &save)) {
		if (++count > KICK_TARGETS_MAX) {
			reply(s, "407", nick, "Too many targets; the rest were not kicked", NULL);
			break;
		}
		enum chat_result r = chat_kick(s, name, nick, reason);
		if (r == CHAT_OK)
			continue;
		irc_refuse(s, r, name, nick);
		if (r != CHAT_THEY_NOT_ON_CHANNEL)
			break; /* s may kick nobody here */
	}
}

/* INVITE with no arguments: the rooms s is invited to (336, 337), at most
 * CHAT_INVITES_LIST_MAX of them. */
static void invite_list(struct session *s)
{
	char(*names)[CHANNEL_LEN_MAX + 1] = xcalloc(CHAT_INVITES_LIST_MAX, sizeof *names);
	size_t n = chat_invites_of(s, names, CHAT_INVITES_LIST_MAX);
	for (size_t i = 0; i < n; i++)
		reply(s, "336", names[i], NULL);
	reply(s, "337", "End of /INVITE list", NULL);
	free(names);
}

/* INVITE nick #ch: the invite is kept for the invited connection. INVITE
 * alone lists one's invites. */
void cmd_invite(struct session *s, struct ircmsg *m)
{
	if (m->nparams == 0) {
		invite_list(s);
		return;
	}
	if (m->nparams < 2) {
		reply(s, "461", "INVITE", "Not enough parameters", NULL);
		return;
	}
	const char *nick = m->params[0], *name = m->params[1];
	char to_nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	enum chat_result r = chat_invite(s, nick, name, to_nick, away);
	if (r != CHAT_OK) {
		irc_refuse(s, r, name, nick);
		return;
	}
	reply(s, "341", to_nick, name, NULL);
	if (away[0])
		reply(s, "301", to_nick, away, NULL);
}
