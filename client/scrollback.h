/* scrollback: the lines of one window, and how they wrap.
 *
 * An opaque power-of-two ring of logical lines (time, kind, styled text),
 * bounded twice: by a count of lines and by the bytes they take. Adding
 * drops the oldest lines while either is exceeded, but never the line just
 * added. The bytes of a line (scrollback_line_bytes) are its slot plus its
 * cells as allocated (a cell is 8 bytes per character, so a byte count of
 * the text received would undercount eightfold); the cells are shrunk to fit
 * when a line is added, and the ring grows only as lines arrive.
 *
 * Scrollbacks made with one struct scrollback_budget also share a total:
 * when an add takes the total past it, the oldest lines of the scrollback
 * that holds the most bytes go first (ties: the one being added to, else
 * the one made first). So a flood into one window pays for itself, and quiet
 * windows (a private talk from yesterday) keep their lines; dropping the
 * globally oldest lines instead would let a flood anywhere erase exactly
 * those. Only logical lines are stored, so a resize simply wraps them again
 * for the new width. Lines leave only from the top (oldest), so a view
 * measured in rows from the bottom stays where it is; line indices shift
 * down, so they are valid only until the next add or clear (of any
 * scrollback sharing the budget).
 *
 * Wrapping (wrap_line) breaks at the last space that fits (that space is not
 * shown), otherwise hard-breaks; a wide character is never split and a
 * zero-width character (combining mark) stays on its base's row.
 * Continuation rows have `indent` columns less room: the UI draws them
 * indented by that much. indent is clamped to 0..width-1 and width < 1 is
 * taken as 1. A row always holds at least one character, so in a room of one
 * column a wide character overflows it (the UI clips). */
#ifndef PARLEY_SCROLLBACK_H
#define PARLEY_SCROLLBACK_H

#include <stdbool.h>
#include <stddef.h>

#include "textstyle.h"

#define SCROLLBACK_DEFAULT_LINES 4096
/* Per window: 4096 ordinary lines (~80 characters, ~700 bytes each) take
 * about 3 MiB, so only lines of ~250+ characters on average ever meet it. */
#define SCROLLBACK_DEFAULT_BYTES ((size_t)8 << 20)
/* All windows: 8 windows at their cap, or ~20 windows full of ordinary
 * lines; without it 100 windows of hostile long lines take ~3.6 GB. */
#define SCROLLBACK_BUDGET_DEFAULT_BYTES ((size_t)64 << 20)

/* What a line is, for its colouring and for activity in the status line. */
enum sb_kind {
	SB_NORMAL,  /* someone's message */
	SB_OWN,     /* our own message */
	SB_MENTION, /* a message that mentions us (highlighted, bell) */
	SB_EVENT,   /* joins/parts/quits/nick changes (dim) */
	SB_ERROR,   /* errors (connection lost, nick taken, ...) */
	SB_INFO,    /* client and server information */
};

struct sb_line {
	long long unix_ms; /* when it was said (server-time when given) */
	int kind;          /* enum sb_kind */
	struct styled_text text;
};

/* One screen row: cells [start, end) of line number `line` (as for
 * scrollback_get). continuation rows are to be drawn indented. */
struct sb_row {
	size_t line;
	size_t start;
	size_t end;
	bool continuation;
};

struct scrollback;
struct scrollback_budget;

/* A shared total of max_bytes (0: SCROLLBACK_BUDGET_DEFAULT_BYTES). */
struct scrollback_budget *scrollback_budget_new(size_t max_bytes);

/* Frees the budget; every scrollback made with it must be freed first. */
void scrollback_budget_free(struct scrollback_budget *b);

/* Bytes the lines of all its scrollbacks take now. */
size_t scrollback_budget_used(const struct scrollback_budget *b);

/* An empty scrollback keeping the newest `capacity` lines (rounded up to a
 * power of two; 0 means SCROLLBACK_DEFAULT_LINES) and at most max_bytes of
 * them (0 means SCROLLBACK_DEFAULT_BYTES), sharing budget b (may be NULL). */
struct scrollback *scrollback_new(struct scrollback_budget *b, size_t capacity, size_t max_bytes);

/* Frees the lines (giving their bytes back to the budget) and sb. */
void scrollback_free(struct scrollback *sb);

/* Adds a line; text's contents are moved in (text is left empty). Then drops
 * the oldest lines of sb past its caps, and of the budget's biggest
 * scrollbacks while the budget is exceeded; the new line always stays. */
void scrollback_add(struct scrollback *sb, long long unix_ms, int kind, struct styled_text *text);

/* Lines held (at most the capacity). */
size_t scrollback_count(const struct scrollback *sb);

/* Bytes the held lines take: the sum of scrollback_line_bytes(). */
size_t scrollback_bytes(const struct scrollback *sb);

/* What a held line with text t costs: its slot, and its cells with the
 * allocator's header when it has any. */
size_t scrollback_line_bytes(const struct styled_text *t);

/* Lines ever added (not reduced by dropping or clearing): lets the UI tell
 * how many arrived since it last looked. */
unsigned long long scrollback_added(const struct scrollback *sb);

/* Line i, 0 being the oldest held; NULL when i >= count. Valid until the next
 * add or clear of any scrollback sharing sb's budget. */
const struct sb_line *scrollback_get(const struct scrollback *sb, size_t i);

/* Drops every line (/clear). */
void scrollback_clear(struct scrollback *sb);

/* Wraps t into rows for the given width and continuation indent. Writes the
 * first cell index of up to max rows into starts (starts may be NULL when max
 * is 0) and returns the number of rows (>= 1; an empty line is one row).
 * Row k ends where the next starts, less the one space a soft break eats; use
 * wrap_row_end() to get it. */
size_t wrap_line(const struct styled_text *t, int width, int indent, size_t *starts, size_t max);

/* The end (exclusive) of the row that starts at `start`, given the start of
 * the next row (or t->len for the last row): excludes the space eaten by a
 * soft break. */
size_t wrap_row_end(const struct styled_text *t, size_t start, size_t next_start);

/* Rows all held lines take at this width. O(lines): for scroll limits, not
 * for every redraw. */
size_t scrollback_total_rows(const struct scrollback *sb, int width, int indent);

/* The largest useful scroll for a screen of height rows: total rows minus
 * height, or 0. */
size_t scrollback_max_scroll(const struct scrollback *sb, int width, int indent, int height);

/* Fills rows[0..n) with the screen rows, top to bottom, when the view is
 * scrolled up by `scroll` rows from the bottom (0 = following the newest
 * line). scroll is clamped to scrollback_max_scroll(); the clamped value is
 * stored in *scroll_used if that is not NULL. Returns n (<= height). n is
 * less than height only when all the text fits on the screen; the UI then
 * draws the rows BOTTOM-aligned (the newest row just above the status line),
 * as irssi does. Walks back from the newest line only as far as needed. */
size_t scrollback_visible(const struct scrollback *sb, int width, int indent, int height,
                          size_t scroll, struct sb_row *rows, size_t *scroll_used);

#endif
