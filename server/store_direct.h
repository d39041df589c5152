/* store_direct: small tables written rarely and at once, each write on disk
 * (committed) before the caller answers anyone: accounts, server bans.
 *
 * One writable connection of its own, beside the store thread's: the store
 * thread never touches these tables, and SQLite's file lock orders the two
 * writers (a direct write waits at most STORE_BUSY_MS for a commit of the
 * store thread, which is short). Calls run on the caller's thread, one at a
 * time: `lock` (store_direct.c) is a leaf held across the SQLite calls, so
 * the caller holds no server lock. The modules that keep such a table
 * (store_accounts.c, store_klines.c) are the only users; they live in the
 * store layer and see SQLite, nothing above them does. */
#ifndef PARLEY_STORE_DIRECT_H
#define PARLEY_STORE_DIRECT_H

#include <sqlite3.h>
#include <stddef.h>

struct store_direct;

/* What a caller runs on the connection; returns an SQLite result code. */
typedef int (*store_direct_fn)(sqlite3 *db, void *arg);

/* Opens the connection on path (already made and migrated by store_db).
 * NULL with a one-line message in err on failure. */
struct store_direct *store_direct_open(const char *path, char *err, size_t errcap);
void store_direct_close(struct store_direct *d);

/* Runs fn in one transaction (BEGIN IMMEDIATE ... COMMIT; rolled back if fn
 * or the commit fails). Returns SQLITE_OK or the failing code; on failure a
 * description (store_db_describe's, naming the file) is in err. */
int store_direct_write(struct store_direct *d, store_direct_fn fn, void *arg, char *err,
		       size_t errcap);

/* Runs fn for reading (no transaction of ours: each statement sees the last
 * commit). Same results as store_direct_write. */
int store_direct_read(struct store_direct *d, store_direct_fn fn, void *arg, char *err,
		      size_t errcap);

#endif
