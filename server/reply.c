/* reply: see reply.h. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "clock.h"
#include "chat_history.h"
#include "deliver.h"
#include "global.h"
#include "history.h"
#include "irc_batch.h"
#include "listfilter.h"
#include "ircmsg.h"
#include "plain_render.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

#define NAMES_LINE_BUDGET 400 /* bytes of names per 353 line */
#define PICK_MAX 64           /* names picked per pass over a table */
#define CHUNK_PARAMS_MAX 10
#define HISTORY_BATCH 8 /* replayed messages per step (a line is at most OUT_SERVER_LINE_MAX) */
#define BATCH_LINE_RESERVE 256 /* room kept for a BATCH line after a step's lines */
/* Bytes of a history page a job holds at a time (at least one message):
 * the rest is read again from the store as the client takes it, so a
 * thousand connections that ask for 1000 long messages each and do not read
 * hold 64 KiB each, not 5 MiB. A typical page of 100 fits at once, so it
 * costs one read. PAGE_FETCH is how many messages one such read asks for. */
#define PAGE_HOLD_BYTES 65536
#define PAGE_FETCH 256

enum reply_kind { REPLY_LIST, REPLY_WHO, REPLY_NAMES, REPLY_HISTORY, REPLY_PAGE, REPLY_LINE };

struct reply_job {
	struct reply_job *next;
	enum reply_kind kind;
	bool started;                  /* LIST: 321 sent; HISTORY: its batch opened */
	char arg[IRC_LINE_MAX];        /* masks, mask, channel list or name, line */
	size_t pos;                    /* NAMES: offset of the current name in arg */
	char after[CHANNEL_LEN_MAX + NICK_LEN_MAX + 2]; /* LIST, WHO mask: last name sent */
	unsigned long long joined;     /* WHO #channel, NAMES: last member sent */
	unsigned long long channel_id; /* HISTORY: the room joined (ids are never reused) */
	struct history_cursor cursor;  /* HISTORY: the messages still to send */
	struct history_page page;      /* PAGE: the piece in hand, page.items[pos] next */
	size_t page_left;              /* PAGE: messages after this piece, still to fetch */
	unsigned long long page_end;   /* PAGE: seq of the answer's last message */
	struct irc_batch batch;        /* HISTORY, PAGE: the chathistory batch (once started) */
	reply_line_fn *run;            /* LINE: who runs it */
	bool is_whox;                   /* WHO: 354 lines (WHOX), not 352 */
	char whox[WHOX_FIELDS_MAX + 1]; /* WHO: the WHOX fields, in reply order */
	char token[WHOX_TOKEN_MAX + 1]; /* WHO: the WHOX token (field t) */
};

/* The session's FIFO of jobs; it exists only while jobs are left. */
struct reply_stream {
	struct reply_job *head, *tail;
	bool pumping;
};

/* Lines rendered for one chunk; a line is added only while len < REPLY_CHUNK,
 * and a line is at most OUT_SERVER_LINE_MAX (no client-only tags here), so
 * it always fits, and so does a BATCH line after it. */
struct chunk {
	size_t len;
	char data[REPLY_CHUNK + OUT_LINE_MAX + BATCH_LINE_RESERVE];
};

/* Has the chunk reached its size? */
static bool chunk_full(const struct chunk *c)
{
	return c->len >= REPLY_CHUNK;
}

/* Appends a formatted line (tags, source, command, params) to the chunk. */
static void chunk_line(struct chunk *c, const char *tags, const char *source,
		       const char *command, int n, const char *const *params)
{
	int len = deliver_format(c->data + c->len, sizeof c->data - c->len, tags, source, command,
				 n, params);
	if (len > 0)
		c->len += (size_t)len;
}

/* Appends a line of text as it is (plain users' lines), with CR LF. */
static void chunk_text(struct chunk *c, const char *text)
{
	int len = snprintf(c->data + c->len, sizeof c->data - c->len, "%s\r\n", text);
	if (len > 0 && (size_t)len < sizeof c->data - c->len)
		c->len += (size_t)len;
}

