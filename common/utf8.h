/* utf8: validation of UTF-8 text received from the network.
 * Strict RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
#ifndef PARLEY_UTF8_H
#define PARLEY_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* Largest n <= max such that s[0..n) does not end inside a multi-byte sequence.
 * s[0..len) must be valid UTF-8. Used to cut text at a byte budget. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Decodes the code point at the start of s[0..len) (len >= 1) into *cp.
 * Returns its length in bytes, or 0 if s does not start with a valid sequence. */
size_t utf8_decode(const char *s, size_t len, unsigned long *cp);

/* Number of code points in valid UTF-8 s[0..len). */
size_t utf8_length(const char *s, size_t len);

#endif
