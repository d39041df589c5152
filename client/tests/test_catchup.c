/* Unit tests for client/catchup: windows taking turns, held lines, bounds,
 * and the separator's text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catchup.h"
#include "xalloc.h"

/* A line item saying text in window win. */
static struct catchup_item *item(unsigned win, const char *text)
{
	struct catchup_item *i = xcalloc(1, sizeof(*i));
	i->line.window = win;
	i->line.kind = LINE_MESSAGE;
	i->line.nick = xstrdup("bob");
	i->line.text = xstrdup(text);
	lineid_none(&i->id);
	return i;
}

/* Counts a chain. */
static size_t chain_len(const struct catchup_item *i)
{
	size_t n = 0;
	for (; i; i = i->next)
		n++;
	return n;
}

/* Checks the invariants, failing with the reason. */
static void check(const struct catchup *cu)
{
	const char *why = catchup_check(cu);
	if (why)
		fail_msg("catchup_check: %s", why);
}

/* One window: request, a short page, done; its held lines come after. */
static void test_one_window(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 7, false);
	assert_int_equal(catchup_to_request(cu), 7);
	assert_true(catchup_pending(cu, 7));
	assert_false(catchup_pending(cu, 8));
	catchup_requested(cu, 100, 0);
	assert_int_equal(catchup_to_request(cu), 0);
	assert_true(catchup_awaiting(cu));
	assert_true(catchup_hold(cu, 7, item(7, "live 1")));
	assert_false(catchup_hold(cu, 8, NULL)); /* not pending: not taken */
	catchup_page_begin(cu);
	assert_false(catchup_awaiting(cu));
	catchup_page_line(cu, item(7, "old 1"));
	catchup_page_line(cu, item(7, "old 2"));
	assert_string_equal(catchup_last_caught(cu)->line.text, "old 2");
	catchup_hold(cu, 7, item(7, "live 2"));
	check(cu);
	assert_false(catchup_page_end(cu)); /* 2 < 100: done */
	assert_false(catchup_pending(cu, 7));
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.win, 7);
	assert_int_equal(r.why, CATCHUP_END_DONE);
	assert_string_equal(r.caught->line.text, "old 1");
	assert_string_equal(r.caught->next->line.text, "old 2");
	assert_string_equal(r.held->line.text, "live 1");
	assert_string_equal(r.held->next->line.text, "live 2");
	catchup_result_free(&r);
	assert_false(catchup_take(cu, &r));
	assert_int_equal(catchup_held_total(cu), 0);
	catchup_free(cu);
}

/* Windows take turns; a full page asks for the next one. */
static void test_turns_and_paging(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	catchup_want(cu, 2, true);
	catchup_want(cu, 1, false); /* already waiting */
	assert_int_equal(catchup_active(cu), 1);
	catchup_requested(cu, 2, 0);
	catchup_hold(cu, 2, item(2, "two waits"));
	catchup_page_begin(cu);
	catchup_page_line(cu, item(1, "a"));
	catchup_page_line(cu, item(1, "b"));
	assert_true(catchup_page_end(cu)); /* full: ask again */
	assert_int_equal(catchup_to_request(cu), 1);
	catchup_requested(cu, 2, 0);
	catchup_page_begin(cu);
	catchup_page_line(cu, item(1, "c"));
	assert_false(catchup_page_end(cu));
	assert_int_equal(catchup_active(cu), 2);
	assert_int_equal(catchup_to_request(cu), 2);
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(chain_len(r.caught), 3);
	assert_false(r.fresh);
	catchup_result_free(&r);
	catchup_requested(cu, 2, 0);
	catchup_page_begin(cu);
	assert_false(catchup_page_end(cu)); /* an empty page */
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.win, 2);
	assert_true(r.fresh);
	assert_null(r.caught);
	assert_int_equal(chain_len(r.held), 1);
	catchup_result_free(&r);
	catchup_free(cu);
}

