/* history_range: see history_range.h. */
#include "history_range.h"

#include <string.h>

#include <limits.h>

/* t + 1 without overflow (a client may send any time). */
static long long time_after(long long t)
{
	return t == LLONG_MAX ? t : t + 1;
}

/* Sets r's start to pos: no reference starts at the newest (desc) or the
 * oldest (asc) end of the room. */
static void range_start(struct history_range *r, bool desc, const struct history_pos *pos,
			size_t limit)
{
	r->desc = desc;
	r->limit = limit;
	r->far_kind = HFAR_NONE;
	r->far = 0;
	r->by_time = pos->kind == HREF_TIME;
	if (pos->kind == HREF_NONE)
		r->near = desc ? LLONG_MAX : LLONG_MIN;
	else
		r->near = r->by_time ? pos->unix_ms : pos->seq;
}

/* Sets r's end to pos (none: no end). */
static void range_end(struct history_range *r, const struct history_pos *pos)
{
	if (pos->kind == HREF_NONE)
		return;
	r->far_kind = pos->kind == HREF_TIME ? HFAR_TIME : HFAR_SEQ;
	r->far = pos->kind == HREF_TIME ? pos->unix_ms : pos->seq;
}

/* Does BETWEEN a..b go from newer to older? Times decide unless both are
 * msgids (a msgid's position carries its message's time). */
static bool between_backwards(const struct history_pos *a, const struct history_pos *b)
{
	if (a->kind == HREF_NONE || b->kind == HREF_NONE)
		return false;
	if (a->kind == HREF_MSGID && b->kind == HREF_MSGID)
		return a->seq > b->seq;
	return a->unix_ms > b->unix_ms;
}

/* AROUND a: up to limit at or before a, up to limit after it. */
static void plan_around(const struct history_pos *a, size_t limit, struct history_plan *out)
{
	struct history_pos upto = *a;
	if (a->kind == HREF_TIME)
		upto.unix_ms = time_after(a->unix_ms);
	else if (a->kind == HREF_MSGID)
		upto.seq = a->seq + 1;
	range_start(&out->r[0], true, &upto, limit);
	range_start(&out->r[1], false, a, limit);
	out->n = a->kind == HREF_NONE ? 1 : 2; /* nothing to be around: the newest */
	out->pivot_by_time = a->kind == HREF_TIME;
	out->pivot = a->kind == HREF_TIME ? a->unix_ms : a->kind == HREF_MSGID ? a->seq : LLONG_MAX;
}

/* The ranges of q, before the filter on commands. */
static void plan_ranges(const struct history_query *q, const struct history_pos *a,
			const struct history_pos *b, struct history_plan *out)
{
	static const struct history_pos none = {.kind = HREF_NONE};
	*out = (struct history_plan){.n = 1};
	switch (q->sel) {
	case HSEL_LATEST:
		/* The newest, down to (not including) a when there is one; the
		 * walk is on a's key so that a time bound can stop it. */
		range_start(&out->r[0], true, &none, q->limit);
		out->r[0].by_time = a->kind == HREF_TIME;
		range_end(&out->r[0], a);
		return;
	case HSEL_BEFORE:
		range_start(&out->r[0], true, a, q->limit);
		return;
	case HSEL_AFTER:
		range_start(&out->r[0], false, a, q->limit);
		return;
	case HSEL_AROUND:
		plan_around(a, q->limit, out);
		return;
	case HSEL_BETWEEN:
		out->backwards = between_backwards(a, b);
		range_start(&out->r[0], out->backwards, a, q->limit);
		range_end(&out->r[0], b);
		return;
	}
}

void history_plan_make(const struct history_query *q, const struct history_pos *a,
		       const struct history_pos *b, struct history_plan *out)
{
	plan_ranges(q, a, b, out);
	for (size_t i = 0; i < out->n; i++)
		out->r[i].messages_only = !q->events;
}

bool history_range_match(const struct history_range *r, long long seq, long long unix_ms,
			 const char *command)
{
	if (r->messages_only && strcmp(command, "PRIVMSG") != 0 && strcmp(command, "NOTICE") != 0)
		return false;
	long long key = r->by_time ? unix_ms : seq;
	if (r->desc ? !(key < r->near) : !(key > r->near))
		return false;
	if (r->far_kind == HFAR_NONE)
		return true;
	long long fkey = r->far_kind == HFAR_TIME ? unix_ms : seq;
	return r->desc ? fkey > r->far : fkey < r->far;
}

unsigned long long history_plan_pivot(const struct history_plan *p,
				      const struct history_page *page)
{
	if (!p->pivot_by_time)
		return (unsigned long long)p->pivot;
	unsigned long long pivot = 0;
	for (size_t i = 0; i < page->n; i++)
		if (page->items[i]->unix_ms <= p->pivot && page->items[i]->seq > pivot)
			pivot = page->items[i]->seq;
	return pivot;
}
