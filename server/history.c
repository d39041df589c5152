/* history: see history.h. */
#include "history.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* One message: the entry callers see, its places in the two lists, and its
 * text in the same allocation. */
struct history_node {
	struct history_entry e;
	struct history_node *older, *newer; /* the budget's list (global age order) */
	struct history_node *room_newer;    /* the owner's list, oldest first */
	struct history *owner;
	size_t bytes;               /* what it counts against the budget */
	unsigned long long number;  /* its place in its room: 0, 1, 2 ... */
	bool listed;                /* budget lock: not yet evicted */
	atomic_int refs;            /* 1 while listed, plus one per reference handed out (cursors) */
	char data[];                /* source, command, text, tags, each NUL-ended */
};

struct history {
	struct history_budget *budget;
	struct history_node *oldest, *newest; /* budget lock */
	size_t count;                 /* budget lock */
	unsigned long long added;     /* budget lock: messages ever added */
	size_t capacity;              /* const */
};

struct history_budget {
	pthread_mutex_t lock;
	struct history_node *oldest, *newest; /* every message of every history */
	size_t used, max;
};

struct history_budget *history_budget_new(size_t max_bytes)
{
	struct history_budget *b = xcalloc(1, sizeof *b);
	pthread_mutex_init(&b->lock, NULL);
	b->max = max_bytes;
	return b;
}

void history_budget_free(struct history_budget *b)
{
	if (!b)
		return;
	assert(!b->oldest && b->used == 0);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

size_t history_budget_used(struct history_budget *b)
{
	pthread_mutex_lock(&b->lock);
	size_t used = b->used;
	pthread_mutex_unlock(&b->lock);
	return used;
}

struct history *history_new(struct history_budget *b, size_t capacity)
{
	struct history *h = xcalloc(1, sizeof *h);
	h->budget = b;
	h->capacity = capacity;
	return h;
}

/* Drops one reference; the last frees the message. No lock needed. */
static void node_unref(struct history_node *n)
{
	if (atomic_fetch_sub_explicit(&n->refs, 1, memory_order_acq_rel) == 1)
		free(n);
}

/* Takes the oldest message of n's room out of both lists. Budget lock held;
 * n must be the front of its room (it always is: see history.h). */
static void node_unlink_locked(struct history_budget *b, struct history_node *n)
{
	struct history *h = n->owner;
	assert(h->oldest == n);
	h->oldest = n->room_newer;
	if (!h->oldest)
		h->newest = NULL;
	h->count--;
	n->listed = false;
	if (n->older)
		n->older->newer = n->newer;
	else
		b->oldest = n->newer;
	if (n->newer)
		n->newer->older = n->older;
	else
		b->newest = n->older;
	b->used -= n->bytes;
	node_unref(n);
}

void history_free(struct history *h)
{
	if (!h)
		return;
	struct history_budget *b = h->budget;
	pthread_mutex_lock(&b->lock);
	while (h->oldest)
		node_unlink_locked(b, h->oldest);
	pthread_mutex_unlock(&b->lock);
	free(h);
}

/* A new message with its strings copied in, one reference (the lists'). */
static struct history_node *node_new(struct history *h, const struct history_record *r)
{
	const char *tags = r->tags ? r->tags : "";
	size_t ls = strlen(r->source) + 1, lc = strlen(r->command) + 1;
	size_t lt = strlen(r->text) + 1, lg = strlen(tags) + 1;
	struct history_node *n = xmalloc(sizeof *n + ls + lc + lt + lg);
	memset(n, 0, sizeof *n);
	char *p = n->data;
	n->e = (struct history_entry){.seq = r->seq, .unix_ms = r->unix_ms};
	memcpy(n->e.msgid, r->msgid, sizeof n->e.msgid);
	n->e.source = memcpy(p, r->source, ls);
	n->e.command = memcpy(p += ls, r->command, lc);
	n->e.text = memcpy(p += lc, r->text, lt);
	n->e.tags = memcpy(p + lt, tags, lg);
	n->owner = h;
	n->bytes = sizeof *n + ls + lc + lt + lg;
	atomic_init(&n->refs, 1);
	return n;
}

void history_add(struct history *h, const struct history_record *r)
{
	if (h->capacity == 0)
		return;
	/* Allocate outside the lock; every room's messages wait on it. */
	struct history_node *n = node_new(h, r);
	struct history_budget *b = h->budget;
	pthread_mutex_lock(&b->lock);
	if (h->count == h->capacity)
		node_unlink_locked(b, h->oldest);
	n->number = h->added++;
	n->listed = true;
	if (h->newest)
		h->newest->room_newer = n;
	else
		h->oldest = n;
	h->newest = n;
	h->count++;
	n->older = b->newest;
	if (b->newest)
		b->newest->newer = n;
	else
		b->oldest = n;
	b->newest = n;
	b->used += n->bytes;
	while (b->used > b->max && b->oldest)
		node_unlink_locked(b, b->oldest);
	pthread_mutex_unlock(&b->lock);
}

size_t history_count(struct history *h)
{
	pthread_mutex_lock(&h->budget->lock);
	size_t count = h->count;
	pthread_mutex_unlock(&h->budget->lock);
	return count;
}

void history_release(const struct history_entry *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		node_unref((struct history_node *)(void *)entries[i]);
}

void history_cursor_init(struct history *h, struct history_cursor *c)
{
	pthread_mutex_lock(&h->budget->lock);
	c->end = h->added;
	c->node = h->oldest;
	if (h->oldest)
		atomic_fetch_add_explicit(&h->oldest->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&h->budget->lock);
}

/* Where a cursor goes on: its node while that is still listed; once it was
 * evicted, the room's oldest (every message before that went too). */
static struct history_node *cursor_start_locked(struct history *h, const struct history_cursor *c)
{
	struct history_node *n = c->node;
	if (!n)
		return NULL;
	return n->listed ? n : h->oldest;
}

size_t history_cursor_read(struct history *h, struct history_cursor *c,
			   const struct history_entry **out, size_t cap)
{
	size_t n = 0;
	pthread_mutex_lock(&h->budget->lock);
	struct history_node *p = cursor_start_locked(h, c);
	for (; p && p->number < c->end && n < cap; p = p->room_newer) {
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
		out[n++] = &p->e;
	}
	if (p && p->number >= c->end)
		p = NULL;
	if (p)
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	struct history_node *old = c->node;
	c->node = p;
	pthread_mutex_unlock(&h->budget->lock);
	if (old)
		node_unref(old);
	return n;
}

bool history_cursor_done(const struct history_cursor *c)
{
	return c->node == NULL;
}

void history_cursor_release(struct history_cursor *c)
{
	if (c->node)
		node_unref(c->node);
	c->node = NULL;
}

int history_query(struct history *h, const struct history_query *q, struct history_page *page)
{
	enum { PIECE = 256 };
	const struct history_entry *piece[PIECE];
	struct history_cursor c;
	history_cursor_init(h, &c);
	size_t n;
	while ((n = history_cursor_read(h, &c, piece, PIECE)) > 0) {
		for (size_t i = 0; i < n; i++) {
			const struct history_entry *e = piece[i];
			history_page_push(page, history_record_new(e->seq, e->unix_ms, e->msgid,
								   e->source, e->command,
								   e->text, e->tags));
		}
		history_release(piece, n);
	}
	history_cursor_release(&c);
	history_page_sort_unique(page);
	return history_page_select(page, q);
}
