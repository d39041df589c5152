/* history: a ring of a channel's most recent messages. */
#include "history.h"

#include <stdlib.h>

#include "xalloc.h"

struct history {
	struct history_entry *entries;
	size_t capacity;
	size_t first; /* index of the oldest entry */
	size_t count;
	unsigned long long added; /* messages ever added */
};

/* A ring holding at most capacity messages (0: history is off). */
struct history *history_new(size_t capacity)
{
	struct history *h = xmalloc(sizeof(*h));

	h->capacity = capacity;
	h->entries = capacity ? xcalloc(capacity, sizeof(*h->entries)) : NULL;
	h->first = 0;
	h->count = 0;
	h->added = 0;
	return h;
}

/* Releases one entry's strings. */
static void history_entry_clear(struct history_entry *e)
{
	free(e->source);
	free(e->command);
	free(e->text);
	e->source = e->command = e->text = NULL;
}

/* Frees the ring and every message in it. */
void history_free(struct history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->count; i++)
		history_entry_clear(&h->entries[(h->first + i) % h->capacity]);
	free(h->entries);
	free(h);
}

/* Records a message; when full, the oldest slot is reused for it. */
void history_add(struct history *h, long long unix_ms, const char *source, const char *command,
                 const char *text)
{
	struct history_entry *e;

	if (h->capacity == 0)
		return;
	h->added++;
	if (h->count == h->capacity) {
		e = &h->entries[h->first];
		history_entry_clear(e);
		h->first = (h->first + 1) % h->capacity;
	} else {
		e = &h->entries[(h->first + h->count) % h->capacity];
		h->count++;
	}
	e->unix_ms = unix_ms;
	e->source = xstrdup(source);
	e->command = xstrdup(command);
	e->text = xstrdup(text);
}

/* Messages held. */
size_t history_count(const struct history *h)
{
	return h->count;
}

unsigned long long history_added(const struct history *h)
{
	return h->added;
}

/* The i-th oldest message held. */
const struct history_entry *history_get(const struct history *h, size_t i)
{
	if (i >= h->count)
		return NULL;
	return &h->entries[(h->first + i) % h->capacity];
}
