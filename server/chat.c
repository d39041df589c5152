/* chat: see chat.h. */
#include "chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "channel.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "log.h"
#include "monitor.h"
#include "multiline.h"
#include "narrate.h"
#include "registry.h"
#include "session.h"
#include "utf8.h"
#include "whowas.h"
#include "xalloc.h"

#define JOIN_ATTEMPTS 8 /* a room emptied under a joiner is made anew; bounded */

const char *chat_result_text(enum chat_result r)
{
	switch (r) {
	case CHAT_OK:
	case CHAT_ALREADY_MEMBER:
		return "Done";
	case CHAT_NO_SUCH_NICK:
		return "No such nick/channel";
	case CHAT_NO_SUCH_CHANNEL:
		return "No such channel";
	case CHAT_BAD_CHANNEL_NAME:
		return "Invalid channel name";
	case CHAT_BAD_NICK:
		return "Erroneous nickname";
	case CHAT_NICK_IN_USE:
		return "Nickname is already in use";
	case CHAT_TOO_MANY_CHANNELS:
		return "You have joined too many channels";
	case CHAT_SERVER_CHANNELS_FULL:
		return "Cannot create channel: the server has too many channels";
	case CHAT_NOT_ON_CHANNEL:
		return "You're not on that channel";
	case CHAT_THEY_NOT_ON_CHANNEL:
		return "They aren't on that channel";
	case CHAT_ALREADY_ON_CHANNEL:
		return "is already on channel";
	case CHAT_NOT_OP:
		return "You're not channel operator";
	case CHAT_CANNOT_SEND_EXTERNAL:
		return "Cannot send to channel (no external messages)";
	case CHAT_CANNOT_SEND_BANNED:
		return "Cannot send to channel (you are banned)";
	case CHAT_CANNOT_SEND_MODERATED:
		return "Cannot send to channel (+m): only voiced members and operators speak";
	case CHAT_BANNED:
		return "Cannot join channel (+b): you are banned";
	case CHAT_INVITE_ONLY:
		return "Cannot join channel (+i): invite only";
	case CHAT_BAD_KEY:
		return "Cannot join channel (+k): wrong or missing key";
	case CHAT_CHANNEL_FULL:
		return "Cannot join channel (+l): channel is full";
	case CHAT_UNKNOWN_MODE:
		return "is unknown mode char to me";
	case CHAT_BAD_MODE_ARG:
		return "Invalid mode parameter";
	case CHAT_BAN_LIST_FULL:
		return "Channel ban list is full";
	case CHAT_TOO_MANY_MODES:
		return "Too many mode changes with a parameter in one command";
	case CHAT_HISTORY_UNKNOWN_MSGID:
		return "No such message in this room's history";
	case CHAT_HISTORY_ERROR:
		return "History could not be read";
	}
	return "Refused";
}

