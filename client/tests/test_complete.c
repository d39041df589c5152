/* Unit tests for client/complete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>
#include <wchar.h>

#include "complete.h"

static const char *const nicks[] = {"bob", "Alice", "alan", "[zed]", "carol", "alice_", "Al"};
static const char *const commands[] = {"join", "me", "msg", "names", "nick", "nicklist", "part"};

#define NNICKS (sizeof(nicks) / sizeof(nicks[0]))
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

struct line {
	wchar_t text[256];
	size_t len;
	size_t cursor;
};

/* Sets the line to a wide string with the cursor at cursor (or the end). */
static void set(struct line *l, const wchar_t *text, size_t cursor)
{
	l->len = wcslen(text);
	wmemcpy(l->text, text, l->len);
	l->cursor = cursor == (size_t)-1 ? l->len : cursor;
}

/* One Tab: expects success with the given line and cursor, applied to l. */
static void tab(struct completion *c, struct line *l, const wchar_t *want, size_t want_cursor)
{
	wchar_t out[256];
	size_t len, cursor;

	assert_true(complete_word(c, l->text, l->len, l->cursor, nicks, NNICKS, commands, NCOMMANDS,
	                          out, 256, &len, &cursor));
	assert_int_equal(len, wcslen(want));
	assert_memory_equal(out, want, len * sizeof(wchar_t));
	assert_int_equal(cursor, want_cursor);
	assert_true(complete_active(c));
	wmemcpy(l->text, out, len);
	l->len = len;
	l->cursor = cursor;
}

/* One Tab that finds nothing. */
static void tab_fails(struct completion *c, struct line *l)
{
	wchar_t out[256];
	size_t len, cursor;

	assert_false(complete_word(c, l->text, l->len, l->cursor, nicks, NNICKS, commands,
	                           NCOMMANDS, out, 256, &len, &cursor));
	assert_false(complete_active(c));
}

/* At line start: ": " is added; Tab cycles in case-insensitive order. */
static void test_nick_at_start(void **state)
{
	struct completion *c = complete_new();
	struct line l;

	(void)state;
	set(&l, L"al", -1);
	/* candidates: Al, alan, Alice, alice_ */
	tab(c, &l, L"Al: ", 4);
	tab(c, &l, L"alan: ", 6);
	tab(c, &l, L"Alice: ", 7);
	tab(c, &l, L"alice_: ", 8);
	tab(c, &l, L"Al: ", 4); /* wraps */
	complete_free(c);
}

/* Elsewhere: " " is added; case-insensitive under rfc1459. */
static void test_nick_in_text(void **state)
{
	struct completion *c = complete_new();
	struct line l;

	(void)state;
	set(&l, L"hi CAR", -1);
	tab(c, &l, L"hi carol ", 9);
	tab(c, &l, L"hi carol ", 9); /* one candidate: stays */
	complete_reset(c);
	assert_false(complete_active(c));

	/* {zed} matches [zed] under rfc1459 */
	set(&l, L"ask {Z", -1);
	tab(c, &l, L"ask [zed] ", 10);
	complete_free(c);
}

/* Completing in the middle of the line keeps the rest. */
static void test_middle(void **state)
{
	struct completion *c = complete_new();
	struct line l;

	(void)state;
	set(&l, L"hey bo how are you", 6);
	tab(c, &l, L"hey bob how are you", 7); /* no double space */
	complete_reset(c);
	set(&l, L"bo,what", 2);
	tab(c, &l, L"bob: ,what", 5);
	complete_reset(c);
	/* wide text before the word */
	set(&l, L"\u4e2d\u6587 al", -1);
	tab(c, &l, L"\u4e2d\u6587 Al ", 6);
	tab(c, &l, L"\u4e2d\u6587 alan ", 8);
	complete_free(c);
}

