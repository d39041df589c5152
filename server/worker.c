/* worker: see worker.h. The worker thread's loop: wait on the connection
 * (transport_wait) and the wake-up signal, read and frame lines, hand them
 * to the front-ends (frontend.h), write the queue, keep the timers, and say
 * goodbye. */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "archive.h"
#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "flushq.h"
#include "frontend.h"
#include "global.h"
#include "intake.h"
#include "ircmsg.h"
#include "log.h"
#include "narrate.h"
#include "nickown.h"
#include "reply.h"
#include "session.h"
#include "transport.h"
#include "xalloc.h"

#define SHUTDOWN_FLUSH_MS 2000
#define QUIT_FLUSH_MS 1000
#define LINGER_MS 1000
#define FLUSH_BATCH_LINES 16
#define STORE_BACKLOG_WAIT_MS 10 /* input paused while the history store catches up */
#define TRIM_QUIET_MS 1000
#define BUFFERS_QUIET_MS 250
#define PAGE 4096
#define TRIM_MARGIN 512
/* Kept out of the loop's frames, which must stay small while idle. */
#define COLD __attribute__((noinline, cold))

/* Workers keep no big buffers on the stack; sanitizers need more room. */
#ifdef PARLEY_SANITIZED
#define SESSION_STACK_SIZE (1024 * 1024)
#else
#define SESSION_STACK_SIZE (128 * 1024)
#endif

/* The signal mask a worker waits with: its own, less the wake signal. */
static sigset_t wait_mask;

static void on_wake_signal(int sig)
{
	(void)sig; /* its only job is to end the worker's ppoll() */
}

/* --iterative: the main thread serves, so a stop signal must end its wait
 * too (the acceptor's signalfd is not being read meanwhile). */
static void on_stop_signal(int sig)
{
	(void)sig;
	atomic_store(&g_server.shutting_down, true);
}

void session_signals_init(const sigset_t *blocked)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_wake_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SESSION_WAKE_SIGNAL, &sa, NULL);
	wait_mask = *blocked;
	sigdelset(&wait_mask, SESSION_WAKE_SIGNAL);
	if (g_server.cfg.iterative) {
		sa.sa_handler = on_stop_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigdelset(&wait_mask, SIGINT);
		sigdelset(&wait_mask, SIGTERM);
	}
}

/* Writes the own queue now; returns true if data is left (watch POLLOUT). */
static bool write_own_queue(struct session *s)
{
	pthread_mutex_lock(&s->q_lock);
	/* From here to the next wait the worker looks at nothing else: who arms
	 * the queue after this must signal (session.h, q_waiting). */
	s->q_waiting = true;
	bool left = false;
	if (s->q_flushing) {
		/* Another thread is writing; it wakes us if it leaves data. */
		s->q_armed = false;
	} else if (!s->q_dead) {
		s->q_armed = true;
		session_queue_write(s);
		left = !outq_empty(&s->q);
		if (!left)
			s->q_armed = false;
	}
	pthread_mutex_unlock(&s->q_lock);
	return left;
}

/* Gives the input buffer back as soon as every line in it was taken, not
 * only once the worker is quiet (trim_idle_memory): what arrives in one read
 * is almost always whole lines, so the buffer lives for one read, and the
 * next reader in this malloc arena takes the same block. Kept for the idle
 * trim's second, the buffers of a burst of newcomers (1 KiB each) were freed
 * when no more came to reuse them, and the small blocks those newcomers
 * keep for good (nick, real name, room list) held them apart: 10,000 idle
 * connections left 2-4 MiB of such holes in the arenas (docs/performance.md,
 * "Idle memory under 64 MiB again"). */
static void input_release(struct session *s)
{
	if (!linebuf_pending(&s->in))
		linebuf_shrink(&s->in);
}

/* A SIGHUP may have changed the flood rate or burst: everyone follows (the
 * reload wakes every worker). The clock is read only when they changed. */
static void flood_follow_reload(struct session *s)
{
	double rate = LIVE(flood_rate), burst = LIVE(flood_burst);
	if (rate != s->flood.rate || burst != s->flood.burst)
		tokenbucket_retune(&s->flood, rate, burst, clock_mono_ms());
}

