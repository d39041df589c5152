/* deliver: see deliver.h. */
#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "flushq.h"
#include "global.h"
#include "ircmsg.h"
#include "log.h"
#include "plain_render.h"
#include "session.h"
#include "xalloc.h"



const char *param_printable(const char *p)
{
	return p[0] == '\0' || p[0] == ':' || strchr(p, ' ') ? "*" : p;
}

void deliver_time_tag(long long unix_ms, char *buf, size_t cap)
{
	char value[40];
	if (ircmsg_time_tag(value, sizeof value, unix_ms) < 0)
		value[0] = '\0';
	snprintf(buf, cap, "time=%s", value);
}

/* Is the last of nparams parameters free text, to be written as ":text"?
 * That is the convention IRC clients and servers follow (PRIVMSG's message,
 * PART's reason, every numeric's trailing sentence); names and flags go
 * without the colon. */
static bool last_param_is_text(const char *command, int nparams)
{
	static const struct {
		const char *command;
		int text_index; /* -1: never text */
	} rules[] = {
		{"PRIVMSG", 1}, {"NOTICE", 1}, {"PART", 1}, {"KICK", 2}, {"TOPIC", 1},
		{"QUIT", 0},    {"ERROR", 0},  {"PONG", 1}, {"PING", 0}, {"AWAY", 0},
		{"WALLOPS", 0},
		{"JOIN", 2},    {"NICK", -1},  {"ACCOUNT", -1},  {"TAGMSG", -1}, {"BATCH", -1}, {"ACK", -1},  {"MODE", -1}, {"INVITE", -1}, {"004", -1},
		{"221", -1},    {"324", -1},   {"329", -1}, {"333", -1}, {"341", -1},
		{"367", -1},    {"CHATHISTORY", -1}, {"MARKREAD", -1}, {"AUTHENTICATE", -1},
	};
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (strcmp(command, rules[i].command) == 0)
			return rules[i].text_index == nparams - 1;
	return true; /* other numerics and CAP end in text or a list */
}

int deliver_format(char *buf, size_t cap, const char *tags, const char *source,
		   const char *command, int nparams, const char *const *params)
{
	if (last_param_is_text(command, nparams))
		return ircmsg_format_text(buf, cap, tags, source, command, nparams, params);
	return ircmsg_format(buf, cap, tags, source, command, nparams, params);
}

/* The kinds of IRC rendering, by what the recipient negotiated. */
enum irc_kind { IRC_BARE, IRC_TIME, IRC_TAGS };

/* Writes the server's tags for m and kind into buf (OUT_SERVER_TAGS_MAX):
 * nothing, "time=...", or "msgid=...;time=..." (message-tags clients always
 * get the time too). */
static void server_tags(const struct outmsg *m, enum irc_kind kind, char *buf, size_t cap)
{
	char time[64];
	buf[0] = '\0';
	if (kind == IRC_BARE)
		return;
	deliver_time_tag(m->unix_ms, time, sizeof time);
	if (kind == IRC_TIME)
		snprintf(buf, cap, "%s", time);
	else
		snprintf(buf, cap, "msgid=%s;%s", m->msgid, time);
}

/* Formats m with tags into line (cap bytes) and copies it into a buffer. */
static struct msgbuf *render_into(const struct outmsg *m, const char *tags, char *line,
				  size_t cap)
{
	int len = deliver_format(line, cap, tags[0] ? tags : NULL, m->source, m->command,
				 m->nparams, m->params);
	if (len < 0) {
		/* Our own inputs are bounded well below the buffers. Under a
		 * channel lock here: logged when the thread holds none. */
		log_later(LOG_ERROR, "cannot format an outgoing message; it was not sent",
			  m->command);
		return NULL;
	}
	return msgbuf_new(line, (size_t)len);
}

/* The rare rendering with client-only tags after the server's: sized to
 * them on the heap, so the common path keeps its small stack buffers. */
static __attribute__((noinline)) struct msgbuf *render_client_tags(const struct outmsg *m,
								    const char *ours)
{
	size_t ctags = strlen(m->client_tags);
	size_t tags_cap = strlen(ours) + 1 + ctags + 1;
	size_t line_cap = tags_cap + OUT_BODY_MAX;
	char *tags = xmalloc(tags_cap + line_cap);
	snprintf(tags, tags_cap, "%s;%s", ours, m->client_tags);
	struct msgbuf *buf = render_into(m, tags, tags + tags_cap, line_cap);
	free(tags);
	return buf;
}

/* Renders m as an IRC line of the given kind. */
static struct msgbuf *render_irc(const struct outmsg *m, enum irc_kind kind)
{
	char tags[OUT_SERVER_TAGS_MAX];
	server_tags(m, kind, tags, sizeof tags);
	if (kind == IRC_TAGS && m->client_tags && m->client_tags[0])
		return render_client_tags(m, tags);
	char line[OUT_SERVER_LINE_MAX];
	return render_into(m, tags, line, sizeof line);
}

