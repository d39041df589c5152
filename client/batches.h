/* batches: the IRCv3 batches a server has open (pure: no I/O).
 *
 * "BATCH +ref type params..." opens a batch, "BATCH -ref" closes it, and a
 * line tagged batch=ref belongs to it; a batch may itself be tagged with a
 * parent batch (nesting). The client cares about one type, chathistory
 * (draft/chathistory's replies); lines of other or unknown types are shown
 * as if they were not batched, as the spec asks.
 *
 * The server may be hostile: at most BATCHES_OPEN_MAX batches are tracked
 * at once (a batch opened past that, or with a bad or reused reference, is
 * not tracked, and its lines count as unbatched), references are at most
 * BATCHES_REF_MAX bytes, and the walk up to the outermost batch stops after
 * BATCHES_DEPTH_MAX parents (so a parent loop ends). */
#ifndef PARLEY_BATCHES_H
#define PARLEY_BATCHES_H

#include <stdbool.h>
#include <stddef.h>

#define BATCHES_OPEN_MAX 32
#define BATCHES_REF_MAX 64
#define BATCHES_TARGET_MAX 200
#define BATCHES_DEPTH_MAX 8

struct batch_info {
	char ref[BATCHES_REF_MAX + 1];
	char type[32];                       /* "chathistory", ... ("" if too long) */
	char target[BATCHES_TARGET_MAX + 1]; /* first parameter after the type, or "" */
	char parent[BATCHES_REF_MAX + 1];    /* the batch it is nested in, or "" */
	int mark;                            /* the caller's: what this batch is to it */
};

struct batches {
	struct batch_info open[BATCHES_OPEN_MAX];
	size_t n;
};

/* No batch open (also after a disconnect: references die with the link). */
void batches_clear(struct batches *b);

/* Opens batch ref; parent is the batch tag of the BATCH line itself (or
 * NULL). Returns the new batch, or NULL when it is not tracked (table full,
 * ref empty, too long or already open). */
struct batch_info *batches_open(struct batches *b, const char *ref, const char *type,
                                const char *target, const char *parent);

/* The open batch ref, or NULL. */
struct batch_info *batches_find(struct batches *b, const char *ref);

/* The outermost open batch of the given type that ref is in (ref itself or
 * one of its parents), or NULL. */
struct batch_info *batches_outer(struct batches *b, const char *ref, const char *type);

/* Closes batch ref: copies it into *closed (when not NULL) and forgets it.
 * Its children stay open (their own BATCH - closes them). False when ref
 * was not open. */
bool batches_close(struct batches *b, const char *ref, struct batch_info *closed);

#endif
