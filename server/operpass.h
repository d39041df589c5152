/* operpass: operator password hashes (yescrypt, Debian's libxcrypt).
 *
 * Pure apart from the library: no I/O. A hash is made only by libxcrypt
 * (crypt_gensalt_rn("$y$") and crypt_rn), never by hand, and checked the
 * same way, comparing the result in constant time. yescrypt at its default
 * cost takes tens of milliseconds and about 16 MiB, so checks run one at a
 * time (a leaf lock inside operpass.c, held only for the computation): a
 * crowd of OPER attempts costs the server one check's memory, not one each. */
#ifndef PARLEY_OPERPASS_H
#define PARLEY_OPERPASS_H

#include <stdbool.h>
#include <stddef.h>

#define OPERPASS_PASSWORD_MAX 256  /* bytes of a password */
#define OPERPASS_HASH_MAX 255      /* bytes of a hash in the config file */

/* Hashes password with a fresh random yescrypt salt into out[0..cap) (cap
 * at least OPERPASS_HASH_MAX + 1). Returns 0, or -1 (no randomness, or a
 * password that is empty or too long). */
int operpass_hash(const char *password, char *out, size_t cap);

/* True when hash is a well-formed yescrypt hash ("$y$..."), as the config
 * file's "oper NAME HASH" needs. */
bool operpass_hash_valid(const char *hash);

/* True when password hashes to hash. */
bool operpass_verify(const char *password, const char *hash);

/* Spends the time and memory of a check that fails, for an OPER naming no
 * operator, so the reply takes as long as a wrong password's. */
void operpass_verify_dummy(const char *password);

#endif
