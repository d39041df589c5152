/* readmark: see readmark.h. */
#include "readmark.h"

#include <stdio.h>
#include <string.h>

/* The entry of a folded target, or NULL. */
static struct readmark_entry *find(const struct readmarks *m, const char *key)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->entries[i].target, key) == 0)
			return (struct readmark_entry *)&m->entries[i];
	return NULL;
}

long long readmark_get(const struct readmarks *m, const char *target)
{
	char key[CHANNEL_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, target) < 0)
		return -1;
	const struct readmark_entry *e = find(m, key);
	return e ? e->unix_ms : -1;
}

/* A slot for a new target: a free one, or the one set longest ago. */
static struct readmark_entry *slot_new(struct readmarks *m)
{
	if (m->n < READMARK_MAX)
		return &m->entries[m->n++];
	struct readmark_entry *oldest = &m->entries[0];
	for (int i = 1; i < m->n; i++)
		if (m->entries[i].set_order < oldest->set_order)
			oldest = &m->entries[i];
	return oldest;
}

long long readmark_set(struct readmarks *m, const char *target, long long unix_ms)
{
	char key[CHANNEL_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, target) < 0)
		return -1;
	struct readmark_entry *e = find(m, key);
	if (!e) {
		e = slot_new(m);
		snprintf(e->target, sizeof e->target, "%s", key);
		e->unix_ms = unix_ms;
	} else if (unix_ms > e->unix_ms) {
		e->unix_ms = unix_ms;
	}
	e->set_order = ++m->sets;
	return e->unix_ms;
}
