/* multiline: see multiline.h. */
#include "multiline.h"

#include <stdio.h>
#include <string.h>

#include "ircname.h"

int multiline_open(struct multiline *ml, const char *ref, const char *target, long long now_ms)
{
	size_t rlen = strlen(ref), tlen = strlen(target);
	if (!rlen || rlen > MULTILINE_REF_MAX || !tlen || tlen > MULTILINE_TARGET_MAX)
		return -1;
	memset(ml, 0, sizeof *ml);
	memcpy(ml->ref, ref, rlen + 1);
	memcpy(ml->target, target, tlen + 1);
	ml->opened_mono_ms = now_ms;
	return 0;
}

enum multiline_result multiline_add(struct multiline *ml, const char *command,
				    const char *target, const char *text, bool concat)
{
	if (strcmp(command, "PRIVMSG") != 0 && strcmp(command, "NOTICE") != 0)
		return MULTILINE_ERR_INVALID;
	if (ml->nlines && strcmp(command, ml->command) != 0)
		return MULTILINE_ERR_INVALID;
	if (ircname_cmp(target, ml->target) != 0)
		return MULTILINE_ERR_INVALID_TARGET;
	size_t len = strlen(text);
	if (concat && (len == 0 || ml->nlines == 0))
		return MULTILINE_ERR_INVALID; /* nothing to join, or nothing joined */
	if (ml->nlines == MULTILINE_MAX_LINES)
		return MULTILINE_ERR_MAX_LINES;
	size_t cost = len + (ml->nlines && !concat ? 1 : 0); /* the line break */
	if (ml->bytes + cost > MULTILINE_MAX_BYTES || ml->used + len > sizeof ml->text)
		return MULTILINE_ERR_MAX_BYTES;
	if (!ml->nlines)
		snprintf(ml->command, sizeof ml->command, "%s", command);
	memcpy(ml->text + ml->used, text, len);
	ml->lines[ml->nlines++] = (struct multiline_line){ml->used, len, concat};
	ml->used += len;
	ml->bytes += cost;
	return MULTILINE_OK;
}

enum multiline_result multiline_close_check(const struct multiline *ml)
{
	for (size_t i = 0; i < ml->nlines; i++)
		if (ml->lines[i].len)
			return MULTILINE_OK;
	return MULTILINE_ERR_INVALID; /* empty, or only blank lines */
}

bool multiline_expired(const struct multiline *ml, long long now_ms)
{
	return now_ms - ml->opened_mono_ms > MULTILINE_TIMEOUT_MS;
}

const char *multiline_result_code(enum multiline_result r)
{
	switch (r) {
	case MULTILINE_ERR_MAX_BYTES: return "MULTILINE_MAX_BYTES";
	case MULTILINE_ERR_MAX_LINES: return "MULTILINE_MAX_LINES";
	case MULTILINE_ERR_INVALID_TARGET: return "MULTILINE_INVALID_TARGET";
	case MULTILINE_ERR_INVALID: return "MULTILINE_INVALID";
	case MULTILINE_OK: break;
	}
	return "MULTILINE_INVALID";
}
