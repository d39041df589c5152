/* store_read: see store_read.h. */
#include "store_read.h"

#include "store_types.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_db.h"
#include "xalloc.h"

#define STORE_READER_CACHE_KIB "4096" /* page cache of each read connection */

/* Range statements by shape: direction x key x kind of end. */
#define RANGE_SHAPES (2 * 2 * 3 * 2)

enum rd_stmt { RD_MSGID, RD_LATEST, RD_ROOM, RD_BANS, RD_PAIRS, RD_NSTMT };

static const char *const rd_sql[RD_NSTMT] = {
	[RD_MSGID] = "SELECT seq, unix_ms FROM messages WHERE msgid = ?1 AND target = ?2",
	[RD_LATEST] = "SELECT max(unix_ms) FROM messages WHERE target = ?1 AND unix_ms > ?2 "
		      "AND unix_ms < ?3",
	[RD_ROOM] = "SELECT name, created_ms, topic, topic_setter, topic_ms, modes, chan_key, "
		    "user_limit, ops FROM rooms WHERE room = ?1",
	[RD_BANS] = "SELECT mask, setter, unix_ms, kind FROM bans WHERE room = ?1 ORDER BY rowid",
	[RD_PAIRS] = "SELECT target FROM dm_pairs WHERE account = ?1 ORDER BY latest_ms DESC "
		     "LIMIT ?2",
};

struct store_reader {
	sqlite3 *db;
	sqlite3_stmt *st[RD_NSTMT];
	sqlite3_stmt *range[RANGE_SHAPES]; /* prepared on first use */
};

struct store_reader *store_reader_open(const char *path, char *err, size_t errcap)
{
	struct store_reader *rd = xcalloc(1, sizeof *rd);
	int rc = sqlite3_open_v2(path, &rd->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(rd->db, 1);
		sqlite3_busy_timeout(rd->db, STORE_BUSY_MS);
		/* A page of 100 lines touches ~100 table pages (rooms
		 * interleave): a cache a little over SQLite's 2 MiB default
		 * keeps the hot rooms' pages. */
		rc = sqlite3_exec(rd->db, "PRAGMA cache_size = -" STORE_READER_CACHE_KIB, NULL, NULL,
				  NULL);
	}
	for (int i = 0; rc == SQLITE_OK && i < RD_NSTMT; i++)
		rc = sqlite3_prepare_v3(rd->db, rd_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&rd->st[i], NULL);
	if (rc != SQLITE_OK) {
		store_db_describe(path, rc, sqlite3_errmsg(rd->db), err, errcap);
		store_reader_close(rd);
		return NULL;
	}
	return rd;
}

void store_reader_close(struct store_reader *rd)
{
	if (!rd)
		return;
	for (int i = 0; i < RD_NSTMT; i++)
		sqlite3_finalize(rd->st[i]);
	for (int i = 0; i < RANGE_SHAPES; i++)
		sqlite3_finalize(rd->range[i]);
	sqlite3_close(rd->db);
	free(rd);
}

/* Logs a failed read (rate-limited: peers cause reads) and resets s. */
static int rd_fail(struct store_reader *rd, sqlite3_stmt *s, int rc)
{
	log_limited(LOG_ERROR, LOG_LIMIT_BURST, "history store: read failed: %s (%d)",
		    sqlite3_errmsg(rd->db), rc);
	sqlite3_reset(s);
	return -1;
}

/* The shape index of a range (its statement slot). */
static int range_shape(const struct history_range *r)
{
	return (r->messages_only ? 12 : 0) + (r->desc ? 6 : 0) + (r->by_time ? 3 : 0) +
	       (int)r->far_kind;
}

const char *store_reader_range_sql(const struct history_range *r, char *buf, size_t cap)
{
	const char *key = r->by_time ? "unix_ms" : "seq";
	const char *dir = r->desc ? "DESC" : "ASC";
	char far[48] = "";
	if (r->far_kind != HFAR_NONE)
		snprintf(far, sizeof far, " AND %s %s ?3",
			 r->far_kind == HFAR_TIME ? "unix_ms" : "seq", r->desc ? ">" : "<");
	char order[48];
	if (r->by_time)
		snprintf(order, sizeof order, "unix_ms %s, seq %s", dir, dir);
	else
		snprintf(order, sizeof order, "seq %s", dir);
	snprintf(buf, cap, "SELECT seq, unix_ms, msgid, source, command, text, tags FROM messages "
		 "WHERE target = ?1 AND %s %s ?2%s%s ORDER BY %s LIMIT ?4",
		 key, r->desc ? "<" : ">", far,
		 r->messages_only ? " AND command IN ('PRIVMSG', 'NOTICE')" : "", order);
	return buf;
}

