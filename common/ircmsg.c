/* ircmsg: parsing and formatting of IRC protocol lines. */
#include "ircmsg.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Skips the run of spaces that separates fields (several are tolerated). */
static char *ircmsg_skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Cuts the field starting at p at the next space; returns where the next
 * field's separator run begins (or the end of the line). */
static char *ircmsg_cut_field(char *p)
{
	char *sp = strchr(p, ' ');

	if (!sp)
		return p + strlen(p);
	*sp = '\0';
	return sp + 1;
}

/* A command is a word of letters or a three-digit numeric. */
static bool ircmsg_command_valid(const char *cmd)
{
	size_t n = strlen(cmd);
	size_t i;

	if (n == 0)
		return false;
	if (cmd[0] >= '0' && cmd[0] <= '9') {
		if (n != 3)
			return false;
		for (i = 0; i < n; i++) {
			if (cmd[i] < '0' || cmd[i] > '9')
				return false;
		}
		return true;
	}
	for (i = 0; i < n; i++) {
		char c = cmd[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

/* Splits a line into tags, prefix, command and parameters, all in place. */
int ircmsg_parse(char *line, struct ircmsg *msg, const char **reason)
{
	char *p = line;

	memset(msg, 0, sizeof(*msg));
	p = ircmsg_skip_spaces(p);
	if (*p == '\0') {
		*reason = "empty line";
		return -1;
	}
	if (*p == '@') {
		msg->tags = p + 1;
		p = ircmsg_skip_spaces(ircmsg_cut_field(p));
		if (*msg->tags == '\0') {
			*reason = "empty tag section";
			return -1;
		}
		if (*p == '\0') {
			*reason = "missing command";
			return -1;
		}
	}
	if (*p == ':') {
		msg->prefix = p + 1;
		p = ircmsg_skip_spaces(ircmsg_cut_field(p));
		if (*msg->prefix == '\0') {
			*reason = "empty prefix";
			return -1;
		}
		if (*p == '\0') {
			*reason = "missing command";
			return -1;
		}
	}
	msg->command = p;
	p = ircmsg_cut_field(p);
	if (!ircmsg_command_valid(msg->command)) {
		msg->command = NULL;
		*reason = "malformed command";
		return -1;
	}
	for (;;) {
		p = ircmsg_skip_spaces(p);
		if (*p == '\0')
			break;
		if (*p == ':') {
			msg->params[msg->nparams++] = p + 1;
			break;
		}
		if (msg->nparams == IRC_PARAMS_MAX - 1) {
			/* RFC 2812: after 14 middles the rest is the trailing
			 * parameter even without its ':'. */
			msg->params[msg->nparams++] = p;
			break;
		}
		msg->params[msg->nparams++] = p;
		p = ircmsg_cut_field(p);
	}
	return 0;
}

/* A bounded writer: records failure instead of overrunning, keeps room for NUL. */
struct ircmsg_out {
	char *buf;
	size_t cap;
	size_t pos;
	bool failed;
};

/* Appends n bytes if they fit with a NUL after them. */
static void ircmsg_put(struct ircmsg_out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->cap == 0 || n >= o->cap - o->pos) {
		o->failed = true;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

/* Appends a NUL-terminated string. */
static void ircmsg_puts(struct ircmsg_out *o, const char *s)
{
	ircmsg_put(o, s, strlen(s));
}

/* True when s holds a byte that would break the line framing or the field. */
static bool ircmsg_has_any(const char *s, const char *bad)
{
	return s[strcspn(s, bad)] != '\0';
}

/* Writes one whole protocol line; refuses anything that would change its meaning
 * on the wire (an injected CR/LF, a middle parameter that would split). */
/* Formats a line; force_trailing writes the last parameter with ':' always. */
static int format_line(char *buf, size_t cap, const char *tags, const char *prefix,
		       const char *command, int nparams, const char *const *params,
		       bool force_trailing)
{
	struct ircmsg_out o = {buf, cap, 0, false};

	if (cap > INT_MAX)
		o.cap = INT_MAX;
	if (!command || *command == '\0' || ircmsg_has_any(command, " \r\n"))
		return -1;
	if (nparams < 0 || nparams > IRC_PARAMS_MAX)
		return -1;
	if (cap > 0)
		buf[0] = '\0';
	if (tags && *tags) {
		if (ircmsg_has_any(tags, " \r\n"))
			return -1;
		ircmsg_put(&o, "@", 1);
		ircmsg_puts(&o, tags);
		ircmsg_put(&o, " ", 1);
	}
	if (prefix && *prefix) {
		if (ircmsg_has_any(prefix, " \r\n"))
			return -1;
		ircmsg_put(&o, ":", 1);
		ircmsg_puts(&o, prefix);
		ircmsg_put(&o, " ", 1);
	}
	ircmsg_puts(&o, command);
	for (int i = 0; i < nparams; i++) {
		const char *p = params[i];
		bool last = i == nparams - 1;
		bool needs_colon = *p == '\0' || *p == ':' || strchr(p, ' ') != NULL;
		bool colon = needs_colon || (last && force_trailing);

		if (ircmsg_has_any(p, "\r\n"))
			return -1;
		if (needs_colon && !last)
			return -1;
		ircmsg_put(&o, " ", 1);
		if (colon)
			ircmsg_put(&o, ":", 1);
		ircmsg_puts(&o, p);
	}
	ircmsg_put(&o, "\r\n", 2);
	if (o.failed)
		return -1;
	return (int)o.pos;
}

int ircmsg_format(char *buf, size_t cap, const char *tags, const char *prefix, const char *command,
		  int nparams, const char *const *params)
{
	return format_line(buf, cap, tags, prefix, command, nparams, params, false);
}

int ircmsg_format_text(char *buf, size_t cap, const char *tags, const char *prefix,
		       const char *command, int nparams, const char *const *params)
{
	return format_line(buf, cap, tags, prefix, command, nparams, params, true);
}

/* Commands compare case-insensitively; we keep them upper case internally. */
void ircmsg_upcase(char *command)
{
	for (; *command; command++) {
		if (*command >= 'a' && *command <= 'z')
			*command = (char)(*command - 'a' + 'A');
	}
}

/* IRCv3 server-time: ISO 8601 in UTC with milliseconds. */
int ircmsg_time_tag(char *buf, size_t cap, long long unix_ms)
{
	long long secs = unix_ms / 1000;
	long long ms = unix_ms % 1000;
	time_t t;
	struct tm tm;
	int n;

	if (ms < 0) { /* floor, so times before 1970 still read right */
		ms += 1000;
		secs--;
	}
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm))
		return -1;
	n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ms);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return n;
}

/* Reads exactly digits decimal digits at *p. -1 if not digits. */
static int time_digits(const char **p, int digits)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += digits;
	return v;
}

