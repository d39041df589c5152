/* account: the server's accounts (chat core). An account is a registered
 * nick with a password; its name is a nick (ircname rules), compared
 * case-folded like nicks, and it keeps the spelling it was registered with
 * (its display name).
 *
 * Where they live: the store's accounts table (store_accounts.h), written
 * through store_direct, so a registration is on disk before it is
 * answered. Without a store (--history-store memory) there are no accounts:
 * every call answers ACCOUNT_UNAVAILABLE. The folded names are loaded into
 * memory by account_open() at start, so account_is_registered() needs no
 * disk (nick enforcement asks it on every NICK).
 *
 * Passwords: 8..OPERPASS_PASSWORD_MAX bytes of valid UTF-8 with no control
 * characters, hashed with yescrypt at libxcrypt's default cost by
 * operpass.c. A login naming no account costs a full check
 * (operpass_verify_dummy) and gets the same answer as a wrong password.
 *
 * Cost of a check, measured (tests machine, 2 cores shared, -O2): about
 * 29 ms and 16 MiB per yescrypt check. operpass.c runs one check at a time,
 * which we keep for logins: a classroom of 30 reconnecting at once waits
 * 30 x 29 ms, under a second for the last one, while a crowd of guessers
 * can never make the server hold more than one check's memory. Running
 * checks in parallel would at best halve that second on two cores, for
 * 16 MiB per check in flight.
 *
 * Throttles (throttle.h, each bounded to ACCOUNT_THROTTLE_KEYS keys, the
 * least recently used evicted): failed logins per account and address
 * (ACCOUNT_LOGIN_FAILS, then one try per ACCOUNT_LOGIN_PERIOD_MS), per
 * address (ACCOUNT_ADDR_FAILS, same period) and per account from anywhere
 * (ACCOUNT_ANY_FAILS, then one try per ACCOUNT_ANY_PERIOD_MS); while one is
 * spent even the right password is refused with ACCOUNT_THROTTLED, and a
 * login that works clears its account-and-address failures. Keying the
 * tight limit by account and address keeps a guesser elsewhere from locking
 * the owner out; only one with more than ten addresses guessing steadily
 * can still spend the account-wide tries. Registrations per address:
 * ACCOUNT_REGISTER_BURST, then one per ACCOUNT_REGISTER_PERIOD_MS. At most
 * --max-accounts accounts (ACCOUNT_FULL past it).
 *
 * Threads: any worker may call any function with no lock held (the
 * password check and the disk run outside account.c's lock, a leaf that
 * guards the name set, the counts and the throttles). */
#ifndef PARLEY_ACCOUNT_H
#define PARLEY_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "ircname.h"

struct store_direct;

#define ACCOUNT_PASSWORD_MIN 8
#define ACCOUNT_THROTTLE_KEYS 4096
#define ACCOUNT_LOGIN_FAILS 5
#define ACCOUNT_ADDR_FAILS 20
#define ACCOUNT_ANY_FAILS 50          /* an account's failures from anywhere... */
#define ACCOUNT_ANY_PERIOD_MS 6000LL  /* ...then 10 a minute */
#define ACCOUNT_LOG_BURST 20 /* refused logins logged per 10 s */
#define ACCOUNT_PAIR_KEY_MAX (NICK_LEN_MAX + 1 + 64) /* "account address" */
#define ACCOUNT_LOGIN_PERIOD_MS 60000LL
#define ACCOUNT_REGISTER_BURST 3
#define ACCOUNT_REGISTER_PERIOD_MS (20 * 60000LL)

enum account_result {
	ACCOUNT_OK,
	ACCOUNT_EXISTS,
	ACCOUNT_BAD_NAME,
	ACCOUNT_GUEST_NAME,   /* Guest-<digits>: the names renamed squatters get */
	ACCOUNT_WEAK_PASSWORD,
	ACCOUNT_BAD_PASSWORD, /* login: wrong name or password, same answer */
	ACCOUNT_THROTTLED,
	ACCOUNT_FULL,         /* --max-accounts */
	ACCOUNT_UNAVAILABLE,  /* no store (--history-store memory) or a write failed */
};

/* Starts accounts on d (NULL: none, every call UNAVAILABLE), at most
 * max_accounts of them, loading the stored names. Returns 0, or -1 with
 * err (the server does not start). Before any worker runs. */
int account_open(struct store_direct *d, int max_accounts, char *err, size_t errcap);
/* Forgets everything (after the last worker ended). */
void account_close(void);

/* Registers name with password for a client at host (the address the
 * registration throttle counts). On ACCOUNT_OK display_out
 * (NICK_LEN_MAX + 1) holds the account's name as registered. */
enum account_result account_register(const char *name, const char *password, const char *host,
				     char *display_out);

/* Checks name's password for a client at host. On ACCOUNT_OK display_out
 * holds the account's registered spelling. */
enum account_result account_login(const char *name, const char *password, const char *host,
				  char *display_out);

/* Is there an account with this name (case-folded)? In memory, fast. */
bool account_is_registered(const char *name);

/* Is name a guest name, "Guest-" (any case) and digits only? Such a nick is
 * what nick enforcement renames squatters to, so it is never an account. */
bool account_name_is_guest(const char *name);

/* Are accounts on (a store is open)? */
bool account_available(void);

/* Number of accounts. */
size_t account_count(void);

/* A readable sentence for r ("" for ACCOUNT_OK). */
const char *account_result_text(enum account_result r);

/* Why password cannot be an account's (a sentence), or NULL when it can. */
const char *account_password_problem(const char *password);

#endif
