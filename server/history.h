/* history: the recent messages of every room, replayed to joiners, under one
 * memory budget (no I/O).
 *
 * Each room has a struct history: its messages oldest first, at most
 * `capacity` of them, and nothing allocated until its first message. All the
 * histories made with one struct history_budget share a byte budget: when a
 * new message takes the total past it, the oldest messages of all those rooms
 * go first. The budget keeps every message in one list in the order they were
 * added (the global age order), so the oldest is found in O(1), and it is
 * always the oldest of its own room too, so every removal is at the front of
 * a room's list.
 *
 * Locking: the budget's mutex guards every history made with it (their lists
 * and counts) and the totals. It is a leaf lock, taken under a channel lock or
 * none, and nothing is taken while it is held. That is what lets a message in
 * one room evict lines of another room without taking that room's lock:
 * there is no second channel lock, so no order to get wrong. Messages are
 * reference-counted: history_cursor_read() hands out references, so a replay
 * reads them after the lock is dropped, even if they were evicted meanwhile. */
#ifndef PARLEY_HISTORY_H
#define PARLEY_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"

struct history_entry {
	unsigned long long seq; /* the room's order (history_query.h) */
	long long unix_ms;   /* when the server accepted the message */
	char msgid[MSGID_LEN + 1];
	const char *source;  /* nick!user@host of the sender */
	const char *command; /* "PRIVMSG", "NOTICE" or "TOPIC" */
	const char *text;    /* the message text or topic (valid UTF-8, no CR/LF) */
	const char *tags;    /* client-only tags it was sent with, "" when none */
};

struct history_budget;
struct history;
struct history_node;

/* A budget of max_bytes for all the histories made with it. */
struct history_budget *history_budget_new(size_t max_bytes);
/* Frees the budget; every history made with it must be freed first. */
void history_budget_free(struct history_budget *b);
/* Bytes the messages held take now (headers and text, as allocated). */
size_t history_budget_used(struct history_budget *b);

/* An empty history of at most capacity messages (0: keeps nothing). Allocates
 * only the small struct; messages are allocated as they come. */
struct history *history_new(struct history_budget *b, size_t capacity);
/* Drops every message of h and frees it. */
void history_free(struct history *h);

/* Stores a copy of the message, evicting h's oldest when h is full and the
 * oldest of any room while the budget is exceeded. Messages come in seq
 * order. */
void history_add(struct history *h, const struct history_record *r);

/* Answers a history query (history_query.h) from what h holds now: 0, or
 * 1 when a msgid reference is not among them. Copies the room's messages
 * out a piece at a time (the budget lock is held per piece only). */
int history_query(struct history *h, const struct history_query *q, struct history_page *page);

/* Messages h holds now. */
size_t history_count(struct history *h);

/* Gives back the references history_cursor_read() handed out. */
void history_release(const struct history_entry *const *entries, size_t n);

/* A replay of the messages a room held at one moment, read in pieces (the
 * history replay on JOIN streams, reply.h). It holds a reference on the next
 * message to read, so it survives evictions: a message evicted before it was
 * read is skipped. Messages added after history_cursor_init() are not part
 * of it (they are delivered live). Only the thread that owns it uses it. */
struct history_cursor {
	struct history_node *node;      /* next message to read (referenced), NULL: done */
	unsigned long long end; /* number of the first message not replayed */
};

/* Starts a cursor over what h holds now. */
void history_cursor_init(struct history *h, struct history_cursor *c);
/* Up to cap more messages, oldest first, each with a reference (give them
 * back with history_release()); advances the cursor. h is the history the
 * cursor was made on. */
size_t history_cursor_read(struct history *h, struct history_cursor *c,
			   const struct history_entry **out, size_t cap);
/* Has the cursor been read to its end? */
bool history_cursor_done(const struct history_cursor *c);
/* Lets go of a cursor (done or not). */
void history_cursor_release(struct history_cursor *c);

#endif
