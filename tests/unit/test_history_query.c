/* Unit tests for server/msgid and server/history_query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "history_query.h"
#include "msgid.h"

/* Ids are 26 base32 characters, all different, and never start with ':'. */
static void test_msgid_shape_and_uniqueness(void **state)
{
	(void)state;
	msgid_init();
	enum { N = 2000 };
	char(*ids)[MSGID_LEN + 1] = calloc(N, sizeof *ids);
	for (int i = 0; i < N; i++) {
		msgid_new(ids[i]);
		assert_int_equal(strlen(ids[i]), MSGID_LEN);
		assert_true(msgid_valid(ids[i]));
		assert_int_not_equal(ids[i][0], ':');
	}
	for (int i = 1; i < N; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	free(ids);
}

/* A reference from a client is checked before it is looked up. */
static void test_msgid_valid_refuses_others(void **state)
{
	(void)state;
	assert_false(msgid_valid(""));
	assert_false(msgid_valid("abc"));
	assert_false(msgid_valid("aaaaaaaaaaaaaaaaaaaaaaaaa1"));  /* 1 is not base32 */
	assert_false(msgid_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 27 */
	assert_false(msgid_valid("AAAAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_true(msgid_valid("aaaaaaaaaaaaaaaaaaaaaaaaa7"));
}

/* A page of records with seq 1..n (pushed in the order given). */
static void fill(struct history_page *p, const unsigned long long *seqs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		history_page_push(p, history_record_new(seqs[i], 1000, "aaaaaaaaaaaaaaaaaaaaaaaaaa",
							"n!u@h", "PRIVMSG", "hi", NULL));
}

static void expect_seqs(const struct history_page *p, const unsigned long long *seqs, size_t n)
{
	assert_int_equal(p->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p->items[i]->seq, seqs[i]);
}

/* Two sources (the database and what is still queued) overlap: merged
 * oldest first, each record once. */
static void test_sort_unique_merges(void **state)
{
	(void)state;
	struct history_page p = {0};
	fill(&p, (unsigned long long[]){5, 3, 9, 3, 5, 1}, 6);
	history_page_sort_unique(&p);
	expect_seqs(&p, (unsigned long long[]){1, 3, 5, 9}, 4);
	assert_string_equal(p.items[0]->tags, "");
	history_page_free(&p);
	assert_int_equal(p.n, 0);
}

static void trimmed(enum history_sel sel, bool backwards, unsigned long long pivot,
		    size_t limit, const unsigned long long *want, size_t nwant)
{
	struct history_page p = {0};
	fill(&p, (unsigned long long[]){1, 2, 3, 4, 5, 6, 7, 8}, 8);
	struct history_query q = {.sel = sel, .limit = limit};
	history_page_trim(&p, &q, backwards, pivot);
	expect_seqs(&p, want, nwant);
	history_page_free(&p);
}

/* Each selector keeps the records nearest its reference. */
static void test_trim_by_selector(void **state)
{
	(void)state;
	trimmed(HSEL_LATEST, false, 0, 3, (unsigned long long[]){6, 7, 8}, 3);
	trimmed(HSEL_BEFORE, false, 0, 2, (unsigned long long[]){7, 8}, 2);
	trimmed(HSEL_AFTER, false, 0, 2, (unsigned long long[]){1, 2}, 2);
	trimmed(HSEL_BETWEEN, false, 0, 3, (unsigned long long[]){1, 2, 3}, 3);
	trimmed(HSEL_BETWEEN, true, 0, 3, (unsigned long long[]){6, 7, 8}, 3);
	/* AROUND 4, limit 4: the pivot and one before it, two after. */
	trimmed(HSEL_AROUND, false, 4, 4, (unsigned long long[]){3, 4, 5, 6}, 4);
	/* Near the end there is less after: the rest comes from before. */
	trimmed(HSEL_AROUND, false, 7, 4, (unsigned long long[]){5, 6, 7, 8}, 4);
	/* Near the start, the other way round. */
	trimmed(HSEL_AROUND, false, 1, 3, (unsigned long long[]){1, 2, 3}, 3);
	/* Fewer than the limit: all of them. */
	trimmed(HSEL_LATEST, false, 0, 100, (unsigned long long[]){1, 2, 3, 4, 5, 6, 7, 8}, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msgid_shape_and_uniqueness),
		cmocka_unit_test(test_msgid_valid_refuses_others),
		cmocka_unit_test(test_sort_unique_merges),
		cmocka_unit_test(test_trim_by_selector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
