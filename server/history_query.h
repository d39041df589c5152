/* history_query: what a history request asks for and what it gets back,
 * shared by the two places history lives — the in-memory rings (history.h)
 * and the SQLite store (store.h) — and by the commands that page through it
 * (CHATHISTORY, the plain /history). Pure data and pure helpers, no I/O.
 *
 * Order. Every stored message has a sequence number, taken from one
 * server-wide counter under the room's lock when the message is fanned out
 * (so a room's messages are numbered in the order its members saw them, with
 * gaps where other rooms' messages went) and restarted above the store's
 * highest after a restart. Paging is by sequence number; a time reference
 * is turned into a position between sequence numbers: "before time T" is
 * every message with unix_ms < T, "after time T" every one with unix_ms > T.
 * Ties in time are therefore only a problem for clients that page by time:
 * paging by msgid never repeats or skips a message.
 *
 * A page is always oldest first, whichever direction was asked for, and a
 * page shorter than the limit means there is no more history in that
 * direction (no paging trap). */
#ifndef PARLEY_HISTORY_QUERY_H
#define PARLEY_HISTORY_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "msgid.h"

/* CHATHISTORY's selectors (TARGETS is a different question: store.h). */
enum history_sel {
	HSEL_LATEST,  /* the newest `limit`; with a reference, only newer than it */
	HSEL_BEFORE,  /* the `limit` just before a */
	HSEL_AFTER,   /* the `limit` just after a */
	HSEL_AROUND,  /* about limit/2 each side of a, a itself included if a msgid */
	HSEL_BETWEEN, /* strictly between a and b, the `limit` nearest a */
};

enum history_ref_kind { HREF_NONE, HREF_MSGID, HREF_TIME };

struct history_ref {
	enum history_ref_kind kind;
	char msgid[MSGID_LEN + 1]; /* HREF_MSGID */
	long long unix_ms;         /* HREF_TIME */
};

struct history_query {
	enum history_sel sel;
	struct history_ref a, b; /* a: LATEST's (may be HREF_NONE) or the only one; b: BETWEEN's end */
	size_t limit;            /* > 0 */
	/* Also TOPIC changes (CHATHISTORY's event-playback); otherwise only
	 * PRIVMSG and NOTICE are returned. References may name any kept
	 * message either way. */
	bool events;
};

/* One message as read back: one allocation per record (the strings follow
 * the struct). tags holds the client-only tags it was sent with, without
 * '@' ("" when none). */
struct history_record {
	unsigned long long seq;
	long long unix_ms;
	char msgid[MSGID_LEN + 1];
	const char *source;  /* nick!user@host */
	const char *command; /* PRIVMSG, NOTICE or TOPIC */
	const char *text;    /* message text, or the new topic ("" when cleared) */
	const char *tags;
};

/* The answer to a query: records oldest first. */
struct history_page {
	struct history_record **items;
	size_t n, cap;
};

/* A record holding copies of the strings (tags may be NULL: ""). */
struct history_record *history_record_new(unsigned long long seq, long long unix_ms,
					  const char *msgid, const char *source,
					  const char *command, const char *text,
					  const char *tags);
/* Appends r to p (p owns it afterwards). */
void history_page_push(struct history_page *p, struct history_record *r);
/* Sorts p oldest first (by seq) and drops records with a seq seen before. */
void history_page_sort_unique(struct history_page *p);
/* Keeps only the `limit` records of a sorted page that the query wants: the
 * newest for LATEST and BEFORE (and BETWEEN going backwards), the oldest for
 * AFTER (and BETWEEN going forwards), and for AROUND an even split around
 * `pivot` (the seq of the reference; records <= pivot count as before). */
void history_page_trim(struct history_page *p, const struct history_query *q,
		       bool backwards, unsigned long long pivot);
/* Answers q from a page that holds every candidate record of one target
 * (sorted, unique): resolves q's references among them, keeps the records
 * the selector wants, trims to the limit. Returns 0, or 1 (page emptied)
 * when a msgid reference is not in the page. The in-memory history answers
 * queries this way; the store, which cannot load a whole room, does the
 * same in SQL. */
int history_page_select(struct history_page *p, const struct history_query *q);

/* Frees every record and the array; p is empty afterwards. */
void history_page_free(struct history_page *p);

#endif
