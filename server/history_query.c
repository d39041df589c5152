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

/* A reference as a position in the page's order: a msgid is its record
 * (compared by seq), a time is compared with the records' times (see
 * history_query.h). found is false for a msgid not in the page. */
struct position {
	bool by_time;
	unsigned long long seq;
	long long unix_ms;
	bool found;
};

static struct position position_of(const struct history_page *p, const struct history_ref *r)
{
	struct position pos = {.by_time = r->kind == HREF_TIME, .unix_ms = r->unix_ms,
			       .found = r->kind != HREF_MSGID};
	if (r->kind != HREF_MSGID)
		return pos;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i]->msgid, r->msgid) == 0) {
			pos.seq = p->items[i]->seq;
			pos.unix_ms = p->items[i]->unix_ms;
			pos.found = true;
		}
	return pos;
}

/* Is record r strictly before / after position pos? */
static bool is_before(const struct history_record *r, const struct position *pos)
{
	return pos->by_time ? r->unix_ms < pos->unix_ms : r->seq < pos->seq;
}

static bool is_after(const struct history_record *r, const struct position *pos)
{
	return pos->by_time ? r->unix_ms > pos->unix_ms : r->seq > pos->seq;
}

/* Does a come later than b? Times compare by time, two msgids by seq. */
static bool position_later(const struct position *a, const struct position *b)
{
	if (a->by_time || b->by_time)
		return a->unix_ms > b->unix_ms;
	return a->seq > b->seq;
}

/* Is r a message (not an event such as a TOPIC change)? */
static bool keep_messages(const struct history_record *r, const struct position *a,
			  const struct position *b)
{
	(void)a;
	(void)b;
	return strcmp(r->command, "PRIVMSG") == 0 || strcmp(r->command, "NOTICE") == 0;
}

/* Keeps the records for which keep(r, a, b) holds. */
static void page_filter(struct history_page *p, bool (*keep)(const struct history_record *,
							       const struct position *,
							       const struct position *),
			const struct position *a, const struct position *b)
{
	size_t kept = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (keep(p->items[i], a, b))
			p->items[kept++] = p->items[i];
		else
			free(p->items[i]);
	}
	p->n = kept;
}

static bool keep_before(const struct history_record *r, const struct position *a,
			const struct position *b)
{
	(void)b;
	return is_before(r, a);
}

static bool keep_after(const struct history_record *r, const struct position *a,
		       const struct position *b)
{
	(void)b;
	return is_after(r, a);
}

static bool keep_between(const struct history_record *r, const struct position *lo,
			 const struct position *hi)
{
	return is_after(r, lo) && is_before(r, hi);
}

/* The AROUND pivot: the reference's own seq, or for a time the last record
 * not later than it (0 when none). */
static unsigned long long around_pivot(const struct history_page *p, const struct position *a)
{
	if (!a->by_time)
		return a->seq;
	unsigned long long pivot = 0;
	for (size_t i = 0; i < p->n && p->items[i]->unix_ms <= a->unix_ms; i++)
		pivot = p->items[i]->seq;
	return pivot;
}

int history_page_select(struct history_page *p, const struct history_query *q)
{
	struct position a = position_of(p, &q->a);
	struct position b = position_of(p, &q->b);
	if (!a.found || (q->sel == HSEL_BETWEEN && !b.found)) {
		history_page_free(p);
		return 1;
	}
	if (!q->events)
		page_filter(p, keep_messages, NULL, NULL);
	bool backwards = false;
	unsigned long long pivot = 0;
	switch (q->sel) {
	case HSEL_LATEST:
		if (q->a.kind != HREF_NONE)
			page_filter(p, keep_after, &a, NULL);
		break;
	case HSEL_BEFORE:
		page_filter(p, keep_before, &a, NULL);
		break;
	case HSEL_AFTER:
		page_filter(p, keep_after, &a, NULL);
		break;
	case HSEL_AROUND:
		pivot = around_pivot(p, &a);
		break;
	case HSEL_BETWEEN:
		backwards = position_later(&a, &b);
		if (backwards)
			page_filter(p, keep_between, &b, &a);
		else
			page_filter(p, keep_between, &a, &b);
		break;
	}
	history_page_trim(p, q, backwards, pivot);
	return 0;
}
