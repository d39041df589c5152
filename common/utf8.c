/* utf8: strict UTF-8 validation (RFC 3629). */
#include "utf8.h"

/* Length of the sequence a lead byte starts, or 0 if it can never start one
 * (continuation bytes, 0xC0/0xC1 which are always overlong, 0xF5..0xFF). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* Checks bytes one by one, narrowing the second byte's range per RFC 3629's
 * table so that overlongs, surrogates and > U+10FFFF fail without decoding. */
bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n = utf8_seq_len(c);
		unsigned char lo = 0x80, hi = 0xBF;

		if (n == 0)
			return false;
		if (n == 1) {
			i++;
			continue;
		}
		if (len - i < n)
			return false;
		if (c == 0xE0)
			lo = 0xA0; /* below is overlong */
		else if (c == 0xED)
			hi = 0x9F; /* above is a surrogate */
		else if (c == 0xF0)
			lo = 0x90; /* below is overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above is > U+10FFFF */
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		}
		i += n;
	}
	return true;
}

/* Validates one sequence with utf8_valid's rules, then collects its bits. */
size_t utf8_decode(const char *s, size_t len, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = utf8_seq_len(p[0]);

	if (n == 0 || n > len || !utf8_valid(s, n))
		return 0;
	if (n == 1) {
		*cp = p[0];
		return 1;
	}
	unsigned long v = p[0] & (0x7F >> n);
	for (size_t k = 1; k < n; k++)
		v = v << 6 | (p[k] & 0x3F);
	*cp = v;
	return n;
}

/* Backs off from max to the start of the sequence that straddles it, if any:
 * byte max is the first one left out, so it must not be a continuation byte. */
size_t utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cut = max;

	if (max >= len)
		return len;
	while (cut > 0 && (p[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

/* Counts lead bytes: every code point has exactly one non-continuation byte. */
size_t utf8_length(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	for (size_t i = 0; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			count++;
	}
	return count;
}
