/* batches: open IRCv3 batches, bounded. */
#include "batches.h"

#include <stdio.h>
#include <string.h>

void batches_clear(struct batches *b)
{
	b->n = 0;
}

/* True when ref may name a batch: 1..BATCHES_REF_MAX visible characters. */
static bool batches_ref_ok(const char *ref)
{
	size_t len = ref ? strnlen(ref, BATCHES_REF_MAX + 1) : 0;
	if (len == 0 || len > BATCHES_REF_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (ref[i] <= ' ' || ref[i] > '~')
			return false;
	return true;
}

struct batch_info *batches_find(struct batches *b, const char *ref)
{
	if (!ref)
		return NULL;
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->open[i].ref, ref) == 0)
			return &b->open[i];
	return NULL;
}

struct batch_info *batches_open(struct batches *b, const char *ref, const char *type,
                                const char *target, const char *parent)
{
	if (b->n == BATCHES_OPEN_MAX || !batches_ref_ok(ref) || batches_find(b, ref))
		return NULL;
	struct batch_info *bi = &b->open[b->n++];
	memset(bi, 0, sizeof(*bi));
	snprintf(bi->ref, sizeof(bi->ref), "%s", ref);
	if (type && strlen(type) < sizeof(bi->type))
		snprintf(bi->type, sizeof(bi->type), "%s", type);
	if (target && strlen(target) < sizeof(bi->target))
		snprintf(bi->target, sizeof(bi->target), "%s", target);
	if (batches_ref_ok(parent))
		snprintf(bi->parent, sizeof(bi->parent), "%s", parent);
	return bi;
}

struct batch_info *batches_outer(struct batches *b, const char *ref, const char *type)
{
	struct batch_info *found = NULL, *bi = batches_find(b, ref);
	for (int depth = 0; bi && depth < BATCHES_DEPTH_MAX; depth++) {
		if (strcmp(bi->type, type) == 0)
			found = bi;
		bi = bi->parent[0] ? batches_find(b, bi->parent) : NULL;
	}
	return found;
}

bool batches_close(struct batches *b, const char *ref, struct batch_info *closed)
{
	struct batch_info *bi = batches_find(b, ref);
	if (!bi)
		return false;
	if (closed)
		*closed = *bi;
	*bi = b->open[--b->n];
	return true;
}