/* Appends ":server NUMERIC target params..." (params end with NULL). */
__attribute__((sentinel)) static void chunk_reply(struct chunk *c, const struct session *s,
						  const char *numeric, ...)
{
	const char *params[CHUNK_PARAMS_MAX];
	int n = 0;
	params[n++] = session_target(s);
	va_list ap;
	va_start(ap, numeric);
	const char *p;
	while ((p = va_arg(ap, const char *)) && n < CHUNK_PARAMS_MAX)
		params[n++] = p;
	va_end(ap);
	/* Words the client gave (a mask, a name) may not be printable as a
	 * middle parameter; the last one is free text anyway. */
	for (int i = 1; i < n - 1; i++)
		params[i] = param_printable(params[i]);
	chunk_line(c, NULL, g_server.cfg.name, numeric, n, params);
}

/* --- the FIFO --- */

/* A new job at the end of s's FIFO (created on first use). */
static struct reply_job *job_add(struct session *s, enum reply_kind kind, const char *arg)
{
	if (!s->reply)
		s->reply = xcalloc(1, sizeof *s->reply);
	struct reply_job *j = xcalloc(1, sizeof *j);
	j->kind = kind;
	snprintf(j->arg, sizeof j->arg, "%s", arg ? arg : "");
	if (s->reply->tail)
		s->reply->tail->next = j;
	else
		s->reply->head = j;
	s->reply->tail = j;
	return j;
}

/* Takes the first job off the FIFO (the caller frees it). */
static struct reply_job *job_pop(struct reply_stream *st)
{
	struct reply_job *j = st->head;
	st->head = j->next;
	if (!st->head)
		st->tail = NULL;
	return j;
}

void reply_add_list(struct session *s, const char *masks)
{
	job_add(s, REPLY_LIST, masks);
}

void reply_add_who(struct session *s, const char *mask, const char *whox)
{
	struct reply_job *j = job_add(s, REPLY_WHO, mask);
	if (whox) {
		j->is_whox = true;
		whox_parse(whox, j->whox, j->token);
	}
}

void whox_parse(const char *spec, char fields[WHOX_FIELDS_MAX + 1],
		char token[WHOX_TOKEN_MAX + 1])
{
	static const char order[] = WHOX_ORDER;
	const char *p = spec[0] == '%' ? spec + 1 : spec;
	size_t len = strcspn(p, ",");
	size_t n = 0;
	for (const char *f = order; *f; f++)
		if (memchr(p, *f, len))
			fields[n++] = *f;
	fields[n] = '\0';
	const char *t = p[len] == ',' ? p + len + 1 : "";
	size_t digits = strspn(t, "0123456789");
	if (digits == 0 || digits > WHOX_TOKEN_MAX || t[digits])
		t = "0", digits = 1; /* not 1 to 3 digits: the default query type */
	snprintf(token, WHOX_TOKEN_MAX + 1, "%.*s", (int)digits, t);
}

void reply_add_names(struct session *s, const char *channels)
{
	job_add(s, REPLY_NAMES, channels);
}

void reply_add_history(struct session *s, struct channel *ch)
{
	if (atomic_load(&s->caps) & CAP_CHATHISTORY)
		return; /* it asks for what it lacks (CHATHISTORY) */
	struct history_cursor cursor;
	history_cursor_init(ch->history, &cursor);
	if (history_cursor_done(&cursor))
		return;
	struct reply_job *j = job_add(s, REPLY_HISTORY, ch->name);
	j->channel_id = ch->id;
	j->cursor = cursor;
}

/* Frees a job and what it holds. */
static void job_free(struct reply_job *j)
{
	if (j->kind == REPLY_HISTORY)
		history_cursor_release(&j->cursor);
	history_page_free(&j->page);
	free(j);
}

void reply_add_line(struct session *s, const char *line, reply_line_fn *run)
{
	job_add(s, REPLY_LINE, line)->run = run;
}

bool reply_busy(const struct session *s)
{
	return s->reply && s->reply->head;
}

void reply_free(struct session *s)
{
	if (!s->reply)
		return;
	while (s->reply->head)
		job_free(job_pop(s->reply));
	free(s->reply);
	s->reply = NULL;
}

/* --- walking a table in name order, a piece at a time --- */

struct pick {
	void *item;
	const char *name;
};

