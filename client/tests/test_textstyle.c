/* Unit tests for client/textstyle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "textstyle.h"

/* Parses a literal as IRC text with default base style. */
static void parse(struct styled_text *t, const char *s, size_t len)
{
	styled_init(t);
	styled_append_irc(t, s, len, 0, STYLE_COLOR_DEFAULT);
}

#define PARSE(t, lit) parse((t), (lit), sizeof(lit) - 1)

/* Expects the characters of t, as UTF-8, to equal want. */
static void expect_utf8(const struct styled_text *t, const char *want)
{
	char *got = styled_to_utf8(t);

	assert_string_equal(got, want);
	free(got);
}

/* No cell may hold anything a terminal would act on. */
static void expect_safe(const struct styled_text *t)
{
	for (size_t i = 0; i < t->len; i++) {
		wchar_t c = t->cells[i].ch;

		assert_true(c >= 0x20);
		assert_true(c != 0x7F);
		assert_false(c >= 0x80 && c <= 0x9F);
		assert_false(c >= 0xD800 && c <= 0xDFFF);
		assert_false(c >= 0x202A && c <= 0x202E);
		assert_false(c >= 0x2066 && c <= 0x2069);
		assert_false(c == 0x200E || c == 0x200F || c == 0x061C);
		assert_true(c <= 0x10FFFF);
		assert_true(wcwidth(c) >= 0);
	}
}

/* Plain ASCII passes through with the base style. */
static void test_plain(void **state)
{
	struct styled_text t;

	(void)state;
	styled_init(&t);
	styled_append_irc(&t, "hi there", 8, STYLE_DIM, 3);
	expect_utf8(&t, "hi there");
	assert_int_equal(t.len, 8);
	for (size_t i = 0; i < t.len; i++) {
		assert_int_equal(t.cells[i].attrs, STYLE_DIM);
		assert_int_equal(t.cells[i].fg, 3);
		assert_int_equal(t.cells[i].bg, -1);
	}
	assert_int_equal(styled_width(&t), 8);
	styled_free(&t);
	assert_null(t.cells);
	assert_int_equal(t.len, 0);
}

/* Multi-byte UTF-8 becomes one cell per code point. */
static void test_utf8_decoding(void **state)
{
	struct styled_text t;

	(void)state;
	PARSE(&t, "h\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x98\x80");
	assert_int_equal(t.len, 5);
	assert_int_equal(t.cells[1].ch, 0xE9);
	assert_int_equal(t.cells[3].ch, 0x4E2D);
	assert_int_equal(t.cells[4].ch, 0x1F600);
	expect_utf8(&t, "h\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x98\x80");
	/* h, é, space: 1 each; CJK and emoji: 2 each. */
	assert_int_equal(styled_width(&t), 7);
	styled_free(&t);
}

/* Every invalid byte becomes one U+FFFD and decoding resumes after it. */
static void test_invalid_utf8(void **state)
{
	struct styled_text t;

	(void)state;
	/* stray continuation, overlong '/', truncated 3-byte, surrogate, > U+10FFFF,
	 * 0xFF, truncated at the very end */
	PARSE(&t, "a\x80"
	          "b\xc0\xaf"
	          "c\xe4\xb8"
	          "d\xed\xa0\x80"
	          "e\xf4\x90\x80\x80"
	          "f\xff"
	          "g\xe4");
	expect_safe(&t);
	expect_utf8(&t, "a\xef\xbf\xbd"
	                "b\xef\xbf\xbd\xef\xbf\xbd"
	                "c\xef\xbf\xbd\xef\xbf\xbd"
	                "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	                "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	                "f\xef\xbf\xbd"
	                "g\xef\xbf\xbd");
	styled_free(&t);
}

