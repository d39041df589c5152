/* Unit tests for client/state_history: catching up with draft/chathistory,
 * held lines, the separator, never a line twice (with and without
 * chathistory), and hostile servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catchup.h"
#include "state.h"

#define NOW 1796119380000LL /* 2026-12-01 10:03:00 UTC */
#define TRANSCRIPT_MAX (1 << 20)

static long long now_ms = NOW;

/* Applies a line given as a literal (state_apply modifies its argument). */
static void feed(struct state *st, const char *line)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", line);
	state_apply(st, buf, now_ms);
}

/* Applies a formatted line. */
__attribute__((format(printf, 2, 3))) static void feedf(struct state *st, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	state_apply(st, buf, now_ms);
}

/* Every display line waiting, one per row: "N|<nick> text" for messages,
 * "N|text" for the rest (N: the window's index). Caller frees. */
static char *transcript(struct state *st)
{
	char *out = calloc(1, TRANSCRIPT_MAX);
	size_t used = 0;
	struct state_line l;
	while (state_pop_line(st, &l)) {
		int idx = state_window_index(st, l.window);
		int n;
		if (l.kind == LINE_MESSAGE)
			n = snprintf(out + used, TRANSCRIPT_MAX - used, "%d|<%s> %s\n", idx, l.nick,
			             l.text);
		else
			n = snprintf(out + used, TRANSCRIPT_MAX - used, "%d|%s\n", idx, l.text);
		if (n > 0 && used + (size_t)n < TRANSCRIPT_MAX)
			used += (size_t)n;
		state_line_free(&l);
	}
	return out;
}

/* Expects exactly these display lines (a transcript). */
static void expect(struct state *st, const char *want)
{
	char *got = transcript(st);
	if (strcmp(got, want) != 0)
		fail_msg("display lines:\n%s\nwanted:\n%s", got, want);
	free(got);
}

/* The next line to send must be want (or none, for NULL). */
static void expect_send(struct state *st, const char *want)
{
	char *s = state_pop_send(st);
	if (!want) {
		if (s)
			fail_msg("sent '%s', wanted nothing", s);
		return;
	}
	if (!s)
		fail_msg("sent nothing, wanted '%s'", want);
	if (strcmp(s, want) != 0)
		fail_msg("sent '%s', wanted '%s'", s, want);
	free(s);
}

/* Drops every pending display line and send. */
static void drain(struct state *st)
{
	free(transcript(st));
	char *s;
	while ((s = state_pop_send(st)) != NULL)
		free(s);
}

/* Checks the model's invariants. */
static void check(const struct state *st)
{
	const char *why = state_check(st);
	if (why)
		fail_msg("state_check: %s", why);
}

/* Registers with the given capabilities and ISUPPORT tokens; window
 * #lobby exists (index 1). Nothing waits afterwards but the JOIN. */
static struct state *connect_with(const char *caps, const char *isupport)
{
	now_ms = NOW; /* also after a test that failed with the clock moved */
	struct state *st = state_new("alice", "localhost");
	state_window_open(st, WIN_CHANNEL, "#lobby");
	state_connected(st, "Connected", now_ms);
	feedf(st, ":parley CAP alice ACK :%s", caps);
	feed(st, ":parley 001 alice :Welcome");
	feedf(st, ":parley 005 alice %s :are supported", isupport);
	expect_send(st, "JOIN #lobby");
	drain(st);
	return st;
}

/* A parleyd with chathistory: every capability, 50 lines a page. */
static struct state *history_server(void)
{
	return connect_with("server-time echo-message message-tags batch draft/chathistory",
	                    "CHATHISTORY=50 MSGREFTYPES=msgid,timestamp CHANTYPES=#");
}

/* A message in #lobby from bob with msgid id at second sec past NOW. */
static void say(struct state *st, const char *batch, const char *id, int sec, const char *text)
{
	feedf(st, "@%s%smsgid=%s;time=2026-12-01T10:03:%02d.000Z :bob!b@h PRIVMSG #lobby :%s",
	      batch ? "batch=" : "", batch ? batch : "", id, sec, text);
}

/* Our JOIN (tagged with its time) and the names that follow. */
static void joined(struct state *st)
{
	feed(st, "@time=2026-12-01T10:03:30.000Z :alice!a@h JOIN #lobby");
	feed(st, ":parley 353 alice = #lobby :@alice bob");
	feed(st, ":parley 366 alice #lobby :End of /NAMES list.");
}

