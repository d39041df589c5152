/* textstyle: network text -> sanitised, styled wide characters.
 *
 * Everything shown on the terminal goes through here, so this is where the
 * client's security rule lives: nothing a peer sends reaches the terminal as a
 * control sequence. UTF-8 is decoded (invalid bytes -> U+FFFD); IRC formatting
 * codes become attributes; every other C0 control is shown as its Control
 * Picture (ESC -> U+241B, DEL -> U+2421); C1 controls, surrogates and
 * unprintable code points -> U+FFFD; bidi overrides/embeddings/isolates/marks
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) are removed.
 * A styled_text therefore never holds a character below U+0020, DEL or C1.
 *
 * text_width() is THE width function: wrapping, the editor's view and the UI's
 * cursor placement all use it, so they agree with each other. It relies on
 * wcwidth(), so the program must have called setlocale(LC_ALL, "") with a
 * UTF-8 locale (tests use "C.UTF-8"). */
#ifndef PARLEY_TEXTSTYLE_H
#define PARLEY_TEXTSTYLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Bits of styled_char.attrs. */
#define STYLE_BOLD 0x01
#define STYLE_ITALIC 0x02
#define STYLE_UNDERLINE 0x04
#define STYLE_REVERSE 0x08
#define STYLE_STRIKE 0x10
#define STYLE_DIM 0x20

/* Colours: -1 is the terminal's default, 0..15 the IRC palette (0 white,
 * 1 black, 2 blue, 3 green, 4 red, 5 brown, 6 magenta, 7 orange, 8 yellow,
 * 9 light green, 10 cyan, 11 light cyan, 12 light blue, 13 pink, 14 grey,
 * 15 light grey). IRC's 99 ("default") and extended colours 16..98 are
 * taken as the base colour given to styled_append_irc (default for bg). */
#define STYLE_COLOR_DEFAULT (-1)

/* One character cell as it will be drawn (a wide character is one cell here
 * and two columns on screen; a combining mark is a cell of width 0). */
struct styled_char {
	wchar_t ch;    /* always printable (see above) */
	uint8_t attrs; /* STYLE_* bits */
	int8_t fg;     /* -1 or 0..15 */
	int8_t bg;     /* -1 or 0..15 */
};

/* A growable run of cells. The fields are public for reading (the UI draws
 * cells[0..len)); change them only through the functions below. */
struct styled_text {
	struct styled_char *cells;
	size_t len;
	size_t cap;
};

/* Makes t empty without allocating. */
void styled_init(struct styled_text *t);

/* Releases t's storage; t is empty (and reusable) afterwards. */
void styled_free(struct styled_text *t);

/* Empties t, keeping its storage. */
void styled_clear(struct styled_text *t);

/* Releases the room reserved for appending (cap becomes len): for text that
 * is kept a long time, such as scrollback lines. */
void styled_shrink(struct styled_text *t);

/* Moves src's contents into dst (dst's old contents are freed); src is left
 * empty. */
void styled_move(struct styled_text *dst, struct styled_text *src);

/* Appends utf8[0..len) received from the network: IRC codes are interpreted
 * (\x02 bold, \x03 colour fg[,bg] of 1-2 digits each (\x03 with no digits
 * resets both colours; "\x03,5" is a colour reset followed by the text ",5"),
 * \x0f reset to base, \x11 monospace ignored, \x16 reverse, \x1d italic,
 * \x1e strike, \x1f underline) and everything is sanitised. Styles start from
 * (base_attrs, base_fg, default bg) and end with the call. NUL bytes, if any,
 * are shown like the other C0 controls. */
void styled_append_irc(struct styled_text *t, const char *utf8, size_t len, uint8_t base_attrs,
                       int8_t base_fg);

/* Appends our own NUL-terminated text with fixed attrs/fg (default bg): no IRC
 * codes are interpreted, but the text is sanitised all the same. */
void styled_append_text(struct styled_text *t, const char *utf8, uint8_t attrs, int8_t fg);

/* Appends one character, sanitised (a removed bidi control appends nothing). */
void styled_append_char(struct styled_text *t, wchar_t c, uint8_t attrs, int8_t fg);

/* Appends a copy of src's cells. */
void styled_append(struct styled_text *t, const struct styled_text *src);

/* Columns the terminal uses for c: 0 (combining marks, zero-width chars),
 * 1 or 2 (East Asian wide, most emoji). Characters wcwidth() calls
 * unprintable count as 1, the width of the U+FFFD that replaces them. */
int text_width(wchar_t c);

/* Sum of text_width() over all cells. */
size_t styled_width(const struct styled_text *t);

/* The cells' characters as a malloc'd NUL-terminated UTF-8 string (styles are
 * dropped). For tests and logging. */
char *styled_to_utf8(const struct styled_text *t);

/* What a character becomes when shown: c itself when printable, its Control
 * Picture for C0 and DEL, U+FFFD for C1/surrogates/unprintables/out of range,
 * or 0 for a bidi control that must be removed. */
wchar_t text_sanitize(wchar_t c);

/* Decodes one code point from s[0..len) (len >= 1). Returns the number of
 * bytes used (>= 1); *out is the code point, or U+FFFD for an invalid or
 * truncated sequence (then exactly one byte is used, so decoding resumes at
 * the next byte). Strict RFC 3629: overlongs and surrogates are invalid. */
size_t text_utf8_decode(const char *s, size_t len, wchar_t *out);

/* Encodes c as UTF-8 into out (4 bytes of room); returns the byte count.
 * Invalid code points are written as U+FFFD. */
size_t text_utf8_encode(wchar_t c, char out[4]);

/* s[0..len) as a malloc'd NUL-terminated UTF-8 string. */
char *text_to_utf8(const wchar_t *s, size_t len);

#endif