/* The decoder on its own: lengths and strictness at the boundaries. */
static void test_decode_encode(void **state)
{
	wchar_t c;
	char buf[4];

	(void)state;
	assert_int_equal(text_utf8_decode("\xf4\x8f\xbf\xbf", 4, &c), 4);
	assert_int_equal(c, 0x10FFFF);
	assert_int_equal(text_utf8_decode("\xf0\x8f\xbf\xbf", 4, &c), 1);
	assert_int_equal(c, 0xFFFD);
	assert_int_equal(text_utf8_decode("\xe0\x9f\xbf", 3, &c), 1);
	assert_int_equal(c, 0xFFFD);
	assert_int_equal(text_utf8_decode("\xef\xbf\xbf", 2, &c), 1); /* truncated by len */
	assert_int_equal(text_utf8_encode(0x20AC, buf), 3);
	assert_memory_equal(buf, "\xe2\x82\xac", 3);
	assert_int_equal(text_utf8_encode(0xD800, buf), 3);
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
	assert_int_equal(text_utf8_encode(0x1F600, buf), 4);
	assert_memory_equal(buf, "\xf0\x9f\x98\x80", 4);

	char *s = text_to_utf8(L"a\u00e9\u4e2d", 3);
	assert_string_equal(s, "a\xc3\xa9\xe4\xb8\xad");
	free(s);
}

/* C0 controls become Control Pictures, DEL its symbol, C1 U+FFFD. */
static void test_controls_visible(void **state)
{
	struct styled_text t;

	(void)state;
	PARSE(&t, "\x1b\x07\r\n\t\x01\x7f\xc2\x9b\xc2\x80");
	expect_safe(&t);
	assert_int_equal(t.len, 9);
	assert_int_equal(t.cells[0].ch, 0x241B);
	assert_int_equal(t.cells[1].ch, 0x2407);
	assert_int_equal(t.cells[2].ch, 0x240D);
	assert_int_equal(t.cells[3].ch, 0x240A);
	assert_int_equal(t.cells[4].ch, 0x2409);
	assert_int_equal(t.cells[5].ch, 0x2401);
	assert_int_equal(t.cells[6].ch, 0x2421);
	assert_int_equal(t.cells[7].ch, 0xFFFD);
	assert_int_equal(t.cells[8].ch, 0xFFFD);
	styled_free(&t);
}

/* A line built to attack the terminal comes out inert. */
static void test_hostile(void **state)
{
	static const char evil[] = "\x1b[2J\x1b]0;pwned\x07\x1b[10;10H\x1b[?1049h"
	                           "\x9b"
	                           "31m\xc2\x9b"
	                           "5A\xe2\x80\xaegnp.exe\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8f"
	                           "\x1bP+q\x1b\\\x08\x08\x08\x05\x00z";
	struct styled_text t;

	(void)state;
	parse(&t, evil, sizeof(evil) - 1);
	expect_safe(&t);
	char *s = styled_to_utf8(&t);
	/* ESC shown as U+241B; RLO, isolates and RLM gone; the NUL visible. */
	assert_non_null(strstr(s, "\xe2\x90\x9b[2J"));
	assert_non_null(strstr(s, "\xe2\x90\x9b]0;pwned\xe2\x90\x87"));
	assert_non_null(strstr(s, "\xef\xbf\xbd"
	                          "31m"));
	assert_non_null(strstr(s, "5Agnp.exex\xe2\x90\x9bP+q"));
	assert_non_null(strstr(s, "\xe2\x90\x88\xe2\x90\x88\xe2\x90\x88\xe2\x90\x85\xe2\x90\x80z"));
	assert_null(strstr(s, "\x1b"));
	free(s);
	styled_free(&t);

	/* Our own text is sanitised too. */
	styled_init(&t);
	styled_append_text(&t, "\x1b[31mred\xe2\x80\xae\x02", 0, -1);
	expect_safe(&t);
	expect_utf8(&t, "\xe2\x90\x9b[31mred\xe2\x90\x82");
	styled_free(&t);
}

/* Surrogates, non-characters and out-of-range values never get through. */
static void test_sanitize_codepoints(void **state)
{
	(void)state;
	assert_int_equal(text_sanitize(L'a'), L'a');
	assert_int_equal(text_sanitize(0), 0x2400);
	assert_int_equal(text_sanitize(0x1B), 0x241B);
	assert_int_equal(text_sanitize(0x7F), 0x2421);
	assert_int_equal(text_sanitize(0x85), 0xFFFD);
	assert_int_equal(text_sanitize(0xD800), 0xFFFD);
	assert_int_equal(text_sanitize(0xDFFF), 0xFFFD);
	assert_int_equal(text_sanitize(0xFFFF), 0xFFFD);
	assert_int_equal(text_sanitize(0x110000), 0xFFFD);
	assert_int_equal(text_sanitize(-5), 0xFFFD);
	assert_int_equal(text_sanitize(0x202E), 0);
	assert_int_equal(text_sanitize(0x2067), 0);
	assert_int_equal(text_sanitize(0x061C), 0);
	assert_int_equal(text_sanitize(0x200E), 0);
	assert_int_equal(text_sanitize(0x4E2D), 0x4E2D);
	assert_int_equal(text_sanitize(0x0301), 0x0301);
	assert_int_equal(text_sanitize(0x1F600), 0x1F600);
	/* U+2028 LINE SEPARATOR is not printable on a terminal row. */
	assert_true(text_sanitize(0x2028) == 0xFFFD || wcwidth(0x2028) >= 0);
}