/* The column as text, "" for NULL (a hand-edited file). */
static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

int store_reader_range(struct store_reader *rd, const char *target,
		       const struct history_range *r, struct history_page *page)
{
	sqlite3_stmt **slot = &rd->range[range_shape(r)];
	if (!*slot) {
		char sql[384];
		store_reader_range_sql(r, sql, sizeof sql);
		int rc = sqlite3_prepare_v3(rd->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
		if (rc != SQLITE_OK) {
			log_error("history store: cannot prepare a read: %s", sqlite3_errmsg(rd->db));
			return -1;
		}
	}
	sqlite3_stmt *s = *slot;
	sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, r->near);
	if (r->far_kind != HFAR_NONE)
		sqlite3_bind_int64(s, 3, r->far);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)r->limit);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		history_page_push(page, history_record_new(
			(unsigned long long)sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
			col_text(s, 2), col_text(s, 3), col_text(s, 4), col_text(s, 5),
			col_text(s, 6)));
	if (rc != SQLITE_DONE)
		return rd_fail(rd, s, rc);
	sqlite3_reset(s);
	return 0;
}

int store_reader_msgid(struct store_reader *rd, const char *target, const char *msgid,
		       struct history_pos *pos)
{
	sqlite3_stmt *s = rd->st[RD_MSGID];
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, target, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*pos = (struct history_pos){.kind = HREF_MSGID, .seq = sqlite3_column_int64(s, 0),
					    .unix_ms = sqlite3_column_int64(s, 1)};
		sqlite3_reset(s);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return rd_fail(rd, s, rc);
	sqlite3_reset(s);
	return 0;
}

int store_reader_latest(struct store_reader *rd, const char *target, long long lo,
			long long hi, long long *latest)
{
	sqlite3_stmt *s = rd->st[RD_LATEST];
	sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return rd_fail(rd, s, rc);
	int found = sqlite3_column_type(s, 0) != SQLITE_NULL;
	if (found)
		*latest = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return found;
}

/* Reads the bans of room key into out. */
static int rd_bans(struct store_reader *rd, const char *key, struct store_room *out)
{
	sqlite3_stmt *s = rd->st[RD_BANS];
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->nbans == cap) {
			cap = cap ? cap * 2 : 8;
			out->bans = xrealloc(out->bans, cap * sizeof *out->bans);
		}
		out->bans[out->nbans++] = (struct store_ban){
			.mask = xstrdup(col_text(s, 0)), .setter = xstrdup(col_text(s, 1)),
			.unix_ms = sqlite3_column_int64(s, 2), .kind = col_text(s, 3)[0]};
	}
	if (rc != SQLITE_DONE)
		return rd_fail(rd, s, rc);
	sqlite3_reset(s);
	return 0;
}

int store_reader_room(struct store_reader *rd, const char *key, struct store_room *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = rd->st[RD_ROOM];
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return rd_fail(rd, s, rc);
	out->name = xstrdup(col_text(s, 0));
	out->created_ms = sqlite3_column_int64(s, 1);
	out->topic = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : xstrdup(col_text(s, 2));
	out->topic_setter = xstrdup(col_text(s, 3));
	out->topic_ms = sqlite3_column_int64(s, 4);
	out->modes = xstrdup(col_text(s, 5));
	out->key = xstrdup(col_text(s, 6));
	out->limit = sqlite3_column_int(s, 7);
	out->ops = xstrdup(col_text(s, 8));
	sqlite3_reset(s);
	if (rd_bans(rd, key, out) < 0) {
		store_room_free(out);
		return -1;
	}
	return 1;
}

int store_reader_pairs(struct store_reader *rd, const char *account, size_t max,
		       void (*add)(void *arg, const char *target), void *arg)
{
	sqlite3_stmt *s = rd->st[RD_PAIRS];
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		add(arg, col_text(s, 0));
	if (rc != SQLITE_DONE)
		return rd_fail(rd, s, rc);
	sqlite3_reset(s);
	return 0;
}