/* The PICK_MAX smallest names (case-mapped order) after `after`. */
struct picker {
	const char *after; /* "" from the start */
	struct pick picks[PICK_MAX];
	size_t n;
};

/* Offers one entry; keeps it if it is among the smallest names after the cursor. */
static void picker_offer(struct picker *p, void *item, const char *name)
{
	if (p->after[0] && ircname_cmp(name, p->after) <= 0)
		return;
	if (p->n == PICK_MAX && ircname_cmp(name, p->picks[PICK_MAX - 1].name) >= 0)
		return;
	size_t i = p->n < PICK_MAX ? p->n++ : PICK_MAX - 1;
	while (i > 0 && ircname_cmp(name, p->picks[i - 1].name) < 0) {
		p->picks[i] = p->picks[i - 1];
		i--;
	}
	p->picks[i] = (struct pick){item, name};
}

/* --- LIST --- */

struct list_walk {
	struct picker picker;
	const char *filter; /* listfilter.h */
	struct session *asker;
	long long now_ms;
};

/* Offers a channel that s may see and that passes the filter. The picker
 * keeps the name pointer: a channel's name is const. */
static void list_offer(struct channel *ch, void *arg)
{
	struct list_walk *w = arg;
	if (w->picker.after[0] && ircname_cmp(ch->name, w->picker.after) <= 0)
		return; /* already listed: spare the lock */
	pthread_mutex_lock(&ch->lock);
	struct listfilter_room r = {.name = ch->name,
				    .users = ch->nmembers,
				    .created_unix_ms = ch->created_unix_ms,
				    .topic_unix_ms = ch->topic ? ch->topic_unix_ms : 0};
	bool listed = channel_visible_to(ch, w->asker) && listfilter_match(w->filter, w->now_ms, &r);
	pthread_mutex_unlock(&ch->lock);
	if (listed)
		picker_offer(&w->picker, ch, ch->name);
}

/* One 322 line; registry lock held. */
static void list_line(struct chunk *c, const struct session *s, struct channel *ch)
{
	char count[24], modes[32], topic[TOPIC_LEN_MAX + 40];
	pthread_mutex_lock(&ch->lock);
	snprintf(count, sizeof count, "%zu", ch->nmembers);
	channel_mode_string(ch, false, modes, sizeof modes);
	snprintf(topic, sizeof topic, "[%s] %s", modes, ch->topic ? ch->topic : "");
	pthread_mutex_unlock(&ch->lock);
	chunk_reply(c, s, "322", ch->name, count, topic, NULL);
}

/* Renders LIST lines into c; returns true when the reply is complete. */
static bool list_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	if (!j->started) {
		chunk_reply(c, s, "321", "Channel", "Users  Name", NULL);
		j->started = true;
	}
	struct list_walk w = {
		.picker = {.after = j->after}, .filter = j->arg, .asker = s, .now_ms = clock_unix_ms()};
	registry_rdlock();
	registry_each_channel(list_offer, &w);
	size_t i = 0;
	for (; i < w.picker.n && !chunk_full(c); i++)
		list_line(c, s, w.picker.picks[i].item);
	if (i > 0)
		snprintf(j->after, sizeof j->after, "%s", w.picker.picks[i - 1].name);
	registry_unlock();
	bool done = i == w.picker.n && w.picker.n < PICK_MAX;
	if (done)
		chunk_reply(c, s, "323", "End of /LIST", NULL);
	return done;
}

/* --- WHO --- */

/* One 354 line with the fields of j->whox, in their fixed order;
 * registry lock held. */
static void whox_line(struct chunk *c, const struct session *s, const struct reply_job *j,
		      const char *channel, const struct session *u, const char *flags)
{
	const char *params[WHOX_FIELDS_MAX + 1];
	char idle[24];
	int n = 0;
	params[n++] = session_target(s);
	for (const char *f = j->whox; *f; f++) {
		const char *v = "";
		switch (*f) {
		case 't': v = j->token; break;
		case 'c': v = channel; break;
		case 'u': v = u->user; break;
		case 'i': /* the address: our hosts are addresses */
		case 'h': v = u->host; break;
		case 's': v = g_server.cfg.name; break;
		case 'n': v = u->nick; break;
		case 'f': v = flags; break;
		case 'd': v = "0"; break;
		case 'l':
			snprintf(idle, sizeof idle, "%lld",
				 (clock_mono_ms() - atomic_load(&u->last_message_mono_ms)) / 1000);
			v = idle;
			break;
		case 'a': v = session_account(u)[0] ? session_account(u) : "0"; break;
		case 'o': v = "n/a"; break;
		case 'r': v = u->realname ? u->realname : ""; break;
		}
		params[n++] = v;
	}
	chunk_line(c, NULL, g_server.cfg.name, "354", n, params);
}

