/* evqueue: mutex-protected event list plus a self-pipe for wake-ups. */
#include "evqueue.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

struct evqueue {
	pthread_mutex_t lock; /* guards head and tail */
	struct event *head;
	struct event *tail;
	int pipe_rd; /* non-blocking, close-on-exec */
	int pipe_wr;
};

/* Creates an empty queue and its wake-up pipe; dies if no pipe can be made. */
struct evqueue *evqueue_new(void)
{
	struct evqueue *q = xcalloc(1, sizeof(*q));
	int fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
		abort();
	q->pipe_rd = fds[0];
	q->pipe_wr = fds[1];
	pthread_mutex_init(&q->lock, NULL);
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
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Appends an event and wakes the reader if the queue was empty. */
void evqueue_push(struct evqueue *q, enum event_kind kind, const char *text)
{
	struct event *ev = xcalloc(1, sizeof(*ev));
	int was_empty;

	ev->kind = kind;
	ev->text = xstrdup(text ? text : "");
	pthread_mutex_lock(&q->lock);
	was_empty = q->head == NULL;
	if (q->tail)
		q->tail->next = ev;
	else
		q->head = ev;
	q->tail = ev;
	pthread_mutex_unlock(&q->lock);
	if (was_empty) {
		char byte = 1;
		ssize_t n;
		do
			n = write(q->pipe_wr, &byte, 1);
		while (n == -1 && errno == EINTR);
		/* EAGAIN: the pipe is full of wake-ups already; nothing is lost. */
	}
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
	}
	pthread_mutex_unlock(&q->lock);
	return ev;
}

/* The fd the UI thread polls for readability. */
int evqueue_fd(const struct evqueue *q)
{
	return q->pipe_rd;
}
