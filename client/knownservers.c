/* knownservers: parsing and rewriting the known_servers text. */
#include "knownservers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "xalloc.h"

/* One parsed line. */
struct known_line {
	char key[ADDRESS_KEY_MAX + 1];
	struct known_entry e;
};

/* Writes the digest in hex. */
void known_hex(const unsigned char sha[KNOWN_SHA256_LEN], char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < KNOWN_SHA256_LEN; i++) {
		out[2 * i] = digits[sha[i] >> 4];
		out[2 * i + 1] = digits[sha[i] & 15];
	}
	out[KNOWN_HEX_LEN] = '\0';
}

/* Normalises a typed fingerprint. */
int known_parse_fingerprint(const char *text, char out[KNOWN_HEX_LEN + 1])
{
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)*p) || n == KNOWN_HEX_LEN)
			return -1;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return n == KNOWN_HEX_LEN ? 0 : -1;
}

/* True for 64 lower-case hex digits. */
static bool known_valid_hex(const char *s, size_t len)
{
	if (len != KNOWN_HEX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* True for YYYY-MM-DD. */
static bool known_valid_date(const char *s, size_t len)
{
	if (len != KNOWN_DATE_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* True for a key: "host:port", printable, no spaces, a port after the last ':'. */
static bool known_valid_key(const char *s, size_t len)
{
	if (len == 0 || len > ADDRESS_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	const char *colon = memrchr(s, ':', len);
	return colon && colon > s && colon + 1 < s + len;
}

/* Parses one line (without its newline). Returns 1 for an entry, 0 for a
 * comment or empty line, -1 for a malformed line. */
static int known_parse_line(const char *s, size_t len, struct known_line *out)
{
	if (len == 0 || s[0] == '#')
		return 0;
	if (len > KNOWN_LINE_MAX)
		return -1;
	const char *f[4];
	size_t fl[4], nf = 0;
	const char *p = s, *end = s + len;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		const char *start = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (nf == 4)
			return -1;
		f[nf] = start;
		fl[nf++] = (size_t)(p - start);
	}
	if (nf == 0)
		return 0;
	if (nf != 4 || !known_valid_key(f[0], fl[0]) || fl[1] != 6 ||
	    memcmp(f[1], "sha256", 6) != 0 || !known_valid_hex(f[2], fl[2]) ||
	    !known_valid_date(f[3], fl[3]))
		return -1;
	memcpy(out->key, f[0], fl[0]);
	out->key[fl[0]] = '\0';
	memcpy(out->e.hex, f[2], fl[2]);
	out->e.hex[fl[2]] = '\0';
	memcpy(out->e.date, f[3], fl[3]);
	out->e.date[fl[3]] = '\0';
	return 1;
}

/* The length of the line at p (up to a newline or end) and where the next starts. */
static size_t known_line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*next = nl ? nl + 1 : end;
	size_t len = (size_t)((nl ? nl : end) - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

/* Finds key. */
bool known_lookup(const char *text, size_t len, const char *key, struct known_entry *out,
                  size_t *malformed)
{
	const char *p = text, *end = text + len, *next;
	bool found = false;
	*malformed = 0;
	for (; p < end; p = next) {
		struct known_line l;
		size_t ll = known_line_len(p, end, &next);
		int r = memchr(p, '\0', ll) ? -1 : known_parse_line(p, ll, &l);
		if (r < 0)
			(*malformed)++;
		else if (r == 1 && !found && strcmp(l.key, key) == 0) {
			*out = l.e;
			found = true;
		}
	}
	return found;
}

/* Copies text without key's lines into a new buffer with room for extra more bytes. */
static char *known_without(const char *text, size_t len, const char *key, size_t extra,
                           size_t *outlen, size_t *removed)
{
	char *out = xmalloc(len + extra + 2);
	const char *p = text, *end = text + len, *next;
	size_t used = 0;
	*removed = 0;
	for (; p < end; p = next) {
		struct known_line l;
		size_t ll = known_line_len(p, end, &next);
		int r = memchr(p, '\0', ll) ? -1 : known_parse_line(p, ll, &l);
		if (r == 1 && strcmp(l.key, key) == 0) {
			(*removed)++;
			continue;
		}
		memcpy(out + used, p, (size_t)(next - p));
		used += (size_t)(next - p);
	}
	if (used > 0 && out[used - 1] != '\n')
		out[used++] = '\n'; /* a last line without newline stays a line */
	out[used] = '\0';
	*outlen = used;
	return out;
}

/* The text without key. */
char *known_remove(const char *text, size_t len, const char *key, size_t *outlen, size_t *removed)
{
	return known_without(text, len, key, 0, outlen, removed);
}

/* The text with key's new line. */
char *known_add(const char *text, size_t len, const char *key, const char *hex, const char *date,
                size_t *outlen)
{
	char line[KNOWN_LINE_MAX + 2];
	struct known_line check;
	int n = snprintf(line, sizeof(line), "%s sha256 %s %s\n", key, hex, date);
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    known_parse_line(line, (size_t)n - 1, &check) != 1 || strcmp(check.key, key) != 0)
		return NULL;
	size_t removed;
	char *out = known_without(text, len, key, (size_t)n, outlen, &removed);
	if (*outlen + (size_t)n > KNOWN_FILE_MAX) {
		free(out);
		return NULL;
	}
	memcpy(out + *outlen, line, (size_t)n + 1);
	*outlen += (size_t)n;
	return out;
}
