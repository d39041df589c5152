/* cmd_channel: JOIN, PART, TOPIC, NAMES, LIST, MODE, KICK, INVITE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "clock.h"
#include "commands.h"
#include "deliver.h"
#include "plain.h"
#include "registry.h"
#include "reply.h"
#include "server.h"
#include "session.h"
#include "utf8.h"
#include "xalloc.h"

#define NAMES_LINE_BUDGET 400 /* bytes of names per 353 line */
#define JOIN_ATTEMPTS 8       /* a room emptied under a joiner is made anew; bounded */

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

/* Why s may not join ch, or NULL; ch->lock held. Sets *numeric. An invite
 * lets s past +i and +l, never past a ban or a key; it is only looked at
 * here (the join uses it up once it succeeds). */
static const char *join_refusal(struct session *s, struct channel *ch, const char *key,
				const char **numeric)
{
	char source[128];
	session_source(s, source, sizeof source);
	bool invited = channel_is_invited(ch, s->id);
	if (channel_is_banned(ch, source)) {
		*numeric = "474";
		return "Cannot join channel (+b): you are banned";
	}
	if (ch->mode_invite_only && !invited) {
		*numeric = "473";
		return "Cannot join channel (+i): invite only";
	}
	if (ch->key[0] && (!key || strcmp(key, ch->key) != 0)) {
		*numeric = "475";
		return "Cannot join channel (+k): wrong or missing key";
	}
	if (ch->limit && ch->nmembers >= (size_t)ch->limit && !invited) {
		*numeric = "471";
		return "Cannot join channel (+l): channel is full";
	}
	return NULL;
}

void channel_quiet_notice_locked(struct session *s, struct channel *ch, struct session *to)
{
	char text[200];
	if (ch->quiet)
		snprintf(text, sizeof text, "%s has more than %d members: joins, parts and "
			 "quits are no longer shown (NAMES still lists everyone)", ch->name,
			 g_server.cfg.announce_max);
	else
		snprintf(text, sizeof text, "%s has %zu members: joins, parts and quits are "
			 "shown again (NAMES shows who came meanwhile)", ch->name, ch->nmembers);
	const char *params[] = {ch->name, text};
	struct outmsg m;
	outmsg_init(&m, g_server.cfg.name, "NOTICE", 2, params);
	if (to)
		deliver_queue(s, to, &m);
	for (size_t i = 0; !to && i < ch->nmembers; i++)
		deliver_queue(s, ch->members[i].session, &m);
	outmsg_release(&m);
}

/* Queues m (a JOIN, PART or QUIT about `subject`) to the members of ch that
 * hear of arrivals and departures (channel.h: quiet rooms) and to subject
 * itself; ch->lock held. */
static void arrival_tell_locked(struct session *s, struct channel *ch,
				struct session *subject, struct outmsg *m)
{
	for (size_t i = 0; i < ch->nmembers; i++)
		if (ch->members[i].session == subject || channel_tells_arrivals(ch, i))
			deliver_queue(s, ch->members[i].session, m);
}

/* Announces s's arrival in ch and sends it what a joiner gets (topic and
 * names, or the plain welcome; then the history). ch->lock held: the JOIN
 * line and the replay take their place in the room's order here. */
static void join_announce_locked(struct session *s, struct channel *ch)
{
	char source[128];
	session_source(s, source, sizeof source);
	const char *params[] = {ch->name};
	struct outmsg m;
	outmsg_init(&m, source, "JOIN", 1, params);
	arrival_tell_locked(s, ch, s, &m);
	outmsg_release(&m);
	if (channel_update_quiet(ch, g_server.cfg.announce_max) == QUIET_BEGAN)
		channel_quiet_notice_locked(s, ch, NULL);
	else if (ch->quiet)
		channel_quiet_notice_locked(s, ch, s);
	if (s->kind == SESSION_PLAIN) {
		plain_welcome_locked(s, ch);
	} else {
		topic_queue_locked(s, ch, false);
		reply_add_names(s, ch->name);
	}
	reply_add_history(s, ch);
}

/* The channel named name, locked and referenced, made if absent (or if the
 * one found emptied meanwhile); NULL if the server has too many rooms. */
