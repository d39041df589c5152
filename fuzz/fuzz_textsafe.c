/* fuzz_textsafe: common/textsafe.c, the server's sanitiser for peer text.
 * textsafe_clean's output is valid UTF-8 without a C0/C1 control, DEL or bidi
 * control, fits its buffer and is NUL-terminated; in DROP mode it is exactly
 * the input's code points less the controls, bidi controls and invalid bytes
 * (checked against a reference built with the reference decoder); MASK mode
 * has one '?' per dropped control. textsafe_message_check and
 * textsafe_name_ok agree with references written from textsafe.h.
 *
 * Input: byte 0 chooses the output buffer size; the rest is the text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "textsafe.h"
#include "utf8.h"
#include "xalloc.h"

/* True for the C0 codes textsafe.h lets messages carry. */
static bool format_code(uint32_t cp)
{
	return cp == 0x01 || cp == 0x02 || cp == 0x03 || cp == 0x0f || cp == 0x11 ||
	       cp == 0x16 || cp == 0x1d || cp == 0x1e || cp == 0x1f;
}

/* Checks that out[0..len) is valid UTF-8 with no control or bidi control. */
static void check_clean_output(const char *out, size_t len)
{
	FUZZ_CHECK(strlen(out) == len);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = fuzz_utf8_decode((const uint8_t *)out + i, len - i, &cp);

		FUZZ_CHECK(n > 0);
		enum textsafe_class c = textsafe_classify(cp);
		FUZZ_CHECK(c != TEXTSAFE_C0 && c != TEXTSAFE_C1 && c != TEXTSAFE_BIDI);
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	size_t cap = (size_t)fuzz_byte(&in) % 64 + 1;
	const char *text = (const char *)data + in.pos;
	size_t len = size - in.pos;

	/* Reference: keep, drop or mask each code point (invalid byte: mask). */
	char *want_drop = xmalloc(len + 1), *want_mask = xmalloc(len + 1);
	size_t nd = 0, nm = 0;
	bool all_ok = true, valid = true, message_ok = true;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = fuzz_utf8_decode((const uint8_t *)text + i, len - i, &cp);
		enum textsafe_class c = n ? textsafe_classify(cp) : TEXTSAFE_C0;

		if (n == 0) {
			valid = false;
			n = 1;
		}
		if (c != TEXTSAFE_OK)
			all_ok = false;
		if ((c == TEXTSAFE_C0 && !(valid && format_code(cp))) || c == TEXTSAFE_C1)
			message_ok = false;
		if (c == TEXTSAFE_C0 || c == TEXTSAFE_C1) {
			want_mask[nm++] = '?';
		} else if (c != TEXTSAFE_BIDI) {
			memcpy(want_drop + nd, text + i, n);
			memcpy(want_mask + nm, text + i, n);
			nd += n;
			nm += n;
		}
		i += n;
	}

	/* With room for everything, the output is exactly the reference. */
	char *out = xmalloc(len + 2);
	size_t got = textsafe_clean(text, len, out, len + 2, TEXTSAFE_DROP);
	FUZZ_CHECK(got == nd && memcmp(out, want_drop, nd) == 0);
	check_clean_output(out, got);
	got = textsafe_clean(text, len, out, len + 2, TEXTSAFE_MASK);
	FUZZ_CHECK(got == nm && memcmp(out, want_mask, nm) == 0);
	check_clean_output(out, got);

	/* A small buffer gets a prefix of that, cut at a code point boundary. */
	char small[65];
	for (int mode = 0; mode < 2; mode++) {
		const char *want = mode ? want_mask : want_drop;
		size_t want_len = mode ? nm : nd;
		got = textsafe_clean(text, len, small, cap, mode ? TEXTSAFE_MASK : TEXTSAFE_DROP);
		FUZZ_CHECK(got < cap && got <= want_len && memcmp(small, want, got) == 0);
		check_clean_output(small, got);
	}

	FUZZ_CHECK(textsafe_name_ok(text, len) == (valid && all_ok));
	FUZZ_CHECK(utf8_valid(text, len) == valid);
	if (valid)
		FUZZ_CHECK((textsafe_message_check(text, len) == NULL) == message_ok);
	else
		FUZZ_CHECK(textsafe_message_check(text, len) != NULL);
	free(out);
	free(want_drop);
	free(want_mask);
	return 0;
}
