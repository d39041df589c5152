/* Unit tests for client/scrollback (ring and wrapping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scrollback.h"

/* A styled text from our own UTF-8. */
static struct styled_text text_of(const char *utf8)
{
	struct styled_text t;

	styled_init(&t);
	styled_append_text(&t, utf8, 0, -1);
	return t;
}

/* Adds a line of text to sb. */
static void add(struct scrollback *sb, const char *utf8)
{
	struct styled_text t = text_of(utf8);

	scrollback_add(sb, 0, SB_NORMAL, &t);
	assert_int_equal(t.len, 0);
	assert_null(t.cells);
}

/* The UTF-8 of cells [start, end) of t. */
static char *slice(const struct styled_text *t, size_t start, size_t end)
{
	struct styled_text part = {.cells = t->cells + start, .len = end - start, .cap = 0};

	return styled_to_utf8(&part);
}

/* Columns of cells [start, end). */
static size_t columns(const struct styled_text *t, size_t start, size_t end)
{
	size_t w = 0;

	for (size_t i = start; i < end; i++)
		w += (size_t)text_width(t->cells[i].ch);
	return w;
}

/* Wraps utf8 and expects exactly the given rows (NULL-terminated list). */
static void expect_wrap(const char *utf8, int width, int indent, const char *const *want)
{
	struct styled_text t = text_of(utf8);
	size_t starts[64], n, nwant = 0;

	while (want[nwant])
		nwant++;
	n = wrap_line(&t, width, indent, starts, 64);
	assert_int_equal(n, nwant);
	assert_int_equal(wrap_line(&t, width, indent, NULL, 0), n);
	for (size_t k = 0; k < n; k++) {
		size_t next = k + 1 < n ? starts[k + 1] : t.len;
		char *row = slice(&t, starts[k], wrap_row_end(&t, starts[k], next));

		assert_string_equal(row, want[k]);
		free(row);
	}
	styled_free(&t);
}

#define ROWS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Word wrapping at spaces, hard breaks for long words, indent. */
static void test_wrap_words(void **state)
{
	(void)state;
	expect_wrap("", 10, 2, ROWS(""));
	expect_wrap("hello", 10, 2, ROWS("hello"));
	expect_wrap("0123456789", 10, 2, ROWS("0123456789"));
	expect_wrap("hello world", 10, 0, ROWS("hello", "world"));
	/* the overflowing character is the space itself */
	expect_wrap("0123456789 abc", 10, 0, ROWS("0123456789", "abc"));
	/* continuation rows have indent columns less */
	expect_wrap("aaaa bbbb cccc dddd", 10, 4, ROWS("aaaa bbbb", "cccc", "dddd"));
	/* a long word is hard-broken */
	expect_wrap("abcdefghijklmnopqrstuvwxyz", 10, 2,
	            ROWS("abcdefghij", "klmnopqr", "stuvwxyz"));
	expect_wrap("hi abcdefghijklmnop", 10, 0, ROWS("hi", "abcdefghij", "klmnop"));
	/* several spaces: one is eaten at the break */
	expect_wrap("aaaa     bbbb", 6, 0, ROWS("aaaa  ", "  bbbb"));
	/* a trailing space that does not fit is not shown */
	expect_wrap("abc ", 3, 0, ROWS("abc"));
	/* width < 1 acts as 1; indent clamped */
	expect_wrap("abc", 0, 5, ROWS("a", "b", "c"));
	expect_wrap("abc", -4, -1, ROWS("a", "b", "c"));
	expect_wrap("abcdef", 3, 9, ROWS("abc", "d", "e", "f"));
}