/* Commands: "/" at line start; a space is added; cycling. */
static void test_commands(void **state)
{
	struct completion *c = complete_new();
	struct line l;

	(void)state;
	set(&l, L"/ni", -1);
	tab(c, &l, L"/nick ", 6);
	tab(c, &l, L"/nicklist ", 10);
	tab(c, &l, L"/nick ", 6);
	complete_reset(c);
	set(&l, L"/M", -1);
	tab(c, &l, L"/me ", 4);
	tab(c, &l, L"/msg ", 5);
	complete_reset(c);
	set(&l, L"/", -1); /* all commands */
	tab(c, &l, L"/join ", 6);
	tab(c, &l, L"/me ", 4);
	complete_reset(c);
	/* '/' not at line start: a nick word (and none matches) */
	set(&l, L"see /jo", -1);
	tab_fails(c, &l);
	/* no command matches */
	set(&l, L"/xyz", -1);
	tab_fails(c, &l);
	/* the second word of a command line completes nicks */
	set(&l, L"/msg ca", -1);
	tab(c, &l, L"/msg carol ", 11);
	complete_free(c);
}

/* Nothing to complete; a changed line starts afresh. */
static void test_reset_and_restart(void **state)
{
	struct completion *c = complete_new();
	struct line l;

	(void)state;
	set(&l, L"", -1);
	tab_fails(c, &l);
	set(&l, L"hi ", -1); /* empty word */
	tab_fails(c, &l);
	set(&l, L"zz", -1);
	tab_fails(c, &l);

	set(&l, L"b", -1);
	tab(c, &l, L"bob: ", 5);
	/* the user typed something without the UI resetting: a new completion */
	set(&l, L"bob: c", -1);
	tab(c, &l, L"bob: carol ", 11);
	/* after an explicit reset, Tab on the completed word restarts from it */
	complete_reset(c);
	set(&l, L"alan", -1);
	tab(c, &l, L"alan: ", 6);
	complete_free(c);
}

/* A result that does not fit the output is refused. */
static void test_no_room(void **state)
{
	struct completion *c = complete_new();
	wchar_t out[5];
	size_t len, cursor;

	(void)state;
	/* "carol: " needs 7 */
	assert_false(complete_word(c, L"car", 3, 3, nicks, NNICKS, commands, NCOMMANDS, out, 5,
	                           &len, &cursor));
	assert_false(complete_active(c));
	/* "bob: " fits exactly */
	assert_true(complete_word(c, L"b", 1, 1, nicks, NNICKS, commands, NCOMMANDS, out, 5, &len,
	                          &cursor));
	assert_int_equal(len, 5);
	assert_memory_equal(out, L"bob: ", 5 * sizeof(wchar_t));
	complete_free(c);
}

/* Duplicates and empty names in the list are ignored. */
static void test_duplicates(void **state)
{
	static const char *const dup[] = {"dan", "", "dan", "Dan", "dave"};
	struct completion *c = complete_new();
	wchar_t out[64];
	size_t len, cursor;

	(void)state;
	assert_true(complete_word(c, L"d", 1, 1, dup, 5, NULL, 0, out, 64, &len, &cursor));
	assert_memory_equal(out, L"Dan: ", 5 * sizeof(wchar_t));
	assert_true(complete_word(c, out, len, cursor, dup, 5, NULL, 0, out, 64, &len, &cursor));
	assert_memory_equal(out, L"dan: ", 5 * sizeof(wchar_t));
	assert_true(complete_word(c, out, len, cursor, dup, 5, NULL, 0, out, 64, &len, &cursor));
	assert_memory_equal(out, L"dave: ", 6 * sizeof(wchar_t));
	assert_true(complete_word(c, out, len, cursor, dup, 5, NULL, 0, out, 64, &len, &cursor));
	assert_memory_equal(out, L"Dan: ", 5 * sizeof(wchar_t));
	complete_free(c);
	complete_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nick_at_start),
	    cmocka_unit_test(test_nick_in_text),
	    cmocka_unit_test(test_middle),
	    cmocka_unit_test(test_commands),
	    cmocka_unit_test(test_reset_and_restart),
	    cmocka_unit_test(test_no_room),
	    cmocka_unit_test(test_duplicates),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
