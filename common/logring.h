/* logring: the pure parts of non-blocking logging (no I/O, no locks, no clock).
 *
 * A logring is a bounded FIFO of lines in one byte buffer: producers push a
 * whole line or, when it is full, the line is dropped and counted (the log
 * must never make anyone wait). Each line carries a small sink number (which
 * descriptor it is for).
 *
 * A loglimit decides, for one call site, whether a line may be written now:
 * at most `burst` lines per window; lines past that are counted, and the count
 * is handed back to be reported as one line when the window has passed. */
#ifndef PARLEY_LOGRING_H
#define PARLEY_LOGRING_H

#include <stdbool.h>
#include <stddef.h>

#define LOGRING_LINE_MAX 1024 /* longest line pushed (longer ones are cut) */

struct logring {
	char *buf;
	size_t cap;             /* bytes in buf */
	size_t head;            /* where the oldest record starts */
	size_t used;            /* bytes of records */
	unsigned long dropped;  /* lines refused since logring_take_dropped */
};

/* Sets up an empty ring of cap bytes (allocated). */
void logring_init(struct logring *r, size_t cap);

void logring_free(struct logring *r);

/* Appends a line (at most LOGRING_LINE_MAX bytes are kept) for sink. Returns
 * false, counting it as dropped, if the ring has no room. */
bool logring_push(struct logring *r, int sink, const char *line, size_t len);

/* Removes the oldest line into out (LOGRING_LINE_MAX bytes). Returns its
 * length and sets *sink, or returns -1 when the ring is empty. */
int logring_pop(struct logring *r, int *sink, char *out);

/* How many lines were dropped since the last call; resets the count. */
unsigned long logring_take_dropped(struct logring *r);

/* Rate limit of one log call site. Zero-initialised means fresh. */
struct loglimit {
	long long window_start; /* ms; 0: no window yet */
	unsigned in_window;     /* lines admitted in this window */
	unsigned long suppressed; /* lines refused in this window */
};

/* Decides whether a line at time now_ms may be written (true) or is
 * suppressed (false, counted). When a new window opens, *report gets the
 * count suppressed in the old one (to be written as one line), else 0. */
bool loglimit_admit(struct loglimit *l, long long now_ms, long long window_ms, unsigned burst,
		    unsigned long *report);

/* For a site with no new line: if its window has passed with lines
 * suppressed, returns their count (and resets), else 0. */
unsigned long loglimit_expire(struct loglimit *l, long long now_ms, long long window_ms);

#endif
