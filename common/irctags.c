/* irctags: see irctags.h. */
#include "irctags.h"

#include <limits.h>
#include <string.h>

/* A letter, digit or '-' (tag names and host labels). */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

bool irctags_key_valid(const char *key, size_t len)
{
	if (len > 0 && key[0] == '+') {
		key++;
		len--;
	}
	const char *slash = memchr(key, '/', len);
	if (slash) {
		/* The vendor: a host name, labels of name characters. */
		size_t vlen = (size_t)(slash - key);
		if (vlen == 0 || key[0] == '.' || key[vlen - 1] == '.')
			return false;
		for (size_t i = 0; i < vlen; i++)
			if (!name_char(key[i]) && !(key[i] == '.' && key[i + 1] != '.'))
				return false;
		len -= vlen + 1;
		key = slash + 1;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char(key[i]))
			return false;
	return true;
}

int irctags_check(const char *section, const char **reason)
{
	for (const char *p = section; *p;) {
		size_t elen = strcspn(p, ";");
		size_t klen = strcspn(p, "=;");
		if (elen > 0 && !irctags_key_valid(p, klen)) {
			*reason = "malformed message tag";
			return -1;
		}
		p += elen;
		if (*p == ';')
			p++;
	}
	return 0;
}

/* The escape sequence's second character for c, or 0 if c goes as is. */
static char escape_of(char c)
{
	switch (c) {
	case ';':
		return ':';
	case ' ':
		return 's';
	case '\\':
		return '\\';
	case '\r':
		return 'r';
	case '\n':
		return 'n';
	default:
		return 0;
	}
}

/* The character an escape sequence "\c" stands for. */
static char unescape_of(char c)
{
	switch (c) {
	case ':':
		return ';';
	case 's':
		return ' ';
	case 'r':
		return '\r';
	case 'n':
		return '\n';
	default:
		return c; /* "\\" and unknown escapes give the character */
	}
}

/* Appends the escaped form of raw[0..n) at out[*pos]; false if it does not
 * fit with a NUL after it. */
static bool escape_append(const char *raw, size_t n, char *out, size_t cap, size_t *pos)
{
	for (size_t i = 0; i < n; i++) {
		char e = escape_of(raw[i]);
		size_t need = e ? 2 : 1;
		if (*pos + need >= cap)
			return false;
		if (e) {
			out[(*pos)++] = '\\';
			out[(*pos)++] = e;
		} else {
			out[(*pos)++] = raw[i];
		}
	}
	out[*pos] = '\0';
	return true;
}

int irctags_escape(const char *value, char *out, size_t cap)
{
	size_t pos = 0;
	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (!escape_append(value, strlen(value), out, cap, &pos) || pos > INT_MAX)
		return -1;
	return (int)pos;
}

/* Appends one value, as sent (escaped), in canonical escaped form. */
static bool value_append(const char *v, size_t n, char *out, size_t cap, size_t *pos)
{
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == '\\') {
			if (++i == n)
				break; /* a lone trailing backslash is dropped */
			c = unescape_of(v[i]);
		}
		if (!escape_append(&c, 1, out, cap, pos))
			return false;
	}
	return true;
}

/* Appends raw[0..n) at out[*pos] as is; false if it does not fit with a NUL. */
static bool raw_append(const char *raw, size_t n, char *out, size_t cap, size_t *pos)
{
	if (*pos + n >= cap)
		return false;
	memcpy(out + *pos, raw, n);
	*pos += n;
	out[*pos] = '\0';
	return true;
}

/* Appends one client-only tag p[0..elen) (key length klen) in canonical form,
 * after a ';' unless it is the first. */
static bool client_tag_append(const char *p, size_t elen, size_t klen, char *out, size_t cap,
			      size_t *pos)
{
	if (*pos > 0 && !raw_append(";", 1, out, cap, pos))
		return false;
	if (!raw_append(p, klen, out, cap, pos))
		return false;
	if (klen + 1 >= elen)
		return true; /* no value */
	size_t before = *pos;
	if (!raw_append("=", 1, out, cap, pos) ||
	    !value_append(p + klen + 1, elen - klen - 1, out, cap, pos))
		return false;
	if (*pos == before + 1) /* an empty value: the key alone */
		out[--*pos] = '\0';
	return true;
}

/* Does the section rest (after a tag) hold the key key[0..klen) again? */
static bool key_repeated(const char *rest, const char *key, size_t klen)
{
	for (const char *p = rest; *p;) {
		size_t elen = strcspn(p, ";");
		if (strcspn(p, "=;") == klen && memcmp(p, key, klen) == 0)
			return true;
		p += elen;
		if (*p == ';')
			p++;
	}
	return false;
}

int irctags_client_only(const char *section, char *out, size_t cap)
{
	size_t pos = 0;
	if (cap == 0)
		return -1;
	out[0] = '\0';
	for (const char *p = section; *p;) {
		size_t elen = strcspn(p, ";");
		size_t klen = strcspn(p, "=;");
		/* a key sent twice goes once, with its final value (message-tags:
		 * a key at most once per message; receivers keep the final one) */
		if (elen > 0 && p[0] == '+' && !key_repeated(p + elen, p, klen) &&
		    !client_tag_append(p, elen, klen, out, cap, &pos))
			return -1;
		p += elen;
		if (*p == ';')
			p++;
	}
	return pos > INT_MAX ? -1 : (int)pos;
}

bool irctags_line_has(const char *line, size_t len, const char *key)
{
	if (len == 0 || line[0] != '@')
		return false;
	const char *end = memchr(line, ' ', len);
	if (!end)
		end = line + len;
	size_t klen = strlen(key);
	for (const char *p = line + 1; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *eend = semi ? semi : end;
		/* The key ends at '=' or at the end of the tag; the line is not
		 * NUL-terminated (a queued buffer), so nothing past eend is read. */
		const char *eq = memchr(p, '=', (size_t)(eend - p));
		size_t n = (size_t)((eq ? eq : eend) - p);
		if (n == klen && memcmp(p, key, klen) == 0)
			return true;
		p = eend + 1;
	}
	return false;
}

int irctags_line_add(const char *line, size_t len, const char *tag, char *out, size_t cap)
{
	size_t tlen = strlen(tag);
	bool has_tags = len > 0 && line[0] == '@';
	/* "@tag;" + the old section, or "@tag " + the untagged line. */
	size_t need = 1 + tlen + 1 + (has_tags ? len - 1 : len);
	if (need >= cap || need > INT_MAX)
		return -1;
	out[0] = '@';
	memcpy(out + 1, tag, tlen);
	out[1 + tlen] = has_tags ? ';' : ' ';
	if (has_tags)
		memcpy(out + 2 + tlen, line + 1, len - 1);
	else
		memcpy(out + 2 + tlen, line, len);
	out[need] = '\0';
	return (int)need;
}