static struct channel *channel_open_locked(const char *name)
{
	for (int attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
		struct channel *ch = registry_channel_open(name);
		if (!ch)
			return NULL;
		pthread_mutex_lock(&ch->lock);
		if (!atomic_load(&ch->dead))
			return ch;
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
	}
	return NULL;
}

/* Unlocks and lets go of a channel a join did not enter, dropping it from
 * the registry if it is empty (it was made for this join). */
static void channel_close_unjoined(struct channel *ch)
{
	bool empty = ch->nmembers == 0;
	if (empty)
		atomic_store(&ch->dead, true);
	pthread_mutex_unlock(&ch->lock);
	if (empty)
		registry_channel_forget(ch);
	channel_unref(ch);
}

int channel_join(struct session *s, const char *name, const char *key)
{
	char why[160];
	if (!ircname_channel_valid(name)) {
		refuse(s, "403", name, "Invalid channel name");
		return -1;
	}
	/* Only this thread adds to s's channels, so the count cannot grow
	 * between this check and the join. */
	int per_user = g_server.cfg.max_channels_per_user;
	if (channels_count_of(s) >= (size_t)per_user) {
		snprintf(why, sizeof why, "You have joined too many channels (at most %d); "
			 "leave one first", per_user);
		refuse(s, "405", name, why);
		return -1;
	}
	struct channel *ch = channel_open_locked(name);
	if (!ch) {
		snprintf(why, sizeof why, "Cannot create channel: the server has too many "
			 "channels (at most %d); join an existing one", g_server.cfg.max_channels);
		refuse(s, "405", name, why);
		return -1;
	}
	if (channel_has_member(ch, s)) {
		channel_close_unjoined(ch);
		return 0;
	}
	const char *numeric = NULL;
	const char *refusal = join_refusal(s, ch, key, &numeric);
	if (refusal) {
		channel_close_unjoined(ch);
		refuse(s, numeric, name, refusal);
		return -1;
	}
	channel_add_member(ch, s, ch->nmembers == 0);
	channel_invite_remove(ch, s->id);
	join_announce_locked(s, ch);
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
	reply_pump(s); /* NAMES and history stream from here (reply.h) */
	return 0;
}

/* Announces that leaver leaves ch (PART or KICK message m, sent by s) and
 * removes it. A KICK is told to everyone, a PART as arrivals are (quiet
 * rooms, channel.h). ch->lock held; it is dropped here, and ch dropped from
 * the registry if that emptied it. */
static void channel_leave_unlock(struct session *s, struct session *leaver,
				 struct channel *ch, struct outmsg *m, bool kick)
{
	if (kick)
		for (size_t i = 0; i < ch->nmembers; i++)
			deliver_queue(s, ch->members[i].session, m);
	else
		arrival_tell_locked(s, ch, leaver, m);
	bool emptied = channel_remove_member(ch, leaver);
	if (!emptied && channel_update_quiet(ch, g_server.cfg.announce_max) == QUIET_ENDED)
		channel_quiet_notice_locked(s, ch, NULL);
	pthread_mutex_unlock(&ch->lock);
	if (emptied)
		registry_channel_forget(ch);
}