/* The plain-text rendering of m, with the room's name in front or not. */
static struct msgbuf *render_plain(const struct outmsg *m, bool with_room)
{
	char line[OUT_BODY_MAX];
	int len = plain_render(m, with_room, line, sizeof line);
	return len < 0 ? NULL : msgbuf_new(line, (size_t)len);
}

/* Is m a TAGMSG (tags only: for message-tags clients alone)? */
static bool is_tagmsg(const struct outmsg *m)
{
	return m->command[0] == 'T' && strcmp(m->command, "TAGMSG") == 0;
}

/* The IRC rendering of m of kind, made on first use with references
 * reserved for the recipients; *taken counts the ones used. */
static struct msgbuf *rendering_for(struct outmsg *m, enum irc_kind kind, int **taken)
{
	struct msgbuf **slot;
	if (kind == IRC_TAGS) {
		slot = &m->irc_tags;
		*taken = &m->irc_tags_taken;
	} else if (kind == IRC_TIME) {
		slot = &m->irc_time;
		*taken = &m->irc_time_taken;
	} else {
		slot = &m->irc;
		*taken = &m->irc_taken;
	}
	if (!*slot) {
		*slot = render_irc(m, kind);
		if (*slot)
			msgbuf_reserve(*slot);
	}
	return *slot;
}

/* The same for a plain recipient: a room message reads differently in its
 * current room and elsewhere, so there are two shared renderings. to->q_lock
 * held (it guards the plain_room of to); rendering under it delays only this
 * recipient's writer, once per message and variant. */
static struct msgbuf *plain_rendering_locked(struct outmsg *m, const struct session *to,
					     int **taken)
{
	bool other = plain_render_names_room(m) && !session_plain_room_is_locked(to, m->params[0]);
	struct msgbuf **slot = other ? &m->plain_other : &m->plain;
	*taken = other ? &m->plain_other_taken : &m->plain_taken;
	if (!*slot) {
		*slot = render_plain(m, other);
		if (*slot)
			msgbuf_reserve(*slot);
	}
	return *slot;
}

/* Notes that `to` needs its queue written once the sender drops its locks. */
static void flush_list_add(struct session *sender, struct session *to)
{
	if (sender->nflush == sender->flush_cap) {
		sender->flush_cap = sender->flush_cap ? sender->flush_cap * 2 : 16;
		sender->flush_list =
			xrealloc(sender->flush_list, sender->flush_cap * sizeof *sender->flush_list);
	}
	sender->flush_list[sender->nflush++] = session_ref(to);
}

/* May buf go on to's queue? q_lock held. Enforces the SendQ limit, which
 * counts what others send (a streamed reply the client asked for is not
 * counted: reply.h bounds it by itself). */
static bool queue_admits_locked(struct session *to, const struct msgbuf *buf)
{
	if (outq_counted_bytes(&to->q) + buf->len <= LIVE(sendq))
		return true;
	to->q_sendq_exceeded = true;
	to->q_dead = true;
	session_wake(to);
	return false;
}

/* After a push: note `to` for writing if its queue was empty. */
static void queue_pushed_locked(struct session *sender, struct session *to, bool was_empty)
{
	if (was_empty && !to->q_armed)
		flush_list_add(sender, to);
}

/* Pushes buf, a shared rendering of m, on to's queue (one of the reserved
 * references, counted in *taken) unless to has it already or is closing.
 * q_lock held. */
static void push_shared_locked(struct session *sender, struct session *to,
			       const struct outmsg *m, struct msgbuf *buf, int *taken)
{
	if (to->q_dead || to->q_stamp == m->stamp || !queue_admits_locked(to, buf))
		return;
	to->q_stamp = m->stamp;
	bool was_empty = outq_empty(&to->q);
	outq_push_owned(&to->q, buf);
	(*taken)++;
	queue_pushed_locked(sender, to, was_empty);
}

/* Queues what the plain user a KICK removes reads: a line of its own that
 * says where it is now; if the room was its current one, the room it joined
 * last among those left becomes current (plain.h). */
static void deliver_kicked(struct session *sender, struct session *to, struct outmsg *m)
{
	char line[OUT_BODY_MAX];
	const char *next = m->about_next_room ? m->about_next_room : "";
	pthread_mutex_lock(&to->q_lock);
	bool moved = session_plain_room_leave_locked(to, m->params[0], next);
	int len = plain_render_kicked(m, session_extra_read(to)->plain_room, moved, line,
				      sizeof line);
	if (len > 0 && !to->q_dead && to->q_stamp != m->stamp) {
		struct msgbuf *buf = msgbuf_new(line, (size_t)len);
		if (queue_admits_locked(to, buf)) {
			to->q_stamp = m->stamp;
			bool was_empty = outq_empty(&to->q);
			outq_push_owned(&to->q, buf);
			queue_pushed_locked(sender, to, was_empty);
		} else {
			msgbuf_unref(buf);
		}
	}
	pthread_mutex_unlock(&to->q_lock);
}

