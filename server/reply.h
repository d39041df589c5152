/* reply: big replies streamed as the client reads them — LIST, WHO, NAMES
 * (JOIN's too) and the history replay on JOIN.
 *
 * A command adds jobs to its session's FIFO and then calls reply_pump(),
 * which renders the next chunk of lines (at most REPLY_CHUNK bytes) while
 * the session's queue holds less than REPLY_LOW_WATER bytes. The worker
 * pumps again whenever its socket drains, and reads no further commands
 * while jobs are left (reply_busy()), so replies keep the order of the
 * commands. A command that would start a second reply while the first is
 * still streaming (JOIN #a,#b) leaves the rest of itself as a job
 * (reply_add_line()) that runs once the earlier jobs are done.
 *
 * Streamed chunks are exempt from SendQ (msgbuf.sendq_exempt): SendQ
 * protects a connection against what others send it, not against what it
 * asked for, and a streamed reply never has more than REPLY_LOW_WATER +
 * REPLY_CHUNK bytes queued, however big it is.
 *
 * A job holds no pointer into shared state between chunks. It resumes from
 * a key looked up again, under the registry read lock, for every chunk: a
 * channel or nick name in case-mapped order (LIST, WHO mask), a member's
 * join number (WHO #channel, NAMES; channel.h), a message number (history;
 * history.h). What vanished meanwhile is skipped; what is new is listed if
 * it sorts after the cursor.
 *
 * The FIFO belongs to the session's worker thread: every function here is
 * called by it only. The reply_add_* functions take no lock, so they may be
 * called with any lock held; reply_pump() takes the registry and channel
 * locks itself and must be called with none held. */
#ifndef PARLEY_REPLY_H
#define PARLEY_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"

struct session;
struct channel;

/* A chunk is rendered only while the queue holds less than this. */
#define REPLY_LOW_WATER 8192
/* A chunk ends once it holds this many bytes (its last line may pass it). */
#define REPLY_CHUNK 8192

/* LIST: 321, a 322 per channel s may see (channel_visible_to) that passes
 * the filter (listfilter.h: masks, !masks, user counts, creation and topic
 * times; "" for every channel), in name order, then 323. */
void reply_add_list(struct session *s, const char *filter);

/* WHO: 352 per member of a channel (mask "#..."), or per visible user whose
 * nick or host matches mask, then 315. With whox ("%fields[,token]", the
 * IRCv3 WHOX extension; NULL for plain WHO) each line is a 354 holding the
 * fields asked for, in WHOX_ORDER whatever order they were asked in. */
void reply_add_who(struct session *s, const char *mask, const char *whox);

/* The WHOX fields, in the order a 354 carries them. */
#define WHOX_ORDER "tcuihsnfdlaor"
#define WHOX_FIELDS_MAX 13 /* strlen(WHOX_ORDER) */
#define WHOX_TOKEN_MAX 3   /* a token is 1 to 3 digits */

/* Parses a WHOX spec ("%fields[,token]"): the known fields asked for, in
 * WHOX_ORDER, into fields; the token into token ("0" when absent or not
 * 1 to 3 digits). Unknown field letters are ignored. Pure. */
void whox_parse(const char *spec, char fields[WHOX_FIELDS_MAX + 1],
		char token[WHOX_TOKEN_MAX + 1]);

/* NAMES for each of the comma-separated channels: 353 lines and 366. */
void reply_add_names(struct session *s, const char *channels);

/* The history replay of ch, as it is now, to a joiner (IRC or plain).
 * Caller holds ch->lock: the range replayed is fixed here, so a message
 * that arrives later is delivered live only, never twice. Continues only
 * while s stays a member. */
void reply_add_history(struct session *s, struct channel *ch);

/* A page of history (CHATHISTORY's answer, plain /history's), handed over
 * (page is emptied): its messages oldest first, as target's. An IRC client
 * that negotiated batch gets them inside a `chathistory` batch (an empty
 * one when the page is empty, so it knows the answer is complete), tagged
 * as its capabilities allow (msgid, time, client tags); without server-time
 * the text is marked "[history HH:MM]"; a plain user reads
 * "[history] ..." lines, and "No more history." for an empty page. */
void reply_add_page(struct session *s, const char *target, struct history_page *page);

/* The rest of a command, to be run by run(s, line, len) — as if the client
 * had sent it — after the jobs already queued. */
typedef void reply_line_fn(struct session *s, char *line, size_t len);
void reply_add_line(struct session *s, const char *line, reply_line_fn *run);

/* Renders chunks while jobs are left and the queue is below the low-water
 * mark. Returns true if it queued anything (the client is reading). Does
 * nothing when called again from inside itself (a job's command). */
bool reply_pump(struct session *s);

/* True while jobs are left: the worker pumps, and reads no new commands. */
bool reply_busy(const struct session *s);

/* Drops every job (the session ends). */
void reply_free(struct session *s);

#endif
