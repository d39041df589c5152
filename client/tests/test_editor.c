/* Unit tests for client/editor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "editor.h"

/* Expects the line to read want (a wide literal) with the cursor at cursor. */
static void expect_line(const struct editor *e, const wchar_t *want, size_t cursor)
{
	size_t len;
	const wchar_t *text = editor_text(e, &len);

	assert_int_equal(len, wcslen(want));
	assert_memory_equal(text, want, len * sizeof(wchar_t));
	assert_int_equal(editor_cursor(e), cursor);
}

/* Types a wide string key by key. */
static void type(struct editor *e, const wchar_t *s)
{
	for (; *s; s++)
		assert_true(editor_insert(e, *s));
}

/* Takes the line and expects it to be want (or NULL). */
static void expect_take(struct editor *e, const char *want)
{
	char *line = editor_take_line(e);

	if (!want) {
		assert_null(line);
		return;
	}
	assert_non_null(line);
	assert_string_equal(line, want);
	free(line);
}

/* Typing, moving, deleting in the middle. */
static void test_basic_editing(void **state)
{
	struct editor *e = editor_new(10);

	(void)state;
	assert_true(editor_is_empty(e));
	type(e, L"helo");
	editor_left(e);
	type(e, L"l");
	expect_line(e, L"hello", 4);
	editor_home(e);
	editor_left(e); /* stays */
	editor_delete(e);
	expect_line(e, L"ello", 0);
	editor_backspace(e); /* nothing before */
	editor_end(e);
	editor_right(e);  /* stays */
	editor_delete(e); /* nothing under */
	editor_backspace(e);
	expect_line(e, L"ell", 3);
	assert_false(editor_is_empty(e));
	expect_take(e, "ell");
	expect_line(e, L"", 0);
	expect_take(e, NULL);
	editor_free(e);
}

/* Wide and combining characters are single characters to edit. */
static void test_wide_editing(void **state)
{
	struct editor *e = editor_new(10);

	(void)state;
	type(e, L"\u4e2d\u6587\U0001F600e\u0301");
	expect_line(e, L"\u4e2d\u6587\U0001F600e\u0301", 5);
	editor_left(e);
	editor_left(e);
	editor_left(e);
	type(e, L"x");
	expect_line(e, L"\u4e2d\u6587x\U0001F600e\u0301", 3);
	editor_backspace(e);
	editor_backspace(e);
	expect_line(e, L"\u4e2d\U0001F600e\u0301", 1);
	editor_delete(e);
	expect_line(e, L"\u4e2de\u0301", 1);
	expect_take(e, "\xe4\xb8\xad"
	               "e\xcc\x81");
	editor_free(e);
}

/* Pastes: UTF-8 decoded, invalid bytes -> U+FFFD, controls dropped. */
static void test_insert_utf8(void **state)
{
	struct editor *e = editor_new(0);

	(void)state;
	type(e, L"[]");
	editor_left(e);
	assert_true(
	    editor_insert_utf8(e, "a\xc3\xa9\r\n\tb\x1b[2J\xff\xe4\xb8\xad\xe2\x80\xae\xc2\x9b"));
	expect_line(e, L"[a\u00e9b[2J\ufffd\u4e2d]", 9);
	/* Typed control characters are dropped too (but accepted). */
	assert_true(editor_insert(e, 0x1B));
	assert_true(editor_insert(e, 0x7F));
	assert_true(editor_insert(e, 0x9B));
	assert_true(editor_insert(e, 0x202E));
	assert_true(editor_insert(e, 0xD800));
	expect_line(e, L"[a\u00e9b[2J\ufffd\u4e2d\ufffd]", 10);
	editor_free(e);
}

