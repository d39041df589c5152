/* irc_sasl: see irc_sasl.h. */
#include "irc_sasl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "chat.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "sasl.h"
#include "session.h"

/* Log lines per window for SASL outcomes. */
#define SASL_LOG_BURST 20

bool irc_sasl_offered(void)
{
	return account_available();
}

/* Ends the exchange in progress, wiping what it collected. */
static void sasl_end(struct session *s)
{
	if (!session_extra_read(s)->sasl)
		return;
	struct session_extra *x = session_extra(s);
	sasl_exchange_free(x->sasl);
	x->sasl = NULL;
}

void irc_sasl_abort(struct session *s)
{
	if (!session_extra_read(s)->sasl)
		return;
	sasl_end(s);
	reply(s, "906", "SASL authentication aborted", NULL);
}

/* Counts one failed attempt toward SASL_FAILURES_MAX. */
static void sasl_count_failure(struct session *s)
{
	if (session_extra_read(s)->sasl_failures < SASL_FAILURES_MAX)
		session_extra(s)->sasl_failures++;
}

/* 904 with why, counting a failure when it was an attempt that counts. */
static void sasl_fail(struct session *s, const char *why, bool counts)
{
	if (counts)
		sasl_count_failure(s);
	char text[160];
	if (why)
		snprintf(text, sizeof text, "SASL authentication failed: %s", why);
	else
		snprintf(text, sizeof text, "SASL authentication failed");
	reply(s, "904", text, NULL);
}

/* AUTHENTICATE <mechanism>: starts PLAIN, or says why not. */
static void sasl_begin(struct session *s, const char *mechanism)
{
	if (strcmp(mechanism, "*") == 0) {
		reply(s, "906", "SASL authentication aborted", NULL);
		return;
	}
	if (strcasecmp(mechanism, "PLAIN") != 0) {
		reply(s, "908", "PLAIN", "are available SASL mechanisms", NULL);
		sasl_fail(s, NULL, false);
		return;
	}
	if (!account_available()) {
		sasl_fail(s, account_result_text(ACCOUNT_UNAVAILABLE), false);
		return;
	}
	if (session_extra_read(s)->sasl_failures >= SASL_FAILURES_MAX) {
		sasl_fail(s, "too many failed attempts on this connection", false);
		return;
	}
	/* Refused before the password is sent, not after. */
	if (!chat_auth_allowed(s)) {
		sasl_fail(s, "passwords are accepted only over TLS or from this machine; use TLS", false);
		return;
	}
	session_extra(s)->sasl = sasl_exchange_new();
	send_self(s, NULL, "AUTHENTICATE", "+", NULL);
}

/* Checks a complete PLAIN response against the accounts; 900 + 903 or 904. */
static void sasl_check(struct session *s, const struct sasl_plain *p)
{
	char display[NICK_LEN_MAX + 1] = "";
	enum account_result r = account_login(p->authcid, p->password, s->host, display);
	if (r != ACCOUNT_OK) { /* account_login logged a refusal */
		/* A wrong name and a wrong password get the same answer. */
		sasl_fail(s, r == ACCOUNT_BAD_PASSWORD ? NULL : account_result_text(r), true);
		return;
	}
	chat_account_set(s, display);
	struct source src = session_source(s);
	char text[NICK_LEN_MAX + 48];
	snprintf(text, sizeof text, "You are now logged in as %s", display);
	reply(s, "900", src.text, display, text, NULL);
	reply(s, "903", "SASL authentication successful", NULL);
	log_limited(LOG_INFO, SASL_LOG_BURST, "session %lu logged in as %s (SASL)", s->id, display);
}

/* One chunk of the response: collected, and checked once complete. */
static void sasl_continue(struct session *s, const char *chunk)
{
	enum sasl_feed_result f = sasl_exchange_feed(session_extra_read(s)->sasl, chunk);
	if (f == SASL_FEED_MORE)
		return;
	if (f == SASL_FEED_ABORTED) {
		irc_sasl_abort(s);
		return;
	}
	if (f == SASL_FEED_TOO_LONG || f == SASL_FEED_INVALID) {
		sasl_end(s);
		if (f == SASL_FEED_TOO_LONG) {
			sasl_count_failure(s);
			reply(s, "905", "SASL message too long", NULL);
		} else {
			sasl_fail(s, "empty AUTHENTICATE parameter", true);
		}
		return;
	}
	struct sasl_plain p;
	enum sasl_plain_result r = sasl_exchange_plain(session_extra_read(s)->sasl, &p);
	sasl_end(s);
	if (r == SASL_PLAIN_TOO_LONG) {
		sasl_count_failure(s);
		reply(s, "905", "SASL message too long: the account name or password is too long",
		      NULL);
	} else if (r != SASL_PLAIN_OK) {
		sasl_fail(s, sasl_plain_result_text(r), true);
	} else {
		sasl_check(s, &p);
	}
	sasl_plain_wipe(&p);
}

void cmd_authenticate(struct session *s, struct ircmsg *m)
{
	const char *arg = m->params[0];
	if (session_account(s)[0]) {
		reply(s, "907", "You have already authenticated using SASL", NULL);
		return;
	}
	if (session_extra_read(s)->sasl)
		sasl_continue(s, arg);
	else
		sasl_begin(s, arg);
}
