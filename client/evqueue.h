/* evqueue: the queue that carries events from the network thread to the UI
 * thread. A mutex guards the list; a self-pipe wakes the UI thread, which
 * polls evqueue_fd() alongside stdin. One byte is written only when the queue
 * goes from empty to non-empty, so a busy network never fills the pipe.
 *
 * The queue is bounded (in events and in bytes of text): a push waits while
 * it is full, so a network thread that outpaces the UI stops reading its
 * socket and TCP pushes back on the server instead of the client's memory
 * growing. evqueue_close() ends every wait at once, so stopping never hangs
 * on a full queue. */
#ifndef PARLEY_EVQUEUE_H
#define PARLEY_EVQUEUE_H

#include <stdbool.h>
#include <stddef.h>

/* Defaults for the client: about four screens of a busy room, and at most
 * 1 MiB of received text waiting for the UI. */
#define EVQUEUE_MAX_EVENTS 1024
#define EVQUEUE_MAX_BYTES (1024 * 1024)

enum event_kind {
	EVENT_LINE,         /* text: one IRC line as received (without CR LF) */
	EVENT_INFO,         /* text: progress for the user ("Connecting to ...") */
	EVENT_CONNECTED,    /* text: "local -> remote" endpoints; registration starts */
	EVENT_DISCONNECTED, /* text: why; the network thread will retry unless told not to */
	EVENT_ERROR,        /* text: a failure the user must read (cannot resolve, ...) */
	EVENT_STOPPED,      /* text: why the network thread gave up for good */
	EVENT_TRUST,        /* text: the question; the network thread waits for
	                       net_trust_answer() before sending anything */
};

struct event {
	enum event_kind kind;
	char *text; /* owned, NUL-terminated, never NULL */
	struct event *next;
};

struct evqueue;

/* A queue holding at most max_events events and max_bytes bytes of text (an
 * event larger than max_bytes is still taken when the queue is empty). */
struct evqueue *evqueue_new(size_t max_events, size_t max_bytes);

/* Frees the queue and every event still in it. */
void evqueue_free(struct evqueue *q);

/* Appends an event with a copy of text (any thread but the UI's), waiting
 * while the queue is full. Returns false, dropping the event, when the queue
 * is closed (also when it is closed during the wait). */
bool evqueue_push(struct evqueue *q, enum event_kind kind, const char *text);

/* Like evqueue_push, but returns false instead of waiting when full. */
bool evqueue_try_push(struct evqueue *q, enum event_kind kind, const char *text);

/* The consumer is done (UI thread, before stopping the network thread):
 * pushes fail from now on and a push waiting for room returns at once. */
void evqueue_close(struct evqueue *q);

/* Events waiting now (for tests and diagnostics). */
size_t evqueue_length(struct evqueue *q);

/* Takes the oldest event, or NULL when the queue is empty (UI thread); call it
 * until NULL after each wake-up. Also
 * consumes pending wake-up bytes. The caller frees it with event_free(). */
struct event *evqueue_pop(struct evqueue *q);

/* The read end of the wake-up pipe: readable when events may be waiting. */
int evqueue_fd(const struct evqueue *q);

void event_free(struct event *ev);

#endif
