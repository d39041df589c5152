/* log: see log.h. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "textsafe.h"

#define LOG_LINE_MAX LOGRING_LINE_MAX
#define LOG_TICK_MS 1000      /* the log thread reports expired limits this often */
#define LOG_STOP_DRAIN_MS 1000 /* how long log_stop waits for a stalled sink */
#define LOG_SINKS 2            /* 0: stderr (log), 1: stdout (trace) */

static atomic_int log_level = LOG_INFO;

static const char *const log_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

/* A destination of lines: the descriptor the log thread writes, and how. */
struct log_sink {
	int std_fd;   /* STDERR_FILENO or STDOUT_FILENO */
	int fd;       /* what is written: std_fd or a non-blocking reopening of it */
	bool owned;   /* fd was opened here */
	bool socket;  /* send with MSG_DONTWAIT */
	bool broken;  /* a write failed for good (reader gone): lines are dropped */
};

/* Lock order: limit_lock and ring_lock are leaves, never held together. */
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_cond = PTHREAD_COND_INITIALIZER;
static struct logring ring;          /* guarded by ring_lock */
static bool queued;                  /* lines go to the ring (ring_lock) */
static atomic_bool stopping;         /* log_stop asked the thread to end */
static long long stop_deadline;      /* log thread only: when it gives up */
static unsigned long dropped_total;  /* (ring_lock) */
static pthread_t log_thread;
static struct log_sink sinks[LOG_SINKS]; /* the log thread's, while it runs */

static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_site *limited_sites; /* sites with suppressed lines (limit_lock) */

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

/* Milliseconds on the monotonic clock. */
static long long log_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes a whole line to fd, blocking (before log_start only). */
static void write_blocking(int fd, const char *line, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, line + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		off += (size_t)w;
	}
}

/* Hands a finished line (with its newline) to its sink: at once before
 * log_start, else into the ring (dropped and counted if it is full). */
static void log_emit(int sink, const char *line, size_t len)
{
	pthread_mutex_lock(&ring_lock);
	if (!queued) {
		pthread_mutex_unlock(&ring_lock);
		write_blocking(sink ? STDOUT_FILENO : STDERR_FILENO, line, len);
		return;
	}
	bool was_empty = ring.used == 0;
	if (!logring_push(&ring, sink, line, len))
		dropped_total++;
	else if (was_empty)
		pthread_cond_signal(&ring_cond);
	pthread_mutex_unlock(&ring_lock);
}

/* Formats fmt into body (cleaned by textsafe: controls as '?', no bidi
 * controls); a cut message ends in "...". Returns the length. */
static size_t format_body(char *body, size_t cap, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX];
	int n = vsnprintf(raw, sizeof raw, fmt, ap);
	if (n < 0)
		n = 0;
	size_t len = (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
	bool cut = (size_t)n >= sizeof raw;
	size_t out = textsafe_clean(raw, len, body, cap - 4, TEXTSAFE_MASK);
	if (cut) {
		memcpy(body + out, "...", 4);
		out += 3;
	}
	return out;
}

/* Writes "YYYY-MM-DD HH:MM:SS.mmm LEVEL " into line; returns its length. */
static size_t line_prefix(char *line, size_t cap, enum log_level level)
{
	struct timespec ts;
	struct tm tm;

	if ((int)level < 0 || level > LOG_DEBUG)
		level = LOG_ERROR;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, cap, "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 ts.tv_nsec / 1000000, log_names[level]);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Builds "date time LEVEL body\n" and emits it. */
static void log_vline(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX + 2];
	size_t pos = line_prefix(line, sizeof line, level);
	pos += format_body(line + pos, LOG_LINE_MAX - pos, fmt, ap);
	line[pos++] = '\n';
	log_emit(0, line, pos);
}

/* Logs one line if level passes the threshold. */
void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > atomic_load_explicit(&log_level, memory_order_relaxed))
		return;
	va_start(ap, fmt);
	log_vline(level, fmt, ap);
	va_end(ap);
}

/* The wrapper for log_msg's "%s" with a fixed literal format. */
static void log_literal(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_literal(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, fmt, ap);
	va_end(ap);
}

/* The one line that stands for a site's suppressed lines. */
static void log_summary(enum log_level level, const char *fmt, unsigned long count)
{
	log_literal(level, "%lu more lines like \"%s\" were not logged in the last %d s",
		    count, fmt, LOG_LIMIT_WINDOW_MS / 1000);
}

/* Asks site's limit whether a line may go now (reporting what it suppressed
 * before, as one line); label names the site in that report. */
