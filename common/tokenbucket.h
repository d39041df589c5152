/* tokenbucket: the flood-control rate limiter (pure logic, no clock of its own).
 * Holds up to burst tokens, refilled at rate tokens per second. Time is passed
 * in as milliseconds from any monotonic clock. */
#ifndef PARLEY_TOKENBUCKET_H
#define PARLEY_TOKENBUCKET_H

#include <stdbool.h>

struct tokenbucket {
	double rate;      /* tokens per second */
	double burst;     /* capacity */
	double tokens;
	long long last_ms;
};

void tokenbucket_init(struct tokenbucket *tb, double rate, double burst, long long now_ms);

/* Changes rate and burst (clamped as tokenbucket_init does) keeping what the
 * bucket holds: what accrued until now at the old rate, no more than the new
 * burst. Nothing happens when both are unchanged. */
void tokenbucket_retune(struct tokenbucket *tb, double rate, double burst, long long now_ms);

/* Takes one token if there is one. */
bool tokenbucket_take(struct tokenbucket *tb, long long now_ms);

/* Tokens available now (after refilling), for callers that must keep a
 * reserve rather than spend the last token. */
double tokenbucket_tokens(struct tokenbucket *tb, long long now_ms);

/* Milliseconds until a token is available (0 if one is now). */
long long tokenbucket_wait_ms(struct tokenbucket *tb, long long now_ms);

#endif