/* The line is bounded: inserting past the limit is refused. */
static void test_length_limit(void **state)
{
	struct editor *e = editor_new(0);
	char *big = malloc(EDITOR_MAX_CHARS + 11);
	size_t len;

	(void)state;
	memset(big, 'a', EDITOR_MAX_CHARS - 1);
	big[EDITOR_MAX_CHARS - 1] = '\0';
	assert_true(editor_insert_utf8(e, big));
	assert_true(editor_insert(e, L'b'));
	assert_false(editor_insert(e, L'c'));
	editor_text(e, &len);
	assert_int_equal(len, EDITOR_MAX_CHARS);
	editor_clear(e);
	memset(big, 'z', EDITOR_MAX_CHARS + 10);
	big[EDITOR_MAX_CHARS + 10] = '\0';
	assert_false(editor_insert_utf8(e, big));
	editor_text(e, &len);
	assert_int_equal(len, EDITOR_MAX_CHARS);
	assert_int_equal(editor_cursor(e), EDITOR_MAX_CHARS);
	free(big);
	editor_free(e);
}

/* Ctrl-U, Ctrl-K, Ctrl-W (over several spaces), and Ctrl-Y. */
static void test_kills(void **state)
{
	struct editor *e = editor_new(0);

	(void)state;
	type(e, L"one two   three");
	editor_kill_word_back(e);
	expect_line(e, L"one two   ", 10);
	editor_kill_word_back(e); /* spaces, then "two" */
	expect_line(e, L"one ", 4);
	editor_yank(e);
	expect_line(e, L"one two   ", 10);
	editor_home(e);
	editor_kill_word_back(e); /* nothing before the cursor */
	expect_line(e, L"one two   ", 0);
	editor_word_right(e);
	expect_line(e, L"one two   ", 3);
	editor_kill_to_end(e);
	expect_line(e, L"one", 3);
	editor_left(e);
	editor_kill_to_start(e);
	expect_line(e, L"e", 0);
	editor_end(e);
	editor_yank(e);
	expect_line(e, L"eon", 3);
	editor_clear(e);

	/* Ctrl-W in the middle of a word takes only the part before the cursor. */
	type(e, L"  \u4e2d\u6587  foobar");
	editor_left(e);
	editor_left(e);
	editor_kill_word_back(e);
	expect_line(e, L"  \u4e2d\u6587  ar", 6);
	editor_kill_word_back(e);
	expect_line(e, L"  ar", 2);
	editor_kill_word_back(e);
	expect_line(e, L"ar", 0);
	editor_free(e);
}

/* Word moves skip spaces then a word. */
static void test_word_moves(void **state)
{
	struct editor *e = editor_new(0);

	(void)state;
	type(e, L"ab  cd ef");
	editor_word_left(e);
	assert_int_equal(editor_cursor(e), 7);
	editor_word_left(e);
	assert_int_equal(editor_cursor(e), 4);
	editor_word_left(e);
	assert_int_equal(editor_cursor(e), 0);
	editor_word_left(e);
	assert_int_equal(editor_cursor(e), 0);
	editor_word_right(e);
	assert_int_equal(editor_cursor(e), 2);
	editor_word_right(e);
	assert_int_equal(editor_cursor(e), 6);
	editor_word_right(e);
	assert_int_equal(editor_cursor(e), 9);
	editor_word_right(e);
	assert_int_equal(editor_cursor(e), 9);
	editor_free(e);
}

/* Up/Down browse history; the draft comes back; edits don't touch entries. */
/* A line that held a password is forgotten: Up no longer finds it, and
 * older entries are still there. */
static void test_forget_newest(void **state)
{
	struct editor *e = editor_new(3);
	(void)state;
	type(e, L"hello");
	expect_take(e, "hello");
	type(e, L"/login secret");
	expect_take(e, "/login secret");
	editor_forget_newest(e);
	assert_true(editor_history_prev(e));
	expect_line(e, L"hello", 5);
	assert_false(editor_history_prev(e));
	editor_free(e);
}

