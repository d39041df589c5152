/* timestamp: "HH:MM " today, "YYYY-MM-DD HH:MM " on other days. */
#include "timestamp.h"

#include <stdio.h>

bool timestamp_same_day(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_yday == b->tm_yday;
}

void timestamp_format_tm(const struct tm *line, const struct tm *now, char *buf, size_t cap)
{
	if (timestamp_same_day(line, now))
		snprintf(buf, cap, "%02d:%02d ", line->tm_hour, line->tm_min);
	else
		snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d ", line->tm_year + 1900,
		         line->tm_mon + 1, line->tm_mday, line->tm_hour, line->tm_min);
}

/* Unix ms to local broken-down time (floor division: times before 1970
 * round down, as the clock does). */
static void timestamp_local(long long ms, struct tm *out)
{
	long long secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)secs;
	localtime_r(&t, out);
}

void timestamp_format(long long line_ms, long long now_ms, char *buf, size_t cap)
{
	struct tm line, now;
	timestamp_local(line_ms, &line);
	timestamp_local(now_ms, &now);
	timestamp_format_tm(&line, &now, buf, cap);
}
