/* hist: a log-bucketed latency histogram (HDR-style, pure logic, no I/O).
 *
 * Values are nanoseconds. Below 32 each value has its own bucket; above, each
 * power of two is cut into 32 buckets, so a reported percentile is within
 * about 1.6 % of the true value. Memory is fixed (HIST_BUCKETS counters). */
#ifndef PARLEY_BENCH_HIST_H
#define PARLEY_BENCH_HIST_H

#include <stdint.h>

#define HIST_SUB 32
#define HIST_BUCKETS (HIST_SUB + 59 * HIST_SUB)

struct hist {
	uint64_t counts[HIST_BUCKETS];
	uint64_t n;
	uint64_t max;
	uint64_t min;
	double sum;
};

void hist_init(struct hist *h);

/* Records one value. */
void hist_add(struct hist *h, uint64_t value);

/* The value at quantile q (0 < q <= 1), as the middle of its bucket (the exact
 * maximum for q = 1). 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/* Bucket index of a value, and the smallest value of a bucket (for tests). */
int hist_bucket(uint64_t value);
uint64_t hist_bucket_low(int bucket);

#endif