/* A member's status prefix for s's NAMES and WHO: the highest one ("@"
 * or "+"), or every one ("@+") with multi-prefix. */
static void member_prefix(bool op, bool voice, unsigned caps, char out[3])
{
	size_t n = 0;
	if (op)
		out[n++] = '@';
	if (voice && (n == 0 || (caps & CAP_MULTI_PREFIX)))
		out[n++] = '+';
	out[n] = '\0';
}

/* One 352 line (or 354 for WHOX); registry lock held. */
static void who_line(struct chunk *c, const struct session *s, const struct reply_job *j,
		     const char *channel, const struct session *u, bool op, bool voice)
{
	char flags[8], prefix[3], hops_real[REALNAME_LEN_MAX + 8];
	member_prefix(op, voice, atomic_load(&s->caps), prefix);
	snprintf(flags, sizeof flags, "%c%s%s%s", u->away ? 'G' : 'H', u->oper ? "*" : "",
		 prefix, u->bot ? "B" : "");
	if (j->is_whox) {
		whox_line(c, s, j, channel, u, flags);
		return;
	}
	snprintf(hops_real, sizeof hops_real, "0 %s", u->realname ? u->realname : "");
	chunk_reply(c, s, "352", channel, u->user, u->host, g_server.cfg.name, u->nick, flags,
		    hops_real, NULL);
}

/* Index of the first member who joined after `joined` (members[] is in
 * join order); ch->lock held. */
static size_t members_after(const struct channel *ch, unsigned long long joined)
{
	size_t lo = 0, hi = ch->nmembers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ch->members[mid].joined <= joined)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* WHO #channel: members from the cursor on; returns true when all are sent. */
static bool who_channel_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	bool done = true;
	registry_rdlock();
	struct channel *ch = registry_find_channel(j->arg);
	if (ch) {
		pthread_mutex_lock(&ch->lock);
		/* A member sees everyone in the room; others see a public room's
		 * visible (-i) members. */
		bool inside = s->oper || channel_has_member(ch, s);
		size_t i = inside || !ch->mode_secret ? members_after(ch, j->joined) : ch->nmembers;
		for (; i < ch->nmembers && !chunk_full(c); i++) {
			const struct member *mb = &ch->members[i];
			if (inside || !mb->session->invisible)
				who_line(c, s, j, ch->name, mb->session, mb->op, mb->voice);
			j->joined = mb->joined;
		}
		done = i == ch->nmembers;
		pthread_mutex_unlock(&ch->lock);
	}
	registry_unlock();
	return done;
}

struct who_walk {
	struct picker picker;
	const struct session *asker;
	const char *mask;
	struct channel **mine; /* the asker's rooms (channels_of) */
	size_t nmine;
};

/* Is u in one of the asker's rooms? Takes u's memb_lock (a leaf). */
static bool who_shares_room(const struct who_walk *w, struct session *u)
{
	bool shared = false;
	pthread_mutex_lock(&u->memb_lock);
	for (size_t i = 0; i < u->nchannels && !shared; i++)
		for (size_t k = 0; k < w->nmine && !shared; k++)
			shared = u->channels[i] == w->mine[k];
	pthread_mutex_unlock(&u->memb_lock);
	return shared;
}

/* Offers a user whose nick or host matches the mask and whom the asker may
 * see: an invisible (+i) user only to themselves, to IRC operators and to
 * those who share a room with them. */
static void who_offer(struct session *u, void *arg)
{
	struct who_walk *w = arg;
	if (!u->registered)
		return;
	if (u->invisible && u != w->asker && !w->asker->oper && !who_shares_room(w, u))
		return;
	if (ircname_mask_match(w->mask, u->nick) || ircname_mask_match(w->mask, u->host))
		picker_offer(&w->picker, u, u->nick);
}

