/* store_klines: the server bans (table klines, schema version 2) on disk,
 * through store_direct.h: each write committed before the caller answers.
 * Store layer: only kline.c uses it. Masks are the canonical, folded forms
 * of kline_mask.h; times are Unix milliseconds, expires_ms 0 = never. */
#ifndef PARLEY_STORE_KLINES_H
#define PARLEY_STORE_KLINES_H

#include <stddef.h>

struct store_direct;

struct store_kline {
	const char *mask;
	const char *reason;
	const char *setter;
	long long set_ms;
	long long expires_ms;
};

/* Adds k, or replaces the row with the same mask. 0, or -1 with err set. */
int store_klines_put(struct store_direct *d, const struct store_kline *k, char *err,
		     size_t errcap);

/* Removes mask's row; *found says whether there was one. 0, or -1 with err. */
int store_klines_remove(struct store_direct *d, const char *mask, int *found, char *err,
			size_t errcap);

/* Deletes the rows expired at now_ms, then calls fn for each other row (the
 * strings live only during the call). 0, or -1 with err set. */
int store_klines_load(struct store_direct *d, long long now_ms,
		      void (*fn)(const struct store_kline *k, void *arg), void *arg, char *err,
		      size_t errcap);

#endif
