/* Unit tests for client/state: the IRC client model. */
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
#define IRC_TEST_LINE 2048

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

/* Pops the next line, failing the test if there is none. */
static struct state_line pop(struct state *st)
{
	struct state_line l;
	assert_true(state_pop_line(st, &l));
	return l;
}

/* Expects the next line in window idx with text containing want. */
static void expect_line(struct state *st, size_t idx, enum state_line_kind kind, const char *want)
{
	struct state_line l = pop(st);
	if (!strstr(l.text, want))
		fail_msg("line '%s' does not contain '%s'", l.text, want);
	assert_int_equal(l.window, state_window_id(st, idx));
	assert_int_equal(l.kind, kind);
	state_line_free(&l);
}

/* A state registered as alice with #lobby joined by alice and bob (@alice). */
static struct state *lobby(void)
{
	struct state *st = state_new("alice", "localhost");
	state_window_open(st, WIN_CHANNEL, "#lobby");
	feed(st, ":parley 001 alice :Welcome to parley, alice");
	feed(st, ":parley 005 alice PREFIX=(ov)@+ CHANTYPES=# CHANMODES=b,k,l,int :are supported");
	feed(st, ":alice!alice@127.0.0.1 JOIN #lobby");
	feed(st, ":parley 353 alice = #lobby :@alice bob");
	feed(st, ":parley 366 alice #lobby :End of /NAMES list.");
	char *s;
	while ((s = state_pop_send(st)) != NULL)
		free(s);
	drain(st);
	return st;
}

/* draft/multiline: the limits only when the capability, batch and a usable
 * value came; a received batch is one message (first line with nick and
 * time, the rest continuation lines, concat joined); bounds cut it. */
static void test_multiline(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	struct multiline_limits lim;
	assert_false(state_multiline_limits(st, &lim));
	feed(st,
	     ":parley CAP * LS :batch echo-message draft/multiline=max-bytes=4096,max-lines=24");
	feed(st, ":parley CAP alice ACK :batch draft/multiline");
	assert_true(state_multiline_limits(st, &lim));
	assert_int_equal(lim.max_lines, 24);
	drain(st);
	feed(st, "@time=2026-12-01T10:00:00.000Z :bob!b@h BATCH +m1 draft/multiline #lobby");
	feed(st, "@batch=m1 :bob!b@h PRIVMSG #lobby :first");
	feed(st, "@batch=m1;draft/multiline-concat :bob!b@h PRIVMSG #lobby : joined");
	feed(st, "@batch=m1 :bob!b@h PRIVMSG #lobby :");
	feed(st, "@batch=m1 :bob!b@h PRIVMSG #lobby :third");
	assert_false(state_pop_line(st, &(struct state_line){0})); /* nothing before the end */
	feed(st, ":bob!b@h BATCH -m1");
	struct state_line l = pop(st);
	assert_string_equal(l.text, "first joined");
	assert_string_equal(l.nick, "bob");
	assert_false(l.cont);
	assert_true(l.unix_ms == 1796119200000LL);
	state_line_free(&l);
	l = pop(st);
	assert_true(l.cont);
	assert_string_equal(l.text, "");
	state_line_free(&l);
	l = pop(st);
	assert_true(l.cont);
	assert_string_equal(l.text, "third");
	assert_int_equal(l.window, state_window_id(st, 1));
	state_line_free(&l);
	assert_false(state_pop_line(st, &(struct state_line){0}));
	/* Too many lines: what came is shown with a note, the rest one by one. */
	feed(st, ":bob!b@h BATCH +m2 draft/multiline #lobby");
	for (int i = 0; i < MULTILINE_RECV_LINES_MAX + 2; i++)
		feed(st, "@batch=m2 :bob!b@h PRIVMSG #lobby :x");
	size_t cont = 0, plain = 0, notes = 0;
	while (state_pop_line(st, &l)) {
		cont += l.cont;
		plain += !l.cont && l.kind == LINE_MESSAGE;
		notes += l.kind == LINE_INFO;
		state_line_free(&l);
	}
	assert_int_equal(cont, MULTILINE_RECV_LINES_MAX - 1);
	assert_int_equal(plain, 3);
	assert_int_equal(notes, 1);
	feed(st, ":bob!b@h BATCH -m2");
	/* Our own block without echo-message: shown at once, as one block. */
	const char *mine[] = {"my first", "", "my third"};
	state_own_block(st, "#lobby", mine, 3, NOW);
	l = pop(st);
	assert_true(l.own && !l.cont);
	assert_string_equal(l.text, "my first");
	state_line_free(&l);
	l = pop(st);
	assert_true(l.own && l.cont);
	state_line_free(&l);
	l = pop(st);
	assert_true(l.own && l.cont);
	assert_string_equal(l.text, "my third");
	state_line_free(&l);
	assert_false(state_pop_line(st, &(struct state_line){0}));
	/* A batch that never ends: shown, with a note, at the disconnect. */
	feed(st, ":bob!b@h BATCH +m3 draft/multiline #lobby");
	feed(st, "@batch=m3 :bob!b@h PRIVMSG #lobby :dangling");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	state_disconnected(st, "gone", NOW);
	l = pop(st);
	assert_string_equal(l.text, "dangling");
	state_line_free(&l);
	expect_line(st, 1, LINE_INFO, "never ended");
	drain(st);
	assert_false(state_multiline_limits(st, &lim));
	/* One still open when the model is freed: freed with it (ASan). */
	feed(st, ":bob!b@h BATCH +m4 draft/multiline #lobby");
	feed(st, "@batch=m4 :bob!b@h PRIVMSG #lobby :left open");
	state_free(st);
}