/* deliver_queue() for a plain recipient. */
static void deliver_queue_plain(struct session *sender, struct session *to, struct outmsg *m)
{
	if (is_tagmsg(m))
		return; /* nothing a person could read */
	if (m->about == to && strcmp(m->command, "KICK") == 0) {
		deliver_kicked(sender, to, m);
		return;
	}
	int *taken;
	pthread_mutex_lock(&to->q_lock);
	struct msgbuf *buf = to->q_dead ? NULL : plain_rendering_locked(m, to, &taken);
	if (buf)
		push_shared_locked(sender, to, m, buf, taken);
	pthread_mutex_unlock(&to->q_lock);
}

/* Does s's front-end take the lines s queues for itself now (deliver.h)? */
static bool own_taking(const struct session *s)
{
	return s->own && s->own->taking;
}

/* Is m, queued by s for itself, a message s sent to itself that is
 * delivered rather than echoed (no echo-message)? That is no reply. (A
 * server NOTICE to s, such as a quiet room's, is one.) */
static bool delivered_to_self(const struct outmsg *m, const struct session *s)
{
	bool message = strcmp(m->command, "PRIVMSG") == 0 || strcmp(m->command, "NOTICE") == 0 ||
		       is_tagmsg(m);
	if (!message || atomic_load(&s->caps) & CAP_ECHO_MESSAGE)
		return false;
	size_t n = strlen(s->nick);
	return strncmp(m->source, s->nick, n) == 0 && m->source[n] == '!';
}

/* Hands s's own rendering of m to its front-end (once per stamp, like a
 * queued message). */
static __attribute__((noinline)) void own_take_event(struct session *s, const struct outmsg *m,
						       const struct msgbuf *buf)
{
	pthread_mutex_lock(&s->q_lock);
	bool fresh = !s->q_dead && s->q_stamp != m->stamp;
	if (fresh)
		s->q_stamp = m->stamp;
	pthread_mutex_unlock(&s->q_lock);
	if (fresh)
		s->own->take(s, buf->data, buf->len, false);
}

/* How m reads for a recipient with caps: its IRC kind, and whether it
 * carries the account tag and the extended JOIN (a bot's tag goes with the
 * kind: message-tags). */
struct variant_key {
	enum irc_kind kind;
	bool account, extended_join;
};
static struct variant_key variant_key_of(const struct outmsg *m, unsigned caps)
{
	return (struct variant_key){
		.kind = caps & CAP_MESSAGE_TAGS	 ? IRC_TAGS
			: caps & CAP_SERVER_TIME ? IRC_TIME
						 : IRC_BARE,
		.account = (caps & CAP_ACCOUNT_TAG) && m->account && m->account[0],
		.extended_join = (caps & CAP_EXTENDED_JOIN) && m->realname &&
				 strcmp(m->command, "JOIN") == 0,
	};
}

/* Does m read differently from its shared renderings for a recipient with
 * k (account-tag on a logged-in user's line, extended-join on a JOIN,
 * message-tags on a bot's line)? */
static bool is_variant(const struct outmsg *m, struct variant_key k)
{
	return k.account || k.extended_join || (k.kind == IRC_TAGS && m->bot);
}

/* The index of variant k's rendering in m->variants. */
static int variant_index(struct variant_key k)
{
	return (int)k.kind * 4 + k.account * 2 + k.extended_join;
}

/* Renders the variant k of m. */
static __attribute__((noinline)) struct msgbuf *render_variant(const struct outmsg *m,
								struct variant_key k)
{
	char tags[OUT_SERVER_TAGS_MAX];
	server_tags(m, k.kind, tags, sizeof tags);
	if (k.account) {
		size_t n = strlen(tags);
		snprintf(tags + n, sizeof tags - n, "%saccount=%s", n ? ";" : "", m->account);
	}
	if (k.kind == IRC_TAGS && m->bot) {
		size_t n = strlen(tags);
		snprintf(tags + n, sizeof tags - n, "%sbot", n ? ";" : "");
	}
	struct outmsg v = *m;
	if (k.extended_join) {
		v.nparams = 3;
		v.params[1] = m->account && m->account[0] ? m->account : "*";
		v.params[2] = m->realname;
	}
	if (k.kind == IRC_TAGS && m->client_tags && m->client_tags[0])
		return render_client_tags(&v, tags);
	char line[OUT_SERVER_LINE_MAX];
	return render_into(&v, tags, line, sizeof line);
}

