/* plain_account: see plain_account.h. */
#include "plain_account.h"

#include <string.h>

#include "account.h"
#include "chat.h"
#include "log.h"
#include "plain_user.h"
#include "registry.h"
#include "session.h"

/* Log lines per window for account events. */
#define PLAIN_ACCOUNT_LOG_BURST 20

/* Says why s may not use an account command now; false when it may. */
static bool plain_account_refused(struct session *s)
{
	if (!account_available()) {
		plain_say(s, "Accounts are not available on this server.");
		return true;
	}
	if (session_account(s)[0]) {
		plain_say(s, "You are already logged in as %s.", session_account(s));
		return true;
	}
	if (!chat_auth_allowed(s)) {
		plain_say(s, "Passwords are accepted only over TLS or from the server's own "
			     "machine; this connection is neither, so nothing was sent on.");
		return true;
	}
	return false;
}

/* Logs one account event (the nick is a valid name: safe to log). */
static void plain_account_log(const struct session *s, const char *what,
			      enum account_result r)
{
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(r == ACCOUNT_OK ? LOG_INFO : LOG_WARN, PLAIN_ACCOUNT_LOG_BURST,
		    "session %lu (%s): %s %s: %s", s->id, remote, what, s->nick,
		    r == ACCOUNT_OK ? "ok" : account_result_text(r));
}

void plain_register(struct session *s, char *args)
{
	if (plain_account_refused(s))
		return;
	char display[NICK_LEN_MAX + 1];
	enum account_result r = account_register(s->nick, args, s->host, display);
	explicit_bzero(args, strlen(args));
	plain_account_log(s, "/register", r);
	if (r != ACCOUNT_OK) {
		plain_say(s, "Not registered: %s.", account_result_text(r));
		return;
	}
	chat_account_set(s, display);
	plain_say(s, "Account %s registered; you are logged in. Next time type /login "
		     "PASSWORD after joining with this nick.", display);
}

void plain_login(struct session *s, char *args)
{
	if (plain_account_refused(s))
		return;
	char display[NICK_LEN_MAX + 1];
	enum account_result r = account_login(s->nick, args, s->host, display);
	explicit_bzero(args, strlen(args));
	plain_account_log(s, "/login", r);
	if (r != ACCOUNT_OK) {
		plain_say(s, "Not logged in: %s.", account_result_text(r));
		return;
	}
	chat_account_set(s, display);
	plain_say(s, "You are now logged in as %s.", display);
}

/* Gives back the nick s took at the prompt and asks for another. */
static void prompt_nick_again(struct session *s)
{
	registry_wrlock();
	registry_drop_nick(s);
	registry_unlock();
	s->user[0] = '\0';
	s->plain_step = PLAIN_ASK_NICK;
	plain_say(s, "Type another nickname:");
}

bool plain_account_prompt(struct session *s)
{
	if (!account_is_registered(s->nick))
		return false;
	if (!chat_auth_allowed(s)) {
		plain_say(s, "The nickname %s is registered, and passwords are accepted only "
			     "over TLS or from the server's own machine.", s->nick);
		prompt_nick_again(s);
		return true;
	}
	s->plain_step = PLAIN_ASK_ACCOUNT;
	plain_say(s, "The nickname %s is registered. Type its password, or - "
		     "to choose another nickname.", s->nick);
	plain_say(s, "password for %s:", s->nick);
	return true;
}

bool plain_account_prompt_answer(struct session *s, char *line)
{
	if (strcmp(line, "-") == 0) { /* no password is that short */
		prompt_nick_again(s);
		return false;
	}
	char display[NICK_LEN_MAX + 1];
	enum account_result r = account_login(s->nick, line, s->host, display);
	explicit_bzero(line, strlen(line));
	plain_account_log(s, "login at the prompt", r);
	if (r != ACCOUNT_OK) {
		plain_say(s, "Not logged in: %s.", account_result_text(r));
		prompt_nick_again(s);
		return false;
	}
	chat_account_set(s, display);
	plain_say(s, "You are logged in as %s.", display);
	return true;
}
