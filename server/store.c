/* store: see store.h. store_db.c is the file and its writes, store_read.c
 * the reads; this file is the queue between the chat core and the store
 * thread, the thread, and the merge of queued and stored messages. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "dmpair.h"
#include "history_range.h"
#include "log.h"
#include "store_db.h"
#include "store_direct.h"
#include "store_read.h"
#include "strmap.h"
#include "xalloc.h"

#define STORE_WAKE_OPS 1000       /* queued messages that wake the thread before its time */
#define STORE_BATCH_MAX 10000     /* messages written in one transaction at most */
#define STORE_RETRY_MS 3000       /* a failing disk is tried again this often */
#define STORE_PRUNE_MS 60000      /* retention runs this often ... */
#define STORE_PRUNE_SOON_MS 1000  /* ... or this soon when the last pass had more to do */
#define STORE_PRUNE_BUDGET 5000   /* messages one retention pass deletes at most */
#define STORE_READERS 4           /* read connections; more readers wait for one */

/* A queued message: its links and the record, strings following, in one
 * allocation. The record is never changed after store_append(), so the
 * store thread reads the records it writes without the lock. */
struct store_msg {
	struct store_msg *next;          /* queue or flight order */
	struct store_msg *tprev, *tnext; /* its target's list, in seq order */
	struct store_target *t;
	struct history_record rec;
};

/* A room's state waiting to be written (a deep copy). */
struct store_roomop {
	struct store_roomop *next;
	struct store_target *t;
	long long changed_ms;
	struct store_room room;
};

/* What is in memory for one target: its messages queued or in flight, and
 * its newest room state. It goes when all that is written. */
struct store_target {
	struct store_msg *first, *last;
	struct store_roomop *room;        /* newest state, not taken yet */
	struct store_roomop *room_flight; /* state being written */
	char name[];
};

struct msg_list {
	struct store_msg *head, *tail;
	size_t n;
};

/* The store thread's own state (no lock: only it uses this). */
struct store_thread_state {
	long long batch_due, prune_at, retry_at; /* monotonic ms; 0: not set */
	bool failing;                            /* as last logged */
	bool drop_said;                          /* the drops of this failure were logged */
	unsigned long long dropped_before;       /* dropped when this failure began */
};

enum store_act { ACT_COMMIT, ACT_PRUNE, ACT_CLOSE, ACT_NONE };

struct store {
	char *path;
	struct store_limits limits;       /* const */
	size_t pending_max;               /* const */
	unsigned long long max_seq;       /* const: at open */
	struct store_db *db;              /* the store thread's (store_open's, store_close's) */
	pthread_t thread;
	struct store_thread_state th;     /* the store thread's */

	/* Lock order: `lock` and `pool_lock` are leaves, never held together
	 * and never across an SQLite call or a log line. `lock` is taken
	 * under the caller's channel lock (store_append, store_save_room). */
	pthread_mutex_t lock;
	pthread_cond_t wake;              /* the store thread waits for work */
	struct strmap *targets;           /* name -> struct store_target (lock) */
	struct msg_list queue;            /* not taken yet (lock) */
	struct msg_list flight;           /* being written (lock; records read by the thread) */
	struct store_roomop *rooms;       /* not taken yet (lock) */
	struct store_roomop *rooms_flight; /* being written (lock) */
	bool closing;                     /* (lock) */
	bool retry_now;                   /* (lock) the test hook asks for a retry */
	long long want_max_pages;         /* (lock) test hook: -1 none pending */
	unsigned long long written, dropped; /* (lock) */
	bool failing;                     /* (lock) the last write failed */
	/* Set (under lock) when the queue passes half of pending_max while
	 * writes work, cleared by the thread below a quarter or when writes
	 * fail; read without the lock by every worker (store_backlogged). */
	atomic_bool backlogged;

	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;         /* a reader was given back */
	struct store_reader *readers[STORE_READERS]; /* free ones (pool_lock) */
	size_t nfree;                     /* (pool_lock) */
	struct store_reader *all_readers[STORE_READERS];
	int lock_fd;                      /* DIR/parleyd.lock, held while open */
	struct store_direct *direct;      /* small tables written at once (store_direct.h) */
};

