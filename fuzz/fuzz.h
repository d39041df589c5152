/* fuzz: what every harness shares.
 *
 * A harness is one LLVMFuzzerTestOneInput(). It is linked either with libFuzzer
 * (clang, -DPARLEY_FUZZ=ON) or with driver.c, the standalone main the normal
 * test suite runs. Checks use FUZZ_CHECK, not assert(): release builds define
 * NDEBUG, and a harness that checks nothing finds nothing. */
#ifndef PARLEY_FUZZ_H
#define PARLEY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Aborts (so libFuzzer or the driver saves the input) when cond is false. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__,      \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the input front to back; a harness takes its parameters from it. */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

/* The next byte of the input, or 0 once it is used up. */
static inline uint8_t fuzz_byte(struct fuzz_input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

/* The next two bytes as a little-endian number, 0 past the end. */
static inline unsigned fuzz_u16(struct fuzz_input *in)
{
	unsigned lo = fuzz_byte(in);

	return lo | (unsigned)fuzz_byte(in) << 8;
}

/* Reference UTF-8 decoder shared by the harnesses, written the long way: the
 * length from the lead byte's high bits, the payload bits collected, then what
 * RFC 3629 forbids rejected (overlong forms, surrogates, > U+10FFFF). Returns
 * the sequence length, or 0 when s[0..len) (len >= 1) does not start with a
 * valid sequence. */
static inline size_t fuzz_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		v = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		v = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		v = s[0] & 0x07;
	} else {
		return 0; /* a continuation byte, or 0xF8..0xFF */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min_for_len[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

#endif
