/* history_range: a history query (history_query.h) turned into the index
 * ranges that answer it, once its references are resolved (pure, no I/O).
 *
 * A range is one walk along a room's messages in one order, from an
 * exclusive start (`near`), optionally up to an exclusive end (`far`),
 * taking at most `limit` messages. The store runs a range as one SQL
 * statement on the (target, seq) or (target, unix_ms) index and, with
 * history_range_match(), over the messages still queued in memory; the
 * union of both, sorted and trimmed (history_page_trim), is the page.
 *
 * Which key a range walks is decided by its start: a msgid reference (or
 * none) walks sequence numbers, a time reference walks time (ties in time
 * in sequence order). The end may be of the other kind: then it only
 * filters the walk. */
#ifndef PARLEY_HISTORY_RANGE_H
#define PARLEY_HISTORY_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"

/* A resolved reference: for HREF_MSGID the message's seq and time, for
 * HREF_TIME the time asked for. */
struct history_pos {
	enum history_ref_kind kind;
	long long seq;
	long long unix_ms;
};

enum history_far { HFAR_NONE, HFAR_SEQ, HFAR_TIME };

struct history_range {
	bool desc;          /* newest first (key < near), else oldest first (key > near) */
	bool by_time;       /* the key is unix_ms (then seq), else seq */
	long long near;     /* exclusive start, in the range's key */
	enum history_far far_kind;
	long long far;      /* exclusive end: key > far (desc) or key < far (asc) */
	size_t limit;
	bool messages_only; /* PRIVMSG and NOTICE only, not TOPIC (!query.events) */
};

struct history_plan {
	struct history_range r[2];
	size_t n;             /* ranges used (AROUND: 2, else 1) */
	bool backwards;       /* BETWEEN from a newer a to an older b */
	bool pivot_by_time;   /* AROUND a time: the pivot is found in the page */
	long long pivot;      /* AROUND a msgid: its seq; by time: the time */
};

/* Plans q given its resolved references a and b (b only for BETWEEN). */
void history_plan_make(const struct history_query *q, const struct history_pos *a,
		       const struct history_pos *b, struct history_plan *out);

/* Is a message with this seq, time and command inside range r (ignoring its
 * limit)? */
bool history_range_match(const struct history_range *r, long long seq, long long unix_ms,
			 const char *command);

/* The pivot history_page_trim() wants for plan p on the merged, sorted
 * page: AROUND a msgid, its seq; AROUND a time, the newest seq at or
 * before that time (0 when none is). */
unsigned long long history_plan_pivot(const struct history_plan *p,
				      const struct history_page *page);

#endif