/* Past CATCHUP_KEEP_MAX the oldest caught lines go, counted. */
static void test_keep_bound(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	size_t total = 0;
	char text[32];
	for (int page = 0; page < 10; page++) {
		catchup_requested(cu, 1000, 0);
		catchup_page_begin(cu);
		for (int i = 0; i < 1000; i++) {
			snprintf(text, sizeof(text), "line %zu", total++);
			catchup_page_line(cu, item(1, text));
		}
		check(cu);
		assert_true(catchup_page_end(cu));
	}
	catchup_requested(cu, 1000, 0);
	catchup_page_begin(cu);
	assert_false(catchup_page_end(cu));
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(chain_len(r.caught), CATCHUP_KEEP_MAX);
	assert_int_equal(r.dropped, 10000 - CATCHUP_KEEP_MAX);
	assert_string_equal(r.caught->line.text, "line 5904");
	catchup_result_free(&r);
	catchup_free(cu);
}

/* A page longer than asked for ends the turn (a batch that never ends),
 * and so does CATCHUP_PAGES_MAX full pages. */
static void test_long_page_and_pages_max(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	catchup_requested(cu, 3, 0);
	catchup_page_begin(cu);
	for (int i = 0; i < 10; i++)
		catchup_page_line(cu, item(1, "x"));
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.why, CATCHUP_END_LONG_PAGE);
	assert_int_equal(chain_len(r.caught), 3);
	catchup_result_free(&r);
	assert_int_equal(catchup_active(cu), 0);

	catchup_want(cu, 2, false);
	for (int p = 0; p < CATCHUP_PAGES_MAX; p++) {
		catchup_requested(cu, 1, 0);
		catchup_page_begin(cu);
		catchup_page_line(cu, item(2, "y"));
		bool more = catchup_page_end(cu);
		assert_true(more == (p + 1 < CATCHUP_PAGES_MAX));
	}
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.why, CATCHUP_END_PAGES);
	catchup_result_free(&r);
	catchup_free(cu);
}

/* Held lines are bounded per window and in all: one more ends the turn of
 * the window it is for, with that line as the last. */
static void test_held_bounds(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	catchup_requested(cu, 100, 0);
	for (int i = 0; i < CATCHUP_HELD_MAX - 1; i++)
		catchup_hold(cu, 1, item(1, "live"));
	check(cu);
	assert_true(catchup_pending(cu, 1));
	catchup_hold(cu, 1, item(1, "the last"));
	assert_false(catchup_pending(cu, 1));
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.why, CATCHUP_END_HELD);
	assert_int_equal(chain_len(r.held), CATCHUP_HELD_MAX);
	catchup_result_free(&r);

	/* Many waiting windows: the total bound. */
	unsigned wins = CATCHUP_HELD_TOTAL_MAX / (CATCHUP_HELD_MAX - 1) + 2;
	for (unsigned w = 1; w <= wins; w++)
		catchup_want(cu, w, false);
	size_t ended = 0;
	for (unsigned w = 1; w <= wins && !ended; w++) {
		for (int i = 0; i < CATCHUP_HELD_MAX - 1; i++) {
			catchup_hold(cu, w, item(w, "live"));
			check(cu);
			if (catchup_take(cu, &r)) {
				ended++;
				assert_int_equal(r.why, CATCHUP_END_HELD);
				assert_int_equal(r.win, w);
				catchup_result_free(&r);
				break;
			}
		}
	}
	assert_int_equal(ended, 1);
	assert_true(catchup_held_total(cu) < CATCHUP_HELD_TOTAL_MAX);
	catchup_free(cu); /* frees what is still held */
}

/* A turn that does not end in time ends at the next tick; waiting windows
 * wait (their clock starts with their request). */