static bool site_admit(struct log_site *site, enum log_level level, unsigned burst,
		       const char *label)
{
	unsigned long report;
	pthread_mutex_lock(&limit_lock);
	site->fmt = label;
	site->level = level;
	bool admit = loglimit_admit(&site->limit, log_now_ms(), LOG_LIMIT_WINDOW_MS, burst,
				    &report);
	if (!admit && !site->listed) {
		/* The log thread reports it if no further line comes. */
		site->listed = 1;
		site->next = limited_sites;
		limited_sites = site;
	}
	pthread_mutex_unlock(&limit_lock);
	if (report)
		log_summary(level, label, report);
	return admit;
}

void log_limited_msg(struct log_site *site, enum log_level level, unsigned burst,
		     const char *fmt, ...)
{
	if ((int)level > atomic_load_explicit(&log_level, memory_order_relaxed))
		return;
	if (!site_admit(site, level, burst, fmt))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vline(level, fmt, ap);
	va_end(ap);
}

/* This thread's pending log_later note (small: every worker has one). */
static _Thread_local struct {
	struct log_site *site;       /* NULL: nothing pending */
	const char *what;
	unsigned count;
	enum log_level level;
	char detail[16];
} later;

void log_later_note(struct log_site *site, enum log_level level, const char *what,
		    const char *detail)
{
	if (later.site) {
		later.count++;
		return;
	}
	later.site = site;
	later.what = what;
	later.level = level;
	later.count = 1;
	snprintf(later.detail, sizeof later.detail, "%s", detail ? detail : "");
}

void log_later_flush(void)
{
	if (!later.site)
		return;
	struct log_site *site = later.site;
	later.site = NULL;
	if ((int)later.level > atomic_load_explicit(&log_level, memory_order_relaxed) ||
	    !site_admit(site, later.level, LOG_LIMIT_BURST, later.what))
		return;
	if (later.count > 1)
		log_literal(later.level, "%s (%s; %u times)", later.what, later.detail, later.count);
	else
		log_literal(later.level, "%s (%s)", later.what, later.detail);
}

/* Reports the sites whose window has passed with lines suppressed. */
static void log_expire_sites(void)
{
	struct due {
		const char *fmt;
		enum log_level level;
		unsigned long count;
	} due[16];
	size_t n = 0;
	long long now = log_now_ms();
	pthread_mutex_lock(&limit_lock);
	for (struct log_site *s = limited_sites; s && n < 16; s = s->next) {
		unsigned long count = loglimit_expire(&s->limit, now, LOG_LIMIT_WINDOW_MS);
		if (count)
			due[n++] = (struct due){s->fmt, s->level, count};
	}
	pthread_mutex_unlock(&limit_lock);
	for (size_t i = 0; i < n; i++)
		log_summary(due[i].level, due[i].fmt, due[i].count);
}

/* Formats a stdout line (trace or not) and emits it. */
static void log_vstdout(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX + 2];
	size_t pos = strlen(prefix);
	memcpy(line, prefix, pos);
	pos += format_body(line + pos, LOG_LINE_MAX - pos, fmt, ap);
	line[pos++] = '\n';
	log_emit(1, line, pos);
}

void log_trace(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vstdout("[trace] ", fmt, ap);
	va_end(ap);
}

void log_stdout(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vstdout("", fmt, ap);
	va_end(ap);
}

/* Prepares a sink for writes that never block: a pipe, FIFO or terminal is
 * opened again (a new open file description, so the flag does not touch
 * whoever shares the old one) with O_NONBLOCK; a socket gets MSG_DONTWAIT;
 * a regular file is written as it is (it does not stall). */
static void sink_open(struct log_sink *k, int std_fd)
{
	struct stat st;
	*k = (struct log_sink){.std_fd = std_fd, .fd = std_fd};
	if (fstat(std_fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		k->socket = true;
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		char path[32];
		snprintf(path, sizeof path, "/proc/self/fd/%d", std_fd);
		int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			k->fd = fd;
			k->owned = true;
		}
	}
}

/* Writes a line without blocking anyone but the log thread: while the sink
 * is full it waits in slices, for ever unless log_stop asks it to end (then
 * for LOG_STOP_DRAIN_MS at most). Returns false if the line was not written
 * whole (a line begun is finished if the sink takes it in time). */
