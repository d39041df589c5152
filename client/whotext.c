/* whotext: WHOIS and WHO replies as sentences. */
#include "whotext.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WHOTEXT_PART_MAX 64 /* an idle time or a date */

/* Parameter i of m, or "" when there is none. */
static const char *whotext_param(const struct ircmsg *m, int i)
{
	return i < m->nparams ? m->params[i] : "";
}

/* True when m has parameters up to index last, and 1..last are not empty
 * (params[0], our nick, is not looked at). */
static bool whotext_has(const struct ircmsg *m, int last)
{
	if (m->nparams <= last)
		return false;
	for (int i = 1; i <= last; i++)
		if (!*m->params[i])
			return false;
	return true;
}

/* Reads a count of seconds: 1..WHOTEXT_DIGITS_MAX decimal digits, nothing
 * else (no sign, no space). Returns whether s was one. */
static bool whotext_seconds(const char *s, long long *out)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > WHOTEXT_DIGITS_MAX || s[n] != '\0')
		return false;
	long long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return true;
}

/* Cuts s (of length len, cut short by the buffer) so that it does not end
 * inside a multi-byte UTF-8 sequence. */
static void whotext_trim_utf8(char *s, size_t len)
{
	size_t i = len, back = 0;
	while (i > 0 && back < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (need > back + 1)
		s[i - 1] = '\0';
}

/* snprintf into out, cut at a UTF-8 boundary when it does not fit. */
__attribute__((format(printf, 3, 4))) static bool whotext_put(char *out, size_t cap,
                                                              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out[0] = '\0';
		return false;
	}
	if ((size_t)n >= cap)
		whotext_trim_utf8(out, cap - 1);
	return true;
}

