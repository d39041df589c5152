/* fuzz_textstyle: the client's sanitiser. Whatever a peer sends, no cell may
 * hold a C0 or C1 control, DEL, a surrogate or a bidi control, and the UTF-8
 * decoder must agree with the reference one (fuzz_utf8_decode in fuzz.h).
 * The text, cut at LF into lines, also goes into three scrollbacks with tiny
 * line and byte caps under one tiny budget, whose bounds and accounting are
 * checked after every add.
 *
 * Input: byte 0 gives the base attributes and colour; the rest is the text as
 * it came from the network. */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "fuzz.h"
#include "scrollback.h"
#include "textstyle.h"
#include "utf8.h"
#include "xalloc.h"

#define STYLE_ALL                                                                                  \
	(STYLE_BOLD | STYLE_ITALIC | STYLE_UNDERLINE | STYLE_REVERSE | STYLE_STRIKE | STYLE_DIM)
#define REPLACEMENT 0xFFFD
#define SB_WINDOWS 3
#define SB_LINES 8
#define SB_BYTES 2048  /* ~250 cells: long lines meet it alone */
#define SB_BUDGET 4096 /* less than the windows' caps together */

/* The bidi controls textstyle.h promises to remove. */
static bool is_bidi_control(uint32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
	       c == 0x200F || c == 0x061C;
}

/* True when c may be sent to the terminal. */
static bool is_safe(wchar_t c)
{
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
		return false; /* C0, DEL, C1 */
	if (c >= 0xD800 && c <= 0xDFFF)
		return false;
	if (c > 0x10FFFF)
		return false;
	return !is_bidi_control((uint32_t)c);
}

/* Checks every cell of t and the text's UTF-8 form. */
static void check_cells(const struct styled_text *t, uint8_t base_attrs, bool base_colours)
{
	size_t width = 0;
	char *utf8;

	for (size_t i = 0; i < t->len; i++) {
		const struct styled_char *c = &t->cells[i];
		int w = text_width(c->ch);

		FUZZ_CHECK(is_safe(c->ch));
		FUZZ_CHECK(text_sanitize(c->ch) == c->ch); /* sanitising is idempotent */
		FUZZ_CHECK(w >= 0 && w <= 2);
		width += (size_t)w;
		FUZZ_CHECK((c->attrs & ~(STYLE_ALL | base_attrs)) == 0);
		if (base_colours) {
			FUZZ_CHECK(c->fg >= -1 && c->fg <= 15);
			FUZZ_CHECK(c->bg >= -1 && c->bg <= 15);
		}
	}
	FUZZ_CHECK(styled_width(t) == width);

	utf8 = styled_to_utf8(t);
	FUZZ_CHECK(utf8_valid(utf8, strlen(utf8)));
	for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7F);
		FUZZ_CHECK(!(p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)); /* C1 */
	}
	free(utf8);
}

/* text_utf8_decode at every offset against the reference decoder. */
static void check_decoder(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		wchar_t got = 0;
		uint32_t want = 0;
		size_t n = text_utf8_decode((const char *)s + i, len - i, &got);
		size_t ref = fuzz_utf8_decode(s + i, len - i, &want);

		if (ref == 0) {
			FUZZ_CHECK(n == 1 && got == REPLACEMENT);
		} else {
			FUZZ_CHECK(n == ref && (uint32_t)got == want);
		}
	}
}

/* Our own text (no IRC codes): each code point becomes what textstyle.h says. */
static void check_plain(const uint8_t *s, size_t len, struct styled_text *t)
{
	char *copy = xmalloc(len + 1);
	size_t i = 0, cell = 0;

	memcpy(copy, s, len);
	copy[len] = '\0';
	len = strlen(copy);
	styled_clear(t);
	styled_append_text(t, copy, STYLE_BOLD, 3);
	check_cells(t, STYLE_BOLD, true);
	while (i < len) {
		uint32_t cp;
		size_t n = fuzz_utf8_decode((const uint8_t *)copy + i, len - i, &cp);

		if (n == 0) {
			cp = REPLACEMENT;
			n = 1;
		}
		i += n;
		if (is_bidi_control(cp))
			continue; /* removed */
		FUZZ_CHECK(cell < t->len);
		wchar_t got = t->cells[cell++].ch;
		if (cp < 0x20)
			FUZZ_CHECK(got == (wchar_t)(0x2400 + cp)); /* Control Pictures */
		else if (cp == 0x7F)
			FUZZ_CHECK(got == 0x2421);
		else if (cp >= 0x80 && cp <= 0x9F)
			FUZZ_CHECK(got == REPLACEMENT);
		else
			FUZZ_CHECK(got == (wchar_t)cp ||
			           (got == REPLACEMENT && wcwidth((wchar_t)cp) < 0));
	}
	FUZZ_CHECK(cell == t->len);
	free(copy);
}

/* Encoding then decoding any wchar_t gives it back, or U+FFFD when it has no
 * UTF-8 form; text_sanitize never returns anything unsafe. */
