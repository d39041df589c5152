/* opaccts: see opaccts.h. */
#include "opaccts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Index of the folded name in l, or -1. */
static int opaccts_find(const struct opaccts *l, const char *folded)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], folded) == 0)
			return (int)i;
	return -1;
}

/* Folds account into out; false if it is empty or too long. */
static bool fold_name(const char *account, char out[NICK_LEN_MAX + 1])
{
	if (!account || !account[0] || strlen(account) > NICK_LEN_MAX)
		return false;
	ircname_fold(out, NICK_LEN_MAX + 1, account);
	return true;
}

bool opaccts_has(const struct opaccts *l, const char *account)
{
	char folded[NICK_LEN_MAX + 1];
	return fold_name(account, folded) && opaccts_find(l, folded) >= 0;
}

/* Drops entry i, keeping the others in order. */
static void opaccts_drop(struct opaccts *l, size_t i)
{
	memmove(l->names + i, l->names + i + 1, (l->n - i - 1) * sizeof *l->names);
	l->n--;
}

bool opaccts_add(struct opaccts *l, const char *account)
{
	char folded[NICK_LEN_MAX + 1];
	if (!fold_name(account, folded))
		return false;
	int at = opaccts_find(l, folded);
	if (at >= 0 && (size_t)at == l->n - 1)
		return false; /* already the newest */
	if (at >= 0)
		opaccts_drop(l, (size_t)at);
	else if (l->n == OPACCTS_MAX)
		opaccts_drop(l, 0);
	if (!l->names)
		l->names = xcalloc(OPACCTS_MAX, sizeof *l->names);
	memcpy(l->names[l->n++], folded, sizeof folded);
	return true;
}

bool opaccts_remove(struct opaccts *l, const char *account)
{
	char folded[NICK_LEN_MAX + 1];
	int at = fold_name(account, folded) ? opaccts_find(l, folded) : -1;
	if (at < 0)
		return false;
	opaccts_drop(l, (size_t)at);
	return true;
}

void opaccts_format(const struct opaccts *l, char *buf, size_t cap)
{
	size_t len = 0;
	if (cap == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s", i ? " " : "", l->names[i]);
		if (w < 0 || (size_t)w >= cap - len) {
			buf[len] = '\0'; /* only whole names */
			return;
		}
		len += (size_t)w;
	}
}

void opaccts_parse(struct opaccts *l, const char *text)
{
	opaccts_clear(l);
	const char *p = text ? text : "";
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		char name[NICK_LEN_MAX + 1];
		if (len > 0 && len <= NICK_LEN_MAX) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (ircname_nick_valid(name))
				opaccts_add(l, name);
		}
		p += len;
	}
}

void opaccts_clear(struct opaccts *l)
{
	free(l->names);
	l->names = NULL;
	l->n = 0;
}
