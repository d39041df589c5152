/* strmap: a chained hash map from string keys to pointers. */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct strmap_entry {
	struct strmap_entry *next;
	uint64_t hash;
	void *value;
	char key[];
};

struct strmap {
	struct strmap_entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
};

#define STRMAP_INITIAL 16

/* FNV-1a: simple, and good enough for nicks and channel names. */
static uint64_t strmap_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

/* An empty map. */
struct strmap *strmap_new(void)
{
	struct strmap *map = xmalloc(sizeof(*map));

	map->nbuckets = STRMAP_INITIAL;
	map->buckets = xcalloc(map->nbuckets, sizeof(*map->buckets));
	map->count = 0;
	return map;
}

/* Frees the map and its key copies; the values belong to the caller. */
void strmap_free(struct strmap *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->nbuckets; i++) {
		struct strmap_entry *e = map->buckets[i];

		while (e) {
			struct strmap_entry *next = e->next;

			free(e);
			e = next;
		}
	}
	free(map->buckets);
	free(map);
}

/* The slot holding the link to key's entry (or the NULL link at a chain's end),
 * so that lookup, insertion and removal share one walk. */
static struct strmap_entry **strmap_find(const struct strmap *map, const char *key, uint64_t h)
{
	struct strmap_entry **link = &map->buckets[h & (map->nbuckets - 1)];

	while (*link && ((*link)->hash != h || strcmp((*link)->key, key) != 0))
		link = &(*link)->next;
	return link;
}

/* Looks key up. */
void *strmap_get(const struct strmap *map, const char *key)
{
	struct strmap_entry *e = *strmap_find(map, key, strmap_hash(key));

	return e ? e->value : NULL;
}

/* Doubles the table to keep chains short once the load passes one. */
static void strmap_grow(struct strmap *map)
{
	size_t n = map->nbuckets * 2;
	struct strmap_entry **b = xcalloc(n, sizeof(*b));

	for (size_t i = 0; i < map->nbuckets; i++) {
		struct strmap_entry *e = map->buckets[i];

		while (e) {
			struct strmap_entry *next = e->next;
			size_t slot = e->hash & (n - 1);

			e->next = b[slot];
			b[slot] = e;
			e = next;
		}
	}
	free(map->buckets);
	map->buckets = b;
	map->nbuckets = n;
}

/* Inserts or replaces. */
void strmap_put(struct strmap *map, const char *key, void *value)
{
	uint64_t h = strmap_hash(key);
	struct strmap_entry **link = strmap_find(map, key, h);
	struct strmap_entry *e;
	size_t klen;

	if (*link) {
		(*link)->value = value;
		return;
	}
	klen = strlen(key);
	e = xmalloc(sizeof(*e) + klen + 1);
	memcpy(e->key, key, klen + 1);
	e->hash = h;
	e->value = value;
	e->next = NULL;
	*link = e;
	map->count++;
	if (map->count > map->nbuckets)
		strmap_grow(map);
}

/* Unlinks key and hands its value back. */
void *strmap_remove(struct strmap *map, const char *key)
{
	struct strmap_entry **link = strmap_find(map, key, strmap_hash(key));
	struct strmap_entry *e = *link;
	void *value;

	if (!e)
		return NULL;
	*link = e->next;
	value = e->value;
	free(e);
	map->count--;
	return value;
}

/* Number of keys held. */
size_t strmap_count(const struct strmap *map)
{
	return map->count;
}

/* Visits every entry. */
void strmap_each(const struct strmap *map, void (*fn)(const char *key, void *value, void *arg),
                 void *arg)
{
	for (size_t i = 0; i < map->nbuckets; i++) {
		for (struct strmap_entry *e = map->buckets[i]; e; e = e->next)
			fn(e->key, e->value, arg);
	}
}