static void check_code_point(uint32_t bits)
{
	wchar_t c = (wchar_t)bits;
	char out[4];
	wchar_t back = 0;
	size_t n = text_utf8_encode(c, out);
	wchar_t shown = text_sanitize(c);
	bool encodable = c >= 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);

	FUZZ_CHECK(n >= 1 && n <= 4);
	FUZZ_CHECK(utf8_valid(out, n));
	FUZZ_CHECK(text_utf8_decode(out, n, &back) == n);
	FUZZ_CHECK(back == (encodable ? c : REPLACEMENT));
	FUZZ_CHECK(shown == 0 ? is_bidi_control(bits) : is_safe(shown));
}

/* Accounting and bounds of window `added` (just added to) and the budget. */
static void check_scrollbacks(struct scrollback *const *w, size_t added,
                              const struct scrollback_budget *b)
{
	size_t used = 0, others = 0;

	for (size_t k = 0; k < SB_WINDOWS; k++) {
		size_t bytes = 0, n = scrollback_count(w[k]);

		FUZZ_CHECK(n <= SB_LINES);
		for (size_t i = 0; i < n; i++) {
			const struct styled_text *t = &scrollback_get(w[k], i)->text;

			FUZZ_CHECK(t->cap == t->len);
			bytes += scrollback_line_bytes(t);
		}
		FUZZ_CHECK(scrollback_bytes(w[k]) == bytes);
		FUZZ_CHECK(bytes <= SB_BYTES || n == 1);
		used += bytes;
		if (k != added)
			others += n;
	}
	FUZZ_CHECK(scrollback_budget_used(b) == used);
	FUZZ_CHECK(used <= SB_BUDGET || (others == 0 && scrollback_count(w[added]) == 1));
}

/* Every visible row lies inside its line, at a few geometries. */
static void check_rows(const struct scrollback *sb)
{
	struct sb_row rows[6];
	size_t used = 0;

	for (int width = 1; width <= 21; width += 10) {
		size_t n = scrollback_visible(sb, width, 2, 6, 3, rows, &used);

		FUZZ_CHECK(n <= 6);
		for (size_t i = 0; i < n; i++) {
			const struct sb_line *l = scrollback_get(sb, rows[i].line);

			FUZZ_CHECK(l != NULL);
			FUZZ_CHECK(rows[i].start <= rows[i].end && rows[i].end <= l->text.len);
		}
	}
}

/* The text cut at LF into lines, each to the window its first byte picks. */
static void check_scrollback(const uint8_t *s, size_t len)
{
	struct scrollback_budget *b = scrollback_budget_new(SB_BUDGET);
	struct scrollback *w[SB_WINDOWS];
	size_t start = 0;

	for (size_t k = 0; k < SB_WINDOWS; k++)
		w[k] = scrollback_new(b, SB_LINES, SB_BYTES);
	while (start < len) {
		const uint8_t *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t k = s[start] % SB_WINDOWS, cells;
		struct styled_text t;

		styled_init(&t);
		styled_append_irc(&t, (const char *)s + start, end - start, 0, STYLE_COLOR_DEFAULT);
		cells = t.len;
		scrollback_add(w[k], (long long)start, SB_NORMAL, &t);
		FUZZ_CHECK(t.len == 0 && t.cells == NULL);
		FUZZ_CHECK(scrollback_count(w[k]) >= 1);
		FUZZ_CHECK(scrollback_get(w[k], scrollback_count(w[k]) - 1)->text.len == cells);
		check_scrollbacks(w, k, b);
		check_rows(w[k]);
		start = end + 1;
	}
	for (size_t k = 0; k < SB_WINDOWS; k++)
		scrollback_free(w[k]);
	FUZZ_CHECK(scrollback_budget_used(b) == 0);
	scrollback_budget_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fuzz_input in = {data, size, 0};
	uint8_t b = fuzz_byte(&in);
	uint8_t base_attrs = b & STYLE_ALL;
	int8_t base_fg = (int8_t)((b >> 4) % 17 - 1); /* -1..15 */
	const uint8_t *text = data + in.pos;
	size_t len = size - in.pos;
	struct styled_text t, u;

	if (!ready) { /* text_width needs a UTF-8 locale, as in the client */
		setlocale(LC_ALL, "C.UTF-8");
		ready = true;
	}
	styled_init(&t);
	styled_init(&u);

	styled_append_irc(&t, (const char *)text, len, base_attrs, base_fg);
	FUZZ_CHECK(t.len <= len);
	check_cells(&t, base_attrs, true);

	/* Appending and moving keep the cells as they are. */
	styled_append(&u, &t);
	styled_append_irc(&u, (const char *)text, len / 2, 0, STYLE_COLOR_DEFAULT);
	check_cells(&u, base_attrs, true);
	styled_move(&t, &u);
	FUZZ_CHECK(u.len == 0 && u.cells == NULL);

	check_decoder(text, len);
	check_scrollback(text, len);
	check_plain(text, len, &t);
	for (size_t i = 0; i + 4 <= len && i < 64; i += 4)
		check_code_point((uint32_t)text[i] | (uint32_t)text[i + 1] << 8 |
		                 (uint32_t)text[i + 2] << 16 | (uint32_t)text[i + 3] << 24);
	if (len >= 3)
		check_code_point((uint32_t)(text[0] | text[1] << 8 | text[2] << 16) % 0x110000);

	styled_free(&t);
	styled_free(&u);
	return 0;
}