/* ---- The queue (every function here runs with st->lock held). ---- */

/* The in-memory entry of target, made on first use. */
static struct store_target *target_get(struct store *st, const char *name)
{
	struct store_target *t = strmap_get(st->targets, name);
	if (!t) {
		size_t len = strlen(name) + 1;
		t = xcalloc(1, sizeof *t + len);
		memcpy(t->name, name, len);
		strmap_put(st->targets, name, t);
	}
	return t;
}

/* Frees t once nothing of it is in memory any more. */
static void target_release(struct store *st, struct store_target *t)
{
	if (t->first || t->room || t->room_flight)
		return;
	strmap_remove(st->targets, t->name);
	free(t);
}

/* Takes m out of its target's list. */
static void msg_unlink_target(struct store_msg *m)
{
	struct store_target *t = m->t;
	if (m->tprev)
		m->tprev->tnext = m->tnext;
	else
		t->first = m->tnext;
	if (m->tnext)
		m->tnext->tprev = m->tprev;
	else
		t->last = m->tprev;
}

/* Drops the oldest queued messages while more than pending_max wait; they
 * are chained on *freed for the caller to free after unlocking. */
static void queue_bound(struct store *st, struct store_msg **freed)
{
	while (st->queue.n + st->flight.n > st->pending_max && st->queue.head) {
		struct store_msg *m = st->queue.head;
		st->queue.head = m->next;
		if (!st->queue.head)
			st->queue.tail = NULL;
		st->queue.n--;
		msg_unlink_target(m);
		target_release(st, m->t);
		m->next = *freed;
		*freed = m;
		st->dropped++;
	}
}

/* Frees a chain of messages (no lock needed: they are off every list). */
static void msgs_free(struct store_msg *m)
{
	while (m) {
		struct store_msg *next = m->next;
		free(m);
		m = next;
	}
}

/* ---- Room state copies. ---- */

/* A copy of s, "" for NULL. */
static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

/* Deep-copies src into dst (topic NULL stays NULL). */
static void room_copy(struct store_room *dst, const struct store_room *src)
{
	*dst = (struct store_room){
		.name = dup_or_empty(src->name), .created_ms = src->created_ms,
		.topic = src->topic ? xstrdup(src->topic) : NULL,
		.topic_setter = dup_or_empty(src->topic_setter), .topic_ms = src->topic_ms,
		.modes = dup_or_empty(src->modes), .key = dup_or_empty(src->key),
		.limit = src->limit, .nbans = src->nbans, .ops = dup_or_empty(src->ops)};
	dst->bans = src->nbans ? xcalloc(src->nbans, sizeof *dst->bans) : NULL;
	for (size_t i = 0; i < src->nbans; i++)
		dst->bans[i] = (struct store_ban){.mask = dup_or_empty(src->bans[i].mask),
						  .setter = dup_or_empty(src->bans[i].setter),
						  .unix_ms = src->bans[i].unix_ms,
						  .kind = src->bans[i].kind};
}


/* Frees a chain of room operations. */
static void roomops_free(struct store_roomop *op)
{
	while (op) {
		struct store_roomop *next = op->next;
		store_room_free(&op->room);
		free(op);
		op = next;
	}
}

/* ---- What the chat core hands over. ---- */

