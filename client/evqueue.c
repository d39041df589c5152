/* evqueue: a bounded, mutex-protected event list plus a self-pipe for wake-ups. */
#include "evqueue.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

struct evqueue {
	/* lock guards every field up to pipe_rd; room is signalled (under it)
	 * when an event leaves the queue or the queue closes. */
	pthread_mutex_t lock;
	pthread_cond_t room;
	struct event *head;
	struct event *tail;
	size_t count, bytes;           /* events waiting, and their text bytes */
	size_t max_events, max_bytes; /* immutable */
	bool closed;
	int pipe_rd; /* non-blocking, close-on-exec; immutable */
	int pipe_wr;
};

/* Creates an empty queue and its wake-up pipe; dies if no pipe can be made. */
struct evqueue *evqueue_new(size_t max_events, size_t max_bytes)
{
	struct evqueue *q = xcalloc(1, sizeof(*q));
	int fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
		abort();
	q->pipe_rd = fds[0];
	q->pipe_wr = fds[1];
	q->max_events = max_events ? max_events : 1;
	q->max_bytes = max_bytes;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->room, NULL);
	return q;
}

/* Frees one event. */
void event_free(struct event *ev)
{
	if (!ev)
		return;
	free(ev->text);
	free(ev);
}

/* Frees the queue, its pipe and any events left in it. */
void evqueue_free(struct evqueue *q)
{
	struct event *ev, *next;

	if (!q)
		return;
	for (ev = q->head; ev; ev = next) {
		next = ev->next;
		event_free(ev);
	}
	close(q->pipe_rd);
	close(q->pipe_wr);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* True when an event of len text bytes fits now; q->lock held. An empty
 * queue takes anything, so no event can wait forever. */
static bool evqueue_fits_locked(const struct evqueue *q, size_t len)
{
	if (q->count == 0)
		return true;
	return q->count < q->max_events && q->bytes + len <= q->max_bytes;
}

/* Adds an event, waiting for room if wait; false if closed (or full and not
 * waiting). Wakes the reader if the queue was empty. */
static bool evqueue_add(struct evqueue *q, enum event_kind kind, const char *text, bool wait)
{
	struct event *ev = xcalloc(1, sizeof(*ev));
	ev->kind = kind;
	ev->text = xstrdup(text ? text : "");
	size_t len = strlen(ev->text) + 1;
	bool was_empty;

	pthread_mutex_lock(&q->lock);
	while (!q->closed && wait && !evqueue_fits_locked(q, len))
		pthread_cond_wait(&q->room, &q->lock);
	if (q->closed || !evqueue_fits_locked(q, len)) {
		pthread_mutex_unlock(&q->lock);
		event_free(ev);
		return false;
	}
	was_empty = q->head == NULL;
	if (q->tail)
		q->tail->next = ev;
	else
		q->head = ev;
	q->tail = ev;
	q->count++;
	q->bytes += len;
	pthread_mutex_unlock(&q->lock);
	if (was_empty) {
		char byte = 1;
		ssize_t n;
		do
			n = write(q->pipe_wr, &byte, 1);
		while (n == -1 && errno == EINTR);
		/* EAGAIN: the pipe is full of wake-ups already; nothing is lost. */
	}
	return true;
}

bool evqueue_push(struct evqueue *q, enum event_kind kind, const char *text)
{
	return evqueue_add(q, kind, text, true);
}

bool evqueue_try_push(struct evqueue *q, enum event_kind kind, const char *text)
{
	return evqueue_add(q, kind, text, false);
}

/* Closes the queue and releases any pusher waiting for room. */
void evqueue_close(struct evqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->room);
	pthread_mutex_unlock(&q->lock);
}

size_t evqueue_length(struct evqueue *q)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Drains the wake-up bytes, then takes the oldest event. Draining first means
 * an event pushed after the drain always leaves a byte for the next poll. */
struct event *evqueue_pop(struct evqueue *q)
{
	char buf[64];
	struct event *ev;

	while (read(q->pipe_rd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&q->lock);
	ev = q->head;
	if (ev) {
		q->head = ev->next;
		if (!q->head)
			q->tail = NULL;
		ev->next = NULL;
		q->count--;
		q->bytes -= strlen(ev->text) + 1;
		pthread_cond_signal(&q->room);
	}
	pthread_mutex_unlock(&q->lock);
	return ev;
}

/* The fd the UI thread polls for readability. */
int evqueue_fd(const struct evqueue *q)
{
	return q->pipe_rd;
}
