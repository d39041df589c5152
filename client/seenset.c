/* seenset: recently seen message keys, oldest forgotten first. */
#include "seenset.h"

#include <stdlib.h>

#include "xalloc.h"

#define SEENSET_MIN_RING 16

struct seenset {
	size_t max;     /* keys remembered at most */
	uint64_t *ring; /* keys in the order added: ring[head] is the oldest */
	size_t ringcap; /* a power of two, at most max rounded up */
	size_t head, count;
	uint64_t *table; /* open addressing, 0 = empty; twice ringcap slots */
	size_t tablecap;
};

/* 0 marks an empty slot: the key 0 is stored as 1 (a hash is 0 or 1 with
 * the same tiny chance either way). */
static uint64_t seen_norm(uint64_t key)
{
	return key ? key : 1;
}

/* The home slot of key. */
static size_t seen_home(const struct seenset *s, uint64_t key)
{
	return (size_t)(key ^ key >> 29) & (s->tablecap - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t seen_slot(const struct seenset *s, uint64_t key)
{
	size_t i = seen_home(s, key);
	while (s->table[i] && s->table[i] != key)
		i = (i + 1) & (s->tablecap - 1);
	return i;
}

/* Takes key out of the table, moving later keys of its run back so that
 * every key stays reachable from its home slot. */
static void seen_table_remove(struct seenset *s, uint64_t key)
{
	size_t mask = s->tablecap - 1, hole = seen_slot(s, key);
	if (!s->table[hole])
		return;
	s->table[hole] = 0;
	for (size_t i = (hole + 1) & mask; s->table[i]; i = (i + 1) & mask) {
		size_t home = seen_home(s, s->table[i]);
		/* May the key at i move to the hole? Only if its home is not
		 * in the cyclic range (hole, i]. */
		bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (stays)
			continue;
		s->table[hole] = s->table[i];
		s->table[i] = 0;
		hole = i;
	}
}

/* Doubles the ring (keeping the order) and the table (rehashing). */
static void seen_grow(struct seenset *s)
{
	size_t cap = s->ringcap * 2;
	uint64_t *ring = xcalloc(cap, sizeof(*ring));
	for (size_t i = 0; i < s->count; i++)
		ring[i] = s->ring[(s->head + i) & (s->ringcap - 1)];
	free(s->ring);
	s->ring = ring;
	s->ringcap = cap;
	s->head = 0;
	free(s->table);
	s->tablecap = cap * 2;
	s->table = xcalloc(s->tablecap, sizeof(*s->table));
	for (size_t i = 0; i < s->count; i++)
		s->table[seen_slot(s, ring[i])] = ring[i];
}

struct seenset *seenset_new(size_t max)
{
	struct seenset *s = xcalloc(1, sizeof(*s));
	s->max = max ? max : SEENSET_DEFAULT_MAX;
	s->ringcap = SEENSET_MIN_RING;
	s->ring = xcalloc(s->ringcap, sizeof(*s->ring));
	s->tablecap = s->ringcap * 2;
	s->table = xcalloc(s->tablecap, sizeof(*s->table));
	return s;
}

void seenset_free(struct seenset *s)
{
	if (!s)
		return;
	free(s->ring);
	free(s->table);
	free(s);
}

bool seenset_has(const struct seenset *s, uint64_t key)
{
	key = seen_norm(key);
	return s->table[seen_slot(s, key)] == key;
}

void seenset_add(struct seenset *s, uint64_t key)
{
	key = seen_norm(key);
	size_t slot = seen_slot(s, key);
	if (s->table[slot] == key)
		return;
	if (s->count == s->max) {
		uint64_t old = s->ring[s->head];
		s->head = (s->head + 1) & (s->ringcap - 1);
		s->count--;
		seen_table_remove(s, old);
	} else if (s->count == s->ringcap) {
		seen_grow(s);
	}
	s->table[seen_slot(s, key)] = key;
	s->ring[(s->head + s->count) & (s->ringcap - 1)] = key;
	s->count++;
}

size_t seenset_count(const struct seenset *s)
{
	return s->count;
}

const char *seenset_check(const struct seenset *s)
{
	size_t used = 0;
	if (s->count > s->max || s->count > s->ringcap)
		return "more keys than allowed";
	if (s->tablecap < 2 * s->ringcap)
		return "the table is too small for the ring";
	for (size_t i = 0; i < s->tablecap; i++)
		used += s->table[i] != 0;
	if (used != s->count)
		return "the table and the ring disagree on the count";
	for (size_t i = 0; i < s->count; i++)
		if (!seenset_has(s, s->ring[(s->head + i) & (s->ringcap - 1)]))
			return "a key in the ring cannot be found";
	return NULL;
}
