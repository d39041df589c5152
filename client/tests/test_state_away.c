/* Unit tests for client/state_away: away marks (away-notify, 301, 305/306,
 * WHO's H/G) and SETNAME lines, through the model's public contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "state_away.h"

#define NOW 1700000000000LL

/* Applies a line given as a literal (state_apply modifies its argument). */
static void feed(struct state *st, const char *line)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s", line);
	state_apply(st, buf, NOW);
}

/* Drops every pending display line. */
static void drain(struct state *st)
{
	struct state_line l;
	while (state_pop_line(st, &l))
		state_line_free(&l);
}

/* Expects the next line in window idx with text containing want. */
static void expect_line(struct state *st, size_t idx, enum state_line_kind kind, const char *want)
{
	struct state_line l;
	assert_true(state_pop_line(st, &l));
	if (!strstr(l.text, want))
		fail_msg("line '%s' does not contain '%s'", l.text, want);
	assert_int_equal(l.window, state_window_id(st, idx));
	assert_int_equal(l.kind, kind);
	state_line_free(&l);
}

/* Whether nick is listed in window idx as away; fails when not listed. */
static bool away_in(const struct state *st, size_t idx, const char *nick)
{
	for (size_t i = 0; i < state_member_count(st, idx); i++)
		if (strcmp(state_member_nick(st, idx, i), nick) == 0)
			return state_member_away(st, idx, i);
	fail_msg("%s is not listed in window %zu", nick, idx);
	return false;
}

/* Registered as alice in #a (alice, bob, carol) and #b (alice, bob), with a
 * query window for bob (index 3). */
static struct state *rooms(void)
{
	struct state *st = state_new("alice", "localhost");
	feed(st, ":parley 001 alice :Welcome");
	feed(st, ":parley 005 alice PREFIX=(ov)@+ CHANTYPES=# :are supported");
	feed(st, ":parley CAP alice ACK :away-notify setname");
	feed(st, ":alice!a@h JOIN #a");
	feed(st, ":parley 353 alice = #a :@alice bob carol");
	feed(st, ":parley 366 alice #a :End");
	feed(st, ":alice!a@h JOIN #b");
	feed(st, ":parley 353 alice = #b :alice bob");
	feed(st, ":parley 366 alice #b :End");
	assert_int_equal(state_window_open(st, WIN_QUERY, "bob"), 3);
	char *s;
	while ((s = state_pop_send(st)) != NULL)
		free(s);
	drain(st);
	return st;
}

/* AWAY with a text marks the nick in every room and its query window; AWAY
 * without one brings it back. */
static void test_away_notify(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	assert_null(state_window_away(st, 3));
	feed(st, ":bob!b@h AWAY :getting coffee");
	assert_true(away_in(st, 1, "bob"));
	assert_true(away_in(st, 2, "bob"));
	assert_false(away_in(st, 1, "carol"));
	assert_string_equal(state_window_away(st, 3), "getting coffee");
	assert_null(state_window_away(st, 1)); /* channels hold no text */
	feed(st, ":bob!b@h AWAY :back in 5");
	assert_string_equal(state_window_away(st, 3), "back in 5");
	feed(st, ":bob!b@h AWAY");
	assert_false(away_in(st, 1, "bob"));
	assert_false(away_in(st, 2, "bob"));
	assert_null(state_window_away(st, 3));
	/* AWAY is not a line anyone reads */
	assert_false(state_pop_line(st, &(struct state_line){0}));
	/* a server's AWAY (no user) or one about a stranger changes nothing */
	feed(st, ":parley AWAY :x");
	feed(st, ":zed!z@h AWAY :x");
	assert_false(away_in(st, 1, "bob"));
	assert_int_equal(state_member_count(st, 1), 3);
	assert_null(state_check(st));
	state_free(st);
}

/* A nick change keeps the mark; leaving every shared room, or quitting,
 * forgets it (leaving one of two does not). */
static void test_away_follows_nick(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":bob!b@h AWAY :lunch");
	feed(st, ":bob!b@h NICK robert");
	assert_true(away_in(st, 1, "robert"));
	assert_true(away_in(st, 2, "robert"));
	assert_string_equal(state_window_name(st, 3), "robert");
	assert_string_equal(state_window_away(st, 3), "lunch");
	feed(st, ":robert!b@h PART #a :bye");
	assert_string_equal(state_window_away(st, 3), "lunch"); /* still in #b */
	feed(st, ":alice!a@h KICK #b robert :out");
	assert_null(state_window_away(st, 3)); /* no room shared any more */
	feed(st, ":robert!b@h JOIN #a");
	assert_false(away_in(st, 1, "robert"));
	feed(st, ":robert!b@h AWAY :again");
	assert_string_equal(state_window_away(st, 3), "again");
	feed(st, ":robert!b@h QUIT :gone");
	assert_null(state_window_away(st, 3));
	assert_null(state_check(st));
	state_free(st);
}

/* When we leave the last room shared with a query's peer, its away text
 * is forgotten too (no AWAY would tell us it changed). */
