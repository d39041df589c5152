/* textstyle: network text -> sanitised, styled wide characters. */
#include "textstyle.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define REPLACEMENT ((wchar_t)0xFFFD)

/* Makes room for n more cells, growing geometrically. */
static void styled_reserve(struct styled_text *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 16;

	if (t->len + n <= t->cap)
		return;
	while (cap < t->len + n)
		cap *= 2;
	t->cells = xrealloc(t->cells, cap * sizeof(*t->cells));
	t->cap = cap;
}

/* Appends a cell whose character is already sanitised. */
static void styled_push(struct styled_text *t, wchar_t c, uint8_t attrs, int8_t fg, int8_t bg)
{
	styled_reserve(t, 1);
	t->cells[t->len].ch = c;
	t->cells[t->len].attrs = attrs;
	t->cells[t->len].fg = fg;
	t->cells[t->len].bg = bg;
	t->len++;
}

/* Starts an empty text; nothing is allocated until the first append. */
void styled_init(struct styled_text *t)
{
	t->cells = NULL;
	t->len = 0;
	t->cap = 0;
}

/* Frees the cells and leaves t empty and reusable. */
void styled_free(struct styled_text *t)
{
	free(t->cells);
	styled_init(t);
}

/* Forgets the cells but keeps the storage for reuse. */
void styled_clear(struct styled_text *t)
{
	t->len = 0;
}

/* Gives back the room reserved past len (an empty text frees its cells). */
void styled_shrink(struct styled_text *t)
{
	if (t->len == t->cap)
		return;
	if (t->len == 0) {
		styled_free(t);
		return;
	}
	t->cells = xrealloc(t->cells, t->len * sizeof(*t->cells));
	t->cap = t->len;
}

/* Hands src's storage to dst without copying. */
void styled_move(struct styled_text *dst, struct styled_text *src)
{
	if (dst == src)
		return;
	free(dst->cells);
	*dst = *src;
	styled_init(src);
}

/* True for the invisible characters that reorder text (overrides, embeddings,
 * isolates, marks): a peer could use them to disguise what a line says. */
static bool text_is_bidi_control(wchar_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
	       c == 0x200F || c == 0x061C;
}

/* Maps every character to something safe to hand to the terminal. */
wchar_t text_sanitize(wchar_t c)
{
	if (c < 0 || c > 0x10FFFF)
		return REPLACEMENT;
	if (c < 0x20)
		return (wchar_t)(0x2400 + c); /* Control Pictures: U+2400 is NUL */
	if (c == 0x7F)
		return (wchar_t)0x2421; /* SYMBOL FOR DELETE */
	if (c < 0x7F)
		return c;
	if (c <= 0x9F)
		return REPLACEMENT; /* C1 controls, e.g. the one-byte CSI 0x9B */
	if (c >= 0xD800 && c <= 0xDFFF)
		return REPLACEMENT;
	if (text_is_bidi_control(c))
		return 0;
	if (wcwidth(c) < 0)
		return REPLACEMENT; /* unassigned, non-characters, separators */
	return c;
}

