/* fuzz_mask: ircname_mask_match against a simple recursive matcher; the rfc1459
 * case mapping (ircname_fold, ircname_cmp) against each other and a reference;
 * nick and channel syntax against references written from ircname.h.
 *
 * Input: byte 0 splits the rest into two strings a and b (a NUL ends either
 * early, as in the C strings the server passes). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "ircname.h"
#include "textsafe.h"
#include "utf8.h"
#include "xalloc.h"

#define REF_MASK_MAX 16 /* the reference is memoised, but keep it small anyway */
#define REF_TEXT_MAX 40
#define LONG_MAX_LEN 1024 /* the real matcher alone runs on longer strings */

/* rfc1459 lower case of one byte, written out from the header's description. */
static unsigned char reference_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (c == '[')
		return '{';
	if (c == ']')
		return '}';
	if (c == '\\')
		return '|';
	if (c == '~')
		return '^';
	return c;
}

/* Memo of the reference matcher: 0 unknown, 1 no, 2 yes. */
struct ref_match {
	const char *mask;
	const char *text;
	uint8_t memo[REF_MASK_MAX + 1][REF_TEXT_MAX + 1];
};

/* Does mask[i..] match text[j..]? '*' is any run of bytes, '?' any one byte. */
static bool reference_match(struct ref_match *r, size_t i, size_t j)
{
	bool yes;

	if (r->memo[i][j])
		return r->memo[i][j] == 2;
	if (r->mask[i] == '\0')
		yes = r->text[j] == '\0';
	else if (r->mask[i] == '*')
		yes = reference_match(r, i + 1, j) || (r->text[j] && reference_match(r, i, j + 1));
	else if (r->text[j] == '\0')
		yes = false;
	else if (r->mask[i] == '?' || reference_fold((unsigned char)r->mask[i]) ==
	                                  reference_fold((unsigned char)r->text[j]))
		yes = reference_match(r, i + 1, j + 1);
	else
		yes = false;
	r->memo[i][j] = yes ? 2 : 1;
	return yes;
}

/* Nick syntax from ircname.h: 1..NICK_LEN_MAX bytes; a letter or []\`_^{|}
 * first; then also digits and '-'. */
static bool reference_nick_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > NICK_LEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		bool special = c != '\0' && strchr("[]\\`_^{|}", c) != NULL;
		bool later = (c >= '0' && c <= '9') || c == '-';

		if (!letter && !special && !(i > 0 && later))
			return false;
	}
	return true;
}

/* Channel syntax from ircname.h: '#', then 1..CHANNEL_LEN_MAX-1 bytes with no
 * space, comma or ':'; valid UTF-8 (per the reference decoder) in which every
 * code point is of class TEXTSAFE_OK (C0, DEL, C1, bidi, invisible refused). */
static bool reference_channel_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > CHANNEL_LEN_MAX || s[0] != '#')
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == ',' || c == ':')
			return false;
	}
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = fuzz_utf8_decode((const uint8_t *)s + i, n - i, &cp);

		if (len == 0 || textsafe_classify(cp) != TEXTSAFE_OK)
			return false;
		i += len;
	}
	return true;
}

/* The sign of x: -1, 0 or 1. */
static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Checks fold and cmp on a pair of names. */
static void check_case_mapping(const char *a, const char *b)
{
	size_t alen = strlen(a), blen = strlen(b);
	char *fa = xmalloc(alen + 1), *fb = xmalloc(blen + 1), *ffa = xmalloc(alen + 1);

	FUZZ_CHECK(ircname_fold(fa, alen + 1, a) == (int)alen);
	FUZZ_CHECK(ircname_fold(fb, blen + 1, b) == (int)blen);
	FUZZ_CHECK(ircname_fold(fa, alen, a) == -1); /* no room for the NUL */
	FUZZ_CHECK(ircname_fold(fa, alen + 1, a) == (int)alen);
	for (size_t i = 0; i < alen; i++)
		FUZZ_CHECK((unsigned char)fa[i] == reference_fold((unsigned char)a[i]));
	FUZZ_CHECK(fa[alen] == '\0');
	FUZZ_CHECK(ircname_fold(ffa, alen + 1, fa) == (int)alen);
	FUZZ_CHECK(strcmp(ffa, fa) == 0); /* folding is idempotent */
	for (size_t i = 0; i < alen; i++)
		FUZZ_CHECK(ircname_fold_char(a[i]) == fa[i]);

	/* cmp is strcmp of the folded forms. */
	FUZZ_CHECK(sign(ircname_cmp(a, b)) == sign(strcmp(fa, fb)));
	FUZZ_CHECK(sign(ircname_cmp(b, a)) == -sign(ircname_cmp(a, b)));
	FUZZ_CHECK(ircname_cmp(a, a) == 0);
	FUZZ_CHECK(ircname_cmp(a, fa) == 0);

	/* Matching is under the same mapping. */
	FUZZ_CHECK(ircname_mask_match(a, a));
	FUZZ_CHECK(ircname_mask_match(a, fa));
	FUZZ_CHECK(ircname_mask_match(fa, a));
	FUZZ_CHECK(ircname_mask_match(a, b) == ircname_mask_match(fa, fb));
	free(fa);
	free(fb);
	free(ffa);
}

/* Copies up to max bytes of s[0..n) as a C string (stopping at a NUL). */
static char *copy_string(const uint8_t *s, size_t n, size_t max)
{
	char *out;

	if (n > max)
		n = max;
	out = xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	size_t split = fuzz_byte(&in);
	const uint8_t *rest = data + in.pos;
	size_t rest_len = size - in.pos;
	char *a, *b;

	if (split > rest_len)
		split = rest_len;

	/* Small strings: the real matcher against the reference, both ways round. */
	a = copy_string(rest, split, REF_MASK_MAX);
	b = copy_string(rest + split, rest_len - split, REF_TEXT_MAX);
	{
		static struct ref_match r;

		memset(&r, 0, sizeof(r));
		r.mask = a;
		r.text = b;
		FUZZ_CHECK(ircname_mask_match(a, b) == reference_match(&r, 0, 0));
		if (strlen(b) <= REF_MASK_MAX) {
			memset(&r, 0, sizeof(r));
			r.mask = b;
			r.text = a;
			FUZZ_CHECK(ircname_mask_match(b, a) == reference_match(&r, 0, 0));
		}
	}
	free(a);
	free(b);

	/* Long strings: no reference, only the properties and no crash. */
	a = copy_string(rest, split, LONG_MAX_LEN);
	b = copy_string(rest + split, rest_len - split, LONG_MAX_LEN);
	check_case_mapping(a, b);
	FUZZ_CHECK(ircname_nick_valid(a) == reference_nick_valid(a));
	FUZZ_CHECK(ircname_nick_valid(b) == reference_nick_valid(b));
	FUZZ_CHECK(ircname_channel_valid(a) == reference_channel_valid(a));
	FUZZ_CHECK(ircname_channel_valid(b) == reference_channel_valid(b));
	free(a);
	free(b);

	/* The whole input as one name, too. */
	a = copy_string(rest, rest_len, LONG_MAX_LEN);
	(void)ircname_nick_valid(a);
	(void)ircname_channel_valid(a);
	free(a);
	return 0;
}
