/* plain_account: accounts for plain-text users — /register PASSWORD and
 * /login PASSWORD, the account being the user's nick. Same rules as IRC's
 * REGISTER and PASS login (account.h; chat_auth_allowed in chat.h), told in
 * sentences. */
#ifndef PARLEY_PLAIN_ACCOUNT_H
#define PARLEY_PLAIN_ACCOUNT_H

#include <stdbool.h>

struct session;

/* /register PASSWORD: makes an account named after the nick, logged in. */
void plain_register(struct session *s, char *args);

/* /login PASSWORD: logs in to the account named after the nick. */
void plain_login(struct session *s, char *args);

/* At the nick prompt, s just took a nick: if it is registered, asks for
 * its password (step PLAIN_ASK_ACCOUNT) and returns true; if passwords may
 * not cross this connection, gives the nick back, asks for another and
 * returns true too. False: not registered, go on. */
bool plain_account_prompt(struct session *s);

/* The answer to that question: the password logs s in (true), or s is
 * told why not, loses the nick and is asked for another (false; an empty
 * line just asks for another). The throttles of account.h apply. */
bool plain_account_prompt_answer(struct session *s, char *line);

#endif
