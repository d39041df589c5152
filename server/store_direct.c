/* store_direct: see store_direct.h. */
#include "store_direct.h"

#include <pthread.h>
#include <stdlib.h>

#include "store_db.h"
#include "xalloc.h"

struct store_direct {
	pthread_mutex_t lock; /* a leaf: one call at a time on db */
	sqlite3 *db;
	char *path;
};

struct store_direct *store_direct_open(const char *path, char *err, size_t errcap)
{
	struct store_direct *d = xcalloc(1, sizeof *d);
	pthread_mutex_init(&d->lock, NULL);
	d->path = xstrdup(path);
	int rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(d->db, 1);
		sqlite3_busy_timeout(d->db, STORE_BUSY_MS);
		rc = sqlite3_exec(d->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		store_db_describe(path, rc, sqlite3_errmsg(d->db), err, errcap);
		store_direct_close(d);
		return NULL;
	}
	return d;
}

void store_direct_close(struct store_direct *d)
{
	if (!d)
		return;
	sqlite3_close(d->db);
	pthread_mutex_destroy(&d->lock);
	free(d->path);
	free(d);
}

/* Describes a failure (lock held: the message belongs to this call). */
static void direct_describe(struct store_direct *d, int rc, char *err, size_t errcap)
{
	store_db_describe(d->path, rc, sqlite3_errmsg(d->db), err, errcap);
}

int store_direct_write(struct store_direct *d, store_direct_fn fn, void *arg, char *err,
		       size_t errcap)
{
	pthread_mutex_lock(&d->lock);
	int rc = sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = fn(d->db, arg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		direct_describe(d, rc, err, errcap);
		if (!sqlite3_get_autocommit(d->db))
			sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

int store_direct_read(struct store_direct *d, store_direct_fn fn, void *arg, char *err,
		      size_t errcap)
{
	pthread_mutex_lock(&d->lock);
	int rc = fn(d->db, arg);
	if (rc != SQLITE_OK)
		direct_describe(d, rc, err, errcap);
	pthread_mutex_unlock(&d->lock);
	return rc;
}
