/* log: one line per event on stderr, with a timestamp and level; --trace
 * lines on stdout.
 *
 * Logging never makes the server wait. Before log_start() (and in the unit
 * tests) a line is written at once. Between log_start() and log_stop() a line
 * is copied into a bounded in-memory ring and a log thread writes it; the
 * thread writes without blocking (a pipe or terminal is reopened in
 * non-blocking mode, a socket is sent to with MSG_DONTWAIT), so a terminal
 * paused with Ctrl-S or a pipe nobody reads stalls only the log thread. When
 * the ring is full, lines are dropped and counted ("N log lines dropped").
 * The ring's lock is a leaf held for a memcpy, never across I/O.
 *
 * Format strings are always literals in our code: peer data is passed only as
 * %s arguments, and every line passes textsafe (controls become '?', bidi
 * controls are removed) so it cannot forge lines or drive a terminal.
 *
 * Lines a peer can cause (a refused connection, a reply that cannot be
 * formatted) go through log_limited(): at most a burst per window per call
 * site, the rest counted and reported as one line. */
#ifndef PARLEY_LOG_H
#define PARLEY_LOG_H

#include "logring.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

#define LOG_RING_BYTES (64 * 1024)  /* lines waiting for a slow sink (~600) */
#define LOG_LIMIT_WINDOW_MS 10000
#define LOG_LIMIT_BURST 10           /* lines per window per limited site */

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parses "error", "warn", "info", "debug". Returns 0 or -1. */
int log_parse_level(const char *name, enum log_level *level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* One rate-limited call site (see log_limited). */
struct log_site {
	struct loglimit limit;
	const char *fmt;        /* the site's format, named in the summary line */
	enum log_level level;
	unsigned burst;
	struct log_site *next;  /* on the list of sites with suppressed lines */
	int listed;
};

void log_limited_msg(struct log_site *site, enum log_level level, unsigned burst,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Logs like log_msg, at most `burst` lines per LOG_LIMIT_WINDOW_MS from this
 * call site; the lines over that are summed up in one line afterwards. */
#define log_limited(level, burst, ...)                                                    \
	do {                                                                               \
		static struct log_site log_site_;                                          \
		log_limited_msg(&log_site_, level, burst, __VA_ARGS__);                     \
	} while (0)

void log_later_note(struct log_site *site, enum log_level level, const char *what,
		    const char *detail);

/* For code that may run under a lock: notes a fixed message (what, a literal)
 * and a short detail (cut to 15 bytes) for this thread; log_later_flush(),
 * called where the thread holds no lock, logs it (rate-limited per site) with
 * how many times it happened since. Only the first note's detail is kept. */
#define log_later(level, what, detail)                                                     \
	do {                                                                               \
		static struct log_site log_site_;                                          \
		log_later_note(&log_site_, level, what, detail);                            \
	} while (0)

/* Logs this thread's pending log_later note, if any. Call with no lock held. */
void log_later_flush(void);

/* A --trace line on stdout (same path as log lines, without timestamp). */
void log_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A line on stdout that is not trace ("listening on ..."), in order with it. */
void log_stdout(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Starts the log thread (lines are queued from now on). Returns 0 or -1. */
int log_start(void);

/* Writes what is queued (for a bounded time if the sinks do not take it),
 * stops the log thread, and goes back to writing lines at once. */
void log_stop(void);

/* Lines dropped so far because the ring was full (for tests and the end). */
unsigned long log_dropped_total(void);

#endif
