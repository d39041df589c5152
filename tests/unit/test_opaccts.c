/* Unit tests: opaccts (a room's op accounts) and dmpair (private
 * conversation targets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dmpair.h"
#include "opaccts.h"

/* Names are kept folded and found in any case; -o removes. */
static void test_add_has_remove(void **state)
{
	(void)state;
	struct opaccts l = {0};
	assert_false(opaccts_has(&l, "Alice"));
	assert_true(opaccts_add(&l, "Alice"));
	assert_true(opaccts_has(&l, "ALICE"));
	assert_false(opaccts_add(&l, "alice")); /* already the newest */
	assert_true(opaccts_add(&l, "Bob[1]"));
	char text[OPACCTS_TEXT_MAX];
	opaccts_format(&l, text, sizeof text);
	assert_string_equal(text, "alice bob{1}");
	assert_true(opaccts_remove(&l, "ALICE"));
	assert_false(opaccts_remove(&l, "alice"));
	assert_false(opaccts_has(&l, "alice"));
	assert_false(opaccts_add(&l, ""));
	opaccts_clear(&l);
	assert_int_equal(l.n, 0);
}

/* Past OPACCTS_MAX the least recently added goes; adding again refreshes. */
static void test_bounded(void **state)
{
	(void)state;
	struct opaccts l = {0};
	char name[16];
	for (int i = 0; i < OPACCTS_MAX; i++) {
		snprintf(name, sizeof name, "user%d", i);
		assert_true(opaccts_add(&l, name));
	}
	assert_true(opaccts_add(&l, "user0")); /* now the newest */
	assert_true(opaccts_add(&l, "extra"));
	assert_int_equal(l.n, OPACCTS_MAX);
	assert_true(opaccts_has(&l, "user0"));
	assert_false(opaccts_has(&l, "user1")); /* the oldest went */
	assert_true(opaccts_has(&l, "extra"));
	char text[OPACCTS_TEXT_MAX];
	opaccts_format(&l, text, sizeof text);
	struct opaccts back = {0};
	opaccts_parse(&back, text);
	assert_int_equal(back.n, OPACCTS_MAX);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(back.names[i], l.names[i]);
	opaccts_clear(&l);
	opaccts_clear(&back);
}

/* Stored text that is not a list of nicks is skipped, not trusted. */
static void test_parse_hostile(void **state)
{
	(void)state;
	struct opaccts l = {0};
	opaccts_parse(&l, "  good   #bad 1bad thisnameiswaytoolongtobeanickname ok  ");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "good");
	assert_string_equal(l.names[1], "ok");
	opaccts_parse(&l, NULL);
	assert_int_equal(l.n, 0);
	char big[4 * OPACCTS_TEXT_MAX] = "";
	for (int i = 0; i < 3 * OPACCTS_MAX; i++) {
		char one[16];
		snprintf(one, sizeof one, "n%d ", i);
		strcat(big, one);
	}
	opaccts_parse(&l, big);
	assert_int_equal(l.n, OPACCTS_MAX);
	assert_true(opaccts_has(&l, "n95")); /* the last ones win */
	opaccts_clear(&l);
	char small[8];
	opaccts_add(&l, "abcd");
	opaccts_add(&l, "efgh");
	opaccts_format(&l, small, sizeof small);
	assert_string_equal(small, "abcd"); /* only whole names */
	opaccts_clear(&l);
}

/* Both sides name the same target, folded and sorted. */
static void test_pair_key(void **state)
{
	(void)state;
	char k1[DMPAIR_KEY_MAX], k2[DMPAIR_KEY_MAX];
	assert_true(dmpair_key("Bob", "alice", k1));
	assert_true(dmpair_key("ALICE", "bob", k2));
	assert_string_equal(k1, "@alice,bob");
	assert_string_equal(k1, k2);
	assert_false(dmpair_key("", "bob", k1));
	assert_false(dmpair_key("a,b", "bob", k1));
	assert_false(dmpair_key("thisnameiswaytoolongtobeanickname", "bob", k1));
	char a[NICK_LEN_MAX + 1], b[NICK_LEN_MAX + 1], other[NICK_LEN_MAX + 1];
	assert_true(dmpair_split("@alice,bob", a, b));
	assert_string_equal(a, "alice");
	assert_string_equal(b, "bob");
	assert_false(dmpair_split("#room", a, b));
	assert_false(dmpair_split("@alice", a, b));
	assert_false(dmpair_split("@,bob", a, b));
	assert_false(dmpair_split("@a,b,c", a, b));
	assert_true(dmpair_other("@alice,bob", "Bob", other));
	assert_string_equal(other, "alice");
	assert_true(dmpair_other("@alice,bob", "alice", other));
	assert_string_equal(other, "bob");
	assert_false(dmpair_other("@alice,bob", "carol", other));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_has_remove),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_pair_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