static void test_away_forgotten_when_we_leave(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":bob!b@h AWAY :lunch");
	feed(st, ":alice!a@h PART #a");
	assert_string_equal(state_window_away(st, 3), "lunch"); /* #b still shared */
	feed(st, ":carol!c@h KICK #b alice :out");
	assert_null(state_window_away(st, 3));
	assert_null(state_check(st));
	state_free(st);
}

/* 301 (whois, or a message to someone away), WHO's G/H and our own 305/306
 * set the same marks; a disconnect forgets them all. */
static void test_away_numerics(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":parley 301 alice bob :on holiday");
	assert_true(away_in(st, 1, "bob"));
	assert_string_equal(state_window_away(st, 3), "on holiday");
	feed(st, ":parley 352 alice #a b h parley bob H :0 Bob");
	assert_false(away_in(st, 2, "bob"));
	assert_null(state_window_away(st, 3));
	feed(st, ":parley 352 alice #a c h parley carol G@ :0 Carol");
	assert_true(away_in(st, 1, "carol"));
	feed(st, ":parley 301 alice bob :on holiday");
	feed(st, ":parley 352 alice #a b h parley bob G :0 Bob");
	assert_string_equal(state_window_away(st, 3), "on holiday"); /* G keeps the text */
	feed(st, ":parley 306 alice :You have been marked as being away");
	assert_true(away_in(st, 1, "alice"));
	assert_true(away_in(st, 2, "alice"));
	feed(st, ":parley 305 alice :You are no longer marked as being away");
	assert_false(away_in(st, 1, "alice"));
	state_disconnected(st, "gone", NOW);
	assert_null(state_window_away(st, 3));
	state_set_current(st, 1);
	drain(st);
	feed(st, ":parley 315 alice #a :End of /WHO list."); /* nothing asked: shown */
	expect_line(st, 1, LINE_INFO, "End of WHO for #a");
	assert_null(state_check(st));
	state_free(st);
}

/* A long away text is cut to 300 bytes, never inside a UTF-8 sequence. */
static void test_away_text_bounded(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	char line[1200];
	int n = snprintf(line, sizeof(line), ":bob!b@h AWAY :x");
	for (int i = 0; i < 400; i++) /* "x" then 2-byte é: the cut falls inside one */
		n += snprintf(line + n, sizeof(line) - (size_t)n, "\xc3\xa9");
	feed(st, line);
	const char *away = state_window_away(st, 3);
	assert_non_null(away);
	assert_int_equal(strlen(away), 299);
	assert_int_equal((unsigned char)away[297], 0xc3);
	assert_int_equal((unsigned char)away[298], 0xa9);
	state_free(st);
}

/* SETNAME: a line in each room shared with the nick and its query window;
 * ours in the current window; strangers' nowhere. */
static void test_setname(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	assert_true(state_has_setname(st));
	feed(st, ":bob!b@h SETNAME :Robert Tables");
	expect_line(st, 1, LINE_EVENT, "bob changed their real name to: Robert Tables");
	expect_line(st, 2, LINE_EVENT, "bob changed their real name to: Robert Tables");
	expect_line(st, 3, LINE_EVENT, "bob changed their real name to: Robert Tables");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":carol!c@h SETNAME :Carol C");
	expect_line(st, 1, LINE_EVENT, "carol changed their real name to: Carol C");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":zed!z@h SETNAME :Nobody");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	state_set_current(st, 2);
	drain(st);
	feed(st, ":alice!a@h SETNAME :Alice A");
	expect_line(st, 2, LINE_INFO, "Your real name is now: Alice A");
	feed(st, ":parley FAIL SETNAME INVALID_REALNAME :A real name needs 1 to 100 bytes");
	expect_line(st, 2, LINE_ERROR, "Real name not changed: A real name needs 1 to 100 bytes");
	state_connected(st, "Connecting", NOW);
	assert_false(state_has_setname(st)); /* a new connection negotiates again */
	state_free(st);
}

/* With away-notify, our JOIN asks WHO for the room once, and its replies
 * mark who is away without a line; a WHO the user asks for shows as
 * before; without the capability no WHO is sent. */
static void test_who_on_join(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":alice!a@h JOIN #c");
	assert_null(state_pop_send(st)); /* not before the nick list is complete */
	feed(st, ":parley 353 alice = #c :alice dave");
	feed(st, ":parley 366 alice #c :End");
	char *s = state_pop_send(st);
	assert_non_null(s);
	assert_string_equal(s, "WHO #c");
	free(s);
	assert_null(state_pop_send(st));
	drain(st);
	feed(st, ":parley 352 alice #c a h parley alice H@ :0 Alice");
	feed(st, ":parley 352 alice #c d h parley dave G :0 Dave");
	feed(st, ":parley 315 alice #c :End of /WHO list.");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	assert_true(away_in(st, 4, "dave"));
	assert_false(away_in(st, 4, "alice"));
	/* the next WHO for the room is the user's: shown */
	state_set_current(st, 4);
	drain(st);
	feed(st, ":parley 352 alice #c d h parley dave H :0 Dave");
	assert_false(away_in(st, 4, "dave"));
	expect_line(st, 4, LINE_INFO, "#c: dave is d@h (Dave)");
	feed(st, ":parley 315 alice #c :End of /WHO list.");
	expect_line(st, 4, LINE_INFO, "End of WHO for #c");
	state_free(st);

	st = state_new("alice", "localhost");
	feed(st, ":parley 001 alice :Welcome");
	feed(st, ":alice!a@h JOIN #c");
	feed(st, ":parley 366 alice #c :End");
	assert_null(state_pop_send(st));
	state_free(st);
}