void store_append(struct store *st, const char *target, const struct history_record *r)
{
	const char *tags = r->tags ? r->tags : "";
	size_t ls = strlen(r->source) + 1, lc = strlen(r->command) + 1;
	size_t lt = strlen(r->text) + 1, lg = strlen(tags) + 1;
	struct store_msg *m = xmalloc(sizeof *m + ls + lc + lt + lg);
	char *p = (char *)(m + 1);
	m->rec = *r;
	m->rec.source = memcpy(p, r->source, ls);
	m->rec.command = memcpy(p += ls, r->command, lc);
	m->rec.text = memcpy(p += lc, r->text, lt);
	m->rec.tags = memcpy(p + lt, tags, lg);
	m->next = m->tnext = NULL;

	struct store_msg *dropped = NULL;
	pthread_mutex_lock(&st->lock);
	struct store_target *t = target_get(st, target);
	m->t = t;
	m->tprev = t->last;
	if (t->last)
		t->last->tnext = m;
	else
		t->first = m;
	t->last = m;
	if (st->queue.tail)
		st->queue.tail->next = m;
	else
		st->queue.head = m;
	st->queue.tail = m;
	size_t n = ++st->queue.n;
	if (!st->failing && n + st->flight.n > st->pending_max / 2)
		atomic_store_explicit(&st->backlogged, true, memory_order_relaxed);
	queue_bound(st, &dropped);
	/* The thread sleeps long only while the queue is empty, and wakes
	 * early for a long queue: only those two moments need a signal. */
	if (n == 1 || n == STORE_WAKE_OPS)
		pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	msgs_free(dropped);
}

void store_save_room(struct store *st, const char *key, const struct store_room *r)
{
	struct store_roomop *op = xcalloc(1, sizeof *op);
	room_copy(&op->room, r);
	op->changed_ms = clock_unix_ms();
	pthread_mutex_lock(&st->lock);
	struct store_target *t = target_get(st, key);
	bool wake = !st->rooms && st->queue.n == 0;
	if (t->room) { /* not taken yet: the newer state replaces it */
		struct store_room old = t->room->room;
		t->room->room = op->room;
		t->room->changed_ms = op->changed_ms;
		op->room = old;
		op->next = NULL;
	} else {
		op->t = t;
		op->next = st->rooms;
		st->rooms = op;
		t->room = op;
		op = NULL;
	}
	if (wake)
		pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	roomops_free(op);
}

/* ---- The store thread. ---- */

/* Takes the next batch (lock held): up to STORE_BATCH_MAX messages and
 * every room state. Returns whether there is anything to write. */
static bool batch_take(struct store *st)
{
	struct store_msg *m = st->queue.head, *last = NULL;
	size_t n = 0;
	for (; m && n < STORE_BATCH_MAX; m = m->next, n++)
		last = m;
	if (last) {
		st->flight = (struct msg_list){.head = st->queue.head, .tail = last, .n = n};
		st->queue.head = last->next;
		if (!st->queue.head)
			st->queue.tail = NULL;
		st->queue.n -= n;
		last->next = NULL;
	}
	st->rooms_flight = st->rooms;
	st->rooms = NULL;
	for (struct store_roomop *op = st->rooms_flight; op; op = op->next) {
		op->t->room_flight = op;
		op->t->room = NULL;
	}
	return st->flight.head || st->rooms_flight;
}

/* Writes the batch taken (no lock held); an SQLite code. */
static int batch_write(struct store *st, struct store_msg *msgs, struct store_roomop *rooms)
{
	int rc = store_db_begin(st->db);
	for (struct store_msg *m = msgs; m && rc == 0; m = m->next)
		rc = store_db_put_message(st->db, m->t->name, &m->rec);
	for (struct store_roomop *op = rooms; op && rc == 0; op = op->next)
		rc = store_db_put_room(st->db, op->t->name, &op->room, op->changed_ms);
	if (rc == 0)
		return store_db_commit(st->db);
	store_db_rollback(st->db);
	return rc;
}

/* The batch is in the database (lock held): out of memory with it. The
 * freed messages and room states are chained for the caller. */
static void batch_done(struct store *st, struct store_msg **msgs, struct store_roomop **rooms)
{
	*msgs = st->flight.head;
	st->written += st->flight.n;
	st->flight = (struct msg_list){0};
	for (struct store_msg *m = *msgs; m; m = m->next) {
		msg_unlink_target(m);
		target_release(st, m->t);
	}
	*rooms = st->rooms_flight;
	st->rooms_flight = NULL;
	for (struct store_roomop *op = *rooms; op; op = op->next) {
		op->t->room_flight = NULL;
		target_release(st, op->t);
	}
}

/* The batch could not be written (lock held): back to the front of the
 * queue, then the bound. What is dropped is chained for the caller. */
