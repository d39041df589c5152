/* account: see account.h. */
#include "account.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "log.h"
#include "operpass.h"
#include "store_accounts.h"
#include "strmap.h"
#include "throttle.h"
#include "utf8.h"

/* lock (a leaf, held for table edits only) guards names, pending and the
 * throttles; direct and max_accounts are written by account_open() before
 * any worker runs and read freely after. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_direct *direct;
static size_t max_accounts;
static struct strmap *names;            /* folded name -> (void *)1 */
static size_t pending;                  /* registrations between check and insert */
static struct throttle *login_fails;    /* per folded account name and address */
static struct throttle *account_fails;  /* per folded account name, from anywhere */
static struct throttle *addr_fails;     /* per address */
static struct throttle *registrations;  /* per address */

/* Adds one loaded name to the set. */
static void name_loaded(const char *name, void *arg)
{
	(void)arg;
	strmap_put(names, name, (void *)1);
}

int account_open(struct store_direct *d, int max, char *err, size_t errcap)
{
	account_close();
	names = strmap_new();
	login_fails = throttle_new(ACCOUNT_THROTTLE_KEYS, ACCOUNT_LOGIN_FAILS,
				   ACCOUNT_LOGIN_PERIOD_MS);
	account_fails = throttle_new(ACCOUNT_THROTTLE_KEYS, ACCOUNT_ANY_FAILS,
				     ACCOUNT_ANY_PERIOD_MS);
	addr_fails = throttle_new(ACCOUNT_THROTTLE_KEYS, ACCOUNT_ADDR_FAILS,
				  ACCOUNT_LOGIN_PERIOD_MS);
	registrations = throttle_new(ACCOUNT_THROTTLE_KEYS, ACCOUNT_REGISTER_BURST,
				     ACCOUNT_REGISTER_PERIOD_MS);
	max_accounts = max > 0 ? (size_t)max : 0;
	pending = 0;
	if (d && store_accounts_each_name(d, name_loaded, NULL, err, errcap) < 0)
		return -1;
	direct = d;
	return 0;
}

void account_close(void)
{
	direct = NULL;
	strmap_free(names);
	throttle_free(login_fails);
	throttle_free(account_fails);
	throttle_free(addr_fails);
	throttle_free(registrations);
	names = NULL;
	login_fails = account_fails = addr_fails = registrations = NULL;
}

bool account_available(void)
{
	return direct != NULL;
}

