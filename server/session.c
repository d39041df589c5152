/* session: see session.h. A connected person's state and its outbound
 * queue; the thread that serves it is in worker.c. Every byte goes through
 * the transport (transport.h); nothing here knows it is TCP. */
#include "session.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "global.h"
#include "ircmsg.h"
#include "log.h"
#include "sasl.h"
#include "transport.h"
#include "xalloc.h"

/* A tag section of up to 8191 bytes plus a 512-byte IRC line (less CR LF). */
#define INPUT_LINE_MAX (IRC_TAGS_MAX + IRC_LINE_MAX - 2)
/* Queued lines one sendmsg() may carry. Under load a queue holds hundreds
 * of lines from many senders, and the kernel's cost is mostly per call (a
 * loopback sendmsg costs about the same for 40 lines as for 250), so a big
 * batch is what makes a delivery cheap: 64 per call capped saturation at
 * about 60 lines per call; UIO_MAXIOV (1024) gives 200-300 and nearly halves
 * the CPU per delivery (docs/performance.md, "Batches of up to 1,024
 * lines"). The first IOV_SMALL go on the stack; a longer queue is described
 * in a per-thread array made when first needed and freed when the thread
 * goes idle (session_write_buffer_release), so 10,000 idle workers carry
 * neither the array nor a deeper stack. */
#define IOV_SMALL 64
#define IOV_BATCH 1024

static _Thread_local struct iovec *batch_iov; /* IOV_BATCH entries, or NULL */

struct session *session_new(const struct transport *t, const struct sockaddr *peer,
			    socklen_t peer_len)
{
	struct session *s = xcalloc(1, sizeof *s);
	s->id = atomic_fetch_add(&g_server.next_session_id, 1) + 1;
	s->t = *t;
	s->fd = transport_fd(t);
	atomic_init(&s->refs, 1);
	endpoint_format_host(peer, peer_len, s->host, sizeof s->host);
	if (peer->sa_family == AF_INET && peer_len >= (socklen_t)sizeof(struct sockaddr_in))
		s->remote_port = ntohs(((const struct sockaddr_in *)peer)->sin_port);
	else if (peer->sa_family == AF_INET6 &&
		 peer_len >= (socklen_t)sizeof(struct sockaddr_in6))
		s->remote_port = ntohs(((const struct sockaddr_in6 *)peer)->sin6_port);
	s->connected_unix_ms = clock_unix_ms();
	s->connected_mono_ms = clock_mono_ms();
	pthread_mutex_init(&s->q_lock, NULL);
	pthread_mutex_init(&s->memb_lock, NULL);
	outq_init(&s->q);
	linebuf_init(&s->in, INPUT_LINE_MAX);
	long long now = clock_mono_ms();
	/* Made even with flood control off: a SIGHUP may turn it on. */
	tokenbucket_init(&s->flood, LIVE(flood_rate), LIVE(flood_burst), now);
	s->last_read_mono_ms = now;
	atomic_init(&s->last_message_mono_ms, now);
	return s;
}

