/* irc_oper: see irc_oper.h. */
#include "irc_oper.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "kline.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "oper.h"
#include "registry.h"
#include "session.h"
#include "utf8.h"


/* Log lines per window for OPER attempts and operator actions. */
#define OPER_LOG_BURST 20

void irc_user_modes(const struct session *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "+%s%s%s%s", s->bot ? "B" : "", s->invisible ? "i" : "",
		 s->oper ? "o" : "", s->wallops ? "w" : "");
}

void cmd_oper(struct session *s, struct ircmsg *m)
{
	bool was;
	enum oper_result r = chat_oper(s, m->params[0], m->params[1], &was);
	if (r == OPER_OK) {
		if (!was)
			send_self(s, s->nick, "MODE", s->nick, "+o", NULL);
		reply(s, "381", "You are now an IRC operator", NULL);
		return;
	}
	/* A name that is not an operator's gets the same answer as a wrong
	 * password, as late: nothing tells which names exist. 491 goes only to
	 * who gave the right password from an address the block does not allow. */
	if (r == OPER_WRONG_HOST)
		reply(s, "491", "No O-lines for your host", NULL);
	else
		reply(s, "464", "Password incorrect", NULL);
}

/* True when s is an operator; otherwise says 481. */
static bool oper_required(struct session *s)
{
	if (s->oper)
		return true;
	reply(s, "481", "Permission Denied- You're not an IRC operator", NULL);
	return false;
}

void cmd_kill(struct session *s, struct ircmsg *m)
{
	if (!oper_required(s))
		return;
	const char *reason = m->nparams > 1 && m->params[1][0] ? m->params[1] : "No reason";
	/* Cut at a character boundary so "Killed (oper (reason))" fits a QUIT. */
	int reason_len = (int)utf8_cut(reason, strlen(reason), KILL_REASON_MAX);
	char cut[KILL_REASON_MAX + 1], victim[NICK_LEN_MAX + 1];
	snprintf(cut, sizeof cut, "%.*s", reason_len, reason);
	if (chat_kill(s, m->params[0], cut, victim) != CHAT_OK) {
		reply(s, "401", param_printable(m->params[0]), "No such nick/channel", NULL);
		return;
	}
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_WARN, OPER_LOG_BURST, "session %lu (%s, %s): KILL %s (%.*s)", s->id,
		    s->nick, remote, victim, reason_len, reason);
}

void cmd_wallops(struct session *s, struct ircmsg *m)
{
	if (!oper_required(s))
		return;
	char line[1024];
	struct source src = session_source(s);
	int len = deliver_format(line, sizeof line, NULL, src.text, "WALLOPS", 1,
				 (const char *[]){m->params[0]});
	if (len < 0)
		return;
	chat_wallops(s, line, (size_t)len);
	deliver_flush(s);
}

/* KLINE [duration] mask [:reason]: a server ban (chat_kline). The duration
 * is N minutes or Ns seconds; it is taken as one only when a mask follows. */
void cmd_kline(struct session *s, struct ircmsg *m)
{
	if (!oper_required(s))
		return;
	long long ms = 0;
	int i = 0;
	if (m->nparams >= 2 && chat_kline_duration(m->params[0], &ms) == 0)
		i = 1;
	const char *mask = m->params[i];
	const char *reason = m->nparams > i + 1 && m->params[i + 1][0] ? m->params[i + 1]
								       : "No reason";
	struct kline k;
	size_t gone;
	char why[512];
	enum kline_result r = chat_kline(s, mask, ms, reason, &k, &gone, why, sizeof why);
	char text[700];
	switch (r) {
	case KLINE_ADDED:
	case KLINE_REPLACED:
		snprintf(text, sizeof text, "K-line %s %s on %s (%s); %zu user(s) disconnected",
			 r == KLINE_ADDED ? "added" : "replaced",
			 k.expires_ms ? "(temporary)" : "(permanent)", k.mask.text, k.reason, gone);
		notice_self(s, text);
		return;
	default:
		snprintf(text, sizeof text, "K-line not set on %s: %s", param_printable(mask), why);
		notice_self(s, text);
		return;
	}
}

/* UNKLINE mask: removes a server ban. */
void cmd_unkline(struct session *s, struct ircmsg *m)
{
	if (!oper_required(s))
		return;
	char canon[KLINE_MASK_MAX + 1] = "", why[512] = "", text[800];
	enum kline_result r = chat_unkline(s, m->params[0], canon, why, sizeof why);
	if (r == KLINE_REMOVED)
		snprintf(text, sizeof text, "K-line on %s removed", canon);
	else if (r == KLINE_NOT_FOUND)
		snprintf(text, sizeof text, "No K-line on %s", canon);
	else
		snprintf(text, sizeof text, "K-line not removed from %s: %s",
			 param_printable(m->params[0]), why);
	notice_self(s, text);
}

/* kline_each callback: one 216 line. */
static void stats_kline_one(const struct kline *k, void *arg)
{
	struct session *s = arg;
	char expires[32];
	snprintf(expires, sizeof expires, "%lld", k->expires_ms / 1000);
	reply(s, "216", "K", k->mask.text, k->setter, expires, k->reason, NULL);
}

/* STATS letter: k (server bans, operators only); other letters list
 * nothing. 216 is "K mask setter expires-unix-seconds-or-0 :reason". */
void cmd_stats(struct session *s, struct ircmsg *m)
{
	const char *letter = m->nparams > 0 && m->params[0][0] ? m->params[0] : "*";
	char which[2] = {letter[0], '\0'};
	if ((which[0] == 'k' || which[0] == 'K') && letter[1] == '\0') {
		if (!oper_required(s))
			return;
		kline_each(stats_kline_one, s);
	}
	if (!isprint((unsigned char)which[0]) || which[0] == ' ' || which[0] == ':')
		which[0] = '*';
	reply(s, "219", which, "End of /STATS report", NULL);
}
