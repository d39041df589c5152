/* linebuf: framing of a byte stream into lines.
 *
 * One read() is never one line: bytes are appended to a bounded buffer and
 * complete lines are taken out as they appear. A line ends in LF; a CR right
 * before the LF is dropped. A line longer than max_line bytes (not counting
 * its terminator) is reported once as LINEBUF_TOO_LONG and every byte up to and
 * including its LF is discarded, so the stream stays in step.
 * No I/O happens here: the caller reads into linebuf_space() and commits.
 *
 * Storage starts small and grows only as needed: for a line that does not
 * fit yet, and, with linebuf_read_ahead(), while reads keep filling all the
 * space given (a busy peer), so one read() takes many lines. Without it a
 * reader takes about 1 KiB of ordinary lines per read(): the server relies
 * on that pace for a client that sends commands faster than it reads the
 * replies (tests/integration/test_worker_writes.py). */
#ifndef PARLEY_LINEBUF_H
#define PARLEY_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINEBUF_INITIAL 1024

/* 32-bit sizes: a buffer is a few KiB (read-ahead: 64 KiB), and the server
 * has one per connection. */
struct linebuf {
	char *data;         /* cap bytes (NULL while 0), growing up to cap_limit */
	uint32_t cap;
	uint32_t max_line;  /* longest line accepted, without CR LF */
	uint32_t cap_limit; /* max_line + 2, or more with linebuf_read_ahead() */
	uint32_t start;     /* first unconsumed byte */
	uint32_t len;       /* bytes stored after start */
	bool discarding;    /* inside an overlong line, dropping until LF */
	bool filled;        /* with read-ahead: the last read took all the space */
};

enum linebuf_status {
	LINEBUF_NONE,     /* no complete line yet */
	LINEBUF_LINE,     /* *line and *len hold one line, NUL-terminated in place */
	LINEBUF_TOO_LONG, /* an overlong line was seen; its rest will be dropped */
};

void linebuf_init(struct linebuf *lb, size_t max_line);

/* Lets storage grow up to bytes (when more than a maximal line) while reads
 * fill it: fewer, larger reads from a busy peer. linebuf_shrink() still
 * gives it back when idle. */
void linebuf_read_ahead(struct linebuf *lb, size_t bytes);
void linebuf_free(struct linebuf *lb);

/* Where the next read() may write, and how many bytes fit (always > 0 after
 * linebuf_next() has returned LINEBUF_NONE). */
char *linebuf_space(struct linebuf *lb, size_t *avail);

/* Gives back storage if the buffer holds little (call when idle): all of it
 * when it holds nothing, so an idle connection costs no buffer. */
void linebuf_shrink(struct linebuf *lb);

/* Records that n bytes were written at linebuf_space(). */
void linebuf_commit(struct linebuf *lb, size_t n);

/* Takes the next line out. The returned line stays valid until the next call
 * to linebuf_space() or linebuf_next(). The line may contain NUL bytes: len is
 * authoritative. */
enum linebuf_status linebuf_next(struct linebuf *lb, char **line, size_t *len);

/* True when bytes of an unfinished line are held (used to notice a peer that
 * disconnects mid-line). */
bool linebuf_pending(const struct linebuf *lb);

#endif
