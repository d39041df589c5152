/* store_db: the store's database file and its writer connection — opening
 * with the start-up checks, the schema and its migrations, and every write
 * (a batch of messages and room states, retention). store.c is its only
 * user, on one thread at a time (store_open, then the store thread, then
 * store_close); store_read.h is the read side.
 *
 * Schema versions live in PRAGMA user_version. store_db.c holds one
 * migration step per version, run in order and in one transaction from the
 * file's version up to STORE_SCHEMA_VERSION; a new version is one more step. */
#ifndef PARLEY_STORE_DB_H
#define PARLEY_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"
struct store_limits;
struct store_room;

#define STORE_SCHEMA_VERSION 4
#define STORE_BUSY_MS 5000        /* how long a connection waits for a lock */
/* Test knob: when set (a page count), the writer's PRAGMA max_page_count,
 * so that a test can fill the database without filling a disk. */
#define STORE_MAX_PAGES_ENV "PARLEYD_STORE_MAX_PAGES"

struct store_db;

/* Opens path (the file must exist; it may be empty), checks it, migrates it
 * to STORE_SCHEMA_VERSION, and reads the highest seq into *max_seq. NULL
 * with a one-line message naming the file and what to do in err. */
struct store_db *store_db_open(const char *path, unsigned long long *max_seq, char *err,
			       size_t errcap);
void store_db_close(struct store_db *db);

/* The one-line message for an SQLite error on path, with advice. */
void store_db_describe(const char *path, int code, const char *detail, char *err,
		       size_t errcap);

/* One transaction of writes: begin, any number of puts, then commit (which
 * rolls back on failure). Each returns an SQLite result code (SQLITE_OK or
 * SQLITE_DONE on success); *errmsg is left describing the last failure. */
int store_db_begin(struct store_db *db);
int store_db_put_message(struct store_db *db, const char *target,
			 const struct history_record *r);
int store_db_put_room(struct store_db *db, const char *key, const struct store_room *r,
		      long long changed_ms);
int store_db_commit(struct store_db *db);
void store_db_rollback(struct store_db *db);
const char *store_db_errmsg(struct store_db *db);

/* One retention pass at wall time now_ms, deleting at most `budget`
 * messages (oldest first by age, then the oldest of the rooms over
 * history_max), then the rooms limits allow no more. Returns an SQLite
 * result code; *more is set when the budget ran out before the end. */
int store_db_prune(struct store_db *db, const struct store_limits *limits, long long now_ms,
		   long budget, bool *more);

/* Sets PRAGMA max_page_count (0: back to what it was at open). */
void store_db_set_max_pages(struct store_db *db, long long pages);

#endif