/* Reads ".fff" (any number of digits, at least one) at *p into ms; nothing
 * there is 0 ms. -1 if a '.' has no digit after it. */
static int time_millis(const char **p, int *ms)
{
	*ms = 0;
	if (**p != '.')
		return 0;
	(*p)++;
	if (**p < '0' || **p > '9')
		return -1;
	for (int scale = 100; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
		*ms += (**p - '0') * scale;
	return 0;
}

int ircmsg_time_parse(const char *value, long long *unix_ms)
{
	/* Each field: its digits, its range, and the character after it. */
	static const struct {
		int digits, min, max;
		char after;
	} fields[6] = {{4, 0, 9999, '-'}, {2, 1, 12, '-'}, {2, 1, 31, 'T'},
	               {2, 0, 23, ':'},   {2, 0, 59, ':'}, {2, 0, 60, '\0'}};
	const char *p = value;
	int v[6], ms;
	for (int i = 0; i < 6; i++) {
		v[i] = time_digits(&p, fields[i].digits);
		if (v[i] < fields[i].min || v[i] > fields[i].max)
			return -1;
		if (fields[i].after && *p++ != fields[i].after)
			return -1;
	}
	if (time_millis(&p, &ms) < 0 || strcmp(p, "Z") != 0)
		return -1;
	struct tm tm = {.tm_year = v[0] - 1900,
	                .tm_mon = v[1] - 1,
	                .tm_mday = v[2],
	                .tm_hour = v[3],
	                .tm_min = v[4],
	                .tm_sec = v[5]};
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*unix_ms = (long long)t * 1000 + ms;
	return 0;
}

/* Decodes an escaped tag value of n bytes into buf; -1 if it does not fit. */
static int ircmsg_tag_unescape(const char *v, size_t n, char *buf, size_t cap)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (c == '\\') {
			if (++i == n)
				break; /* a lone trailing backslash is dropped */
			switch (v[i]) {
			case ':':
				c = ';';
				break;
			case 's':
				c = ' ';
				break;
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			default: /* "\\" and unknown escapes give the character */
				c = v[i];
				break;
			}
		}
		if (out + 1 >= cap)
			return -1;
		buf[out++] = c;
	}
	if (cap == 0)
		return -1;
	buf[out] = '\0';
	return out > INT_MAX ? -1 : (int)out;
}

/* Looks up key among "k1=v1;k2;k3=v3"; the last occurrence wins, as IRCv3 says. */
int ircmsg_tag_get(const char *tags, const char *key, char *buf, size_t cap)
{
	const char *p = tags;
	const char *val = NULL;
	size_t keylen = strlen(key);
	size_t vlen = 0;
	bool found = false;

	if (!tags)
		return -1;
	while (*p) {
		size_t elen = strcspn(p, ";");
		size_t klen = strcspn(p, "=;");

		if (klen == keylen && memcmp(p, key, keylen) == 0) {
			found = true;
			if (klen < elen) {
				val = p + klen + 1;
				vlen = elen - klen - 1;
			} else {
				val = p + klen;
				vlen = 0;
			}
		}
		p += elen;
		if (*p == ';')
			p++;
	}
	if (!found)
		return -1;
	return ircmsg_tag_unescape(val, vlen, buf, cap);
}
