/* irc_sasl: IRCv3 SASL (sasl-3.1) for the IRC front-end, PLAIN only —
 * AUTHENTICATE and its numerics (900, 903-908). The exchange itself is
 * sasl.c; the password check, throttles and the account a session is
 * logged in to belong to the accounts core (account.h, chat.h).
 *
 * Rules: SASL works before and after registration, while the session is
 * not logged in (907 once it is). PLAIN is refused with a reason (904)
 * before the client sends its password unless chat_auth_allowed() (TLS,
 * loopback, or --allow-plaintext-auth). A connection may fail
 * SASL_FAILURES_MAX times; later attempts get 904 without a check. A
 * started exchange holds one bounded buffer (sasl.h) and ends with the
 * session, at registration (906, as sasl-3.1 asks) or when the
 * registration timeout closes the connection. */
#ifndef PARLEY_IRC_SASL_H
#define PARLEY_IRC_SASL_H

#include <stdbool.h>

struct session;
struct ircmsg;

/* Failed AUTHENTICATE attempts per connection (wrong password, bad
 * response, throttled); past them every attempt is refused unchecked. */
#define SASL_FAILURES_MAX 3

/* AUTHENTICATE mechanism | base64 chunk | + | *. */
void cmd_authenticate(struct session *s, struct ircmsg *m);

/* Ends an exchange in progress with 906 (registration completes, or the
 * client gave up); nothing if none. */
void irc_sasl_abort(struct session *s);

/* Is SASL offered (the sasl capability in CAP LS)? When accounts are. */
bool irc_sasl_offered(void);

#endif
