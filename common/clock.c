/* clock: monotonic and wall-clock milliseconds. */
#include "clock.h"

#include <time.h>

/* Milliseconds of a timespec. */
static long long clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds on the monotonic clock. */
long long clock_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* Milliseconds since the Unix epoch. */
long long clock_unix_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}