/* The one width function: 0 for combining marks, 2 for wide characters. */
static void test_widths(void **state)
{
	struct styled_text t;

	(void)state;
	assert_int_equal(text_width(L'a'), 1);
	assert_int_equal(text_width(0x0301), 0); /* COMBINING ACUTE ACCENT */
	assert_int_equal(text_width(0x200B), 0); /* ZERO WIDTH SPACE */
	assert_int_equal(text_width(0x4E2D), 2);
	assert_int_equal(text_width(0xFF21), 2); /* fullwidth A */
	assert_int_equal(text_width(0x1F600), 2);
	assert_int_equal(text_width(0xFFFD), 1);
	assert_int_equal(text_width(0x241B), 1);
	assert_int_equal(text_width(0x1B), 1); /* unprintable: as its replacement */

	/* "e" + combining acute: two cells, one column. */
	PARSE(&t, "e\xcc\x81");
	assert_int_equal(t.len, 2);
	assert_int_equal(styled_width(&t), 1);
	styled_free(&t);
}

/* Bold, italic, underline, reverse, strike toggle; \x0f resets to the base. */
static void test_attributes(void **state)
{
	struct styled_text t;

	(void)state;
	styled_init(&t);
	styled_append_irc(&t,
	                  "a\x02"
	                  "b\x1d"
	                  "c\x1f"
	                  "d\x16"
	                  "e\x1e"
	                  "f\x02g\x0fh\x11i",
	                  17, STYLE_DIM, 5);
	expect_utf8(&t, "abcdefghi");
	assert_int_equal(t.cells[0].attrs, STYLE_DIM);
	assert_int_equal(t.cells[1].attrs, STYLE_DIM | STYLE_BOLD);
	assert_int_equal(t.cells[2].attrs, STYLE_DIM | STYLE_BOLD | STYLE_ITALIC);
	assert_int_equal(t.cells[3].attrs, STYLE_DIM | STYLE_BOLD | STYLE_ITALIC | STYLE_UNDERLINE);
	assert_int_equal(t.cells[4].attrs,
	                 STYLE_DIM | STYLE_BOLD | STYLE_ITALIC | STYLE_UNDERLINE | STYLE_REVERSE);
	assert_int_equal(t.cells[5].attrs, STYLE_DIM | STYLE_BOLD | STYLE_ITALIC | STYLE_UNDERLINE |
	                                       STYLE_REVERSE | STYLE_STRIKE);
	assert_int_equal(t.cells[6].attrs,
	                 STYLE_DIM | STYLE_ITALIC | STYLE_UNDERLINE | STYLE_REVERSE | STYLE_STRIKE);
	assert_int_equal(t.cells[7].attrs, STYLE_DIM);
	assert_int_equal(t.cells[7].fg, 5);
	assert_int_equal(t.cells[8].attrs, STYLE_DIM);
	styled_free(&t);
}

/* Colours: fg, fg+bg, two digits, \x03 alone, \x03,5, a trailing comma,
 * three digits, 99, out-of-palette numbers. */
