/* store_accounts: the accounts table (store.h, schema version 2) on the
 * store_direct connection: each write is committed before the caller
 * answers the client. Part of the store layer: the only code that knows the
 * table's SQL; account.c (the chat core) calls it with no lock held.
 *
 * Table: accounts(name PRIMARY KEY, the case-folded account name; display,
 * the spelling it was registered with; hash, yescrypt; created_ms;
 * last_login_ms, 0 before the first login). */
#ifndef PARLEY_STORE_ACCOUNTS_H
#define PARLEY_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

struct store_direct;

#define STORE_ACCOUNT_NAME_MAX 64  /* bytes of a name or display read back */
#define STORE_ACCOUNT_HASH_MAX 255 /* bytes of a hash read back */

enum store_account_put { STORE_ACCOUNT_ADDED, STORE_ACCOUNT_TAKEN, STORE_ACCOUNT_FAILED };

/* Inserts an account (name already folded). TAKEN when the name is there
 * already; FAILED (with err) when the write failed. */
enum store_account_put store_accounts_put(struct store_direct *d, const char *name,
					  const char *display, const char *hash,
					  long long created_ms, char *err, size_t errcap);

/* Calls fn(name, arg) for every stored account's folded name, and returns
 * 0, or -1 with err. */
int store_accounts_each_name(struct store_direct *d, void (*fn)(const char *name, void *arg),
			     void *arg, char *err, size_t errcap);

/* Reads the hash and display of the account with folded name into
 * hash[STORE_ACCOUNT_HASH_MAX + 1] and display[STORE_ACCOUNT_NAME_MAX + 1].
 * Returns 1 when found, 0 when not, -1 with err on a read error. */
int store_accounts_get(struct store_direct *d, const char *name, char *hash, char *display,
		       char *err, size_t errcap);

/* Sets last_login_ms of the account with folded name. 0 or -1 with err. */
int store_accounts_touch(struct store_direct *d, const char *name, long long unix_ms, char *err,
			 size_t errcap);

#endif
