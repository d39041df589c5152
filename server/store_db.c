/* store_db: see store_db.h. */
#include "store_db.h"

#include "store_types.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmpair.h"
#include "log.h"
#include "strmap.h"
#include "xalloc.h"

/* PRAGMA application_id of our files ("PRLY"): a database of another
 * program is refused instead of getting our tables added to it. */
#define STORE_APP_ID 0x50524c59

/* How many messages a target has in the database (the writer's count, kept
 * so retention by count needs no scan). */
struct store_count {
	long n;
	char name[];
};

enum db_stmt {
	ST_BEGIN, ST_COMMIT, ST_INS_MSG, ST_PUT_ROOM, ST_DEL_BANS, ST_INS_BAN,
	ST_OLDEST, ST_DEL_UPTO, ST_DEL_OLDEST_OF, ST_ROOMS_IDLE, ST_ROOMS_OVER, ST_BANS_ORPHAN,
	ST_COUNTS, ST_PUT_PAIR, ST_PAIRS_ORPHAN, ST_NSTMT
};

static const char *const db_sql[ST_NSTMT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	/* OR IGNORE: a message stored twice (same seq or msgid) must not
	 * wedge the queue behind a batch that can never commit. */
	[ST_INS_MSG] = "INSERT OR IGNORE INTO messages(seq, target, msgid, unix_ms, source, "
		       "command, text, tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_PUT_ROOM] = "INSERT OR REPLACE INTO rooms(room, name, created_ms, topic, "
			"topic_setter, topic_ms, modes, chan_key, user_limit, changed_ms, ops) "
			"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_DEL_BANS] = "DELETE FROM bans WHERE room = ?1",
	[ST_INS_BAN] = "INSERT INTO bans(room, mask, setter, unix_ms, kind) "
		       "VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_OLDEST] = "SELECT seq, target, unix_ms FROM messages ORDER BY seq LIMIT ?1",
	[ST_DEL_UPTO] = "DELETE FROM messages WHERE seq <= ?1",
	[ST_DEL_OLDEST_OF] = "DELETE FROM messages WHERE target = ?1 AND seq <= "
			     "(SELECT seq FROM messages WHERE target = ?1 ORDER BY seq "
			     "LIMIT 1 OFFSET ?2)",
	[ST_ROOMS_IDLE] = "DELETE FROM rooms WHERE changed_ms < ?1 AND NOT EXISTS "
			  "(SELECT 1 FROM messages WHERE target = rooms.room)",
	[ST_ROOMS_OVER] = "DELETE FROM rooms WHERE room IN (SELECT room FROM rooms ORDER BY "
			  "changed_ms, room LIMIT max(0, (SELECT count(*) FROM rooms) - ?1))",
	[ST_BANS_ORPHAN] = "DELETE FROM bans WHERE room NOT IN (SELECT room FROM rooms)",
	[ST_COUNTS] = "SELECT target, count(*) FROM messages GROUP BY target",
	[ST_PUT_PAIR] = "INSERT INTO dm_pairs(account, partner, target, latest_ms) "
			"VALUES(?1, ?2, ?3, ?4) ON CONFLICT(account, partner) DO UPDATE SET "
			"latest_ms = max(latest_ms, excluded.latest_ms)",
	[ST_PAIRS_ORPHAN] = "DELETE FROM dm_pairs WHERE NOT EXISTS "
			    "(SELECT 1 FROM messages WHERE target = dm_pairs.target)",
};

struct store_db {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_NSTMT];
	struct strmap *counts;       /* target -> struct store_count */
	bool counts_ok;              /* false after a failed transaction: recount */
	long long default_max_pages; /* PRAGMA max_page_count at open */
	char errmsg[256];            /* the last failure, for the log */
};

/* Schema version 1: see store.h. seq is the rowid, so both indexes end in
 * it: (target, unix_ms) walks ties in time in seq order. */