bool account_name_is_guest(const char *name)
{
	if (strncasecmp(name, "Guest-", 6) != 0 || !name[6])
		return false;
	for (const char *p = name + 6; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

bool account_is_registered(const char *name)
{
	char key[NICK_LEN_MAX + 1];
	if (!direct || ircname_fold(key, sizeof key, name) < 0)
		return false;
	pthread_mutex_lock(&lock);
	bool found = strmap_get(names, key) != NULL;
	pthread_mutex_unlock(&lock);
	return found;
}

size_t account_count(void)
{
	if (!names)
		return 0;
	pthread_mutex_lock(&lock);
	size_t n = strmap_count(names);
	pthread_mutex_unlock(&lock);
	return n;
}

const char *account_password_problem(const char *password)
{
	size_t len = strlen(password);
	if (len < ACCOUNT_PASSWORD_MIN)
		return "a password needs at least 8 bytes";
	if (len > OPERPASS_PASSWORD_MAX)
		return "a password may have at most 256 bytes";
	if (!utf8_valid(password, len))
		return "a password must be valid UTF-8";
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = utf8_decode(password + i, len - i, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "a password may not contain control characters";
		i += n;
	}
	return NULL;
}

/* Copies the folded form of name into key, or fails for a name that is not
 * a valid nick. */
static bool name_key(const char *name, char key[NICK_LEN_MAX + 1])
{
	return ircname_nick_valid(name) && ircname_fold(key, NICK_LEN_MAX + 1, name) >= 0;
}

/* Under lock: may host register key now? Reserves a place when so. */
static enum account_result register_begin(const char *key, const char *host)
{
	enum account_result r = ACCOUNT_OK;
	pthread_mutex_lock(&lock);
	if (strmap_get(names, key))
		r = ACCOUNT_EXISTS;
	else if (!throttle_allowed(registrations, host, clock_mono_ms()))
		r = ACCOUNT_THROTTLED;
	else if (strmap_count(names) + pending >= max_accounts)
		r = ACCOUNT_FULL;
	else
		pending++;
	pthread_mutex_unlock(&lock);
	return r;
}

/* Under lock: ends a reservation; added says whether key is now stored. */
static void register_end(const char *key, const char *host, bool added)
{
	pthread_mutex_lock(&lock);
	pending--;
	if (added) {
		strmap_put(names, key, (void *)1);
		throttle_spend(registrations, host, clock_mono_ms());
	}
	pthread_mutex_unlock(&lock);
}

enum account_result account_register(const char *name, const char *password, const char *host,
				     char *display_out)
{
	char key[NICK_LEN_MAX + 1];
	if (!direct)
		return ACCOUNT_UNAVAILABLE;
	if (!name_key(name, key))
		return ACCOUNT_BAD_NAME;
	if (account_name_is_guest(name))
		return ACCOUNT_GUEST_NAME;
	if (account_password_problem(password))
		return ACCOUNT_WEAK_PASSWORD;
	enum account_result r = register_begin(key, host);
	if (r != ACCOUNT_OK)
		return r;
	char hash[OPERPASS_HASH_MAX + 1];
	char err[256];
	enum store_account_put put = STORE_ACCOUNT_FAILED;
	if (operpass_hash(password, hash, sizeof hash) < 0)
		snprintf(err, sizeof err, "cannot hash a password (no randomness?)");
	else
		put = store_accounts_put(direct, key, name, hash, clock_unix_ms(), err, sizeof err);
	explicit_bzero(hash, sizeof hash);
	register_end(key, host, put == STORE_ACCOUNT_ADDED);
	if (put == STORE_ACCOUNT_TAKEN)
		return ACCOUNT_EXISTS;
	if (put == STORE_ACCOUNT_FAILED) {
		log_warn("account %s not registered: %s", name, err);
		return ACCOUNT_UNAVAILABLE;
	}
	strcpy(display_out, name);
	return ACCOUNT_OK;
}

/* The per-account-and-address throttle's key: "account host" (a space is
 * in neither). */
static void pair_key(const char *key, const char *host, char *out, size_t cap)
{
	snprintf(out, cap, "%s %s", key, host);
}

/* Under lock: may host try a login now, to the account key (may be "")? A
 * guesser at one address spends that address's tries and its own tries at
 * the account, not the owner's from elsewhere (who would otherwise be locked
 * out by anyone typing wrong passwords for their name); the account's tries
 * from anywhere bound a guesser with many addresses. */
static bool login_allowed(const char *key, const char *host)
{
	char pair[ACCOUNT_PAIR_KEY_MAX];
	pair_key(key, host, pair, sizeof pair);
	long long now = clock_mono_ms();
	pthread_mutex_lock(&lock);
	bool ok = throttle_allowed(addr_fails, host, now) &&
		  (!key[0] || (throttle_allowed(login_fails, pair, now) &&
			       throttle_allowed(account_fails, key, now)));
	pthread_mutex_unlock(&lock);
	return ok;
}

/* Under lock: counts a failed login (or clears the pair's on success). */
static void login_result(const char *key, const char *host, bool ok)
{
	char pair[ACCOUNT_PAIR_KEY_MAX];
	pair_key(key, host, pair, sizeof pair);
	long long now = clock_mono_ms();
	pthread_mutex_lock(&lock);
	if (ok) {
		throttle_forget(login_fails, pair);
	} else {
		throttle_spend(addr_fails, host, now);
		if (key[0]) {
			throttle_spend(login_fails, pair, now);
			throttle_spend(account_fails, key, now);
		}
	}
	pthread_mutex_unlock(&lock);
}

/* Reads key's hash and display; 1 found, 0 not (a dummy check was spent), -1 error. */
static int login_lookup(const char *key, const char *password, char *hash, char *display)
{
	char err[256];
	int found = key[0] && account_is_registered(key)
			    ? store_accounts_get(direct, key, hash, display, err, sizeof err)
			    : 0;
	if (found < 0)
		log_warn("account %s: cannot read it: %s", key, err);
	if (found == 0)
		operpass_verify_dummy(password);
	return found;
}

/* Logs a refused login, whatever the way in (SASL, PASS, plain /login), so
 * an admin sees guessing and lock-outs; rate-limited, as peers cause it. The
 * name is logged only when it could be an account's (key is "" otherwise). */
static void login_log_failure(const char *key, const char *host, enum account_result r)
{
	log_limited(LOG_INFO, ACCOUNT_LOG_BURST, "login to account %s from %s refused: %s",
		    key[0] ? key : "(not a nick)", host, account_result_text(r));
}

enum account_result account_login(const char *name, const char *password, const char *host,
				  char *display_out)
{
	char key[NICK_LEN_MAX + 1] = "";
	if (!direct)
		return ACCOUNT_UNAVAILABLE;
	if (!name_key(name, key))
		key[0] = '\0';
	if (!login_allowed(key, host)) {
		login_log_failure(key, host, ACCOUNT_THROTTLED);
		return ACCOUNT_THROTTLED;
	}
	char hash[STORE_ACCOUNT_HASH_MAX + 1];
	char display[STORE_ACCOUNT_NAME_MAX + 1];
	int found = login_lookup(key, password, hash, display);
	if (found < 0)
		return ACCOUNT_UNAVAILABLE;
	bool ok = found == 1 && operpass_verify(password, hash);
	login_result(key, host, ok);
	if (!ok) {
		login_log_failure(key, host, ACCOUNT_BAD_PASSWORD);
		return ACCOUNT_BAD_PASSWORD;
	}
	char err[256];
	if (store_accounts_touch(direct, key, clock_unix_ms(), err, sizeof err) < 0)
		log_warn("account %s: last login not saved: %s", key, err);
	size_t n = strnlen(display, NICK_LEN_MAX);
	memcpy(display_out, display, n);
	display_out[n] = '\0';
	return ACCOUNT_OK;
}

const char *account_result_text(enum account_result r)
{
	switch (r) {
	case ACCOUNT_OK:
		return "";
	case ACCOUNT_EXISTS:
		return "that account already exists";
	case ACCOUNT_BAD_NAME:
		return "an account name must be a valid nick";
	case ACCOUNT_GUEST_NAME:
		return "Guest- followed by digits is kept for the names squatters are renamed to";
	case ACCOUNT_WEAK_PASSWORD:
		return "a password needs 8 to 256 bytes of UTF-8 text without control characters";
	case ACCOUNT_BAD_PASSWORD:
		return "wrong account name or password";
	case ACCOUNT_THROTTLED:
		return "too many attempts from this address or on this account; try again later";
	case ACCOUNT_FULL:
		return "this server has as many accounts as it allows (--max-accounts)";
	case ACCOUNT_UNAVAILABLE:
		return "accounts are not available on this server now";
	}
	return "unknown result";
}