/* The server answers a request with an empty chathistory batch. */
static void empty_page(struct state *st, const char *ref, const char *room)
{
	char line[128];
	snprintf(line, sizeof line, ":parley BATCH +%s chathistory %s", ref, room);
	feed(st, line);
	snprintf(line, sizeof line, ":parley BATCH -%s", ref);
	feed(st, line);
}

/* Joins #lobby and answers its first catch-up with an empty page. */
static void joined_empty_history(struct state *st)
{
	joined(st);
	empty_page(st, "h1", "#lobby");
}

/* A fresh window asks for the latest lines; its join, names and what is
 * said meanwhile wait, and come after the history, under its separator. */
static void test_fresh_join_latest(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined(st);
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	expect(st, ""); /* everything waits for the history */
	say(st, NULL, "live1", 31, "said just now");
	feed(st, ":parley BATCH +h1 chathistory #lobby");
	say(st, "h1;", "m1", 1, "one");
	say(st, "h1;", "m2", 2, "two");
	feed(st, ":parley BATCH -h1");
	expect(st, "1|── 2 messages from before you joined ──\n"
	           "1|<bob> one\n"
	           "1|<bob> two\n"
	           "1|You joined #lobby\n"
	           "1|#lobby: 2 users: @alice bob\n"
	           "1|<bob> said just now\n");
	expect_send(st, NULL);
	check(st);
	say(st, NULL, "live2", 40, "and now live");
	expect(st, "1|<bob> and now live\n");
	state_free(st);
}

/* A reconnect asks for what came after the newest msgid shown; what the
 * server sends twice (in the page and live) is shown once. */
static void test_reconnect_after_msgid(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined_empty_history(st);
	say(st, NULL, "m1", 40, "before the cut");
	drain(st);
	state_disconnected(st, "cut", now_ms);
	drain(st);
	state_connected(st, "Connected", now_ms);
	feed(st, ":parley CAP alice ACK :server-time echo-message message-tags batch "
	         "draft/chathistory");
	feed(st, ":parley 001 alice :Welcome");
	feed(st, ":parley 005 alice CHATHISTORY=50 :are supported");
	expect_send(st, "JOIN #lobby");
	drain(st);
	joined(st);
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=m1 50");
	say(st, NULL, "m4", 50, "live, and in the page too");
	say(st, NULL, "m5", 51, "live only");
	feed(st, ":parley BATCH +h2 chathistory #lobby");
	say(st, "h2;", "m1", 40, "before the cut"); /* a server that includes it */
	say(st, "h2;", "m2", 42, "missed one");
	say(st, "h2;", "m3", 43, "missed two");
	say(st, "h2;", "m4", 50, "live, and in the page too");
	feed(st, ":parley BATCH -h2");
	expect(st, "1|── 3 messages while you were away ──\n"
	           "1|<bob> missed one\n"
	           "1|<bob> missed two\n"
	           "1|<bob> live, and in the page too\n"
	           "1|You joined #lobby\n"
	           "1|#lobby: 2 users: @alice bob\n"
	           "1|<bob> live only\n");
	check(st);
	state_free(st);
}

/* Reconnects to a server with the caps in history_server (a connection
 * that ends with "cut"). */
static void reconnect(struct state *st)
{
	state_disconnected(st, "cut", now_ms);
	state_connected(st, "Connected", now_ms);
	feed(st, ":parley CAP alice ACK :server-time echo-message message-tags batch "
	         "draft/chathistory");
	feed(st, ":parley 001 alice :Welcome");
	feed(st, ":parley 005 alice CHATHISTORY=50 :are supported");
	drain(st);
}

/* Messages without msgids (server-time only): a reconnect asks for what
 * came after the newest message's time, and a window where nothing was
 * said, for what came after our previous JOIN; never after the JOIN that
 * starts this catch-up (which would find nothing: the e2e test caught it). */
