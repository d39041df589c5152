/* multiline: IRCv3 draft/multiline for the client (pure: no I/O).
 *
 * Three pure parts: the capability's value ("max-bytes=4096,max-lines=24")
 * read into limits; a confirmed paste cut into the pieces of one or more
 * batches that keep within them (a line longer than one IRC line becomes
 * several pieces, the later ones "concat": they continue the line before);
 * and a received batch put back together as lines, bounded.
 *
 * The server may be hostile: its limits are taken only when they parse and
 * are clamped to ours (MULTILINE_SEND_*), and a received batch holds at
 * most MULTILINE_RECV_LINES_MAX lines and MULTILINE_RECV_BYTES_MAX bytes
 * (what passes that is cut, and the caller says so). */
#ifndef PARLEY_MULTILINE_H
#define PARLEY_MULTILINE_H

#include <stdbool.h>
#include <stddef.h>

#define MULTILINE_SEND_BYTES_MAX 16384 /* we send no batch larger, whatever the server allows */
#define MULTILINE_SEND_BYTES_MIN 64    /* a max-bytes below this: the cap is not used */
#define MULTILINE_SEND_LINES_MAX 100   /* ... nor more lines in one batch */
#define MULTILINE_LINES_DEFAULT 24     /* max-lines not given (the spec sets none) */
#define MULTILINE_RECV_LINES_MAX 100   /* lines of one received batch shown as a block */
#define MULTILINE_RECV_BYTES_MAX (64 * 1024) /* ... and its bytes */

struct multiline_limits {
	size_t max_bytes; /* text bytes of a batch, one per line break included */
	size_t max_lines; /* messages (PRIVMSG lines) of a batch */
};

/* Reads the capability's value. False (and *out unchanged) when it is
 * missing, malformed or max-bytes is missing or below
 * MULTILINE_SEND_BYTES_MIN: the capability is then not to be used. */
bool multiline_parse_cap(const char *value, struct multiline_limits *out);

/* One message of a batch to send: a piece of a pasted line. */
struct multiline_piece {
	const char *text; /* points into the caller's lines; not NUL-terminated */
	size_t len;
	bool concat; /* continues the piece before (draft/multiline-concat) */
	bool opens;  /* the first piece of a batch */
};

/* Cuts lines (UTF-8, no line breaks) into pieces of at most chunk bytes
 * (cut at character boundaries) grouped into batches within lim. Blank
 * lines at the start or end of a batch are left out (a batch of blank
 * lines only is invalid); blank lines between others are kept. Returns the
 * pieces (malloc'd, free() them; NULL when there are none) and their
 * number in *n. */
struct multiline_piece *multiline_split(const char *const *lines, size_t nlines,
                                        const struct multiline_limits *lim, size_t chunk,
                                        size_t *n);

/* A received batch being put back together. */
struct multiline_msg {
	char **lines; /* concatenated pieces joined (malloc'd) */
	size_t n;
	size_t bytes; /* text bytes held */
	bool cut;     /* a piece did not fit the bounds: left out */
};

/* Adds a received piece (concat: joined to the line before; a first piece
 * with concat starts a line). False when it would pass a bound: then
 * nothing is added and m->cut is set. */
bool multiline_msg_add(struct multiline_msg *m, const char *text, bool concat);

/* Frees the lines and empties m. */
void multiline_msg_free(struct multiline_msg *m);

#endif