/* CAP DEL (cap-notify, implied by CAP LS 302) takes a capability away: the
 * client must stop using it, so no more draft/multiline batches and our own
 * lines are shown at once instead of waiting for echoes that will not come. */
static void test_cap_del(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	struct multiline_limits lim;
	feed(st, ":parley CAP * LS :batch echo-message draft/multiline=max-bytes=4096");
	feed(st, ":parley CAP alice ACK :batch echo-message draft/multiline");
	assert_true(state_multiline_limits(st, &lim));
	feed(st, ":parley CAP alice DEL :draft/multiline echo-message");
	assert_false(state_multiline_limits(st, &lim));
	drain(st);
	const char *mine[] = {"one", "two"};
	state_own_block(st, "#lobby", mine, 2, NOW);
	struct state_line l = pop(st);
	assert_string_equal(l.text, "one");
	state_line_free(&l);
	l = pop(st);
	assert_true(l.cont);
	assert_string_equal(l.text, "two");
	state_line_free(&l);
	/* batch taken away: multiline is unusable even if still acked */
	feed(st, ":parley CAP alice ACK :draft/multiline");
	feed(st, ":parley CAP alice DEL :batch");
	assert_false(state_multiline_limits(st, &lim));
	state_free(st);
}

/* A FAIL standard reply (e.g. our paste's batch refused) answers what the
 * user just did: an error in the window they look at, not a note in the
 * server window they do not see. */
static void test_fail_in_current_window(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	state_set_current(st, 1);
	feed(st, ":parley FAIL BATCH MULTILINE_INVALID :Invalid multiline batch");
	expect_line(st, 1, LINE_ERROR, "Invalid multiline batch");
	state_free(st);
}

/* SASL numerics and account registration's answers read as sentences; the
 * AUTHENTICATE exchange shows nothing. */
static void test_account_lines(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	state_set_current(st, 1); /* answers to /login go where the user is */
	drain(st);
	feed(st, "AUTHENTICATE +");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":parley 900 alice alice!a@h alice :You are now logged in as alice");
	expect_line(st, 1, LINE_INFO, "You are logged in as alice");
	feed(st, ":parley 903 alice :SASL authentication successful");
	feed(st, ":parley 908 alice PLAIN :are available SASL mechanisms");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed(st, ":parley 904 alice :Invalid account name or password");
	expect_line(st, 1, LINE_ERROR, "Login failed: Invalid account name or password");
	feed(st, ":parley REGISTER SUCCESS alice :Account created");
	expect_line(st, 1, LINE_INFO, "The account alice is registered");
	feed(st, ":parley FAIL REGISTER ACCOUNT_EXISTS alice :Account already exists");
	expect_line(st, 1, LINE_ERROR, "Registration refused: Account already exists");
	state_free(st);
}

/* A channel name with a control character (a hostile server's JOIN for
 * us) gets no window: its name would go back to the server in the JOIN
 * after a reconnect (and in CHATHISTORY), and a CR there would end the
 * line early (the fuzzer found it). */
static void test_join_with_control_in_name(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	feed(st, ":parley 001 alice :Welcome");
	free(state_pop_send(st));
	feed(st, ":alice!a@h JOIN \r#bad");
	feed(st, ":alice!a@h JOIN #b\x01d");
	feed(st, ":alice!a@h JOIN #good");
	assert_int_equal(state_window_count(st), 2);
	feed(st, ":parley 001 alice :Welcome");
	char *s = state_pop_send(st);
	assert_string_equal(s, "JOIN #good");
	free(s);
	assert_null(state_pop_send(st));
	state_free(st);
}

/* The welcome after a (re)connect joins every channel window. */
static void test_welcome_joins_rooms(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	state_window_open(st, WIN_CHANNEL, "#lobby");
	state_window_open(st, WIN_CHANNEL, "#dev");
	state_window_open(st, WIN_QUERY, "bob");
	assert_null(state_pop_send(st));
	feed(st, ":parley 001 alice_ :Welcome");
	char *s = state_pop_send(st);
	assert_string_equal(s, "JOIN #lobby,#dev");
	free(s);
	assert_null(state_pop_send(st));
	drain(st);
	assert_string_equal(state_nick(st), "alice_");
	assert_true(state_registered(st));
	state_disconnected(st, "gone", NOW);
	assert_false(state_registered(st));
	assert_int_equal(state_member_count(st, 1), 0);
	for (size_t i = 0; i < 4; i++)
		expect_line(st, i, LINE_ERROR, "Disconnected: gone");
	drain(st);
	feed(st, ":parley 001 alice :Welcome");
	s = state_pop_send(st);
	assert_string_equal(s, "JOIN #lobby,#dev");
	free(s);
	state_free(st);
}