static bool sink_write(struct log_sink *k, const char *line, size_t len)
{
	size_t off = 0;
	if (k->broken)
		return false;
	while (off < len) {
		ssize_t w = k->socket ? send(k->fd, line + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL)
				      : write(k->fd, line + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			k->broken = true; /* closed or failing: nothing to wait for */
			return false;
		}
		int slice = 100;
		if (atomic_load(&stopping)) {
			if (!stop_deadline)
				stop_deadline = log_now_ms() + LOG_STOP_DRAIN_MS;
			long long left = stop_deadline - log_now_ms();
			if (left <= 0)
				return false;
			slice = left < slice ? (int)left : slice;
		}
		struct pollfd pfd = {.fd = k->fd, .events = POLLOUT};
		poll(&pfd, 1, slice);
	}
	return true;
}

/* The log thread: takes lines from the ring and writes them; reports drops
 * and expired rate limits. A stalled sink keeps it waiting (in slices), never
 * anyone else; at stop it drains for LOG_STOP_DRAIN_MS at most. */
static void *log_main(void *arg)
{
	(void)arg;
	char line[LOG_LINE_MAX + 64];
	long long next_tick = log_now_ms() + LOG_TICK_MS;
	stop_deadline = 0;
	pthread_mutex_lock(&ring_lock);
	for (;;) {
		while (ring.used == 0 && ring.dropped == 0 && !atomic_load(&stopping) &&
		       log_now_ms() < next_tick) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&ring_cond, &ring_lock, &until);
		}
		if (atomic_load(&stopping) && !stop_deadline)
			stop_deadline = log_now_ms() + LOG_STOP_DRAIN_MS;
		unsigned long dropped = logring_take_dropped(&ring);
		int sink = 0, len = dropped ? -1 : logring_pop(&ring, &sink, line);
		if (len < 0 && !dropped && atomic_load(&stopping))
			break;
		pthread_mutex_unlock(&ring_lock);
		if (dropped) {
			size_t pos = line_prefix(line, sizeof line, LOG_WARN);
			len = snprintf(line + pos, sizeof line - pos,
				       "%lu log lines dropped (the log output did not keep up)\n",
				       dropped);
			len = len > 0 ? len + (int)pos : 0;
			sink = 0;
		}
		if (len > 0 && !sink_write(&sinks[sink], line, (size_t)len)) {
			pthread_mutex_lock(&ring_lock);
			if (atomic_load(&stopping) && log_now_ms() >= stop_deadline)
				break; /* give up on a sink that does not drain */
			dropped_total++; /* a broken sink: nobody to tell */
			pthread_mutex_unlock(&ring_lock);
		}
		if (log_now_ms() >= next_tick) {
			log_expire_sites();
			next_tick = log_now_ms() + LOG_TICK_MS;
		}
		pthread_mutex_lock(&ring_lock);
	}
	pthread_mutex_unlock(&ring_lock);
	return NULL;
}

int log_start(void)
{
	pthread_mutex_lock(&ring_lock);
	if (queued) {
		pthread_mutex_unlock(&ring_lock);
		return 0;
	}
	sink_open(&sinks[0], STDERR_FILENO);
	sink_open(&sinks[1], STDOUT_FILENO);
	logring_init(&ring, LOG_RING_BYTES);
	atomic_store(&stopping, false);
	int err = pthread_create(&log_thread, NULL, log_main, NULL);
	if (err == 0)
		queued = true;
	pthread_mutex_unlock(&ring_lock);
	if (err) {
		logring_free(&ring);
		for (int i = 0; i < LOG_SINKS; i++)
			if (sinks[i].owned)
				close(sinks[i].fd);
		return -1;
	}
	return 0;
}

void log_stop(void)
{
	pthread_mutex_lock(&ring_lock);
	if (!queued) {
		pthread_mutex_unlock(&ring_lock);
		return;
	}
	atomic_store(&stopping, true);
	pthread_cond_signal(&ring_cond);
	pthread_mutex_unlock(&ring_lock);
	pthread_join(log_thread, NULL);
	pthread_mutex_lock(&ring_lock);
	queued = false;
	/* Lines that came while the thread gave up on a stalled sink. */
	while (ring.used) {
		char line[LOG_LINE_MAX];
		int sink;
		logring_pop(&ring, &sink, line);
		dropped_total++;
	}
	logring_free(&ring);
	pthread_mutex_unlock(&ring_lock);
	for (int i = 0; i < LOG_SINKS; i++)
		if (sinks[i].owned)
			close(sinks[i].fd);
}

unsigned long log_dropped_total(void)
{
	pthread_mutex_lock(&ring_lock);
	unsigned long n = dropped_total;
	pthread_mutex_unlock(&ring_lock);
	return n;
}
