/* Unit tests for server/flushq: which waiting queues a turn writes, in what
 * order. flushq.c is built into this test on its own; the two session calls
 * it makes are defined here and record what a turn did, so the order is
 * checked without sockets or threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "flushq.h"
#include "session.h"

#define POOL 1200

static struct session pool[POOL];
static int written[POOL * 2]; /* pool indexes, in the order written */
static size_t nwritten;
static size_t unrefs;
/* Called from inside the first write of a turn (what another thread does
 * meanwhile), then cleared. */
static void (*during_first_write)(void);

void session_flush(struct session *s)
{
	written[nwritten++] = (int)(s - pool);
	if (during_first_write) {
		void (*f)(void) = during_first_write;
		during_first_write = NULL;
		f();
	}
}

void session_unref(struct session *s)
{
	(void)s;
	unrefs++;
}

/* Adds pool[from .. from+n) as one batch (one sender's flush list). */
static void add_batch(int from, int n)
{
	struct session *batch[POOL];
	for (int i = 0; i < n; i++)
		batch[i] = &pool[from + i];
	flushq_add(batch, (size_t)n);
}

static int setup(void **state)
{
	(void)state;
	flushq_init(1);
	nwritten = unrefs = 0;
	during_first_write = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	flushq_free();
	return 0;
}

/* written[at .. at+n) is from, from+1, ... */
static void assert_written_run(size_t at, int from, int n)
{
	assert_true(nwritten >= at + (size_t)n);
	for (int i = 0; i < n; i++)
		assert_int_equal(written[at + (size_t)i], from + i);
}

/* A message to a few people does not wait behind one to many. */
static void test_small_batch_before_big_backlog(void **state)
{
	(void)state;
	add_batch(0, 300);  /* a JOIN into a big room */
	add_batch(300, 50); /* then a line in a small one */
	flushq_take_turn();
	assert_int_equal(nwritten, 350);
	assert_written_run(0, 300, 50);
	assert_written_run(50, 0, 300);
	assert_int_equal(unrefs, 350);
	assert_false(flushq_wants_help());
}

static void add_small_late(void)
{
	add_batch(500, 3);
}

/* A small batch that arrives during a turn over a big one is written after
 * the chunk being written, not after the rest of the big one. */
static void test_small_batch_jumps_ahead_mid_turn(void **state)
{
	(void)state;
	add_batch(0, 200);
	during_first_write = add_small_late;
	flushq_take_turn();
	assert_int_equal(nwritten, 203);
	assert_written_run(0, 0, 32);
	assert_written_run(32, 500, 3);
	assert_written_run(35, 32, 168);
}

/* Within a lane, batches keep their order (one order per room). */
static void test_fifo_within_each_lane(void **state)
{
	(void)state;
	add_batch(0, 10);
	add_batch(10, 100);
	add_batch(110, 20);
	add_batch(130, 70);
	flushq_take_turn();
	assert_int_equal(nwritten, 200);
	assert_written_run(0, 0, 10);
	assert_written_run(10, 110, 20);
	assert_written_run(30, 10, 100);
	assert_written_run(130, 130, 70);
}

/* FLUSHQ_PROMPT_MAX queues still count as small; one more does not. */
static void test_prompt_boundary(void **state)
{
	(void)state;
	add_batch(0, FLUSHQ_PROMPT_MAX + 1);
	add_batch(FLUSHQ_PROMPT_MAX + 1, FLUSHQ_PROMPT_MAX);
	flushq_take_turn();
	assert_written_run(0, FLUSHQ_PROMPT_MAX + 1, FLUSHQ_PROMPT_MAX);
	assert_written_run(FLUSHQ_PROMPT_MAX, 0, FLUSHQ_PROMPT_MAX + 1);
}

/* A turn is bounded; what is left asks for help until taken. */
static void test_turn_is_bounded(void **state)
{
	(void)state;
	add_batch(0, FLUSHQ_TURN + 88);
	flushq_take_turn();
	assert_int_equal(nwritten, FLUSHQ_TURN);
	assert_true(flushq_wants_help());
	flushq_take_turn();
	assert_int_equal(nwritten, FLUSHQ_TURN + 88);
	assert_written_run(0, 0, FLUSHQ_TURN + 88);
	assert_false(flushq_wants_help());
}

static void take_turn_inside(void)
{
	add_batch(900, 2);
	flushq_take_turn(); /* the writer slot is taken: must return at once */
	assert_int_equal(nwritten, 1);
	assert_false(flushq_wants_help());
}

/* With --writers 1, a second thread does not write while a turn is on. */
static void test_one_writer_at_a_time(void **state)
{
	(void)state;
	add_batch(0, 5);
	during_first_write = take_turn_inside;
	flushq_take_turn();
	assert_int_equal(nwritten, 7);
	assert_written_run(0, 0, 5);
	assert_written_run(5, 900, 2);
}

/* Shutdown drops every reference still waiting, in both lanes. */
static void test_free_drops_references(void **state)
{
	(void)state;
	add_batch(0, 3);
	add_batch(3, 100);
	flushq_free();
	assert_int_equal(nwritten, 0);
	assert_int_equal(unrefs, 103);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_batch_before_big_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_batch_jumps_ahead_mid_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_within_each_lane, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompt_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turn_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_writer_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_drops_references, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
