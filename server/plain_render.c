/* plain_render: see plain_render.h. */
#include "plain_render.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "textsafe.h"

#define PLAIN_LINE_MAX 1024

/* Copies text without IRC formatting codes (plain terminals show them as junk). */
static void strip_formatting(const char *text, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = text; *p && n + 1 < cap; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == 0x03) {
			/* colour: \3[fg[,bg]] with one or two digits each */
			for (int i = 0; i < 2 && p[1] >= '0' && p[1] <= '9'; i++)
				p++;
			if (p[1] == ',' && p[2] >= '0' && p[2] <= '9') {
				p += 2;
				if (p[1] >= '0' && p[1] <= '9')
					p++;
			}
			continue;
		}
		if (c < 0x20)
			continue;
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

/* The nick part of "nick!user@host" (or the whole source, for the server). */
static void source_nick(const char *source, char *out, size_t cap)
{
	size_t len = strcspn(source, "!");
	snprintf(out, cap, "%.*s", (int)len, source);
}

/* "HH:MM" of a Unix time in ms, in the server's local time. */
static void clock_text(long long unix_ms, char *out, size_t cap)
{
	time_t secs = (time_t)(unix_ms / 1000);
	struct tm tm;
	localtime_r(&secs, &tm);
	snprintf(out, cap, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* Renders a PRIVMSG/NOTICE body: "<nick> text", "* nick acts", "*nick* text". */
static int render_message(const char *nick, const char *command, const char *target,
			  const char *text, char *buf, size_t cap)
{
	char clean[PLAIN_LINE_MAX];
	bool action = strncmp(text, "\001ACTION ", 8) == 0;
	strip_formatting(action ? text + 8 : text, clean, sizeof clean);
	bool to_channel = target[0] == '#';
	if (action)
		return snprintf(buf, cap, "* %s %s", nick, clean);
	if (command[0] == 'N')
		return snprintf(buf, cap, "-%s- %s", nick, clean);
	if (to_channel)
		return snprintf(buf, cap, "<%s> %s", nick, clean);
	return snprintf(buf, cap, "*%s* %s", nick, clean);
}

/* Renders an event other than a message; -1 if plain users don't see it. */
static int render_event(const struct outmsg *m, const char *nick, char *buf, size_t cap)
{
	const char *cmd = m->command;
	const char *p0 = m->nparams > 0 ? m->params[0] : "";
	const char *p1 = m->nparams > 1 ? m->params[1] : "";
	char clean[PLAIN_LINE_MAX];
	if (strcmp(cmd, "JOIN") == 0)
		return snprintf(buf, cap, "-!- %s joined %s", nick, p0);
	if (strcmp(cmd, "PART") == 0) {
		strip_formatting(p1, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s left %s%s%s%s", nick, p0, *p1 ? " (" : "", clean,
				*p1 ? ")" : "");
	}
	if (strcmp(cmd, "QUIT") == 0) {
		strip_formatting(p0, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s quit (%s)", nick, clean);
	}
	if (strcmp(cmd, "NICK") == 0)
		return snprintf(buf, cap, "-!- %s is now known as %s", nick, p0);
	if (strcmp(cmd, "TOPIC") == 0) {
		strip_formatting(p1, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s changed the topic of %s to: %s", nick, p0, clean);
	}
	if (strcmp(cmd, "KICK") == 0) {
		const char *p2 = m->nparams > 2 ? m->params[2] : "";
		strip_formatting(p2, clean, sizeof clean);
		return snprintf(buf, cap, "-!- %s was kicked from %s by %s (%s)", p1, p0, nick,
				clean);
	}
	if (strcmp(cmd, "INVITE") == 0)
		return snprintf(buf, cap, "-!- %s invites you to %s (type /join %s)", nick, p1, p1);
	if (strcmp(cmd, "MODE") == 0) {
		char args[256] = "";
		size_t len = 0;
		for (int i = 2; i < m->nparams; i++) {
			int n = snprintf(args + len, sizeof args - len, " %s", m->params[i]);
			if (n < 0 || (size_t)n >= sizeof args - len)
				break;
			len += (size_t)n;
		}
		return snprintf(buf, cap, "-!- %s sets mode %s%s on %s", nick, p1, args, p0);
	}
	return -1;
}

/* Cleans a rendered body (bidi controls and any control go: the line is for
 * a terminal) and appends CR LF; returns the line length or -1. */
static int finish_line(int body_len, char *buf, size_t cap)
{
	if (body_len < 0)
		return -1;
	size_t len = (size_t)body_len < cap - 3 ? (size_t)body_len : cap - 3;
	char body[PLAIN_LINE_MAX];
	if (len >= sizeof body)
		len = sizeof body - 1;
	memcpy(body, buf, len);
	len = textsafe_clean(body, len, buf, cap - 2, TEXTSAFE_DROP);
	memcpy(buf + len, "\r\n", 3);
	return (int)len + 2;
}

/* Is m a PRIVMSG or NOTICE with its text? */
static bool is_message(const struct outmsg *m)
{
	return (strcmp(m->command, "PRIVMSG") == 0 || strcmp(m->command, "NOTICE") == 0) &&
	       m->nparams >= 2;
}

bool plain_render_names_room(const struct outmsg *m)
{
	return is_message(m) && m->params[0][0] == '#';
}

int plain_render(const struct outmsg *m, bool with_room, char *buf, size_t cap)
{
	char nick[64], when[8];
	source_nick(m->source, nick, sizeof nick);
	clock_text(m->unix_ms, when, sizeof when);
	int prefix = with_room && plain_render_names_room(m)
			     ? snprintf(buf, cap, "%s [%s] ", when, m->params[0])
			     : snprintf(buf, cap, "%s ", when);
	int body;
	if (is_message(m))
		body = render_message(nick, m->command, m->params[0], m->params[1], buf + prefix,
				      cap - (size_t)prefix);
	else
		body = render_event(m, nick, buf + prefix, cap - (size_t)prefix);
	if (body < 0)
		return -1;
	return finish_line(prefix + body, buf, cap);
}

int plain_render_kicked(const struct outmsg *m, const char *now_in, bool moved, char *buf,
			size_t cap)
{
	if (strcmp(m->command, "KICK") != 0 || m->nparams < 2)
		return -1;
	char kicker[64], when[8], reason[PLAIN_LINE_MAX], where[128];
	source_nick(m->source, kicker, sizeof kicker);
	clock_text(m->unix_ms, when, sizeof when);
	strip_formatting(m->nparams > 2 ? m->params[2] : "", reason, sizeof reason);
	if (!now_in[0])
		snprintf(where, sizeof where, "you are in no room now; type /join #room");
	else
		snprintf(where, sizeof where, "you are %s in %s", moved ? "now" : "still", now_in);
	int n = snprintf(buf, cap, "%s -!- you were kicked from %s by %s (%s); %s", when,
			 m->params[0], kicker, reason, where);
	return finish_line(n, buf, cap);
}

int plain_render_history(long long unix_ms, const char *source, const char *command,
			 const char *text, char *buf, size_t cap)
{
	char nick[64], when[8];
	source_nick(source, nick, sizeof nick);
	clock_text(unix_ms, when, sizeof when);
	int prefix = snprintf(buf, cap, "[history] %s ", when);
	int body = render_message(nick, command, "#", text, buf + prefix, cap - (size_t)prefix);
	return finish_line(body < 0 ? -1 : prefix + body, buf, cap);
}