static void test_reconnect_by_time(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	state_window_open(st, WIN_CHANNEL, "#quiet");
	joined(st); /* 10:03:30 */
	feed(st, "@time=2026-12-01T10:03:31.000Z :alice!a@h JOIN #quiet");
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	empty_page(st, "a", "#lobby");
	expect_send(st, "CHATHISTORY LATEST #quiet * 50");
	empty_page(st, "b", "#quiet");
	feed(st, "@time=2026-12-01T10:03:45.250Z :bob!b@h PRIVMSG #lobby :no msgid");
	reconnect(st);
	feed(st, "@time=2026-12-01T10:05:00.000Z :alice!a@h JOIN #lobby");
	feed(st, "@time=2026-12-01T10:05:00.000Z :alice!a@h JOIN #quiet");
	expect_send(st, "CHATHISTORY AFTER #lobby timestamp=2026-12-01T10:03:45.250Z 50");
	feed(st, ":parley BATCH +c chathistory #lobby");
	feed(st, "@batch=c;time=2026-12-01T10:04:00.000Z :bob!b@h PRIVMSG #lobby :missed");
	feed(st, ":parley BATCH -c");
	expect_send(st, "CHATHISTORY AFTER #quiet timestamp=2026-12-01T10:03:31.000Z 50");
	empty_page(st, "d", "#quiet");
	drain(st);
	/* And the next time, #quiet starts after the JOIN of this time. */
	reconnect(st);
	feed(st, "@time=2026-12-01T10:06:00.000Z :alice!a@h JOIN #quiet");
	expect_send(st, "CHATHISTORY AFTER #quiet timestamp=2026-12-01T10:05:00.000Z 50");
	state_free(st);
}

/* Nothing missed: no separator at all. */
static void test_nothing_missed(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined_empty_history(st);
	expect(st, "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n");
	state_free(st);
}

/* Full pages ask for the next one after the last line caught; a short page
 * ends it; the separator counts all pages. */
static void test_paging(void **unused)
{
	(void)unused;
	struct state *st =
	    connect_with("server-time message-tags batch draft/chathistory", "CHATHISTORY=2");
	joined(st);
	expect_send(st, "CHATHISTORY LATEST #lobby * 2");
	feed(st, ":parley BATCH +p1 chathistory #lobby");
	say(st, "p1;", "a", 1, "a");
	say(st, "p1;", "b", 2, "b");
	feed(st, ":parley BATCH -p1");
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=b 2");
	feed(st, ":parley BATCH +p2 chathistory #lobby");
	say(st, "p2;", "c", 3, "c");
	say(st, "p2;", "d", 4, "d");
	feed(st, ":parley BATCH -p2");
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=d 2");
	expect(st, "");
	feed(st, ":parley BATCH +p3 chathistory #lobby");
	say(st, "p3;", "e", 5, "e");
	feed(st, ":parley BATCH -p3");
	expect_send(st, NULL);
	expect(st, "1|── 5 messages from before you joined ──\n"
	           "1|<bob> a\n1|<bob> b\n1|<bob> c\n1|<bob> d\n1|<bob> e\n"
	           "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n");
	state_free(st);
}

/* Windows take turns: the second one asks when the first is done, and its
 * lines wait meanwhile. */
static void test_windows_take_turns(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	state_window_open(st, WIN_CHANNEL, "#dev");
	joined(st);
	feed(st, "@time=2026-12-01T10:03:30.000Z :alice!a@h JOIN #dev");
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	expect_send(st, NULL);
	feed(st, "@msgid=d1;time=2026-12-01T10:03:31.000Z :carol!c@h PRIVMSG #dev :dev live");
	empty_page(st, "h1", "#lobby");
	expect_send(st, "CHATHISTORY LATEST #dev * 50");
	expect(st, "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n");
	feed(st, ":parley BATCH +h2 chathistory #dev");
	feed(st, "@batch=h2;msgid=d0;time=2026-12-01T10:00:00.000Z :carol!c@h PRIVMSG #dev :old");
	feed(st, ":parley BATCH -h2");
	expect(st, "2|── 1 message from before you joined ──\n"
	           "2|<carol> old\n2|You joined #dev\n2|<carol> dev live\n");
	state_free(st);
}

/* Without chathistory (parleyd's replay on join, tagged with server-time):
 * what is shown already is not shown again; the rest is. */
