/* textsafe: see textsafe.h. */
#include "textsafe.h"

#include <string.h>

#include "utf8.h"

/* Code points that draw nothing (or only blank space) but are not controls:
 * ranges, inclusive, sorted. */
static const struct {
	unsigned long lo, hi;
} invisible[] = {
	{0x00A0, 0x00A0},   /* no-break space */
	{0x00AD, 0x00AD},   /* soft hyphen */
	{0x034F, 0x034F},   /* combining grapheme joiner */
	{0x115F, 0x1160},   /* Hangul choseong/jungseong fillers */
	{0x1680, 0x1680},   /* Ogham space mark */
	{0x17B4, 0x17B5},   /* Khmer inherent vowels */
	{0x180B, 0x180F},   /* Mongolian variation selectors, vowel separator */
	{0x2000, 0x200D},   /* spaces, zero width space, ZWNJ, ZWJ */
	{0x2028, 0x2029},   /* line and paragraph separators */
	{0x202F, 0x202F},   /* narrow no-break space */
	{0x205F, 0x2064},   /* math space, word joiner, invisible operators */
	{0x206A, 0x206F},   /* deprecated format characters */
	{0x2800, 0x2800},   /* braille blank */
	{0x3000, 0x3000},   /* ideographic space */
	{0x3164, 0x3164},   /* Hangul filler */
	{0xFE00, 0xFE0F},   /* variation selectors */
	{0xFEFF, 0xFEFF},   /* zero width no-break space (BOM) */
	{0xFFA0, 0xFFA0},   /* halfwidth Hangul filler */
	{0xFFF9, 0xFFFB},   /* interlinear annotation */
	{0x1BCA0, 0x1BCA3}, /* shorthand format controls */
	{0x1D173, 0x1D17A}, /* musical symbol format controls */
	{0xE0000, 0xE0FFF}, /* tags, variation selectors supplement */
};

/* Classifies by range; the common case (printable ASCII) returns first. */
enum textsafe_class textsafe_classify(unsigned long cp)
{
	if (cp >= 0x20 && cp < 0x7F)
		return TEXTSAFE_OK;
	if (cp < 0x20 || cp == 0x7F)
		return TEXTSAFE_C0;
	if (cp >= 0x80 && cp <= 0x9F)
		return TEXTSAFE_C1;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return TEXTSAFE_BIDI;
	if (cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return TEXTSAFE_MARK;
	for (size_t i = 0; i < sizeof invisible / sizeof *invisible; i++) {
		if (cp < invisible[i].lo)
			break;
		if (cp <= invisible[i].hi)
			return TEXTSAFE_INVISIBLE;
	}
	return TEXTSAFE_OK;
}

/* The C0 codes a message may carry: IRC formatting and CTCP's delimiter. */
static bool textsafe_format_code(unsigned long cp)
{
	switch (cp) {
	case 0x01: /* CTCP (ACTION) */
	case 0x02: /* bold */
	case 0x03: /* colour */
	case 0x0f: /* reset */
	case 0x11: /* monospace */
	case 0x16: /* reverse */
	case 0x1d: /* italics */
	case 0x1e: /* strikethrough */
	case 0x1f: /* underline */
		return true;
	}
	return false;
}

const char *textsafe_message_check(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return "it is not valid UTF-8";
		enum textsafe_class c = textsafe_classify(cp);
		if ((c == TEXTSAFE_C0 && !textsafe_format_code(cp)) || c == TEXTSAFE_C1)
			return "it contains a control character";
		i += n;
	}
	return NULL;
}

bool textsafe_name_ok(const char *name, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = utf8_decode(name + i, len - i, &cp);
		if (n == 0 || textsafe_classify(cp) != TEXTSAFE_OK)
			return false;
		i += n;
	}
	return true;
}

size_t textsafe_clean(const char *s, size_t len, char *out, size_t cap, enum textsafe_mode mode)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		enum textsafe_class c = n ? textsafe_classify(cp) : TEXTSAFE_C0;
		if (n == 0)
			n = 1; /* an invalid byte: treated as a control, one byte at a time */
		if (c == TEXTSAFE_C0 || c == TEXTSAFE_C1) {
			if (mode == TEXTSAFE_MASK) {
				if (o + 1 >= cap)
					break;
				out[o++] = '?';
			}
		} else if (c != TEXTSAFE_BIDI) {
			if (o + n >= cap)
				break;
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (cap > 0)
		out[o] = '\0';
	return o;
}
