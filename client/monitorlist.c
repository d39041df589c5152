/* monitorlist: MONITOR lines and target lists (monitorlist.h). */
#include "monitorlist.h"

#include <stdio.h>
#include <string.h>

bool monitorlist_isupport(const char *token, size_t cap, size_t *limit)
{
	if (strncmp(token, "MONITOR", 7) != 0 || (token[7] != '\0' && token[7] != '='))
		return false;
	*limit = cap;
	if (token[7] == '\0' || token[8] == '\0')
		return true; /* no value: no limit of the server's own */
	unsigned long long v = 0;
	const char *p = token + 8;
	for (; *p >= '0' && *p <= '9'; p++)
		if (v <= cap) /* beyond cap the value no longer matters: no overflow */
			v = v * 10 + (unsigned)(*p - '0');
	if (*p != '\0' || v == 0)
		*limit = 0;
	else if (v < cap)
		*limit = (size_t)v;
	return true;
}

size_t monitorlist_build(char sign, const char *const *nicks, size_t n,
                         void (*emit)(void *arg, const char *line), void *arg)
{
	char line[MONITORLIST_LINE_MAX + 1];
	int head = snprintf(line, sizeof(line), "MONITOR %c ", sign);
	size_t used = (size_t)head, lines = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(nicks[i]);
		if (len == 0 || (size_t)head + len > MONITORLIST_LINE_MAX)
			continue; /* could never be sent */
		bool first = used == (size_t)head;
		if (!first && used + 1 + len > MONITORLIST_LINE_MAX) {
			emit(arg, line);
			lines++;
			used = (size_t)head;
			first = true;
		}
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", first ? "" : ",",
		                         nicks[i]);
	}
	if (used > (size_t)head) {
		emit(arg, line);
		lines++;
	}
	return lines;
}

void monitorlist_targets_init(struct monitorlist_targets *t, char *list)
{
	t->rest = list;
	t->taken = 0;
}

/* True when nick can be a nick we opened a window for. */
static bool monitorlist_nick_ok(const char *nick)
{
	size_t len = 0;
	for (const unsigned char *p = (const unsigned char *)nick; *p; p++, len++)
		if (*p <= ' ' || *p == 0x7f || strchr(",!@*?", *p))
			return false;
	return len > 0 && len <= MONITORLIST_NICK_MAX;
}

const char *monitorlist_targets_next(struct monitorlist_targets *t)
{
	while (t->rest && t->taken < MONITORLIST_TARGETS_MAX) {
		char *target = t->rest;
		char *comma = strchr(target, ',');
		if (comma) {
			*comma = '\0';
			t->rest = comma + 1;
		} else {
			t->rest = NULL;
		}
		t->taken++;
		target[strcspn(target, "!")] = '\0';
		if (monitorlist_nick_ok(target))
			return target;
	}
	return NULL;
}