static void test_timeout(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	catchup_want(cu, 2, false);
	catchup_tick(cu, 1000000); /* nothing asked yet: no clock */
	assert_int_equal(catchup_active(cu), 1);
	catchup_requested(cu, 10, 5000);
	catchup_tick(cu, 5000 + CATCHUP_TIMEOUT_MS - 1);
	assert_int_equal(catchup_active(cu), 1);
	catchup_tick(cu, 5000 + CATCHUP_TIMEOUT_MS);
	assert_int_equal(catchup_active(cu), 2);
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.why, CATCHUP_END_TIMEOUT);
	catchup_result_free(&r);
	catchup_free(cu);
}

/* A closed window leaves the line (its lines dropped); everything ends on
 * a disconnect. */
static void test_forget_and_finish_all(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_want(cu, 1, false);
	catchup_want(cu, 2, false);
	catchup_want(cu, 3, false);
	catchup_requested(cu, 10, 0);
	catchup_hold(cu, 1, item(1, "x"));
	catchup_hold(cu, 2, item(2, "y"));
	catchup_forget(cu, 1);
	assert_int_equal(catchup_active(cu), 2);
	assert_int_equal(catchup_to_request(cu), 2);
	assert_int_equal(catchup_held_total(cu), 1);
	catchup_finish_all(cu, CATCHUP_END_DISCONNECT);
	assert_int_equal(catchup_active(cu), 0);
	struct catchup_result r;
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.win, 2);
	assert_int_equal(r.why, CATCHUP_END_DISCONNECT);
	assert_int_equal(chain_len(r.held), 1);
	catchup_result_free(&r);
	assert_true(catchup_take(cu, &r));
	assert_int_equal(r.win, 3);
	catchup_result_free(&r);
	assert_false(catchup_take(cu, &r));
	/* An ended turn not taken yet goes with its window too. */
	catchup_want(cu, 4, false);
	catchup_finish(cu, CATCHUP_END_DONE);
	catchup_forget(cu, 4);
	assert_false(catchup_take(cu, &r));
	check(cu);
	catchup_free(cu);
}

/* Lines of a page nobody asked for are dropped. */
static void test_page_without_request(void **unused)
{
	(void)unused;
	struct catchup *cu = catchup_new();
	catchup_page_line(cu, item(1, "stray")); /* nothing active */
	catchup_want(cu, 1, false);
	catchup_page_line(cu, item(1, "stray")); /* not asked yet */
	catchup_page_begin(cu);                  /* not asked: no page */
	assert_false(catchup_page_end(cu));
	assert_null(catchup_last_caught(cu));
	check(cu);
	catchup_free(cu);
}

/* The separator's words: counted, singular, fresh, with dropped lines. */
static void test_separator(void **unused)
{
	(void)unused;
	char buf[200];
	assert_false(catchup_separator(0, 0, false, buf, sizeof(buf)));
	assert_true(catchup_separator(37, 0, false, buf, sizeof(buf)));
	assert_string_equal(buf, "── 37 messages while you were away ──");
	catchup_separator(1, 0, false, buf, sizeof(buf));
	assert_string_equal(buf, "── 1 message while you were away ──");
	catchup_separator(12, 0, true, buf, sizeof(buf));
	assert_string_equal(buf, "── 12 messages from before you joined ──");
	catchup_separator(10000, 5904, false, buf, sizeof(buf));
	assert_string_equal(buf,
	                    "── 10000 messages while you were away (the oldest 5904 not shown) ──");
	assert_null(catchup_end_note(CATCHUP_END_DONE));
	assert_non_null(catchup_end_note(CATCHUP_END_HELD));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_window),
	    cmocka_unit_test(test_turns_and_paging),
	    cmocka_unit_test(test_keep_bound),
	    cmocka_unit_test(test_long_page_and_pages_max),
	    cmocka_unit_test(test_held_bounds),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_forget_and_finish_all),
	    cmocka_unit_test(test_page_without_request),
	    cmocka_unit_test(test_separator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
