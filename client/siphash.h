/* siphash: SipHash-2-4 (Aumasson, Bernstein), the client's keyed hash for
 * keys a server chooses (nick-list names, the seen-message sets), under one
 * per-process secret, so a server cannot pick keys that collide (pure: no
 * I/O). */
#ifndef PARLEY_SIPHASH_H
#define PARLEY_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* Sets the secret (call once at start, before any table exists, with random
 * bytes). Without it a fixed key is used. */
void siphash_seed(uint64_t k0, uint64_t k1);

/* SipHash-2-4 of data[0..len) under the secret. */
uint64_t siphash(const void *data, size_t len);

#endif
