/* conffile: see conffile.h. */
#include "conffile.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

void conffile_problem_add(struct conffile *cf, int line, const char *fmt, ...)
{
	if (cf->nproblems == CONFFILE_PROBLEMS_MAX) {
		cf->problems_dropped++;
		return;
	}
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cf->problems = xrealloc(cf->problems, (cf->nproblems + 1) * sizeof *cf->problems);
	cf->problems[cf->nproblems++] = (struct conffile_problem){line, xstrdup(buf)};
}

/* True for the bytes allowed in an option name. */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* True for space and tab. */
static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies s[0..len) into a new string. */
static char *dup_range(const char *s, size_t len)
{
	char *d = xmalloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Checks one line's bytes: valid UTF-8, no NUL or control characters. */
static bool line_text_ok(struct conffile *cf, int lineno, const char *s, size_t len)
{
	if (memchr(s, '\0', len)) {
		conffile_problem_add(cf, lineno, "NUL byte in the line");
		return false;
	}
	if (!utf8_valid(s, len)) {
		conffile_problem_add(cf, lineno, "not valid UTF-8");
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
			conffile_problem_add(cf, lineno, "control character 0x%02x in the line",
					     (unsigned char)s[i]);
			return false;
		}
	return true;
}

/* Cuts one line (without its end) into an entry, or notes why not. */
static void parse_line(struct conffile *cf, int lineno, const char *s, size_t len)
{
	if (len > CONFFILE_LINE_MAX) {
		conffile_problem_add(cf, lineno, "line longer than %d bytes", CONFFILE_LINE_MAX);
		return;
	}
	if (!line_text_ok(cf, lineno, s, len))
		return;
	const char *end = s + len;
	while (s < end && blank(*s))
		s++;
	while (end > s && blank(end[-1]))
		end--;
	if (s == end || *s == '#')
		return;
	const char *name = s;
	while (s < end && name_char(*s))
		s++;
	size_t name_len = (size_t)(s - name);
	if (name_len == 0 || (s < end && !blank(*s) && *s != '=')) {
		conffile_problem_add(cf, lineno, "expected 'name value' or 'name = value' "
				     "(names are lower-case letters, digits and '-')");
		return;
	}
	if (name_len > CONFFILE_NAME_MAX) {
		conffile_problem_add(cf, lineno, "option name longer than %d bytes",
				     CONFFILE_NAME_MAX);
		return;
	}
	while (s < end && blank(*s))
		s++;
	bool equals = s < end && *s == '=';
	if (equals)
		for (s++; s < end && blank(*s); s++)
			;
	if (equals && s == end) {
		conffile_problem_add(cf, lineno, "'%.*s =' without a value", (int)name_len, name);
		return;
	}
	cf->entries = xrealloc(cf->entries, (cf->nentries + 1) * sizeof *cf->entries);
	cf->entries[cf->nentries++] = (struct conffile_entry){
		lineno, dup_range(name, name_len), s == end ? NULL : dup_range(s, (size_t)(end - s))};
}

void conffile_parse(const char *text, size_t len, struct conffile *out)
{
	memset(out, 0, sizeof *out);
	if (len > CONFFILE_SIZE_MAX) {
		conffile_problem_add(out, 0, "larger than %d KiB", CONFFILE_SIZE_MAX / 1024);
		return;
	}
	const char *p = text, *end = text + len;
	for (int lineno = 1; p < end; lineno++) {
		if (lineno > CONFFILE_LINES_MAX) {
			conffile_problem_add(out, lineno, "more than %d lines", CONFFILE_LINES_MAX);
			return;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		size_t n = (size_t)(stop - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		parse_line(out, lineno, p, n);
		p = nl ? nl + 1 : end;
	}
}

/* Edit distance between a and b (Levenshtein), capped for long names. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > CONFFILE_NAME_MAX || lb > CONFFILE_NAME_MAX)
		return (size_t)-1;
	size_t row[CONFFILE_NAME_MAX + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *conffile_closest(const char *name, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = 4;
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(name, names[i]);
		size_t other = strlen(names[i]);
		bool prefix = len >= 3 && (strncmp(name, names[i], len < other ? len : other) == 0);
		if (prefix && d > 1)
			d = 1; /* "max-chan" suggests "max-channels" */
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

void conffile_free(struct conffile *cf)
{
	for (size_t i = 0; i < cf->nentries; i++) {
		free(cf->entries[i].name);
		free(cf->entries[i].value);
	}
	for (size_t i = 0; i < cf->nproblems; i++)
		free(cf->problems[i].message);
	free(cf->entries);
	free(cf->problems);
	memset(cf, 0, sizeof *cf);
}
