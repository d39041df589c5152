/* throttle: see throttle.h. */
#include "throttle.h"

#include <stdint.h>
#include <stdlib.h>

#include "strmap.h"
#include "tokenbucket.h"
#include "xalloc.h"

struct throttle_entry {
	char *key;
	struct tokenbucket tb;
	long long used_ms; /* last spend, for eviction */
};

struct throttle {
	size_t cap, n;
	double burst, rate;           /* rate: tokens per second */
	struct throttle_entry *e;     /* e[0..n) */
	struct strmap *index;         /* key -> (void *)(i + 1) */
};

struct throttle *throttle_new(size_t cap, double burst, long long period_ms)
{
	struct throttle *t = xcalloc(1, sizeof *t);
	t->cap = cap ? cap : 1;
	t->burst = burst;
	t->rate = period_ms > 0 ? 1000.0 / (double)period_ms : 1e9;
	t->e = xcalloc(t->cap, sizeof *t->e);
	t->index = strmap_new();
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	strmap_free(t->index);
	free(t);
}

/* key's entry, or NULL. */
static struct throttle_entry *entry_find(const struct throttle *t, const char *key)
{
	uintptr_t v = (uintptr_t)strmap_get(t->index, key);
	return v ? &t->e[v - 1] : NULL;
}

/* Removes entry i, moving the last one into its place. */
static void entry_remove(struct throttle *t, size_t i)
{
	strmap_remove(t->index, t->e[i].key);
	free(t->e[i].key);
	t->n--;
	if (i != t->n) {
		t->e[i] = t->e[t->n];
		strmap_put(t->index, t->e[i].key, (void *)(uintptr_t)(i + 1));
	}
}

bool throttle_allowed(struct throttle *t, const char *key, long long now_ms)
{
	struct throttle_entry *e = entry_find(t, key);
	/* the bucket's own rounding tolerance: waiting wait_ms() is enough */
	return !e || tokenbucket_wait_ms(&e->tb, now_ms) == 0;
}

long long throttle_wait_ms(struct throttle *t, const char *key, long long now_ms)
{
	struct throttle_entry *e = entry_find(t, key);
	return e ? tokenbucket_wait_ms(&e->tb, now_ms) : 0;
}

void throttle_spend(struct throttle *t, const char *key, long long now_ms)
{
	struct throttle_entry *e = entry_find(t, key);
	if (!e) {
		if (t->n == t->cap) {
			size_t oldest = 0;
			for (size_t i = 1; i < t->n; i++)
				if (t->e[i].used_ms < t->e[oldest].used_ms)
					oldest = i;
			entry_remove(t, oldest);
		}
		e = &t->e[t->n++];
		e->key = xstrdup(key);
		tokenbucket_init(&e->tb, t->rate, t->burst, now_ms);
		strmap_put(t->index, e->key, (void *)(uintptr_t)t->n);
	}
	(void)tokenbucket_take(&e->tb, now_ms);
	e->used_ms = now_ms;
}

void throttle_forget(struct throttle *t, const char *key)
{
	uintptr_t v = (uintptr_t)strmap_get(t->index, key);
	if (v)
		entry_remove(t, v - 1);
}

size_t throttle_count(const struct throttle *t)
{
	return t->n;
}
