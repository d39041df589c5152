/* fuzz_utf8: utf8_valid against a straightforward reference decoder, and
 * utf8_cut / utf8_length against the code point boundaries that decoder finds
 * (fuzz_utf8_decode in fuzz.h).
 *
 * Input: bytes 0-1 choose the cut budget; the rest is the text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "utf8.h"
#include "xalloc.h"

/* Reference validation; also counts code points and marks where each starts
 * (starts has len + 1 entries; the end counts as a boundary). */
static bool reference_valid(const uint8_t *s, size_t len, size_t *count, bool *starts)
{
	size_t i = 0;

	*count = 0;
	memset(starts, 0, len + 1);
	while (i < len) {
		uint32_t cp;
		size_t n = fuzz_utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			return false;
		starts[i] = true;
		(*count)++;
		i += n;
	}
	starts[len] = true;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	size_t max = fuzz_u16(&in);
	char *text;
	size_t len, count, cut;
	bool *starts;
	bool valid;

	len = size - in.pos;
	/* Own copy, so a read past the end of the text is caught. */
	text = xmalloc(len ? len : 1);
	memcpy(text, data + in.pos, len);
	starts = xmalloc(len + 1);
	if (len)
		max %= len + 2; /* around the interesting range, one past the end included */

	valid = reference_valid((const uint8_t *)text, len, &count, starts);
	FUZZ_CHECK(utf8_valid(text, len) == valid);

	/* Every prefix ending at a boundary is valid, and the others are not
	 * (checked on short texts only: it is quadratic). */
	if (valid && len <= 256) {
		for (size_t n = 0; n <= len; n++)
			FUZZ_CHECK(utf8_valid(text, n) == starts[n]);
	}

	if (valid) {
		FUZZ_CHECK(utf8_length(text, len) == count);
		cut = utf8_cut(text, len, max);
		/* The largest boundary not beyond max (the end when max >= len). */
		FUZZ_CHECK(cut <= len && cut <= max);
		FUZZ_CHECK(starts[cut]);
		for (size_t n = cut + 1; n <= len && n <= max; n++)
			FUZZ_CHECK(!starts[n]);
		FUZZ_CHECK(utf8_valid(text, cut));
		FUZZ_CHECK(utf8_length(text, cut) + utf8_length(text + cut, len - cut) == count);
	} else {
		/* Outside the contract, but must stay in bounds. */
		cut = utf8_cut(text, len, max);
		FUZZ_CHECK(cut <= len && cut <= max);
		(void)utf8_length(text, len);
	}
	free(text);
	free(starts);
	return 0;
}