/* Handles complete lines already buffered, as far as flood control allows.
 * Returns how many ms to wait before reading may go on (0: read now). */
__attribute__((noinline)) static long long process_lines(struct session *s)
{
	/* Queue a batch of lines before writing: every recipient then gets the
	 * batch in one send instead of one send per line. Bounded, so the first
	 * line of a long burst is not held back for long. */
	int batched = 0;
	if (LIVE(flood))
		flood_follow_reload(s);
	/* While a reply streams, later commands wait (their replies would
	 * otherwise overtake it); reading stops too, so TCP pushes back. */
	while (!s->quitting && !reply_busy(s)) {
		if (batched == FLUSH_BATCH_LINES) {
			deliver_flush(s);
			batched = 0;
		}
		if (LIVE(flood)) {
			long long wait = tokenbucket_wait_ms(&s->flood, clock_mono_ms());
			if (wait > 0)
				return wait;
		}
		if (archive_backlogged())
			return STORE_BACKLOG_WAIT_MS; /* the disk is behind: TCP slows senders */
		char *line;
		size_t len;
		enum linebuf_status st = linebuf_next(&s->in, &line, &len);
		if (st == LINEBUF_NONE) {
			input_release(s);
			return 0;
		}
		if (LIVE(flood))
			tokenbucket_take(&s->flood, clock_mono_ms());
		if (st == LINEBUF_TOO_LONG)
			frontend_line_too_long(s);
		else if (len > 0)
			intake_line(s, line, len);
		log_later_flush(); /* what the command noted under locks */
		if (batched++ == 0) { /* once per batch: a clock read per line is waste */
			s->busy_since_trim = true;
			s->busy_mono_ms = clock_mono_ms();
		}
	}
	return 0;
}

/* The first bytes on a plain port are a TLS handshake record (type 22,
 * version 3.x): a TLS client on the wrong port. Nothing we could say is
 * something it can read, so it is closed at once, without a goodbye,
 * instead of waiting out the registration timeout. */
static bool tls_on_plain_port(struct session *s, const char *data, size_t n)
{
	s->input_seen = true;
	if (transport_is_secure(&s->t) || n < 2 || data[0] != 0x16 || data[1] != 0x03)
		return false;
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_INFO, LOG_LIMIT_BURST,
		    "%s began a TLS handshake on the plain port: closed (TLS is on --tls-port)",
		    remote);
	s->close_silently = true;
	session_quit(s, "TLS handshake on the plain port");
	return true;
}