/* Wide characters are never split; combining marks stay with their base. */
static void test_wrap_wide(void **state)
{
	(void)state;
	/* 5 CJK = 10 columns */
	expect_wrap("\xe4\xb8\x80\xe4\xb8\x81\xe4\xb8\x82\xe4\xb8\x83\xe4\xb8\x84", 5, 0,
	            ROWS("\xe4\xb8\x80\xe4\xb8\x81", "\xe4\xb8\x82\xe4\xb8\x83", "\xe4\xb8\x84"));
	/* 'a' + CJK: the second CJK would straddle column 4/5 of a 4-wide row */
	expect_wrap("a\xe4\xb8\x80\xe4\xb8\x81", 4, 0, ROWS("a\xe4\xb8\x80", "\xe4\xb8\x81"));
	/* a wide char in a one-column room still takes a row */
	expect_wrap("\xe4\xb8\x80\xe4\xb8\x81", 1, 0, ROWS("\xe4\xb8\x80", "\xe4\xb8\x81"));
	/* emoji */
	expect_wrap("ok \xf0\x9f\x98\x80\xf0\x9f\x98\x80", 4, 0,
	            ROWS("ok", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"));
	/* e + combining acute x 4 at width 3: the accent goes with its e */
	expect_wrap("e\xcc\x81"
	            "e\xcc\x81"
	            "e\xcc\x81"
	            "e\xcc\x81",
	            3, 0,
	            ROWS("e\xcc\x81"
	                 "e\xcc\x81"
	                 "e\xcc\x81",
	                 "e\xcc\x81"));
	/* mixed: space break before a wide word */
	expect_wrap("hi \xe4\xb8\x80\xe4\xb8\x81\xe4\xb8\x82", 6, 1,
	            ROWS("hi", "\xe4\xb8\x80\xe4\xb8\x81", "\xe4\xb8\x82"));
}

/* Invariants over many generated lines and widths. */
static void test_wrap_invariants(void **state)
{
	static const char *const pieces[] = {
	    "a", " ", "\xe4\xb8\xad", "e\xcc\x81", "\xf0\x9f\x98\x80", "word", "  "};
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 500; round++) {
		char buf[512] = "";
		struct styled_text t;
		int width, indent;
		size_t starts[512], n;

		for (int k = 0; k < 40; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(buf, pieces[(seed >> 16) % 7]);
		}
		t = text_of(buf);
		width = 1 + round % 13;
		indent = round % 5;
		n = wrap_line(&t, width, indent, starts, 512);
		assert_true(n >= 1);
		assert_int_equal(starts[0], 0);
		for (size_t k = 0; k < n; k++) {
			size_t next = k + 1 < n ? starts[k + 1] : t.len;
			size_t end = wrap_row_end(&t, starts[k], next);
			int eff_indent = indent > width - 1 ? width - 1 : indent;
			size_t room = (size_t)(k == 0 ? width : width - eff_indent);

			assert_true(next > starts[k] || (t.len == 0 && n == 1));
			/* fits, unless it is a single character */
			assert_true(columns(&t, starts[k], end) <= room || end - starts[k] == 1);
			/* only a space may be skipped between rows */
			assert_true(next - end <= 1);
			if (next > end)
				assert_int_equal(t.cells[end].ch, L' ');
			/* no row starts with a combining mark */
			if (starts[k] < t.len)
				assert_int_not_equal(text_width(t.cells[starts[k]].ch), 0);
		}
		styled_free(&t);
	}
}

/* The ring keeps the newest lines, in order; capacity rounds up. */
static void test_ring(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 5, 0); /* -> 8 */
	char buf[16];

	(void)state;
	assert_int_equal(scrollback_count(sb), 0);
	assert_null(scrollback_get(sb, 0));
	for (int i = 0; i < 20; i++) {
		struct styled_text t;

		snprintf(buf, sizeof(buf), "line %d", i);
		t = text_of(buf);
		scrollback_add(sb, 1000 + i, i % 2 ? SB_EVENT : SB_OWN, &t);
	}
	assert_int_equal(scrollback_count(sb), 8);
	assert_int_equal(scrollback_added(sb), 20);
	for (size_t i = 0; i < 8; i++) {
		const struct sb_line *line = scrollback_get(sb, i);
		char *s = styled_to_utf8(&line->text);

		snprintf(buf, sizeof(buf), "line %zu", i + 12);
		assert_string_equal(s, buf);
		assert_int_equal(line->unix_ms, 1000 + 12 + (long long)i);
		assert_int_equal(line->kind, (i + 12) % 2 ? SB_EVENT : SB_OWN);
		free(s);
	}
	assert_null(scrollback_get(sb, 8));
	scrollback_clear(sb);
	assert_int_equal(scrollback_count(sb), 0);
	assert_int_equal(scrollback_added(sb), 20);
	add(sb, "again");
	assert_int_equal(scrollback_count(sb), 1);
	scrollback_free(sb);

	sb = scrollback_new(NULL, 0, 0);
	for (int i = 0; i < SCROLLBACK_DEFAULT_LINES + 3; i++) {
		struct styled_text t = text_of("x");

		scrollback_add(sb, i, SB_NORMAL, &t);
	}
	assert_int_equal(scrollback_count(sb), SCROLLBACK_DEFAULT_LINES);
	for (size_t i = 0; i < SCROLLBACK_DEFAULT_LINES; i++) /* order kept as the ring grew */
		assert_int_equal(scrollback_get(sb, i)->unix_ms, 3 + (long long)i);
	scrollback_free(sb);
	scrollback_free(NULL);
}