static void batch_undo(struct store *st, struct store_msg **msgs, struct store_roomop **rooms)
{
	if (st->flight.head) {
		st->flight.tail->next = st->queue.head;
		if (!st->queue.head)
			st->queue.tail = st->flight.tail;
		st->queue.head = st->flight.head;
		st->queue.n += st->flight.n;
		st->flight = (struct msg_list){0};
	}
	*msgs = NULL;
	queue_bound(st, msgs);
	*rooms = NULL;
	struct store_roomop *op = st->rooms_flight, *next;
	for (; op; op = next) {
		next = op->next;
		op->t->room_flight = NULL;
		if (op->t->room) { /* a newer state came meanwhile */
			op->next = *rooms;
			*rooms = op;
		} else {
			op->t->room = op;
			op->next = st->rooms;
			st->rooms = op;
		}
	}
	st->rooms_flight = NULL;
}

/* Logs a change between working and failing writes, once each way, and
 * the drops of a failure once. rc: the last write's SQLite code. */
static void thread_note(struct store *st, int rc)
{
	struct store_thread_state *th = &st->th;
	pthread_mutex_lock(&st->lock);
	st->failing = rc != 0;
	if (st->failing || st->queue.n + st->flight.n < st->pending_max / 4)
		atomic_store_explicit(&st->backlogged, false, memory_order_relaxed);
	unsigned long long dropped = st->dropped;
	pthread_mutex_unlock(&st->lock);
	if (rc != 0 && !th->failing) {
		char why[512];
		store_db_describe(st->path, rc, store_db_errmsg(st->db), why, sizeof why);
		log_error("history store: %s; chat goes on, history is kept in memory (up to %zu "
			  "messages) and written when this works again (tried every %d s)",
			  why, st->pending_max, STORE_RETRY_MS / 1000);
		th->failing = true;
		th->drop_said = false;
		th->dropped_before = dropped;
	} else if (rc == 0 && th->failing) {
		log_warn("history store: writing %s works again; %llu messages were lost while it "
			 "failed", st->path, dropped - th->dropped_before);
		th->failing = false;
	}
	if (th->failing && !th->drop_said && dropped > th->dropped_before) {
		log_error("history store: more than %zu messages wait for %s; the oldest are "
			  "dropped until it can be written", st->pending_max, st->path);
		th->drop_said = true;
	}
}

/* Writes one batch; returns an SQLite code (0 also when there was none). */
static int thread_commit(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	bool any = batch_take(st);
	struct store_msg *msgs = st->flight.head;
	struct store_roomop *rooms = st->rooms_flight;
	pthread_mutex_unlock(&st->lock);
	if (!any)
		return 0;
	int rc = batch_write(st, msgs, rooms);
	pthread_mutex_lock(&st->lock);
	if (rc == 0)
		batch_done(st, &msgs, &rooms);
	else
		batch_undo(st, &msgs, &rooms);
	pthread_mutex_unlock(&st->lock);
	msgs_free(msgs);
	roomops_free(rooms);
	thread_note(st, rc);
	return rc;
}

/* One retention pass; schedules the next. */
static int thread_prune(struct store *st)
{
	bool more;
	int rc = store_db_prune(st->db, &st->limits, clock_unix_ms(), STORE_PRUNE_BUDGET, &more);
	st->th.prune_at = clock_mono_ms() + (rc == 0 && more ? STORE_PRUNE_SOON_MS : STORE_PRUNE_MS);
	return rc;
}

/* Sleeps on the condition variable until the monotonic time `until`. */
static void thread_wait_until(struct store *st, long long until)
{
	struct timespec ts;
	ts.tv_sec = until / 1000;
	ts.tv_nsec = (until % 1000) * 1000000L;
	pthread_cond_timedwait(&st->wake, &st->lock, &ts);
}

/* Decides what to do next, waiting until there is something (lock held):
 * a commit when a batch is due (STORE_COMMIT_MS after the first queued
 * operation, or a long queue), a retry every STORE_RETRY_MS while
 * failing, retention when its time comes, or the end. */
