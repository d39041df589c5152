/* history: the last N messages of a channel, for replay to joiners (no I/O).
 * A ring that overwrites its oldest entry when full. Capacity 0 keeps nothing.
 * The owner (the channel) locks it. */
#ifndef PARLEY_HISTORY_H
#define PARLEY_HISTORY_H

#include <stddef.h>

struct history_entry {
	long long unix_ms; /* when the server accepted the message */
	char *source;      /* nick!user@host of the sender */
	char *command;     /* "PRIVMSG" or "NOTICE" */
	char *text;        /* the message text (valid UTF-8, no CR/LF) */
};

struct history;

struct history *history_new(size_t capacity);
void history_free(struct history *h);

/* Stores a copy of the message, evicting the oldest when full. */
void history_add(struct history *h, long long unix_ms, const char *source,
		 const char *command, const char *text);

size_t history_count(const struct history *h);

/* How many messages were ever added. Messages are numbered from 0 in the
 * order they were added, so entry i (see history_get) is message number
 * history_added() - history_count() + i; a reader that replays in pieces
 * (reply.h) resumes by number whatever was evicted meanwhile. */
unsigned long long history_added(const struct history *h);

/* Entry i, 0 being the oldest held. i must be < history_count(). */
const struct history_entry *history_get(const struct history *h, size_t i);

#endif
