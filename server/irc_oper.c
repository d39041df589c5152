/* irc_oper: see irc_oper.h. */
#include "irc_oper.h"

#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "oper.h"
#include "registry.h"
#include "session.h"
#include "utf8.h"

/* Bytes of a KILL reason kept: with the killer's nick and "Killed ( ())"
 * it stays within a QUIT reason (QUIT_REASON_MAX). */
#define KILL_REASON_MAX 200

/* Log lines per window for OPER attempts and operator actions. */
#define OPER_LOG_BURST 20

void irc_user_modes(const struct session *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "+%s%s%s", s->invisible ? "i" : "", s->oper ? "o" : "",
		 s->wallops ? "w" : "");
}

/* True when s may try OPER with a password check now: fewer than
 * OPER_TRIES_PER_MINUTE failures in the last minute (refilled over it). */
static bool oper_may_try(struct session *s, long long now)
{
	if (s->oper_tries.rate == 0)
		tokenbucket_init(&s->oper_tries, OPER_TRIES_PER_MINUTE / 60.0,
				 OPER_TRIES_PER_MINUTE, now);
	return tokenbucket_tokens(&s->oper_tries, now) >= 1;
}

/* Logs one OPER attempt; the name only when it is an operator's (never a
 * password, never text that named nobody). */
static void oper_log(const struct session *s, const char *name, enum oper_result r,
		     bool throttled)
{
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	const char *what = r == OPER_OK ? "now an operator"
			   : r == OPER_NO_BLOCK ? "refused: no such operator"
						: "refused: wrong password";
	char as[OPER_NAME_MAX + 8] = "";
	if (r != OPER_NO_BLOCK)
		snprintf(as, sizeof as, " as %s", name); /* a configured name: safe to log */
	log_limited(r == OPER_OK ? LOG_INFO : LOG_WARN, OPER_LOG_BURST,
		    "session %lu (%s, %s): OPER%s %s%s", s->id, s->nick, remote, as, what,
		    throttled ? " (throttled: password not checked)" : "");
}

void cmd_oper(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0], *password = m->params[1];
	long long now = clock_mono_ms();
	bool may = oper_may_try(s, now);
	enum oper_result r = oper_check(name, password, may);
	oper_log(s, name, r, !may);
	if (r == OPER_OK) {
		bool was = s->oper;
		registry_wrlock();
		s->oper = true;
		registry_unlock();
		if (!was)
			send_self(s, s->nick, "MODE", s->nick, "+o", NULL);
		reply(s, "381", "You are now an IRC operator", NULL);
		return;
	}
	if (may)
		tokenbucket_take(&s->oper_tries, now);
	/* A name that is not an operator's gets the same answer as a wrong
	 * password, as late: nothing tells which names exist. (491 is for a
	 * block that refuses this client's host; blocks have no hosts yet.) */
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
	char by[QUIT_REASON_MAX + 1], victim[NICK_LEN_MAX + 1];
	snprintf(by, sizeof by, "%s (%.*s)", s->nick, reason_len, reason);
	if (chat_kill(s, m->params[0], by, victim) != CHAT_OK) {
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
