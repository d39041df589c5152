/* Concurrency test of server/store: threads append and read while the store
 * thread commits (run under TSan and ASan by scripts/test-all). Each writer
 * owns one room, as a channel lock would make it: its messages reach the
 * store in seq order, and what it reads back must be exactly what it wrote
 * last, committed or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>

#include "store_test_util.h"

enum { WRITERS = 4, PER_WRITER = 1500, CHECK_EVERY = 37, PAGE = 50 };

static struct store *shared;
static atomic_ullong next_seq = 1;
static atomic_int failures;

/* One writer: appends to its room, checks LATEST and BEFORE against what
 * it wrote, and saves and reloads the room's state now and then. */
static void *writer_main(void *arg)
{
	int id = (int)(intptr_t)arg;
	char target[16];
	snprintf(target, sizeof target, "#w%d", id);
	unsigned long long mine[PER_WRITER];
	for (int i = 0; i < PER_WRITER; i++) {
		mine[i] = atomic_fetch_add(&next_seq, 1);
		test_append(shared, target, mine[i], 1000 + i);
		if (i % CHECK_EVERY)
			continue;
		struct history_page p = {0};
		struct history_query q = {.sel = HSEL_LATEST, .limit = PAGE};
		if (store_query(shared, target, &q, &p) != 0)
			atomic_fetch_add(&failures, 1);
		size_t want = i + 1 < PAGE ? (size_t)i + 1 : PAGE;
		if (p.n != want)
			atomic_fetch_add(&failures, 1);
		for (size_t k = 0; k < p.n && p.n == want; k++)
			if (p.items[k]->seq != mine[i + 1 - want + k])
				atomic_fetch_add(&failures, 1);
		history_page_free(&p);
		q = (struct history_query){.sel = HSEL_BEFORE, .a = {.kind = HREF_MSGID},
					   .limit = 5};
		test_msgid(mine[i], q.a.msgid);
		if (store_query(shared, target, &q, &p) != 0 ||
		    p.n != (i < 5 ? (size_t)i : 5) || (p.n && p.items[p.n - 1]->seq != mine[i - 1]))
			atomic_fetch_add(&failures, 1);
		history_page_free(&p);
		char topic[32];
		snprintf(topic, sizeof topic, "at %d", i);
		store_save_room(shared, target, &(struct store_room){.name = target, .topic = topic});
		struct store_room got;
		if (store_load_room(shared, target, &got) != 1 || strcmp(got.topic, topic) != 0)
			atomic_fetch_add(&failures, 1);
		store_room_free(&got);
	}
	return NULL;
}

/* A reader pages through every room while the writers write: pages are
 * oldest first and never repeat a seq. */
static void *pager_main(void *arg)
{
	(void)arg;
	for (int round = 0; round < 30; round++) {
		char target[16];
		snprintf(target, sizeof target, "#w%d", round % WRITERS);
		struct history_query q = {.sel = HSEL_LATEST, .limit = 100};
		unsigned long long below = ~0ULL;
		for (int pages = 0; pages < 100; pages++) {
			struct history_page p = {0};
			if (store_query(shared, target, &q, &p) != 0)
				atomic_fetch_add(&failures, 1);
			for (size_t k = 0; k < p.n; k++)
				if (p.items[k]->seq >= below || (k && p.items[k]->seq <= p.items[k - 1]->seq))
					atomic_fetch_add(&failures, 1);
			bool done = p.n < q.limit;
			if (!done) {
				below = p.items[0]->seq;
				q = (struct history_query){.sel = HSEL_BEFORE, .a = {.kind = HREF_MSGID},
							   .limit = 100};
				test_msgid(below, q.a.msgid);
			}
			history_page_free(&p);
			if (done)
				break;
		}
		const char *const names[] = {"#w0", "#w1", "#w2", "#w3"};
		size_t which[4];
		long long latest[4];
		if (store_targets(shared, names, 4, 0, 1LL << 40, 4, which, latest) < 0)
			atomic_fetch_add(&failures, 1);
	}
	return NULL;
}

/* Writers and a pager at once; then every message is in the file. */
static void test_store_concurrent(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	char err[512];
	shared = store_open(dir, &(struct store_limits){0}, err, sizeof err);
	assert_non_null(shared);
	pthread_t w[WRITERS], pager;
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, writer_main, (void *)(intptr_t)i), 0);
	assert_int_equal(pthread_create(&pager, NULL, pager_main, NULL), 0);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(w[i], NULL);
	pthread_join(pager, NULL);
	assert_int_equal(atomic_load(&failures), 0);
	store_close(shared);

	shared = store_open(dir, &(struct store_limits){0}, err, sizeof err);
	assert_non_null(shared);
	assert_int_equal(store_max_seq(shared), WRITERS * PER_WRITER);
	for (int i = 0; i < WRITERS; i++) {
		char target[16];
		snprintf(target, sizeof target, "#w%d", i);
		struct history_page p = {0};
		struct history_query q = {.sel = HSEL_LATEST, .limit = 10000};
		assert_int_equal(store_query(shared, target, &q, &p), 0);
		assert_int_equal(p.n, PER_WRITER);
		history_page_free(&p);
	}
	store_close(shared);
	test_rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