static enum store_act thread_next(struct store *st)
{
	struct store_thread_state *th = &st->th;
	for (;;) {
		if (st->closing)
			return ACT_CLOSE;
		if (st->want_max_pages >= 0)
			return ACT_NONE;
		long long now = clock_mono_ms();
		bool have = st->queue.n > 0 || st->rooms;
		if (st->failing) {
			if (st->retry_now || now >= th->retry_at)
				return have ? ACT_COMMIT : ACT_PRUNE;
			thread_wait_until(st, th->retry_at);
			continue;
		}
		if (have && !th->batch_due)
			th->batch_due = now + STORE_COMMIT_MS;
		if (have && (now >= th->batch_due || st->queue.n >= STORE_WAKE_OPS))
			return ACT_COMMIT;
		if (now >= th->prune_at)
			return ACT_PRUNE;
		thread_wait_until(st, have && th->batch_due < th->prune_at ? th->batch_due
									 : th->prune_at);
	}
}

/* At the end: writes what is queued, until done or a write fails. */
static void thread_drain(struct store *st)
{
	for (;;) {
		pthread_mutex_lock(&st->lock);
		bool have = st->queue.n > 0 || st->rooms;
		size_t left = st->queue.n;
		pthread_mutex_unlock(&st->lock);
		if (!have)
			return;
		if (thread_commit(st) != 0) {
			log_error("history store: %zu messages could not be written to %s at exit",
				  left, st->path);
			return;
		}
	}
}

/* The store thread: commits batches, retries, runs retention. */
static void *store_thread_main(void *arg)
{
	struct store *st = arg;
	for (;;) {
		pthread_mutex_lock(&st->lock);
		enum store_act act = thread_next(st);
		long long pages = st->want_max_pages;
		st->want_max_pages = -1;
		if (act == ACT_COMMIT || act == ACT_PRUNE)
			st->retry_now = false;
		pthread_mutex_unlock(&st->lock);
		if (pages >= 0)
			store_db_set_max_pages(st->db, pages);
		int rc = 0;
		switch (act) {
		case ACT_CLOSE:
			thread_drain(st);
			return NULL;
		case ACT_COMMIT:
			st->th.batch_due = 0;
			rc = thread_commit(st);
			break;
		case ACT_PRUNE:
			rc = thread_prune(st);
			thread_note(st, rc);
			break;
		case ACT_NONE:
			break;
		}
		if (rc != 0)
			st->th.retry_at = clock_mono_ms() + STORE_RETRY_MS;
	}
}

/* ---- Opening and closing. ---- */

/* Makes dir (0700) if missing and checks it is a directory. */
static int data_dir_make(const char *dir, char *err, size_t errcap)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errcap, "cannot create the data directory %s: %s; create it or give "
			 "another --data-dir", dir, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errcap, "%s is not a directory; --data-dir must name a directory",
			 dir);
		return -1;
	}
	return 0;
}

/* Creates path (0600) if missing, and checks we may read and write it:
 * SQLite would quietly open an unwritable file read-only. */
static int db_file_make(const char *path, char *err, size_t errcap)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open %s for reading and writing: %s; parleyd's user "
			 "must be able to read and write it and its directory", path,
			 strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Takes DIR/parleyd.lock for this process (flock, released when the
 * process ends, however it ends) and writes our pid into it: two servers
 * on one store would number messages alike and fight over every commit.
 * Returns the descriptor to keep open, or -1 with err set. */
static int data_dir_lock(const char *dir, char *err, size_t errcap)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_LOCK_NAME);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open %s: %s; parleyd's user must be able to write "
			 "its data directory", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errcap, "%s is in use by another parleyd%s%s%s; stop it or give "
			 "another --data-dir", dir, pid[0] ? " (pid " : "", pid,
			 pid[0] ? ")" : "");
		close(fd);
		return -1;
	}
	char pid[32];
	int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len)
		log_warn("history store: cannot write the pid into %s: %s", path, strerror(errno));
	return fd;
}

/* Makes the store's locks and maps (before anything can fail). */
static void store_init(struct store *st)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->pool_lock, NULL);
	pthread_cond_init(&st->pool_cond, NULL);
	st->targets = strmap_new();
	st->want_max_pages = -1;
	st->lock_fd = -1;
}