static const char schema_v1[] =
	"CREATE TABLE messages(seq INTEGER PRIMARY KEY, target TEXT NOT NULL, "
	"msgid TEXT NOT NULL UNIQUE, unix_ms INTEGER NOT NULL, source TEXT NOT NULL, "
	"command TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX messages_target_seq ON messages(target, seq);"
	"CREATE INDEX messages_target_time ON messages(target, unix_ms);"
	"CREATE TABLE rooms(room TEXT PRIMARY KEY, name TEXT NOT NULL, "
	"created_ms INTEGER NOT NULL, topic TEXT, topic_setter TEXT NOT NULL, "
	"topic_ms INTEGER NOT NULL, modes TEXT NOT NULL, chan_key TEXT NOT NULL, "
	"user_limit INTEGER NOT NULL, changed_ms INTEGER NOT NULL);"
	"CREATE TABLE bans(room TEXT NOT NULL, mask TEXT NOT NULL, setter TEXT NOT NULL, "
	"unix_ms INTEGER NOT NULL);"
	"CREATE INDEX bans_room ON bans(room);";

/* Schema version 2: the small tables written at once through store_direct.h
 * (accounts and server bans), which the store thread never touches. `name`
 * and `mask` are case-folded keys; expires_ms 0 means never. */
static const char schema_v2[] =
	"CREATE TABLE accounts(name TEXT PRIMARY KEY, display TEXT NOT NULL, "
	"hash TEXT NOT NULL, created_ms INTEGER NOT NULL, "
	"last_login_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE klines(mask TEXT PRIMARY KEY, reason TEXT NOT NULL, "
	"setter TEXT NOT NULL, set_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);";

/* Schema version 3: the accounts a room remembers as ops (rooms.ops, names
 * separated by spaces, opaccts.h), and who has private history with whom:
 * dm_pairs has a row per account and partner, naming their target ("@a,b",
 * dmpair.h) and the time of its newest message, written by the store
 * thread with the message, so CHATHISTORY TARGETS finds an account's
 * conversations without walking the messages. */
static const char schema_v3[] =
	"ALTER TABLE rooms ADD COLUMN ops TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE dm_pairs(account TEXT NOT NULL, partner TEXT NOT NULL, "
	"target TEXT NOT NULL, latest_ms INTEGER NOT NULL, PRIMARY KEY(account, partner)) "
	"WITHOUT ROWID;"
	"CREATE INDEX dm_pairs_latest ON dm_pairs(account, latest_ms);";

/* Schema version 4: bans.kind says which list of the room a mask is on:
 * 'b' (bans; every row before version 4), 'e' (ban exceptions), 'I'
 * (invite exceptions). */
static const char schema_v4[] = "ALTER TABLE bans ADD COLUMN kind TEXT NOT NULL DEFAULT 'b';";

/* migrations[v - 1] takes a file from version v - 1 to v (version 0: an
 * empty file). */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
};

void store_db_describe(const char *path, int code, const char *detail, char *err,
		       size_t errcap)
{
	switch (code & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errcap, "%s is not a parleyd database (%s); move it away to start "
			 "with empty history, or give another --data-dir", path, detail);
		return;
	case SQLITE_CORRUPT:
		snprintf(err, errcap, "%s is corrupt (%s); restore it from a backup, or move it "
			 "away to start with empty history", path, detail);
		return;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
	case SQLITE_CANTOPEN:
		snprintf(err, errcap, "cannot write %s (%s); parleyd's user must be able to "
			 "read and write it and its directory", path, detail);
		return;
	case SQLITE_FULL:
		snprintf(err, errcap, "cannot write %s (%s); free some disk space", path, detail);
		return;
	case SQLITE_IOERR:
		snprintf(err, errcap, "cannot read or write %s (%s); check the disk", path, detail);
		return;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(err, errcap, "%s is locked by another program (%s); stop it or give "
			 "another --data-dir", path, detail);
		return;
	default:
		snprintf(err, errcap, "cannot use %s (%s)", path, detail);
		return;
	}
}

