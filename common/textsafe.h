/* textsafe: the one sanitiser for text that peers send and terminals show.
 *
 * Peer text reaches terminals four ways on the server: relayed to clients,
 * rendered for plain (nc/telnet) users, written to the log, printed by
 * --trace. Each code point falls in one class:
 *
 *   C0       U+0000-U+001F and DEL: controls; IRC formatting codes are
 *            C0 too, and messages may carry those (textsafe_message_check)
 *   C1       U+0080-U+009F: controls (U+009B is CSI on xterm, U+009D OSC)
 *   BIDI     U+202A-U+202E, U+2066-U+2069: embeddings, overrides, isolates;
 *            they reorder everything after them on a line
 *   MARK     U+200E, U+200F, U+061C: bidi marks (invisible, harmless in text)
 *   INVISIBLE zero-width and blank characters that make two names look the
 *            same or a name look empty (U+200B-U+200D, U+2060-U+2064, U+FEFF,
 *            U+00AD, Unicode spaces, fillers, variation selectors, tags ...)
 *
 * Policy: messages refuse C0 (but IRC formatting) and C1; names refuse all
 * classes; text rendered for people strips BIDI and C0/C1 (RTL letters stay).
 * Pure functions, no I/O. */
#ifndef PARLEY_TEXTSAFE_H
#define PARLEY_TEXTSAFE_H

#include <stdbool.h>
#include <stddef.h>

enum textsafe_class {
	TEXTSAFE_OK,
	TEXTSAFE_C0,
	TEXTSAFE_C1,
	TEXTSAFE_BIDI,
	TEXTSAFE_MARK,
	TEXTSAFE_INVISIBLE,
};

/* The class of one code point. */
enum textsafe_class textsafe_classify(unsigned long cp);

/* Checks the text of a message line (valid UTF-8, len bytes): NULL if it may
 * be relayed, else why not ("it contains a control character"). IRC
 * formatting codes and CTCP's \1 are allowed; other C0, DEL and C1 are not. */
const char *textsafe_message_check(const char *s, size_t len);

/* True when name[0..len) is valid UTF-8 with no code point of any class but
 * TEXTSAFE_OK (nick and channel names: what you see is what it is). */
bool textsafe_name_ok(const char *name, size_t len);

/* How textsafe_clean treats controls and invalid bytes. */
enum textsafe_mode {
	TEXTSAFE_DROP, /* for people: controls vanish */
	TEXTSAFE_MASK, /* for the log and trace: each becomes '?', so it shows */
};

/* Copies s[0..len) (any bytes) into out (cap >= 1 bytes, NUL-terminated):
 * BIDI controls removed, C0, DEL, C1 and bytes that are not valid UTF-8
 * dropped or masked per mode. Never cuts a code point in two. Returns the
 * length written. */
size_t textsafe_clean(const char *s, size_t len, char *out, size_t cap, enum textsafe_mode mode);

#endif