int channel_part(struct session *s, const char *name, const char *reason)
{
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch) {
		refuse(s, "403", name, "No such channel");
		return -1;
	}
	pthread_mutex_lock(&ch->lock);
	if (!channel_has_member(ch, s)) {
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		refuse(s, "442", name, "You're not on that channel");
		return -1;
	}
	char source[128];
	session_source(s, source, sizeof source);
	const char *params[] = {ch->name, reason};
	struct outmsg m;
	outmsg_init(&m, source, "PART", reason && reason[0] ? 2 : 1, params);
	channel_leave_unlock(s, s, ch, &m, false);
	outmsg_release(&m);
	channel_unref(ch);
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
		struct channel **chs;
		size_t n = channels_of(s, &chs);
		for (size_t i = 0; i < n; i++)
			channel_part(s, chs[i]->name, NULL);
		channels_release(chs, n);
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
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch) {
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
	channel_unref(ch);
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

/* Kicks the member known in ch as nick, if s may. Returns false when s may
 * kick nobody here (stop). ch->lock is held on entry and dropped here; *gone
 * is set when the kick emptied ch. */
static bool kick_one_unlock(struct session *s, struct channel *ch, const char *nick,
			    const char *reason, bool *gone)
{
	int me = channel_member_index(ch, s);
	int victim = channel_member_by_nick(ch, nick);
	bool op = me >= 0 && ch->members[me].op;
	if (!op || victim < 0) {
		pthread_mutex_unlock(&ch->lock);
		if (me < 0)
			reply(s, "442", ch->name, "You're not on that channel", NULL);
		else if (!op)
			reply(s, "482", ch->name, "You're not channel operator", NULL);
		else
			reply(s, "441", nick, ch->name, "They aren't on that channel", NULL);
		return op;
	}
	char source[128], victim_nick[NICK_LEN_MAX + 1];
	session_source(s, source, sizeof source);
	snprintf(victim_nick, sizeof victim_nick, "%s", ch->members[victim].nick);
	const char *params[] = {ch->name, victim_nick, reason};
	struct outmsg out;
	outmsg_init(&out, source, "KICK", 3, params);
	*gone = ch->nmembers == 1;
	channel_leave_unlock(s, ch->members[victim].session, ch, &out, true);
	outmsg_release(&out);
	return !*gone;
}

/* KICK #ch nick[,nick] [reason] */
void cmd_kick(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	const char *reason = m->nparams > 2 && m->params[2][0] ? m->params[2] : s->nick;
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch) {
		reply(s, "403", name, "No such channel", NULL);
		return;
	}
	char *save;
	bool gone = false;
	for (char *nick = strtok_r(m->params[1], ",", &save); nick;
	     nick = strtok_r(NULL, ",", &save)) {
		pthread_mutex_lock(&ch->lock);
		if (!kick_one_unlock(s, ch, nick, reason, &gone))
			break;
	}
	channel_unref(ch);
}

/* INVITE nick #ch: the invite is kept for the invited connection. */
void cmd_invite(struct session *s, struct ircmsg *m)
{
	const char *nick = m->params[0], *name = m->params[1];
	char to_nick[NICK_LEN_MAX + 1] = "", away[AWAY_LEN_MAX + 1] = "";
	registry_rdlock();
	struct session *to = registry_find_nick(nick);
	if (to && to->registered) {
		session_ref(to);
		snprintf(to_nick, sizeof to_nick, "%s", to->nick);
		snprintf(away, sizeof away, "%s", to->away ? to->away : "");
	} else {
		to = NULL;
	}
	registry_unlock();
	struct channel *ch = to ? registry_channel_find_ref(name) : NULL;
	const char *numeric = NULL, *why = NULL;
	if (!to) {
		numeric = "401", why = "No such nick/channel";
	} else if (!ch) {
		numeric = "403", why = "No such channel";
	} else {
		pthread_mutex_lock(&ch->lock);
		if (channel_member_index(ch, s) < 0)
			numeric = "442", why = "You're not on that channel";
		else if (ch->mode_invite_only && !channel_is_op(ch, s))
			numeric = "482", why = "You're not channel operator";
		else if (channel_has_member(ch, to))
			numeric = "443", why = "is already on channel";
		else
			channel_invite_add(ch, to->id);
		pthread_mutex_unlock(&ch->lock);
	}
	if (why) {
		if (numeric[2] == '3' && numeric[1] == '4')
			reply(s, numeric, nick, name, why, NULL);
		else
			reply(s, numeric, numeric[2] == '1' ? nick : name, why, NULL);
	} else {
		char source[128];
		session_source(s, source, sizeof source);
		const char *params[] = {to_nick, ch->name};
		struct outmsg out;
		outmsg_init(&out, source, "INVITE", 2, params);
		deliver_queue(s, to, &out);
		outmsg_release(&out);
		reply(s, "341", to_nick, ch->name, NULL);
		if (away[0])
			reply(s, "301", to_nick, away, NULL);
	}
	channel_unref(ch);
	if (to)
		session_unref(to);
}
