/* log: timestamped lines on stderr. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 1024

static atomic_int log_level = LOG_INFO;

static const char *const log_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

/* Changes the threshold; any thread may call it while others log. */
void log_set_level(enum log_level level)
{
	atomic_store_explicit(&log_level, (int)level, memory_order_relaxed);
}

/* The current threshold. */
enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load_explicit(&log_level, memory_order_relaxed);
}

/* Maps a --log-level argument to a level. */
int log_parse_level(const char *name, enum log_level *level)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(name, names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Builds the whole line first so a single write() keeps threads from interleaving;
 * control bytes from peers are masked so they cannot forge lines or drive terminals. */
void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t pos, body;
	va_list ap;
	int n;

	if ((int)level > atomic_load_explicit(&log_level, memory_order_relaxed))
		return;
	if ((int)level < 0 || level > LOG_DEBUG)
		level = LOG_ERROR;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s ",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	             ts.tv_nsec / 1000000, log_names[level]);
	if (n < 0)
		return;
	pos = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	body = pos;

	va_start(ap, fmt);
	n = vsnprintf(line + pos, sizeof(line) - pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line) - pos) {
		/* Truncated: say so, and leave room for the newline. */
		pos = sizeof(line) - 5;
		line[pos++] = '.';
		line[pos++] = '.';
		line[pos++] = '.';
	} else {
		pos += (size_t)n;
		if (pos > sizeof(line) - 2)
			pos = sizeof(line) - 2;
	}
	for (size_t i = body; i < pos; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			line[i] = '?';
	}
	line[pos++] = '\n';

	for (size_t off = 0; off < pos;) {
		ssize_t w = write(STDERR_FILENO, line + off, pos - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		off += (size_t)w;
	}
}
