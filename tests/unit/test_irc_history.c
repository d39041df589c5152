/* Unit tests for CHATHISTORY's parameter parsing (server/irc_history) and
 * the read markers (server/readmark). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "chat_history.h"
#include "irc_history.h"
#include "readmark.h"

/* Parses a space-separated parameter list. */
static const char *parse(const char *line, struct chathistory_request *r)
{
	static char buf[512];
	char *params[16];
	int n = 0;
	strcpy(buf, line);
	for (char *save, *t = strtok_r(buf, " ", &save); t && n < 16; t = strtok_r(NULL, " ", &save))
		params[n++] = t;
	return chathistory_parse(n, params, r);
}

static void test_parse_each_subcommand(void **state)
{
	(void)state;
	struct chathistory_request r;
	assert_null(parse("latest #room * 50", &r));
	assert_int_equal(r.sub, CH_LATEST);
	assert_int_equal(r.q.sel, HSEL_LATEST);
	assert_int_equal(r.q.a.kind, HREF_NONE);
	assert_int_equal(r.q.limit, 50);
	assert_string_equal(r.target, "#room");

	assert_null(parse("BEFORE #room msgid=abcdefghijklmnopqrstuvwxyz 10", &r));
	assert_int_equal(r.q.sel, HSEL_BEFORE);
	assert_int_equal(r.q.a.kind, HREF_MSGID);
	assert_string_equal(r.q.a.msgid, "abcdefghijklmnopqrstuvwxyz");

	assert_null(parse("AFTER bob timestamp=2026-12-01T10:00:00.250Z 10", &r));
	assert_int_equal(r.q.a.kind, HREF_TIME);
	assert_int_equal(r.q.a.unix_ms, 1796119200250LL);

	assert_null(parse("BETWEEN #r timestamp=2026-12-01T10:00:00Z msgid=abcdefghijklmnopqrstuvwxyz 5",
			  &r));
	assert_int_equal(r.q.sel, HSEL_BETWEEN);
	assert_int_equal(r.q.b.kind, HREF_MSGID);

	assert_null(parse("TARGETS timestamp=2026-12-01T10:00:00Z timestamp=2026-12-02T10:00:00Z 5",
			  &r));
	assert_int_equal(r.sub, CH_TARGETS);
	assert_null(r.target);

	assert_null(parse("AROUND #r msgid=abcdefghijklmnopqrstuvwxyz 2000", &r));
	assert_int_equal(r.q.limit, CHAT_HISTORY_MAX);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	struct chathistory_request r;
	assert_string_equal(parse("", &r), "NEED_MORE_PARAMS");
	assert_string_equal(parse("SOON #r * 5", &r), "UNKNOWN_COMMAND");
	assert_string_equal(parse("LATEST #r *", &r), "NEED_MORE_PARAMS");
	assert_string_equal(parse("BETWEEN #r * 5", &r), "NEED_MORE_PARAMS");
	assert_string_equal(parse("BEFORE #r * 5", &r), "INVALID_PARAMS");    /* * is LATEST's */
	assert_string_equal(parse("LATEST #r * -1", &r), "INVALID_PARAMS");
	assert_string_equal(parse("LATEST #r * 5x", &r), "INVALID_PARAMS");
	assert_string_equal(parse("AFTER #r msgid=short 5", &r), "INVALID_PARAMS");
	assert_string_equal(parse("AFTER #r timestamp=2026-13-01T00:00:00Z 5", &r),
			    "INVALID_PARAMS");
	assert_string_equal(parse("AFTER #r when=now 5", &r), "INVALID_PARAMS");
	assert_string_equal(parse("TARGETS msgid=abcdefghijklmnopqrstuvwxyz * 5", &r),
			    "INVALID_PARAMS");
}

static void test_readmarks(void **state)
{
	(void)state;
	struct readmarks m = {0};
	assert_int_equal(readmark_get(&m, "#a"), -1);
	assert_int_equal(readmark_set(&m, "#A", 100), 100);
	assert_int_equal(readmark_get(&m, "#a"), 100);
	assert_int_equal(readmark_set(&m, "#a", 50), 100); /* only forward */
	char name[16];
	for (int i = 0; i < READMARK_MAX; i++) {
		snprintf(name, sizeof name, "#r%d", i);
		readmark_set(&m, name, 1 + i);
	}
	/* #a was set longest ago: it made room for the last one. */
	assert_int_equal(readmark_get(&m, "#a"), -1);
	assert_int_equal(readmark_get(&m, "#r0"), 1);
	assert_int_equal(m.n, READMARK_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_each_subcommand),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_readmarks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