/* Opens the read pool (after the writer made and migrated the file). */
static int store_start(struct store *st, char *err, size_t errcap)
{
	for (int i = 0; i < STORE_READERS; i++) {
		st->all_readers[i] = store_reader_open(st->path, err, errcap);
		if (!st->all_readers[i])
			return -1;
		st->readers[st->nfree++] = st->all_readers[i];
	}
	st->direct = store_direct_open(st->path, err, errcap);
	return st->direct ? 0 : -1;
}

/* Frees a target entry (strmap_each callback at the end). */
static void target_free_one(const char *key, void *value, void *arg)
{
	(void)key;
	(void)arg;
	free(value);
}

/* Frees everything but the thread (which is not running). */
static void store_free(struct store *st)
{
	for (int i = 0; i < STORE_READERS; i++)
		store_reader_close(st->all_readers[i]);
	store_direct_close(st->direct);
	store_db_close(st->db);
	msgs_free(st->queue.head);
	roomops_free(st->rooms);
	strmap_each(st->targets, target_free_one, NULL);
	strmap_free(st->targets);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->pool_lock);
	pthread_cond_destroy(&st->pool_cond);
	free(st->path);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st);
}

struct store *store_open(const char *dir, const struct store_limits *limits, char *err,
			 size_t errcap)
{
	if (!sqlite3_threadsafe()) { /* the pool and the thread share the library */
		snprintf(err, errcap, "this SQLite library is built without thread support");
		return NULL;
	}
	if (data_dir_make(dir, err, errcap) < 0)
		return NULL;
	int lock_fd = data_dir_lock(dir, err, errcap);
	if (lock_fd < 0)
		return NULL;
	struct store *st = xcalloc(1, sizeof *st);
	store_init(st);
	st->lock_fd = lock_fd;
	size_t len = strlen(dir) + sizeof "/" STORE_FILE_NAME;
	st->path = xmalloc(len);
	snprintf(st->path, len, "%s/%s", dir, STORE_FILE_NAME);
	st->limits = *limits;
	st->pending_max = limits->pending_max > 0 ? (size_t)limits->pending_max
						  : STORE_PENDING_MAX;
	if (db_file_make(st->path, err, errcap) < 0 ||
	    !(st->db = store_db_open(st->path, &st->max_seq, err, errcap)) ||
	    store_start(st, err, errcap) < 0) {
		store_free(st);
		return NULL;
	}
	/* Retention once before anyone reads; a failure here is the thread's
	 * first retry, not a reason to refuse to start. */
	int rc = thread_prune(st);
	thread_note(st, rc);
	if (rc != 0)
		st->th.retry_at = clock_mono_ms() + STORE_RETRY_MS;
	int e = pthread_create(&st->thread, NULL, store_thread_main, st);
	if (e != 0) {
		snprintf(err, errcap, "cannot start the history store thread: %s", strerror(e));
		store_free(st);
		return NULL;
	}
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->closing = true;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);
	store_free(st);
}

unsigned long long store_max_seq(struct store *st)
{
	return st->max_seq;
}

struct store_direct *store_direct(struct store *st)
{
	return st->direct;
}

void store_stats(struct store *st, struct store_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = (struct store_stats){.written = st->written, .dropped = st->dropped,
				    .failing = st->failing};
	pthread_mutex_unlock(&st->lock);
}

void store_test_set_max_pages(struct store *st, long long pages)
{
	pthread_mutex_lock(&st->lock);
	st->want_max_pages = pages > 0 ? pages : 0;
	st->retry_now = true;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
}

/* ---- Reads. ---- */

/* A read connection; waits while all are in use. */
static struct store_reader *pool_get(struct store *st)
{
	pthread_mutex_lock(&st->pool_lock);
	while (st->nfree == 0)
		pthread_cond_wait(&st->pool_cond, &st->pool_lock);
	struct store_reader *rd = st->readers[--st->nfree];
	pthread_mutex_unlock(&st->pool_lock);
	return rd;
}

/* Gives a read connection back. */
static void pool_put(struct store *st, struct store_reader *rd)
{
	pthread_mutex_lock(&st->pool_lock);
	st->readers[st->nfree++] = rd;
	pthread_cond_signal(&st->pool_cond);
	pthread_mutex_unlock(&st->pool_lock);
}

