/* Unit tests for server/store (with store_db, store_read and history_range):
 * a real SQLite file in a temporary directory, the real store thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "clock.h"
#include "history_range.h"
#include "store_db.h"
#include "store_direct.h"
#include "store_read.h"
#include "store_test_util.h"

static const struct store_limits no_limits = {0};

/* Opens dir with limits, failing the test on an error. */
static struct store *open_ok(const char *dir, const struct store_limits *limits)
{
	char err[512] = "";
	struct store *st = store_open(dir, limits, err, sizeof err);
	if (!st)
		fail_msg("store_open: %s", err);
	return st;
}

/* A query; the test fails unless it returns want_rc. */
static void query(struct store *st, const char *target, struct history_query q, int want_rc,
		  struct history_page *page)
{
	*page = (struct history_page){0};
	assert_int_equal(store_query(st, target, &q, page), want_rc);
}

static struct history_ref ref_none(void)
{
	return (struct history_ref){.kind = HREF_NONE};
}

static struct history_ref ref_id(unsigned long long seq)
{
	struct history_ref r = {.kind = HREF_MSGID};
	test_msgid(seq, r.msgid);
	return r;
}

static struct history_ref ref_time(long long ms)
{
	return (struct history_ref){.kind = HREF_TIME, .unix_ms = ms};
}

/* Runs q on target and checks the page is exactly seqs first..last step
 * `step` (an empty page when first > last). */
static void expect_run(struct store *st, const char *target, struct history_query q,
		       unsigned long long first, unsigned long long last, unsigned long long step)
{
	struct history_page p;
	query(st, target, q, 0, &p);
	size_t want = first > last ? 0 : (size_t)((last - first) / step + 1);
	if (p.n != want)
		fail_msg("sel %d limit %zu: %zu records, want %zu", (int)q.sel, q.limit, p.n, want);
	for (size_t i = 0; i < p.n; i++) {
		assert_int_equal(p.items[i]->seq, first + i * step);
		char id[MSGID_LEN + 1];
		test_msgid(p.items[i]->seq, id);
		assert_string_equal(p.items[i]->msgid, id);
		assert_int_equal(p.items[i]->unix_ms, (long long)p.items[i]->seq * 1000);
	}
	history_page_free(&p);
}

/* Creates a new data directory (0700) and file (0600); what was written
 * is there after a reopen: messages with every field, room state with
 * bans, and the highest seq. */
