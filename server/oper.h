/* oper: the operator blocks ("oper NAME HASH" lines of the config file) in
 * force, which SIGHUP may replace while workers check OPER commands.
 *
 * The table is an immutable, reference-counted snapshot: a check takes a
 * reference under oper_lock (a leaf inside oper.c, held only to swap the
 * pointer or take a reference), looks the name up and hashes the password
 * with no lock of ours held (operpass.c serializes the hashing itself), then
 * drops it; a reload swaps in a new snapshot without waiting for anyone.
 * Removing a block does not take +o from whoever already has it. */
#ifndef PARLEY_OPER_H
#define PARLEY_OPER_H

#include <stdbool.h>

#include "config.h"

/* Failed OPER attempts a connection may make per minute; past them, OPER
 * is answered without hashing the password (and never succeeds). */
#define OPER_TRIES_PER_MINUTE 3

enum oper_result {
	OPER_OK,              /* the block exists and the password is its */
	OPER_NO_BLOCK,        /* no block has that name (answered as a wrong password) */
	OPER_WRONG_PASSWORD,  /* the block exists, the password is not its (464) */
	OPER_WRONG_HOST,      /* the right password, from an address the block does
			       * not allow (491): said only to who knows the password */
};

/* Installs a copy of opers[0..n) as the blocks in force (the acceptor, at
 * start-up and on SIGHUP). */
void oper_set(const struct config_oper *opers, int n);

/* Checks name and password, for a client at host (its numeric address),
 * against the blocks in force. With verify false (the asker is throttled)
 * no password is hashed: a block that exists answers OPER_WRONG_PASSWORD.
 * An unknown name spends the time of a hash when verify is set, so the
 * reply's delay does not tell names apart. The block's address rule is
 * looked at only after the password matched. */
enum oper_result oper_check(const char *name, const char *password, bool verify,
			    const char *host);

/* Drops the blocks in force (at exit). */
void oper_free(void);

#endif
