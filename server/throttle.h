/* throttle: how often each key (an account name, an address) may try
 * something that costs or guesses: failed logins, registrations.
 *
 * Pure logic (no clock, no lock, no I/O): the owner passes the time and
 * locks. Each key has a token bucket (tokenbucket.h) of `burst` tries
 * refilled at one per `period_ms`: "5 failures, then one try a minute" is
 * burst 5, period 60000. A key is remembered only once it spent a token.
 *
 * Bounded: at most `cap` keys. A new key when the table is full evicts the
 * one used least recently (a key whose bucket is full again is worth
 * nothing, and an old one is the likeliest to be so). Eviction forgets a
 * key's failures; the per-address table keeps one address from churning
 * the per-account table fast enough to matter. */
#ifndef PARLEY_THROTTLE_H
#define PARLEY_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>

struct throttle;

/* A table for at most cap keys (cap >= 1), burst tries, one more per
 * period_ms. */
struct throttle *throttle_new(size_t cap, double burst, long long period_ms);
void throttle_free(struct throttle *t);

/* May key try now (has a token)? Spends nothing. */
bool throttle_allowed(struct throttle *t, const char *key, long long now_ms);

/* Milliseconds until key may try again (0 if it may now). */
long long throttle_wait_ms(struct throttle *t, const char *key, long long now_ms);

/* Spends one of key's tries (a failure, a registration made), adding key
 * (evicting the least recently used one if full). */
void throttle_spend(struct throttle *t, const char *key, long long now_ms);

/* Forgets key (a login that worked clears its account's failures). */
void throttle_forget(struct throttle *t, const char *key);

/* Keys remembered now. */
size_t throttle_count(const struct throttle *t);

#endif
