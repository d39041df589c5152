/* cmd_channel: JOIN, PART, TOPIC, NAMES, LIST, MODE, KICK, INVITE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "commands.h"
#include "deliver.h"
#include "plain.h"
#include "registry.h"
#include "reply.h"
#include "server.h"
#include "session.h"
#include "utf8.h"
#include "xalloc.h"

#define CHANNELS_PER_USER_MAX 50
#define NAMES_LINE_BUDGET 400 /* bytes of names per 353 line */

/* Reports a refusal to s: a numeric for IRC users, a sentence for plain ones. */
static void refuse(struct session *s, const char *numeric, const char *subject,
		   const char *text)
{
	if (s->kind == SESSION_PLAIN)
		plain_say(s, "Error: %s: %s", subject, text);
	else
		reply(s, numeric, subject, text, NULL);
}

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

/* Tells a plain joiner who is in the room; ch->lock held. */
static void plain_welcome_locked(struct session *s, struct channel *ch)
{
	char names[NAMES_LINE_BUDGET];
	size_t len = 0, shown = 0, others = ch->nmembers - 1;
	for (size_t i = 0; i < ch->nmembers && len < sizeof names - NICK_LEN_MAX - 8; i++) {
		if (ch->members[i].session == s)
			continue;
		int n = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
				 ch->members[i].session->nick);
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

/* Why s may not join ch, or NULL; ch->lock held. Sets *numeric. */
static const char *join_refusal(struct session *s, struct channel *ch, const char *key,
				const char **numeric)
{
	char source[128];
	session_source(s, source, sizeof source);
	bool invited = channel_invite_take(ch, s->nick);
	if (ch->mode_invite_only && !invited) {
		*numeric = "473";
		return "Cannot join channel (+i): invite only";
	}
	if (ch->key[0] && (!key || strcmp(key, ch->key) != 0)) {
		*numeric = "475";
		return "Cannot join channel (+k): wrong or missing key";
	}
	if (ch->limit && ch->nmembers >= (size_t)ch->limit) {
		*numeric = "471";
		return "Cannot join channel (+l): channel is full";
	}
	if (!invited && channel_is_banned(ch, source)) {
		*numeric = "474";
		return "Cannot join channel (+b): you are banned";
	}
	return NULL;
}

int channel_join(struct session *s, const char *name, const char *key)
{
	if (!ircname_channel_valid(name)) {
		refuse(s, "403", name, "Invalid channel name");
		return -1;
	}
	registry_wrlock();
	if (s->nchannels >= CHANNELS_PER_USER_MAX) {
		registry_unlock();
		refuse(s, "405", name, "You have joined too many channels");
		return -1;
	}
	bool created;
	struct channel *ch = registry_channel_get_or_create(name, &created);
	pthread_mutex_lock(&ch->lock);
	if (channel_member_index(ch, s) >= 0) {
		pthread_mutex_unlock(&ch->lock);
		registry_unlock();
		return 0;
	}
	const char *numeric = NULL;
	const char *why = created ? NULL : join_refusal(s, ch, key, &numeric);
	if (why) {
		pthread_mutex_unlock(&ch->lock);
		registry_unlock();
		refuse(s, numeric, name, why);
		return -1;
	}
	channel_add_member(ch, s, created);
	char source[128];
	session_source(s, source, sizeof source);
	const char *params[] = {ch->name};
	struct outmsg m;
	outmsg_init(&m, source, "JOIN", 1, params);
	for (size_t i = 0; i < ch->nmembers; i++)
		deliver_queue(s, ch->members[i].session, &m);
	if (s->kind == SESSION_PLAIN) {
		plain_welcome_locked(s, ch);
	} else {
		topic_queue_locked(s, ch, false);
		reply_add_names(s, ch->name);
	}
	reply_add_history(s, ch);
	pthread_mutex_unlock(&ch->lock);
	registry_unlock();
	outmsg_release(&m);
	reply_pump(s); /* NAMES and history stream from here (reply.h) */
	return 0;
}

/* Announces that s leaves ch (PART or KICK message m) and removes it.
 * Registry write lock held; takes ch->lock. Frees ch when it empties. */
static void channel_leave_locked(struct session *s, struct session *leaver,
				 struct channel *ch, struct outmsg *m)
{
	pthread_mutex_lock(&ch->lock);
	for (size_t i = 0; i < ch->nmembers; i++)
		deliver_queue(s, ch->members[i].session, m);
	channel_remove_member(ch, leaver);
	bool empty = ch->nmembers == 0;
	pthread_mutex_unlock(&ch->lock);
	if (empty)
		registry_channel_remove(ch);
}

int channel_part(struct session *s, const char *name, const char *reason)
{
	registry_wrlock();
	struct channel *ch = registry_find_channel(name);
	if (!ch || !channel_has_member(ch, s)) {
		registry_unlock();
		if (!ch)
			refuse(s, "403", name, "No such channel");
		else
			refuse(s, "442", name, "You're not on that channel");
		return -1;
	}
	char source[128];
	session_source(s, source, sizeof source);
	const char *params[] = {ch->name, reason};
	struct outmsg m;
	outmsg_init(&m, source, "PART", reason && reason[0] ? 2 : 1, params);
	channel_leave_locked(s, s, ch, &m);
	registry_unlock();
	outmsg_release(&m);
	return 0;
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
	reply_add_line(s, line);
}

/* JOIN #a,#b [key,key] (and JOIN 0: leave every channel). */
void cmd_join(struct session *s, struct ircmsg *m)
{
	if (strcmp(m->params[0], "0") == 0) {
		registry_rdlock();
		size_t n = s->nchannels;
		char(*names)[CHANNEL_LEN_MAX + 1] = xcalloc(n ? n : 1, sizeof *names);
		for (size_t i = 0; i < n; i++)
			snprintf(names[i], sizeof names[i], "%s", s->channels[i]->name);
		registry_unlock();
		for (size_t i = 0; i < n; i++)
			channel_part(s, names[i], NULL);
		free(names);
		return;
	}
	char *save_names, *save_keys = NULL;
	char *keys = m->nparams > 1 ? m->params[1] : NULL;
	char *key = keys ? strtok_r(keys, ",", &save_keys) : NULL;
	for (char *name = strtok_r(m->params[0], ",", &save_names); name;
	     name = strtok_r(NULL, ",", &save_names)) {
		channel_join(s, name, key);
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
	     name = strtok_r(NULL, ",", &save))
		channel_part(s, name, reason);
}

/* TOPIC #ch [text]: query or set. */
void cmd_topic(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	registry_rdlock();
	struct channel *ch = registry_find_channel(name);
	if (!ch) {
		registry_unlock();
		refuse(s, "403", name, "No such channel");
		return;
	}
	pthread_mutex_lock(&ch->lock);
	int me = channel_member_index(ch, s);
	if (m->nparams < 2) {
		topic_queue_locked(s, ch, true);
	} else if (me < 0) {
		refuse(s, "442", ch->name, "You're not on that channel");
	} else if (ch->mode_topic_ops && !ch->members[me].op) {
		refuse(s, "482", ch->name, "You're not channel operator");
	} else {
		const char *text = m->params[1];
		size_t len = utf8_cut(text, strlen(text), TOPIC_LEN_MAX);
		free(ch->topic);
		ch->topic = len ? xstrndup(text, len) : NULL;
		snprintf(ch->topic_setter, sizeof ch->topic_setter, "%s", s->nick);
		ch->topic_unix_ms = clock_unix_ms();
		char source[128];
		session_source(s, source, sizeof source);
		const char *params[] = {ch->name, ch->topic ? ch->topic : ""};
		struct outmsg out;
		outmsg_init(&out, source, "TOPIC", 2, params);
		for (size_t i = 0; i < ch->nmembers; i++)
			deliver_queue(s, ch->members[i].session, &out);
		outmsg_release(&out);
	}
	pthread_mutex_unlock(&ch->lock);
	registry_unlock();
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

/* KICK #ch nick[,nick] [reason] */
void cmd_kick(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	const char *reason = m->nparams > 2 && m->params[2][0] ? m->params[2] : s->nick;
	registry_wrlock();
	struct channel *ch = registry_find_channel(name);
	if (!ch) {
		registry_unlock();
		reply(s, "403", name, "No such channel", NULL);
		return;
	}
	char source[128];
	session_source(s, source, sizeof source);
	char *save;
	for (char *nick = strtok_r(m->params[1], ",", &save); nick && ch;
	     nick = strtok_r(NULL, ",", &save)) {
		pthread_mutex_lock(&ch->lock);
		bool member = channel_member_index(ch, s) >= 0;
		bool op = channel_is_op(ch, s);
		struct session *victim = registry_find_nick(nick);
		bool victim_in = victim && channel_member_index(ch, victim) >= 0;
		pthread_mutex_unlock(&ch->lock);
		if (!member) {
			reply(s, "442", ch->name, "You're not on that channel", NULL);
			break;
		}
		if (!op) {
			reply(s, "482", ch->name, "You're not channel operator", NULL);
			break;
		}
		if (!victim_in) {
			reply(s, "441", nick, ch->name, "They aren't on that channel", NULL);
			continue;
		}
		const char *params[] = {ch->name, victim->nick, reason};
		struct outmsg out;
		outmsg_init(&out, source, "KICK", 3, params);
		bool last = ch->nmembers == 1;
		channel_leave_locked(s, victim, ch, &out);
		outmsg_release(&out);
		if (last)
			ch = NULL;
	}
	registry_unlock();
}

/* INVITE nick #ch */
void cmd_invite(struct session *s, struct ircmsg *m)
{
	const char *nick = m->params[0], *name = m->params[1];
	registry_rdlock();
	struct session *to = registry_find_nick(nick);
	struct channel *ch = registry_find_channel(name);
	const char *numeric = NULL, *why = NULL, *subject = name;
	if (!to || !to->registered) {
		numeric = "401", why = "No such nick/channel", subject = nick;
	} else if (!ch) {
		numeric = "403", why = "No such channel";
	} else {
		pthread_mutex_lock(&ch->lock);
		if (channel_member_index(ch, s) < 0)
			numeric = "442", why = "You're not on that channel";
		else if (ch->mode_invite_only && !channel_is_op(ch, s))
			numeric = "482", why = "You're not channel operator";
		else if (channel_member_index(ch, to) >= 0)
			numeric = "443", why = "is already on channel";
		else
			channel_invite_add(ch, to->nick);
		pthread_mutex_unlock(&ch->lock);
	}
	if (why) {
		if (numeric[2] == '3' && numeric[1] == '4')
			reply(s, numeric, nick, name, why, NULL);
		else
			reply(s, numeric, subject, why, NULL);
		registry_unlock();
		return;
	}
	char source[128];
	session_source(s, source, sizeof source);
	const char *params[] = {to->nick, ch->name};
	struct outmsg out;
	outmsg_init(&out, source, "INVITE", 2, params);
	deliver_queue(s, to, &out);
	outmsg_release(&out);
	reply(s, "341", to->nick, ch->name, NULL);
	if (to->away)
		reply(s, "301", to->nick, to->away, NULL);
	registry_unlock();
}
