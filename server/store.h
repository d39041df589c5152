/* store: the durable history and room state, in SQLite, with its own thread.
 *
 * One database file, DIR/parleyd.db (WAL), created with its directory (0700)
 * when missing. The chat core hands the store what happened (a message, a
 * room's new state) and goes on: store_append() and store_save_room() copy
 * their input onto a queue under a short mutex and never touch the disk. The
 * store thread takes the queue STORE_COMMIT_MS after its first entry (or
 * sooner when it is long) and writes it in one transaction, so a clean stop
 * (store_close()) loses nothing and a kill -9 loses at most the last commit
 * window. The messages of one target must be appended in seq order (the
 * caller holds the room's lock while it numbers and appends them).
 *
 * Reads (store_query, store_targets, store_load_room) run on the calling
 * thread, on one of a few read connections (WAL readers do not wait for the
 * writer; a fifth reader waits for a free one), and see every write handed
 * to the store before them, committed or not: what is still queued or
 * being written is merged in from memory (the queue is looked at first:
 * a message leaves it only once committed).
 *
 * Retention: in store_open() and then every minute on the store thread,
 * messages older than history_days (walked oldest seq first, stopping at
 * the first younger one) and those beyond the newest history_max of their
 * room are deleted, at most 5000 per pass (the next pass comes after a
 * second when there was more) so a commit never waits long; a room with no
 * messages left and no state changed for history_days goes too, and past
 * max_rooms the least recently changed rooms go. So the file is bounded by
 * those settings.
 *
 * Faults. store_open() fails with a message naming the file and what to do
 * when the file is unreadable, not a database, corrupt, or from a newer
 * parleyd (schema version above ours); an older schema is migrated in one
 * transaction. At run time a failed commit (disk full, read-only, I/O
 * error) keeps the batch queued, logs one line, and retries every few
 * seconds; while it fails, chat goes on and history is served from memory
 * (the queue, bounded by STORE_PENDING_MAX messages — past that the oldest
 * queued are dropped, counted, and said once); the first commit that works
 * again logs one line saying so and how many were lost. A stop while
 * writes fail logs how many messages could not be written.
 *
 * Schema (version 1): messages(seq INTEGER PRIMARY KEY, target, msgid UNIQUE,
 * unix_ms, source, command, text, tags) indexed by (target, seq) and
 * (target, unix_ms); rooms(room PRIMARY KEY, name, created_ms, topic (NULL:
 * none), topic_setter, topic_ms, modes, chan_key, user_limit, changed_ms);
 * bans(room, mask, setter, unix_ms) indexed by room. Version 2 adds
 * accounts(name PRIMARY KEY, display, hash, created_ms, last_login_ms) and
 * klines(mask PRIMARY KEY, reason, setter, set_ms, expires_ms), written
 * only through store_direct.h. Version 3 adds rooms.ops (the accounts a
 * room remembers as ops, opaccts.h) and dm_pairs(account, partner, target,
 * latest_ms) with a row for each side of a private conversation, written
 * with its messages. PRAGMA user_version is
 * the schema version, application_id "PRLY" marks the file as ours.
 * `target` is the room's case-folded name, or for a private conversation
 * between accounts "@a,b" (dmpair.h).
 *
 * Thread-safety: every function may be called from any thread, with no
 * lock of the caller's held except where said (append and save_room are
 * safe under a channel lock: they only take the store's queue mutex, a
 * leaf). */
#ifndef PARLEY_STORE_H
#define PARLEY_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"
#include "store_types.h"

#define STORE_COMMIT_MS 100      /* a queued message is written within about this */
#define STORE_PENDING_MAX 200000 /* messages held in memory while writes fail */
#define STORE_FILE_NAME "parleyd.db"
/* Held (flock) while a server uses the directory; holds its pid. */
#define STORE_LOCK_NAME "parleyd.lock"

struct store;


/* Opens (creating if needed) DIR/parleyd.db and starts the store thread.
 * Returns NULL with a one-line message in err (naming the file and what to
 * do) on failure. */
struct store *store_open(const char *dir, const struct store_limits *limits, char *err,
			 size_t errcap);

/* Writes everything queued, stops the thread, closes the database. */
void store_close(struct store *st);

/* The highest sequence number stored when the store was opened (0 for a
 * new database): the chat core numbers new messages above it. */
unsigned long long store_max_seq(struct store *st);

/* A message to keep: copied (one allocation); never waits for the disk.
 * target is the room's case-folded name. */
void store_append(struct store *st, const char *target, const struct history_record *r);


/* Replaces the stored state of room `key` (case-folded name) by a copy of
 * *r. Never waits for the disk. */
void store_save_room(struct store *st, const char *key, const struct store_room *r);

/* Reads the state of room `key` into *out (free with store_room_free).
 * Returns 1 if there is one, 0 if not, -1 on a read error (logged). */
int store_load_room(struct store *st, const char *key, struct store_room *out);

/* Answers a history query on one target into *page (an empty page;
 * history_query.h for what each selector means). The caller bounds
 * q->limit (CHATHISTORY=1000): a few times that many records are read.
 * Returns 0, 1 if a msgid reference is not one of that target's messages
 * (page left empty), -1 on a read error (logged; page left empty). */
int store_query(struct store *st, const char *target, const struct history_query *q,
		struct history_page *page);

/* CHATHISTORY TARGETS: of the given targets, those with a message between
 * from_ms and to_ms (exclusive, either order), with the time of the newest
 * such message, oldest first, at most limit — like BETWEEN, the ones
 * nearest from_ms (the oldest when from_ms < to_ms, else the newest).
 * which[] and latest_ms[] hold min(limit, ntargets). Returns how many were
 * written to latest_ms[] / which[] (indexes into targets), or -1 on a read
 * error. */
int store_targets(struct store *st, const char *const *targets, size_t ntargets,
		  long long from_ms, long long to_ms, size_t limit, size_t *which,
		  long long *latest_ms);

/* The private conversations of account (folded): the targets ("@a,b") of
 * those with a message kept, the most recently active first, at most max,
 * each a copy in out[] (free each). Queued messages count. Returns how
 * many, or -1 on a read error. */
int store_dm_targets(struct store *st, const char *account, char **out, size_t max);

/* The connection for small tables written at once (store_direct.h). */
struct store_direct *store_direct(struct store *st);

/* Is the queue long (more than half of pending_max) while writes work? A
 * burst of messages faster than the disk then makes the server read its
 * clients' input more slowly until the queue is down to a quarter: the
 * fan-out never waits for the disk, the senders do (through TCP), and
 * nothing is dropped. While writes fail this stays false: chat goes on and
 * the oldest queued messages go past pending_max. No lock. */
bool store_backlogged(struct store *st);

/* Counters for the log and tests: messages written, dropped while the disk
 * failed, and whether the last commit failed. */
struct store_stats {
	unsigned long long written, dropped;
	bool failing;
};
void store_stats(struct store *st, struct store_stats *out);

/* For tests only: limits the database to `pages` pages (PRAGMA
 * max_page_count; SQLite raises a limit below the current size to it, so
 * 1 means "full now"), 0 lifts the limit; and retries a failing write at
 * once. Applied by the store thread before its next write. The
 * environment variable PARLEYD_STORE_MAX_PAGES does the same from the start
 * (a test knob for integration tests, not an option). */
void store_test_set_max_pages(struct store *st, long long pages);

#endif
