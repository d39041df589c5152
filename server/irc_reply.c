/* irc_reply: see irc_reply.h. */
#include "irc_reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deliver.h"
#include "global.h"
#include "log.h"
#include "session.h"

#define REPLY_PARAMS_MAX 12

/* Formats and queues one line for s itself. */
static void queue_self_tagged(struct session *s, const char *tags, const char *source,
			      const char *command, int n, const char *const *params)
{
	const char *safe[REPLY_PARAMS_MAX];
	for (int i = 0; i < n; i++)
		safe[i] = i < n - 1 ? param_printable(params[i]) : params[i];
	char line[OUT_SERVER_LINE_MAX];
	int len = deliver_format(line, sizeof line, tags, source, command, n, safe);
	if (len < 0) {
		/* Only an over-long line is left (inputs are bounded far below
		 * OUT_SERVER_LINE_MAX); debug level, so a client cannot fill the log, and
		 * logged later: this often runs under a channel lock. */
		log_later(LOG_DEBUG, "cannot format a reply; it was not sent", command);
		return;
	}
	deliver_queue_line(s, s, line, (size_t)len);
}

static void queue_self(struct session *s, const char *source, const char *command, int n,
		       const char *const *params)
{
	queue_self_tagged(s, NULL, source, command, n, params);
}

/* Appends the NULL-terminated parameters in ap to params[n..max). */
static int params_collect(const char **params, int n, int max, va_list ap)
{
	const char *p;
	while ((p = va_arg(ap, const char *)) && n < max)
		params[n++] = p;
	return n;
}

void reply(struct session *s, const char *numeric, ...)
{
	const char *params[REPLY_PARAMS_MAX];
	params[0] = session_target(s);
	va_list ap;
	va_start(ap, numeric);
	int n = params_collect(params, 1, REPLY_PARAMS_MAX, ap);
	va_end(ap);
	queue_self(s, g_server.cfg.name, numeric, n, params);
}

void send_self(struct session *s, const char *source, const char *command, ...)
{
	const char *params[REPLY_PARAMS_MAX];
	va_list ap;
	va_start(ap, command);
	int n = params_collect(params, 0, REPLY_PARAMS_MAX, ap);
	va_end(ap);
	queue_self(s, source, command, n, params);
}

void send_self_tagged(struct session *s, const char *tags, const char *source,
		      const char *command, ...)
{
	const char *params[REPLY_PARAMS_MAX];
	va_list ap;
	va_start(ap, command);
	int n = params_collect(params, 0, REPLY_PARAMS_MAX, ap);
	va_end(ap);
	queue_self_tagged(s, tags, source, command, n, params);
}

void notice_self(struct session *s, const char *text)
{
	send_self(s, g_server.cfg.name, "NOTICE", session_target(s), text, NULL);
}

void irc_refuse(struct session *s, enum chat_result r, const char *channel,
		const char *nick)
{
	static const struct {
		enum chat_result r;
		const char *numeric;
		bool names_nick, names_channel;
	} numerics[] = {
		{CHAT_NO_SUCH_NICK, "401", true, false},
		{CHAT_NO_SUCH_CHANNEL, "403", false, true},
		{CHAT_BAD_CHANNEL_NAME, "403", false, true},
		{CHAT_CANNOT_SEND_EXTERNAL, "404", false, true},
		{CHAT_CANNOT_SEND_BANNED, "404", false, true},
		{CHAT_CANNOT_SEND_MODERATED, "404", false, true},
		{CHAT_TOO_MANY_CHANNELS, "405", false, true},
		{CHAT_SERVER_CHANNELS_FULL, "405", false, true},
		{CHAT_BAD_NICK, "432", true, false},
		{CHAT_NICK_IN_USE, "433", true, false},
		{CHAT_THEY_NOT_ON_CHANNEL, "441", true, true},
		{CHAT_NOT_ON_CHANNEL, "442", false, true},
		{CHAT_ALREADY_ON_CHANNEL, "443", true, true},
		{CHAT_CHANNEL_FULL, "471", false, true},
		{CHAT_INVITE_ONLY, "473", false, true},
		{CHAT_BANNED, "474", false, true},
		{CHAT_BAD_KEY, "475", false, true},
		{CHAT_NOT_OP, "482", false, true},
	};
	char text[160];
	snprintf(text, sizeof text, "%s", chat_result_text(r));
	if (r == CHAT_TOO_MANY_CHANNELS)
		snprintf(text, sizeof text, "You have joined too many channels (at most %d); "
			 "leave one first", LIVE(max_channels_per_user));
	else if (r == CHAT_SERVER_CHANNELS_FULL)
		snprintf(text, sizeof text, "Cannot create channel: the server has too many "
			 "channels (at most %d); join an existing one", LIVE(max_channels));
	for (size_t i = 0; i < sizeof numerics / sizeof *numerics; i++) {
		if (numerics[i].r != r)
			continue;
		const char *first = numerics[i].names_nick ? nick : channel;
		if (numerics[i].names_nick && numerics[i].names_channel)
			reply(s, numerics[i].numeric, param_printable(nick), param_printable(channel),
			      text, NULL);
		else
			reply(s, numerics[i].numeric, param_printable(first ? first : "*"), text,
			      NULL);
		return;
	}
}

bool param_blank(const char *p)
{
	return p[strspn(p, ",")] == '\0';
}
