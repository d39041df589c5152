/* Unit tests for client/nicklist: hashed lookup, display order, bulk loads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "nicklist.h"

#define OP 1u    /* bit 0: the highest prefix mode */
#define VOICE 2u /* bit 1 */

/* Fails the test when the list's invariants do not hold. */
static void check(const struct nicklist *nl)
{
	const char *why = nicklist_check(nl);
	if (why)
		fail_msg("nicklist_check: %s", why);
}

/* The display order as "a b c". */
static const char *order(const struct nicklist *nl)
{
	static char buf[512];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nicklist_count(nl); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " " : "",
		                         nicklist_nick(nl, i));
	return buf;
}

/* Operators first, then voiced, then the rest; by name case-insensitively. */
static void test_order_and_lookup(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	assert_true(nicklist_add(nl, "zed", 0));
	assert_true(nicklist_add(nl, "Bob", VOICE));
	assert_true(nicklist_add(nl, "carol", OP));
	assert_true(nicklist_add(nl, "alice", 0));
	assert_true(nicklist_add(nl, "dave", OP | VOICE));
	assert_false(nicklist_add(nl, "ALICE", OP)); /* already there, unchanged */
	assert_string_equal(order(nl), "carol dave Bob alice zed");
	unsigned modes = 99;
	assert_true(nicklist_find(nl, "BOB", &modes));
	assert_int_equal(modes, VOICE);
	assert_true(nicklist_find(nl, "Alice", &modes));
	assert_int_equal(modes, 0);
	/* rfc1459: [ and { are the same letter */
	assert_true(nicklist_add(nl, "x[y]", 0));
	assert_true(nicklist_find(nl, "X{Y}", NULL));
	assert_false(nicklist_find(nl, "nobody", NULL));
	check(nl);
	nicklist_free(nl);
}

/* Mode changes move a member; removals and renames keep the order. */
static void test_changes(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	nicklist_add(nl, "alice", 0);
	nicklist_add(nl, "bob", 0);
	nicklist_add(nl, "carol", 0);
	assert_true(nicklist_set_modes(nl, "carol", OP));
	assert_string_equal(order(nl), "carol alice bob");
	assert_false(nicklist_set_modes(nl, "nobody", OP));
	assert_true(nicklist_rename(nl, "alice", "zoe"));
	assert_string_equal(order(nl), "carol bob zoe");
	assert_false(nicklist_find(nl, "alice", NULL));
	assert_true(nicklist_rename(nl, "zoe", "ZOE")); /* case only */
	assert_string_equal(order(nl), "carol bob ZOE");
	assert_true(nicklist_rename(nl, "carol", "Alex"));
	unsigned modes = 0;
	assert_true(nicklist_find(nl, "alex", &modes));
	assert_int_equal(modes, OP);
	assert_string_equal(order(nl), "Alex bob ZOE");
	/* renaming onto another member drops the old name */
	assert_true(nicklist_rename(nl, "bob", "zoe"));
	assert_string_equal(order(nl), "Alex ZOE");
	assert_false(nicklist_rename(nl, "nobody", "x"));
	assert_false(nicklist_rename(nl, "Alex", ""));
	assert_true(nicklist_remove(nl, "alex"));
	assert_false(nicklist_remove(nl, "alex"));
	assert_string_equal(order(nl), "ZOE");
	check(nl);
	nicklist_free(nl);
}