/* wcwidth, with the unprintable counted as the U+FFFD they are shown as. */
int text_width(wchar_t c)
{
	int w = wcwidth(c);

	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

/* Adds up the columns of every cell. */
size_t styled_width(const struct styled_text *t)
{
	size_t w = 0;

	for (size_t i = 0; i < t->len; i++)
		w += (size_t)text_width(t->cells[i].ch);
	return w;
}

/* Strict decoder: the second byte's range is narrowed per RFC 3629's table so
 * overlongs, surrogates and values above U+10FFFF are refused. */
size_t text_utf8_decode(const char *s, size_t len, wchar_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	wchar_t cp;

	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		*out = REPLACEMENT;
		return 1;
	}
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (len < 2 || p[1] < lo || p[1] > hi) {
		*out = REPLACEMENT;
		return 1;
	}
	for (size_t k = 1; k < n; k++) {
		if (k >= len || (p[k] & 0xC0) != 0x80) {
			*out = REPLACEMENT;
			return 1;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	*out = cp;
	return n;
}

/* Standard UTF-8 encoding; anything unencodable becomes U+FFFD. */
size_t text_utf8_encode(wchar_t c, char out[4])
{
	if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = REPLACEMENT;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Encodes into a buffer sized for the worst case (4 bytes a character). */
char *text_to_utf8(const wchar_t *s, size_t len)
{
	char *out = xmalloc(len * 4 + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += text_utf8_encode(s[i], out + n);
	out[n] = '\0';
	return out;
}

/* Encodes the characters only; attributes have no UTF-8 form. */
char *styled_to_utf8(const struct styled_text *t)
{
	char *out = xmalloc(t->len * 4 + 1);
	size_t n = 0;

	for (size_t i = 0; i < t->len; i++)
		n += text_utf8_encode(t->cells[i].ch, out + n);
	out[n] = '\0';
	return out;
}

/* Sanitises c and appends it unless it is to be removed. */
static void styled_put(struct styled_text *t, wchar_t c, uint8_t attrs, int8_t fg, int8_t bg)
{
	wchar_t shown = text_sanitize(c);

	if (shown != 0)
		styled_push(t, shown, attrs, fg, bg);
}

/* Appends one character of our own, sanitised like everything else. */
void styled_append_char(struct styled_text *t, wchar_t c, uint8_t attrs, int8_t fg)
{
	styled_put(t, c, attrs, fg, STYLE_COLOR_DEFAULT);
}

/* Copies cells that are sanitised already. */
void styled_append(struct styled_text *t, const struct styled_text *src)
{
	if (src->len == 0)
		return;
	styled_reserve(t, src->len);
	memcpy(t->cells + t->len, src->cells, src->len * sizeof(*src->cells));
	t->len += src->len;
}

/* Decodes and sanitises our own text with one style throughout. */
void styled_append_text(struct styled_text *t, const char *utf8, uint8_t attrs, int8_t fg)
{
	size_t len = strlen(utf8);
	size_t i = 0;

	while (i < len) {
		wchar_t c;

		i += text_utf8_decode(utf8 + i, len - i, &c);
		styled_put(t, c, attrs, fg, STYLE_COLOR_DEFAULT);
	}
}

/* An IRC colour number as a styled_char colour: the 16 base colours are kept;
 * 99 ("default") and the extended 16..98 give fallback instead. */
static int8_t irc_color(int n, int8_t fallback)
{
	return n >= 0 && n <= 15 ? (int8_t)n : fallback;
}

/* Reads one or two decimal digits at s[*i], advancing *i; -1 if none. */
static int irc_color_number(const char *s, size_t len, size_t *i)
{
	int n = -1;

	for (int k = 0; k < 2 && *i < len && s[*i] >= '0' && s[*i] <= '9'; k++) {
		n = (n < 0 ? 0 : n * 10) + (s[*i] - '0');
		(*i)++;
	}
	return n;
}

/* Walks the bytes once: formatting codes change the current style, all else
 * is decoded and sanitised into cells carrying that style. */
void styled_append_irc(struct styled_text *t, const char *utf8, size_t len, uint8_t base_attrs,
                       int8_t base_fg)
{
	uint8_t attrs = base_attrs;
	int8_t fg = base_fg, bg = STYLE_COLOR_DEFAULT;
	size_t i = 0;

	styled_reserve(t, len);
	while (i < len) {
		wchar_t c;
		int n;

		switch (utf8[i]) {
		case '\x02':
			attrs ^= STYLE_BOLD;
			i++;
			continue;
		case '\x1d':
			attrs ^= STYLE_ITALIC;
			i++;
			continue;
		case '\x1f':
			attrs ^= STYLE_UNDERLINE;
			i++;
			continue;
		case '\x1e':
			attrs ^= STYLE_STRIKE;
			i++;
			continue;
		case '\x16':
			attrs ^= STYLE_REVERSE;
			i++;
			continue;
		case '\x11': /* monospace: a terminal is monospace already */
			i++;
			continue;
		case '\x0f':
			attrs = base_attrs;
			fg = base_fg;
			bg = STYLE_COLOR_DEFAULT;
			i++;
			continue;
		case '\x03':
			i++;
			n = irc_color_number(utf8, len, &i);
			if (n < 0) {
				/* A bare \x03 (even before ",5") resets both colours. */
				fg = base_fg;
				bg = STYLE_COLOR_DEFAULT;
				continue;
			}
			fg = irc_color(n, base_fg);
			if (i + 1 < len && utf8[i] == ',' && utf8[i + 1] >= '0' &&
			    utf8[i + 1] <= '9') {
				i++;
				bg =
				    irc_color(irc_color_number(utf8, len, &i), STYLE_COLOR_DEFAULT);
			}
			continue;
		default:
			break;
		}
		i += text_utf8_decode(utf8 + i, len - i, &c);
		styled_put(t, c, attrs, fg, bg);
	}
}
