/* Unit tests for server/history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "history.h"

/* history_add() of one message with no id (these tests are about memory). */
static void add_message(struct history *h, long long unix_ms, const char *source,
			const char *command, const char *text)
{
	static unsigned long long seq;
	struct history_record r = {.seq = ++seq, .unix_ms = unix_ms, .source = source,
				   .command = command, .text = text, .tags = ""};
	history_add(h, &r);
}

#define BIG_BUDGET (1u << 30)

/* Adds message number i. */
static void add(struct history *h, int i)
{
	char text[32];

	snprintf(text, sizeof(text), "msg %d", i);
	add_message(h, 1000LL * i, "n!u@h", i % 2 ? "NOTICE" : "PRIVMSG", text);
}

/* Up to cap of the messages h holds now, oldest first, with references
 * (history_release), read through a replay cursor as a joiner's replay is. */
static size_t read_all(struct history *h, const struct history_entry **out, size_t cap)
{
	struct history_cursor c;
	history_cursor_init(h, &c);
	size_t n = history_cursor_read(h, &c, out, cap);
	history_cursor_release(&c);
	return n;
}

/* Checks that entry idx of h holds message number i. */
static void check(struct history *h, size_t idx, int i)
{
	const struct history_entry *all[16];
	size_t n = read_all(h, all, 16);
	char text[32];

	assert_true(idx < n);
	const struct history_entry *e = all[idx];
	snprintf(text, sizeof(text), "msg %d", i);
	assert_string_equal(e->text, text);
	assert_int_equal(e->unix_ms, 1000LL * i);
	assert_string_equal(e->source, "n!u@h");
	assert_string_equal(e->command, i % 2 ? "NOTICE" : "PRIVMSG");
	history_release(all, n);
}

/* Fills up, then overwrites the oldest, keeping oldest-first order. */
static void test_overwrite(void **state)
{
	struct history_budget *b = history_budget_new(BIG_BUDGET);
	struct history *h = history_new(b, 4);

	(void)state;
	assert_int_equal(history_count(h), 0);
	for (int i = 0; i < 3; i++)
		add(h, i);
	assert_int_equal(history_count(h), 3);
	for (int i = 0; i < 3; i++)
		check(h, (size_t)i, i);
	for (int i = 3; i < 11; i++) {
		add(h, i);
		assert_int_equal(history_count(h), i + 1 < 4 ? (size_t)(i + 1) : 4);
		for (size_t k = 0; k < history_count(h); k++)
			check(h, k, i + 1 - (int)history_count(h) + (int)k);
	}
	history_free(h);
	assert_int_equal(history_budget_used(b), 0);
	history_budget_free(b);
}

/* Capacity 0 keeps nothing; capacity 1 keeps the latest. */
static void test_small(void **state)
{
	struct history_budget *b = history_budget_new(BIG_BUDGET);
	struct history *h = history_new(b, 0);
	char text[] = "mutable";
	const struct history_entry *e;

	(void)state;
	add(h, 1);
	add(h, 2);
	assert_int_equal(history_count(h), 0);
	history_free(h);

	h = history_new(b, 1);
	add(h, 1);
	add(h, 2);
	assert_int_equal(history_count(h), 1);
	check(h, 0, 2);
	/* Strings are copied. */
	add_message(h, 5, "s", "PRIVMSG", text);
	text[0] = 'X';
	assert_int_equal(read_all(h, &e, 1), 1);
	assert_string_equal(e->text, "mutable");
	history_release(&e, 1);
	history_free(h);
	history_free(NULL);
	history_budget_free(b);
}

/* Adds message number i (0-9), all of the same size. */
static void put(struct history *h, int i)
{
	char text[32];

	snprintf(text, sizeof(text), "msg %d", i);
	add_message(h, 1000LL * i, "n!u@h", "PRIVMSG", text);
}

/* Checks that entry idx of h is message number i of put(). */
static void check_put(struct history *h, size_t idx, int i)
{
	const struct history_entry *all[16];
	size_t n = read_all(h, all, 16);
	char text[32];

	assert_true(idx < n);
	snprintf(text, sizeof(text), "msg %d", i);
	assert_string_equal(all[idx]->text, text);
	history_release(all, n);
}

/* Bytes one message of put() counts. */
static size_t message_bytes(void)
{
	struct history_budget *b = history_budget_new(BIG_BUDGET);
	struct history *h = history_new(b, 10);
	put(h, 1);
	size_t bytes = history_budget_used(b);
	history_free(h);
	history_budget_free(b);
	return bytes;
}

/* An empty room costs no budget; adding counts, freeing gives it back. */
static void test_lazy_and_accounted(void **state)
{
	struct history_budget *b = history_budget_new(BIG_BUDGET);
	struct history *rooms[100];

	(void)state;
	for (int i = 0; i < 100; i++)
		rooms[i] = history_new(b, 100000);
	assert_int_equal(history_budget_used(b), 0);
	put(rooms[7], 3);
	assert_int_equal(history_budget_used(b), message_bytes());
	assert_true(message_bytes() > strlen("n!u@h") + strlen("PRIVMSG") + strlen("msg 3"));
	for (int i = 0; i < 100; i++)
		history_free(rooms[i]);
	assert_int_equal(history_budget_used(b), 0);
	history_budget_free(b);
}