static void test_history(void **state)
{
	struct editor *e = editor_new(3);

	(void)state;
	assert_false(editor_history_prev(e));
	assert_false(editor_history_next(e));
	type(e, L"first");
	expect_take(e, "first");
	type(e, L"second");
	expect_take(e, "second");
	type(e, L"second");
	expect_take(e, "second"); /* a repeat is not stored twice */
	type(e, L"draft");
	editor_left(e);

	assert_true(editor_history_prev(e));
	expect_line(e, L"second", 6);
	assert_true(editor_history_prev(e));
	expect_line(e, L"first", 5);
	assert_false(editor_history_prev(e));
	expect_line(e, L"first", 5);

	/* Edit the recalled line, then move away and back: the entry is intact. */
	type(e, L"X");
	expect_line(e, L"firstX", 6);
	assert_true(editor_history_next(e));
	expect_line(e, L"second", 6);
	assert_true(editor_history_prev(e));
	expect_line(e, L"first", 5);
	assert_true(editor_history_next(e));
	assert_true(editor_history_next(e));
	expect_line(e, L"draft", 5);
	assert_false(editor_history_next(e));

	/* Sending an edited recalled line adds it as a new entry. */
	assert_true(editor_history_prev(e));
	assert_true(editor_history_prev(e));
	type(e, L"!");
	expect_take(e, "first!");
	assert_false(editor_history_next(e));
	assert_true(editor_history_prev(e));
	expect_line(e, L"first!", 6);
	assert_true(editor_history_next(e));
	expect_line(e, L"", 0); /* the draft was empty */

	/* Capacity 3: "first" was pushed out by "fourth". */
	type(e, L"fourth");
	expect_take(e, "fourth");
	assert_true(editor_history_prev(e));
	expect_line(e, L"fourth", 6);
	assert_true(editor_history_prev(e));
	expect_line(e, L"first!", 6);
	assert_true(editor_history_prev(e));
	expect_line(e, L"second", 6);
	assert_false(editor_history_prev(e));
	editor_free(e);
}

/* No history at all. */
static void test_no_history(void **state)
{
	struct editor *e = editor_new(0);

	(void)state;
	type(e, L"x");
	expect_take(e, "x");
	assert_false(editor_history_prev(e));
	editor_free(e);
}

/* editor_set filters and clamps the cursor. */
static void test_set(void **state)
{
	struct editor *e = editor_new(0);

	(void)state;
	editor_set(e,
	           L"ab\x1b"
	           L"c",
	           4, 99);
	expect_line(e, L"abc", 3);
	editor_set(e, L"hello: ", 7, 5);
	expect_line(e, L"hello: ", 5);
	editor_set(e, L"", 0, 3);
	expect_line(e, L"", 0);
	assert_true(editor_is_empty(e));
	editor_free(e);
}

/* Draws the view into a string of columns the way the UI would, so the tests
 * can check what is visible. Returns the number of columns used. */
static int draw_view(const struct editor *e, int width, size_t first)
{
	size_t len;
	const wchar_t *text = editor_text(e, &len);
	int col = 0;

	for (size_t i = first; i < len; i++) {
		int w = wcwidth(text[i]);

		if (col + w > width)
			break;
		col += w;
	}
	return col;
}

/* Short lines are shown from the start; the cursor column is exact. */
static void test_view_short(void **state)
{
	struct editor *e = editor_new(0);
	size_t first;
	int col;

	(void)state;
	type(e, L"ab\u4e2dc");
	editor_view(e, 10, &first, &col);
	assert_int_equal(first, 0);
	assert_int_equal(col, 5);
	editor_left(e);
	editor_view(e, 10, &first, &col);
	assert_int_equal(col, 4);
	editor_left(e); /* on the wide char */
	editor_view(e, 10, &first, &col);
	assert_int_equal(col, 2);
	/* Exactly filling: cursor at the end needs one more column. */
	editor_view(e, 5, &first, &col);
	assert_int_equal(first, 0);
	/* At the end, width 5 needs a 6th column: the view starts at column 2
	 * (half the width, rounded down), which is the wide char. */
	editor_end(e);
	editor_view(e, 5, &first, &col);
	assert_int_equal(first, 2);
	assert_int_equal(col, 3);
	editor_view(e, 6, &first, &col);
	assert_int_equal(first, 0);
	assert_int_equal(col, 5);
	editor_free(e);
}