void chat_room_tell_locked(struct session *s, struct channel *ch, struct outmsg *m)
{
	for (size_t i = 0; i < ch->nmembers; i++)
		deliver_queue(s, ch->members[i].session, m);
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

/* Tells ch's members (or only `to`, if set) that ch became quiet or stopped
 * being quiet (channel.h); ch->lock held. */
static void quiet_notice_locked(struct session *s, struct channel *ch, struct session *to)
{
	char text[200];
	if (ch->quiet)
		snprintf(text, sizeof text, "%s has more than %d members: joins, parts and "
			 "quits are no longer shown (NAMES still lists everyone)", ch->name,
			 LIVE(announce_max));
	else
		snprintf(text, sizeof text, "%s has %zu members: joins, parts and quits are "
			 "shown again (NAMES shows who came meanwhile)", ch->name, ch->nmembers);
	const char *params[] = {ch->name, text};
	struct outmsg m;
	outmsg_init(&m, g_server.cfg.name, "NOTICE", 2, params);
	if (to)
		deliver_queue(s, to, &m);
	else
		chat_room_tell_locked(s, ch, &m);
	outmsg_release(&m);
}

/* After a member left ch (still locked, not emptied): tell the room if that
 * made it loud again. */
static void quiet_after_leave_locked(struct session *s, struct channel *ch)
{
	if (channel_update_quiet(ch, LIVE(announce_max)) == QUIET_ENDED)
		quiet_notice_locked(s, ch, NULL);
}

/* --- join --- */

/* Why s may not join ch, or CHAT_OK; ch->lock held. An invite lets s past +i
 * and +l, never past a ban or a key; it is only looked at here (the join uses
 * it up once it succeeds). */
static enum chat_result join_check(struct session *s, struct channel *ch, const char *key)
{
	const struct source source = session_source(s);
	bool invited = channel_is_invited(ch, s->id);
	if (channel_is_banned(ch, source.text))
		return CHAT_BANNED;
	/* An empty room's +i is not enforced: an invite needs someone inside,
	 * so a room remembered with +i (archive.h) would be shut for good. The
	 * key and the bans hold (the first one back gets op only if the room
	 * remembers no op accounts, chat.h: chat_ops). */
	if (ch->mode_invite_only && !invited && ch->nmembers > 0 &&
	    !channel_is_invex(ch, source.text))
		return CHAT_INVITE_ONLY;
	if (ch->key[0] && (!key || strcmp(key, ch->key) != 0))
		return CHAT_BAD_KEY;
	if (ch->limit && ch->nmembers >= (size_t)ch->limit && !invited)
		return CHAT_CHANNEL_FULL;
	return CHAT_OK;
}

static void away_outmsg_init(struct outmsg *m, const struct source *source,
			     const struct session *s, const char *params[1]);

/* Tells ch's away-notify members who saw s arrive that s is away; ch->lock
 * held. */
static void away_tell_locked(struct session *s, struct channel *ch)
{
	const struct source source = session_source(s);
	const char *params[1];
	struct outmsg m;
	away_outmsg_init(&m, &source, s, params);
	for (size_t i = 0; i < ch->nmembers; i++) {
		struct session *to = ch->members[i].session;
		if (to != s && channel_tells_arrivals(ch, i) &&
		    (atomic_load_explicit(&to->caps, memory_order_relaxed) & CAP_AWAY_NOTIFY))
			deliver_queue(s, to, &m);
	}
	outmsg_release(&m);
}

/* Announces s's arrival in ch and queues what a joiner gets. ch->lock held:
 * the JOIN line and the replay take their place in the room's order here. */
static void join_announce_locked(struct session *s, struct channel *ch,
				 chat_joined_fn *joined)
{
	const struct source source = session_source(s);
	const char *params[] = {ch->name};
	struct outmsg m;
	outmsg_init(&m, source.text, "JOIN", 1, params);
	m.account = session_account(s); /* account-tag */
	m.realname = s->realname ? s->realname : ""; /* extended-join */
	arrival_tell_locked(s, ch, s, &m);
	outmsg_release(&m);
	if (s->away) /* away-notify: the joiner's state, right after the JOIN */
		away_tell_locked(s, ch);
	if (channel_update_quiet(ch, LIVE(announce_max)) == QUIET_BEGAN)
		quiet_notice_locked(s, ch, NULL);
	else if (ch->quiet)
		quiet_notice_locked(s, ch, s);
	joined(s, ch);
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

enum chat_result chat_join(struct session *s, const char *name, const char *key,
			   chat_joined_fn *joined)
{
	if (!ircname_channel_valid(name))
		return CHAT_BAD_CHANNEL_NAME;
	/* Only this thread adds to s's channels, so the count cannot grow
	 * between this check and the join. */
	if (channels_count_of(s) >= (size_t)LIVE(max_channels_per_user))
		return CHAT_TOO_MANY_CHANNELS;
	struct channel *ch = channel_open_locked(name);
	if (!ch)
		return CHAT_SERVER_CHANNELS_FULL;
	if (channel_has_member(ch, s)) {
		channel_close_unjoined(ch);
		return CHAT_ALREADY_MEMBER;
	}
	enum chat_result r = join_check(s, ch, key);
	if (r != CHAT_OK) {
		channel_close_unjoined(ch);
		return r;
	}
	channel_add_member(ch, s, chat_ops_join_as_op_locked(ch));
	channel_invite_remove(ch, s->id);
	join_announce_locked(s, ch, joined);
	chat_ops_joined_locked(s, ch);
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
	return CHAT_OK;
}

/* --- part and kick --- */

/* Announces that leaver leaves ch (PART or KICK message m, sent by s) and
 * removes it. A KICK is told to everyone, a PART as arrivals are (quiet
 * rooms, channel.h). ch->lock held; it is dropped here, and ch dropped from
 * the registry if that emptied it. */
static void channel_leave_unlock(struct session *s, struct session *leaver,
				 struct channel *ch, struct outmsg *m, bool kick)
{
	if (kick)
		chat_room_tell_locked(s, ch, m);
	else
		arrival_tell_locked(s, ch, leaver, m);
	bool emptied = channel_remove_member(ch, leaver);
	if (!emptied)
		quiet_after_leave_locked(s, ch);
	pthread_mutex_unlock(&ch->lock);
	if (emptied)
		registry_channel_forget(ch);
}

enum chat_result chat_part(struct session *s, const char *name, const char *reason)
{
	struct channel *ch = registry_channel_find_ref_for(s, name);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	pthread_mutex_lock(&ch->lock);
	if (!channel_has_member(ch, s)) {
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		return CHAT_NOT_ON_CHANNEL;
	}
	const struct source source = session_source(s);
	const char *params[] = {ch->name, reason};
	struct outmsg m;
	outmsg_init(&m, source.text, "PART", reason && reason[0] ? 2 : 1, params);
	m.account = session_account(s); /* account-tag */
	channel_leave_unlock(s, s, ch, &m, false);
	outmsg_release(&m);
	channel_unref(ch);
	return CHAT_OK;
}

enum chat_result chat_kick(struct session *s, const char *name, const char *nick,
			   const char *reason)
{
	struct channel *ch = registry_channel_find_ref_for(s, name);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	pthread_mutex_lock(&ch->lock);
	int me = channel_member_index(ch, s);
	int victim = channel_member_by_nick(ch, nick);
	bool override = me >= 0 && !ch->members[me].op && s->oper; /* an IRC operator */
	enum chat_result r = me < 0				 ? CHAT_NOT_ON_CHANNEL
			     : !ch->members[me].op && !override	 ? CHAT_NOT_OP
			     : victim < 0			 ? CHAT_THEY_NOT_ON_CHANNEL
								 : CHAT_OK;
	if (r != CHAT_OK) {
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		return r;
	}
	const struct source source = session_source(s);
	char victim_nick[NICK_LEN_MAX + 1];
	snprintf(victim_nick, sizeof victim_nick, "%s", ch->members[victim].nick);
	const char *params[] = {ch->name, victim_nick, reason && reason[0] ? reason : s->nick};
	struct outmsg out;
	outmsg_init(&out, source.text, "KICK", 3, params);
	out.account = session_account(s); /* account-tag */
	char next_room[CHANNEL_LEN_MAX + 1];
	channel_last_joined_except(ch->members[victim].session, ch->name, next_room);
	out.about = ch->members[victim].session; /* reads it its own way (deliver.h) */
	out.about_next_room = next_room;
	channel_leave_unlock(s, ch->members[victim].session, ch, &out, true);
	outmsg_release(&out);
	if (override)
		chat_override_log(s, "KICK", ch->name, victim_nick);
	channel_unref(ch);
	return CHAT_OK;
}

/* --- invite and topic --- */

/* The registered session called nick, with a reference, copying its nick and
 * away text; NULL if there is none. */
static struct session *person_find_ref(const char *nick, char nick_out[NICK_LEN_MAX + 1],
				       char *away_out)
{
	registry_rdlock();
	struct session *to = registry_find_nick(nick);
	if (to && to->registered) {
		session_ref(to);
		snprintf(nick_out, NICK_LEN_MAX + 1, "%s", to->nick);
		if (away_out)
			snprintf(away_out, AWAY_LEN_MAX + 1, "%s", to->away ? to->away : "");
	} else {
		to = NULL;
	}
	registry_unlock();
	return to;
}

/* May s invite `to` into ch? Records the invite if so. ch->lock held. */
static enum chat_result invite_locked(struct session *s, struct channel *ch,
				      struct session *to)
{
	if (channel_member_index(ch, s) < 0)
		return CHAT_NOT_ON_CHANNEL;
	if (ch->mode_invite_only && !channel_is_op(ch, s))
		return CHAT_NOT_OP;
	if (channel_has_member(ch, to))
		return CHAT_ALREADY_ON_CHANNEL;
	channel_invite_add(ch, to->id);
	return CHAT_OK;
}

/* invite-notify: the room's operators who negotiated it see the INVITE
 * (m) too, but for the inviter and the invited; ch->lock held. */
static void invite_notify_locked(struct session *s, struct channel *ch, struct session *invited,
				 struct outmsg *m)
{
	for (size_t i = 0; i < ch->nmembers; i++) {
		struct session *u = ch->members[i].session;
		if (ch->members[i].op && u != s && u != invited &&
		    (atomic_load_explicit(&u->caps, memory_order_relaxed) & CAP_INVITE_NOTIFY))
			deliver_queue(s, u, m);
	}
}

enum chat_result chat_invite(struct session *s, const char *nick, const char *name,
			     char nick_out[NICK_LEN_MAX + 1], char *away_out)
{
	struct session *to = person_find_ref(nick, nick_out, away_out);
	if (!to)
		return CHAT_NO_SUCH_NICK;
	struct channel *ch = registry_channel_find_ref_for(s, name);
	if (!ch) {
		session_unref(to);
		return CHAT_NO_SUCH_CHANNEL;
	}
	pthread_mutex_lock(&ch->lock);
	enum chat_result r = invite_locked(s, ch, to);
	if (r == CHAT_OK) {
		const struct source source = session_source(s);
		const char *params[] = {nick_out, ch->name};
		struct outmsg out;
		outmsg_init(&out, source.text, "INVITE", 2, params);
		out.account = session_account(s); /* account-tag */
		deliver_queue(s, to, &out);
		invite_notify_locked(s, ch, to, &out);
		outmsg_release(&out);
	}
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
	session_unref(to);
	return r;
}

enum chat_result chat_topic_set(struct session *s, const char *name, const char *text)
{
	struct channel *ch = registry_channel_find_ref_for(s, name);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	pthread_mutex_lock(&ch->lock);
	int me = channel_member_index(ch, s);
	bool override = me >= 0 && ch->mode_topic_ops && !ch->members[me].op && s->oper;
	enum chat_result r = me < 0 ? CHAT_NOT_ON_CHANNEL
			     : ch->mode_topic_ops && !ch->members[me].op && !override ? CHAT_NOT_OP
										       : CHAT_OK;
	if (r == CHAT_OK) {
		size_t len = utf8_cut(text, strlen(text), TOPIC_LEN_MAX);
		free(ch->topic);
		ch->topic = len ? xstrndup(text, len) : NULL;
		snprintf(ch->topic_setter, sizeof ch->topic_setter, "%s", s->nick);
		ch->topic_unix_ms = clock_unix_ms();
		const struct source source = session_source(s);
		const char *params[] = {ch->name, ch->topic ? ch->topic : ""};
		struct outmsg out;
		outmsg_init(&out, source.text, "TOPIC", 2, params);
		out.account = session_account(s); /* account-tag */
		chat_room_tell_locked(s, ch, &out);
		archive_message_locked(ch, &out, params[1], NULL);
		archive_room_changed_locked(ch);
		outmsg_release(&out);
	}
	pthread_mutex_unlock(&ch->lock);
	if (override)
		chat_override_log(s, "TOPIC", ch->name, "");
	channel_unref(ch);
	return r;
}

/* --- pending invites --- */

struct invites_walk {
	unsigned long id;
	char (*names)[CHANNEL_LEN_MAX + 1];
	size_t n, cap;
};

/* Adds ch to the walk's list if the session holds an invite to it. */
static void invites_offer(struct channel *ch, void *arg)
{
	struct invites_walk *w = arg;
	if (w->n == w->cap)
		return;
	pthread_mutex_lock(&ch->lock);
	if (channel_is_invited(ch, w->id))
		snprintf(w->names[w->n++], CHANNEL_LEN_MAX + 1, "%s", ch->name);
	pthread_mutex_unlock(&ch->lock);
}

size_t chat_invites_of(struct session *s, char (*names)[CHANNEL_LEN_MAX + 1], size_t cap)
{
	struct invites_walk w = {.id = s->id, .names = names, .cap = cap};
	registry_rdlock();
	registry_each_channel(invites_offer, &w);
	registry_unlock();
	return w.n;
}

/* --- messages --- */

/* May s send to ch? ch->lock held. The member list of a big room is long:
 * membership is checked on the sender's own list, and its modes looked up
 * only if bans apply. */
static enum chat_result send_check_locked(struct session *s, struct channel *ch,
					  const char *source)
{
	bool member = channel_has_member(ch, s);
	if (!member && ch->mode_no_external)
		return CHAT_CANNOT_SEND_EXTERNAL;
	bool banned = ch->nbans && channel_is_banned(ch, source);
	if (banned || ch->mode_moderated) {
		int me = member ? channel_member_index(ch, s) : -1;
		if (me < 0 || !(ch->members[me].op || ch->members[me].voice))
			return banned ? CHAT_CANNOT_SEND_BANNED : CHAT_CANNOT_SEND_MODERATED;
	}
	return CHAT_OK;
}

/* Does members[i] hear a message sent to status ('@': "@#room", ops only;
 * '+': "+#room", voiced members and ops; 0: the whole room)? ch->lock held. */
static bool status_hears(const struct channel *ch, size_t i, char status)
{
	const struct member *mb = &ch->members[i];
	return status == 0 || mb->op || (status == '+' && mb->voice);
}

/* Fans a PRIVMSG/NOTICE out to a room the caller holds a reference to (no
 * registry lock: a big room's fan-out stops nobody else). A STATUSMSG
 * (status '@' or '+') reaches only the members of that rank, names the
 * room with its prefix and is not kept in the room's history (which every
 * member replays). */
static enum chat_result message_to_room(struct session *s, const char *command,
					struct channel *ch, const char *text, const char *tags,
					char status)
{
	const struct source source = session_source(s);
	pthread_mutex_lock(&ch->lock);
	enum chat_result r = send_check_locked(s, ch, source.text);
	if (r != CHAT_OK) {
		pthread_mutex_unlock(&ch->lock);
		return r;
	}
	char prefixed[CHANNEL_LEN_MAX + 2];
	snprintf(prefixed, sizeof prefixed, "%c%s", status, ch->name);
	const char *params[] = {status ? prefixed : ch->name, text};
	struct outmsg m;
	outmsg_init(&m, source.text, command, text ? 2 : 1, params);
	m.account = session_account(s); /* account-tag */
	m.bot = s->bot;         /* bot mode's tag */
	m.client_tags = tags;
	bool echo = atomic_load(&s->caps) & CAP_ECHO_MESSAGE;
	bool trace_io = g_server.cfg.trace_io;
	struct narrate_fanout fanout = {0};
	for (size_t i = 0; i < ch->nmembers; i++) {
		struct session *to = ch->members[i].session;
		if (to == s ? echo : status_hears(ch, i, status)) {
			deliver_queue(s, to, &m);
			if (trace_io)
				narrate_fanout_add(&fanout, to->fd);
		}
	}
	if (ch->nmembers && text && !status) /* a TAGMSG (no text) is never kept */
		archive_message_locked(ch, &m, text, tags);
	pthread_mutex_unlock(&ch->lock);
	outmsg_release(&m);
	if (trace_io)
		narrate_fanout(s, &fanout); /* told after the lock: no I/O under it */
	return CHAT_OK;
}

/* Sends a PRIVMSG/NOTICE to one person; registry read lock held. */
static void message_to_person(struct session *s, const char *command, struct session *to,
			      const char *text, const char *tags)
{
	const struct source source = session_source(s);
	const char *params[] = {to->nick, text};
	struct outmsg m;
	outmsg_init(&m, source.text, command, text ? 2 : 1, params);
	m.account = session_account(s); /* account-tag */
	m.bot = s->bot;         /* bot mode's tag */
	m.client_tags = tags;
	deliver_queue(s, to, &m);
	if (atomic_load(&s->caps) & CAP_ECHO_MESSAGE && to != s)
		deliver_queue(s, s, &m);
	archive_dm(&m, text, tags, session_account(s), session_account(to)); /* accounts only */
	outmsg_release(&m);
}

enum chat_result chat_message(struct session *s, const char *command, const char *target,
			      const char *text, const char *tags, char nick_out[NICK_LEN_MAX + 1],
			      char *away_out)
{
	nick_out[0] = away_out[0] = '\0';
	atomic_store(&s->last_message_mono_ms, clock_mono_ms());
	char status = (target[0] == '@' || target[0] == '+') && target[1] == '#' ? target[0] : 0;
	if (status)
		target++; /* STATUSMSG=@+ (ISUPPORT) */
	if (target[0] == '#') {
		struct channel *ch = registry_channel_find_ref_for(s, target);
		if (!ch)
			return CHAT_NO_SUCH_CHANNEL;
		enum chat_result r = message_to_room(s, command, ch, text, tags, status);
		channel_unref(ch);
		return r;
	}
	registry_rdlock();
	struct session *to = registry_find_nick(target);
	bool found = to && to->registered;
	if (found) {
		message_to_person(s, command, to, text, tags);
		snprintf(nick_out, NICK_LEN_MAX + 1, "%s", to->nick);
		if (command[0] == 'P' && to->away)
			snprintf(away_out, AWAY_LEN_MAX + 1, "%s", to->away);
	}
	registry_unlock();
	return found ? CHAT_OK : CHAT_NO_SUCH_NICK;
}

/* --- draft/multiline --- */

/* A batch being delivered: one outmsg per line (for those without the
 * capability, and for history) and the whole as one block for those with it. */
struct ml_delivery {
	const struct multiline *ml;
	char *texts[MULTILINE_MAX_LINES];
	struct outmsg lines[MULTILINE_MAX_LINES];
	struct msgbuf *block;
	char source[SESSION_SOURCE_MAX];
};

/* Does to take a draft/multiline batch as one? */
static bool ml_takes_batch(const struct session *to)
{
	unsigned need = CAP_MULTILINE | CAP_BATCH;
	return (atomic_load_explicit(&to->caps, memory_order_relaxed) & need) == need;
}

/* Renders the block: BATCH +ref draft/multiline target (msgid and time of
 * the first line), each line tagged batch=ref (and the concat tag), BATCH -ref. */
static struct msgbuf *ml_block(const struct ml_delivery *d, const char *target)
{
	const struct multiline *ml = d->ml;
	size_t cap = (ml->nlines + 2) * OUT_SERVER_LINE_MAX, len = 0;
	char *buf = xmalloc(cap), ref[32], tags[OUT_SERVER_TAGS_MAX], time[64];
	snprintf(ref, sizeof ref, "ml%llu", d->lines[0].stamp);
	deliver_time_tag(d->lines[0].unix_ms, time, sizeof time);
	snprintf(tags, sizeof tags, "msgid=%s;%s", d->lines[0].msgid, time);
	char plus[sizeof ref + 1], minus[sizeof ref + 1];
	snprintf(plus, sizeof plus, "+%s", ref);
	snprintf(minus, sizeof minus, "-%s", ref);
	const char *start[] = {plus, "draft/multiline", target};
	int n = deliver_format(buf, cap, tags, d->source, "BATCH", 3, start);
	for (size_t i = 0; n > 0 && i < ml->nlines; i++) {
		len += (size_t)n;
		snprintf(tags, sizeof tags, "batch=%s%s", ref,
			 ml->lines[i].concat ? ";draft/multiline-concat" : "");
		const char *params[] = {target, d->texts[i]};
		n = deliver_format(buf + len, cap - len, tags, d->source, ml->command, 2, params);
	}
	if (n > 0) {
		len += (size_t)n;
		const char *end[] = {minus};
		n = deliver_format(buf + len, cap - len, NULL, d->source, "BATCH", 1, end);
	}
	struct msgbuf *out = n > 0 ? msgbuf_new(buf, len + (size_t)n) : NULL;
	free(buf);
	return out;
}

/* Sets d up for ml from s to target (a room's or a person's name). If
 * the block cannot be made (it always fits), everyone gets the lines. */
static void ml_prepare(struct ml_delivery *d, struct session *s, const struct multiline *ml,
		       const char *target)
{
	memset(d, 0, sizeof *d);
	d->ml = ml;
	snprintf(d->source, sizeof d->source, "%s", session_source(s).text);
	for (size_t i = 0; i < ml->nlines; i++) {
		d->texts[i] = xstrndup(ml->text + ml->lines[i].off, ml->lines[i].len);
		const char *params[] = {target, d->texts[i]};
		outmsg_init(&d->lines[i], d->source, ml->command, 2, params);
		d->lines[i].account = session_account(s);
	}
	d->block = ml_block(d, target);
}

/* Frees what ml_prepare made. */
static void ml_release(struct ml_delivery *d)
{
	for (size_t i = 0; i < d->ml->nlines; i++) {
		outmsg_release(&d->lines[i]);
		free(d->texts[i]);
	}
	if (d->block)
		msgbuf_unref(d->block);
}

/* Queues d for `to`: the block, or each line. The sender's own copy (to ==
 * s, echo-message) goes line by line through deliver_queue_line so a
 * labeled response can take it. */
static void ml_queue(struct session *s, struct session *to, struct ml_delivery *d)
{
	if (!d->block || !ml_takes_batch(to)) {
		for (size_t i = 0; i < d->ml->nlines; i++)
			deliver_queue(s, to, &d->lines[i]);
		return;
	}
	if (to != s) {
		deliver_queue_buf(s, to, d->block);
		return;
	}
	const char *p = d->block->data, *end = p + d->block->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		deliver_queue_line(s, s, p, len);
		p += len;
	}
}

/* A batch to a room the caller holds a reference to. */
static enum chat_result ml_to_room(struct session *s, const struct multiline *ml,
				   struct channel *ch)
{
	const struct source source = session_source(s);
	struct ml_delivery d;
	ml_prepare(&d, s, ml, ch->name);
	pthread_mutex_lock(&ch->lock);
	enum chat_result r = send_check_locked(s, ch, source.text);
	if (r == CHAT_OK) {
		bool echo = atomic_load(&s->caps) & CAP_ECHO_MESSAGE;
		for (size_t i = 0; i < ch->nmembers; i++) {
			struct session *to = ch->members[i].session;
			if (to != s || echo)
				ml_queue(s, to, &d);
		}
		for (size_t i = 0; ch->nmembers && i < ml->nlines; i++)
			archive_message_locked(ch, &d.lines[i], d.texts[i], NULL);
	}
	pthread_mutex_unlock(&ch->lock);
	ml_release(&d);
	return r;
}

enum chat_result chat_multiline(struct session *s, const struct multiline *ml,
				char nick_out[NICK_LEN_MAX + 1], char *away_out)
{
	nick_out[0] = away_out[0] = '\0';
	atomic_store(&s->last_message_mono_ms, clock_mono_ms());
	if (ml->target[0] == '#') {
		struct channel *ch = registry_channel_find_ref_for(s, ml->target);
		if (!ch)
			return CHAT_NO_SUCH_CHANNEL;
		enum chat_result r = ml_to_room(s, ml, ch);
		channel_unref(ch);
		return r;
	}
	registry_rdlock();
	struct session *to = registry_find_nick(ml->target);
	bool found = to && to->registered;
	if (found) {
		struct ml_delivery d;
		ml_prepare(&d, s, ml, to->nick);
		ml_queue(s, to, &d);
		if ((atomic_load(&s->caps) & CAP_ECHO_MESSAGE) && to != s)
			ml_queue(s, s, &d);
		for (size_t i = 0; i < ml->nlines; i++)
			archive_dm(&d.lines[i], d.texts[i], NULL, session_account(s),
				   session_account(to));
		ml_release(&d);
		snprintf(nick_out, NICK_LEN_MAX + 1, "%s", to->nick);
		if (ml->command[0] == 'P' && to->away)
			snprintf(away_out, AWAY_LEN_MAX + 1, "%s", to->away);
	}
	registry_unlock();
	return found ? CHAT_OK : CHAT_NO_SUCH_NICK;
}

/* --- nick changes and leaving --- */

/* Everyone in chs (locked) who should hear m about s, once each, sorted:
 * every member but s for a NICK, and for a QUIT (leave) only those who hear
 * of departures (quiet rooms, channel.h). Sets *n; free the array. */
static struct session **neighbours_collect(struct session *s, struct channel **chs,
					   size_t nchs, bool leave, unsigned cap, size_t *n)
{
	size_t total = 0;
	for (size_t c = 0; c < nchs; c++)
		total += chs[c]->nmembers;
	struct session **to = xmalloc((total ? total : 1) * sizeof *to);
	size_t nto = 0;
	for (size_t c = 0; c < nchs; c++) {
		struct channel *ch = chs[c];
		if (!channel_has_member(ch, s))
			continue; /* kicked since the list was taken */
		for (size_t i = 0; i < ch->nmembers; i++)
			if (ch->members[i].session != s && (!leave || channel_tells_arrivals(ch, i)) &&
			    (!cap || (atomic_load_explicit(&ch->members[i].session->caps,
							   memory_order_relaxed) & cap)))
				to[nto++] = ch->members[i].session;
	}
	qsort(to, nto, sizeof *to, session_ptr_order);
	size_t unique = 0;
	for (size_t i = 0; i < nto; i++)
		if (i == 0 || to[i] != to[i - 1])
			to[unique++] = to[i];
	*n = unique;
	return to;
}

/* Removes s from every room in chs (locked), then unlocks them and drops
 * the rooms this emptied from the registry. */
static void rooms_leave_unlock(struct session *s, struct channel **chs, size_t n)
{
	bool *emptied = xcalloc(n ? n : 1, sizeof *emptied);
	for (size_t c = 0; c < n; c++) {
		emptied[c] = channel_remove_member(chs[c], s);
		if (!emptied[c])
			quiet_after_leave_locked(s, chs[c]);
	}
	channels_unlock_all(chs, n);
	for (size_t c = 0; c < n; c++)
		if (emptied[c])
			registry_channel_forget(chs[c]);
	free(emptied);
}

/* Tells everyone who shares a room with s (but not s) about m — a NICK
 * (new_nick set: the rooms learn the new name with it) or a QUIT (leave set:
 * s leaves every room) — and drops the rooms this empties.
 *
 * Order: all of s's room locks are held at once (taken in id order, see
 * channel.h) while m is queued, so m takes one place in each room's order,
 * the same for every member; and each recipient gets m once, however many
 * rooms it shares with s (recipients are collected, sorted and deduplicated,
 * because other rooms' messages may reach a queue between two of ours, so
 * the queue's last-stamp check is not enough). No registry lock is held:
 * messages in other rooms keep flowing meanwhile. */
static void neighbours_tell(struct session *s, struct outmsg *m, const char *new_nick,
			    bool leave)
{
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	channels_lock_all(chs, n);
	if (m) {
		size_t nto;
		struct session **to = neighbours_collect(s, chs, n, leave, 0, &nto);
		for (size_t i = 0; i < nto; i++)
			deliver_queue(s, to[i], m);
		free(to);
	}
	for (size_t c = 0; new_nick && c < n; c++)
		channel_rename_member(chs[c], s, new_nick);
	if (leave)
		rooms_leave_unlock(s, chs, n);
	else
		channels_unlock_all(chs, n);
	channels_release(chs, n);
}

/* What WHOWAS will show of s under its present nick. Worker only (it
 * owns these fields). */
static void whowas_entry_of(const struct session *s, struct whowas_entry *e)
{
	snprintf(e->nick, sizeof e->nick, "%s", s->nick);
	snprintf(e->user, sizeof e->user, "%s", s->user);
	snprintf(e->host, sizeof e->host, "%s", s->host);
	size_t len = s->realname ? utf8_cut(s->realname, strlen(s->realname),
					    sizeof e->realname - 1) : 0;
	snprintf(e->realname, sizeof e->realname, "%.*s", (int)len, s->realname ? s->realname : "");
	e->left_unix_ms = clock_unix_ms();
}

/* extended-monitor: s came online under a watched nick while away; its
 * watchers with away-notify hear the AWAY after the 730, except room-mates
 * (they know already). Worker of s, no lock held. */
static void away_tell_watchers(struct session *s)
{
	if (!monitor_watched(s->nick))
		return; /* nobody to tell: no rooms to lock and walk */
	const struct source source = session_source(s);
	const char *params[1];
	struct outmsg m;
	away_outmsg_init(&m, &source, s, params);
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	channels_lock_all(chs, n);
	size_t nto;
	struct session **mates = neighbours_collect(s, chs, n, false, CAP_AWAY_NOTIFY, &nto);
	channels_unlock_all(chs, n);
	channels_release(chs, n);
	monitor_tell_msg(s, &m, CAP_AWAY_NOTIFY, mates, nto);
	free(mates);
	outmsg_release(&m);
}

enum chat_result chat_nick(struct session *s, const char *nick)
{
	if (!ircname_nick_valid(nick))
		return CHAT_BAD_NICK;
	if (strcmp(nick, s->nick) == 0)
		return CHAT_ALREADY_MEMBER;
	const struct source old_source = session_source(s);
	struct whowas_entry was;
	whowas_entry_of(s, &was);
	const char *params[] = {nick};
	struct outmsg m;
	outmsg_init(&m, old_source.text, "NICK", 1, params);
	m.account = session_account(s); /* account-tag */
	registry_wrlock();
	if (registry_set_nick(s, nick) < 0) {
		registry_unlock();
		outmsg_release(&m);
		return CHAT_NICK_IN_USE;
	}
	/* s hears of its new nick before anything sent to it under that nick. */
	deliver_queue(s, s, &m);
	/* MONITOR, while the nicks cannot change hands again: the old nick
	 * went offline and the new one came online (a change of case only is
	 * the same nick to a watcher). */
	if (ircname_cmp(was.nick, nick) != 0) {
		monitor_tell_locked(s, was.nick, was.nick, false);
		monitor_tell_locked(s, nick, session_source(s).text, true);
	}
	registry_unlock();
	neighbours_tell(s, &m, nick, false);
	outmsg_release(&m);
	if (s->away && ircname_cmp(was.nick, nick) != 0)
		away_tell_watchers(s);
	whowas_global_add(&was);
	return CHAT_OK;
}

/* Tells m (from s) to everyone sharing a room with s who negotiated cap,
 * and to the extended-monitor watchers of s's nick with cap, once each. */
static void neighbours_notify(struct session *s, struct outmsg *m, unsigned cap)
{
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	channels_lock_all(chs, n);
	size_t nto;
	struct session **to = neighbours_collect(s, chs, n, false, cap, &nto);
	for (size_t i = 0; i < nto; i++)
		deliver_queue(s, to[i], m);
	channels_unlock_all(chs, n);
	channels_release(chs, n);
	monitor_tell_msg(s, m, cap, to, nto); /* to: sorted, the ones told already */
	free(to);
}

bool chat_registration_banned(struct session *s, char *reason)
{
	if (!kline_check_user(s->nick, s->user, s->host, reason))
		return false;
	char quit[QUIT_REASON_MAX + 1];
	snprintf(quit, sizeof quit, "K-lined: %.*s", QUIT_REASON_MAX - 9, reason);
	session_quit(s, quit);
	log_limited(LOG_INFO, LOG_CONNECTION_BURST,
		    "session %lu refused at registration as %s: K-lined", s->id, s->nick);
	return true;
}

void chat_registered(struct session *s)
{
	registry_wrlock();
	registry_set_registered(s, true);
	monitor_tell_locked(s, s->nick, session_source(s).text, true);
	registry_unlock();
}

void chat_account_notify(struct session *s)
{
	const struct source source = session_source(s);
	const char *params[] = {session_account(s)[0] ? session_account(s) : "*"};
	struct outmsg m;
	outmsg_init(&m, source.text, "ACCOUNT", 1, params);
	m.account = session_account(s);
	neighbours_notify(s, &m, CAP_ACCOUNT_NOTIFY);
	outmsg_release(&m);
}

/* The AWAY line that tells s's state (away with its text, or back). */
static void away_outmsg_init(struct outmsg *m, const struct source *source,
			     const struct session *s, const char *params[1])
{
	params[0] = s->away;
	outmsg_init(m, source->text, "AWAY", s->away ? 1 : 0, params);
	m->account = session_account(s); /* account-tag */
}

void chat_away(struct session *s, const char *text)
{
	char *copy = NULL;
	if (text && text[0])
		copy = xstrndup(text, utf8_cut(text, strlen(text), AWAY_LEN_MAX));
	bool was_away = s->away != NULL; /* the worker is the only writer */
	registry_wrlock();
	free(s->away);
	s->away = copy;
	registry_unlock();
	if (!s->registered || (!was_away && !copy))
		return; /* nothing changed that away-notify clients do not know */
	const struct source source = session_source(s);
	const char *params[1];
	struct outmsg m;
	away_outmsg_init(&m, &source, s, params);
	neighbours_notify(s, &m, CAP_AWAY_NOTIFY);
	outmsg_release(&m);
}

bool chat_setname(struct session *s, const char *realname)
{
	size_t len = strlen(realname);
	if (!len || len > REALNAME_LEN_MAX)
		return false;
	registry_wrlock();
	session_set_realname(s, realname);
	registry_unlock();
	const struct source source = session_source(s);
	const char *params[] = {s->realname};
	struct outmsg m;
	outmsg_init(&m, source.text, "SETNAME", 1, params);
	m.account = session_account(s); /* account-tag */
	neighbours_notify(s, &m, CAP_SETNAME);
	if (atomic_load(&s->caps) & CAP_SETNAME)
		deliver_queue(s, s, &m); /* the confirmation (setname) */
	outmsg_release(&m);
	return true;
}

void chat_leave(struct session *s, const char *reason)
{
	monitor_clear(s); /* a watcher that leaves leaves no trace */
	if (!s->nick[0])
		return;
	const struct source source = session_source(s);
	const char *params[] = {reason};
	struct outmsg m;
	outmsg_init(&m, source.text, "QUIT", 1, params);
	m.account = session_account(s); /* account-tag */
	bool tell = s->registered && !atomic_load(&g_server.shutting_down);
	if (s->registered) {
		struct whowas_entry was;
		whowas_entry_of(s, &was);
		whowas_global_add(&was);
	}
	neighbours_tell(s, tell ? &m : NULL, NULL, true);
	char nick[NICK_LEN_MAX + 1];
	snprintf(nick, sizeof nick, "%s", s->nick);
	registry_wrlock();
	registry_drop_nick(s);
	registry_set_registered(s, false);
	if (tell)
		monitor_tell_locked(s, nick, nick, false);
	registry_unlock();
	outmsg_release(&m);
}
