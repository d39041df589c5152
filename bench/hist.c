/* hist: see hist.h. */
#include "hist.h"

#include <math.h>
#include <string.h>

/* Empties the histogram. */
void hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

/* Maps a value to its bucket: exact below HIST_SUB, then HIST_SUB per octave. */
int hist_bucket(uint64_t value)
{
	if (value < HIST_SUB)
		return (int)value;
	int e = 63 - __builtin_clzll(value); /* >= 5 */
	int sub = (int)(value >> (e - 5)) - HIST_SUB;
	return HIST_SUB + (e - 5) * HIST_SUB + sub;
}

/* Smallest value that falls into bucket. */
uint64_t hist_bucket_low(int bucket)
{
	if (bucket < HIST_SUB)
		return (uint64_t)bucket;
	int e = (bucket - HIST_SUB) / HIST_SUB + 5;
	uint64_t sub = (uint64_t)((bucket - HIST_SUB) % HIST_SUB);
	return (HIST_SUB + sub) << (e - 5);
}

/* Counts one value. */
void hist_add(struct hist *h, uint64_t value)
{
	h->counts[hist_bucket(value)]++;
	h->n++;
	h->sum += (double)value;
	if (value > h->max)
		h->max = value;
	if (value < h->min)
		h->min = value;
}

/* Walks the buckets to the one holding the ceil(q * n)-th value. */
uint64_t hist_quantile(const struct hist *h, double q)
{
	if (h->n == 0)
		return 0;
	if (q >= 1.0)
		return h->max;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n);
	if (rank == 0)
		rank = 1;
	uint64_t seen = 0;
	for (int b = 0; b < HIST_BUCKETS; b++) {
		seen += h->counts[b];
		if (seen >= rank) {
			uint64_t low = hist_bucket_low(b);
			uint64_t width = b < HIST_SUB ? 1 : (uint64_t)1 << ((b - HIST_SUB) / HIST_SUB);
			uint64_t mid = low + width / 2;
			if (mid > h->max)
				mid = h->max;
			if (mid < h->min)
				mid = h->min;
			return mid;
		}
	}
	return h->max;
}
