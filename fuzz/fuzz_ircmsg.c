/* fuzz_ircmsg: ircmsg_parse on arbitrary lines, the parse/format round trip,
 * and the tag lookup and time-tag helpers.
 *
 * Input: the whole input is the line (a NUL ends it early, as it would for the
 * C string the server hands over). Its last bytes also choose a tag key to look
 * up and a time for ircmsg_time_tag. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "ircmsg.h"
#include "xalloc.h"

/* True when s contains CR or LF. */
static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

/* True when p points into buf[0..len]. */
static bool points_into(const char *p, const char *buf, size_t len)
{
	return p >= buf && p <= buf + len;
}

/* Checks what a successful parse promises about its fields. */
static void check_parsed(const struct ircmsg *m, const char *buf, size_t len)
{
	FUZZ_CHECK(m->command != NULL);
	FUZZ_CHECK(m->command[0] != '\0');
	FUZZ_CHECK(points_into(m->command, buf, len));
	FUZZ_CHECK(strchr(m->command, ' ') == NULL);
	FUZZ_CHECK(m->nparams >= 0 && m->nparams <= IRC_PARAMS_MAX);
	if (m->tags) {
		FUZZ_CHECK(points_into(m->tags, buf, len));
		FUZZ_CHECK(m->tags[0] != '\0' && strchr(m->tags, ' ') == NULL);
	}
	if (m->prefix) {
		FUZZ_CHECK(points_into(m->prefix, buf, len));
		FUZZ_CHECK(m->prefix[0] != '\0' && strchr(m->prefix, ' ') == NULL);
	}
	for (int i = 0; i < m->nparams; i++) {
		const char *p = m->params[i];

		FUZZ_CHECK(p != NULL && points_into(p, buf, len));
		/* A middle parameter is a non-empty word not starting with ':'. */
		if (i < m->nparams - 1)
			FUZZ_CHECK(p[0] != '\0' && p[0] != ':' && strchr(p, ' ') == NULL);
	}
}

/* Formats m (one way or the other) and checks the result parses back to m. */
static void check_round_trip(const struct ircmsg *m, bool text)
{
	static char out[IRC_TAGS_MAX + 4096 + 16];
	const char *params[IRC_PARAMS_MAX];
	bool crlf = has_crlf(m->tags) || has_crlf(m->prefix) || has_crlf(m->command);
	struct ircmsg again;
	const char *reason;
	int n;

	for (int i = 0; i < m->nparams; i++) {
		params[i] = m->params[i];
		crlf = crlf || has_crlf(m->params[i]);
	}
	if (text)
		n = ircmsg_format_text(out, sizeof(out), m->tags, m->prefix, m->command, m->nparams,
		                       params);
	else
		n = ircmsg_format(out, sizeof(out), m->tags, m->prefix, m->command, m->nparams,
		                  params);
	if (crlf) {
		/* A CR or LF in any field would forge a second line on the wire. */
		FUZZ_CHECK(n == -1);
		return;
	}
	/* out is larger than any line the harness can be given (plus its ':'s
	 * and CR LF), so a parsed message always fits. */
	FUZZ_CHECK(n > 2);
	FUZZ_CHECK((size_t)n == strlen(out));
	FUZZ_CHECK(out[n - 2] == '\r' && out[n - 1] == '\n');
	FUZZ_CHECK(memchr(out, '\n', (size_t)n - 1) == NULL);
	out[n - 2] = '\0';
	FUZZ_CHECK(ircmsg_parse(out, &again, &reason) == 0);
	FUZZ_CHECK(strcmp(again.command, m->command) == 0);
	FUZZ_CHECK((again.tags == NULL) == (m->tags == NULL));
	if (m->tags)
		FUZZ_CHECK(strcmp(again.tags, m->tags) == 0);
	FUZZ_CHECK((again.prefix == NULL) == (m->prefix == NULL));
	if (m->prefix)
		FUZZ_CHECK(strcmp(again.prefix, m->prefix) == 0);
	FUZZ_CHECK(again.nparams == m->nparams);
	for (int i = 0; i < m->nparams; i++)
		FUZZ_CHECK(strcmp(again.params[i], m->params[i]) == 0);
}

/* Formatting into too small a buffer must fail cleanly, never overrun. */
static void check_small_buffer(const struct ircmsg *m, size_t cap)
{
	char *out = xmalloc(cap ? cap : 1);
	int n = ircmsg_format(out, cap, m->tags, m->prefix, m->command, m->nparams,
	                      (const char *const *)m->params);

	FUZZ_CHECK(n == -1 || ((size_t)n < cap && out[n] == '\0'));
	free(out);
}

/* Looks up a tag chosen by the input; the value must fit and be terminated. */
static void check_tag_get(const char *tags, const uint8_t *data, size_t size)
{
	char key[8];
	char value[64];
	size_t klen = size % 4;
	int n;

	for (size_t i = 0; i < klen; i++)
		key[i] = (char)(data[size - 1 - i] | 1); /* never NUL */
	key[klen] = '\0';
	n = ircmsg_tag_get(tags, key, value, 1 + size % sizeof(value));
	FUZZ_CHECK(n >= -1 && n < (int)sizeof(value));
	if (n >= 0) {
		FUZZ_CHECK(value[n] == '\0');
		FUZZ_CHECK((size_t)n < 1 + size % sizeof(value));
	}
}

/* ircmsg_time_tag on any 64-bit time must not misbehave. */
static void check_time_tag(const uint8_t *data, size_t size)
{
	char out[40];
	uint64_t v = 0;
	int n;

	for (size_t i = 0; i < 8 && i < size; i++)
		v = v << 8 | data[i];
	n = ircmsg_time_tag(out, 1 + size % sizeof(out), (long long)v);
	FUZZ_CHECK(n == -1 || (n >= 24 && (size_t)n < 1 + size % sizeof(out)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ircmsg m;
	const char *reason = NULL;
	char *line;
	size_t len;

	if (size > 4096)
		return 0; /* far beyond any line the server accepts */
	line = xmalloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	len = strlen(line);

	if (ircmsg_parse(line, &m, &reason) == 0) {
		check_parsed(&m, line, len);
		check_round_trip(&m, false);
		check_round_trip(&m, true);
		check_small_buffer(&m, size % 64);
		if (m.tags)
			check_tag_get(m.tags, data, size);
		ircmsg_upcase(m.command);
		for (const char *c = m.command; *c; c++)
			FUZZ_CHECK(!(*c >= 'a' && *c <= 'z'));
	} else {
		FUZZ_CHECK(reason != NULL && reason[0] != '\0');
	}
	free(line);

	/* The tag section parser also sees raw text, not only parsed tags. */
	line = xmalloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	check_tag_get(line, data, size);
	free(line);
	check_time_tag(data, size);
	return 0;
}
