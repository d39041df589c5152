/* motd: the message of the day, which SIGHUP may replace while workers read it.
 *
 * The text is immutable and reference-counted: a reader holds the version it
 * acquired for as long as it sends it, and a reload swaps in a new version
 * without waiting for anyone. motd_lock (inside motd.c) is a leaf lock held
 * only to swap or take a reference. */
#ifndef PARLEY_MOTD_H
#define PARLEY_MOTD_H

#include <stdbool.h>
#include <stddef.h>

struct motd;

/* Installs text (taken over; NULL: no MOTD) as the current MOTD. */
void motd_set(char *text);

/* The current MOTD with a reference taken, or NULL if there is none. */
struct motd *motd_acquire(void);

/* The text of an acquired MOTD. */
const char *motd_text(const struct motd *m);

/* Walks text a line at a time: sets *line and *len (without CR LF) to the
 * line at *p, moves *p past it and returns true; false at the end. */
bool motd_line_next(const char **p, const char **line, size_t *len);

/* Drops a reference from motd_acquire (NULL is allowed). */
void motd_release(struct motd *m);

/* Reads path again and installs it. Returns 0, or -1 with *error allocated
 * (the current MOTD then stays). */
int motd_reload(const char *path, char **error);

/* Drops the current MOTD (at exit). */
void motd_free(void);

#endif
