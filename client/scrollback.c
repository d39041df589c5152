/* scrollback: a power-of-two ring of logical lines under a line cap and a
 * byte cap, sharing a byte budget with the other windows; wrapped on demand. */
#include "scrollback.h"

#include <stdlib.h>

#include "xalloc.h"

#define SB_FIRST_SLOTS 64    /* the ring starts this small and doubles */
#define SB_ALLOC_OVERHEAD 16 /* malloc's header per block (glibc, 64-bit) */

struct scrollback {
	struct sb_line *lines; /* slots entries; the oldest held is at head */
	size_t slots;          /* a power of two, <= max_lines */
	size_t max_lines;      /* a power of two */
	size_t max_bytes;
	size_t head;
	size_t count;
	size_t bytes; /* sum of scrollback_line_bytes() of the held lines */
	unsigned long long added;
	struct scrollback_budget *budget; /* NULL: none */
	struct scrollback *prev, *next;   /* the budget's list */
};

struct scrollback_budget {
	size_t max_bytes;
	size_t used;             /* sum of the members' bytes */
	struct scrollback *head; /* members, oldest made first */
	struct scrollback *tail;
};

/* Creates an empty budget. */
struct scrollback_budget *scrollback_budget_new(size_t max_bytes)
{
	struct scrollback_budget *b = xcalloc(1, sizeof(*b));

	b->max_bytes = max_bytes ? max_bytes : SCROLLBACK_BUDGET_DEFAULT_BYTES;
	return b;
}

/* Frees a budget that has no scrollbacks left. */
void scrollback_budget_free(struct scrollback_budget *b)
{
	if (!b)
		return;
	if (b->head) /* a member would point at freed memory */
		abort();
	free(b);
}

/* Bytes held by all members. */
size_t scrollback_budget_used(const struct scrollback_budget *b)
{
	return b->used;
}

/* Creates an empty ring of at least capacity lines, allocated lazily. */
struct scrollback *scrollback_new(struct scrollback_budget *b, size_t capacity, size_t max_bytes)
{
	struct scrollback *sb = xcalloc(1, sizeof(*sb));
	size_t cap = 1;

	if (capacity == 0)
		capacity = SCROLLBACK_DEFAULT_LINES;
	while (cap < capacity)
		cap *= 2;
	sb->max_lines = cap;
	sb->slots = cap < SB_FIRST_SLOTS ? cap : SB_FIRST_SLOTS;
	sb->lines = xcalloc(sb->slots, sizeof(*sb->lines));
	sb->max_bytes = max_bytes ? max_bytes : SCROLLBACK_DEFAULT_BYTES;
	sb->budget = b;
	if (b) {
		sb->prev = b->tail;
		if (b->tail)
			b->tail->next = sb;
		else
			b->head = sb;
		b->tail = sb;
	}
	return sb;
}

/* Frees every line and the ring, and leaves the budget. */
void scrollback_free(struct scrollback *sb)
{
	struct scrollback_budget *b;

	if (!sb)
		return;
	scrollback_clear(sb);
	b = sb->budget;
	if (b) {
		if (sb->prev)
			sb->prev->next = sb->next;
		else
			b->head = sb->next;
		if (sb->next)
			sb->next->prev = sb->prev;
		else
			b->tail = sb->prev;
	}
	free(sb->lines);
	free(sb);
}

/* A held line's cost: its slot plus its cells as allocated. */
size_t scrollback_line_bytes(const struct styled_text *t)
{
	size_t bytes = sizeof(struct sb_line);

	if (t->cap > 0)
		bytes += SB_ALLOC_OVERHEAD + t->cap * sizeof(*t->cells);
	return bytes;
}

/* Slot of line i (0 = oldest held). */
static struct sb_line *scrollback_slot(const struct scrollback *sb, size_t i)
{
	return &sb->lines[(sb->head + i) & (sb->slots - 1)];
}