/* WHO mask: matching users in nick order from the cursor on. */
static bool who_mask_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	struct who_walk w = {.picker = {.after = j->after}, .asker = s, .mask = j->arg};
	w.nmine = channels_of(s, &w.mine); /* before the registry lock: memb_lock is a leaf */
	registry_rdlock();
	registry_each_nick(who_offer, &w);
	size_t i = 0;
	for (; i < w.picker.n && !chunk_full(c); i++)
		who_line(c, s, j, "*", w.picker.picks[i].item, false, false);
	if (i > 0)
		snprintf(j->after, sizeof j->after, "%s", w.picker.picks[i - 1].name);
	registry_unlock();
	channels_release(w.mine, w.nmine);
	return i == w.picker.n && w.picker.n < PICK_MAX;
}

/* Renders WHO lines into c; returns true when the reply is complete. */
static bool who_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	bool done = j->arg[0] == '#' ? who_channel_step(s, j, c) : who_mask_step(s, j, c);
	if (done)
		chunk_reply(c, s, "315", j->arg, "End of /WHO list", NULL);
	return done;
}

/* --- NAMES --- */

/* Appends text to buf (cap bytes, kept NUL-terminated), as much as fits.
 * A join into a room of thousands lists thousands of names: with snprintf
 * per name, formatting was a third of the server's CPU in a join storm. */
static void names_put(char *buf, size_t *len, size_t cap, const char *text)
{
	size_t n = strlen(text);
	if (n > cap - 1 - *len)
		n = cap - 1 - *len;
	memcpy(buf + *len, text, n);
	*len += n;
	buf[*len] = '\0';
}

/* 353 lines for ch's members from the cursor on; ch->lock held. Returns
 * true when every member was sent. */
static bool names_members(struct session *s, struct reply_job *j, struct channel *ch,
			  struct chunk *c)
{
	char names[NAMES_LINE_BUDGET + NICK_LEN_MAX + USER_LEN_MAX + ENDPOINT_STR_MAX + 8];
	unsigned caps = atomic_load(&s->caps);
	const char *symbol = ch->mode_secret ? "@" : "="; /* 353: secret or public */
	size_t len = 0, i = members_after(ch, j->joined);
	while (i < ch->nmembers) {
		const struct member *mb = &ch->members[i++];
		char prefix[3];
		member_prefix(mb->op, mb->voice, caps, prefix);
		const struct session *u = mb->session;
		if (len)
			names_put(names, &len, sizeof names, " ");
		names_put(names, &len, sizeof names, prefix);
		names_put(names, &len, sizeof names, mb->nick);
		if (caps & CAP_USERHOST_IN_NAMES) {
			names_put(names, &len, sizeof names, "!");
			names_put(names, &len, sizeof names, u->user);
			names_put(names, &len, sizeof names, "@");
			names_put(names, &len, sizeof names, u->host);
		}
		j->joined = mb->joined;
		if (len >= NAMES_LINE_BUDGET) {
			chunk_reply(c, s, "353", symbol, ch->name, names, NULL);
			len = 0;
			if (chunk_full(c))
				break;
		}
	}
	if (len)
		chunk_reply(c, s, "353", symbol, ch->name, names, NULL);
	return i == ch->nmembers;
}

/* Renders NAMES lines into c, channel after channel; returns true when the
 * whole list is done. */
static bool names_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	while (!chunk_full(c)) {
		j->pos += strspn(j->arg + j->pos, ",");
		if (!j->arg[j->pos])
			return true;
		char name[IRC_LINE_MAX];
		size_t len = strcspn(j->arg + j->pos, ",");
		snprintf(name, sizeof name, "%.*s", (int)len, j->arg + j->pos);
		bool done = true;
		/* A reference, not the registry lock: a chunk of a big room's
		 * names takes a while, and registry writers (joins, nick
		 * changes) would wait for it, and every reader behind them. */
		struct channel *ch = registry_channel_find_ref_for(s, name);
		if (ch) {
			pthread_mutex_lock(&ch->lock);
			if (channel_visible_to(ch, s)) /* else only the 366, as for no room */
				done = names_members(s, j, ch, c);
			pthread_mutex_unlock(&ch->lock);
			snprintf(name, sizeof name, "%s", ch->name); /* as created */
			channel_unref(ch);
		}
		if (!done)
			return false;
		chunk_reply(c, s, "366", name, "End of /NAMES list", NULL);
		j->pos += len;
		j->joined = 0;
	}
	return false;
}