static void test_create_and_reopen(void **state)
{
	(void)state;
	char *base = test_tmpdir();
	char dir[300], db[320];
	snprintf(dir, sizeof dir, "%s/data", base);
	snprintf(db, sizeof db, "%s/%s", dir, STORE_FILE_NAME);
	struct store *st = open_ok(dir, &no_limits);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(db, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_max_seq(st), 0);
	for (unsigned long long s = 1; s <= 5; s++)
		test_append(st, "#a", s, (long long)s * 1000);
	struct store_ban bans[] = {{"*!*@bad", "op!o@h", 11, 'b'}, {"x!*@*", "op!o@h", 12, 'e'}};
	struct store_room room = {.name = "#A", .created_ms = 7, .topic = "old", .topic_setter = "",
				  .modes = "n", .key = "", .limit = 0};
	store_save_room(st, "#a", &room);
	room = (struct store_room){.name = "#A", .created_ms = 7, .topic = "hello",
				   .topic_setter = "op!o@h", .topic_ms = 9, .modes = "ntk",
				   .key = "sekrit", .limit = 42, .bans = bans, .nbans = 2};
	store_save_room(st, "#a", &room); /* the newer state wins */
	store_close(st);

	st = open_ok(dir, &no_limits);
	assert_int_equal(store_max_seq(st), 5);
	struct history_page p;
	query(st, "#a", (struct history_query){.sel = HSEL_LATEST, .limit = 10}, 0, &p);
	assert_int_equal(p.n, 5);
	assert_string_equal(p.items[0]->source, "nick!user@host");
	assert_string_equal(p.items[0]->command, "PRIVMSG");
	assert_string_equal(p.items[0]->text, "message number 1");
	assert_string_equal(p.items[0]->tags, "+draft/react=x");
	history_page_free(&p);
	struct store_room got;
	assert_int_equal(store_load_room(st, "#a", &got), 1);
	assert_string_equal(got.name, "#A");
	assert_int_equal(got.created_ms, 7);
	assert_string_equal(got.topic, "hello");
	assert_string_equal(got.topic_setter, "op!o@h");
	assert_int_equal(got.topic_ms, 9);
	assert_string_equal(got.modes, "ntk");
	assert_string_equal(got.key, "sekrit");
	assert_int_equal(got.limit, 42);
	assert_int_equal(got.nbans, 2);
	assert_string_equal(got.bans[1].mask, "x!*@*");
	assert_int_equal(got.bans[1].unix_ms, 12);
	assert_int_equal(got.bans[0].kind, 'b');
	assert_int_equal(got.bans[1].kind, 'e');
	store_room_free(&got);
	assert_int_equal(store_load_room(st, "#none", &got), 0);
	/* No topic is not the same as an empty one. */
	store_save_room(st, "#b", &(struct store_room){.name = "#b", .modes = "", .key = ""});
	store_close(st);
	st = open_ok(dir, &no_limits);
	assert_int_equal(store_load_room(st, "#b", &got), 1);
	assert_null(got.topic);
	store_room_free(&got);
	store_close(st);
	test_rmdir(dir);
	test_rmdir(base);
	free(base);
}

/* Every selector with msgid and time references. "#r" has the even seqs
 * 2..200 (the odd ones are "#o"'s), each at seq * 1000 ms. */
static void check_selectors(struct store *st)
{
	const size_t L = 3;
	expect_run(st, "#r", (struct history_query){.sel = HSEL_LATEST, .a = ref_none(), .limit = 10},
		   182, 200, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_LATEST, .a = ref_id(190), .limit = 10},
		   192, 200, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_LATEST, .a = ref_time(190000),
						     .limit = 10}, 192, 200, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_LATEST, .a = ref_id(100), .limit = L},
		   196, 200, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BEFORE, .a = ref_id(100), .limit = L},
		   94, 98, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BEFORE, .a = ref_time(100000),
						     .limit = L}, 94, 98, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BEFORE, .a = ref_time(99500),
						     .limit = L}, 94, 98, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BEFORE, .a = ref_id(2), .limit = L},
		   1, 0, 1);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AFTER, .a = ref_id(100), .limit = L},
		   102, 106, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AFTER, .a = ref_time(100000),
						     .limit = L}, 102, 106, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AFTER, .a = ref_time(0), .limit = 2},
		   2, 4, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AFTER, .a = ref_id(200), .limit = L},
		   1, 0, 1);
	/* AROUND: the reference and before it get the odd one. */
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AROUND, .a = ref_id(100), .limit = 4},
		   98, 104, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AROUND, .a = ref_id(100), .limit = 5},
		   96, 104, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AROUND, .a = ref_time(100000),
						     .limit = 4}, 98, 104, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AROUND, .a = ref_id(200), .limit = 4},
		   194, 200, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_AROUND, .a = ref_id(2), .limit = 4},
		   2, 8, 2);
	/* BETWEEN: strictly between, the `limit` nearest a, both ways. */
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_id(100),
						     .b = ref_id(120), .limit = 100}, 102, 118, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_id(100),
						     .b = ref_id(120), .limit = L}, 102, 106, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_id(120),
						     .b = ref_id(100), .limit = L}, 114, 118, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_time(100000),
						     .b = ref_time(120000), .limit = L}, 102, 106, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_time(120000),
						     .b = ref_time(100000), .limit = L}, 114, 118, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_id(100),
						     .b = ref_time(120000), .limit = L}, 102, 106, 2);
	expect_run(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_time(120000),
						     .b = ref_id(100), .limit = 100}, 102, 118, 2);
	/* Unknown msgids, and another room's msgid, are not references here. */
	struct history_page p;
	query(st, "#r", (struct history_query){.sel = HSEL_BEFORE, .a = ref_id(999999), .limit = L},
	      1, &p);
	assert_int_equal(p.n, 0);
	query(st, "#r", (struct history_query){.sel = HSEL_AFTER, .a = ref_id(101), .limit = L}, 1, &p);
	query(st, "#r", (struct history_query){.sel = HSEL_BETWEEN, .a = ref_id(100),
					       .b = ref_id(101), .limit = L}, 1, &p);
	expect_run(st, "#o", (struct history_query){.sel = HSEL_LATEST, .a = ref_none(), .limit = 2},
		   197, 199, 2);
	expect_run(st, "#empty", (struct history_query){.sel = HSEL_LATEST, .limit = 5}, 1, 0, 1);
}

