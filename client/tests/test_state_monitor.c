/* Unit tests for client/state_monitor: MONITOR for private windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define NOW 1700000000000LL

/* Applies a line given as a literal (state_apply modifies its argument). */
static void feed(struct state *st, const char *line)
{
	char buf[8192];
	snprintf(buf, sizeof(buf), "%s", line);
	state_apply(st, buf, NOW);
	assert_null(state_check(st));
}

/* Drops every pending display line. */
static void drain(struct state *st)
{
	struct state_line l;
	while (state_pop_line(st, &l))
		state_line_free(&l);
}

/* Expects the next line to send to be want. */
static void expect_send(struct state *st, const char *want)
{
	char *s = state_pop_send(st);
	if (!s)
		fail_msg("nothing sent, expected '%s'", want);
	if (strcmp(s, want) != 0)
		fail_msg("sent '%s', expected '%s'", s, want);
	free(s);
}

/* Expects nothing (more) to be sent. */
static void expect_no_send(struct state *st)
{
	char *s = state_pop_send(st);
	if (s)
		fail_msg("unexpected send '%s'", s);
}

/* Expects the next display line, in window idx, to contain want. */
static void expect_line(struct state *st, size_t idx, const char *want)
{
	struct state_line l;
	assert_true(state_pop_line(st, &l));
	if (!strstr(l.text, want))
		fail_msg("line '%s' does not contain '%s'", l.text, want);
	assert_int_equal(l.window, state_window_id(st, idx));
	state_line_free(&l);
}

/* Expects no display line at all. */
static void expect_no_line(struct state *st)
{
	struct state_line l;
	if (state_pop_line(st, &l))
		fail_msg("unexpected line '%s'", l.text);
}

/* Registers alice; 005 carries monitor (e.g. "MONITOR=100", or "" for none). */
static void registered(struct state *st, const char *monitor)
{
	char line[256];
	state_connected(st, "Connected", NOW);
	feed(st, ":parley 001 alice :Welcome");
	snprintf(line, sizeof(line), ":parley 005 alice CHANTYPES=# %s :are supported", monitor);
	feed(st, line);
	drain(st);
}

static void test_no_monitor_token_sends_nothing(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "");
	int idx = state_window_open(st, WIN_QUERY, "bob");
	assert_true(idx > 0);
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, (size_t)idx), PEER_UNMONITORED);
	feed(st, ":parley 730 alice :bob!b@h");
	assert_int_equal(state_window_peer(st, (size_t)idx), PEER_UNMONITORED);
	assert_true(state_window_close(st, (size_t)idx));
	expect_no_send(st);
	state_free(st);
}

static void test_open_close_and_sync(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	state_connected(st, "Connected", NOW);
	feed(st, ":parley 001 alice :Welcome");
	int bob = state_window_open(st, WIN_QUERY, "bob"); /* before 005: sent with it */
	expect_no_send(st);
	feed(st, ":parley 005 alice MONITOR=100 :are supported");
	expect_send(st, "MONITOR + bob");
	expect_no_send(st);
	int carol = state_window_open(st, WIN_QUERY, "carol");
	expect_send(st, "MONITOR + carol");
	state_window_open(st, WIN_QUERY, "carol"); /* already open: nothing */
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, (size_t)bob), PEER_UNKNOWN);
	assert_true(state_window_close(st, (size_t)carol));
	expect_send(st, "MONITOR - carol");
	state_window_open(st, WIN_CHANNEL, "#room"); /* channels are not monitored */
	expect_no_send(st);
	state_free(st);
}

static void test_online_offline_lines(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "MONITOR=100");
	size_t bob = (size_t)state_window_open(st, WIN_QUERY, "bob");
	expect_send(st, "MONITOR + bob");
	feed(st, ":parley 731 alice :bob");
	assert_int_equal(state_window_peer(st, bob), PEER_OFFLINE);
	expect_line(st, bob, "bob is offline");
	expect_no_line(st);
	feed(st, ":parley 731 alice :bob"); /* no change: no line */
	expect_no_line(st);
	feed(st, ":parley 730 alice :carl!c@h,BOB!b@h,bad nick!x@y,*");
	assert_int_equal(state_window_peer(st, bob), PEER_ONLINE);
	expect_line(st, bob, "bob is online");
	expect_no_line(st); /* carl has no window */
	feed(st, ":parley 730 alice :bob!b@h");
	expect_no_line(st);
	feed(st, ":parley 731 alice :bob");
	expect_line(st, bob, "bob went offline");
	expect_no_line(st);
	feed(st, ":parley 730 alice"); /* no list: ignored */
	feed(st, ":parley 730 alice :");
	expect_no_line(st);
	state_free(st);
}

/* A peer whose QUIT the query window showed is offline already: the 731
 * that follows adds no second line saying so. */
static void test_quit_then_offline_one_line(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "MONITOR=100");
	size_t bob = (size_t)state_window_open(st, WIN_QUERY, "bob");
	expect_send(st, "MONITOR + bob");
	feed(st, ":parley 730 alice :bob!b@h");
	expect_line(st, bob, "bob is online");
	feed(st, ":bob!b@h QUIT :Quit: bye");
	expect_line(st, bob, "bob quit (Quit: bye)");
	assert_int_equal(state_window_peer(st, bob), PEER_OFFLINE);
	feed(st, ":parley 731 alice :bob");
	expect_no_line(st);
	feed(st, ":parley 730 alice :bob!b@h");
	expect_line(st, bob, "bob is online");
	state_free(st);
}

