/* fuzz_conffile: the config file parser on arbitrary bytes. Whatever the
 * text, every entry it keeps is well formed: a name of [a-z0-9-], a value
 * that is valid UTF-8 without control characters or blanks at its ends, on a
 * line no problem names; lines only grow; problems stay bounded.
 *
 * Input: the whole file text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "conffile.h"
#include "fuzz.h"
#include "utf8.h"

/* True when s is a non-empty, valid, trimmed value. */
static bool value_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > CONFFILE_LINE_MAX || !utf8_valid(s, len))
		return false;
	if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
		return false;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return false;
	return true;
}

/* True when line has a problem noted. */
static bool line_has_problem(const struct conffile *cf, int line)
{
	for (size_t i = 0; i < cf->nproblems; i++)
		if (cf->problems[i].line == line)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conffile cf;
	conffile_parse((const char *)data, size, &cf);
	FUZZ_CHECK(cf.nproblems <= CONFFILE_PROBLEMS_MAX);
	int last = 0;
	for (size_t i = 0; i < cf.nentries; i++) {
		const struct conffile_entry *e = &cf.entries[i];
		FUZZ_CHECK(e->line > last && e->line <= CONFFILE_LINES_MAX);
		last = e->line;
		size_t n = strlen(e->name);
		FUZZ_CHECK(n > 0 && n <= CONFFILE_NAME_MAX);
		FUZZ_CHECK(strspn(e->name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n);
		FUZZ_CHECK(!e->value || value_ok(e->value));
		FUZZ_CHECK(!line_has_problem(&cf, e->line));
	}
	for (size_t i = 0; i < cf.nproblems; i++)
		FUZZ_CHECK(cf.problems[i].message[0] != '\0');
	conffile_free(&cf);
	return 0;
}