/* Checked while the messages are still (partly) queued, then again from
 * the database alone after a reopen. */
static void test_selectors(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	for (unsigned long long s = 1; s <= 200; s++)
		test_append(st, s % 2 ? "#o" : "#r", s, (long long)s * 1000);
	check_selectors(st);
	store_close(st);
	st = open_ok(dir, &no_limits);
	check_selectors(st);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Pages through n messages of one time with msgid BEFORE (from LATEST)
 * and AFTER (from the oldest) until a short page: each seq once. */
static void page_equal_times(struct store *st, unsigned long long n, size_t limit)
{
	unsigned long long next = n; /* the newest not seen yet */
	struct history_query q = {.sel = HSEL_LATEST, .a = ref_none(), .limit = limit};
	for (int pages = 0; pages < 1000; pages++) {
		struct history_page p;
		query(st, "#t", q, 0, &p);
		for (size_t i = p.n; i-- > 0;)
			assert_int_equal(p.items[i]->seq, next--);
		bool last = p.n < limit;
		if (!last)
			q = (struct history_query){.sel = HSEL_BEFORE, .a = ref_id(p.items[0]->seq),
						   .limit = limit};
		history_page_free(&p);
		if (last)
			break;
	}
	assert_int_equal(next, 0);
	next = 1;
	q = (struct history_query){.sel = HSEL_AFTER, .a = ref_time(4999), .limit = limit};
	for (int pages = 0; pages < 1000; pages++) {
		struct history_page p;
		query(st, "#t", q, 0, &p);
		for (size_t i = 0; i < p.n; i++)
			assert_int_equal(p.items[i]->seq, next++);
		bool last = p.n < limit;
		if (!last)
			q = (struct history_query){.sel = HSEL_AFTER,
						   .a = ref_id(p.items[p.n - 1]->seq), .limit = limit};
		history_page_free(&p);
		if (last)
			break;
	}
	assert_int_equal(next, n + 1);
}

/* A few thousand messages with the same timestamp page by msgid without a
 * repeat or a gap: while being committed, and from the file. */
static void test_equal_timestamps_paging(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	enum { N = 3000 };
	for (unsigned long long s = 1; s <= N; s++)
		test_append(st, "#t", s, 5000);
	page_equal_times(st, N, 77);
	store_close(st);
	st = open_ok(dir, &no_limits);
	page_equal_times(st, N, 100); /* 3000 / 100: the last page is empty */
	/* By time, all of them are one instant. */
	expect_run(st, "#t", (struct history_query){.sel = HSEL_BEFORE, .a = ref_time(5000),
						     .limit = 10}, 1, 0, 1);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* What was just handed over is read back at once, message and room. */
static void test_reads_see_queued(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	for (unsigned long long s = 1; s <= 50; s++) {
		test_append(st, "#q", s, (long long)s * 1000);
		expect_run(st, "#q", (struct history_query){.sel = HSEL_LATEST, .limit = 1}, s, s, 1);
		struct history_page p;
		query(st, "#q", (struct history_query){.sel = HSEL_AROUND, .a = ref_id(s), .limit = 1},
		      0, &p);
		assert_int_equal(p.n, 1);
		history_page_free(&p);
		char topic[32];
		snprintf(topic, sizeof topic, "topic %llu", s);
		store_save_room(st, "#q", &(struct store_room){.name = "#q", .topic = topic});
		struct store_room got;
		assert_int_equal(store_load_room(st, "#q", &got), 1);
		assert_string_equal(got.topic, topic);
		store_room_free(&got);
	}
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

static size_t count_of(struct store *st, const char *target);

/* Inserts one kline row (a store_direct_fn). */
static int put_kline(sqlite3 *db, void *arg)
{
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT INTO klines VALUES('*@10.0.0.%d', 'r', 'op', 1, 0)",
		 *(int *)arg);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Counts the kline rows (a store_direct_fn; arg: long long *). */
static int count_klines(sqlite3 *db, void *arg)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM klines", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*(long long *)arg = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Direct writes are committed when they return, alongside the store
 * thread's batches, and a failing one is rolled back with a message. */
static void test_direct_writes(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	char err[512] = "";
	for (int i = 1; i <= 20; i++) {
		test_append(st, "#d", (unsigned long long)i, i * 1000LL);
		assert_int_equal(store_direct_write(store_direct(st), put_kline, &i, err, sizeof err),
				 SQLITE_OK);
	}
	int dup = 3;
	int rc = store_direct_write(store_direct(st), put_kline, &dup, err, sizeof err);
	assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
	assert_non_null(strstr(err, STORE_FILE_NAME));
	long long n = 0;
	assert_int_equal(store_direct_read(store_direct(st), count_klines, &n, err, sizeof err),
			 SQLITE_OK);
	assert_int_equal(n, 20);
	store_close(st);
	st = open_ok(dir, &no_limits);
	n = 0;
	assert_int_equal(store_direct_read(store_direct(st), count_klines, &n, err, sizeof err),
			 SQLITE_OK);
	assert_int_equal(n, 20);
	assert_int_equal(count_of(st, "#d"), 20);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* A version-1 file (before accounts and server bans) is migrated to the
 * current version, keeping its messages. */
static void test_migrates_version_1(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	struct store *st = open_ok(dir, &no_limits);
	test_append(st, "#m", 1, 1000);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE accounts; DROP TABLE klines; "
				      "DROP TABLE dm_pairs; ALTER TABLE rooms DROP COLUMN ops; "
				      "ALTER TABLE bans DROP COLUMN kind; PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(dir, &no_limits);
	int one = 1;
	char err[512] = "";
	assert_int_equal(store_direct_write(store_direct(st), put_kline, &one, err, sizeof err),
			 SQLITE_OK);
	assert_int_equal(count_of(st, "#m"), 1);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(s);
	sqlite3_close(db);
	test_rmdir(dir);
	free(dir);
}

/* The number of pair targets of account, with the first in first_out. */
static int dm_targets_of(struct store *st, const char *account, char *first_out, size_t cap)
{
	char *out[8];
	int n = store_dm_targets(st, account, out, 8);
	if (first_out)
		snprintf(first_out, cap, "%s", n > 0 ? out[0] : "");
	for (int i = 0; i < n; i++)
		free(out[i]);
	return n;
}

/* A version-2 file (before op accounts and private conversations) is
 * migrated to version 3: its rooms keep their state with no op accounts,
 * and ops and pairs are stored from then on. */
static void test_migrates_version_2(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	struct store *st = open_ok(dir, &no_limits);
	test_append(st, "#m", 1, 1000);
	store_save_room(st, "#m", &(struct store_room){.name = "#m", .modes = "nt", .key = ""});
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE dm_pairs; ALTER TABLE rooms DROP COLUMN ops; "
				      "ALTER TABLE bans DROP COLUMN kind; PRAGMA user_version = 2",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(dir, &no_limits);
	struct store_room got;
	assert_int_equal(store_load_room(st, "#m", &got), 1);
	assert_string_equal(got.modes, "nt");
	assert_string_equal(got.ops, "");
	store_room_free(&got);
	store_save_room(st, "#m", &(struct store_room){.name = "#m", .modes = "nt", .key = "",
						       .ops = "alice bob"});
	test_append(st, "@alice,bob", 2, 2000);
	/* Queued: found before it is written. */
	char first[64];
	assert_int_equal(dm_targets_of(st, "bob", first, sizeof first), 1);
	assert_string_equal(first, "@alice,bob");
	store_close(st);
	st = open_ok(dir, &no_limits);
	assert_int_equal(store_load_room(st, "#m", &got), 1);
	assert_string_equal(got.ops, "alice bob");
	store_room_free(&got);
	assert_int_equal(dm_targets_of(st, "alice", first, sizeof first), 1);
	assert_string_equal(first, "@alice,bob");
	assert_int_equal(dm_targets_of(st, "bob", NULL, 0), 1);
	assert_int_equal(dm_targets_of(st, "carol", NULL, 0), 0);
	assert_int_equal(count_of(st, "@alice,bob"), 1);
	store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(s);
	sqlite3_close(db);
	test_rmdir(dir);
	free(dir);
}

/* A version-3 file (before +e and +I) is migrated to version 4: its bans
 * stay bans, and the other lists are kept from then on. */
static void test_migrates_version_3(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	struct store *st = open_ok(dir, &no_limits);
	struct store_ban ban = {"*!*@bad", "op", 5, 'b'};
	store_save_room(st, "#m", &(struct store_room){.name = "#m", .modes = "nt", .key = "",
						       .bans = &ban, .nbans = 1});
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE bans DROP COLUMN kind; "
				      "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = open_ok(dir, &no_limits);
	struct store_room got;
	assert_int_equal(store_load_room(st, "#m", &got), 1);
	assert_int_equal(got.nbans, 1);
	assert_int_equal(got.bans[0].kind, 'b');
	store_room_free(&got);
	struct store_ban lists[] = {{"*!*@bad", "op", 5, 'b'}, {"ok!*@*", "op", 6, 'e'},
				    {"in!*@*", "op", 7, 'I'}};
	store_save_room(st, "#m", &(struct store_room){.name = "#m", .modes = "nt", .key = "",
						       .bans = lists, .nbans = 3});
	store_close(st);
	st = open_ok(dir, &no_limits);
	assert_int_equal(store_load_room(st, "#m", &got), 1);
	assert_int_equal(got.nbans, 3);
	assert_int_equal(got.bans[1].kind, 'e');
	assert_string_equal(got.bans[2].mask, "in!*@*");
	assert_int_equal(got.bans[2].kind, 'I');
	store_room_free(&got);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* An account's conversations come most recent first, at most max. */
static void test_dm_targets_order(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	test_append(st, "@a,b", 1, 1000);
	test_append(st, "@a,c", 2, 2000);
	test_append(st, "@a,b", 3, 3000);
	test_append(st, "@c,d", 4, 4000);
	store_close(st);
	st = open_ok(dir, &no_limits);
	char *out[4];
	assert_int_equal(store_dm_targets(st, "a", out, 4), 2);
	assert_string_equal(out[0], "@a,b");
	assert_string_equal(out[1], "@a,c");
	free(out[0]);
	free(out[1]);
	assert_int_equal(store_dm_targets(st, "a", out, 1), 1);
	assert_string_equal(out[0], "@a,b");
	free(out[0]);
	assert_int_equal(store_dm_targets(st, "d", out, 4), 1);
	assert_string_equal(out[0], "@c,d");
	free(out[0]);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Counts a target's messages (from the store). */
static size_t count_of(struct store *st, const char *target)
{
	struct history_page p;
	query(st, target, (struct history_query){.sel = HSEL_LATEST, .limit = 100000}, 0, &p);
	size_t n = p.n;
	history_page_free(&p);
	return n;
}

/* history_max: the newest of each room are kept. */
static void test_retention_by_count(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	for (unsigned long long s = 1; s <= 40; s++)
		test_append(st, s <= 30 ? "#a" : "#b", s, (long long)s * 1000);
	store_close(st);
	st = open_ok(dir, &(struct store_limits){.history_max = 10});
	expect_run(st, "#a", (struct history_query){.sel = HSEL_LATEST, .limit = 100}, 21, 30, 1);
	assert_int_equal(count_of(st, "#b"), 10);
	/* It goes on counting what comes after. */
	for (unsigned long long s = 41; s <= 45; s++)
		test_append(st, "#a", s, (long long)s * 1000);
	store_close(st);
	st = open_ok(dir, &(struct store_limits){.history_max = 10});
	struct history_page p;
	query(st, "#a", (struct history_query){.sel = HSEL_LATEST, .limit = 100}, 0, &p);
	assert_int_equal(p.n, 10);
	assert_int_equal(p.items[0]->seq, 26);
	assert_int_equal(p.items[4]->seq, 30);
	assert_int_equal(p.items[5]->seq, 41);
	history_page_free(&p);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Sets every room's changed_ms in the file at path (rooms age only by
 * the clock, which a test cannot wait for). */
static void rooms_set_changed(const char *dir, const char *room, long long ms)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *sql = sqlite3_mprintf("UPDATE rooms SET changed_ms = %lld WHERE room = %Q", ms, room);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
}

/* history_days: old messages go; rooms without messages unchanged for
 * that long go; max_rooms keeps the most recently changed. */
static void test_retention_by_days_and_rooms(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	long long now = clock_unix_ms(), day = 86400000LL;
	struct store *st = open_ok(dir, &no_limits);
	for (unsigned long long s = 1; s <= 20; s++)
		test_append(st, "#d", s, s <= 12 ? now - 3 * day : now);
	static const char *const rooms[] = {"#d", "#idle", "#kept1", "#kept2", "#kept3"};
	for (size_t i = 0; i < 5; i++)
		store_save_room(st, rooms[i], &(struct store_room){.name = (char *)rooms[i]});
	store_close(st);
	rooms_set_changed(dir, "#d", now - 5 * day);      /* has messages: stays */
	rooms_set_changed(dir, "#idle", now - 5 * day);   /* no messages, idle: goes */
	rooms_set_changed(dir, "#kept1", now - 1000);
	rooms_set_changed(dir, "#kept2", now - 2000);
	rooms_set_changed(dir, "#kept3", now - 3000);
	st = open_ok(dir, &(struct store_limits){.history_days = 2});
	assert_int_equal(count_of(st, "#d"), 8);
	struct store_room got;
	assert_int_equal(store_load_room(st, "#d", &got), 1);
	store_room_free(&got);
	assert_int_equal(store_load_room(st, "#idle", &got), 0);
	store_close(st);
	/* Over max_rooms the least recently changed goes, messages or not. */
	st = open_ok(dir, &(struct store_limits){.history_days = 2, .max_rooms = 3});
	assert_int_equal(store_load_room(st, "#d", &got), 0);
	for (size_t i = 2; i < 5; i++) {
		assert_int_equal(store_load_room(st, rooms[i], &got), 1);
		store_room_free(&got);
	}
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Expects store_open(dir) to fail with a message containing each of the
 * given strings. */
static void expect_refused(const char *dir, const char *want1, const char *want2)
{
	char err[512] = "";
	struct store *st = store_open(dir, &no_limits, err, sizeof err);
	if (st) {
		store_close(st);
		fail_msg("store_open(%s) worked", dir);
	}
	if (!strstr(err, want1) || !strstr(err, want2))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err, want1, want2);
	assert_null(strchr(err, '\n'));
}

/* Garbage where the database should be: refused, naming the file. */
static void test_corrupt_file_refused(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a database, only some text in its place\n", f);
	fclose(f);
	expect_refused(dir, path, "not a parleyd database");
	test_rmdir(dir);
	free(dir);
}

/* A schema newer than ours, or another program's database: refused. */
static void test_newer_or_foreign_schema_refused(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	store_close(open_ok(dir, &no_limits));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	expect_refused(dir, path, "newer parleyd");
	test_rmdir(dir);
	free(dir);

	dir = test_tmpdir();
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	expect_refused(dir, path, "another program");
	test_rmdir(dir);
	free(dir);
}

/* A data directory that cannot be one, or cannot be written (even by
 * root): refused with a message naming it. */
static void test_bad_data_dir_refused(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char file[512], under[600];
	snprintf(file, sizeof file, "%s/plainfile", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	expect_refused(file, file, "not a directory");
	snprintf(under, sizeof under, "%s/sub", file);
	expect_refused(under, under, "cannot create the data directory");
	expect_refused("/proc/parley-store-test", "/proc/parley-store-test", "cannot create");
	expect_refused("/proc/self", "/proc/self/" STORE_LOCK_NAME, "cannot open"); /* the lock, first */
	test_rmdir(dir);
	free(dir);
}

/* Every range statement walks an index, with no sort and no scan. */
static void test_query_plans_use_indexes(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	store_close(open_ok(dir, &no_limits));
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE_NAME);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int shape = 0; shape < 12; shape++) {
		struct history_range r = {.desc = shape >= 6, .by_time = shape % 6 >= 3,
					  .far_kind = (enum history_far)(shape % 3), .limit = 10};
		char sql[512], explain[600];
		snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s",
			 store_reader_range_sql(&r, sql, sizeof sql));
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &s, NULL), SQLITE_OK);
		int rows = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(s, 3);
			if (!strstr(detail, r.by_time ? "INDEX messages_target_time (target=? AND unix_ms"
						      : "INDEX messages_target_seq (target=? AND seq"))
				fail_msg("%s: %s", sql, detail);
			rows++;
		}
		assert_int_equal(rows, 1); /* no "USE TEMP B-TREE FOR ORDER BY" */
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	test_rmdir(dir);
	free(dir);
}

/* TARGETS: rooms with a message in the window, oldest first, at most
 * limit of them, the nearest the first time given. */
static void test_targets(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	test_append(st, "#a", 1, 1000);
	test_append(st, "#c", 2, 3000);
	test_append(st, "#b", 3, 2000);
	test_append(st, "#b", 4, 2500);
	const char *const names[] = {"#a", "#b", "#c", "#d"};
	size_t which[4];
	long long latest[4];
	for (int round = 0; round < 2; round++) { /* queued, then from the file */
		assert_int_equal(store_targets(st, names, 4, 0, 10000, 10, which, latest), 3);
		assert_int_equal(which[0], 0);
		assert_int_equal(which[1], 1);
		assert_int_equal(latest[1], 2500);
		assert_int_equal(which[2], 2);
		assert_int_equal(store_targets(st, names, 4, 0, 10000, 2, which, latest), 2);
		assert_int_equal(which[1], 1);
		assert_int_equal(store_targets(st, names, 4, 10000, 0, 2, which, latest), 2);
		assert_int_equal(which[0], 1);
		assert_int_equal(which[1], 2);
		assert_int_equal(store_targets(st, names, 4, 1500, 2500, 10, which, latest), 1);
		assert_int_equal(latest[0], 2000);
		store_close(st);
		st = open_ok(dir, &no_limits);
	}
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Appends seqs first..last to "#f" (one time each), 1000 ms apart. */
static void append_range(struct store *st, unsigned long long first, unsigned long long last)
{
	for (unsigned long long s = first; s <= last; s++)
		test_append(st, "#f", s, (long long)s * 1000);
}

/* Disk full at run time: chat goes on, reads answer from memory, stats say
 * so; when there is room again everything queued is written. */
static void test_disk_full_then_recovery(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &no_limits);
	append_range(st, 1, 10);
	assert_int_equal(test_wait_written(st, 10), 0);
	store_test_set_max_pages(st, 1); /* full at its present size */
	append_range(st, 11, 2000);
	assert_int_equal(test_wait_failing(st, true), 0);
	append_range(st, 2001, 3000);
	struct store_stats s;
	store_stats(st, &s);
	assert_true(s.failing);
	assert_true(s.written < 3000);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_LATEST, .limit = 5}, 2996, 3000, 1);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_AFTER, .a = ref_id(5), .limit = 10},
		   6, 15, 1);
	store_test_set_max_pages(st, 0);
	assert_int_equal(test_wait_failing(st, false), 0);
	assert_int_equal(test_wait_written(st, 3000), 0);
	store_stats(st, &s);
	assert_int_equal(s.dropped, 0);
	store_close(st);
	st = open_ok(dir, &no_limits);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_LATEST, .limit = 5000}, 1, 3000, 1);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* While writes fail, at most pending_max messages wait: the oldest queued
 * go, counted; the newest are written once the disk has room. */
