/* irc_batch: IRCv3 batches for one IRC client. "BATCH +ref type params..."
 * opens a batch, every line inside carries the tag "batch=ref", and
 * "BATCH -ref" closes it.
 *
 * How to use it (the join replay in reply.c does exactly this, in a
 * streamed reply):
 *
 *     struct irc_batch b;
 *     irc_batch_begin(s, &b);                       // a fresh ref, if s takes batches
 *     len = irc_batch_format_start(&b, NULL, "chathistory", 1, &channel, buf, cap);
 *     tags = irc_batch_tags(&b, "time=...", tagbuf, sizeof tagbuf);
 *     ...deliver_format(line, cap, tags, source, command, n, params) per line...
 *     len = irc_batch_format_end(&b, NULL, buf, cap);
 *
 * or, for a reply that is not streamed, irc_batch_send_start() and
 * irc_batch_send_end() around reply()/send_self() calls whose lines carry
 * irc_batch_tags(). A client that did not negotiate `batch` gets the same
 * lines without BATCH lines or batch tags: irc_batch_begin() leaves the
 * batch off, and then the format calls write nothing (0) and
 * irc_batch_tags() gives only the other tags, so callers need one path.
 *
 * A batch is a value the caller keeps while it is open (on its stack, or in
 * a streamed reply's job). Refs are unique on the connection: "b" and a
 * per-session counter (session.h: batch_seq). Inside a labeled response
 * (irc_response.h) the BATCH lines themselves get the response's batch tag,
 * so batches nest as the spec allows.
 *
 * Worker thread of the session only. */
#ifndef PARLEY_IRC_BATCH_H
#define PARLEY_IRC_BATCH_H

#include <stdbool.h>
#include <stddef.h>

struct session;

#define IRC_BATCH_REF_MAX 12 /* "b", at most 10 digits, NUL */
/* Room for "batch=<ref>" (the tag a line inside carries). */
#define IRC_BATCH_TAG_MAX (sizeof "batch=" + IRC_BATCH_REF_MAX)

struct irc_batch {
	char ref[IRC_BATCH_REF_MAX]; /* "" when off (the client takes no batches) */
};

/* Starts b for s: a fresh ref if s negotiated batch, off otherwise. */
void irc_batch_begin(struct session *s, struct irc_batch *b);

/* Is b on (its lines go out as a batch)? */
bool irc_batch_on(const struct irc_batch *b);

/* The tag section for a line inside b: "batch=ref" and then `more` (NULL
 * or "" for none), into buf. Returns buf, or NULL when there is no tag at
 * all (b off and nothing more), as deliver_format() takes it. */
const char *irc_batch_tags(const struct irc_batch *b, const char *more, char *buf, size_t cap);

/* "[@tags ]:server BATCH +ref type params..." with CR LF into buf (tags
 * may be NULL). Returns the length, 0 when b is off, -1 if it does not fit. */
int irc_batch_format_start(const struct irc_batch *b, const char *tags, const char *type,
			   int nparams, const char *const *params, char *buf, size_t cap);

/* "[@tags ]:server BATCH -ref" with CR LF; returns as above. */
int irc_batch_format_end(const struct irc_batch *b, const char *tags, char *buf, size_t cap);

/* Queues the start of b, with one optional parameter (NULL: none), on s's
 * own queue (nothing when b is off). */
void irc_batch_send_start(struct session *s, const struct irc_batch *b, const char *type,
			  const char *param);

/* Queues the end of b on s's own queue (nothing when b is off). */
void irc_batch_send_end(struct session *s, const struct irc_batch *b);

#endif
