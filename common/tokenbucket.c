/* tokenbucket: the flood-control rate limiter. */
#include "tokenbucket.h"

#include <limits.h>

/* Tolerance in tokens for floating-point rounding, so that waiting exactly
 * wait_ms() always suffices; a millionth of a message is no flood. */
#define TB_EPSILON 1e-6

/* Below one token the bucket could never pay for a message. */
static double clamp_burst(double burst)
{
	return burst < 1.0 ? 1.0 : burst;
}

static double clamp_rate(double rate)
{
	return rate < 0.0 ? 0.0 : rate;
}

/* Starts full: a fresh client may send a burst at once. */
void tokenbucket_init(struct tokenbucket *tb, double rate, double burst, long long now_ms)
{
	tb->rate = clamp_rate(rate);
	tb->burst = clamp_burst(burst);
	tb->tokens = tb->burst;
	tb->last_ms = now_ms;
}

/* Adds what accrued since last time; a clock going backwards adds nothing. */
static void tokenbucket_refill(struct tokenbucket *tb, long long now_ms)
{
	if (now_ms <= tb->last_ms)
		return;
	tb->tokens += (double)(now_ms - tb->last_ms) * tb->rate / 1000.0;
	if (tb->tokens > tb->burst)
		tb->tokens = tb->burst;
	tb->last_ms = now_ms;
}

void tokenbucket_retune(struct tokenbucket *tb, double rate, double burst, long long now_ms)
{
	rate = clamp_rate(rate);
	burst = clamp_burst(burst);
	if (rate == tb->rate && burst == tb->burst)
		return;
	tokenbucket_refill(tb, now_ms);
	tb->rate = rate;
	tb->burst = burst;
	if (tb->tokens > burst)
		tb->tokens = burst;
}

/* Spends a token for one message, if the client has one. */
bool tokenbucket_take(struct tokenbucket *tb, long long now_ms)
{
	tokenbucket_refill(tb, now_ms);
	if (tb->tokens + TB_EPSILON < 1.0)
		return false;
	tb->tokens -= 1.0;
	if (tb->tokens < 0.0)
		tb->tokens = 0.0;
	return true;
}

/* What the bucket holds now, refilled. */
double tokenbucket_tokens(struct tokenbucket *tb, long long now_ms)
{
	tokenbucket_refill(tb, now_ms);
	return tb->tokens;
}

/* How long to hold a client's input before its next message may be handled. */
long long tokenbucket_wait_ms(struct tokenbucket *tb, long long now_ms)
{
	double need, ms;
	long long whole;

	tokenbucket_refill(tb, now_ms);
	need = 1.0 - tb->tokens;
	if (need <= TB_EPSILON)
		return 0;
	if (tb->rate <= 0.0)
		return LLONG_MAX;
	/* Half the tolerance comes off, so 1.0000000001 ms does not round up to 2
	 * while take() still accepts the bucket after that wait. */
	ms = (need - TB_EPSILON / 2) * 1000.0 / tb->rate;
	if (ms >= (double)LLONG_MAX)
		return LLONG_MAX;
	/* Round up by hand rather than pull in libm for ceil(). */
	whole = (long long)ms;
	if ((double)whole < ms)
		whole++;
	return whole < 1 ? 1 : whole;
}
