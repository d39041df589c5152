/* Unit tests for plain_render: what nc/telnet users read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "plain_render.h"

/* 2026-11-22 05:03:24 UTC */
#define WHEN_MS 1795323804000LL

/* Renders an event built from its parts, as read in its own room (or from
 * another room, with_room); returns the text. */
static const char *render_in(bool with_room, const char *command, int nparams, va_list ap)
{
	static char buf[1024];
	const char *params[OUTMSG_PARAMS_MAX];
	for (int i = 0; i < nparams; i++)
		params[i] = va_arg(ap, const char *);
	struct outmsg m = {.unix_ms = WHEN_MS, .source = "alice!alice@10.0.0.5",
			   .command = command, .nparams = nparams};
	for (int i = 0; i < nparams; i++)
		m.params[i] = params[i];
	int len = plain_render(&m, with_room, buf, sizeof buf);
	if (len < 0)
		return NULL;
	assert_int_equal((size_t)len, strlen(buf));
	return buf;
}

/* As read in the event's own room (or by anyone, for events not in a room). */
static const char *render(const char *command, int nparams, ...)
{
	va_list ap;
	va_start(ap, nparams);
	const char *text = render_in(false, command, nparams, ap);
	va_end(ap);
	return text;
}

/* As read by a plain user whose current room is another. */
static const char *render_elsewhere(const char *command, int nparams, ...)
{
	va_list ap;
	va_start(ap, nparams);
	const char *text = render_in(true, command, nparams, ap);
	va_end(ap);
	return text;
}

static void test_messages(void **state)
{
	(void)state;
	assert_string_equal(render("PRIVMSG", 2, "#lobby", "hi all"), "05:03 <alice> hi all\r\n");
	assert_string_equal(render("PRIVMSG", 2, "#lobby", "\001ACTION waves\001"),
			    "05:03 * alice waves\r\n");
	assert_string_equal(render("PRIVMSG", 2, "bob", "psst"), "05:03 *alice* psst\r\n");
	assert_string_equal(render("NOTICE", 2, "#lobby", "note"), "05:03 -alice- note\r\n");
}

static void test_formatting_codes_removed(void **state)
{
	(void)state;
	assert_string_equal(render("PRIVMSG", 2, "#lobby", "\002bold\002 \00304,12red\003 \037u"),
			    "05:03 <alice> bold red u\r\n");
}

static void test_events(void **state)
{
	(void)state;
	assert_string_equal(render("JOIN", 1, "#lobby"), "05:03 -!- alice joined #lobby\r\n");
	assert_string_equal(render("PART", 2, "#lobby", "bye"),
			    "05:03 -!- alice left #lobby (bye)\r\n");
	assert_string_equal(render("PART", 1, "#lobby"), "05:03 -!- alice left #lobby\r\n");
	assert_string_equal(render("QUIT", 1, "Quit: gone"), "05:03 -!- alice quit (Quit: gone)\r\n");
	assert_string_equal(render("NICK", 1, "alicia"),
			    "05:03 -!- alice is now known as alicia\r\n");
	assert_string_equal(render("TOPIC", 2, "#lobby", "plans"),
			    "05:03 -!- alice changed the topic of #lobby to: plans\r\n");
	assert_string_equal(render("KICK", 3, "#lobby", "bob", "spam"),
			    "05:03 -!- bob was kicked from #lobby by alice (spam)\r\n");
	assert_string_equal(render("MODE", 3, "#lobby", "+o", "bob"),
			    "05:03 -!- alice sets mode +o bob on #lobby\r\n");
	assert_null(render("PONG", 1, "x"));
}

static void test_history_line(void **state)
{
	(void)state;
	char buf[256];
	int len = plain_render_history(WHEN_MS, "alice!alice@10.0.0.5", "PRIVMSG", "earlier", buf,
				       sizeof buf);
	assert_true(len > 0);
	assert_string_equal(buf, "[history] 05:03 <alice> earlier\r\n");
}

static void test_room_named_from_elsewhere(void **state)
{
	(void)state;
	assert_string_equal(render_elsewhere("PRIVMSG", 2, "#games", "hi"),
			    "05:03 [#games] <alice> hi\r\n");
	assert_string_equal(render_elsewhere("PRIVMSG", 2, "#games", "\001ACTION waves\001"),
			    "05:03 [#games] * alice waves\r\n");
	assert_string_equal(render_elsewhere("NOTICE", 2, "#games", "note"),
			    "05:03 [#games] -alice- note\r\n");
	/* Private messages and events (which name their room) read the same. */
	assert_string_equal(render_elsewhere("PRIVMSG", 2, "bob", "psst"),
			    "05:03 *alice* psst\r\n");
	assert_string_equal(render_elsewhere("JOIN", 1, "#games"),
			    "05:03 -!- alice joined #games\r\n");
	struct outmsg m = {.command = "PRIVMSG", .nparams = 2, .params = {"#games", "x"}};
	assert_true(plain_render_names_room(&m));
	m.params[0] = "bob";
	assert_false(plain_render_names_room(&m));
	m.command = "TOPIC";
	m.params[0] = "#games";
	assert_false(plain_render_names_room(&m));
}

static void test_kicked_line(void **state)
{
	(void)state;
	char buf[512];
	struct outmsg m = {.unix_ms = WHEN_MS, .source = "boss!boss@10.0.0.5", .command = "KICK",
			   .nparams = 3, .params = {"#kick2", "vic", "spam"}};
	assert_true(plain_render_kicked(&m, "#lobby", true, buf, sizeof buf) > 0);
	assert_string_equal(buf, "05:03 -!- you were kicked from #kick2 by boss (spam); you are "
				 "now in #lobby\r\n");
	assert_true(plain_render_kicked(&m, "#games", false, buf, sizeof buf) > 0);
	assert_string_equal(buf, "05:03 -!- you were kicked from #kick2 by boss (spam); you are "
				 "still in #games\r\n");
	int len = plain_render_kicked(&m, "", true, buf, sizeof buf);
	assert_int_equal((size_t)len, strlen(buf));
	assert_string_equal(buf, "05:03 -!- you were kicked from #kick2 by boss (spam); you are "
				 "in no room now; type /join #room\r\n");
	m.command = "PART";
	assert_int_equal(plain_render_kicked(&m, "#lobby", true, buf, sizeof buf), -1);
}

static void test_long_text_is_bounded(void **state)
{
	(void)state;
	char text[900];
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	char small[64];
	struct outmsg m = {.unix_ms = WHEN_MS, .source = "alice!a@h", .command = "PRIVMSG",
			   .nparams = 2, .params = {"#lobby", text}};
	int len = plain_render(&m, true, small, sizeof small);
	assert_true(len > 0 && (size_t)len < sizeof small);
	assert_int_equal(strlen(small), (size_t)len);
	assert_memory_equal(small + len - 2, "\r\n", 2);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_formatting_codes_removed),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_history_line),
		cmocka_unit_test(test_room_named_from_elsewhere),
		cmocka_unit_test(test_kicked_line),
		cmocka_unit_test(test_long_text_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
