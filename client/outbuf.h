/* outbuf: the client's outbound queue of whole IRC lines (pure: no I/O, no
 * clock of its own, no locking; struct net guards it with its mutex).
 *
 * The UI thread appends lines; the network thread takes the bytes to write
 * with outbuf_next() and reports what the socket accepted with
 * outbuf_wrote(). A line that was partly written is always finished before
 * any other starts, so lines are never cut or glued together.
 *
 * Two classes of line:
 * - OUTBUF_NORMAL: what the user typed, registration, PONG. Sent in order.
 * - OUTBUF_AUTO: automatic replies (CTCP). Sent only when no normal line is
 *   waiting and the estimate of the server's flood budget keeps a reserve
 *   for the user after it; otherwise dropped and counted. They never delay
 *   a normal line.
 *
 * The flood estimate is a token bucket with parleyd's default flood control
 * (5 lines/s, burst 20): every line sent takes a token when there is one. It
 * is an estimate, only used to decide whether an automatic reply can go
 * without the server holding back the user's next lines because of it.
 *
 * Bounded: at most lines_max lines and bytes_max bytes (normal and automatic
 * together), and at most OUTBUF_AUTO_MAX automatic lines. */
#ifndef PARLEY_OUTBUF_H
#define PARLEY_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "ircmsg.h"

#define OUTBUF_LINES_MAX 256                          /* lines waiting */
#define OUTBUF_BYTES_MAX (64 * 1024)                  /* bytes waiting */
#define OUTBUF_LINE_MAX (IRC_TAGS_MAX + IRC_LINE_MAX) /* one line, CR LF included */
#define OUTBUF_AUTO_MAX 4                             /* automatic lines waiting */
#define OUTBUF_FLOOD_RATE 5.0                         /* lines/s: parleyd's default flood control */
#define OUTBUF_FLOOD_BURST 20.0                       /* ... and its burst */
#define OUTBUF_FLOOD_RESERVE 10.0 /* tokens an automatic line must leave for the user */

enum outbuf_class {
	OUTBUF_NORMAL,
	OUTBUF_AUTO,
};

enum outbuf_result {
	OUTBUF_OK,
	OUTBUF_FULL,    /* a limit would be passed: nothing queued */
	OUTBUF_INVALID, /* CR, LF or NUL in the line, or too long: nothing queued */
	OUTBUF_DROPPED, /* an automatic line that would delay the user's: counted */
};

struct outbuf;

/* An empty queue with these limits; the flood estimate starts full. */
struct outbuf *outbuf_new(size_t lines_max, size_t bytes_max, long long now_ms);
void outbuf_free(struct outbuf *ob);

/* Appends line (without CR LF; they are added). */
enum outbuf_result outbuf_push(struct outbuf *ob, enum outbuf_class cls, const char *line,
                               long long now_ms);

/* Appends n normal lines as one unit (a batch): all of them, or none when
 * one is invalid (OUTBUF_INVALID) or together they would pass a limit
 * (OUTBUF_FULL), so a batch is never half queued. */
enum outbuf_result outbuf_push_all(struct outbuf *ob, const char *const *lines, size_t n,
                                   long long now_ms);

/* The bytes to write next, *len of them: the rest of the line being
 * written, else the next line that may go now. NULL when nothing may go.
 * The pointer stays valid until the next outbuf_next, outbuf_wrote,
 * outbuf_reset or outbuf_free (outbuf_push does not move it), so a caller
 * that holds a lock around these calls may write without holding it. */
const char *outbuf_next(struct outbuf *ob, long long now_ms, size_t *len);

/* n bytes (at most *len) of what outbuf_next returned were written. */
void outbuf_wrote(struct outbuf *ob, size_t n, long long now_ms);

/* Lines waiting, a partly written one included. */
size_t outbuf_lines(const struct outbuf *ob);

/* Bytes waiting. */
size_t outbuf_bytes(const struct outbuf *ob);

/* How long the queue has been waiting without a byte written: 0 when it is
 * empty, else the time since the last write or since it stopped being
 * empty, whichever is later. */
long long outbuf_stalled_ms(const struct outbuf *ob, long long now_ms);

/* Automatic lines dropped so far (never reset). */
unsigned long long outbuf_dropped(const struct outbuf *ob);

/* Empties the queue for a new connection (and fills the flood estimate).
 * Returns how many normal lines were waiting: they were never sent whole. */
size_t outbuf_reset(struct outbuf *ob, long long now_ms);

#endif
