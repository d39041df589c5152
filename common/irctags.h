/* irctags: IRCv3 message tags as text (no I/O) — key syntax, value
 * escaping, the client-only tags a server relays, and adding a tag to a
 * line that is already formatted.
 *
 * A tag section is what follows '@' up to the first space:
 * "key[=value];key[=value]...". Keys are [+][vendor/]name, name being
 * letters, digits and '-', vendor a host name (letters, digits, '-', '.').
 * Values are escaped: "\:" ';', "\s" space, "\\" '\', "\r" CR, "\n" LF;
 * another escaped character stands for itself and a lone trailing '\' is
 * dropped (message-tags spec). */
#ifndef PARLEY_IRCTAGS_H
#define PARLEY_IRCTAGS_H

#include <stdbool.h>
#include <stddef.h>

/* Is key[0..len) a well-formed tag key (client-only '+' allowed)? */
bool irctags_key_valid(const char *key, size_t len);

/* Checks every tag of a section (without '@'). Empty elements (";;", a
 * trailing ';') are tolerated. Returns 0, or -1 with *reason set to a static
 * string. */
int irctags_check(const char *section, const char **reason);

/* Escapes value into out (NUL-terminated). Returns the length, or -1 if it
 * does not fit in cap. */
int irctags_escape(const char *value, char *out, size_t cap);

/* The client-only tags ("+key[=value]") of a checked section, in the order
 * sent, each value unescaped and escaped again in the one canonical form
 * (never longer than what was sent), joined by ';' into out. A tag without a
 * value, or with an empty one, goes without '='. A key sent more than once
 * goes once, where and as its final occurrence was sent. Returns the length (0: none),
 * or -1 if they do not fit in cap (a cap of strlen(section) + 1 always
 * fits). */
int irctags_client_only(const char *section, char *out, size_t cap);

/* Does the formatted line[0..len) carry a tag named key? */
bool irctags_line_has(const char *line, size_t len, const char *key);

/* Copies the formatted line[0..len) (one line, CR LF included) into out with
 * tag ("key" or "key=escaped value") first in its tag section, which is made
 * if the line has none. Returns the new length, or -1 if it does not fit in
 * cap (out is NUL-terminated). */
int irctags_line_add(const char *line, size_t len, const char *tag, char *out, size_t cap);

#endif
