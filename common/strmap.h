/* strmap: a hash map from NUL-terminated string keys to pointers.
 * Keys are copied. Not thread-safe: the owner locks. Grows as needed. */
#ifndef PARLEY_STRMAP_H
#define PARLEY_STRMAP_H

#include <stddef.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *map); /* values are not freed */

/* Value for key, or NULL. */
void *strmap_get(const struct strmap *map, const char *key);

/* Sets key to value (replacing). value must not be NULL. */
void strmap_put(struct strmap *map, const char *key, void *value);

/* Removes key; returns its value or NULL. */
void *strmap_remove(struct strmap *map, const char *key);

size_t strmap_count(const struct strmap *map);

/* Calls fn for every entry, in no particular order; the map must not change
 * during the walk. */
void strmap_each(const struct strmap *map, void (*fn)(const char *key, void *value, void *arg),
		 void *arg);

#endif
