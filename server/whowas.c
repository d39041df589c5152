/* whowas: see whowas.h. */
#include "whowas.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "xalloc.h"

#define NO_SLOT ((size_t)-1)

struct slot {
	struct whowas_entry e;
	char folded[NICK_LEN_MAX + 1];
	bool used;
	size_t prev, next; /* the bucket's chain, newest first */
};

struct whowas {
	struct slot *slots;
	size_t capacity, per_nick, count;
	size_t ring; /* the slot the next entry takes (the oldest, or a hole) */
	size_t *buckets; /* first slot of each chain */
	size_t nbuckets; /* a power of two */
	unsigned long long seed;
};

/* The bucket of a folded nick: a seeded FNV-1a, mixed at the end. */
static size_t bucket_of(const struct whowas *w, const char *folded)
{
	unsigned long long h = 1469598103934665603ull ^ w->seed;
	for (const unsigned char *p = (const unsigned char *)folded; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)(h & (w->nbuckets - 1));
}

struct whowas *whowas_new(size_t capacity, size_t per_nick, unsigned long long seed)
{
	struct whowas *w = xcalloc(1, sizeof *w);
	w->capacity = capacity ? capacity : 1;
	w->per_nick = per_nick ? per_nick : 1;
	w->seed = seed;
	w->slots = xcalloc(w->capacity, sizeof *w->slots);
	w->nbuckets = 1;
	while (w->nbuckets < w->capacity)
		w->nbuckets <<= 1;
	w->buckets = xmalloc(w->nbuckets * sizeof *w->buckets);
	for (size_t i = 0; i < w->nbuckets; i++)
		w->buckets[i] = NO_SLOT;
	return w;
}

void whowas_free(struct whowas *w)
{
	if (!w)
		return;
	free(w->slots);
	free(w->buckets);
	free(w);
}

/* Takes slot i out of its chain and the count. */
static void slot_remove(struct whowas *w, size_t i)
{
	struct slot *s = &w->slots[i];
	if (!s->used)
		return;
	if (s->prev != NO_SLOT)
		w->slots[s->prev].next = s->next;
	else
		w->buckets[bucket_of(w, s->folded)] = s->next;
	if (s->next != NO_SLOT)
		w->slots[s->next].prev = s->prev;
	s->used = false;
	w->count--;
}

/* Evicts the oldest entries of folded until fewer than per_nick are left. */
static void nick_make_room(struct whowas *w, const char *folded, size_t bucket)
{
	size_t n = 0, oldest = NO_SLOT;
	for (size_t i = w->buckets[bucket]; i != NO_SLOT; i = w->slots[i].next)
		if (strcmp(w->slots[i].folded, folded) == 0) {
			n++;
			oldest = i; /* chains are newest first */
		}
	if (n >= w->per_nick)
		slot_remove(w, oldest); /* n never exceeds per_nick: one is enough */
}

void whowas_add(struct whowas *w, const struct whowas_entry *e)
{
	char folded[NICK_LEN_MAX + 1];
	if (ircname_fold(folded, sizeof folded, e->nick) < 0 || !folded[0])
		return;
	size_t b = bucket_of(w, folded);
	nick_make_room(w, folded, b);
	size_t i = w->ring;
	w->ring = (w->ring + 1) % w->capacity;
	slot_remove(w, i);
	struct slot *s = &w->slots[i];
	s->e = *e;
	memcpy(s->folded, folded, sizeof folded);
	s->used = true;
	s->prev = NO_SLOT;
	s->next = w->buckets[b];
	if (s->next != NO_SLOT)
		w->slots[s->next].prev = i;
	w->buckets[b] = i;
	w->count++;
}

size_t whowas_find(const struct whowas *w, const char *nick, struct whowas_entry *out,
		   size_t max)
{
	char folded[NICK_LEN_MAX + 1];
	if (ircname_fold(folded, sizeof folded, nick) < 0)
		return 0;
	size_t n = 0;
	for (size_t i = w->buckets[bucket_of(w, folded)]; i != NO_SLOT && n < max;
	     i = w->slots[i].next)
		if (strcmp(w->slots[i].folded, folded) == 0)
			out[n++] = w->slots[i].e;
	return n;
}

size_t whowas_count(const struct whowas *w)
{
	return w->count;
}

/* --- the server's table --- */

/* A leaf (global.h): nothing is taken while it is held. */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static struct whowas *global_table; /* guarded by global_lock */

/* The server's table; global_lock held. */
static struct whowas *global_get(void)
{
	if (!global_table) {
		unsigned long long seed = 0;
		if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
			struct timespec ts; /* no entropy yet: the clock still varies it */
			clock_gettime(CLOCK_REALTIME, &ts);
			seed = (unsigned long long)ts.tv_nsec * 2654435761ull ^ (unsigned long long)ts.tv_sec;
		}
		global_table = whowas_new(WHOWAS_CAPACITY_DEFAULT, WHOWAS_PER_NICK_DEFAULT, seed);
	}
	return global_table;
}

void whowas_global_add(const struct whowas_entry *e)
{
	pthread_mutex_lock(&global_lock);
	whowas_add(global_get(), e);
	pthread_mutex_unlock(&global_lock);
}

size_t whowas_global_find(const char *nick, struct whowas_entry *out, size_t max)
{
	pthread_mutex_lock(&global_lock);
	size_t n = whowas_find(global_get(), nick, out, max);
	pthread_mutex_unlock(&global_lock);
	return n;
}