static void test_fallback_replay_server_time(void **unused)
{
	(void)unused;
	struct state *st = connect_with("server-time echo-message", "CHANTYPES=#");
	joined(st);
	feed(st, "@time=2026-12-01T10:03:40.123Z :bob!b@h PRIVMSG #lobby :seen before");
	drain(st);
	state_disconnected(st, "cut", now_ms);
	state_connected(st, "Connected", now_ms);
	feed(st, ":parley CAP alice ACK :server-time echo-message");
	feed(st, ":parley 001 alice :Welcome");
	drain(st);
	joined(st);
	feed(st, "@time=2026-12-01T10:03:40.123Z :bob!b@h PRIVMSG #lobby :seen before");
	feed(st, "@time=2026-12-01T10:03:45.000Z :bob!b@h PRIVMSG #lobby :missed");
	feed(st, "@time=2026-12-01T10:03:40.123Z :bob!b@h PRIVMSG #lobby :seen before");
	expect_send(st, NULL); /* no CHATHISTORY */
	expect(st, "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n1|<bob> missed\n");
	/* Live lines without tags are never taken for repeats. */
	feed(st, ":bob!b@h PRIVMSG #lobby :ok");
	feed(st, ":bob!b@h PRIVMSG #lobby :ok");
	expect(st, "1|<bob> ok\n1|<bob> ok\n");
	state_free(st);
}

/* Without server-time parleyd marks replayed lines "[history HH:MM]": one
 * shown already is not shown again. Our own line (no echo-message) coming
 * back tagged is known too. */
static void test_fallback_replay_prefix(void **unused)
{
	(void)unused;
	struct state *st = connect_with("", "CHANTYPES=#");
	joined(st);
	now_ms = NOW + 40000; /* 10:03:40 */
	feed(st, ":bob!b@h PRIVMSG #lobby :lunch?");
	state_own_message(st, "#lobby", LINE_MESSAGE, "yes", now_ms);
	drain(st);
	feed(st, ":bob!b@h PRIVMSG #lobby :[history 11:03] lunch?");
	feed(st, ":bob!b@h PRIVMSG #lobby :[history 11:02] lunch?");
	feed(st, ":bob!b@h PRIVMSG #lobby :\001ACTION [history 11:03] waves\001");
	feed(st, ":alice!a@h PRIVMSG #lobby :[history 11:03] yes");
	expect(st, "1|<bob> [history 11:02] lunch?\n1|[history 11:03] waves\n");
	now_ms = NOW;
	state_free(st);
}

/* FAIL: shown once in the server window; the window's lines are let go;
 * the next window asks (no retry storm); a msgid the server does not know
 * is retried once by time. */
static void test_fail(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	state_window_open(st, WIN_CHANNEL, "#dev");
	joined(st);
	feed(st, "@time=2026-12-01T10:03:30.000Z :alice!a@h JOIN #dev");
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	feed(st, ":parley FAIL CHATHISTORY MESSAGE_ERROR LATEST #lobby :Messages could not be "
	         "retrieved");
	expect_send(st, "CHATHISTORY LATEST #dev * 50");
	expect(st, "0|History: the server refused CHATHISTORY (MESSAGE_ERROR: Messages could not "
	           "be retrieved); missed lines are not shown this time\n"
	           "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n"
	           "1|History: the server could not send what was missed (see the server "
	           "window)\n");
	feed(st, ":parley FAIL CHATHISTORY MESSAGE_ERROR LATEST #dev :Messages could not be "
	         "retrieved");
	expect_send(st, NULL);
	expect(st, "2|You joined #dev\n"
	           "2|History: the server could not send what was missed (see the server "
	           "window)\n");
	/* An unasked FAIL is not news either (shown once a connection). */
	feed(st, ":parley FAIL CHATHISTORY MESSAGE_ERROR LATEST #x :no");
	expect(st, "");
	state_free(st);
}

/* A msgid the server does not know: one retry by time, then no more. */
static void test_fail_retry_by_time(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined_empty_history(st);
	say(st, NULL, "m1", 40, "hi");
	feed(st, ":alice!a@h PART #lobby");
	drain(st);
	joined(st);
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=m1 50");
	feed(st, ":parley FAIL CHATHISTORY INVALID_PARAMS AFTER msgid=m1 :Unknown msgid");
	expect_send(st, "CHATHISTORY AFTER #lobby timestamp=2026-12-01T10:03:40.000Z 50");
	feed(st, ":parley FAIL CHATHISTORY INVALID_PARAMS AFTER :still no");
	expect_send(st, NULL);
	char *t = transcript(st);
	assert_non_null(strstr(t, "0|History: the server refused CHATHISTORY (INVALID_PARAMS: "
	                          "still no)"));
	assert_non_null(strstr(t, "1|You joined #lobby"));
	free(t);
	/* A window is retried once a connection; UNKNOWN_COMMAND means our
	 * requests are not understood: no more at all. */
	feed(st, ":alice!a@h PART #lobby");
	joined(st);
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=m1 50");
	feed(st, ":parley FAIL CHATHISTORY UNKNOWN_COMMAND AFTER :Unknown command");
	expect_send(st, NULL);
	feed(st, ":alice!a@h PART #lobby");
	joined(st);
	expect_send(st, NULL);
	state_free(st);
}