/* JOIN by us, 353/366, and JOIN/PART/QUIT of others. */
static void test_join_part_quit(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	assert_int_equal(state_window_count(st), 2);
	assert_true(state_window_joined(st, 1));
	assert_int_equal(state_member_count(st, 1), 2);
	assert_string_equal(state_member_nick(st, 1, 0), "alice");
	assert_int_equal(state_member_prefix(st, 1, 0), '@');
	assert_string_equal(state_member_nick(st, 1, 1), "bob");
	assert_int_equal(state_member_prefix(st, 1, 1), ' ');

	feed(st, ":carol!carol@10.0.0.3 JOIN #lobby");
	expect_line(st, 1, LINE_EVENT, "carol (carol@10.0.0.3) joined #lobby");
	assert_int_equal(state_member_count(st, 1), 3);
	feed(st, ":carol!carol@10.0.0.3 PART #lobby :bye");
	expect_line(st, 1, LINE_EVENT, "carol left #lobby (bye)");
	assert_int_equal(state_member_count(st, 1), 2);
	feed(st, ":BOB!bob@10.0.0.2 QUIT :Quit: gone");
	expect_line(st, 1, LINE_EVENT, "quit (Quit: gone)");
	assert_int_equal(state_member_count(st, 1), 1);
	assert_false(state_pop_line(st, &(struct state_line){0}));

	feed(st, ":alice!alice@127.0.0.1 PART #lobby");
	expect_line(st, 1, LINE_EVENT, "You left #lobby");
	assert_false(state_window_joined(st, 1));
	assert_int_equal(state_member_count(st, 1), 0);
	state_free(st);
}

/* The names list keeps user@host out and knows both prefixes. */
static void test_names_prefixes(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":parley 353 alice = #lobby :+zed @bob!b@h alice amy");
	feed(st, ":parley 366 alice #lobby :End");
	expect_line(st, 1, LINE_INFO, "#lobby: 4 users: @bob +zed alice amy");
	assert_string_equal(state_member_nick(st, 1, 0), "bob");
	assert_string_equal(state_member_nick(st, 1, 1), "zed");
	assert_int_equal(state_member_prefix(st, 1, 1), '+');
	state_free(st);
}

/* MODE +o/-o/+v changes prefixes; other modes with parameters are skipped. */
static void test_mode_prefixes(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":alice!alice@h MODE #lobby +ko secret bob");
	expect_line(st, 1, LINE_EVENT, "alice sets mode +ko secret bob");
	assert_string_equal(state_member_nick(st, 1, 0), "alice");
	assert_int_equal(state_member_prefix(st, 1, 1), '@');
	feed(st, ":alice!alice@h MODE #lobby -o+v bob bob");
	drain(st);
	assert_int_equal(state_member_prefix(st, 1, 1), '+');
	feed(st, ":alice!alice@h MODE #lobby -o alice");
	drain(st);
	/* now bob (+) sorts before alice (none) */
	assert_string_equal(state_member_nick(st, 1, 0), "bob");
	assert_int_equal(state_member_prefix(st, 1, 1), ' ');
	state_free(st);
}

/* Channel PRIVMSG, NOTICE and ACTION, and their activity. */
static void test_messages(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":bob!bob@h PRIVMSG #lobby :hello there");
	struct state_line l = pop(st);
	assert_int_equal(l.kind, LINE_MESSAGE);
	assert_string_equal(l.nick, "bob");
	assert_string_equal(l.text, "hello there");
	assert_false(l.own);
	assert_false(l.mention);
	assert_int_equal(l.unix_ms, NOW);
	state_line_free(&l);
	/* the server window is current: #lobby gets activity */
	assert_int_equal(state_window_activity(st, 1), ACT_MESSAGE);
	state_set_current(st, 1);
	assert_int_equal(state_window_activity(st, 1), ACT_NONE);

	feed(st, ":bob!bob@h PRIVMSG #lobby :\001ACTION waves\001");
	l = pop(st);
	assert_int_equal(l.kind, LINE_ACTION);
	assert_string_equal(l.text, "waves");
	state_line_free(&l);
	feed(st, ":bob!bob@h NOTICE #lobby :note");
	expect_line(st, 1, LINE_NOTICE, "note");
	feed(st, ":parley NOTICE alice :*** server notice");
	expect_line(st, 0, LINE_NOTICE, "server notice");
	assert_int_equal(state_window_activity(st, 1), ACT_NONE);
	assert_int_equal(state_window_activity(st, 0), ACT_MESSAGE);
	state_free(st);
}

