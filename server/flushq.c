/* flushq: see flushq.h. */
#include "flushq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "session.h"
#include "xalloc.h"

/* Entries taken from the FIFO per lock hold. */
#define TAKE_BATCH 32

static struct {
	pthread_mutex_t lock;
	struct session **ring; /* capacity cap, a power of two (or 0) */
	size_t cap, head, count;
	int max_writers;
	/* Written under lock, read without it for the cheap checks. */
	atomic_size_t waiting;
	atomic_int writers;
} fq = {.lock = PTHREAD_MUTEX_INITIALIZER};

void flushq_init(int writers)
{
	fq.max_writers = writers > 0 ? writers : 1;
}

/* Makes room for n more entries; lock held. */
static void reserve_locked(size_t n)
{
	if (fq.count + n <= fq.cap)
		return;
	size_t cap = fq.cap ? fq.cap : 256;
	while (cap < fq.count + n)
		cap *= 2;
	struct session **ring = xmalloc(cap * sizeof *ring);
	for (size_t i = 0; i < fq.count; i++)
		ring[i] = fq.ring[(fq.head + i) & (fq.cap - 1)];
	free(fq.ring);
	fq.ring = ring;
	fq.cap = cap;
	fq.head = 0;
}

void flushq_add(struct session *const *sessions, size_t n)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&fq.lock);
	reserve_locked(n);
	for (size_t i = 0; i < n; i++)
		fq.ring[(fq.head + fq.count + i) & (fq.cap - 1)] = sessions[i];
	fq.count += n;
	atomic_store_explicit(&fq.waiting, fq.count, memory_order_relaxed);
	pthread_mutex_unlock(&fq.lock);
}

/* Moves up to max entries from the head into out; lock held. */
static size_t take_locked(struct session **out, size_t max)
{
	size_t n = fq.count < max ? fq.count : max;
	for (size_t i = 0; i < n; i++)
		out[i] = fq.ring[(fq.head + i) & (fq.cap - 1)];
	fq.head = (fq.head + n) & (fq.cap - 1);
	fq.count -= n;
	atomic_store_explicit(&fq.waiting, fq.count, memory_order_relaxed);
	return n;
}

void flushq_take_turn(void)
{
	if (atomic_load_explicit(&fq.waiting, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&fq.lock);
	if (fq.count == 0 || atomic_load_explicit(&fq.writers, memory_order_relaxed) >=
				     fq.max_writers) {
		pthread_mutex_unlock(&fq.lock);
		return;
	}
	atomic_fetch_add_explicit(&fq.writers, 1, memory_order_relaxed);
	size_t written = 0;
	while (written < FLUSHQ_TURN && fq.count > 0) {
		struct session *batch[TAKE_BATCH];
		size_t n = take_locked(batch, TAKE_BATCH);
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

void flushq_free(void)
{
	pthread_mutex_lock(&fq.lock);
	struct session *s;
	while (take_locked(&s, 1) == 1)
		session_unref(s);
	free(fq.ring);
	fq.ring = NULL;
	fq.cap = fq.head = 0;
	pthread_mutex_unlock(&fq.lock);
}
