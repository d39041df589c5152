/* timestamp: the time shown before a line (pure: no I/O; the local time
 * zone is the C library's, from TZ).
 *
 * A line is shown at the time it was said (its server-time tag when the
 * server sent one, converted to local time): "12:04 " when that is today,
 * and with its date, "2026-12-01 12:04 ", when it is not (history from
 * yesterday, or a catch-up after a night away). Only the day decides, not
 * the age: a line from 23:59 seen at 00:01 shows its date. */
#ifndef PARLEY_TIMESTAMP_H
#define PARLEY_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Room for the longest timestamp ("YYYY-MM-DD HH:MM " and a NUL, with
 * years up to 9999). */
#define TIMESTAMP_MAX 24

/* True when the two broken-down times fall on the same calendar day. */
bool timestamp_same_day(const struct tm *a, const struct tm *b);

/* Writes the timestamp of a line said at `line` as seen at `now` (both
 * local broken-down times) into buf. */
void timestamp_format_tm(const struct tm *line, const struct tm *now, char *buf, size_t cap);

/* The same for Unix milliseconds, converted to local time. */
void timestamp_format(long long line_ms, long long now_ms, char *buf, size_t cap);

#endif