/* Long ASCII lines scroll by half a width and keep the cursor visible. */
static void test_view_scroll(void **state)
{
	struct editor *e = editor_new(0);
	size_t first;
	int col;

	(void)state;
	for (int i = 0; i < 30; i++) {
		assert_true(editor_insert(e, (wchar_t)(L'a' + i % 26)));
		editor_view(e, 10, &first, &col);
		assert_true(col >= 0 && col < 10);
		assert_int_equal(first + (size_t)col, editor_cursor(e));
		assert_int_equal(first % 5, 0);
	}
	/* 30 chars, cursor at 30: view starts at 25 (multiple of 5). */
	editor_view(e, 10, &first, &col);
	assert_int_equal(first, 25);
	assert_int_equal(col, 5);
	editor_home(e);
	editor_view(e, 10, &first, &col);
	assert_int_equal(first, 0);
	assert_int_equal(col, 0);
	/* Tiny and silly widths. */
	editor_end(e);
	editor_view(e, 1, &first, &col);
	assert_int_equal(first, 30);
	assert_int_equal(col, 0);
	editor_view(e, 0, &first, &col);
	assert_int_equal(first, 30);
	assert_int_equal(col, 0);
	editor_view(e, -3, &first, &col);
	assert_int_equal(col, 0);
	editor_free(e);
}

/* Wide characters at the edge: never split, cursor cell fully visible. */
static void test_view_wide(void **state)
{
	struct editor *e = editor_new(0);
	size_t first, len;
	int col;

	(void)state;
	/* 'a' then 20 CJK characters: columns 0, 1-2, 3-4, ... */
	type(e, L"a");
	for (int i = 0; i < 20; i++)
		type(e, L"\u4e2d");
	editor_text(e, &len);
	for (int width = 2; width <= 12; width++) {
		for (size_t cur = 0; cur <= len; cur++) {
			editor_home(e);
			for (size_t k = 0; k < cur; k++)
				editor_right(e);
			editor_view(e, width, &first, &col);
			assert_true(first <= cur);
			assert_true(col >= 0);
			/* The cursor's cell (2 columns on a wide char) fits. */
			assert_true(col + (cur < len ? wcwidth(editor_text(e, &len)[cur]) : 1) <=
			            width);
			/* Drawing from first reaches the cursor column. */
			assert_true(draw_view(e, width, first) >= col);
		}
	}
	/* Width 10, at the end (column 41): the start column is the smallest
	 * multiple of 5 >= 41 + 1 - 10, that is 35, where character 18 starts. */
	editor_end(e);
	editor_view(e, 10, &first, &col);
	assert_int_equal(first, 18);
	assert_int_equal(col, 6);
	/* Width 6: the start column, 36, is inside character 18 (35-36), so the
	 * view starts at the next one, column 37. */
	editor_view(e, 6, &first, &col);
	assert_int_equal(first, 19);
	assert_int_equal(col, 4);
	/* A wide char under the cursor at width 1 cannot fit: shown alone. */
	editor_home(e);
	editor_right(e);
	editor_view(e, 1, &first, &col);
	assert_int_equal(first, 1);
	assert_int_equal(col, 0);
	editor_free(e);
}

/* The view never starts on a combining mark. */
static void test_view_combining(void **state)
{
	struct editor *e = editor_new(0);
	size_t first;
	int col;

	(void)state;
	/* "ab" then 10 x "e + acute": 2 + 10 columns, 22 characters. */
	type(e, L"ab");
	for (int i = 0; i < 10; i++)
		type(e, L"e\u0301");
	editor_view(e, 8, &first, &col);
	/* cursor column 12, start column 8: the 'e' at index 14 is there. */
	assert_int_equal(first, 14);
	assert_int_equal(col, 4);
	assert_int_not_equal(editor_text(e, &(size_t){0})[first], 0x0301);
	editor_view(e, 6, &first, &col);
	assert_int_not_equal(editor_text(e, &(size_t){0})[first], 0x0301);
	editor_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_editing),
	    cmocka_unit_test(test_wide_editing),
	    cmocka_unit_test(test_insert_utf8),
	    cmocka_unit_test(test_length_limit),
	    cmocka_unit_test(test_kills),
	    cmocka_unit_test(test_word_moves),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_forget_newest),
	    cmocka_unit_test(test_no_history),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_view_short),
	    cmocka_unit_test(test_view_scroll),
	    cmocka_unit_test(test_view_wide),
	    cmocka_unit_test(test_view_combining),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
