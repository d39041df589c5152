/* ircname: nickname and channel-name rules, rfc1459 case mapping, masks. */
#include "ircname.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "textsafe.h"

/* rfc1459 treats []\~ as the upper case of {}|^ (Scandinavian heritage). */
char ircname_fold_char(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	switch (c) {
	case '[':
		return '{';
	case ']':
		return '}';
	case '\\':
		return '|';
	case '~':
		return '^';
	default:
		return c;
	}
}

/* Produces the canonical key under which a name is stored and looked up. */
int ircname_fold(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap || n > (size_t)INT_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		dst[i] = ircname_fold_char(src[i]);
	dst[n] = '\0';
	return (int)n;
}

/* strcmp under the case mapping, comparing bytes as unsigned like strcmp. */
int ircname_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)ircname_fold_char(*a);
		unsigned char cb = (unsigned char)ircname_fold_char(*b);

		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca == '\0')
			return 0;
	}
}

/* The characters allowed anywhere in a nick besides letters. */
static int ircname_nick_special(char c)
{
	return c != '\0' && strchr("[]\\`_^{|}", c) != NULL;
}

/* ASCII letter test that does not depend on the locale. */
static int ircname_is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Nick syntax per RFC 2812, with our longer length limit. */
bool ircname_nick_valid(const char *nick)
{
	size_t n = strnlen(nick, NICK_LEN_MAX + 1);

	if (n == 0 || n > NICK_LEN_MAX)
		return false;
	if (!ircname_is_letter(nick[0]) && !ircname_nick_special(nick[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = nick[i];

		if (!ircname_is_letter(c) && !ircname_nick_special(c) && c != '-' &&
		    !(c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

/* Channel syntax: separators of the protocol are excluded so a name can always
 * be echoed safely as a middle parameter, and the sanitiser's name rules keep
 * out controls, bidi and invisible characters (what is shown is the name). */
bool ircname_channel_valid(const char *name)
{
	size_t n = strnlen(name, CHANNEL_LEN_MAX + 1);

	if (n < 2 || n > CHANNEL_LEN_MAX || name[0] != '#')
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ' ' || c == ',' || c == ':')
			return false;
	}
	return textsafe_name_ok(name, n);
}

/* Wildcard match that only ever backtracks to the most recent '*': a later
 * star subsumes earlier ones, which keeps it O(len(mask) * len(text)). */
bool ircname_mask_match(const char *mask, const char *text)
{
	const char *m = mask, *t = text;
	const char *star = NULL, *resume = NULL;

	while (*t) {
		if (*m == '*') {
			while (*m == '*')
				m++;
			star = m;
			resume = t;
			continue;
		}
		if (*m && (*m == '?' || ircname_fold_char(*m) == ircname_fold_char(*t))) {
			m++;
			t++;
			continue;
		}
		if (!star)
			return false;
		m = star;
		t = ++resume;
	}
	while (*m == '*')
		m++;
	return *m == '\0';
}

int ircname_mask_canonical(const char *mask, char *out, size_t cap)
{
	if (!mask[0])
		return -1;
	const char *bang = strchr(mask, '!');
	const char *at = strchr(bang ? bang : mask, '@');
	int nick_len, user_len;
	const char *nick = mask, *user, *host;
	if (bang) { /* nick!user[@host] */
		nick_len = (int)(bang - mask);
		user = bang + 1;
		user_len = at ? (int)(at - user) : (int)strlen(user);
		host = at ? at + 1 : "";
	} else if (at) { /* user@host */
		nick_len = 0;
		user = mask;
		user_len = (int)(at - mask);
		host = at + 1;
	} else if (strpbrk(mask, ".:")) { /* no nick holds '.' or ':': a host */
		nick_len = user_len = 0;
		user = "";
		host = mask;
	} else { /* a nick */
		nick_len = (int)strlen(mask);
		user = "";
		user_len = 0;
		host = "";
	}
	int n = snprintf(out, cap, "%.*s!%.*s@%s", nick_len ? nick_len : 1,
			 nick_len ? nick : "*", user_len ? user_len : 1, user_len ? user : "*",
			 host[0] ? host : "*");
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