/* A msgid the server does not know, in a window without a time: the retry
 * asks for the latest (dedupe keeps what is shown from showing again). */
static void test_fail_retry_latest(void **unused)
{
	(void)unused;
	struct state *st = connect_with("message-tags batch draft/chathistory", "CHATHISTORY=5");
	feed(st, ":alice!a@h JOIN #lobby");
	expect_send(st, "CHATHISTORY LATEST #lobby * 5");
	feed(st, ":parley BATCH +h1 chathistory #lobby");
	feed(st, "@batch=h1;msgid=m1 :bob!b@h PRIVMSG #lobby :seen");
	feed(st, ":parley BATCH -h1");
	drain(st);
	feed(st, ":alice!a@h PART #lobby");
	feed(st, ":alice!a@h JOIN #lobby");
	expect_send(st, "CHATHISTORY AFTER #lobby msgid=m1 5");
	feed(st,
	     ":parley FAIL CHATHISTORY INVALID_PARAMS AFTER #lobby :No message with that msgid");
	expect_send(st, "CHATHISTORY LATEST #lobby * 5");
	feed(st, ":parley BATCH +h2 chathistory #lobby");
	feed(st, "@batch=h2;msgid=m1 :bob!b@h PRIVMSG #lobby :seen");
	feed(st, "@batch=h2;msgid=m2 :bob!b@h PRIVMSG #lobby :new");
	feed(st, ":parley BATCH -h2");
	expect(st, "1|You left #lobby\n1|── 1 message while you were away ──\n1|<bob> new\n"
	           "1|You joined #lobby\n");
	state_free(st);
}

/* 421 for CHATHISTORY: history is off for this connection. */
static void test_unknown_command(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined(st);
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	feed(st, ":parley 421 alice CHATHISTORY :Unknown command");
	expect(st, "0|History: the server refused CHATHISTORY (421: unknown command); missed "
	           "lines are not shown this time\n"
	           "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n"
	           "1|History: the server could not send what was missed (see the server "
	           "window)\n");
	feed(st, ":alice!a@h PART #lobby");
	joined(st);
	expect_send(st, NULL);
	state_free(st);
}

/* A chathistory batch nobody asked for: dropped, noted once; other batch
 * types are shown as if not batched, nested ones included. */
static void test_foreign_and_other_batches(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	state_window_open(st, WIN_CHANNEL, "#dev");
	feed(st, ":alice!a@h JOIN #dev");
	expect_send(st, "CHATHISTORY LATEST #dev * 50");
	empty_page(st, "d", "#dev");
	drain(st);
	feed(st, ":parley BATCH +x chathistory #dev");
	feed(st, "@batch=x;msgid=z1 :eve!e@h PRIVMSG #dev :injected");
	feed(st, "@batch=x;msgid=z2 :eve!e@h PRIVMSG #dev :injected again");
	feed(st, ":parley BATCH -x");
	feed(st, ":parley BATCH +y chathistory #lobby"); /* #lobby never asked */
	feed(st, "@batch=y;msgid=z3 :eve!e@h PRIVMSG #lobby :old");
	feed(st, ":parley BATCH -y");
	feed(st, ":parley BATCH +n netsplit irc.a irc.b");
	feed(st, "@batch=n :carol!c@h QUIT :irc.a irc.b");
	feed(st, "@batch=n;msgid=q :carol!c@h PRIVMSG #dev :in a netsplit batch");
	feed(st, "@batch=n :parley BATCH +nn vendor/thing");
	feed(st, "@batch=nn;msgid=q2 :carol!c@h PRIVMSG #dev :nested, unknown type");
	feed(st, "@batch=unknownref;msgid=q3 :carol!c@h PRIVMSG #dev :unknown reference");
	expect(st, "0|History: ignored history for #dev that parley did not ask for\n"
	           "2|<carol> in a netsplit batch\n"
	           "2|<carol> nested, unknown type\n"
	           "2|<carol> unknown reference\n");
	check(st);
	state_free(st);
}