struct session *session_ref(struct session *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

/* Frees an extra part and what it holds (x may be NULL). */
static void extra_free(struct session_extra *x)
{
	if (!x)
		return;
	free(x->readmarks);
	free(x->plain_history);
	free(x->monitor_nicks);
	free(x->multiline);
	free(x->quit_reason);
	if (x->pass_login)
		explicit_bzero(x->pass_login, strlen(x->pass_login));
	free(x->pass_login);
	free(x->q_killed_by);
	free(x->killed_by);
	sasl_exchange_free(x->sasl); /* wipes a half-sent password */
	free(x->regain_nick);
	if (x->q_yield_to)
		session_unref(x->q_yield_to); /* a regain its worker never saw */
	free(x);
}

void session_unref(struct session *s)
{
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	transport_close(&s->t);
	outq_free(&s->q);
	pthread_mutex_destroy(&s->q_lock);
	pthread_mutex_destroy(&s->memb_lock);
	linebuf_free(&s->in);
	free(s->channels);
	free(s->away);
	free(s->realname);
	free(s->flush_list);
	if (s->own)
		s->own->release(s->own);
	extra_free(atomic_load_explicit(&s->extra, memory_order_acquire));
	free(s);
}

const struct session_extra session_extra_none;

struct session_extra *session_extra(struct session *s)
{
	struct session_extra *x = atomic_load_explicit(&s->extra, memory_order_acquire);
	if (x)
		return x;
	/* Two threads may both find none (a killer and the worker): the first
	 * to store its block wins, the other frees its own. */
	struct session_extra *mine = xcalloc(1, sizeof *mine);
	if (atomic_compare_exchange_strong_explicit(&s->extra, &x, mine, memory_order_acq_rel,
						    memory_order_acquire))
		return mine;
	free(mine);
	return x;
}

void session_wake(struct session *s)
{
	/* Signals are not counted: several wakes before the worker runs are
	 * one, which is all it needs. Running means not yet joined, so the
	 * thread handle is valid. */
	if (!s->q_worker_running)
		return;
	/* tgkill, not pthread_kill: glibc's blocks and restores every signal
	 * around it and asks getpid, four system calls per wake where one does
	 * (a TLS fan-out wakes a worker per recipient). The thread cannot end
	 * meanwhile: q_worker_running is cleared under q_lock, held here. */
	static atomic_int pid; /* every thread would store the same value */
	if (atomic_load_explicit(&pid, memory_order_relaxed) == 0)
		atomic_store_explicit(&pid, (int)getpid(), memory_order_relaxed);
	if (syscall(SYS_tgkill, atomic_load_explicit(&pid, memory_order_relaxed), s->q_worker_tid, SESSION_WAKE_SIGNAL) != 0) {
		int err = errno; /* q_lock is held: logged later */
		log_later(LOG_WARN, "cannot signal a worker", strerror(err));
	}
}

void session_wake_unlocked(struct session *s)
{
	pthread_mutex_lock(&s->q_lock);
	session_wake(s);
	pthread_mutex_unlock(&s->q_lock);
}

/* Is the caller s's worker thread? q_lock held. */
static bool on_worker_locked(const struct session *s)
{
	return s->q_worker_running && pthread_equal(s->q_worker, pthread_self());
}

void session_write_buffer_release(void)
{
	free(batch_iov);
	batch_iov = NULL;
}

/* One sendmsg() of the queue's head; q_lock held, q_flushing set. Returns
 * false when writing must stop (full socket, error, held line). */
static bool write_batch(struct session *s)
{
	struct iovec small[IOV_SMALL];
	struct iovec *iov = small;
	int max = IOV_SMALL;
	if (s->q.count > IOV_SMALL &&
	    (batch_iov || (batch_iov = malloc(IOV_BATCH * sizeof *batch_iov)))) {
		iov = batch_iov; /* without memory, 64 at a time still works */
		max = IOV_BATCH;
	}
	int iovcnt = outq_iov(&s->q, iov, max);
	if (iovcnt == 0)
		return false; /* a held line is next (deliver_own_push) */
	/* The buffers stay queued (only this thread consumes) and the
	 * transport stays open (the worker waits for q_flushing to end
	 * before it closes it). */
	struct transport *t = &s->t;
	pthread_mutex_unlock(&s->q_lock);
	ssize_t n = transport_writev(t, iov, iovcnt);
	int error = errno;
	pthread_mutex_lock(&s->q_lock);
	if (n < 0) {
		if (error == EINTR)
			return true;
		if (error != EAGAIN && error != EWOULDBLOCK) {
			s->q_error = error;
			s->q_dead = true;
			session_wake(s);
		}
		return false;
	}
	outq_consume(&s->q, (size_t)n);
	return true;
}

void session_queue_write(struct session *s)
{
	if (s->q_flushing || s->q_dead)
		return;
	if (!transport_shared_writes(&s->t) && !on_worker_locked(s)) {
		/* Only the worker may write this connection (TLS): hand it the
		 * work, as when the socket is full. */
		if (!outq_empty(&s->q) && !s->q_armed) {
			s->q_armed = true;
			if (s->q_waiting)
				session_wake(s);
		}
		return;
	}
	s->q_flushing = true;
	while (!s->q_dead && !outq_empty(&s->q) && write_batch(s))
		;
	s->q_flushing = false;
	if (!s->q_dead && !outq_empty(&s->q) && !s->q_armed) {
		s->q_armed = true;
		if (s->q_waiting)
			session_wake(s);
	}
}

void session_flush(struct session *s)
{
	pthread_mutex_lock(&s->q_lock);
	if (!s->q_dead)
		session_queue_write(s);
	pthread_mutex_unlock(&s->q_lock);
}

/* Polls instead of waiting on a condition variable: only a closing worker
 * waits, seldom (another thread must be writing its queue just then) and
 * briefly (writing stops at a full socket), while a condition variable
 * would cost every session 48 bytes and every flush a broadcast. */
void session_queue_wait_idle(struct session *s)
{
	while (s->q_flushing) {
		pthread_mutex_unlock(&s->q_lock);
		nanosleep(&(struct timespec){.tv_nsec = 200 * 1000}, NULL);
		pthread_mutex_lock(&s->q_lock);
	}
}

/* Flags s for its worker to end it (the first kill wins). */
static void session_kill_as(struct session *s, const char *text_in, bool banned)
{
	char *text = xstrndup(text_in, strnlen(text_in, QUIT_REASON_MAX));
	struct session_extra *x = session_extra(s);
	pthread_mutex_lock(&s->q_lock);
	if (!x->q_killed_by && !s->q_dead) {
		x->q_killed_by = text;
		x->q_killed_banned = banned;
		text = NULL;
		session_wake(s);
	}
	pthread_mutex_unlock(&s->q_lock);
	free(text);
}

void session_kill(struct session *s, const char *by)
{
	session_kill_as(s, by, false);
}

void session_kill_banned(struct session *s, const char *reason)
{
	session_kill_as(s, reason, true);
}

void session_quit(struct session *s, const char *reason)
{
	if (s->quitting)
		return;
	s->quitting = true;
	session_extra(s)->quit_reason = xstrndup(reason, strnlen(reason, QUIT_REASON_MAX));
}

const char *session_target(const struct session *s)
{
	return s->nick[0] ? s->nick : "*";
}

void session_remote(const struct session *s, char *buf, size_t cap)
{
	bool v6 = strchr(s->host, ':') != NULL;
	snprintf(buf, cap, "%s%s%s:%u", v6 ? "[" : "", s->host, v6 ? "]" : "", s->remote_port);
}

void session_local(const struct session *s, char *buf, size_t cap)
{
	transport_local(&s->t, buf, cap);
}

void session_set_realname(struct session *s, const char *text)
{
	size_t len = strnlen(text, REALNAME_LEN_MAX);
	/* Never cut a UTF-8 sequence in two. */
	while (len > 0 && text[len] != '\0' && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	free(s->realname);
	s->realname = xstrndup(text, len);
}

struct source session_source(const struct session *s)
{
	struct source src;
	snprintf(src.text, sizeof src.text, "%s!%s@%s", session_target(s),
		 s->user[0] ? s->user : "~", s->host);
	return src;
}

bool session_plain_room_is_locked(const struct session *s, const char *room)
{
	const char *current = session_extra_read(s)->plain_room;
	return current[0] && ircname_cmp(current, room) == 0;
}

bool session_plain_room_leave_locked(struct session *s, const char *room, const char *next)
{
	if (!session_plain_room_is_locked(s, room))
		return false;
	struct session_extra *x = session_extra(s); /* there is one: the room was current */
	snprintf(x->plain_room, sizeof x->plain_room, "%s", next);
	return true;
}

int session_ptr_order(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(struct session *const *)a;
	uintptr_t y = (uintptr_t)*(struct session *const *)b;
	return x < y ? -1 : x > y;
}
