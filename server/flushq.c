/* flushq: see flushq.h. */
#include "flushq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "session.h"
#include "xalloc.h"

/* Entries taken from a lane per lock hold. */
#define TAKE_BATCH 32

/* One FIFO of waiting queues. */
struct lane {
	struct session **ring; /* capacity cap, a power of two (or 0) */
	size_t cap, head, count;
};

static struct {
	pthread_mutex_t lock; /* guards both lanes */
	struct lane prompt, bulk;
	int max_writers;
	/* Written under the lock, read without it for the cheap checks. */
	atomic_size_t waiting; /* both lanes' counts */
	atomic_int writers;
} fq = {.lock = PTHREAD_MUTEX_INITIALIZER};

void flushq_init(int writers)
{
	fq.max_writers = writers > 0 ? writers : 1;
}

/* Makes room for n more entries; lock held. */
static void reserve_locked(struct lane *l, size_t n)
{
	if (l->count + n <= l->cap)
		return;
	size_t cap = l->cap ? l->cap : 256;
	while (cap < l->count + n)
		cap *= 2;
	struct session **ring = xmalloc(cap * sizeof *ring);
	for (size_t i = 0; i < l->count; i++)
		ring[i] = l->ring[(l->head + i) & (l->cap - 1)];
	free(l->ring);
	l->ring = ring;
	l->cap = cap;
	l->head = 0;
}

/* Publishes how many entries wait, for the checks made without the lock. */
static void note_waiting_locked(void)
{
	atomic_store_explicit(&fq.waiting, fq.prompt.count + fq.bulk.count,
			      memory_order_relaxed);
}

void flushq_add(struct session *const *sessions, size_t n)
{
	if (n == 0)
		return;
	struct lane *l = n <= FLUSHQ_PROMPT_MAX ? &fq.prompt : &fq.bulk;
	pthread_mutex_lock(&fq.lock);
	reserve_locked(l, n);
	for (size_t i = 0; i < n; i++)
		l->ring[(l->head + l->count + i) & (l->cap - 1)] = sessions[i];
	l->count += n;
	note_waiting_locked();
	pthread_mutex_unlock(&fq.lock);
}

/* Moves up to max entries from l's head into out; lock held. */
static size_t take_locked(struct lane *l, struct session **out, size_t max)
{
	size_t n = l->count < max ? l->count : max;
	for (size_t i = 0; i < n; i++)
		out[i] = l->ring[(l->head + i) & (l->cap - 1)];
	l->head = (l->head + n) & (l->cap - 1);
	l->count -= n;
	note_waiting_locked();
	return n;
}

void flushq_take_turn(void)
{
	if (atomic_load_explicit(&fq.waiting, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&fq.lock);
	if (atomic_load_explicit(&fq.writers, memory_order_relaxed) >= fq.max_writers) {
		pthread_mutex_unlock(&fq.lock);
		return;
	}
	atomic_fetch_add_explicit(&fq.writers, 1, memory_order_relaxed);
	size_t written = 0;
	while (written < FLUSHQ_TURN) {
		struct lane *l = fq.prompt.count > 0 ? &fq.prompt : &fq.bulk;
		struct session *batch[TAKE_BATCH];
		size_t n = take_locked(l, batch, TAKE_BATCH);
		if (n == 0)
			break;
		pthread_mutex_unlock(&fq.lock);
		for (size_t i = 0; i < n; i++) {
			session_flush(batch[i]);
			session_unref(batch[i]);
		}
		written += n;
		pthread_mutex_lock(&fq.lock);
	}
	atomic_fetch_sub_explicit(&fq.writers, 1, memory_order_relaxed);
	pthread_mutex_unlock(&fq.lock);
}

bool flushq_wants_help(void)
{
	return atomic_load_explicit(&fq.waiting, memory_order_relaxed) > 0 &&
	       atomic_load_explicit(&fq.writers, memory_order_relaxed) < fq.max_writers;
}

static void lane_free_locked(struct lane *l)
{
	struct session *s;
	while (take_locked(l, &s, 1) == 1)
		session_unref(s);
	free(l->ring);
	l->ring = NULL;
	l->cap = l->head = 0;
}

void flushq_free(void)
{
	pthread_mutex_lock(&fq.lock);
	lane_free_locked(&fq.prompt);
	lane_free_locked(&fq.bulk);
	pthread_mutex_unlock(&fq.lock);
}