/* A page that never ends: past the limit asked for, the turn ends with a
 * note and the rest of the batch is dropped; what was held comes out. */
static void test_batch_never_ends(void **unused)
{
	(void)unused;
	struct state *st =
	    connect_with("server-time message-tags batch draft/chathistory", "CHATHISTORY=3");
	joined(st);
	drain(st);
	feed(st, ":parley BATCH +h chathistory #lobby");
	char id[16];
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "x%d", i);
		say(st, "h;", id, 1, "flood");
	}
	expect(st, "1|── 3 messages from before you joined ──\n"
	           "1|<bob> flood\n1|<bob> flood\n1|<bob> flood\n"
	           "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n"
	           "1|History: the server sent more than was asked for; catching up stopped\n");
	say(st, NULL, "live", 5, "live again");
	expect(st, "1|<bob> live again\n");
	check(st);
	state_free(st);
}

/* A batch that begins but never ends, short of the limit: the held lines
 * reach their bound and come out, with the history caught so far. */
static void test_held_bound(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined(st);
	drain(st);
	feed(st, ":parley BATCH +h chathistory #lobby");
	say(st, "h;", "old", 1, "old one");
	char id[16];
	for (int i = 0; i < CATCHUP_HELD_MAX; i++) {
		snprintf(id, sizeof(id), "l%d", i);
		say(st, NULL, id, 2, "live");
		check(st);
	}
	char *t = transcript(st);
	const char *head = "1|── 1 message from before you joined ──\n1|<bob> old one\n"
	                   "1|You joined #lobby\n";
	assert_true(strncmp(t, head, strlen(head)) == 0);
	/* The note comes when the bound is hit, before the last live lines. */
	const char *note = strstr(t, "1|History: catching up stopped early");
	assert_non_null(note);
	assert_non_null(strstr(note, "<bob> live\n"));
	size_t lives = 0;
	for (const char *p = t; (p = strstr(p, "<bob> live\n")) != NULL; p++)
		lives++;
	assert_int_equal(lives, CATCHUP_HELD_MAX); /* every one shown, once */
	free(t);
	say(st, "h;", "old2", 1, "late history"); /* the rest of the batch: dropped */
	expect(st, "");
	state_free(st);
}

/* A server that never answers: the turn ends after CATCHUP_TIMEOUT_MS, at
 * the next line. */
static void test_timeout(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined(st);
	drain(st);
	now_ms = NOW + CATCHUP_TIMEOUT_MS + 1;
	feed(st, ":parley NOTICE alice :hello");
	char *t = transcript(st);
	assert_non_null(strstr(t, "1|You joined #lobby\n"));
	assert_non_null(strstr(t, "1|History: the server did not finish"));
	free(t);
	now_ms = NOW;
	state_free(st);
}

/* 10,000 missed lines in ten full pages: the pages are asked for one after
 * another, the window gets at most a scrollback's worth, the separator
 * counts them all, and the model stays within its bounds throughout. */
static void test_ten_thousand(void **unused)
{
	(void)unused;
	struct state *st =
	    connect_with("server-time message-tags batch draft/chathistory", "CHATHISTORY=1000");
	joined(st);
	expect_send(st, "CHATHISTORY LATEST #lobby * 1000");
	char id[32], ref[16], text[32], want[64];
	int n = 0;
	for (int page = 0; page <= 10; page++) {
		snprintf(ref, sizeof(ref), "p%d", page);
		feedf(st, ":parley BATCH +%s chathistory #lobby", ref);
		for (int i = 0; i < (page < 10 ? 1000 : 0); i++, n++) {
			snprintf(id, sizeof(id), "id%d", n);
			snprintf(text, sizeof(text), "line %d", n);
			feedf(st,
			      "@batch=%s;msgid=%s;time=2026-12-01T09:00:00.000Z :bob!b@h PRIVMSG "
			      "#lobby :%s",
			      ref, id, text);
		}
		if (page % 3 == 0)
			check(st);
		feedf(st, ":parley BATCH -%s", ref);
		if (page < 10) {
			snprintf(want, sizeof(want), "CHATHISTORY AFTER #lobby msgid=id%d 1000",
			         n - 1);
			expect_send(st, want);
		}
	}
	expect_send(st, NULL);
	struct state_line l;
	size_t lines = 0;
	assert_true(state_pop_line(st, &l));
	assert_string_equal(l.text, "── 10000 messages from before you joined (the oldest 5904 "
	                            "not shown) ──");
	state_line_free(&l);
	assert_true(state_pop_line(st, &l));
	assert_string_equal(l.text, "line 5904");
	state_line_free(&l);
	while (state_pop_line(st, &l)) {
		lines++;
		state_line_free(&l);
	}
	assert_int_equal(lines, CATCHUP_KEEP_MAX - 1 + 2); /* + join and names */
	check(st);
	state_free(st);
}