/* --- history --- */

/* A kept message as it is replayed: on JOIN (history.h's entries) or in a
 * page of CHATHISTORY or /history (history_query.h's records). */
struct replayed {
	long long unix_ms;
	const char *msgid, *source, *command, *text;
	const char *tags; /* client-only tags it was sent with, "" when none */
};

/* The tags of a replayed line for s, inside j's batch: msgid, time and the
 * sender's client-only tags for message-tags clients, time for server-time
 * ones. Returns buf, or NULL for no tags at all. */
static const char *replayed_tags(const struct session *s, const struct reply_job *j,
				 const struct replayed *r, char *buf, size_t cap)
{
	unsigned caps = atomic_load(&s->caps);
	char time_tag[64], more[IRC_CLIENT_TAGS_MAX + 128];
	more[0] = '\0';
	if (caps & (CAP_SERVER_TIME | CAP_MESSAGE_TAGS)) {
		deliver_time_tag(r->unix_ms, time_tag, sizeof time_tag);
		if (caps & CAP_MESSAGE_TAGS)
			snprintf(more, sizeof more, "msgid=%s;%s%s%s", r->msgid, time_tag,
				 r->tags[0] ? ";" : "", r->tags);
		else
			snprintf(more, sizeof more, "%s", time_tag);
	}
	return irc_batch_tags(&j->batch, more, buf, cap);
}

/* One replayed message for an IRC client, in j's batch: tagged with its
 * time (server-time and message-tags clients), or marked "[history
 * HH:MM]" in the text for the others. */
static void replayed_line_irc(struct chunk *c, const struct session *s,
			      const struct reply_job *j, const char *channel,
			      const struct replayed *r)
{
	char tags[OUT_LINE_MAX - OUT_BODY_MAX];
	const char *tagged = replayed_tags(s, j, r, tags, sizeof tags);
	if (atomic_load(&s->caps) & (CAP_SERVER_TIME | CAP_MESSAGE_TAGS)) {
		const char *params[] = {channel, r->text};
		chunk_line(c, tagged, r->source, r->command, 2, params);
		return;
	}
	char text[OUT_BODY_MAX / 2 + 64];
	struct tm tm;
	time_t secs = (time_t)(r->unix_ms / 1000);
	localtime_r(&secs, &tm);
	const char *action = "\001ACTION ";
	bool is_action = strncmp(r->text, action, 8) == 0;
	/* Keep a CTCP ACTION intact: mark inside it, after "ACTION ". */
	snprintf(text, sizeof text, "%s[history %02d:%02d] %s", is_action ? action : "",
		 tm.tm_hour, tm.tm_min, is_action ? r->text + 8 : r->text);
	const char *params[] = {channel, text};
	chunk_line(c, tagged, r->source, r->command, 2, params);
}

/* One replayed message, as s's kind of client reads it. */
static void replayed_line(struct chunk *c, const struct session *s, const struct reply_job *j,
			  const char *channel, const struct replayed *r)
{
	if (s->kind != SESSION_PLAIN) {
		replayed_line_irc(c, s, j, channel, r);
		return;
	}
	int len = plain_render_history(r->unix_ms, r->source, r->command, r->text,
				       c->data + c->len, sizeof c->data - c->len);
	if (len > 0)
		c->len += (size_t)len;
}

/* One message of the join replay. */
static void history_line(struct chunk *c, const struct session *s, const struct reply_job *j,
			 const char *channel, const struct history_entry *e)
{
	const struct replayed r = {.unix_ms = e->unix_ms, .msgid = e->msgid,
				   .source = e->source, .command = e->command,
				   .text = e->text, .tags = e->tags};
	replayed_line(c, s, j, channel, &r);
}