/* With WHOX in 005 our WHO asks only nick and flags, with our token: its
 * 354 lines mark and are hidden, while the rows of a WHO the user typed at
 * the same time (352) are shown, not taken for ours. */
static void test_who_on_join_whox(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":parley 005 alice WHOX :are supported");
	feed(st, ":alice!a@h JOIN #c");
	feed(st, ":parley 353 alice = #c :alice dave erin");
	feed(st, ":parley 366 alice #c :End");
	char *s = state_pop_send(st);
	assert_non_null(s);
	assert_string_equal(s, "WHO #c %tnf," STATE_AWAY_WHOX_TOKEN);
	free(s);
	state_set_current(st, 4);
	drain(st);
	feed(st, ":parley 352 alice #c e h parley erin H :0 Erin"); /* the user's WHO */
	expect_line(st, 4, LINE_INFO, "#c: erin is e@h (Erin)");
	feed(st, ":parley 354 alice " STATE_AWAY_WHOX_TOKEN " dave G");
	feed(st, ":parley 354 alice " STATE_AWAY_WHOX_TOKEN " erin H@");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	assert_true(away_in(st, 4, "dave"));
	assert_false(away_in(st, 4, "erin"));
	state_free(st);
}

/* A room bigger than STATE_AWAY_WHO_MAX gets no WHO after joining: its
 * reply would be a line per member for one dim attribute. */
static void test_no_who_in_big_room(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":alice!a@h JOIN #big");
	char line[64];
	for (int i = 0; i <= STATE_AWAY_WHO_MAX; i++) {
		snprintf(line, sizeof line, ":parley 353 alice = #big :n%d", i);
		feed(st, line);
	}
	feed(st, ":parley 366 alice #big :End");
	assert_null(state_pop_send(st));
	drain(st);
	/* a second NAMES (the user's /names) sends nothing either */
	feed(st, ":parley 366 alice #big :End");
	assert_null(state_pop_send(st));
	state_free(st);
}

/* A query window opened for a nick already marked away in a room we share
 * says so at once (the text is not known yet: AWAY came before the window). */
static void test_query_opened_for_away_member(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	feed(st, ":carol!c@h AWAY :lunch");
	int idx = state_window_open(st, WIN_QUERY, "carol");
	assert_true(idx > 0);
	assert_non_null(state_window_away(st, (size_t)idx));
	assert_string_equal(state_window_away(st, (size_t)idx), "");
	/* and one for a nick that is here stays without a mark */
	feed(st, ":parley 353 alice = #a :dave");
	idx = state_window_open(st, WIN_QUERY, "dave");
	assert_null(state_window_away(st, (size_t)idx));
	state_free(st);
}

/* A 301 (the answer to each message we send to someone away) repeats
 * nothing the query window in front of the user shows in its title already:
 * a paste of ten lines gave ten "bob is away" lines against ngircd. A new
 * text is shown, as is the 301 of a WHOIS, and one where the title is not
 * seen (another window current). */
static void test_repeated_301_not_shown(void **unused)
{
	(void)unused;
	struct state *st = rooms();
	state_set_current(st, 3);
	feed(st, ":bob!b@h AWAY :lunch");
	drain(st);
	feed(st, ":parley 301 alice bob :lunch");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":parley 301 alice bob :dinner");
	expect_line(st, 3, LINE_INFO, "bob is away: dinner");
	feed(st, ":parley 301 alice bob :dinner");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":parley 311 alice bob b h * :Bob");
	drain(st);
	feed(st, ":parley 301 alice bob :dinner");
	expect_line(st, 3, LINE_INFO, "bob is away: dinner");
	feed(st, ":parley 318 alice bob :End of WHOIS");
	drain(st);
	state_set_current(st, 1);
	feed(st, ":parley 301 alice bob :dinner");
	expect_line(st, 1, LINE_INFO, "bob is away: dinner");
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_away_notify),      cmocka_unit_test(test_away_follows_nick),
	    cmocka_unit_test(test_away_numerics),    cmocka_unit_test(test_away_text_bounded),
	    cmocka_unit_test(test_setname),         cmocka_unit_test(test_who_on_join),
	    cmocka_unit_test(test_away_forgotten_when_we_leave),
	    cmocka_unit_test(test_no_who_in_big_room),
	    cmocka_unit_test(test_who_on_join_whox),
	    cmocka_unit_test(test_query_opened_for_away_member),
	    cmocka_unit_test(test_repeated_301_not_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
