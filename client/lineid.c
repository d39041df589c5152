/* lineid: the keys of a shown message, and the rule for repeats. */
#include "lineid.h"

#include <stdio.h>
#include <string.h>

#include "ircname.h"
#include "siphash.h"

/* Bytes hashed for one key: a kind letter, the fields, separators. Longer
 * texts are hashed through their first LINEID_HASH_TEXT bytes only. */
#define LINEID_HASH_TEXT 1024
#define LINEID_HASH_BUF (LINEID_HASH_TEXT + LINEID_MSGID_MAX + 128)

/* Hash of "kind \0 a \0 nick(folded) \0 text". */
static uint64_t lineid_hash(char kind, const char *a, const char *nick, const char *text)
{
	char buf[LINEID_HASH_BUF];
	size_t n = 0;
	buf[n++] = kind;
	buf[n++] = '\0';
	for (; *a && n < 2 + LINEID_MSGID_MAX; a++)
		buf[n++] = *a;
	buf[n++] = '\0';
	for (; *nick && n < 3 + LINEID_MSGID_MAX + 100; nick++)
		buf[n++] = ircname_fold_char(*nick);
	buf[n++] = '\0';
	size_t tl = strnlen(text, LINEID_HASH_TEXT);
	memcpy(buf + n, text, tl);
	n += tl;
	return siphash(buf, n);
}

bool lineid_msgid_ok(const char *msgid)
{
	size_t len = strnlen(msgid, LINEID_MSGID_MAX + 1);
	if (len == 0 || len > LINEID_MSGID_MAX || msgid[0] == ':')
		return false;
	for (size_t i = 0; i < len; i++)
		if (msgid[i] <= ' ' || msgid[i] > '~')
			return false;
	return true;
}

void lineid_none(struct lineid *id)
{
	memset(id, 0, sizeof(*id));
	id->match = LINEID_MATCH_NONE;
}

void lineid_make(struct lineid *id, const char *msgid, bool has_time, long long unix_ms,
                 const char *nick, const char *text, int replay_minute, bool own_loose)
{
	char num[32];
	lineid_none(id);
	if (msgid && lineid_msgid_ok(msgid)) {
		id->has_msgid = true;
		id->msgid = lineid_hash('m', msgid, "", "");
		snprintf(id->msgid_text, sizeof(id->msgid_text), "%s", msgid);
	}
	if (has_time) {
		snprintf(num, sizeof(num), "%lld", unix_ms);
		id->has_exact = true;
		id->time_ms = unix_ms;
		id->exact = lineid_hash('t', num, nick, text);
	}
	/* The minute of the hour the server saw it: from the replay prefix,
	 * else from the time (UTC minute = local minute, whole-hour zones). */
	long long minute = replay_minute >= 0 ? replay_minute : (unix_ms / 60000) % 60;
	if (minute < 0)
		minute += 60;
	snprintf(num, sizeof(num), "%lld", minute);
	id->loose = lineid_hash('l', num, nick, text);

	if (id->has_msgid)
		id->match = LINEID_MATCH_MSGID;
	else if (replay_minute >= 0 || own_loose)
		id->match = LINEID_MATCH_LOOSE;
	else if (has_time)
		id->match = LINEID_MATCH_EXACT;
}

bool lineid_is_dup(const struct lineid *id, const struct seenset *seen)
{
	switch (id->match) {
	case LINEID_MATCH_MSGID:
		return seenset_has(seen, id->msgid);
	case LINEID_MATCH_EXACT:
		return seenset_has(seen, id->exact);
	case LINEID_MATCH_LOOSE:
		return seenset_has(seen, id->loose);
	case LINEID_MATCH_NONE:
		break;
	}
	return false;
}

void lineid_remember(const struct lineid *id, struct seenset *seen)
{
	if (!id->has_msgid && !id->has_exact && !id->loose) /* lineid_none */
		return;
	if (id->has_msgid)
		seenset_add(seen, id->msgid);
	else if (id->has_exact)
		seenset_add(seen, id->exact); /* a msgid line is matched by msgid only */
	seenset_add(seen, id->loose);
}

int lineid_replay_prefix(const char *text, const char **rest)
{
	static const char head[] = "[history ";
	size_t hl = sizeof(head) - 1;
	if (strncmp(text, head, hl) != 0)
		return -1;
	const char *p = text + hl;
	for (int i = 0; i < 5; i++) {
		bool colon = i == 2;
		if (colon ? p[i] != ':' : (p[i] < '0' || p[i] > '9'))
			return -1;
	}
	int hour = (p[0] - '0') * 10 + (p[1] - '0');
	int minute = (p[3] - '0') * 10 + (p[4] - '0');
	if (hour > 23 || minute > 59 || p[5] != ']' || p[6] != ' ')
		return -1;
	*rest = p + 7;
	return minute;
}