/* Frees the oldest line and takes its bytes off sb and the budget. */
static void scrollback_drop_oldest(struct scrollback *sb)
{
	struct sb_line *line = scrollback_slot(sb, 0);
	size_t bytes = scrollback_line_bytes(&line->text);

	styled_free(&line->text);
	sb->head = (sb->head + 1) & (sb->slots - 1);
	sb->count--;
	sb->bytes -= bytes;
	if (sb->budget)
		sb->budget->used -= bytes;
}

/* Doubles the ring (up to max_lines), the oldest line moving to slot 0. */
static void scrollback_grow(struct scrollback *sb)
{
	struct sb_line *lines = xcalloc(sb->slots * 2, sizeof(*lines));

	for (size_t i = 0; i < sb->count; i++)
		lines[i] = *scrollback_slot(sb, i);
	free(sb->lines);
	sb->lines = lines;
	sb->slots *= 2;
	sb->head = 0;
}

/* The member to lose a line for the budget: the one holding the most bytes
 * with a line it may lose (adder's newest line stays); on a tie the adder,
 * whose add caused the eviction, else the one made first. NULL when none. */
static struct scrollback *scrollback_budget_victim(struct scrollback_budget *b,
                                                   struct scrollback *adder)
{
	struct scrollback *best = adder->count > 1 ? adder : NULL;

	for (struct scrollback *m = b->head; m; m = m->next) {
		if (m != adder && m->count > 0 && (!best || m->bytes > best->bytes))
			best = m;
	}
	return best;
}

/* Appends a line, then drops oldest lines past the caps and the budget. */
void scrollback_add(struct scrollback *sb, long long unix_ms, int kind, struct styled_text *text)
{
	struct sb_line *line;
	size_t bytes;

	if (sb->count == sb->slots && sb->slots < sb->max_lines)
		scrollback_grow(sb);
	if (sb->count == sb->slots)
		scrollback_drop_oldest(sb);
	line = scrollback_slot(sb, sb->count);
	line->unix_ms = unix_ms;
	line->kind = kind;
	styled_init(&line->text);
	styled_move(&line->text, text);
	styled_shrink(&line->text);
	bytes = scrollback_line_bytes(&line->text);
	sb->count++;
	sb->added++;
	sb->bytes += bytes;
	if (sb->budget)
		sb->budget->used += bytes;

	while (sb->bytes > sb->max_bytes && sb->count > 1)
		scrollback_drop_oldest(sb);
	while (sb->budget && sb->budget->used > sb->budget->max_bytes) {
		struct scrollback *victim = scrollback_budget_victim(sb->budget, sb);

		if (!victim)
			break;
		scrollback_drop_oldest(victim);
	}
}

/* Lines held. */
size_t scrollback_count(const struct scrollback *sb)
{
	return sb->count;
}

/* Bytes the held lines take. */
size_t scrollback_bytes(const struct scrollback *sb)
{
	return sb->bytes;
}

/* Lines ever added. */
unsigned long long scrollback_added(const struct scrollback *sb)
{
	return sb->added;
}

/* Line i counted from the oldest held. */
const struct sb_line *scrollback_get(const struct scrollback *sb, size_t i)
{
	if (i >= sb->count)
		return NULL;
	return scrollback_slot(sb, i);
}

/* Frees every line; the ring stays allocated. */
void scrollback_clear(struct scrollback *sb)
{
	while (sb->count > 0)
		scrollback_drop_oldest(sb);
	sb->head = 0;
}

/* Where the row starting at start ends and the next begins, in a room of
 * room columns: after the last space that fits (the space is eaten), else
 * before the first character that does not fit, but never before taking one
 * character. Zero-width characters never overflow, so they stay with their
 * base. Returns t->len when the rest fits. */
static size_t wrap_next(const struct styled_text *t, size_t start, size_t room)
{
	size_t col = 0, space = start;

	for (size_t i = start; i < t->len; i++) {
		wchar_t c = t->cells[i].ch;
		size_t w = (size_t)text_width(c);

		if (col + w > room) {
			if (i == start)
				return i + 1;
			if (c == L' ')
				return i + 1;
			if (space > start)
				return space + 1;
			return i;
		}
		if (c == L' ')
			space = i;
		col += w;
	}
	return t->len;
}