static void test_colors(void **state)
{
	struct styled_text t;

	(void)state;
	PARSE(&t, "\x03"
	          "4r\x03"
	          "12,4b\x03x\x03,5y");
	expect_utf8(&t, "rbx,5y");
	assert_int_equal(t.cells[0].fg, 4);
	assert_int_equal(t.cells[0].bg, -1);
	assert_int_equal(t.cells[1].fg, 12);
	assert_int_equal(t.cells[1].bg, 4);
	assert_int_equal(t.cells[2].fg, -1); /* \x03 alone resets */
	assert_int_equal(t.cells[2].bg, -1);
	assert_int_equal(t.cells[3].fg, -1); /* ",5" is text */
	assert_int_equal(t.cells[4].fg, -1);
	styled_free(&t);

	PARSE(&t, "\x03"
	          "3,a\x03"
	          "045\x03"
	          "99,99z\x03"
	          "1,15w\x03"
	          "50q\x03"
	          "07,1\x03"
	          "2k\x0fn");
	expect_utf8(&t, ",a5zwqkn");
	assert_int_equal(t.cells[0].fg, 3); /* comma not followed by a digit is text */
	assert_int_equal(t.cells[0].bg, -1);
	assert_int_equal(t.cells[2].fg, 4);  /* "045": colour 04 then '5' */
	assert_int_equal(t.cells[3].fg, -1); /* 99 = default */
	assert_int_equal(t.cells[3].bg, -1);
	assert_int_equal(t.cells[4].fg, 1);
	assert_int_equal(t.cells[4].bg, 15);
	assert_int_equal(t.cells[5].fg, -1); /* 50: extended palette -> default */
	assert_int_equal(t.cells[6].fg, 2);  /* fg changes, bg kept */
	assert_int_equal(t.cells[6].bg, 1);
	assert_int_equal(t.cells[7].fg, -1);
	assert_int_equal(t.cells[7].bg, -1);
	styled_free(&t);

	/* Codes cut off at the end of the text. */
	PARSE(&t, "a\x03"
	          "1,");
	expect_utf8(&t, "a,");
	assert_int_equal(t.cells[1].fg, 1);
	styled_free(&t);
	PARSE(&t, "\x03");
	assert_int_equal(t.len, 0);
	styled_free(&t);

	/* A bare \x03, 99 and extended colours give the base colour. */
	styled_init(&t);
	styled_append_irc(&t,
	                  "\x03"
	                  "4a\x03"
	                  "b\x03"
	                  "4c\x03"
	                  "99,3d\x03"
	                  "70,80e",
	                  21, 0, 6);
	expect_utf8(&t, "abcde");
	assert_int_equal(t.cells[0].fg, 4);
	assert_int_equal(t.cells[1].fg, 6);
	assert_int_equal(t.cells[2].fg, 4);
	assert_int_equal(t.cells[3].fg, 6);
	assert_int_equal(t.cells[3].bg, 3);
	assert_int_equal(t.cells[4].fg, 6);
	assert_int_equal(t.cells[4].bg, -1);
	styled_free(&t);
}

/* Init/clear/move/append keep ownership straight (ASan checks the rest). */
static void test_ownership(void **state)
{
	struct styled_text a, b;

	(void)state;
	styled_init(&a);
	styled_init(&b);
	styled_append_text(&a, "hello", STYLE_BOLD, 2);
	styled_append_text(&b, "old", 0, -1);
	styled_move(&b, &a);
	assert_int_equal(a.len, 0);
	assert_null(a.cells);
	expect_utf8(&b, "hello");
	assert_int_equal(b.cells[0].attrs, STYLE_BOLD);
	assert_int_equal(b.cells[0].fg, 2);
	styled_append(&a, &b);
	styled_append(&a, &b);
	styled_append_char(&a, 0x202E, 0, -1); /* removed */
	styled_append_char(&a, 0x1B, 0, -1);   /* visible */
	expect_utf8(&a, "hellohello\xe2\x90\x9b");
	styled_clear(&a);
	assert_int_equal(a.len, 0);
	expect_utf8(&a, "");
	styled_append_text(&a, "x", 0, -1);
	expect_utf8(&a, "x");
	styled_move(&a, &a);
	expect_utf8(&a, "x");
	styled_free(&a);
	styled_free(&b);
	styled_free(&b);
}

/* Every byte value in every position: the output stays safe. */
static void test_all_bytes(void **state)
{
	char buf[3];
	struct styled_text t;

	(void)state;
	styled_init(&t);
	for (int a = 0; a < 256; a++) {
		for (int b = 0; b < 256; b++) {
			buf[0] = (char)a;
			buf[1] = (char)b;
			buf[2] = (char)0x80;
			styled_append_irc(&t, buf, 3, 0, -1);
		}
		expect_safe(&t);
		styled_clear(&t);
	}
	styled_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_utf8_decoding),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_decode_encode),
	    cmocka_unit_test(test_controls_visible),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_sanitize_codepoints),
	    cmocka_unit_test(test_widths),
	    cmocka_unit_test(test_attributes),
	    cmocka_unit_test(test_colors),
	    cmocka_unit_test(test_ownership),
	    cmocka_unit_test(test_all_bytes),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
