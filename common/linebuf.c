/* linebuf: framing of a byte stream into LF-terminated lines. */
#include "linebuf.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Storage grows at least to hold a maximal line plus its CR LF, so a line
 * that fits always fits whole; held bytes without LF that reach this size
 * are necessarily an overlong line. */
static size_t linebuf_line_max(const struct linebuf *lb)
{
	return lb->max_line + 2;
}

/* The storage a new or shrunk buffer starts with: one ordinary IRC line fits. */
static size_t linebuf_cap_initial(const struct linebuf *lb)
{
	return LINEBUF_INITIAL < lb->cap_limit ? LINEBUF_INITIAL : lb->cap_limit;
}

/* Sets up an empty buffer for lines of up to max_line bytes. Storage comes
 * with the first linebuf_space(). */
void linebuf_init(struct linebuf *lb, size_t max_line)
{
	lb->max_line = max_line;
	lb->cap_limit = max_line + 2;
	lb->filled = false;
	lb->cap = 0;
	lb->data = NULL;
	lb->start = 0;
	lb->len = 0;
	lb->discarding = false;
}

/* Releases the storage; the struct may be initialised again afterwards. */
void linebuf_free(struct linebuf *lb)
{
	free(lb->data);
	lb->data = NULL;
	lb->cap = 0;
	lb->start = 0;
	lb->len = 0;
	lb->discarding = false;
}

void linebuf_read_ahead(struct linebuf *lb, size_t bytes)
{
	lb->cap_limit = bytes > linebuf_line_max(lb) ? bytes : linebuf_line_max(lb);
}

/* Gives back storage while little is held (an idle connection): all of it
 * when nothing is held, else what grew past the initial size. */
void linebuf_shrink(struct linebuf *lb)
{
	if (lb->len == 0) {
		free(lb->data);
		lb->data = NULL;
		lb->cap = 0;
		lb->start = 0;
		return;
	}
	size_t initial = linebuf_cap_initial(lb);
	if (lb->cap <= initial || lb->len > initial)
		return;
	if (lb->len > 0)
		memmove(lb->data, lb->data + lb->start, lb->len);
	lb->start = 0;
	lb->data = xrealloc(lb->data, initial);
	lb->cap = initial;
}

/* Moves held bytes to the front first, so every free byte is usable by a read. */
char *linebuf_space(struct linebuf *lb, size_t *avail)
{
	if (lb->start > 0) {
		if (lb->len > 0)
			memmove(lb->data, lb->data + lb->start, lb->len);
		lb->start = 0;
	}
	if (lb->cap == 0) {
		lb->cap = linebuf_cap_initial(lb);
		lb->data = xmalloc(lb->cap);
	} else if ((lb->len == lb->cap || lb->filled) && lb->cap < lb->cap_limit) {
		lb->cap = lb->cap * 2 < lb->cap_limit ? lb->cap * 2 : lb->cap_limit;
		lb->data = xrealloc(lb->data, lb->cap);
	}
	lb->filled = false;
	*avail = lb->cap - lb->len;
	return lb->data + lb->len;
}

/* Accounts for bytes a read() placed at linebuf_space(). */
void linebuf_commit(struct linebuf *lb, size_t n)
{
	size_t room = lb->cap - lb->start - lb->len;

	/* A caller overstating n would make us read past the buffer. */
	if (n > room)
		n = room;
	/* Only with read-ahead: a full read then asks for more room. */
	lb->filled = n == room && lb->cap_limit > linebuf_line_max(lb);
	lb->len += n;
}

/* Drops the first n held bytes. */
static void linebuf_drop(struct linebuf *lb, size_t n)
{
	lb->start += n;
	lb->len -= n;
	if (lb->len == 0)
		lb->start = 0;
}

/* Finds the next complete line, skipping the tail of an overlong one first. */
enum linebuf_status linebuf_next(struct linebuf *lb, char **line, size_t *len)
{
	char *base, *lf;
	size_t n;

	for (;;) {
		if (lb->len == 0)
			return LINEBUF_NONE; /* nothing held (maybe no storage either) */
		base = lb->data + lb->start;
		lf = memchr(base, '\n', lb->len);

		if (lb->discarding) {
			if (!lf) {
				linebuf_drop(lb, lb->len);
				return LINEBUF_NONE;
			}
			linebuf_drop(lb, (size_t)(lf - base) + 1);
			lb->discarding = false;
			continue;
		}

		if (!lf) {
			if (lb->len < linebuf_line_max(lb))
				return LINEBUF_NONE; /* linebuf_space() makes room */
			/* Full without LF: too long whatever comes next. Its
			 * bytes go now; the rest is dropped as it arrives. */
			linebuf_drop(lb, lb->len);
			lb->discarding = true;
			return LINEBUF_TOO_LONG;
		}

		n = (size_t)(lf - base);
		linebuf_drop(lb, n + 1);
		if (n > 0 && base[n - 1] == '\r')
			n--;
		if (n > lb->max_line)
			return LINEBUF_TOO_LONG; /* its LF is already consumed */
		base[n] = '\0';
		*line = base;
		*len = n;
		return LINEBUF_LINE;
	}
}

/* An overlong line being skipped is unfinished too, though its bytes are gone. */
bool linebuf_pending(const struct linebuf *lb)
{
	return lb->len > 0 || lb->discarding;
}