/* A disconnect during a catch-up shows what was caught (the next connect
 * continues after it); a window closed during its turn lets the next ask. */
static void test_disconnect_and_close(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	state_window_open(st, WIN_CHANNEL, "#dev");
	state_window_open(st, WIN_CHANNEL, "#ops");
	joined(st);
	feed(st, ":alice!a@h JOIN #dev");
	feed(st, ":alice!a@h JOIN #ops");
	expect_send(st, "CHATHISTORY LATEST #lobby * 50");
	state_window_close(st, 1);
	expect_send(st, "CHATHISTORY LATEST #dev * 50");
	feed(st, ":parley BATCH +lobby chathistory #lobby"); /* the reply for the closed one */
	feed(st, "@batch=lobby;msgid=l1 :bob!b@h PRIVMSG #lobby :gone");
	feed(st, ":parley BATCH -lobby");
	feed(st, ":parley BATCH +dev chathistory #dev");
	feed(st, "@batch=dev;msgid=d1;time=2026-12-01T10:00:00.000Z :bob!b@h PRIVMSG #dev :d1");
	state_disconnected(st, "cut", now_ms);
	char *t = transcript(st);
	/* #dev is now index 1, #ops 2. */
	const char *want = "1|── 1 message from before you joined ──\n1|<bob> d1\n"
	                   "1|You joined #dev\n2|You joined #ops\n";
	if (!strstr(t, want))
		fail_msg("got:\n%s", t);
	assert_null(strstr(t, "gone"));
	free(t);
	check(st);
	state_free(st);
}

/* History cannot change the room: only messages from a page are shown, and
 * CTCP requests in it are not answered. */
static void test_history_changes_nothing(void **unused)
{
	(void)unused;
	struct state *st = history_server();
	joined(st);
	drain(st);
	feed(st, ":parley BATCH +h chathistory #lobby");
	feed(st, "@batch=h :alice!a@h PART #lobby");
	feed(st, "@batch=h :eve!e@h KICK #lobby alice :old kick");
	feed(st, "@batch=h :eve!e@h TOPIC #lobby :old topic");
	feed(st, "@batch=h;msgid=v :eve!e@h PRIVMSG alice :\001VERSION\001");
	feed(st, "@batch=h;msgid=w :eve!e@h PRIVMSG #lobby :\001VERSION\001");
	feed(st, "@batch=h;msgid=p :eve!e@h PRIVMSG carol :private, elsewhere");
	feed(st, ":parley BATCH -h");
	assert_true(state_window_joined(st, 1));
	assert_string_equal(state_window_topic(st, 1), "");
	assert_null(state_pop_reply(st));
	assert_int_equal(state_window_count(st), 2);
	expect(st, "1|You joined #lobby\n1|#lobby: 2 users: @alice bob\n");
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_join_latest),
	    cmocka_unit_test(test_reconnect_after_msgid),
	    cmocka_unit_test(test_reconnect_by_time),
	    cmocka_unit_test(test_nothing_missed),
	    cmocka_unit_test(test_paging),
	    cmocka_unit_test(test_windows_take_turns),
	    cmocka_unit_test(test_fallback_replay_server_time),
	    cmocka_unit_test(test_fallback_replay_prefix),
	    cmocka_unit_test(test_fail),
	    cmocka_unit_test(test_fail_retry_by_time),
	    cmocka_unit_test(test_fail_retry_latest),
	    cmocka_unit_test(test_unknown_command),
	    cmocka_unit_test(test_foreign_and_other_batches),
	    cmocka_unit_test(test_batch_never_ends),
	    cmocka_unit_test(test_held_bound),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_ten_thousand),
	    cmocka_unit_test(test_disconnect_and_close),
	    cmocka_unit_test(test_history_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