/* A private message opens a query window, which counts as a mention. */
static void test_private_message_opens_query(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":carol!carol@h PRIVMSG alice :psst");
	assert_int_equal(state_window_count(st), 3);
	assert_int_equal(state_window_kind(st, 2), WIN_QUERY);
	assert_string_equal(state_window_name(st, 2), "carol");
	struct state_line l = pop(st);
	assert_int_equal(l.window, state_window_id(st, 2));
	assert_true(l.mention);
	state_line_free(&l);
	assert_int_equal(state_window_activity(st, 2), ACT_MENTION);
	/* a second one goes to the same window, whatever the case */
	feed(st, ":CAROL!carol@h PRIVMSG alice :again");
	expect_line(st, 2, LINE_MESSAGE, "again");
	assert_int_equal(state_window_count(st), 3);
	/* the query follows carol's nick change */
	feed(st, ":carol!carol@h NICK carla");
	expect_line(st, 2, LINE_EVENT, "carol is now known as carla");
	assert_string_equal(state_window_name(st, 2), "carla");
	/* and sees her quit */
	feed(st, ":carla!carol@h QUIT :bye");
	expect_line(st, 2, LINE_EVENT, "carla quit (bye)");
	state_free(st);
}

/* Our own messages: shown locally without echo-message, from the echo with it. */
static void test_own_messages_and_echo(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	size_t idx = state_own_message(st, "#lobby", LINE_MESSAGE, "hi", NOW);
	assert_int_equal(idx, 1);
	struct state_line l = pop(st);
	assert_true(l.own);
	assert_string_equal(l.nick, "alice");
	state_line_free(&l);
	/* /msg to a nick opens a query window */
	idx = state_own_message(st, "dave", LINE_MESSAGE, "yo", NOW);
	assert_int_equal(idx, 2);
	assert_string_equal(state_window_name(st, 2), "dave");
	drain(st);

	feed(st, ":parley CAP alice ACK :server-time echo-message");
	assert_true(state_echo_message(st));
	state_own_message(st, "#lobby", LINE_MESSAGE, "hi", NOW);
	assert_false(state_pop_line(st, &l));
	feed(st, ":alice!alice@h PRIVMSG #lobby :hi");
	l = pop(st);
	assert_true(l.own);
	assert_false(l.mention);
	assert_int_equal(l.window, state_window_id(st, 1));
	state_line_free(&l);
	/* an echoed private message goes to the target's window */
	feed(st, ":alice!alice@h PRIVMSG erin :hey");
	assert_string_equal(state_window_name(st, 3), "erin");
	expect_line(st, 3, LINE_MESSAGE, "hey");
	state_free(st);
}

/* server-time gives the line its original time. */
static void test_server_time(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, "@time=2023-11-14T22:13:20.123Z :bob!bob@h PRIVMSG #lobby :old news");
	struct state_line l = pop(st);
	assert_int_equal(l.unix_ms, 1700000000123LL);
	state_line_free(&l);
	/* a malformed time is ignored */
	feed(st, "@time=yesterday :bob!bob@h PRIVMSG #lobby :now");
	l = pop(st);
	assert_int_equal(l.unix_ms, NOW);
	state_line_free(&l);
	long long t;
	assert_int_equal(state_parse_time("2023-11-14T22:13:20Z", &t), 0);
	assert_int_equal(t, 1700000000000LL);
	assert_int_equal(state_parse_time("2023-11-14T22:13:20", &t), -1);
	assert_int_equal(state_parse_time("2023-13-14T22:13:20Z", &t), -1);
	assert_int_equal(state_parse_time("2023-11-14T22:13:20.5Z", &t), 0);
	assert_int_equal(t, 1700000000500LL);
	assert_int_equal(state_parse_time("2023-11-14T22:13:20.123456Z", &t), 0);
	assert_int_equal(t, 1700000000123LL);
	assert_int_equal(state_parse_time("2023-11-14T22:13:20.Z", &t), -1);
	assert_int_equal(state_parse_time("2023-11-14T22:13:60Z", &t), 0); /* leap second */
	assert_int_equal(state_parse_time("2023-11-14T22:13:61Z", &t), -1);
	assert_int_equal(state_parse_time("2023-11-14T24:13:20Z", &t), -1);
	assert_int_equal(state_parse_time("2023-11-00T22:13:20Z", &t), -1);
	assert_int_equal(state_parse_time("2023-11-14 22:13:20Z", &t), -1);
	assert_int_equal(state_parse_time("2023-1-14T22:13:20Z", &t), -1);
	assert_int_equal(state_parse_time("", &t), -1);
	state_free(st);
}

/* Mentions: our nick as a word, rfc1459 case-insensitively. */
static void test_mentions(void **unused)
{
	(void)unused;
	assert_true(state_mentions("alice: hi", "alice"));
	assert_true(state_mentions("hi ALICE!", "alice"));
	assert_true(state_mentions("@alice", "alice"));
	assert_true(state_mentions("alice", "alice"));
	assert_false(state_mentions("malice aforethought", "alice"));
	assert_false(state_mentions("alices", "alice"));
	assert_false(state_mentions("alice_ there", "alice"));
	assert_true(state_mentions("hi {x}", "[X]"));
	assert_false(state_mentions("", "alice"));

	struct state *st = lobby();
	state_set_current(st, 0);
	feed(st, ":bob!bob@h PRIVMSG #lobby :Alice, look");
	struct state_line l = pop(st);
	assert_true(l.mention);
	state_line_free(&l);
	assert_int_equal(state_window_activity(st, 1), ACT_MENTION);
	state_free(st);
}