/* Memory the held lines take, from their public fields: a line slot plus
 * its cells as allocated. Independent of scrollback's own accounting. */
static size_t held_bytes(const struct scrollback *sb)
{
	size_t bytes = 0;

	for (size_t i = 0; i < scrollback_count(sb); i++)
		bytes += sizeof(struct sb_line) +
		         scrollback_get(sb, i)->text.cap * sizeof(struct styled_char);
	return bytes;
}

/* A line as a hostile server can make it: every byte invalid UTF-8, so each
 * becomes a U+FFFD cell (8 bytes per byte received). */
static struct styled_text hostile_text(size_t nbytes)
{
	char *raw = malloc(nbytes);
	struct styled_text t;

	assert_non_null(raw);
	memset(raw, 0xFF, nbytes);
	styled_init(&t);
	styled_append_irc(&t, raw, nbytes, 0, STYLE_COLOR_DEFAULT);
	free(raw);
	return t;
}

/* Adds a hostile line of nbytes to sb. */
static void add_hostile(struct scrollback *sb, size_t nbytes)
{
	struct styled_text t = hostile_text(nbytes);

	scrollback_add(sb, 0, SB_NORMAL, &t);
	styled_free(&t);
}

/* Long lines are capped by bytes, not only by count: the default window
 * never holds more than 8 MiB of lines however long they are. */
static void test_long_lines_bounded(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 0, 0);

	(void)state;
	for (int i = 0; i < SCROLLBACK_DEFAULT_LINES; i++)
		add_hostile(sb, 1000);
	assert_true(held_bytes(sb) <= (size_t)8 << 20);
	assert_true(scrollback_count(sb) > 0);
	scrollback_free(sb);
}

/* Adds a copy of t to sb. */
static void add_copy(struct scrollback *sb, long long id, const struct styled_text *t)
{
	struct styled_text c;

	styled_init(&c);
	styled_append(&c, t);
	scrollback_add(sb, id, SB_NORMAL, &c);
}

/* scrollback_bytes is the sum of its lines' costs, which is at least what
 * they hold; lines are shrunk to fit; clear gives every byte back. */
static void test_bytes_accounting(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 16, 0);
	size_t sum = 0;

	(void)state;
	assert_int_equal(scrollback_bytes(sb), 0);
	add(sb, "");
	add(sb, "hello, world: a line of some length");
	add_hostile(sb, 300);
	for (size_t i = 0; i < scrollback_count(sb); i++) {
		const struct styled_text *t = &scrollback_get(sb, i)->text;

		assert_int_equal(t->cap, t->len);
		sum += scrollback_line_bytes(t);
	}
	assert_int_equal(scrollback_bytes(sb), sum);
	assert_true(sum >= held_bytes(sb));
	assert_true(scrollback_line_bytes(&scrollback_get(sb, 2)->text) >=
	            300 * sizeof(struct styled_char));
	scrollback_clear(sb);
	assert_int_equal(scrollback_bytes(sb), 0);
	scrollback_free(sb);
}

