/* irc_account: see irc_account.h. */
#include "irc_account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "chat.h"
#include "global.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "log.h"
#include "session.h"
#include "xalloc.h"

/* Log lines per window for account events. */
#define ACCOUNT_LOG_BURST 20

/* Why a password may not be sent here (for FAIL and notices). */
#define PLAINTEXT_REFUSED                                                              \
	"passwords are accepted only over TLS or from this machine (the server's "    \
	"--allow-plaintext-auth would allow them here); use TLS"

/* 900: s is now logged in to account. */
static void logged_in_send(struct session *s, const char *account)
{
	struct source src = session_source(s);
	char text[NICK_LEN_MAX + 40];
	snprintf(text, sizeof text, "You are now logged in as %s", account);
	reply(s, "900", src.text, account, text, NULL);
}

/* Logs one account event (names are valid nicks: safe to log). */
static void account_log(const struct session *s, const char *what, const char *name,
			enum account_result r)
{
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(r == ACCOUNT_OK ? LOG_INFO : LOG_WARN, ACCOUNT_LOG_BURST,
		    "session %lu (%s): %s %s: %s", s->id, remote, what, name,
		    r == ACCOUNT_OK ? "ok" : account_result_text(r));
}

/* FAIL REGISTER code account :text. */
static void register_fail(struct session *s, const char *code, const char *account,
			  const char *text)
{
	send_self(s, g_server.cfg.name, "FAIL", "REGISTER", code, account, text, NULL);
}

/* The FAIL code for a refused registration. */
static const char *register_code(enum account_result r)
{
	switch (r) {
	case ACCOUNT_EXISTS:
		return "ACCOUNT_EXISTS";
	case ACCOUNT_BAD_NAME:
	case ACCOUNT_GUEST_NAME:
		return "BAD_ACCOUNT_NAME";
	case ACCOUNT_WEAK_PASSWORD:
		return "WEAK_PASSWORD";
	default:
		return "TEMPORARILY_UNAVAILABLE";
	}
}

/* The checks REGISTER makes before any password work; false when refused. */
static bool register_may(struct session *s, const char *account)
{
	if (!account_available()) {
		register_fail(s, "TEMPORARILY_UNAVAILABLE", account,
			      account_result_text(ACCOUNT_UNAVAILABLE));
		return false;
	}
	if (!s->nick[0]) {
		/* the spec's form: no account can be named before a nick */
		register_fail(s, "NEED_NICK", "*", "Choose a nick (NICK) before REGISTER");
		return false;
	}
	if (session_account(s)[0]) {
		register_fail(s, "ALREADY_AUTHENTICATED", account,
			      "You are already logged in to an account");
		return false;
	}
	if (!ircname_nick_valid(account)) {
		register_fail(s, "BAD_ACCOUNT_NAME", account,
			      account_result_text(ACCOUNT_BAD_NAME));
		return false;
	}
	if (ircname_cmp(account, s->nick) != 0) {
		register_fail(s, "ACCOUNT_NAME_MUST_BE_NICK", account,
			      "The account name must be your current nick");
		return false;
	}
	if (!chat_auth_allowed(s)) {
		register_fail(s, "TEMPORARILY_UNAVAILABLE", account, PLAINTEXT_REFUSED);
		return false;
	}
	return true;
}

void cmd_register(struct session *s, struct ircmsg *m)
{
	const char *account = strcmp(m->params[0], "*") == 0 && s->nick[0] ? s->nick
									     : m->params[0];
	if (!register_may(s, account))
		return;
	char display[NICK_LEN_MAX + 1];
	enum account_result r = account_register(account, m->params[2], s->host, display);
	account_log(s, "REGISTER", account, r);
	if (r != ACCOUNT_OK) {
		register_fail(s, register_code(r), account, account_result_text(r));
		return;
	}
	chat_account_set(s, display);
	send_self(s, g_server.cfg.name, "REGISTER", "SUCCESS", display,
		  "Account created; you are logged in", NULL);
	logged_in_send(s, display);
}

void cmd_verify(struct session *s, struct ircmsg *m)
{
	const char *account = strcmp(m->params[0], "*") == 0 && s->nick[0] ? s->nick
									     : m->params[0];
	if (session_account(s)[0])
		send_self(s, g_server.cfg.name, "FAIL", "VERIFY", "ALREADY_AUTHENTICATED",
			  account, "You are already logged in to an account", NULL);
	else
		send_self(s, g_server.cfg.name, "FAIL", "VERIFY", "INVALID_CODE", account,
			  "No registration here needs verifying: REGISTER logs you in at once",
			  NULL);
}

bool irc_account_pass(struct session *s, const char *text)
{
	if (!strchr(text, ':'))
		return false;
	struct session_extra *x = session_extra(s);
	if (x->pass_login)
		explicit_bzero(x->pass_login, strlen(x->pass_login));
	free(x->pass_login);
	x->pass_login = xstrdup(text);
	return true;
}

/* Forgets the kept PASS login. */
static void pass_forget(struct session *s)
{
	struct session_extra *x = session_extra(s); /* there is one: it holds the login */
	explicit_bzero(x->pass_login, strlen(x->pass_login));
	free(x->pass_login);
	x->pass_login = NULL;
}

bool irc_account_pass_finish(struct session *s)
{
	char *login = session_extra_read(s)->pass_login;
	if (!login)
		return true;
	if (session_account(s)[0]) { /* SASL logged in already: PASS adds nothing */
		pass_forget(s);
		return true;
	}
	char *colon = strchr(login, ':');
	*colon = '\0';
	const char *name = login, *password = colon + 1;
	if (!account_available() || !chat_auth_allowed(s)) {
		notice_self(s, account_available() ? "Not logged in: " PLAINTEXT_REFUSED
						   : "Not logged in: accounts are not "
						     "available on this server");
		pass_forget(s);
		return true;
	}
	char display[NICK_LEN_MAX + 1];
	enum account_result r = account_login(name, password, s->host, display);
	account_log(s, "PASS login", ircname_nick_valid(name) ? name : "(not a nick)", r);
	pass_forget(s);
	if (r == ACCOUNT_OK) {
		chat_account_set(s, display);
		logged_in_send(s, display);
		return true;
	}
	if (r == ACCOUNT_UNAVAILABLE) {
		notice_self(s, "Not logged in: accounts are not available on this server now");
		return true;
	}
	if (r == ACCOUNT_THROTTLED)
		notice_self(s, account_result_text(r));
	reply(s, "464", "Password incorrect", NULL);
	session_quit(s, "Bad password");
	return false;
}