/* Over the budget, the oldest messages go first, whichever room holds them. */
static void test_budget_evicts_oldest_across_rooms(void **state)
{
	size_t one = message_bytes();
	struct history_budget *b = history_budget_new(5 * one);
	struct history *a = history_new(b, 100), *c = history_new(b, 100);

	(void)state;
	put(a, 0);
	put(a, 1);
	put(c, 2);
	put(a, 3);
	put(c, 4);
	assert_int_equal(history_budget_used(b), 5 * one);
	put(c, 5); /* evicts message 0 (room a) */
	assert_int_equal(history_count(a), 2);
	check_put(a, 0, 1);
	put(c, 6); /* evicts 1 (a) */
	put(c, 7); /* evicts 2 (c) */
	assert_int_equal(history_count(a), 1);
	check_put(a, 0, 3);
	assert_int_equal(history_count(c), 4);
	check_put(c, 0, 4);
	check_put(c, 3, 7);
	assert_true(history_budget_used(b) <= 5 * one);
	put(c, 8); /* evicts 3: room a is empty now */
	assert_int_equal(history_count(a), 0);
	put(a, 9); /* evicts 4 (c) */
	check_put(a, 0, 9);
	check_put(c, 0, 5);
	history_free(a);
	history_free(c);
	assert_int_equal(history_budget_used(b), 0);
	history_budget_free(b);
}

/* The per-room cap and the budget together: the budget still counts right
 * after cap evictions from the middle of the global order. */
static void test_cap_and_budget(void **state)
{
	size_t one = message_bytes();
	struct history_budget *b = history_budget_new(4 * one);
	struct history *a = history_new(b, 2), *c = history_new(b, 10);

	(void)state;
	put(c, 0);
	put(a, 1);
	put(a, 2);
	put(a, 3); /* room cap: evicts 1, from the middle of the global order */
	assert_int_equal(history_budget_used(b), 3 * one);
	put(c, 4);
	put(c, 5); /* budget: evicts 0 */
	check_put(c, 0, 4);
	check_put(a, 0, 2);
	assert_int_equal(history_budget_used(b), 4 * one);
	history_free(c);
	assert_int_equal(history_budget_used(b), 2 * one);
	history_free(a);
	history_budget_free(b);
}

/* Messages read stay readable after its messages were evicted and freed. */
static void test_references_outlive_eviction(void **state)
{
	size_t one = message_bytes();
	struct history_budget *b = history_budget_new(2 * one);
	struct history *a = history_new(b, 10);
	const struct history_entry *snap[4];

	(void)state;
	put(a, 1);
	put(a, 2);
	assert_int_equal(read_all(a, snap, 4), 2);
	put(a, 3);
	put(a, 4); /* both snapped messages are evicted */
	history_free(a);
	assert_string_equal(snap[0]->text, "msg 1");
	assert_string_equal(snap[1]->text, "msg 2");
	history_release(snap, 2);
	history_budget_free(b);
}

/* Runs this module's tests. */
/* A replay cursor reads what the room held when it started, in pieces,
 * and nothing added later. */
static void test_cursor_reads_in_pieces(void **state)
{
	struct history_budget *b = history_budget_new(BIG_BUDGET);
	struct history *h = history_new(b, 10);
	struct history_cursor c;
	const struct history_entry *got[2];

	(void)state;
	history_cursor_init(h, &c);
	assert_true(history_cursor_done(&c)); /* empty room: nothing to replay */
	for (int i = 1; i <= 3; i++)
		put(h, i);
	history_cursor_init(h, &c);
	put(h, 4); /* after the join: live only */
	assert_int_equal(history_cursor_read(h, &c, got, 2), 2);
	assert_string_equal(got[0]->text, "msg 1");
	assert_string_equal(got[1]->text, "msg 2");
	history_release(got, 2);
	assert_false(history_cursor_done(&c));
	assert_int_equal(history_cursor_read(h, &c, got, 2), 1);
	assert_string_equal(got[0]->text, "msg 3");
	history_release(got, 1);
	assert_true(history_cursor_done(&c));
	assert_int_equal(history_cursor_read(h, &c, got, 2), 0);
	history_cursor_release(&c);
	history_free(h);
	history_budget_free(b);
}

/* Messages evicted before the cursor reached them are skipped; the cursor's
 * own next message may be evicted too, and the room may go away. */
static void test_cursor_skips_evicted(void **state)
{
	size_t one = message_bytes();
	struct history_budget *b = history_budget_new(3 * one);
	struct history *h = history_new(b, 10);
	struct history_cursor c;
	const struct history_entry *got[4];

	(void)state;
	for (int i = 1; i <= 3; i++)
		put(h, i);
	history_cursor_init(h, &c);
	assert_int_equal(history_cursor_read(h, &c, got, 1), 1);
	assert_string_equal(got[0]->text, "msg 1");
	history_release(got, 1);
	put(h, 4);
	put(h, 5);
	put(h, 6); /* evicts 2 (the cursor's next) and 3 */
	assert_int_equal(history_cursor_read(h, &c, got, 4), 0);
	assert_true(history_cursor_done(&c));
	history_cursor_release(&c);

	history_cursor_init(h, &c); /* holds 4, 5, 6 */
	put(h, 7);                  /* evicts 4 only */
	assert_int_equal(history_cursor_read(h, &c, got, 4), 2);
	assert_string_equal(got[0]->text, "msg 5");
	assert_string_equal(got[1]->text, "msg 6");
	history_release(got, 2);
	assert_true(history_cursor_done(&c));
	history_cursor_release(&c);

	history_cursor_init(h, &c);
	history_free(h); /* the room goes; the cursor still holds its message */
	history_cursor_release(&c);
	history_budget_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overwrite),
	    cmocka_unit_test(test_small),
	    cmocka_unit_test(test_lazy_and_accounted),
	    cmocka_unit_test(test_budget_evicts_oldest_across_rooms),
	    cmocka_unit_test(test_cap_and_budget),
	    cmocka_unit_test(test_references_outlive_eviction),
	    cmocka_unit_test(test_cursor_reads_in_pieces),
	    cmocka_unit_test(test_cursor_skips_evicted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
