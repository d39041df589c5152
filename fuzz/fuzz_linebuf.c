/* fuzz_linebuf: stream framing under arbitrary read sizes, compared with a
 * reference framing of the same bytes done all at once.
 *
 * Input: byte 0 picks max_line, byte 1 how many of the following bytes are
 * chunk sizes (the "read() sizes", cycled); the rest is the stream. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "linebuf.h"
#include "xalloc.h"

/* One thing linebuf_next() reported: a line (with its bytes) or TOO_LONG. */
struct event {
	bool too_long;
	const uint8_t *line; /* into the stream, for the reference */
	size_t len;
};

/* The events of a whole stream, collected by the reference. */
struct events {
	struct event *ev;
	size_t n;
	size_t cap;
};

/* Appends an event. */
static void events_add(struct events *e, bool too_long, const uint8_t *line, size_t len)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->ev = xrealloc(e->ev, e->cap * sizeof(*e->ev));
	}
	e->ev[e->n].too_long = too_long;
	e->ev[e->n].line = line;
	e->ev[e->n].len = len;
	e->n++;
}

/* Reference framing, from linebuf.h's contract: split at every LF, drop one CR
 * before it, report a line over max_line once as too long. An unterminated
 * tail is reported as too long only once it cannot fit whatever follows (it
 * holds max_line + 2 bytes: even a CR LF next leaves max_line + 1). Returns
 * whether a tail is pending. */
static bool reference_frame(const uint8_t *s, size_t n, size_t max_line, struct events *e)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		size_t len = i - start;

		if (len > 0 && s[i - 1] == '\r')
			len--;
		if (len > max_line)
			events_add(e, true, NULL, 0);
		else
			events_add(e, false, s + start, len);
		start = i + 1;
	}
	if (n - start >= max_line + 2)
		events_add(e, true, NULL, 0);
	return n > start;
}

/* Takes out every complete line and checks each against the reference. */
static void drain(struct linebuf *lb, const struct events *want, size_t *seen)
{
	for (;;) {
		char *line = NULL;
		size_t len = 0;
		enum linebuf_status st = linebuf_next(lb, &line, &len);

		if (st == LINEBUF_NONE)
			return;
		FUZZ_CHECK(*seen < want->n);
		const struct event *ev = &want->ev[*seen];
		(*seen)++;
		if (st == LINEBUF_TOO_LONG) {
			FUZZ_CHECK(ev->too_long);
			continue;
		}
		FUZZ_CHECK(st == LINEBUF_LINE);
		FUZZ_CHECK(!ev->too_long);
		FUZZ_CHECK(len <= lb->max_line);
		FUZZ_CHECK(line[len] == '\0');
		FUZZ_CHECK(memchr(line, '\n', len) == NULL);
		FUZZ_CHECK(len == ev->len);
		FUZZ_CHECK(len == 0 || memcmp(line, ev->line, len) == 0);
	}
}

/* max_line from one byte: mostly small, so that overlong lines are common,
 * sometimes beyond LINEBUF_INITIAL so that the buffer has to grow. */
static size_t pick_max_line(uint8_t b)
{
	switch (b >> 6) {
	case 0:
	case 1:
		return b & 0x3f;
	case 2:
		return 510; /* IRC_LINE_MAX without CR LF */
	default:
		return LINEBUF_INITIAL - 8 + (size_t)(b & 0x3f) * 37;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	size_t max_line = pick_max_line(fuzz_byte(&in));
	uint8_t shape = fuzz_byte(&in);
	size_t nchunks = shape % 8;
	/* Bit 3: read-ahead storage past a maximal line (a client's or the
	 * benchmark's buffer); framing must not change with it. */
	size_t cap_limit = (shape & 8) ? max_line + 2 + (size_t)(shape >> 4) * 300 : max_line + 2;
	size_t chunks[8]; /* bytes, widened: gcc 12 -O3 misjudges a vectorised uint8_t loop */
	const uint8_t *stream;
	size_t stream_len, pos = 0, seen = 0, k = 0;
	struct events want = {0};
	struct linebuf lb;
	bool pending;

	for (size_t i = 0; i < nchunks; i++)
		chunks[i] = fuzz_byte(&in);
	stream = data + in.pos;
	stream_len = size - in.pos;
	pending = reference_frame(stream, stream_len, max_line, &want);

	linebuf_init(&lb, max_line);
	if (shape & 8)
		linebuf_read_ahead(&lb, cap_limit);
	while (pos < stream_len) {
		size_t avail;
		char *space = linebuf_space(&lb, &avail);
		/* Chunk byte 0 means "all that fits"; the low bit of a chunk
		 * byte also asks for a shrink, as an idle server would. */
		size_t want_n = nchunks ? chunks[k % nchunks] : 0;
		size_t n = want_n ? want_n : avail;

		FUZZ_CHECK(avail > 0);
		FUZZ_CHECK(lb.cap <= cap_limit);
		if (n > avail)
			n = avail;
		if (n > stream_len - pos)
			n = stream_len - pos;
		memcpy(space, stream + pos, n);
		linebuf_commit(&lb, n);
		pos += n;
		drain(&lb, &want, &seen);
		if (nchunks && (chunks[k % nchunks] & 1))
			linebuf_shrink(&lb);
		k++;
	}
	drain(&lb, &want, &seen);
	FUZZ_CHECK(seen == want.n);
	FUZZ_CHECK(linebuf_pending(&lb) == pending);
	linebuf_free(&lb);
	free(want.ev);
	return 0;
}