/* Opens (first step) or closes (last step) the replay's chathistory
 * batch for a client that takes batches (irc_batch.h). */
static void history_batch_line(struct chunk *c, struct session *s, struct reply_job *j,
			       bool start)
{
	int len;
	if (start) {
		irc_batch_begin(s, &j->batch);
		const char *channel = j->arg;
		len = irc_batch_format_start(&j->batch, NULL, "chathistory", 1, &channel,
					     c->data + c->len, sizeof c->data - c->len);
	} else {
		len = irc_batch_format_end(&j->batch, NULL, c->data + c->len, sizeof c->data - c->len);
	}
	if (len > 0)
		c->len += (size_t)len;
}

/* Renders replayed messages into c; returns true when the replay is done
 * (or s left the room, or the room is not the one joined any more). */
static bool history_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	if (!j->started && s->kind != SESSION_PLAIN)
		history_batch_line(c, s, j, true);
	j->started = true;
	struct channel *ch = registry_channel_find_ref(j->arg);
	const struct history_entry *batch[HISTORY_BATCH];
	size_t n = 0;
	if (ch && ch->id == j->channel_id) {
		/* The lock only for membership: the messages are referenced, so
		 * they are rendered without it. */
		pthread_mutex_lock(&ch->lock);
		bool member = channel_has_member(ch, s);
		pthread_mutex_unlock(&ch->lock);
		/* Only as many as surely fit the chunk, with the batch's end
		 * line after them: a line read is a line sent. */
		size_t room = (sizeof c->data - c->len - BATCH_LINE_RESERVE) / OUT_SERVER_LINE_MAX;
		if (member && room > 0)
			n = history_cursor_read(ch->history, &j->cursor, batch,
						room < HISTORY_BATCH ? room : HISTORY_BATCH);
		for (size_t i = 0; i < n; i++)
			if (strcmp(batch[i]->command, "TOPIC") != 0) /* kept for CHATHISTORY */
				history_line(c, s, j, ch->name, batch[i]);
		history_release(batch, n);
	}
	bool done = n == 0 || history_cursor_done(&j->cursor);
	if (ch)
		channel_unref(ch);
	if (done && s->kind != SESSION_PLAIN)
		history_batch_line(c, s, j, false);
	return done;
}

/* --- a page of history --- */

/* About what a record takes in memory. */
static size_t record_bytes(const struct history_record *r)
{
	return sizeof *r + strlen(r->source) + strlen(r->command) + strlen(r->text) +
	       strlen(r->tags) + 4;
}

/* Keeps the first messages of j's piece that fit PAGE_HOLD_BYTES (at least
 * one); the others go back to page_left, to be read again after them. */
static void page_hold_bound(struct reply_job *j)
{
	size_t bytes = 0, keep = 0;
	while (keep < j->page.n) {
		bytes += record_bytes(j->page.items[keep]);
		if (keep > 0 && bytes > PAGE_HOLD_BYTES)
			break;
		keep++;
	}
	for (size_t i = keep; i < j->page.n; i++)
		free(j->page.items[i]);
	j->page_left += j->page.n - keep;
	j->page.n = keep;
}

void reply_add_page(struct session *s, const char *target, struct history_page *page)
{
	struct reply_job *j = job_add(s, REPLY_PAGE, target);
	j->page = *page;
	memset(page, 0, sizeof *page);
	if (j->page.n)
		j->page_end = j->page.items[j->page.n - 1]->seq;
	page_hold_bound(j);
}

/* Fetches the next piece of a page: the messages after the last one sent,
 * up to the answer's last. The answer ends early only if s left the room
 * or those messages were pruned meanwhile. */
static void page_fetch_piece(struct session *s, struct reply_job *j)
{
	struct history_query q = {.sel = HSEL_AFTER, .a.kind = HREF_MSGID,
				  .limit = j->page_left < PAGE_FETCH ? j->page_left : PAGE_FETCH};
	snprintf(q.a.msgid, sizeof q.a.msgid, "%s", j->page.items[j->page.n - 1]->msgid);
	history_page_free(&j->page);
	j->pos = 0;
	if (chat_history_read(s, j->arg, &q, false, &j->page) != CHAT_OK)
		history_page_free(&j->page);
	while (j->page.n && j->page.items[j->page.n - 1]->seq > j->page_end)
		free(j->page.items[--j->page.n]);
	j->page_left = j->page.n ? j->page_left - j->page.n : 0;
	if (j->page_left || j->page.n)
		page_hold_bound(j);
}