static void test_bounded_queue_drops_oldest(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store *st = open_ok(dir, &(struct store_limits){.pending_max = 100});
	append_range(st, 1, 10);
	assert_int_equal(test_wait_written(st, 10), 0);
	store_test_set_max_pages(st, 1);
	append_range(st, 11, 400);
	assert_int_equal(test_wait_failing(st, true), 0);
	append_range(st, 401, 700);
	struct store_stats s;
	store_stats(st, &s);
	/* Every message is written, dropped or among the 100 waiting. */
	assert_int_equal(s.written + s.dropped + 100, 700);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_LATEST, .limit = 100}, 601, 700, 1);
	store_test_set_max_pages(st, 0);
	assert_int_equal(test_wait_failing(st, false), 0);
	store_stats(st, &s);
	unsigned long long dropped = s.dropped;
	assert_true(dropped >= 300);
	store_close(st);
	st = open_ok(dir, &no_limits);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_LATEST, .limit = 100}, 601, 700, 1);
	assert_int_equal(count_of(st, "#f"), 700 - dropped);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* PARLEYD_STORE_MAX_PAGES fills the file from the start (for integration
 * tests); the stop then says how much could not be written. */
static void test_max_pages_env(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	setenv("PARLEYD_STORE_MAX_PAGES", "1", 1);
	struct store *st = open_ok(dir, &no_limits);
	unsetenv("PARLEYD_STORE_MAX_PAGES");
	append_range(st, 1, 500);
	assert_int_equal(test_wait_failing(st, true), 0);
	expect_run(st, "#f", (struct history_query){.sel = HSEL_LATEST, .limit = 3}, 498, 500, 1);
	store_close(st);
	st = open_ok(dir, &no_limits);
	assert_int_equal(count_of(st, "#f"), 0);
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_reopen),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_equal_timestamps_paging),
		cmocka_unit_test(test_reads_see_queued),
		cmocka_unit_test(test_retention_by_count),
		cmocka_unit_test(test_retention_by_days_and_rooms),
		cmocka_unit_test(test_corrupt_file_refused),
		cmocka_unit_test(test_newer_or_foreign_schema_refused),
		cmocka_unit_test(test_bad_data_dir_refused),
		cmocka_unit_test(test_query_plans_use_indexes),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_disk_full_then_recovery),
		cmocka_unit_test(test_bounded_queue_drops_oldest),
		cmocka_unit_test(test_max_pages_env),
		cmocka_unit_test(test_direct_writes),
		cmocka_unit_test(test_migrates_version_1),
		cmocka_unit_test(test_migrates_version_2),
		cmocka_unit_test(test_migrates_version_3),
		cmocka_unit_test(test_dm_targets_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
