/* Unit tests for server/msgid and server/history_query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
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

/* A room of 3,000 messages that all have the same time, ids m0..m2999. */
static void fill_equal_times(struct history_page *p)
{
	for (unsigned long long i = 0; i < 3000; i++) {
		char id[MSGID_LEN + 1];
		snprintf(id, sizeof id, "m%025llu", i);
		history_page_push(p, history_record_new(10 + 2 * i, 5000, id, "n!u@h", "PRIVMSG",
							"same time", NULL));
	}
}

static int select_into(struct history_page *out, const struct history_query *q)
{
	memset(out, 0, sizeof *out);
	fill_equal_times(out);
	return history_page_select(out, q);
}

/* Paging back by msgid over equal times: every message once, then a short
 * page ends it. */
static void test_select_pages_back_by_msgid(void **state)
{
	(void)state;
	struct history_page p;
	struct history_query q = {.sel = HSEL_LATEST, .a.kind = HREF_NONE, .limit = 128};
	assert_int_equal(select_into(&p, &q), 0);
	unsigned long long expect = 10 + 2 * 2999, seen = 0;
	for (int pages = 0; pages < 100; pages++) {
		for (size_t i = p.n; i-- > 0; seen++, expect -= 2)
			assert_int_equal(p.items[i]->seq, expect);
		bool short_page = p.n < q.limit;
		if (!short_page) {
			q = (struct history_query){.sel = HSEL_BEFORE, .a.kind = HREF_MSGID,
						   .limit = 128};
			snprintf(q.a.msgid, sizeof q.a.msgid, "%s", p.items[0]->msgid);
		}
		history_page_free(&p);
		if (short_page)
			break;
		assert_int_equal(select_into(&p, &q), 0);
	}
	assert_int_equal(seen, 3000);
}

/* Time references, AROUND a msgid, BETWEEN both ways, an unknown msgid. */
static void test_select_refs(void **state)
{
	(void)state;
	struct history_page p;
	struct history_query q = {.sel = HSEL_AFTER, .a = {.kind = HREF_TIME, .unix_ms = 4999},
				  .limit = 2};
	assert_int_equal(select_into(&p, &q), 0);
	expect_seqs(&p, (unsigned long long[]){10, 12}, 2);
	history_page_free(&p);
	q.a.unix_ms = 5000; /* nothing is later than 5000 */
	assert_int_equal(select_into(&p, &q), 0);
	assert_int_equal(p.n, 0);
	history_page_free(&p);

	q = (struct history_query){.sel = HSEL_AROUND, .a.kind = HREF_MSGID, .limit = 3};
	snprintf(q.a.msgid, sizeof q.a.msgid, "m%025d", 5);
	assert_int_equal(select_into(&p, &q), 0);
	expect_seqs(&p, (unsigned long long[]){18, 20, 22}, 3);
	history_page_free(&p);

	q = (struct history_query){.sel = HSEL_BETWEEN, .a.kind = HREF_MSGID,
				   .b.kind = HREF_MSGID, .limit = 2};
	snprintf(q.a.msgid, sizeof q.a.msgid, "m%025d", 1);
	snprintf(q.b.msgid, sizeof q.b.msgid, "m%025d", 9);
	assert_int_equal(select_into(&p, &q), 0);
	expect_seqs(&p, (unsigned long long[]){14, 16}, 2);
	history_page_free(&p);
	snprintf(q.a.msgid, sizeof q.a.msgid, "m%025d", 9);
	snprintf(q.b.msgid, sizeof q.b.msgid, "m%025d", 1);
	assert_int_equal(select_into(&p, &q), 0);
	expect_seqs(&p, (unsigned long long[]){24, 26}, 2);
	history_page_free(&p);

	snprintf(q.a.msgid, sizeof q.a.msgid, "%s", "zzzzzzzzzzzzzzzzzzzzzzzzzz");
	assert_int_equal(select_into(&p, &q), 1);
	assert_int_equal(p.n, 0);
	history_page_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msgid_shape_and_uniqueness),
		cmocka_unit_test(test_msgid_valid_refuses_others),
		cmocka_unit_test(test_sort_unique_merges),
		cmocka_unit_test(test_trim_by_selector),
		cmocka_unit_test(test_select_pages_back_by_msgid),
		cmocka_unit_test(test_select_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