/* Clamps the geometry the way the header promises. */
static void wrap_geometry(int *width, int *indent)
{
	if (*width < 1)
		*width = 1;
	if (*indent < 0)
		*indent = 0;
	if (*indent > *width - 1)
		*indent = *width - 1;
}

/* Splits t into rows: the first gets width columns, the others width - indent. */
size_t wrap_line(const struct styled_text *t, int width, int indent, size_t *starts, size_t max)
{
	size_t rows = 0, start = 0;

	wrap_geometry(&width, &indent);
	for (;;) {
		size_t room = (size_t)(rows == 0 ? width : width - indent);
		size_t next;

		if (rows < max)
			starts[rows] = start;
		rows++;
		next = wrap_next(t, start, room);
		if (next >= t->len)
			return rows;
		start = next;
	}
}

/* A row ending on a space ended at a soft break (or on an invisible trailing
 * space): that space is not drawn. */
size_t wrap_row_end(const struct styled_text *t, size_t start, size_t next_start)
{
	if (next_start > t->len)
		next_start = t->len;
	if (next_start > start && t->cells[next_start - 1].ch == L' ')
		return next_start - 1;
	return next_start;
}

/* Sums every held line's rows. */
size_t scrollback_total_rows(const struct scrollback *sb, int width, int indent)
{
	size_t total = 0;

	for (size_t i = 0; i < sb->count; i++)
		total += wrap_line(&scrollback_slot(sb, i)->text, width, indent, NULL, 0);
	return total;
}

/* How far up the view can go and still fill the screen. */
size_t scrollback_max_scroll(const struct scrollback *sb, int width, int indent, int height)
{
	size_t total = scrollback_total_rows(sb, width, indent);

	if (height < 0)
		height = 0;
	return total > (size_t)height ? total - (size_t)height : 0;
}

/* Walks back from the newest line until scroll + height rows are known (or
 * the lines run out, which also fixes the clamp), then wraps those lines
 * again, oldest first, emitting the rows that fall in the window. */
size_t scrollback_visible(const struct scrollback *sb, int width, int indent, int height,
                          size_t scroll, struct sb_row *rows, size_t *scroll_used)
{
	size_t want, acc = 0, first = sb->count, n, top, bottom, seg = 0, filled = 0;
	size_t *counts, *starts = NULL, starts_cap = 0;

	if (scroll_used)
		*scroll_used = 0;
	if (height <= 0 || sb->count == 0)
		return 0;
	want = scroll + (size_t)height;
	if (want < scroll)
		want = (size_t)-1; /* overflow: scroll is absurdly large */
	counts = xmalloc(sb->count * sizeof(*counts));
	while (first > 0 && acc < want) {
		first--;
		counts[first] =
		    wrap_line(&scrollback_slot(sb, first)->text, width, indent, NULL, 0);
		acc += counts[first];
	}
	if (acc < want) /* every line walked: the top of the text limits scroll */
		scroll = acc > (size_t)height ? acc - (size_t)height : 0;
	n = acc - scroll < (size_t)height ? acc - scroll : (size_t)height;
	bottom = acc - scroll; /* rows numbered from the first row of line `first` */
	top = bottom - n;

	for (size_t i = first; i < sb->count && seg < bottom; i++) {
		const struct styled_text *t = &scrollback_slot(sb, i)->text;
		size_t k;

		if (seg + counts[i] <= top) {
			seg += counts[i];
			continue;
		}
		if (counts[i] > starts_cap) {
			starts_cap = counts[i];
			starts = xrealloc(starts, starts_cap * sizeof(*starts));
		}
		wrap_line(t, width, indent, starts, counts[i]);
		for (k = 0; k < counts[i]; k++, seg++) {
			size_t next = k + 1 < counts[i] ? starts[k + 1] : t->len;

			if (seg < top || seg >= bottom)
				continue;
			rows[filled].line = i;
			rows[filled].start = starts[k];
			rows[filled].end = wrap_row_end(t, starts[k], next);
			rows[filled].continuation = k > 0;
			filled++;
		}
	}
	free(starts);
	free(counts);
	if (scroll_used)
		*scroll_used = scroll;
	return filled;
}