/* MONITOR=2: the third window is not monitored and says why; closing one
 * gives its place to the third. */
static void test_limit_from_isupport(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	state_connected(st, "Connected", NOW);
	feed(st, ":parley 001 alice :Welcome");
	size_t a = (size_t)state_window_open(st, WIN_QUERY, "a");
	state_window_open(st, WIN_QUERY, "b");
	size_t c = (size_t)state_window_open(st, WIN_QUERY, "c");
	drain(st);
	feed(st, ":parley 005 alice MONITOR=2 :are supported");
	expect_send(st, "MONITOR + a,b");
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, c), PEER_FULL);
	expect_line(st, c, "not monitored: the server's MONITOR list is full");
	expect_line(st, 0, "MONITOR=2"); /* ISUPPORT is shown in the server window */
	size_t d = (size_t)state_window_open(st, WIN_QUERY, "d");
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, d), PEER_FULL);
	expect_line(st, d, "not monitored");
	assert_true(state_window_close(st, a));
	expect_send(st, "MONITOR - a");
	expect_send(st, "MONITOR + c");
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, c - 1), PEER_UNKNOWN);
	assert_int_equal(state_window_peer(st, d - 1), PEER_FULL);
	state_free(st);
}

/* 734 from the server: the refused nicks' windows say so, once. */
static void test_list_full_numeric(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "MONITOR=100");
	size_t bob = (size_t)state_window_open(st, WIN_QUERY, "bob");
	expect_send(st, "MONITOR + bob");
	drain(st);
	feed(st, ":parley 734 alice 100 bob,zed :Monitor list is full.");
	assert_int_equal(state_window_peer(st, bob), PEER_FULL);
	expect_line(st, bob, "not monitored: the server's MONITOR list is full");
	expect_no_line(st);
	feed(st, ":parley 734 alice 100 bob :Monitor list is full.");
	expect_no_line(st);
	feed(st, ":parley 730 alice :bob!b@h"); /* not ours to believe now */
	assert_int_equal(state_window_peer(st, bob), PEER_FULL);
	expect_no_line(st);
	/* The server's list is full: a new window does not ask again. */
	size_t carol = (size_t)state_window_open(st, WIN_QUERY, "carol");
	expect_no_send(st);
	assert_int_equal(state_window_peer(st, carol), PEER_FULL);
	state_free(st);
}

/* The peer changes nick: the window follows and so does the list. */
static void test_nick_change(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "MONITOR=100");
	size_t bob = (size_t)state_window_open(st, WIN_QUERY, "bob");
	expect_send(st, "MONITOR + bob");
	feed(st, ":parley 730 alice :bob!b@h");
	drain(st);
	feed(st, ":bob!b@h NICK bobby");
	assert_string_equal(state_window_name(st, bob), "bobby");
	expect_send(st, "MONITOR - bob");
	expect_send(st, "MONITOR + bobby");
	expect_no_send(st);
	feed(st, ":bobby!b@h NICK Bobby"); /* case only: the same nick */
	expect_no_send(st);
	state_free(st);
}

/* After a reconnect the whole list goes again, in lines of at most 510
 * bytes; a peer whose state did not change gets no second line. */
static void test_reconnect_resends(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	registered(st, "MONITOR=100");
	char nick[40];
	for (int i = 0; i < 40; i++) {
		snprintf(nick, sizeof(nick), "n%029d", i);
		assert_true(state_window_open(st, WIN_QUERY, nick) > 0);
		char *s = state_pop_send(st);
		assert_non_null(s);
		free(s);
	}
	feed(st, ":parley 731 alice :n00000000000000000000000000000");
	drain(st);
	state_disconnected(st, "gone", NOW);
	assert_int_equal(state_window_peer(st, 1), PEER_UNMONITORED);
	registered(st, "MONITOR=100");
	int total = 0;
	char *s;
	while ((s = state_pop_send(st)) != NULL) {
		assert_true(strlen(s) <= 510);
		assert_true(strncmp(s, "MONITOR + ", 10) == 0);
		for (char *p = s + 9; p; p = strchr(p + 1, ','))
			total++;
		free(s);
	}
	assert_int_equal(total, 40);
	feed(st, ":parley 731 alice :n00000000000000000000000000000");
	expect_no_line(st); /* it was offline before: no repeat */
	feed(st, ":parley 730 alice :n00000000000000000000000000000!u@h");
	expect_line(st, 1, "is online");
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_monitor_token_sends_nothing),
	    cmocka_unit_test(test_open_close_and_sync),
	    cmocka_unit_test(test_online_offline_lines),
	    cmocka_unit_test(test_quit_then_offline_one_line),
	    cmocka_unit_test(test_limit_from_isupport),
	    cmocka_unit_test(test_list_full_numeric),
	    cmocka_unit_test(test_nick_change),
	    cmocka_unit_test(test_reconnect_resends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