/* Our nick changes: the model follows; 433 is reported. */
static void test_own_nick_change(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":alice!alice@h NICK alicia");
	assert_string_equal(state_nick(st), "alicia");
	expect_line(st, 0, LINE_EVENT, "You are now known as alicia");
	expect_line(st, 1, LINE_EVENT, "You are now known as alicia");
	assert_string_equal(state_member_nick(st, 1, 0), "alicia");
	feed(st, ":parley 433 alicia bob :Nickname is already in use");
	expect_line(st, 0, LINE_ERROR, "Nick bob is already in use");
	state_free(st);
}

/* Nick regain: logged in (900) to an account other than the nick we got,
 * the client asks for the account's nick once, after registration. */
static void test_regain_after_900(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	feed(st, ":parley 433 * alice :Nickname is already in use");
	feed(st, ":parley 900 alice_ alice_!a@h alice :You are now logged in as alice");
	assert_null(state_pop_send(st)); /* not registered yet: the NICK would get 433 */
	feed(st, ":parley 001 alice_ :Welcome");
	char *s = state_pop_send(st);
	assert_string_equal(s, "NICK alice");
	free(s);
	assert_null(state_pop_send(st));
	feed(st, ":parley 900 alice_ alice_!a@h alice :You are now logged in as alice");
	assert_null(state_pop_send(st)); /* once per connection */
	state_connected(st, "again", NOW);
	feed(st, ":parley 001 alice :Welcome");
	feed(st, ":parley 900 alice alice!a@h ALICE :You are now logged in as ALICE");
	assert_null(state_pop_send(st)); /* the same nick, case aside */
	state_free(st);
}

/* Renamed to Guest-N by the server: the current window says why. */
static void test_renamed_to_guest(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	state_set_current(st, 1);
	drain(st);
	feed(st, ":alice!alice@h NICK Guest-7");
	expect_line(st, 1, LINE_ERROR, "The server renamed you to Guest-7: alice is a registered "
	                                "nick and you are not logged in to it");
	expect_line(st, 0, LINE_EVENT, "You are now known as Guest-7");
	expect_line(st, 1, LINE_EVENT, "You are now known as Guest-7");
	feed(st, ":Guest-7!alice@h NICK Guest-x");
	expect_line(st, 0, LINE_EVENT, "You are now known as Guest-x");
	state_free(st);
}

/* KICK: of someone else, and of us (with who and why). */
static void test_kick(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":alice!alice@h KICK #lobby bob :spam");
	expect_line(st, 1, LINE_EVENT, "bob was kicked from #lobby by alice (spam)");
	assert_int_equal(state_member_count(st, 1), 1);
	feed(st, ":carol!c@h KICK #lobby alice :behave");
	struct state_line l = pop(st);
	assert_int_equal(l.kind, LINE_ERROR);
	assert_string_equal(l.text, "You were kicked from #lobby by carol (behave)");
	assert_true(l.mention);
	state_line_free(&l);
	assert_false(state_window_joined(st, 1));
	state_free(st);
}

/* TOPIC and 332 set the window's topic. */
static void test_topic(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":parley 332 alice #lobby :planning the party");
	expect_line(st, 1, LINE_INFO, "Topic for #lobby: planning the party");
	assert_string_equal(state_window_topic(st, 1), "planning the party");
	feed(st, ":bob!bob@h TOPIC #lobby :new topic");
	expect_line(st, 1, LINE_EVENT, "bob changed the topic of #lobby to: new topic");
	assert_string_equal(state_window_topic(st, 1), "new topic");
	state_free(st);
}

/* Windows are numbered in order of opening; closing renumbers and moves the
 * current window; the server window stays. */
static void test_window_numbering(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	state_window_open(st, WIN_QUERY, "bob");
	state_window_open(st, WIN_CHANNEL, "#dev");
	assert_int_equal(state_window_count(st), 4);
	assert_int_equal(state_window_find(st, "#DEV"), 3);
	assert_int_equal(state_window_open(st, WIN_QUERY, "BOB"), 2);
	unsigned dev = state_window_id(st, 3);
	state_set_current(st, 3);
	assert_false(state_window_close(st, 0));
	assert_true(state_window_close(st, 2));
	assert_int_equal(state_window_count(st), 3);
	assert_int_equal(state_window_index(st, dev), 2);
	assert_int_equal(state_current(st), 2);
	assert_true(state_window_close(st, 2));
	assert_int_equal(state_current(st), 1);
	assert_int_equal(state_window_index(st, dev), -1);
	state_free(st);
}

