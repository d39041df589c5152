/* store_klines: see store_klines.h. */
#include "store_klines.h"

#include <sqlite3.h>

#include "store_direct.h"

/* Runs a prepared statement to its end. */
static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* store_direct_fn: INSERT OR REPLACE one row. */
static int put_fn(sqlite3 *db, void *arg)
{
	const struct store_kline *k = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT OR REPLACE INTO klines(mask, reason, setter, set_ms, "
				    "expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, k->mask, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, k->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, k->setter, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, k->set_ms);
	sqlite3_bind_int64(st, 5, k->expires_ms);
	return step_done(st);
}

int store_klines_put(struct store_direct *d, const struct store_kline *k, char *err,
		     size_t errcap)
{
	return store_direct_write(d, put_fn, (void *)k, err, errcap) == SQLITE_OK ? 0 : -1;
}

struct remove_arg {
	const char *mask;
	int found;
};

/* store_direct_fn: DELETE one row, noting whether it was there. */
static int remove_fn(sqlite3 *db, void *arg)
{
	struct remove_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "DELETE FROM klines WHERE mask = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->mask, -1, SQLITE_STATIC);
	rc = step_done(st);
	a->found = rc == SQLITE_OK && sqlite3_changes(db) > 0;
	return rc;
}

int store_klines_remove(struct store_direct *d, const char *mask, int *found, char *err,
			size_t errcap)
{
	struct remove_arg a = {mask, 0};
	int rc = store_direct_write(d, remove_fn, &a, err, errcap);
	*found = a.found;
	return rc == SQLITE_OK ? 0 : -1;
}

struct load_arg {
	long long now_ms;
	void (*fn)(const struct store_kline *k, void *arg);
	void *arg;
};

/* store_direct_fn: deletes expired rows, then hands the rest to fn. */
static int load_fn(sqlite3 *db, void *arg)
{
	struct load_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "DELETE FROM klines WHERE expires_ms != 0 AND expires_ms <= ?1",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a->now_ms);
	if ((rc = step_done(st)) != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(db,
				"SELECT mask, reason, setter, set_ms, expires_ms FROM klines "
				"ORDER BY set_ms, mask",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_kline k = {
			.mask = (const char *)sqlite3_column_text(st, 0),
			.reason = (const char *)sqlite3_column_text(st, 1),
			.setter = (const char *)sqlite3_column_text(st, 2),
			.set_ms = sqlite3_column_int64(st, 3),
			.expires_ms = sqlite3_column_int64(st, 4),
		};
		if (k.mask && k.reason && k.setter)
			a->fn(&k, a->arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_klines_load(struct store_direct *d, long long now_ms,
		      void (*fn)(const struct store_kline *k, void *arg), void *arg, char *err,
		      size_t errcap)
{
	struct load_arg a = {now_ms, fn, arg};
	return store_direct_write(d, load_fn, &a, err, errcap) == SQLITE_OK ? 0 : -1;
}
