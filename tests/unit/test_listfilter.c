/* Unit tests for server/listfilter (LIST's ELIST=CMNTU filters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "listfilter.h"

#define MIN 60000LL
#define NOW (1000 * MIN)

/* A room of users members, created and topic-set that many minutes ago
 * (topic_ago < 0: no topic). */
static struct listfilter_room room(const char *name, size_t users, long long created_ago,
				   long long topic_ago)
{
	return (struct listfilter_room){name, users, NOW - created_ago * MIN,
					topic_ago < 0 ? 0 : NOW - topic_ago * MIN};
}

static void test_empty_passes_all(void **state)
{
	(void)state;
	struct listfilter_room r = room("#a", 1, 1, -1);
	assert_true(listfilter_match("", NOW, &r));
	assert_true(listfilter_match(",,", NOW, &r));
}

static void test_user_counts(void **state)
{
	(void)state;
	struct listfilter_room r = room("#a", 5, 1, -1);
	assert_true(listfilter_match(">4", NOW, &r));
	assert_false(listfilter_match(">5", NOW, &r));
	assert_true(listfilter_match("<6", NOW, &r));
	assert_false(listfilter_match("<5", NOW, &r));
	assert_true(listfilter_match(">2,<9", NOW, &r));
	assert_false(listfilter_match(">2,<3", NOW, &r));
}

static void test_creation_and_topic_times(void **state)
{
	(void)state;
	struct listfilter_room r = room("#a", 1, 30, 10);
	assert_true(listfilter_match("C>29", NOW, &r));
	assert_false(listfilter_match("C>30", NOW, &r));
	assert_true(listfilter_match("C<31", NOW, &r));
	assert_false(listfilter_match("c<30", NOW, &r));
	assert_true(listfilter_match("T<11", NOW, &r));
	assert_false(listfilter_match("T>10", NOW, &r));
	struct listfilter_room none = room("#b", 1, 30, -1);
	assert_false(listfilter_match("T<1000", NOW, &none));
	assert_false(listfilter_match("T>0", NOW, &none));
}

static void test_masks(void **state)
{
	(void)state;
	struct listfilter_room r = room("#Parley", 1, 1, -1);
	assert_true(listfilter_match("#par*", NOW, &r));
	assert_true(listfilter_match("#x*,#p*", NOW, &r)); /* masks: any one */
	assert_false(listfilter_match("#x*", NOW, &r));
	assert_false(listfilter_match("!#p*", NOW, &r));
	assert_true(listfilter_match("!#x*,!#y*", NOW, &r)); /* not-masks: every one */
	assert_false(listfilter_match("#p*,>3", NOW, &r));
	/* A number filter without a number is a mask. */
	assert_false(listfilter_match(">x", NOW, &r));
	struct listfilter_room odd = room(">x", 1, 1, -1);
	assert_true(listfilter_match(">x", NOW, &odd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_passes_all),
		cmocka_unit_test(test_user_counts),
		cmocka_unit_test(test_creation_and_topic_times),
		cmocka_unit_test(test_masks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