/* Describes the connection's last error. */
static void db_fail(sqlite3 *db, const char *path, int code, char *err, size_t errcap)
{
	store_db_describe(path, code, sqlite3_errmsg(db), err, errcap);
}

/* The integer a one-row PRAGMA or query returns; an SQLite code. */
static int db_int(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Runs the migration steps from version `from` in one transaction. */
static int db_migrate(sqlite3 *db, long long from)
{
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (long long v = from; rc == SQLITE_OK && v < STORE_SCHEMA_VERSION; v++)
		rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL);
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
		 STORE_APP_ID, STORE_SCHEMA_VERSION);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Reads the schema version and application id, refusing files that are
 * newer or not ours, and migrates older ones. */
static int db_check_version(sqlite3 *db, const char *path, char *err, size_t errcap)
{
	long long version = 0, app = 0, tables = 0;
	int rc = db_int(db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = db_int(db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = db_int(db, "SELECT count(*) FROM sqlite_schema", &tables);
	if (rc != SQLITE_OK) {
		db_fail(db, path, rc, err, errcap);
		return -1;
	}
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errcap, "%s was written by a newer parleyd (schema version %lld, "
			 "this one knows up to %d); upgrade parleyd or use another --data-dir",
			 path, version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if ((version == 0 && tables > 0) || (version > 0 && app != STORE_APP_ID)) {
		snprintf(err, errcap, "%s is an SQLite database of another program; move it away "
			 "or give another --data-dir", path);
		return -1;
	}
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	rc = db_migrate(db, version);
	if (rc != SQLITE_OK) {
		db_fail(db, path, rc, err, errcap);
		return -1;
	}
	if (version > 0)
		log_info("history store: %s migrated from schema version %lld to %d", path,
			 version, STORE_SCHEMA_VERSION);
	return 0;
}

/* Connection settings: WAL (readers never wait for the writer), a commit
 * durable at the next checkpoint rather than at once (a power cut may lose
 * the last commits, never the file), and a busy wait. */
static int db_configure(sqlite3 *db)
{
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *mode = sqlite3_column_text(s, 0);
		rc = mode && strcmp((const char *)mode, "wal") == 0 ? SQLITE_OK : SQLITE_READONLY;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK)
		return rc;
	return sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

/* The cheap check at open: the newest message (which also gives the
 * highest seq), the room table, and a write lock (a read-only file or
 * directory fails here rather than at the first commit). The message
 * counts read afterwards walk one whole index. */
static int db_probe(struct store_db *d, unsigned long long *max_seq)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(d->db, "SELECT seq, target, msgid, unix_ms, source, command, "
				    "text, tags FROM messages ORDER BY seq DESC LIMIT 1", -1, &s,
				    NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	*max_seq = rc == SQLITE_ROW ? (unsigned long long)sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	long long rooms;
	rc = db_int(d->db, "SELECT count(*) FROM bans, rooms WHERE bans.room = rooms.room", &rooms);
	if (rc != SQLITE_OK)
		return rc;
	if (sqlite3_db_readonly(d->db, "main") == 1)
		return SQLITE_READONLY;
	rc = sqlite3_exec(d->db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(d->db))
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Frees every count. */
static void counts_clear_one(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	free(value);
}

/* The count of target, created at 0. */
static struct store_count *counts_get(struct store_db *d, const char *target)
{
	struct store_count *c = strmap_get(d->counts, target);
	if (!c) {
		size_t len = strlen(target) + 1;
		c = xmalloc(sizeof *c + len);
		c->n = 0;
		memcpy(c->name, target, len);
		strmap_put(d->counts, target, c);
	}
	return c;
}

/* Recounts every target's messages (one walk of an index). */
static int counts_load(struct store_db *d)
{
	strmap_each(d->counts, counts_clear_one, NULL);
	strmap_free(d->counts);
	d->counts = strmap_new();
	sqlite3_stmt *s = d->st[ST_COUNTS];
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		if (t)
			counts_get(d, (const char *)t)->n = (long)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	d->counts_ok = rc == SQLITE_DONE;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Applies the PARLEYD_STORE_MAX_PAGES test knob, if set. */
static void db_apply_env(struct store_db *d)
{
	const char *v = getenv(STORE_MAX_PAGES_ENV);
	if (!v || !*v)
		return;
	char *end;
	errno = 0;
	long long pages = strtoll(v, &end, 10);
	if (errno || *end || pages <= 0) {
		log_warn("history store: ignoring %s=%s (not a page count)", STORE_MAX_PAGES_ENV, v);
		return;
	}
	store_db_set_max_pages(d, pages);
	log_warn("history store: %s=%lld: the database is limited to that many pages (a test knob)",
		 STORE_MAX_PAGES_ENV, pages);
}

/* Prepares every statement; an SQLite code. */
static int db_prepare_all(struct store_db *d)
{
	for (int i = 0; i < ST_NSTMT; i++) {
		int rc = sqlite3_prepare_v3(d->db, db_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &d->st[i], NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

struct store_db *store_db_open(const char *path, unsigned long long *max_seq, char *err,
			       size_t errcap)
{
	struct store_db *d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	d->counts = strmap_new();
	int rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = db_configure(d->db);
	if (rc != SQLITE_OK) {
		db_fail(d->db, path, rc, err, errcap);
		goto fail;
	}
	if (db_check_version(d->db, path, err, errcap) < 0)
		goto fail;
	rc = db_probe(d, max_seq);
	if (rc == SQLITE_OK)
		rc = db_prepare_all(d);
	if (rc == SQLITE_OK)
		rc = counts_load(d);
	if (rc == SQLITE_OK)
		rc = db_int(d->db, "PRAGMA max_page_count", &d->default_max_pages);
	if (rc != SQLITE_OK) {
		db_fail(d->db, path, rc, err, errcap);
		goto fail;
	}
	db_apply_env(d);
	return d;
fail:
	store_db_close(d);
	return NULL;
}

void store_db_close(struct store_db *d)
{
	if (!d)
		return;
	for (int i = 0; i < ST_NSTMT; i++)
		sqlite3_finalize(d->st[i]);
	if (sqlite3_close(d->db) != SQLITE_OK)
		log_warn("history store: closing %s: %s", d->path, sqlite3_errmsg(d->db));
	strmap_each(d->counts, counts_clear_one, NULL);
	strmap_free(d->counts);
	free(d->path);
	free(d);
}

/* Steps a statement that returns no rows and resets it; an SQLite code
 * (SQLITE_OK on success), with the message kept for the log. */
static int db_run(struct store_db *d, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = SQLITE_OK;
	else
		snprintf(d->errmsg, sizeof d->errmsg, "%s", sqlite3_errmsg(d->db));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

const char *store_db_errmsg(struct store_db *d)
{
	return d->errmsg;
}

int store_db_begin(struct store_db *d)
{
	return db_run(d, d->st[ST_BEGIN]);
}

/* Binds text (NULL binds SQL NULL). */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Notes a private conversation's newest time for both its sides (dm_pairs,
 * schema v3); nothing for a room. */
static int put_pair(struct store_db *d, const char *target, long long unix_ms)
{
	char a[NICK_LEN_MAX + 1], b[NICK_LEN_MAX + 1];
	if (!dmpair_split(target, a, b))
		return SQLITE_OK;
	int rc = SQLITE_OK;
	for (int side = 0; side < 2 && rc == SQLITE_OK; side++) {
		sqlite3_stmt *s = d->st[ST_PUT_PAIR];
		bind_text(s, 1, side ? b : a);
		bind_text(s, 2, side ? a : b);
		bind_text(s, 3, target);
		sqlite3_bind_int64(s, 4, unix_ms);
		rc = db_run(d, s);
	}
	return rc;
}

int store_db_put_message(struct store_db *d, const char *target, const struct history_record *r)
{
	sqlite3_stmt *s = d->st[ST_INS_MSG];
	sqlite3_bind_int64(s, 1, (sqlite3_int64)r->seq);
	bind_text(s, 2, target);
	bind_text(s, 3, r->msgid);
	sqlite3_bind_int64(s, 4, r->unix_ms);
	bind_text(s, 5, r->source);
	bind_text(s, 6, r->command);
	bind_text(s, 7, r->text);
	bind_text(s, 8, r->tags ? r->tags : "");
	int rc = db_run(d, s);
	if (rc == SQLITE_OK && sqlite3_changes(d->db) > 0) {
		counts_get(d, target)->n++;
		rc = put_pair(d, target, r->unix_ms);
	}
	return rc;
}

int store_db_put_room(struct store_db *d, const char *key, const struct store_room *r,
		      long long changed_ms)
{
	sqlite3_stmt *s = d->st[ST_PUT_ROOM];
	bind_text(s, 1, key);
	bind_text(s, 2, r->name ? r->name : key);
	sqlite3_bind_int64(s, 3, r->created_ms);
	bind_text(s, 4, r->topic);
	bind_text(s, 5, r->topic_setter ? r->topic_setter : "");
	sqlite3_bind_int64(s, 6, r->topic_ms);
	bind_text(s, 7, r->modes ? r->modes : "");
	bind_text(s, 8, r->key ? r->key : "");
	sqlite3_bind_int(s, 9, r->limit);
	sqlite3_bind_int64(s, 10, changed_ms);
	bind_text(s, 11, r->ops ? r->ops : "");
	int rc = db_run(d, s);
	if (rc != SQLITE_OK)
		return rc;
	s = d->st[ST_DEL_BANS];
	bind_text(s, 1, key);
	rc = db_run(d, s);
	for (size_t i = 0; rc == SQLITE_OK && i < r->nbans; i++) {
		s = d->st[ST_INS_BAN];
		bind_text(s, 1, key);
		bind_text(s, 2, r->bans[i].mask ? r->bans[i].mask : "");
		bind_text(s, 3, r->bans[i].setter ? r->bans[i].setter : "");
		sqlite3_bind_int64(s, 4, r->bans[i].unix_ms);
		char kind[2] = {r->bans[i].kind == 'e' || r->bans[i].kind == 'I' ? r->bans[i].kind
										  : 'b',
				'\0'};
		bind_text(s, 5, kind);
		rc = db_run(d, s);
	}
	return rc;
}

int store_db_commit(struct store_db *d)
{
	int rc = db_run(d, d->st[ST_COMMIT]);
	if (rc != SQLITE_OK)
		store_db_rollback(d);
	return rc;
}

void store_db_rollback(struct store_db *d)
{
	/* Some errors (SQLITE_FULL among them) roll back by themselves. */
	if (!sqlite3_get_autocommit(d->db))
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	d->counts_ok = false; /* counts of the lost inserts or deletes */
}

/* Deletes the messages older than cutoff_ms in seq order, up to budget,
 * stopping at the first younger one (seq follows time closely enough:
 * one server-wide counter), so no walk goes past what it deletes. */
static int prune_by_age(struct store_db *d, long long cutoff_ms, long *budget, bool *more)
{
	sqlite3_stmt *s = d->st[ST_OLDEST];
	sqlite3_bind_int64(s, 1, *budget);
	long long last = -1;
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && sqlite3_column_int64(s, 2) < cutoff_ms) {
		last = sqlite3_column_int64(s, 0);
		const unsigned char *t = sqlite3_column_text(s, 1);
		struct store_count *c = t ? strmap_get(d->counts, (const char *)t) : NULL;
		if (c)
			c->n--;
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(d->errmsg, sizeof d->errmsg, "%s", sqlite3_errmsg(d->db));
		return rc;
	}
	if (n == *budget)
		*more = true; /* every row looked at went: there may be more */
	*budget -= n;
	if (last < 0)
		return SQLITE_OK;
	s = d->st[ST_DEL_UPTO];
	sqlite3_bind_int64(s, 1, last);
	return db_run(d, s);
}

/* Collects the counts over `max` (strmap_each callback). */
struct over_list {
	struct store_count **items;
	size_t n, cap;
	long max;
};
static void collect_over(const char *key, void *value, void *arg)
{
	(void)key;
	struct over_list *l = arg;
	struct store_count *c = value;
	if (c->n <= l->max)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n++] = c;
}

/* Deletes the oldest messages of every target over history_max, up to
 * budget in all. */
static int prune_by_count(struct store_db *d, long max, long *budget, bool *more)
{
	struct over_list over = {.max = max};
	strmap_each(d->counts, collect_over, &over);
	int rc = SQLITE_OK;
	for (size_t i = 0; i < over.n && rc == SQLITE_OK; i++) {
		if (*budget <= 0) {
			*more = true;
			break;
		}
		struct store_count *c = over.items[i];
		long n = c->n - max < *budget ? c->n - max : *budget;
		sqlite3_stmt *s = d->st[ST_DEL_OLDEST_OF];
		bind_text(s, 1, c->name);
		sqlite3_bind_int64(s, 2, n - 1);
		rc = db_run(d, s);
		if (rc == SQLITE_OK) {
			long gone = sqlite3_changes(d->db);
			c->n -= gone;
			*budget -= gone;
		}
	}
	free(over.items);
	return rc;
}

/* Drops rooms without messages unchanged since cutoff, the least recently
 * changed beyond max_rooms, and the bans of rooms that are gone. */
static int prune_rooms(struct store_db *d, const struct store_limits *l, long long cutoff_ms)
{
	int rc = SQLITE_OK;
	if (l->history_days > 0) {
		sqlite3_bind_int64(d->st[ST_ROOMS_IDLE], 1, cutoff_ms);
		rc = db_run(d, d->st[ST_ROOMS_IDLE]);
	}
	if (rc == SQLITE_OK && l->max_rooms > 0) {
		sqlite3_bind_int64(d->st[ST_ROOMS_OVER], 1, l->max_rooms);
		rc = db_run(d, d->st[ST_ROOMS_OVER]);
	}
	if (rc == SQLITE_OK)
		rc = db_run(d, d->st[ST_BANS_ORPHAN]);
	if (rc == SQLITE_OK)
		rc = db_run(d, d->st[ST_PAIRS_ORPHAN]);
	return rc;
}

int store_db_prune(struct store_db *d, const struct store_limits *l, long long now_ms,
		   long budget, bool *more)
{
	*more = false;
	int rc = d->counts_ok ? SQLITE_OK : counts_load(d);
	if (rc != SQLITE_OK)
		return rc;
	long long cutoff = l->history_days > 0 ? now_ms - (long long)l->history_days * 86400000LL
					       : LLONG_MIN;
	rc = store_db_begin(d);
	if (rc == SQLITE_OK && l->history_days > 0)
		rc = prune_by_age(d, cutoff, &budget, more);
	if (rc == SQLITE_OK && l->history_max > 0)
		rc = prune_by_count(d, l->history_max, &budget, more);
	if (rc == SQLITE_OK)
		rc = prune_rooms(d, l, cutoff);
	if (rc == SQLITE_OK)
		return store_db_commit(d);
	store_db_rollback(d);
	return rc;
}

void store_db_set_max_pages(struct store_db *d, long long pages)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
		 pages > 0 ? pages : d->default_max_pages);
	sqlite3_exec(d->db, sql, NULL, NULL, NULL);
}