/* Reads what the socket has; returns false when the connection ended. */
__attribute__((noinline)) static bool read_input(struct session *s)
{
	size_t avail;
	char *space = linebuf_space(&s->in, &avail);
	ssize_t n = transport_read(&s->t, space, avail);
	if (n > 0) {
		if (!s->input_seen && tls_on_plain_port(s, space, (size_t)n))
			return false;
		if (g_server.cfg.trace_io)
			narrate_read(s, space, (size_t)n);
		linebuf_commit(&s->in, (size_t)n);
		s->last_read_mono_ms = clock_mono_ms();
		s->ping_sent_mono_ms = 0;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return true;
	char reason[128];
	if (n == 0)
		snprintf(reason, sizeof reason, "%s",
			 linebuf_pending(&s->in) ? "Connection closed mid-line"
						 : "Connection closed");
	else
		snprintf(reason, sizeof reason, "Read error: %s", strerror(errno));
	session_quit(s, reason);
	return false;
}

/* Registration deadline and PING liveness. Returns ms until the next check. */
__attribute__((noinline)) static long long check_timers(struct session *s)
{
	long long now = clock_mono_ms();
	long long interval = (long long)LIVE(ping_interval) * 1000;
	if (!s->registered) {
		long long waited = now - s->connected_mono_ms;
		long long limit = (long long)LIVE(reg_timeout) * 1000;
		if (waited >= limit) {
			session_quit(s, "Registration timeout");
			return 0;
		}
		return limit - waited;
	}
	const struct frontend *fe = frontend_of(s);
	if (!fe->ping)
		return -1; /* the transport's keepalive watches this peer */
	if (s->ping_sent_mono_ms) {
		long long left = s->ping_sent_mono_ms + interval - now;
		if (left <= 0) {
			char reason[64];
			snprintf(reason, sizeof reason, "Ping timeout: %d seconds",
				 LIVE(ping_interval));
			session_quit(s, reason);
			return 0;
		}
		return left;
	}
	long long idle_left = s->last_read_mono_ms + interval - now;
	if (idle_left <= 0) {
		fe->ping(s);
		s->ping_sent_mono_ms = now;
		return interval;
	}
	return idle_left;
}

/* Frees the buffers a busy worker keeps between lines: the input buffer
 * (what is left in it), the empty queue's ring, the list of queues to
 * flush, the array for long writes. Cheap when there are none. */
static void buffers_release(struct session *s)
{
	linebuf_shrink(&s->in);
	pthread_mutex_lock(&s->q_lock);
	if (!s->q_flushing)
		outq_shrink(&s->q);
	pthread_mutex_unlock(&s->q_lock);
	if (s->nflush == 0) {
		free(s->flush_list);
		s->flush_list = NULL;
		s->flush_cap = 0;
	}
	session_write_buffer_release();
}

/* Gives the kernel back the worker's idle memory: the stack pages below the
 * current frame (registration, NAMES and friends touch a few pages, waiting
 * needs less than one), and before them the heap buffers. With thousands
 * of mostly idle connections this is most of the server's memory. The
 * buffers go after BUFFERS_QUIET_MS of quiet, the stack after
 * TRIM_QUIET_MS. The buffers go sooner because a block freed late is taken
 * by nobody: when a burst of newcomers ends, the blocks they free a second
 * later stay as holes between what the others keep for good (2-3 MiB for
 * 10,000, docs/performance.md "Idle memory under 64 MiB again"); freed a
 * quarter of a second after use, they go to the next newcomers in the same
 * arena. A sender that pauses longer pays a few mallocs for its next line;
 * one that sends several lines a second keeps its buffers (with 0.1 s, a
 * room of senders at 10 lines a second each trimmed after every line).
 * The stack waits the full second: giving its pages back costs a system
 * call, and page faults afterwards. Returns how many ms until the next step
 * (-1: nothing to do). */
static long long trim_idle_memory(struct session *s)
{
	if (!s->busy_since_trim)
		return -1;
	long long quiet = clock_mono_ms() - s->busy_mono_ms;
	if (quiet < BUFFERS_QUIET_MS)
		return BUFFERS_QUIET_MS - quiet;
	buffers_release(s);
	if (quiet < TRIM_QUIET_MS)
		return TRIM_QUIET_MS - quiet;
	s->busy_since_trim = false;
#ifndef PARLEY_SANITIZED
	/* Keep the page holding this frame, and the one below if madvise's own
	 * small frame may reach into it; everything lower is unused stack. */
	char here;
	uintptr_t keep_from = ((uintptr_t)&here - TRIM_MARGIN) & ~(uintptr_t)(PAGE - 1);
	uintptr_t low = ((uintptr_t)s->stack_low + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	if (s->stack_low && keep_from > low)
		madvise((void *)low, keep_from - low, MADV_DONTNEED);
#endif
	return -1;
}

/* Smallest positive of two timeouts, -1 meaning none. */
static long long timeout_min(long long a, long long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Picks up what other threads flagged: a KILL, a failed write or SendQ overflow. */
COLD static void check_queue_flags(struct session *s)
{
	pthread_mutex_lock(&s->q_lock);
	s->q_waiting = false; /* awake: write_own_queue comes before the next wait */
	bool exceeded = s->q_sendq_exceeded;
	int error = s->q_error;
	/* Set by other threads only after they made it (session_extra). */
	struct session_extra *x = atomic_load_explicit(&s->extra, memory_order_acquire);
	char *killed_by = NULL;
	bool banned = false, regain = false;
	if (x) {
		killed_by = x->q_killed_by;
		banned = x->q_killed_banned;
		x->q_killed_by = NULL;
		regain = x->q_yield_to || x->q_regain_ready;
	}
	pthread_mutex_unlock(&s->q_lock);
	if (regain && !s->quitting)
		nickown_flags(s); /* an owner wants our nick, or we may take ours */
	if (killed_by && !s->quitting) {
		char reason[QUIT_REASON_MAX + 16];
		if (banned)
			snprintf(reason, sizeof reason, "K-lined");
		else
			snprintf(reason, sizeof reason, "Killed (%s)", killed_by);
		session_quit(s, reason);
		x->killed_by = killed_by;
		x->killed_banned = banned;
		return;
	}
	free(killed_by);
	if (exceeded) {
		atomic_fetch_add(&g_server.sendq_kills, 1);
		char remote[ENDPOINT_STR_MAX];
		session_remote(s, remote, sizeof remote);
		log_limited(LOG_WARN, LOG_LIMIT_BURST,
			    "session %lu (%s, %s): SendQ exceeded (limit %zu bytes), disconnecting",
			    s->id, session_target(s), remote, LIVE(sendq));
		session_quit(s, "SendQ exceeded");
	} else if (error) {
		char reason[128];
		snprintf(reason, sizeof reason, "Write error: %s", strerror(error));
		session_quit(s, reason);
	}
}

/* Queues the next chunks of a streamed reply as far as the queue has room,
 * and writes them. Returns true when the reply ended. */
COLD static bool stream_more(struct session *s)
{
	if (reply_pump(s)) {
		/* The client reads what it asked for: it is alive, though the
		 * PONG to a PING would wait behind the reply unread. */
		s->last_read_mono_ms = clock_mono_ms();
		s->ping_sent_mono_ms = 0;
		s->busy_since_trim = true;
		s->busy_mono_ms = s->last_read_mono_ms;
	}
	deliver_flush(s);
	return !reply_busy(s);
}

/* Waits for input, writability, a wake-up or a timer; handles what came. */
static void serve_once(struct session *s)
{
	long long flood_wait = process_lines(s);
	if (s->quitting)
		return;
	long long timeout = timeout_min(check_timers(s), flood_wait > 0 ? flood_wait : -1);
	if (s->registered && session_extra_read(s)->nick_grace_mono_ms)
		timeout = timeout_min(timeout, nickown_timer(s)); /* a squatter's grace */
	if (s->quitting)
		return;
	deliver_flush(s); /* the batch of lines just handled, a PING the timers queued */
	if (s->quitting)
		return;
	if (reply_busy(s) && stream_more(s))
		timeout = 0; /* done: lines read meanwhile are waiting in the buffer */
	bool want_out = write_own_queue(s);
	if (reply_busy(s))
		want_out = true; /* the socket draining is what resumes the reply */
	timeout = timeout_min(timeout, trim_idle_memory(s));
	if (flushq_wants_help())
		timeout = 0; /* others' queues wait and nobody writes them: come back */
	bool read_more = flood_wait <= 0 && !reply_busy(s);
	unsigned want = (read_more ? TRANSPORT_READ : 0) | (want_out ? TRANSPORT_WRITE : 0);
	int found = transport_wait(&s->t, want, timeout, &wait_mask);
	if (found < 0) {
		if (errno != EINTR) {
			session_quit(s, "Internal error: poll failed");
			return;
		}
		/* Woken: the handler's frame went below the idle stack. */
		s->busy_since_trim = true;
		s->busy_mono_ms = clock_mono_ms();
	} else if (found & TRANSPORT_READ) {
		read_input(s);
	}
	check_queue_flags(s);
}

/* Tries, for a bounded time, to get the queue onto the wire before closing. */
static void flush_before_close(struct session *s, long long budget_ms)
{
	long long deadline = clock_mono_ms() + budget_ms;
	for (;;) {
		if (!write_own_queue(s))
			return;
		long long left = deadline - clock_mono_ms();
		if (left <= 0)
			return;
		int found = transport_wait(&s->t, TRANSPORT_WRITE, left, NULL);
		if (found <= 0 || (found & TRANSPORT_HANGUP))
			return;
	}
}

/* Sends FIN, then reads and discards until the peer closes too (bounded).
 * Closing with unread input would send RST, and a peer that gets RST may
 * lose what we sent last, the ERROR line above all. A peer still open after
 * LINGER_MS that has acknowledged everything (FIN included) is reset: it has
 * had its time to read, and netcat-openbsd, whose input is a terminal, would
 * otherwise sit in CLOSE-WAIT until its user presses Enter. Returns true if
 * the peer closed (we read its FIN). */
static bool linger_close(struct session *s)
{
	transport_shutdown_write(&s->t);
	long long deadline = clock_mono_ms() + LINGER_MS;
	char sink[4096];
	for (;;) {
		long long left = deadline - clock_mono_ms();
		if (left <= 0 || transport_wait(&s->t, TRANSPORT_READ, left, NULL) <= 0)
			break;
		ssize_t n = transport_read(&s->t, sink, sizeof sink);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return n == 0;
	}
	transport_close_hard_if_delivered(&s->t);
	return false;
}

/* Says goodbye with ERROR; for a SendQ overflow the queue is abandoned. */
static void send_final_error(struct session *s)
{
	char text[QUIT_REASON_MAX + 96];
	const struct session_extra *x = session_extra_read(s);
	if (x->killed_by && x->killed_banned)
		snprintf(text, sizeof text, "Closing link: %s (K-lined: %s)", s->host,
			 x->killed_by);
	else if (x->killed_by) /* as Modern IRC's KILL describes it */
		snprintf(text, sizeof text, "Closing Link: %s (Killed (%s))", g_server.cfg.name,
			 x->killed_by);
	else
		snprintf(text, sizeof text, "Closing link: %s (%s)", s->host, x->quit_reason);
	pthread_mutex_lock(&s->q_lock);
	session_queue_wait_idle(s);
	bool abandoned = s->q_sendq_exceeded;
	bool mid_line = s->q.offset > 0;
	if (abandoned) {
		outq_free(&s->q);
		outq_init(&s->q);
		s->q_dead = false;
	}
	pthread_mutex_unlock(&s->q_lock);
	if (abandoned && mid_line) {
		/* The peer holds part of a line; end it so ERROR stands alone. */
		deliver_queue_line(s, s, "\r\n", 2);
	}
	frontend_goodbye(s, text);
	deliver_flush(s);
}

/* Who closed first, for --trace: the EOF we read, a failure, or us. */
static enum narrate_close close_kind(const struct session *s)
{
	const char *reason = session_extra_read(s)->quit_reason;
	if (strncmp(reason, "Connection closed", 17) == 0)
		return NARRATE_CLIENT_FIRST;
	if (s->q_error || strncmp(reason, "Read error", 10) == 0)
		return NARRATE_FAILED;
	return NARRATE_SERVER_FIRST;
}

/* The end of a session: leave the server's state, say goodbye, close. */
COLD static void session_finish(struct session *s)
{
	bool shutting_down = atomic_load(&g_server.shutting_down);
	const char *reason = session_extra_read(s)->quit_reason; /* set: we are quitting */
	reply_free(s);
	chat_leave(s, reason);
	deliver_flush(s);
	if (!s->close_silently)
		send_final_error(s);
	bool read_failed = strncmp(reason, "Connection closed", 17) == 0 ||
			   strncmp(reason, "Read error", 10) == 0 || s->close_silently;
	if (g_server.cfg.trace)
		narrate_close_start(s, close_kind(s));
	if (!read_failed && !s->q_error) {
		flush_before_close(s, shutting_down ? SHUTDOWN_FLUSH_MS : QUIT_FLUSH_MS);
		bool client_closed = linger_close(s);
		if (g_server.cfg.trace)
			narrate_linger_end(s, client_closed);
	}
	int fd = s->fd;
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	session_local(s, local, sizeof local);
	session_remote(s, remote, sizeof remote);
	pthread_mutex_lock(&s->q_lock);
	s->q_dead = true; /* from here on nobody starts writing to the transport */
	session_queue_wait_idle(s);
	outq_free(&s->q);
	outq_init(&s->q);
	transport_close(&s->t);
	pthread_mutex_unlock(&s->q_lock);
	nickown_finish(s); /* an owner waiting for our nick may take it now */
	log_limited(LOG_INFO, LOG_CONNECTION_BURST, "session %lu (%s, %s) closed: %s", s->id,
		    session_target(s), remote, reason);
	if (g_server.cfg.trace)
		log_trace("close(fd %d): connection %s <-> %s ended (%s)", fd, local, remote,
		       reason);
}

/* Notes where the worker's stack ends, for trim_idle_memory(). */
static void stack_bounds_note(struct session *s)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return;
	if (pthread_attr_getstack(&attr, &addr, &size) == 0)
		s->stack_low = addr;
	pthread_attr_destroy(&attr);
}

/* --trace: the worker's first words. */
COLD static void trace_started(const struct session *s)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	session_local(s, local, sizeof local);
	session_remote(s, remote, sizeof remote);
	if (g_server.cfg.iterative)
		log_trace("the main thread serves fd %d (%s <-> %s) itself: no other client is "
			  "accepted until this one leaves; newcomers wait in the backlog",
			  s->fd, local, remote);
	else
		log_trace("worker thread %lu started: it owns fd %d (%s <-> %s)", s->id, s->fd,
			  local, remote);
}

/* What session_start hands the new thread. */
struct session_start {
	struct session *s;
	session_finished_fn *finished;
	void *arg;
};

/* Names the thread "parleyd-w<fd>" (ps -L, top -H, gdb); "parleyd-w" and
 * an int's 10 digits fit the kernel's 15 characters. */
static void thread_name_set(const struct session *s)
{
	char name[16];
	snprintf(name, sizeof name, "parleyd-w%d", s->fd);
	pthread_setname_np(pthread_self(), name);
}

/* Serves s from the greeting to the goodbye on the calling thread. */
static void worker_serve(struct session *s)
{
	stack_bounds_note(s);
	pthread_mutex_lock(&s->q_lock);
	s->q_worker = pthread_self();
	s->q_worker_tid = gettid();
	s->q_worker_running = true;
	pthread_mutex_unlock(&s->q_lock);
	if (g_server.cfg.trace)
		trace_started(s);
	intake_greet(s);
	deliver_flush(s);
	while (!s->quitting) {
		if (atomic_load(&g_server.shutting_down)) {
			session_quit(s, "Server shutting down");
			break;
		}
		serve_once(s);
	}
	session_finish(s);
	log_later_flush();
	if (g_server.cfg.trace && g_server.cfg.iterative)
		log_trace("the main thread is done with fd %d: back to accept()", s->fd);
	else if (g_server.cfg.trace)
		log_trace("worker thread %lu exits", s->id);
	pthread_mutex_lock(&s->q_lock);
	s->q_worker_running = false; /* no more signals: the thread is about to end */
	pthread_mutex_unlock(&s->q_lock);
}

/* The worker thread's body. */
static void *session_main(void *start_arg)
{
	struct session_start start = *(struct session_start *)start_arg;
	free(start_arg);
	thread_name_set(start.s); /* not in --iterative: the main thread keeps "parleyd" */
	worker_serve(start.s);
	session_write_buffer_release();
	/* Tell the starter, which joins this thread and drops its reference. */
	start.finished(start.s, start.arg);
	return NULL;
}

void session_serve_here(struct session *s)
{
	worker_serve(s);
}

int session_start(struct session *s, session_finished_fn *finished, void *arg)
{
	/* Handed over on the heap rather than kept in struct session: it is
	 * needed twice, and every idle connection would carry it. */
	struct session_start *start = xmalloc(sizeof *start);
	*start = (struct session_start){.s = s, .finished = finished, .arg = arg};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SESSION_STACK_SIZE);
	pthread_t thread; /* the worker stores it in s->q_worker itself */
	int err = pthread_create(&thread, &attr, session_main, start);
	pthread_attr_destroy(&attr);
	if (err) {
		free(start);
		errno = err;
		return -1;
	}
	return 0;
}