/* Lag from PONG :LAG<ms>; CTCP VERSION gets a reply, not a line. */
static void test_lag_and_ctcp(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	assert_int_equal(state_lag_ms(st), -1);
	char line[128];
	snprintf(line, sizeof(line), ":parley PONG parley :LAG%lld", NOW - 42);
	state_apply(st, line, NOW);
	assert_int_equal(state_lag_ms(st), 42);
	feed(st, ":bob!bob@h PRIVMSG alice :\001VERSION\001");
	assert_null(state_pop_send(st)); /* a reply is an automatic line */
	char *s = state_pop_reply(st);
	assert_non_null(s);
	assert_true(strncmp(s, "NOTICE bob :\001VERSION parley", 27) == 0);
	free(s);
	assert_false(state_pop_line(st, &(struct state_line){0}));
	state_free(st);
}

/* Counts the automatic replies waiting, and frees them. */
static int replies(struct state *st)
{
	int n = 0;
	char *s;
	while ((s = state_pop_reply(st)) != NULL) {
		free(s);
		n++;
	}
	return n;
}

/* Applies a line at a given time. */
static void feed_at(struct state *st, const char *line, long long now)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", line);
	state_apply(st, buf, now);
}

/* CTCP sent to a room is never answered; the server window says so once. */
static void test_ctcp_to_room_unanswered(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	drain(st);
	for (int i = 0; i < 50; i++)
		feed(st, ":bob!bob@h PRIVMSG #lobby :\001VERSION\001");
	feed(st, ":bob!bob@h PRIVMSG #lobby :\001PING 123\001");
	assert_int_equal(replies(st), 0);
	expect_line(st, 0, LINE_INFO,
	            "CTCP VERSION from bob not answered (sent to #lobby, not to you; 1 so far)");
	assert_false(state_pop_line(st, &(struct state_line){0})); /* one note, not 51 */
	/* a minute later the next one is noted again, with the count */
	feed_at(st, ":bob!bob@h PRIVMSG #lobby :\001PING 1\001", NOW + 60000);
	expect_line(st, 0, LINE_INFO,
	            "CTCP PING from bob not answered (sent to #lobby, not to you; 52 so far)");
	state_free(st);
}

/* CTCP sent to us: 3 answered at once, then one per 20 s; the rest counted. */
static void test_ctcp_to_us_rate_limited(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	drain(st);
	for (int i = 0; i < 10; i++)
		feed(st, ":bob!bob@h PRIVMSG alice :\001PING 42\001");
	assert_int_equal(replies(st), 3);
	expect_line(st, 0, LINE_INFO,
	            "CTCP PING from bob not answered (too many requests; 1 so far)");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	feed_at(st, ":carol!c@h PRIVMSG alice :\001VERSION\001", NOW + 10000);
	assert_int_equal(replies(st), 0);
	feed_at(st, ":carol!c@h PRIVMSG alice :\001VERSION\001", NOW + 20000);
	assert_int_equal(replies(st), 1);
	/* a clock that jumps back gives nothing back */
	feed_at(st, ":carol!c@h PRIVMSG alice :\001VERSION\001", NOW - 3600000);
	assert_int_equal(replies(st), 0);
	state_free(st);
}

/* Hostile input: malformed lines and short parameter lists change nothing. */
static void test_malformed(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, "");
	feed(st, ":bob!b@h");
	feed(st, ":bob!b@h PRIVMSG");
	feed(st, ":bob!b@h KICK #lobby");
	feed(st, ":bob!b@h JOIN");
	feed(st, ":parley 353 alice");
	feed(st, ":x MODE #lobby +oooo");
	drain(st);
	assert_int_equal(state_window_count(st), 2);
	assert_int_equal(state_member_count(st, 1), 2);
	state_free(st);
}

/* Regression (issue 8, client 1): the 9th window made state_window_for read
 * st->windows from before state_window_open grew it (SIGSEGV). Private
 * messages from eight nicks (one person changing nick in between, which we
 * do not see when we share no room), messages from seven people beside #lobby, and a
 * join of an 8th room each need a 9th window; every line lands in its own. */
static void test_ninth_window(void **unused)
{
	(void)unused;
	struct state *st = state_new("alice", "localhost");
	char line[128];
	for (int i = 1; i <= 8; i++) {
		snprintf(line, sizeof(line), ":m%d!m@h PRIVMSG alice :hello %d", i, i);
		feed(st, line);
		snprintf(line, sizeof(line), "hello %d", i);
		expect_line(st, (size_t)i, LINE_MESSAGE, line);
	}
	assert_int_equal(state_window_count(st), 9);
	state_free(st);

	st = lobby();
	for (int i = 1; i <= 7; i++) {
		snprintf(line, sizeof(line), ":p%d!p@h PRIVMSG alice :hi from p%d", i, i);
		feed(st, line);
		snprintf(line, sizeof(line), "hi from p%d", i);
		expect_line(st, (size_t)i + 1, LINE_MESSAGE, line);
	}
	assert_int_equal(state_window_count(st), 9);
	state_free(st);

	st = lobby();
	for (int i = 2; i <= 8; i++) {
		snprintf(line, sizeof(line), ":alice!a@h JOIN #room%d", i);
		feed(st, line);
		snprintf(line, sizeof(line), "You joined #room%d", i);
		expect_line(st, (size_t)i, LINE_EVENT, line);
		assert_int_equal(state_member_count(st, (size_t)i), 1);
	}
	assert_int_equal(state_window_count(st), 9);
	state_free(st);
}