/* Looks msgid up among target's queued messages (lock held). */
static bool memory_msgid(struct store *st, const char *target, const char *msgid,
			 struct history_pos *pos)
{
	struct store_target *t = strmap_get(st->targets, target);
	for (struct store_msg *m = t ? t->last : NULL; m; m = m->tprev) {
		if (strcmp(m->rec.msgid, msgid) == 0) {
			*pos = (struct history_pos){.kind = HREF_MSGID, .seq = (long long)m->rec.seq,
						    .unix_ms = m->rec.unix_ms};
			return true;
		}
	}
	return false;
}

/* Resolves a reference: 0, 1 for a msgid that is not target's, -1 on a
 * read error. Queued messages are looked at first: once one leaves the
 * queue it is in the database. */
static int resolve_ref(struct store *st, const char *target, const struct history_ref *ref,
		       struct history_pos *pos)
{
	*pos = (struct history_pos){.kind = ref->kind, .unix_ms = ref->unix_ms};
	if (ref->kind != HREF_MSGID)
		return 0;
	pthread_mutex_lock(&st->lock);
	bool found = memory_msgid(st, target, ref->msgid, pos);
	pthread_mutex_unlock(&st->lock);
	if (found)
		return 0;
	struct store_reader *rd = pool_get(st);
	int rc = store_reader_msgid(rd, target, ref->msgid, pos);
	pool_put(st, rd);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* Copies the queued messages of target in range r onto page (lock held):
 * walking from r's start, at most its limit. */
static void memory_range(struct store *st, const char *target, const struct history_range *r,
			 struct history_page *page)
{
	struct store_target *t = strmap_get(st->targets, target);
	if (!t)
		return;
	size_t n = 0;
	struct store_msg *m = r->desc ? t->last : t->first;
	for (; m && n < r->limit; m = r->desc ? m->tprev : m->tnext) {
		const struct history_record *x = &m->rec;
		if (!history_range_match(r, (long long)x->seq, x->unix_ms, x->command))
			continue;
		history_page_push(page, history_record_new(x->seq, x->unix_ms, x->msgid, x->source,
							   x->command, x->text, x->tags));
		n++;
	}
}

int store_query(struct store *st, const char *target, const struct history_query *q,
		struct history_page *page)
{
	struct history_pos a, b = {.kind = HREF_NONE};
	int rc = resolve_ref(st, target, &q->a, &a);
	if (rc == 0 && q->sel == HSEL_BETWEEN)
		rc = resolve_ref(st, target, &q->b, &b);
	if (rc != 0 || q->limit == 0)
		return rc;
	struct history_plan plan;
	history_plan_make(q, &a, &b, &plan);
	/* Memory first, then the database: what leaves memory meanwhile was
	 * committed before it left, so the read that follows sees it. */
	pthread_mutex_lock(&st->lock);
	for (size_t i = 0; i < plan.n; i++)
		memory_range(st, target, &plan.r[i], page);
	pthread_mutex_unlock(&st->lock);
	struct store_reader *rd = pool_get(st);
	for (size_t i = 0; i < plan.n && rc == 0; i++)
		rc = store_reader_range(rd, target, &plan.r[i], page);
	pool_put(st, rd);
	if (rc != 0) {
		history_page_free(page);
		return -1;
	}
	history_page_sort_unique(page);
	history_page_trim(page, q, plan.backwards, history_plan_pivot(&plan, page));
	return 0;
}

/* The newest time of target's queued messages strictly between lo and hi
 * (lock held); LLONG_MIN if none. */
static long long memory_latest(struct store *st, const char *target, long long lo, long long hi)
{
	struct store_target *t = strmap_get(st->targets, target);
	long long latest = LLONG_MIN;
	for (struct store_msg *m = t ? t->first : NULL; m; m = m->tnext)
		if (m->rec.unix_ms > lo && m->rec.unix_ms < hi && m->rec.unix_ms > latest)
			latest = m->rec.unix_ms;
	return latest;
}

struct target_hit {
	size_t which;
	long long latest;
};

/* qsort order of TARGETS: oldest newest-message first, then given order. */
static int target_hit_cmp(const void *x, const void *y)
{
	const struct target_hit *a = x, *b = y;
	if (a->latest != b->latest)
		return a->latest < b->latest ? -1 : 1;
	return a->which < b->which ? -1 : a->which > b->which;
}

int store_targets(struct store *st, const char *const *targets, size_t ntargets,
		  long long from_ms, long long to_ms, size_t limit, size_t *which,
		  long long *latest_ms)
{
	long long lo = from_ms < to_ms ? from_ms : to_ms, hi = from_ms < to_ms ? to_ms : from_ms;
	struct target_hit *hits = xcalloc(ntargets ? ntargets : 1, sizeof *hits);
	pthread_mutex_lock(&st->lock);
	for (size_t i = 0; i < ntargets; i++)
		hits[i] = (struct target_hit){.which = i,
					      .latest = memory_latest(st, targets[i], lo, hi)};
	pthread_mutex_unlock(&st->lock);
	struct store_reader *rd = pool_get(st);
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < ntargets && rc >= 0; i++) {
		long long db_latest;
		rc = store_reader_latest(rd, targets[i], lo, hi, &db_latest);
		if (rc == 1 && db_latest > hits[i].latest)
			hits[i].latest = db_latest;
		if (hits[i].latest != LLONG_MIN)
			hits[n++] = hits[i];
	}
	pool_put(st, rd);
	if (rc < 0) {
		free(hits);
		return -1;
	}
	qsort(hits, n, sizeof *hits, target_hit_cmp);
	/* Like BETWEEN: the `limit` nearest from_ms. */
	size_t first = n > limit && from_ms > to_ms ? n - limit : 0;
	size_t count = n > limit ? limit : n;
	for (size_t i = 0; i < count; i++) {
		which[i] = hits[first + i].which;
		latest_ms[i] = hits[first + i].latest;
	}
	free(hits);
	return (int)count;
}

