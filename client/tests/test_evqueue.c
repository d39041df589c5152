/* Unit tests for client/evqueue: bounds, waiting pushes, close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "evqueue.h"

#define PUSHES 200

/* Pops the next event, failing if there is none, and checks its text. */
static void expect_pop(struct evqueue *q, const char *text)
{
	struct event *ev = evqueue_pop(q);
	assert_non_null(ev);
	assert_string_equal(ev->text, text);
	event_free(ev);
}

/* The queue refuses (try_push) past its event and byte bounds, and takes
 * again once something is popped; an empty queue takes any event. */
static void test_bounds(void **unused)
{
	(void)unused;
	struct evqueue *q = evqueue_new(3, 1000);
	assert_true(evqueue_try_push(q, EVENT_LINE, "a"));
	assert_true(evqueue_try_push(q, EVENT_LINE, "b"));
	assert_true(evqueue_try_push(q, EVENT_INFO, "c"));
	assert_false(evqueue_try_push(q, EVENT_LINE, "d"));
	assert_int_equal(evqueue_length(q), 3);
	expect_pop(q, "a");
	assert_true(evqueue_try_push(q, EVENT_LINE, "d"));
	evqueue_free(q);

	q = evqueue_new(100, 10);
	assert_true(evqueue_try_push(q, EVENT_LINE, "abcd")); /* 5 bytes with the NUL */
	assert_true(evqueue_try_push(q, EVENT_LINE, "efgh"));
	assert_false(evqueue_try_push(q, EVENT_LINE, "i"));
	expect_pop(q, "abcd");
	expect_pop(q, "efgh");
	assert_null(evqueue_pop(q));
	assert_true(evqueue_try_push(q, EVENT_LINE, "a line longer than the byte bound"));
	assert_false(evqueue_try_push(q, EVENT_LINE, "x"));
	evqueue_free(q);
}

/* The first event after empty makes the wake-up fd readable. */
static void test_wakeup(void **unused)
{
	(void)unused;
	struct evqueue *q = evqueue_new(4, 1000);
	struct pollfd p = {.fd = evqueue_fd(q), .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_true(evqueue_push(q, EVENT_LINE, "x"));
	assert_int_equal(poll(&p, 1, 0), 1);
	expect_pop(q, "x");
	p.revents = 0;
	assert_int_equal(poll(&p, 1, 0), 0);
	evqueue_free(q);
}

/* Pushes PUSHES numbered events, each waiting for room. */
static void *pusher(void *arg)
{
	struct evqueue *q = arg;
	char text[16];
	for (int i = 0; i < PUSHES; i++) {
		snprintf(text, sizeof(text), "%d", i);
		if (!evqueue_push(q, EVENT_LINE, text))
			return (void *)1;
	}
	return NULL;
}

/* A producer faster than the consumer waits instead of growing the queue;
 * every event arrives, in order. */
static void test_push_waits_for_room(void **unused)
{
	(void)unused;
	struct evqueue *q = evqueue_new(4, 1000);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, pusher, q), 0);
	char want[16];
	for (int got = 0; got < PUSHES;) {
		assert_true(evqueue_length(q) <= 4);
		struct event *ev = evqueue_pop(q);
		if (!ev) {
			struct pollfd p = {.fd = evqueue_fd(q), .events = POLLIN};
			poll(&p, 1, 1000); /* woken by the next push; the bound only guards a bug */
			continue;
		}
		snprintf(want, sizeof(want), "%d", got++);
		assert_string_equal(ev->text, want);
		event_free(ev);
	}
	void *rc;
	pthread_join(t, &rc);
	assert_null(rc);
	evqueue_free(q);
}

/* Pushes one event into a full queue; returns whether it was taken. */
static void *blocked_pusher(void *arg)
{
	return evqueue_push(arg, EVENT_LINE, "late") ? (void *)1 : NULL;
}

/* Closing releases a push waiting for room (it fails), and later pushes fail
 * at once: a network thread never hangs on a UI that has gone. */
static void test_close_releases(void **unused)
{
	(void)unused;
	struct evqueue *q = evqueue_new(1, 1000);
	assert_true(evqueue_push(q, EVENT_LINE, "first"));
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, blocked_pusher, q), 0);
	evqueue_close(q);
	void *rc;
	pthread_join(t, &rc);
	assert_null(rc);
	assert_false(evqueue_push(q, EVENT_INFO, "after"));
	assert_false(evqueue_try_push(q, EVENT_INFO, "after"));
	expect_pop(q, "first");
	assert_null(evqueue_pop(q));
	evqueue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_wakeup),
	    cmocka_unit_test(test_push_waits_for_room),
	    cmocka_unit_test(test_close_releases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