/* Fails the test when the model's invariants do not hold. */
static void check(const struct state *st)
{
	const char *why = state_check(st);
	if (why)
		fail_msg("state_check: %s", why);
}

/* Pops lines until one contains want (in window idx); fails if none does. */
static void expect_somewhere(struct state *st, size_t idx, const char *want)
{
	struct state_line l;
	while (state_pop_line(st, &l)) {
		bool found = strstr(l.text, want) && l.window == state_window_id(st, idx);
		state_line_free(&l);
		if (found)
			return;
	}
	fail_msg("no line with '%s' in window %zu", want, idx);
}

/* Messages from new nicks past STATE_QUERIES_MAX query windows land in the
 * server window, with one note; closing a query makes room again. */
static void test_query_cap(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	char line[128];
	for (int i = 0; i < STATE_QUERIES_MAX; i++) {
		snprintf(line, sizeof(line), ":n%d!u@h PRIVMSG alice :hi %d", i, i);
		feed(st, line);
	}
	drain(st);
	assert_int_equal(state_window_count(st), 2 + STATE_QUERIES_MAX);
	feed(st, ":late!u@h PRIVMSG alice :let me in");
	expect_line(st, 0, LINE_ERROR, "Too many private conversations");
	struct state_line l = pop(st);
	assert_int_equal(l.window, state_window_id(st, 0));
	assert_string_equal(l.nick, "late");
	assert_string_equal(l.text, "let me in");
	state_line_free(&l);
	feed(st, ":later!u@h PRIVMSG alice :me too");
	expect_line(st, 0, LINE_MESSAGE, "me too"); /* the note only once */
	assert_int_equal(state_window_count(st), 2 + STATE_QUERIES_MAX);
	/* known nicks still reach their windows */
	feed(st, ":n7!u@h PRIVMSG alice :still here");
	expect_line(st, 9, LINE_MESSAGE, "still here");
	/* the user may still open a query, up to the window limit */
	assert_true(state_window_open(st, WIN_QUERY, "friend") > 0);
	assert_true(state_window_close(st, 3));
	assert_true(state_window_close(st, 3));
	feed(st, ":late!u@h PRIVMSG alice :now?");
	int idx = state_window_find(st, "late");
	assert_true(idx > 0);
	expect_line(st, (size_t)idx, LINE_MESSAGE, "now?");
	check(st);
	state_free(st);
}

/* No more than STATE_WINDOWS_MAX windows, whoever asks. */
static void test_window_cap(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	char line[128];
	for (int i = 0; i < STATE_WINDOWS_MAX + 20; i++) {
		snprintf(line, sizeof(line), ":alice!a@h JOIN #r%d", i);
		feed(st, line);
	}
	assert_int_equal(state_window_count(st), STATE_WINDOWS_MAX);
	expect_somewhere(st, 0, "Too many windows");
	assert_int_equal(state_window_open(st, WIN_QUERY, "bob"), -1);
	assert_int_equal(state_window_open(st, WIN_CHANNEL, "#r5"), 7);
	/* our own message to a nick without a window is shown where we are */
	drain(st);
	state_set_current(st, 1);
	assert_int_equal(state_own_message(st, "carol", LINE_MESSAGE, "hi", NOW), 1);
	expect_somewhere(st, 1, "hi");
	check(st);
	state_free(st);
}

/* A NAMES that never ends keeps at most STATE_MEMBERS_MAX nicks, says so
 * once, and its end reports what was left out. */
static void test_names_bounded(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	char line[1024];
	int nick = 0;
	for (int n = 0; n < (STATE_MEMBERS_MAX + 3000) / 50; n++) {
		size_t used = (size_t)snprintf(line, sizeof(line), ":parley 353 alice = #lobby :");
		for (int k = 0; k < 50; k++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%su%d",
			                         k ? " " : "", nick++);
		feed(st, line);
	}
	assert_int_equal(state_member_count(st, 1), STATE_MEMBERS_MAX);
	expect_line(st, 1, LINE_ERROR, "nick list of #lobby is full");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	check(st);
	/* a JOIN past the limit is not listed either */
	feed(st, ":newbie!u@h JOIN #lobby");
	expect_line(st, 1, LINE_EVENT, "newbie");
	assert_int_equal(state_member_count(st, 1), STATE_MEMBERS_MAX);
	feed(st, ":parley 366 alice #lobby :End of /NAMES list.");
	expect_line(st, 1, LINE_INFO, "3001 more not listed");
	/* sorted once complete */
	assert_string_equal(state_member_nick(st, 1, 0), "u0");
	assert_string_equal(state_member_nick(st, 1, 1), "u1");
	assert_string_equal(state_member_nick(st, 1, 2), "u10");
	check(st);
	/* a fresh NAMES starts over */
	feed(st, ":parley 353 alice = #lobby :@alice bob");
	feed(st, ":parley 366 alice #lobby :End of /NAMES list.");
	assert_int_equal(state_member_count(st, 1), 2);
	check(st);
	state_free(st);
}

