/* evqueue: the queue that carries events from the network thread to the UI
 * thread. A mutex guards the list; a self-pipe wakes the UI thread, which
 * polls evqueue_fd() alongside stdin. One byte is written only when the queue
 * goes from empty to non-empty, so a busy network never fills the pipe. */
#ifndef PARLEY_EVQUEUE_H
#define PARLEY_EVQUEUE_H

enum event_kind {
	EVENT_LINE,         /* text: one IRC line as received (without CR LF) */
	EVENT_INFO,         /* text: progress for the user ("Connecting to ...") */
	EVENT_CONNECTED,    /* text: "local -> remote" endpoints; registration starts */
	EVENT_DISCONNECTED, /* text: why; the network thread will retry unless told not to */
	EVENT_ERROR,        /* text: a failure the user must read (cannot resolve, ...) */
	EVENT_STOPPED,      /* text: why the network thread gave up for good */
};

struct event {
	enum event_kind kind;
	char *text; /* owned, NUL-terminated, never NULL */
	struct event *next;
};

struct evqueue;

struct evqueue *evqueue_new(void);

/* Frees the queue and every event still in it. */
void evqueue_free(struct evqueue *q);

/* Appends an event with a copy of text (any thread). */
void evqueue_push(struct evqueue *q, enum event_kind kind, const char *text);

/* Takes the oldest event, or NULL when the queue is empty (UI thread); call it
 * until NULL after each wake-up. Also
 * consumes pending wake-up bytes. The caller frees it with event_free(). */
struct event *evqueue_pop(struct evqueue *q);

/* The read end of the wake-up pipe: readable when events may be waiting. */
int evqueue_fd(const struct evqueue *q);

void event_free(struct event *ev);

#endif
