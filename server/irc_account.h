/* irc_account: accounts over IRC — REGISTER and VERIFY (IRCv3
 * draft/account-registration, before or after connection registration),
 * PASS account:password (checked when registration completes), and the
 * 900 numeric that says a connection is logged in. The rules (names,
 * passwords, throttles) are account.h's; where passwords may cross is
 * chat_auth_allowed (chat.h).
 *
 * PASS: without a server password, "PASS account:password" (split at the
 * first ':') is a login, checked when registration completes: a wrong
 * password (or a throttled account) gets 464 and the connection closes as
 * for a wrong server password; refused because the connection is not safe
 * (plain TCP from another host), or accounts are off, it gets a notice and
 * registration goes on logged out. With a server password set, PASS is that
 * password only: an account logs in with SASL or plain /login. */
#ifndef PARLEY_IRC_ACCOUNT_H
#define PARLEY_IRC_ACCOUNT_H

#include <stdbool.h>

struct session;
struct ircmsg;

/* REGISTER <account|*> <email|*> <password>. */
void cmd_register(struct session *s, struct ircmsg *m);

/* VERIFY <account|*> <code>: no registration here needs verifying (REGISTER
 * succeeds or fails at once), so every code is invalid: FAIL VERIFY
 * INVALID_CODE, or ALREADY_AUTHENTICATED when logged in. */
void cmd_verify(struct session *s, struct ircmsg *m);

/* PASS with no server password set: keeps "account:password" for the login
 * at registration. Returns false when text holds no ':' (not a login). */
bool irc_account_pass(struct session *s, const char *text);

/* At registration, before the welcome: logs in with a kept PASS login, if
 * any. Returns false when the connection must close (wrong password or
 * throttled: 464 has been sent). */
bool irc_account_pass_finish(struct session *s);

#endif
