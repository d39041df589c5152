/* knownservers: the text of the known_servers file (servers trusted on first
 * use), read and rewritten without I/O. One server a line:
 *
 *     host:port sha256 <64 hex digits> <first seen, YYYY-MM-DD>
 *
 * '#' lines and empty lines are comments. A line that is not of that shape
 * (wrong field count, a digest that is not 64 hex digits, a date that is not
 * a date, longer than KNOWN_LINE_MAX) is malformed: lookups skip it and count
 * it, rewrites keep it as it was. The whole file is bounded by
 * KNOWN_FILE_MAX: a rewrite that would pass it is refused.
 * Also the SPKI fingerprint's text form (64 lower-case hex digits). */
#ifndef PARLEY_KNOWNSERVERS_H
#define PARLEY_KNOWNSERVERS_H

#include <stdbool.h>
#include <stddef.h>

#define KNOWN_FILE_MAX (256 * 1024) /* bytes: thousands of servers */
#define KNOWN_LINE_MAX 512
#define KNOWN_SHA256_LEN 32
#define KNOWN_HEX_LEN (2 * KNOWN_SHA256_LEN)
#define KNOWN_DATE_LEN 10 /* YYYY-MM-DD */

struct known_entry {
	char hex[KNOWN_HEX_LEN + 1];
	char date[KNOWN_DATE_LEN + 1];
};

/* Writes the digest as 64 lower-case hex digits (out holds KNOWN_HEX_LEN + 1). */
void known_hex(const unsigned char sha[KNOWN_SHA256_LEN], char *out);

/* Normalises a fingerprint the user typed (hex, either case, ':' between
 * bytes allowed) to 64 lower-case digits. Returns 0, or -1 when it is not a
 * SHA-256. */
int known_parse_fingerprint(const char *text, char out[KNOWN_HEX_LEN + 1]);

/* Finds key ("host:port") in the file's text. Returns true and fills out when
 * it is there; *malformed counts the malformed lines seen. */
bool known_lookup(const char *text, size_t len, const char *key, struct known_entry *out,
                  size_t *malformed);

/* The text without key's lines (allocated, *outlen its length); *removed
 * counts them. */
char *known_remove(const char *text, size_t len, const char *key, size_t *outlen, size_t *removed);

/* The text with key's lines replaced by one new line. NULL (nothing
 * allocated) when the key, hex or date is not valid or the text would pass
 * KNOWN_FILE_MAX. */
char *known_add(const char *text, size_t len, const char *key, const char *hex, const char *date,
                size_t *outlen);

#endif
