/* history_query: see history_query.h. */
#include "history_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct history_record *history_record_new(unsigned long long seq, long long unix_ms,
					  const char *msgid, const char *source,
					  const char *command, const char *text,
					  const char *tags)
{
	if (!tags)
		tags = "";
	size_t ls = strlen(source) + 1, lc = strlen(command) + 1, lt = strlen(text) + 1;
	size_t lg = strlen(tags) + 1;
	struct history_record *r = xmalloc(sizeof *r + ls + lc + lt + lg);
	char *p = (char *)(r + 1);
	r->seq = seq;
	r->unix_ms = unix_ms;
	snprintf(r->msgid, sizeof r->msgid, "%s", msgid);
	r->source = memcpy(p, source, ls);
	r->command = memcpy(p += ls, command, lc);
	r->text = memcpy(p += lc, text, lt);
	r->tags = memcpy(p + lt, tags, lg);
	return r;
}

void history_page_push(struct history_page *p, struct history_record *r)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = xrealloc(p->items, p->cap * sizeof *p->items);
	}
	p->items[p->n++] = r;
}

/* qsort order: by sequence number. */
static int record_seq_cmp(const void *a, const void *b)
{
	unsigned long long x = (*(struct history_record *const *)a)->seq;
	unsigned long long y = (*(struct history_record *const *)b)->seq;
	return x < y ? -1 : x > y;
}

void history_page_sort_unique(struct history_page *p)
{
	if (p->n > 1)
		qsort(p->items, p->n, sizeof *p->items, record_seq_cmp);
	size_t kept = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (kept && p->items[kept - 1]->seq == p->items[i]->seq)
			free(p->items[i]);
		else
			p->items[kept++] = p->items[i];
	}
	p->n = kept;
}

/* Keeps items[from, from + count) of p, freeing the rest. */
static void page_keep(struct history_page *p, size_t from, size_t count)
{
	for (size_t i = 0; i < p->n; i++)
		if (i < from || i >= from + count)
			free(p->items[i]);
	memmove(p->items, p->items + from, count * sizeof *p->items);
	p->n = count;
}

void history_page_trim(struct history_page *p, const struct history_query *q,
		       bool backwards, unsigned long long pivot)
{
	size_t limit = q->limit;
	if (p->n <= limit)
		return;
	switch (q->sel) {
	case HSEL_LATEST:
	case HSEL_BEFORE:
		page_keep(p, p->n - limit, limit);
		return;
	case HSEL_AFTER:
		page_keep(p, 0, limit);
		return;
	case HSEL_BETWEEN:
		page_keep(p, backwards ? p->n - limit : 0, limit);
		return;
	case HSEL_AROUND: {
		size_t before = 0; /* records up to and including the pivot */
		while (before < p->n && p->items[before]->seq <= pivot)
			before++;
		size_t after = p->n - before;
		size_t take_before = limit / 2 + limit % 2;
		if (take_before > before)
			take_before = before;
		if (limit - take_before > after)
			take_before = limit - after;
		page_keep(p, before - take_before, limit);
		return;
	}
	}
}

void history_page_free(struct history_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}