/* The target a page's message is shown sent to: the room; or, in a private
 * conversation with nick, nick for what s sent and s for what nick sent
 * (told apart by the sender's nick: an account's name is its nick). */
static const char *page_line_target(const struct session *s, const char *target,
				    const char *source)
{
	if (target[0] == '#')
		return target;
	size_t len = strcspn(source, "!");
	char nick[NICK_LEN_MAX + 1];
	if (len > NICK_LEN_MAX)
		return target;
	memcpy(nick, source, len);
	nick[len] = '\0';
	return ircname_cmp(nick, target) == 0 ? s->nick : target;
}

/* Renders the next messages of a page; true when it is all sent. */
static bool page_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	bool plain = s->kind == SESSION_PLAIN;
	if (!j->started) {
		j->started = true;
		if (!plain)
			history_batch_line(c, s, j, true);
		else if (j->page.n == 0)
			chunk_text(c, "No more history.");
	}
	if (j->pos == j->page.n && j->page_left)
		page_fetch_piece(s, j);
	for (; j->pos < j->page.n && !chunk_full(c); j->pos++) {
		const struct history_record *rec = j->page.items[j->pos];
		const struct replayed r = {.unix_ms = rec->unix_ms, .msgid = rec->msgid,
					   .source = rec->source, .command = rec->command,
					   .text = rec->text, .tags = rec->tags};
		replayed_line(c, s, j, page_line_target(s, j->arg, rec->source), &r);
	}
	if (j->pos < j->page.n || j->page_left)
		return false;
	if (!plain)
		history_batch_line(c, s, j, false);
	return true;
}

/* --- pumping --- */

/* Renders the next piece of job j into c; true when j is complete. */
static bool job_step(struct session *s, struct reply_job *j, struct chunk *c)
{
	switch (j->kind) {
	case REPLY_LIST:
		return list_step(s, j, c);
	case REPLY_WHO:
		return who_step(s, j, c);
	case REPLY_NAMES:
		return names_step(s, j, c);
	case REPLY_HISTORY:
		return history_step(s, j, c);
	case REPLY_PAGE:
		return page_step(s, j, c);
	case REPLY_LINE:
		break;
	}
	return true;
}

/* Runs a deferred command line (first job of the FIFO, taken off it). */
static void run_line(struct session *s, struct reply_job *j)
{
	char line[IRC_LINE_MAX];
	size_t len = strlen(j->arg);
	memcpy(line, j->arg, len + 1);
	reply_line_fn *run = j->run;
	free(j);
	run(s, line, len);
}

/* Renders and queues one chunk of the first job; true when the job is done. */
static bool pump_one(struct session *s, struct reply_job *j)
{
	struct chunk *c = xmalloc(sizeof *c);
	c->len = 0;
	bool done = false;
	while (!done && !chunk_full(c))
		done = job_step(s, j, c);
	if (c->len)
		deliver_queue_reply(s, msgbuf_new(c->data, c->len));
	free(c);
	return done;
}

bool reply_pump(struct session *s)
{
	struct reply_stream *st = s->reply;
	if (!st || st->pumping)
		return false;
	st->pumping = true;
	/* What the jobs queue belongs to the response of the command that
	 * added them (an IRC labeled response, deliver.h); the last job may
	 * end that response, which clears s->own. */
	bool was_taking = s->own && s->own->taking;
	if (s->own)
		s->own->taking = true;
	bool queued = false;
	while (st->head && !s->quitting && deliver_queued_bytes(s) < REPLY_LOW_WATER) {
		struct reply_job *j = st->head;
		if (j->kind == REPLY_LINE) {
			run_line(s, job_pop(st));
			continue;
		}
		queued = true;
		if (pump_one(s, j))
			job_free(job_pop(st));
	}
	st->pumping = false;
	if (s->own)
		s->own->taking = was_taking;
	if (!st->head) {
		free(st);
		s->reply = NULL;
	}
	return queued;
}