/* Empty and over-long names are refused. */
static void test_bad_names(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	char longname[NICKLIST_NICK_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(nicklist_add(nl, "", 0));
	assert_false(nicklist_add(nl, longname, 0));
	longname[NICKLIST_NICK_MAX] = '\0'; /* exactly the maximum */
	assert_true(nicklist_add(nl, longname, 0));
	assert_int_equal(nicklist_count(nl), 1);
	check(nl);
	nicklist_free(nl);
}

/* A bulk load appends, keeps lookups and removals working, sorts once. */
static void test_bulk(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	nicklist_bulk_begin(nl);
	assert_true(nicklist_in_bulk(nl));
	nicklist_add(nl, "zed", 0);
	nicklist_add(nl, "amy", OP);
	nicklist_add(nl, "kim", 0);
	assert_string_equal(order(nl), "zed amy kim"); /* as received */
	assert_true(nicklist_find(nl, "KIM", NULL));
	assert_true(nicklist_remove(nl, "zed"));
	nicklist_add(nl, "bea", VOICE);
	assert_true(nicklist_rename(nl, "kim", "al"));
	check(nl);
	nicklist_bulk_end(nl);
	assert_false(nicklist_in_bulk(nl));
	assert_string_equal(order(nl), "amy bea al");
	check(nl);
	nicklist_clear(nl);
	assert_int_equal(nicklist_count(nl), 0);
	assert_false(nicklist_in_bulk(nl));
	check(nl);
	nicklist_free(nl);
}

/* Thousands of members: every one found, the order sorted, removals right. */
static void test_many(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	char nick[32];
	nicklist_bulk_begin(nl);
	for (int i = 0; i < 5000; i++) {
		snprintf(nick, sizeof(nick), "u%d", (i * 7919) % 5000);
		assert_true(nicklist_add(nl, nick, i % 50 == 0 ? OP : 0));
	}
	nicklist_bulk_end(nl);
	for (int i = 0; i < 5000; i += 2) {
		snprintf(nick, sizeof(nick), "U%d", i);
		assert_true(nicklist_remove(nl, nick));
	}
	for (int i = 0; i < 100; i++) {
		snprintf(nick, sizeof(nick), "new%d", i);
		assert_true(nicklist_add(nl, nick, i % 3 == 0 ? VOICE : 0));
	}
	assert_int_equal(nicklist_count(nl), 2600);
	check(nl);
	assert_true(nicklist_find(nl, "u4999", NULL));
	assert_false(nicklist_find(nl, "u4998", NULL));
	nicklist_free(nl);
}

/* The away bit: set and cleared per member, kept through mode changes,
 * renames and bulk loads, gone with the member, never for a non-member. */
static void test_away(void **unused)
{
	(void)unused;
	struct nicklist *nl = nicklist_new();
	assert_true(nicklist_add(nl, "alice", 0));
	assert_true(nicklist_add(nl, "bob", OP));
	assert_false(nicklist_is_away(nl, "alice"));
	assert_true(nicklist_set_away(nl, "ALICE", true));
	assert_true(nicklist_is_away(nl, "alice"));
	assert_false(nicklist_set_away(nl, "nobody", true)); /* nothing grows */
	assert_int_equal(nicklist_count(nl), 2);
	assert_string_equal(order(nl), "bob alice");
	assert_true(nicklist_away(nl, 1));
	assert_false(nicklist_away(nl, 0));
	/* a mode change moves alice above bob; she stays away */
	assert_true(nicklist_set_modes(nl, "alice", OP | VOICE));
	assert_true(nicklist_is_away(nl, "alice"));
	/* a nick change keeps it */
	assert_true(nicklist_rename(nl, "alice", "alicia"));
	assert_true(nicklist_is_away(nl, "alicia"));
	assert_false(nicklist_is_away(nl, "alice"));
	/* a member added again after leaving starts present */
	assert_true(nicklist_remove(nl, "alicia"));
	assert_true(nicklist_add(nl, "alicia", 0));
	assert_false(nicklist_is_away(nl, "alicia"));
	assert_true(nicklist_set_away(nl, "bob", true));
	assert_true(nicklist_set_away(nl, "bob", false));
	assert_false(nicklist_is_away(nl, "bob"));
	/* in a bulk load the bit follows the member through the sort */
	nicklist_bulk_begin(nl);
	assert_true(nicklist_add(nl, "aaron", 0));
	assert_true(nicklist_set_away(nl, "aaron", true));
	nicklist_bulk_end(nl);
	assert_string_equal(order(nl), "bob aaron alicia");
	assert_true(nicklist_away(nl, 1));
	check(nl);
	nicklist_free(nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_lookup), cmocka_unit_test(test_changes),
	    cmocka_unit_test(test_bad_names),        cmocka_unit_test(test_bulk),
	    cmocka_unit_test(test_many),              cmocka_unit_test(test_away),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