/* Over all channels no more than STATE_MEMBERS_TOTAL_MAX nicks are listed. */
static void test_members_total_cap(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	static char line[IRC_TEST_LINE];
	int rooms = STATE_MEMBERS_TOTAL_MAX / STATE_MEMBERS_MAX + 2;
	for (int r = 0; r < rooms; r++) {
		snprintf(line, sizeof(line), ":alice!a@h JOIN #big%d", r);
		feed(st, line);
		for (int n = 0; n < STATE_MEMBERS_MAX / 50; n++) {
			size_t used =
			    (size_t)snprintf(line, sizeof(line), ":parley 353 alice = #big%d :", r);
			for (int k = 0; k < 50; k++)
				used += (size_t)snprintf(line + used, sizeof(line) - used,
				                         "%sr%dx%d", k ? " " : "", r, n * 50 + k);
			feed(st, line);
		}
		snprintf(line, sizeof(line), ":parley 366 alice #big%d :End", r);
		feed(st, line);
	}
	size_t total = 0;
	for (size_t i = 0; i < state_window_count(st); i++)
		total += state_member_count(st, i);
	assert_int_equal(total, STATE_MEMBERS_TOTAL_MAX);
	check(st);
	state_free(st);
}

/* Empty nicks from the server (NICK :, an empty prefix nick, a JOIN without
 * a source) change nothing. */
static void test_empty_nicks(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	feed(st, ":alice!a@h NICK :");
	assert_string_equal(state_nick(st), "alice");
	feed(st, ":bob!b@h NICK :");
	feed(st, ":bob!b@h NICK :two words");
	feed(st, ":!u@h PRIVMSG alice :who am I");
	feed(st, ":!u@h JOIN #lobby");
	feed(st, "JOIN #lobby");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	assert_string_equal(state_nick(st), "alice");
	assert_int_equal(state_window_count(st), 2);
	assert_int_equal(state_member_count(st, 1), 2);
	assert_string_equal(state_member_nick(st, 1, 1), "bob");
	check(st);
	state_free(st);
}

/* WHOIS and WHO replies are sentences in the current window; a malformed or
 * unknown query reply is shown raw, as before. */
static void test_whois_sentences(void **unused)
{
	(void)unused;
	struct state *st = lobby();
	state_set_current(st, 1);
	feed(st, ":parley 311 alice bob ~bob 127.0.0.1 * :Bob B");
	expect_line(st, 1, LINE_INFO, "bob is ~bob@127.0.0.1 (Bob B)");
	feed(st, ":parley 317 alice bob 75 0 :seconds idle, signon time");
	expect_line(st, 1, LINE_INFO, "bob has been idle 1m 15s, signed on ");
	feed(st, ":parley 671 alice bob :is using a secure connection");
	expect_line(st, 1, LINE_INFO, "bob is using a secure connection");
	feed(st, ":parley 352 alice #lobby ~bob 127.0.0.1 parley bob G :0 Bob B");
	expect_line(st, 1, LINE_INFO, "#lobby: bob is ~bob@127.0.0.1 (Bob B), away");
	feed(st, ":parley 317 alice bob x1 :seconds idle");
	expect_line(st, 1, LINE_INFO, "bob x1 seconds idle");
	feed(st, ":parley 314 alice bob ~bob h * :was here");
	expect_line(st, 1, LINE_INFO, "bob ~bob h * was here");
	assert_false(state_pop_line(st, &(struct state_line){0}));
	check(st);
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_welcome_joins_rooms),
	    cmocka_unit_test(test_regain_after_900),
	    cmocka_unit_test(test_renamed_to_guest),
	    cmocka_unit_test(test_join_with_control_in_name),
	    cmocka_unit_test(test_join_part_quit),
	    cmocka_unit_test(test_names_prefixes),
	    cmocka_unit_test(test_mode_prefixes),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_private_message_opens_query),
	    cmocka_unit_test(test_own_messages_and_echo),
	    cmocka_unit_test(test_server_time),
	    cmocka_unit_test(test_mentions),
	    cmocka_unit_test(test_own_nick_change),
	    cmocka_unit_test(test_kick),
	    cmocka_unit_test(test_topic),
	    cmocka_unit_test(test_window_numbering),
	    cmocka_unit_test(test_lag_and_ctcp),
	    cmocka_unit_test(test_ctcp_to_room_unanswered),
	    cmocka_unit_test(test_ctcp_to_us_rate_limited),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_ninth_window),
	    cmocka_unit_test(test_query_cap),
	    cmocka_unit_test(test_window_cap),
	    cmocka_unit_test(test_names_bounded),
	    cmocka_unit_test(test_members_total_cap),
	    cmocka_unit_test(test_empty_nicks),
	    cmocka_unit_test(test_whois_sentences),
	    cmocka_unit_test(test_account_lines),
	    cmocka_unit_test(test_multiline),
	    cmocka_unit_test(test_cap_del),
	    cmocka_unit_test(test_fail_in_current_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
