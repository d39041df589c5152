/* plain_account: accounts for plain-text users — /register PASSWORD and
 * /login PASSWORD, the account being the user's nick. Same rules as IRC's
 * REGISTER and PASS login (account.h; chat_auth_allowed in chat.h), told in
 * sentences. */
#ifndef PARLEY_PLAIN_ACCOUNT_H
#define PARLEY_PLAIN_ACCOUNT_H

struct session;

/* /register PASSWORD: makes an account named after the nick, logged in. */
void plain_register(struct session *s, char *args);

/* /login PASSWORD: logs in to the account named after the nick. */
void plain_login(struct session *s, char *args);

#endif