/* Past the byte cap the oldest lines go, in order, and the newest stays even
 * when it alone is over the cap. */
static void test_byte_cap(void **state)
{
	struct styled_text t = hostile_text(100);
	size_t line = 0, cap;
	struct scrollback *sb;

	(void)state;
	sb = scrollback_new(NULL, 1024, 0);
	add_copy(sb, 0, &t);
	line = scrollback_bytes(sb);
	scrollback_free(sb);

	cap = 10 * line + line / 2; /* room for 10 lines */
	sb = scrollback_new(NULL, 1024, cap);
	for (long long i = 0; i < 100; i++) {
		add_copy(sb, i, &t);
		assert_true(scrollback_bytes(sb) <= cap);
	}
	assert_int_equal(scrollback_count(sb), 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(scrollback_get(sb, i)->unix_ms, 90 + (long long)i);
	assert_int_equal(scrollback_added(sb), 100);

	styled_free(&t);
	t = hostile_text(2000); /* one line bigger than the whole cap */
	add_copy(sb, 100, &t);
	assert_int_equal(scrollback_count(sb), 1);
	assert_int_equal(scrollback_get(sb, 0)->unix_ms, 100);
	add(sb, "small");
	assert_int_equal(scrollback_count(sb), 1);
	assert_true(scrollback_bytes(sb) <= cap);
	styled_free(&t);
	scrollback_free(sb);
}

/* A flood into one window takes only that window's lines when the shared
 * budget runs out; quiet windows keep theirs. Clear and free give bytes back. */
static void test_budget_flood(void **state)
{
	struct styled_text t = hostile_text(500);
	struct scrollback_budget *b;
	struct scrollback *quiet, *flood, *other;
	size_t line, max;

	(void)state;
	b = scrollback_budget_new(0);
	quiet = scrollback_new(b, 0, 0);
	add_copy(quiet, 0, &t);
	line = scrollback_bytes(quiet);
	assert_int_equal(scrollback_budget_used(b), line);
	scrollback_free(quiet);
	assert_int_equal(scrollback_budget_used(b), 0);
	scrollback_budget_free(b);

	max = 50 * line; /* the budget: 50 lines; each window could hold 1000 */
	b = scrollback_budget_new(max);
	quiet = scrollback_new(b, 0, 1000 * line);
	flood = scrollback_new(b, 0, 1000 * line);
	other = scrollback_new(b, 0, 1000 * line);
	for (long long i = 0; i < 5; i++)
		add_copy(quiet, i, &t);
	for (long long i = 0; i < 3; i++)
		add_copy(other, i, &t);
	for (long long i = 0; i < 500; i++) {
		add_copy(flood, i, &t);
		assert_true(scrollback_budget_used(b) <= max);
		assert_int_equal(scrollback_budget_used(b), scrollback_bytes(quiet) +
		                                                scrollback_bytes(flood) +
		                                                scrollback_bytes(other));
	}
	assert_int_equal(scrollback_count(quiet), 5);
	assert_int_equal(scrollback_count(other), 3);
	assert_int_equal(scrollback_count(flood), 42);
	assert_int_equal(scrollback_get(flood, 0)->unix_ms, 500 - 42);

	/* Now quiet floods: flood is the biggest, so it pays until they are even;
	 * from then on a tie makes the window being added to pay. */
	for (long long i = 5; i < 40; i++)
		add_copy(quiet, i, &t);
	assert_int_equal(scrollback_count(quiet), 23);
	assert_int_equal(scrollback_count(flood), 24);
	assert_int_equal(scrollback_count(other), 3);
	assert_int_equal(scrollback_get(quiet, 0)->unix_ms, 40 - 23);

	scrollback_clear(flood);
	assert_int_equal(scrollback_budget_used(b),
	                 scrollback_bytes(quiet) + scrollback_bytes(other));
	scrollback_free(quiet);
	scrollback_free(flood);
	assert_int_equal(scrollback_budget_used(b), scrollback_bytes(other));
	scrollback_free(other);
	assert_int_equal(scrollback_budget_used(b), 0);
	scrollback_budget_free(b);
	styled_free(&t);
}

/* The attack: 100 windows (the most the client opens) of long hostile lines
 * stay within the default budget, each window keeping an even share. */
static void test_budget_hundred_windows(void **state)
{
	struct styled_text t = hostile_text(1000);
	struct scrollback_budget *b = scrollback_budget_new(0);
	struct scrollback *w[100];
	size_t least = (size_t)-1, most = 0;

	(void)state;
	for (size_t i = 0; i < 100; i++)
		w[i] = scrollback_new(b, 0, 0);
	for (long long n = 0; n < 200; n++) {
		for (size_t i = 0; i < 100; i++)
			add_copy(w[i], n, &t);
		assert_true(scrollback_budget_used(b) <= SCROLLBACK_BUDGET_DEFAULT_BYTES);
	}
	for (size_t i = 0; i < 100; i++) {
		size_t c = scrollback_count(w[i]);

		least = c < least ? c : least;
		most = c > most ? c : most;
		assert_int_equal(scrollback_get(w[i], c - 1)->unix_ms, 199);
	}
	assert_true(least >= 80); /* 64 MiB / 100 windows / ~8 KB a line */
	assert_true(most - least <= 1);
	for (size_t i = 0; i < 100; i++)
		scrollback_free(w[i]);
	scrollback_budget_free(b);
	styled_free(&t);
}

/* Reference: every row of every line, computed the slow way. */
static size_t all_rows(const struct scrollback *sb, int width, int indent, struct sb_row *out,
                       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < scrollback_count(sb); i++) {
		const struct styled_text *t = &scrollback_get(sb, i)->text;
		size_t starts[4096], k, r = wrap_line(t, width, indent, starts, 4096);

		for (k = 0; k < r && n < max; k++, n++) {
			size_t next = k + 1 < r ? starts[k + 1] : t->len;

			out[n].line = i;
			out[n].start = starts[k];
			out[n].end = wrap_row_end(t, starts[k], next);
			out[n].continuation = k > 0;
		}
	}
	return n;
}

