/* plain_oper: see plain_oper.h. */
#include "plain_oper.h"

#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "log.h"
#include "plain_user.h"
#include "session.h"
#include "utf8.h"

/* True when s is an operator; otherwise says so. */
static bool plain_oper_required(struct session *s)
{
	if (s->oper)
		return true;
	plain_say(s, "Only server operators may do that; become one with /oper NAME PASSWORD.");
	return false;
}

/* /oper NAME PASSWORD */
void plain_oper(struct session *s, char *args)
{
	char *password;
	char *name = plain_word(args, &password);
	char *rest;
	password = plain_word(password, &rest);
	if (!password[0]) {
		plain_say(s, "Usage: /oper NAME PASSWORD");
		return;
	}
	bool was;
	enum oper_result r = chat_oper(s, name, password, &was);
	if (r == OPER_OK)
		plain_say(s, was ? "You are already a server operator."
				 : "You are now a server operator.");
	else if (r == OPER_WRONG_HOST)
		plain_say(s, "That operator may not become one from your address.");
	else
		plain_say(s, "That operator name and password do not match (after a few wrong "
			     "tries, wait a minute).");
}

/* /kill NICK [REASON] */
void plain_kill(struct session *s, char *args)
{
	if (!plain_oper_required(s))
		return;
	char *reason;
	char *nick = plain_word(args, &reason);
	if (!reason[0])
		reason = "No reason";
	int reason_len = (int)utf8_cut(reason, strlen(reason), KILL_REASON_MAX);
	char cut[KILL_REASON_MAX + 1], victim[NICK_LEN_MAX + 1];
	snprintf(cut, sizeof cut, "%.*s", reason_len, reason);
	if (chat_kill(s, nick, cut, victim) != CHAT_OK) {
		plain_say(s, "Nobody called %s is here.", nick);
		return;
	}
	log_limited(LOG_WARN, LOG_LIMIT_BURST, "session %lu (%s): KILL %s (%.*s)", s->id, s->nick,
		    victim, reason_len, reason);
	plain_say(s, "You disconnected %s.", victim);
}

/* How long a ban lasts, in words. */
static void duration_words(const struct kline *k, char *buf, size_t cap)
{
	if (!k->expires_ms)
		snprintf(buf, cap, "for good");
	else
		snprintf(buf, cap, "for %lld second(s)", (k->expires_ms - k->set_ms + 999) / 1000);
}

/* /kline [DURATION] MASK [REASON] */
void plain_kline(struct session *s, char *args)
{
	if (!plain_oper_required(s))
		return;
	char *rest;
	char *word = plain_word(args, &rest);
	long long ms = 0;
	char *mask = word;
	if (rest[0] && chat_kline_duration(word, &ms) == 0)
		mask = plain_word(rest, &rest);
	const char *reason = rest[0] ? rest : "No reason";
	struct kline k;
	size_t gone;
	char why[512];
	enum kline_result r = chat_kline(s, mask, ms, reason, &k, &gone, why, sizeof why);
	if (r != KLINE_ADDED && r != KLINE_REPLACED) {
		plain_say(s, "No ban was set on %s: %s.", mask, why);
		return;
	}
	char how_long[64];
	duration_words(&k, how_long, sizeof how_long);
	plain_say(s, "%s %s is banned from the server %s (%s); %zu user(s) were disconnected.",
		  r == KLINE_REPLACED ? "Ban replaced:" : "Done:", k.mask.text, how_long, k.reason,
		  gone);
}

/* /unkline MASK */
void plain_unkline(struct session *s, char *args)
{
	if (!plain_oper_required(s))
		return;
	char *rest;
	char *mask = plain_word(args, &rest);
	char canon[KLINE_MASK_MAX + 1] = "", why[512] = "";
	enum kline_result r = chat_unkline(s, mask, canon, why, sizeof why);
	if (r == KLINE_REMOVED)
		plain_say(s, "The ban on %s is lifted.", canon);
	else if (r == KLINE_NOT_FOUND)
		plain_say(s, "There is no ban on %s.", canon);
	else
		plain_say(s, "The ban on %s was not lifted: %s.", mask, why);
}
