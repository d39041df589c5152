/* Unit tests for server/msgbuf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "msgbuf.h"

/* A new buffer holds a copy and one reference. */
static void test_new(void **state)
{
	char src[] = "PING :x\r\n";
	struct msgbuf *b = msgbuf_new(src, 9);

	(void)state;
	src[0] = 'Q';
	assert_int_equal(atomic_load(&b->refs), 1);
	assert_int_equal(b->len, 9);
	assert_memory_equal(b->data, "PING :x\r\n", 9);
	assert_ptr_equal(msgbuf_ref(b), b);
	assert_int_equal(atomic_load(&b->refs), 2);
	msgbuf_unref(b);
	assert_int_equal(atomic_load(&b->refs), 1);
	msgbuf_unref(b); /* frees; ASan would flag a leak or double free */

	b = msgbuf_new(NULL, 0);
	assert_int_equal(b->len, 0);
	msgbuf_unref(b);
	msgbuf_unref(NULL);
}

/* Refs and unrefs from many threads at once. */
static void *hammer(void *arg)
{
	struct msgbuf *b = arg;

	for (int i = 0; i < 100000; i++) {
		msgbuf_ref(b);
		msgbuf_unref(b);
	}
	return NULL;
}

/* Atomic counting survives contention. */
static void test_threads(void **state)
{
	struct msgbuf *b = msgbuf_new("x", 1);
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, b), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&b->refs), 1);
	msgbuf_unref(b);
}

/* Runs this module's tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