/* Compares scrollback_visible with the reference window at many geometries. */
static void check_visible(const struct scrollback *sb, int width, int indent)
{
	static struct sb_row ref[20000];
	struct sb_row rows[64];
	size_t total = all_rows(sb, width, indent, ref, 20000);

	assert_int_equal(scrollback_total_rows(sb, width, indent), total);
	for (int height = 1; height <= 40; height += 7) {
		size_t maxs = scrollback_max_scroll(sb, width, indent, height);

		assert_int_equal(maxs, total > (size_t)height ? total - (size_t)height : 0);
		for (size_t scroll = 0; scroll <= maxs + 3; scroll += 1 + scroll / 3) {
			size_t used,
			    n = scrollback_visible(sb, width, indent, height, scroll, rows, &used);
			size_t s = scroll > maxs ? maxs : scroll;
			size_t want = total - s < (size_t)height ? total - s : (size_t)height;
			size_t top = total - s - want;

			assert_int_equal(used, s);
			assert_int_equal(n, want);
			for (size_t k = 0; k < n; k++) {
				assert_int_equal(rows[k].line, ref[top + k].line);
				assert_int_equal(rows[k].start, ref[top + k].start);
				assert_int_equal(rows[k].end, ref[top + k].end);
				assert_int_equal(rows[k].continuation, ref[top + k].continuation);
			}
		}
	}
}

/* Visible rows at various scroll positions, and again after a "resize". */
static void test_visible(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 64, 0);
	char buf[300];

	(void)state;
	for (int i = 0; i < 100; i++) {
		int words = 1 + (i * 7) % 23;

		buf[0] = '\0';
		for (int w = 0; w < words; w++)
			strcat(buf, w % 3 == 2 ? "\xe4\xb8\xad\xe6\x96\x87 " : "word ");
		if (i % 10 == 0)
			strcpy(buf, "");
		add(sb, buf);
	}
	for (int width = 1; width <= 90; width += 11)
		check_visible(sb, width, 4);
	check_visible(sb, 3, 2);
	check_visible(sb, 200, 0);
	scrollback_free(sb);
}

