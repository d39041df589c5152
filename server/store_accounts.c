/* store_accounts: see store_accounts.h. */
#include "store_accounts.h"

#include <sqlite3.h>
#include <string.h>

#include "store_direct.h"

struct put_arg {
	const char *name, *display, *hash;
	long long created_ms;
	bool taken;
};

/* INSERT one account; a name already there is not an error of the write. */
static int put_fn(sqlite3 *db, void *arg)
{
	struct put_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT OR IGNORE INTO accounts(name, display, hash, created_ms) "
				    "VALUES (?1, ?2, ?3, ?4)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->display, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, a->created_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		a->taken = sqlite3_changes(db) == 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

enum store_account_put store_accounts_put(struct store_direct *d, const char *name,
					  const char *display, const char *hash,
					  long long created_ms, char *err, size_t errcap)
{
	struct put_arg a = {.name = name, .display = display, .hash = hash,
			    .created_ms = created_ms};
	if (store_direct_write(d, put_fn, &a, err, errcap) != SQLITE_OK)
		return STORE_ACCOUNT_FAILED;
	return a.taken ? STORE_ACCOUNT_TAKEN : STORE_ACCOUNT_ADDED;
}

struct each_arg {
	void (*fn)(const char *name, void *arg);
	void *arg;
};

/* SELECT every name, handing each to the caller's fn. */
static int each_fn(sqlite3 *db, void *arg)
{
	struct each_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM accounts", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (name)
			a->fn(name, a->arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_accounts_each_name(struct store_direct *d, void (*fn)(const char *name, void *arg),
			     void *arg, char *err, size_t errcap)
{
	struct each_arg a = {.fn = fn, .arg = arg};
	return store_direct_read(d, each_fn, &a, err, errcap) == SQLITE_OK ? 0 : -1;
}

struct get_arg {
	const char *name;
	char *hash, *display;
	bool found;
};

/* Copies a column's text into out[0..cap), truncating (our values fit). */
static void column_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = s ? strlen(s) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
}

/* SELECT one account's hash and display. */
static int get_fn(sqlite3 *db, void *arg)
{
	struct get_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT hash, display FROM accounts WHERE name = ?1", -1,
				    &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_copy(st, 0, a->hash, STORE_ACCOUNT_HASH_MAX + 1);
		column_copy(st, 1, a->display, STORE_ACCOUNT_NAME_MAX + 1);
		a->found = true;
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int store_accounts_get(struct store_direct *d, const char *name, char *hash, char *display,
		       char *err, size_t errcap)
{
	struct get_arg a = {.name = name, .hash = hash, .display = display};
	if (store_direct_read(d, get_fn, &a, err, errcap) != SQLITE_OK)
		return -1;
	return a.found ? 1 : 0;
}

struct touch_arg {
	const char *name;
	long long unix_ms;
};

/* UPDATE one account's last login. */
static int touch_fn(sqlite3 *db, void *arg)
{
	struct touch_arg *a = arg;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "UPDATE accounts SET last_login_ms = ?2 WHERE name = ?1",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->unix_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_accounts_touch(struct store_direct *d, const char *name, long long unix_ms, char *err,
			 size_t errcap)
{
	struct touch_arg a = {.name = name, .unix_ms = unix_ms};
	return store_direct_write(d, touch_fn, &a, err, errcap) == SQLITE_OK ? 0 : -1;
}