/* The rendering of m for recipients of variant k: made once per variant
 * and shared among them, as the plain renderings are, so a room of clients
 * with account-tag costs no more than one without. */
static __attribute__((noinline)) struct msgbuf *variant_rendering(struct outmsg *m,
								   struct variant_key k,
								   int **taken)
{
	struct outmsg_variant *slot = &m->variants[variant_index(k)];
	if (!slot->buf) {
		slot->buf = render_variant(m, k);
		if (!slot->buf)
			return NULL;
		msgbuf_reserve(slot->buf);
	}
	*taken = &slot->taken;
	return slot->buf;
}

void deliver_queue(struct session *sender, struct session *to, struct outmsg *m)
{
	if (to->kind == SESSION_PLAIN) {
		deliver_queue_plain(sender, to, m);
		return;
	}
	unsigned caps = atomic_load_explicit(&to->caps, memory_order_relaxed);
	struct variant_key k = variant_key_of(m, caps);
	if (k.kind != IRC_TAGS && is_tagmsg(m))
		return; /* TAGMSG reaches message-tags clients only */
	int *taken;
	struct msgbuf *buf = __builtin_expect(is_variant(m, k), 0) ? variant_rendering(m, k, &taken)
								   : rendering_for(m, k.kind, &taken);
	if (!buf)
		return;
	if (to == sender && own_taking(to) && !delivered_to_self(m, to)) {
		own_take_event(to, m, buf);
		return;
	}
	pthread_mutex_lock(&to->q_lock);
	push_shared_locked(sender, to, m, buf, taken);
	pthread_mutex_unlock(&to->q_lock);
}

void deliver_queue_line(struct session *sender, struct session *to, const char *line,
			size_t len)
{
	if (to == sender && own_taking(to)) {
		to->own->take(to, line, len, false);
		return;
	}
	struct msgbuf *buf = msgbuf_new(line, len);
	deliver_queue_buf(sender, to, buf);
	msgbuf_unref(buf);
}

void deliver_queue_buf(struct session *sender, struct session *to, struct msgbuf *buf)
{
	pthread_mutex_lock(&to->q_lock);
	if (!to->q_dead && queue_admits_locked(to, buf)) {
		bool was_empty = outq_empty(&to->q);
		outq_push(&to->q, buf);
		queue_pushed_locked(sender, to, was_empty);
	}
	pthread_mutex_unlock(&to->q_lock);
}

void deliver_queue_reply(struct session *s, struct msgbuf *buf)
{
	if (own_taking(s)) {
		s->own->take(s, buf->data, buf->len, true);
		msgbuf_unref(buf);
		return;
	}
	buf->sendq_exempt = true;
	pthread_mutex_lock(&s->q_lock);
	if (!s->q_dead) {
		bool was_empty = outq_empty(&s->q);
		outq_push_owned(&s->q, buf);
		buf = NULL;
		queue_pushed_locked(s, s, was_empty);
	}
	pthread_mutex_unlock(&s->q_lock);
	msgbuf_unref(buf);
}

bool deliver_own_push(struct session *s, struct msgbuf *buf)
{
	pthread_mutex_lock(&s->q_lock);
	bool ok = !s->q_dead && (buf->sendq_exempt || queue_admits_locked(s, buf));
	if (ok) {
		bool was_empty = outq_empty(&s->q);
		outq_push_owned(&s->q, buf);
		queue_pushed_locked(s, s, was_empty);
	}
	pthread_mutex_unlock(&s->q_lock);
	if (!ok)
		msgbuf_unref(buf);
	return ok;
}

void deliver_own_replace(struct session *s, struct msgbuf *held, struct msgbuf *buf)
{
	pthread_mutex_lock(&s->q_lock);
	bool swapped = outq_replace(&s->q, held, buf);
	/* A writer may have stopped at the held line: have the queue
	 * written once the worker drops its locks. */
	if (swapped)
		queue_pushed_locked(s, s, true);
	pthread_mutex_unlock(&s->q_lock);
	if (!swapped)
		msgbuf_unref(buf);
}

size_t deliver_queued_bytes(struct session *s)
{
	pthread_mutex_lock(&s->q_lock);
	size_t n = outq_bytes(&s->q);
	pthread_mutex_unlock(&s->q_lock);
	return n;
}

void deliver_flush(struct session *sender)
{
	/* The sender's own replies go out now; others' queues join the shared
	 * FIFO, in order, and the sender takes a turn writing them. */
	size_t others = 0;
	for (size_t i = 0; i < sender->nflush; i++) {
		struct session *to = sender->flush_list[i];
		if (to != sender) {
			sender->flush_list[others++] = to;
			continue;
		}
		session_flush(to);
		session_unref(to);
	}
	flushq_add(sender->flush_list, others);
	sender->nflush = 0;
	flushq_take_turn();
}