/* Hand-checked: bottom rows, scrolling up, clamping, short content. */
static void test_visible_by_hand(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 16, 0);
	struct sb_row rows[10];
	size_t n, used;

	(void)state;
	assert_int_equal(scrollback_visible(sb, 10, 2, 5, 0, rows, &used), 0);
	add(sb, "one");
	add(sb, "two three four"); /* width 10 indent 2: "two three" / "four" */
	add(sb, "five");

	n = scrollback_visible(sb, 10, 2, 10, 0, rows, &used);
	assert_int_equal(n, 4); /* all fits: fewer rows than height */
	assert_int_equal(used, 0);
	assert_int_equal(rows[0].line, 0);
	assert_int_equal(rows[1].line, 1);
	assert_false(rows[1].continuation);
	assert_int_equal(rows[1].end, 9);
	assert_int_equal(rows[2].line, 1);
	assert_true(rows[2].continuation);
	assert_int_equal(rows[2].start, 10);
	assert_int_equal(rows[2].end, 14);
	assert_int_equal(rows[3].line, 2);

	/* height 2 at the bottom: "four", "five" */
	n = scrollback_visible(sb, 10, 2, 2, 0, rows, &used);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].line, 1);
	assert_true(rows[0].continuation);
	assert_int_equal(rows[1].line, 2);
	/* scrolled up by one and by two; too far clamps to two */
	n = scrollback_visible(sb, 10, 2, 2, 1, rows, &used);
	assert_int_equal(rows[0].line, 1);
	assert_false(rows[0].continuation);
	assert_int_equal(rows[1].line, 1);
	assert_true(rows[1].continuation);
	n = scrollback_visible(sb, 10, 2, 2, 99, rows, &used);
	assert_int_equal(n, 2);
	assert_int_equal(used, 2);
	assert_int_equal(rows[0].line, 0);
	assert_int_equal(rows[1].line, 1);
	assert_int_equal(scrollback_max_scroll(sb, 10, 2, 2), 2);

	/* resize to 40 columns: every line is one row again */
	assert_int_equal(scrollback_total_rows(sb, 40, 2), 3);
	n = scrollback_visible(sb, 40, 2, 2, 99, rows, &used);
	assert_int_equal(used, 1);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].line, 0);
	assert_int_equal(rows[1].line, 1);
	assert_int_equal(rows[1].end, 14);

	assert_int_equal(scrollback_visible(sb, 40, 2, 0, 0, rows, NULL), 0);
	assert_int_equal(scrollback_visible(sb, 40, 2, -1, 0, rows, NULL), 0);
	scrollback_free(sb);
}

/* A full 4096-line buffer with long lines: redraws only wrap what they show. */
static void test_visible_big(void **state)
{
	struct scrollback *sb = scrollback_new(NULL, 4096, 0);
	struct sb_row rows[60];
	size_t used;

	(void)state;
	for (int i = 0; i < 5000; i++)
		add(sb, "a fairly long line of chat text that will wrap on a narrow terminal ok");
	for (int k = 0; k < 2000; k++)
		assert_int_equal(scrollback_visible(sb, 30, 6, 60, (size_t)k, rows, &used), 60);
	assert_int_equal(used, 1999);
	assert_int_equal(rows[59].line, 4096 - 1 - 1999 / 3);
	scrollback_free(sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wrap_words),
	    cmocka_unit_test(test_wrap_wide),
	    cmocka_unit_test(test_wrap_invariants),
	    cmocka_unit_test(test_ring),
	    cmocka_unit_test(test_long_lines_bounded),
	    cmocka_unit_test(test_bytes_accounting),
	    cmocka_unit_test(test_byte_cap),
	    cmocka_unit_test(test_budget_flood),
	    cmocka_unit_test(test_budget_hundred_windows),
	    cmocka_unit_test(test_visible),
	    cmocka_unit_test(test_visible_by_hand),
	    cmocka_unit_test(test_visible_big),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