/* "20s", "5m 3s", "2h 5m", "3d 4h": the two largest units. */
static void whotext_duration(long long s, char *buf, size_t cap)
{
	if (s < 60)
		snprintf(buf, cap, "%llds", s);
	else if (s < 3600)
		snprintf(buf, cap, "%lldm %llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, cap, "%lldd %lldh", s / 86400, s % 86400 / 3600);
}

/* "2026-12-01 10:03" in local time for a Unix time; false if it is none. */
static bool whotext_date(long long unix_s, char *buf, size_t cap)
{
	if (unix_s > WHOTEXT_SIGNON_MAX)
		return false;
	time_t t = (time_t)unix_s;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return false;
	return strftime(buf, cap, "%Y-%m-%d %H:%M", &tm) > 0;
}

/* 317: "<nick> <idle> [<signon>] [:text]". The sign-on time is optional
 * (older servers), so a fourth parameter that is no number is the text. */
static bool whotext_idle(const struct ircmsg *m, char *out, size_t cap)
{
	long long idle, signon;
	char dur[WHOTEXT_PART_MAX], date[WHOTEXT_PART_MAX];
	if (!whotext_has(m, 2) || !whotext_seconds(m->params[2], &idle))
		return false;
	whotext_duration(idle, dur, sizeof(dur));
	const char *p3 = whotext_param(m, 3);
	bool has_signon = m->nparams > 4 || (*p3 >= '0' && *p3 <= '9');
	if (!has_signon)
		return whotext_put(out, cap, "%s has been idle %s", m->params[1], dur);
	if (!whotext_seconds(p3, &signon) || !whotext_date(signon, date, sizeof(date)))
		return false;
	return whotext_put(out, cap, "%s has been idle %s, signed on %s", m->params[1], dur, date);
}

/* 319: "<nick> :{[prefix]<channel> }", trailing spaces dropped. */
static bool whotext_channels(const struct ircmsg *m, char *out, size_t cap)
{
	if (!whotext_has(m, 2))
		return false;
	const char *list = m->params[2] + strspn(m->params[2], " ");
	size_t len = strlen(list);
	while (len > 0 && list[len - 1] == ' ')
		len--;
	if (len == 0)
		return false;
	return whotext_put(out, cap, "%s is in %.*s", m->params[1], (int)len, list);
}

/* 338: "<nick> <host> [<ip>] :text" (servers differ). */
static bool whotext_actually(const struct ircmsg *m, char *out, size_t cap)
{
	if (!whotext_has(m, 2))
		return false;
	const char *ip = m->nparams > 4 ? m->params[3] : "";
	if (*ip)
		return whotext_put(out, cap, "%s is actually using host %s (%s)", m->params[1],
		                   m->params[2], ip);
	return whotext_put(out, cap, "%s is actually using host %s", m->params[1], m->params[2]);
}

/* 378: "<nick> :is connecting from *@host ip": the text is the sentence. */
static bool whotext_host(const struct ircmsg *m, char *out, size_t cap)
{
	if (!whotext_has(m, 2))
		return false;
	const char *text = m->params[2];
	if (strncmp(text, "is ", 3) == 0)
		return whotext_put(out, cap, "%s %s", m->params[1], text);
	return whotext_put(out, cap, "%s: %s", m->params[1], text);
}

/* The real name in a 352's last parameter, after "<hopcount> ". */
static const char *whotext_who_realname(const struct ircmsg *m)
{
	const char *text = whotext_param(m, 7);
	size_t digits = strspn(text, "0123456789");
	if (digits > 0 && (text[digits] == ' ' || text[digits] == '\0'))
		text += digits + (text[digits] == ' ');
	return text;
}

/* 352: "<channel> <user> <host> <server> <nick> <flags> :<hops> <real>". */
static bool whotext_who(const struct ircmsg *m, char *out, size_t cap)
{
	if (!whotext_has(m, 6) || !*m->params[2] || !*m->params[3])
		return false;
	const char *chan = m->params[1], *flags = m->params[6];
	const char *pfx = strpbrk(flags, "~&@%+");
	const char *real = whotext_who_realname(m);
	bool star = strcmp(chan, "*") == 0;
	return whotext_put(out, cap, "%s%s%.*s%s is %s@%s%s%s%s%s%s", star ? "" : chan,
	                   star ? "" : ": ", pfx ? 1 : 0, pfx ? pfx : "", m->params[5],
	                   m->params[2], m->params[3], *real ? " (" : "", real, *real ? ")" : "",
	                   flags[0] == 'G' ? ", away" : "",
	                   strchr(flags, '*') ? ", IRC operator" : "");
}

/* 311, 312, 301, 330: "<nick> <a> [<b>] ...", one fixed shape each. */
static bool whotext_simple(int num, const struct ircmsg *m, char *out, size_t cap)
{
	const char *nick = m->params[1], *p2 = whotext_param(m, 2), *p5 = whotext_param(m, 5);
	switch (num) {
	case 311:
		if (!whotext_has(m, 4))
			return false;
		return whotext_put(out, cap, "%s is %s@%s%s%s%s", nick, p2, m->params[3],
		                   *p5 ? " (" : "", p5, *p5 ? ")" : "");
	case 312: {
		const char *info = whotext_param(m, 3);
		return whotext_has(m, 2) && whotext_put(out, cap, "%s is on %s%s%s%s", nick, p2,
		                                        *info ? " (" : "", info, *info ? ")" : "");
	}
	case 301:
		return whotext_put(out, cap, "%s is away%s%s", nick, *p2 ? ": " : "", p2);
	case 330:
		return whotext_has(m, 2) &&
		       whotext_put(out, cap, "%s is logged in as %s", nick, p2);
	default:
		return false;
	}
}

/* Renders a numeric whose nick (params[1]) is present; see whotext_format. */
static bool whotext_numeric(int num, const struct ircmsg *m, char *out, size_t cap)
{
	const char *nick = m->params[1];
	switch (num) {
	case 313:
		return whotext_put(out, cap, "%s is an IRC operator", nick);
	case 671:
		return whotext_put(out, cap, "%s is using a secure connection", nick);
	case 318:
		return whotext_put(out, cap, "End of WHOIS for %s", nick);
	case 315:
		return whotext_put(out, cap, "End of WHO for %s", nick);
	case 317:
		return whotext_idle(m, out, cap);
	case 319:
		return whotext_channels(m, out, cap);
	case 338:
		return whotext_actually(m, out, cap);
	case 378:
		return whotext_host(m, out, cap);
	case 352:
		return whotext_who(m, out, cap);
	default:
		return whotext_simple(num, m, out, cap);
	}
}

bool whotext_format(const struct ircmsg *m, char *out, size_t cap)
{
	const char *cmd = m->command;
	out[0] = '\0';
	if (strlen(cmd) != 3 || strspn(cmd, "0123456789") != 3 || !whotext_has(m, 1))
		return false;
	int num = (cmd[0] - '0') * 100 + (cmd[1] - '0') * 10 + (cmd[2] - '0');
	if (!whotext_numeric(num, m, out, cap)) {
		out[0] = '\0';
		return false;
	}
	return true;
}
