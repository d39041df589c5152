/* complete: Tab completion of nicks and /commands in the input line. */
#include "complete.h"

#include <stdlib.h>
#include <string.h>

#include "ircname.h"
#include "textstyle.h"
#include "xalloc.h"

struct completion {
	bool active;
	wchar_t *orig; /* the line at the first Tab */
	size_t orig_len;
	size_t word_start; /* the word being completed is orig[word_start..word_end) */
	size_t word_end;   /* the cursor at the first Tab */
	bool command;      /* completing a /command */
	char **cands;      /* candidates, sorted */
	size_t ncands;
	size_t current; /* index of the candidate shown */
	wchar_t *shown; /* the line the last call produced */
	size_t shown_len;
	size_t shown_cursor;
};

/* A state with nothing in progress. */
struct completion *complete_new(void)
{
	return xcalloc(1, sizeof(struct completion));
}

/* Frees the state. */
void complete_free(struct completion *c)
{
	if (!c)
		return;
	complete_reset(c);
	free(c);
}

/* Forgets the cycle and its copies. */
void complete_reset(struct completion *c)
{
	for (size_t i = 0; i < c->ncands; i++)
		free(c->cands[i]);
	free(c->cands);
	free(c->orig);
	free(c->shown);
	memset(c, 0, sizeof(*c));
}

/* True between a successful completion and the next reset. */
bool complete_active(const struct completion *c)
{
	return c->active;
}

/* True when name starts with prefix under rfc1459 case mapping. */
static bool prefix_match(const char *prefix, const char *name)
{
	for (; *prefix; prefix++, name++) {
		if (!*name || ircname_fold_char(*prefix) != ircname_fold_char(*name))
			return false;
	}
	return true;
}

/* qsort order: case-insensitive, then exact bytes so the order is total. */
static int candidate_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int r = ircname_cmp(x, y);

	return r ? r : strcmp(x, y);
}

/* Collects, sorts and deduplicates the names that start with prefix. */
static void collect(struct completion *c, const char *prefix, const char *const *names, size_t n)
{
	size_t kept = 0;

	c->cands = xmalloc((n ? n : 1) * sizeof(*c->cands));
	for (size_t i = 0; i < n; i++) {
		if (names[i] && names[i][0] && prefix_match(prefix, names[i]))
			c->cands[c->ncands++] = xstrdup(names[i]);
	}
	qsort(c->cands, c->ncands, sizeof(*c->cands), candidate_cmp);
	for (size_t i = 0; i < c->ncands; i++) {
		if (kept > 0 && strcmp(c->cands[kept - 1], c->cands[i]) == 0)
			free(c->cands[i]);
		else
			c->cands[kept++] = c->cands[i];
	}
	c->ncands = kept;
}

/* Appends s[0..n) to out if it fits; false when it does not. */
static bool put(wchar_t *out, size_t cap, size_t *len, const wchar_t *s, size_t n)
{
	if (n > cap - *len)
		return false;
	memcpy(out + *len, s, n * sizeof(wchar_t));
	*len += n;
	return true;
}

/* Appends UTF-8 s, decoded, if it fits. */
static bool put_utf8(wchar_t *out, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		wchar_t ch;

		i += text_utf8_decode(s + i, n - i, &ch);
		if (!put(out, cap, len, &ch, 1))
			return false;
	}
	return true;
}

/* Writes the original line with the current candidate in place of the word. */
static bool build(struct completion *c, wchar_t *out, size_t cap, size_t *out_len,
                  size_t *out_cursor)
{
	const wchar_t *rest = c->orig + c->word_end;
	size_t rest_len = c->orig_len - c->word_end, len = 0;
	const wchar_t *suffix = L" ";

	if (!c->command && c->word_start == 0)
		suffix = L": ";
	if (!put(out, cap, &len, c->orig, c->word_start) ||
	    (c->command && !put(out, cap, &len, L"/", 1)) ||
	    !put_utf8(out, cap, &len, c->cands[c->current]))
		return false;
	/* Do not double the space that already follows the word. */
	if (!put(out, cap, &len, suffix, wcslen(suffix) - (rest_len > 0 && rest[0] == L' ')))
		return false;
	*out_cursor = len;
	if (!put(out, cap, &len, rest, rest_len))
		return false;
	*out_len = len;
	return true;
}

/* Remembers what was produced, so the next Tab can tell it is a repeat. */
static void remember(struct completion *c, const wchar_t *out, size_t len, size_t cursor)
{
	free(c->shown);
	c->shown = xmalloc((len ? len : 1) * sizeof(wchar_t));
	memcpy(c->shown, out, len * sizeof(wchar_t));
	c->shown_len = len;
	c->shown_cursor = cursor;
}

/* True when text/cursor are exactly what the last call produced. */
static bool is_repeat(const struct completion *c, const wchar_t *text, size_t len, size_t cursor)
{
	return c->active && len == c->shown_len && cursor == c->shown_cursor &&
	       memcmp(text, c->shown, len * sizeof(wchar_t)) == 0;
}

/* Starts a cycle: finds the word, its kind and its candidates. */
static bool start(struct completion *c, const wchar_t *text, size_t len, size_t cursor,
                  const char *const *nicks, size_t nnicks, const char *const *commands,
                  size_t ncommands)
{
	size_t ws = cursor;
	char *prefix;

	complete_reset(c);
	while (ws > 0 && text[ws - 1] != L' ')
		ws--;
	if (ws == cursor)
		return false;
	c->command = ws == 0 && text[0] == L'/';
	prefix = text_to_utf8(text + ws + c->command, cursor - ws - c->command);
	if (c->command)
		collect(c, prefix, commands, ncommands);
	else
		collect(c, prefix, nicks, nnicks);
	free(prefix);
	if (c->ncands == 0) {
		complete_reset(c);
		return false;
	}
	c->orig = xmalloc((len ? len : 1) * sizeof(wchar_t));
	memcpy(c->orig, text, len * sizeof(wchar_t));
	c->orig_len = len;
	c->word_start = ws;
	c->word_end = cursor;
	c->current = 0;
	c->active = true;
	return true;
}

/* First Tab: the first candidate; repeated Tab: the next one, wrapping. */
bool complete_word(struct completion *c, const wchar_t *text, size_t len, size_t cursor,
                   const char *const *nicks, size_t nnicks, const char *const *commands,
                   size_t ncommands, wchar_t *out, size_t out_cap, size_t *out_len,
                   size_t *out_cursor)
{
	size_t new_len, new_cursor;

	if (cursor > len)
		cursor = len;
	if (is_repeat(c, text, len, cursor))
		c->current = (c->current + 1) % c->ncands;
	else if (!start(c, text, len, cursor, nicks, nnicks, commands, ncommands))
		return false;
	if (!build(c, out, out_cap, &new_len, &new_cursor)) {
		complete_reset(c);
		return false;
	}
	remember(c, out, new_len, new_cursor);
	*out_len = new_len;
	*out_cursor = new_cursor;
	return true;
}