/* The targets found for store_dm_targets, without repeats. */
struct dm_found {
	const char *account;
	char **out;
	size_t n, max;
};

/* Adds target to f unless it is there or f is full. */
static void dm_found_add(void *arg, const char *target)
{
	struct dm_found *f = arg;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->out[i], target) == 0)
			return;
	if (f->n < f->max)
		f->out[f->n++] = xstrdup(target);
}

/* Adds a queued target that is one of f->account's conversations
 * (strmap_each callback; st->lock held). */
static void dm_found_queued(const char *key, void *value, void *arg)
{
	struct dm_found *f = arg;
	struct store_target *t = value;
	char other[NICK_LEN_MAX + 1];
	if (t->first && dmpair_other(key, f->account, other))
		dm_found_add(f, key);
}

int store_dm_targets(struct store *st, const char *account, char **out, size_t max)
{
	struct dm_found f = {.account = account, .out = out, .max = max};
	pthread_mutex_lock(&st->lock);
	strmap_each(st->targets, dm_found_queued, &f);
	pthread_mutex_unlock(&st->lock);
	struct store_reader *rd = pool_get(st);
	int rc = store_reader_pairs(rd, account, max, dm_found_add, &f);
	pool_put(st, rd);
	if (rc < 0) {
		for (size_t i = 0; i < f.n; i++)
			free(out[i]);
		return -1;
	}
	return (int)f.n;
}

int store_load_room(struct store *st, const char *key, struct store_room *out)
{
	pthread_mutex_lock(&st->lock);
	struct store_target *t = strmap_get(st->targets, key);
	struct store_roomop *op = t ? (t->room ? t->room : t->room_flight) : NULL;
	if (op)
		room_copy(out, &op->room);
	pthread_mutex_unlock(&st->lock);
	if (op)
		return 1;
	struct store_reader *rd = pool_get(st);
	int rc = store_reader_room(rd, key, out);
	pool_put(st, rd);
	return rc;
}

bool store_backlogged(struct store *st)
{
	return atomic_load_explicit(&st->backlogged, memory_order_relaxed);
}
