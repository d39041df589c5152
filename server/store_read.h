/* store_read: one read-only connection to the store's database and the
 * prepared statements of every read. store.c keeps a small pool of them;
 * a reader is used by one thread at a time. Every statement walks the
 * (target, seq) or (target, unix_ms) index (test_store checks the plans). */
#ifndef PARLEY_STORE_READ_H
#define PARLEY_STORE_READ_H

#include <stddef.h>

#include "history_range.h"
struct store_room;

struct store_reader;

/* Opens a read-only connection to path (which store_db_open made). NULL
 * with a message in err. */
struct store_reader *store_reader_open(const char *path, char *err, size_t errcap);
void store_reader_close(struct store_reader *rd);

/* Appends to page the messages of target in range r (at most its limit).
 * Returns 0 or -1 (logged). */
int store_reader_range(struct store_reader *rd, const char *target,
		       const struct history_range *r, struct history_page *page);

/* Finds msgid among target's messages: 1 (with its seq and time in *pos),
 * 0 if it is not there, -1 on error (logged). */
int store_reader_msgid(struct store_reader *rd, const char *target, const char *msgid,
		       struct history_pos *pos);

/* The time of target's newest message strictly between lo and hi: 1 with
 * *latest, 0 if none, -1 on error (logged). */
int store_reader_latest(struct store_reader *rd, const char *target, long long lo,
			long long hi, long long *latest);

/* Reads room key's state and bans: 1, 0 if none, -1 on error (logged). */
int store_reader_room(struct store_reader *rd, const char *key, struct store_room *out);

/* The targets of account's private conversations, newest first, at most
 * max, each passed to add(arg, target). Returns 0 or -1 (logged). */
int store_reader_pairs(struct store_reader *rd, const char *account, size_t max,
		       void (*add)(void *arg, const char *target), void *arg);

/* The SQL text run for a range like r (for the query-plan test). */
const char *store_reader_range_sql(const struct history_range *r, char *buf, size_t cap);

#endif
