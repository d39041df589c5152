/* clock: the two clocks parley reads, in milliseconds (a thin wrapper around
 * clock_gettime, shared by the server and the client).
 *
 * Use the monotonic clock for every timer, timeout and rate (it never jumps
 * when the wall clock is set), and the wall clock only for times shown to
 * people or sent on the wire (server-time, signon, lag probes measured by
 * another thread). Both are safe to call from any thread. */
#ifndef PARLEY_CLOCK_H
#define PARLEY_CLOCK_H

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC): for timers. */
long long clock_mono_ms(void);

/* Milliseconds since the Unix epoch (CLOCK_REALTIME): for timestamps. */
long long clock_unix_ms(void);

#endif
