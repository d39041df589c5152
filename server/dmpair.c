/* dmpair: see dmpair.h. */
#include "dmpair.h"

#include <stdio.h>
#include <string.h>

/* Folds name into out; false if empty, too long, or holding a ','. */
static bool pair_fold(const char *name, char out[NICK_LEN_MAX + 1])
{
	if (!name || !name[0] || strlen(name) > NICK_LEN_MAX || strchr(name, ','))
		return false;
	ircname_fold(out, NICK_LEN_MAX + 1, name);
	return true;
}

bool dmpair_key(const char *a, const char *b, char key[DMPAIR_KEY_MAX])
{
	char fa[NICK_LEN_MAX + 1], fb[NICK_LEN_MAX + 1];
	if (!pair_fold(a, fa) || !pair_fold(b, fb))
		return false;
	bool a_first = strcmp(fa, fb) <= 0;
	snprintf(key, DMPAIR_KEY_MAX, "@%s,%s", a_first ? fa : fb, a_first ? fb : fa);
	return true;
}

bool dmpair_split(const char *key, char first[NICK_LEN_MAX + 1], char second[NICK_LEN_MAX + 1])
{
	if (!key || key[0] != '@')
		return false;
	const char *comma = strchr(key + 1, ',');
	if (!comma)
		return false;
	size_t la = (size_t)(comma - key - 1), lb = strlen(comma + 1);
	if (la == 0 || lb == 0 || la > NICK_LEN_MAX || lb > NICK_LEN_MAX || strchr(comma + 1, ','))
		return false;
	memcpy(first, key + 1, la);
	first[la] = '\0';
	memcpy(second, comma + 1, lb + 1);
	return true;
}

bool dmpair_other(const char *key, const char *account, char other[NICK_LEN_MAX + 1])
{
	char a[NICK_LEN_MAX + 1], b[NICK_LEN_MAX + 1], me[NICK_LEN_MAX + 1];
	if (!dmpair_split(key, a, b) || !pair_fold(account, me))
		return false;
	if (strcmp(a, me) == 0)
		memcpy(other, b, sizeof b);
	else if (strcmp(b, me) == 0)
		memcpy(other, a, sizeof a);
	else
		return false;
	return true;
}
