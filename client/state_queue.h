/* state_queue: what the model hands out (state_priv.h). Display lines for
 * the UI (state_pop_line), IRC lines the model wants sent (state_pop_send)
 * and automatic CTCP replies (state_pop_reply) wait in three FIFOs until
 * taken. Emitting a line also raises its window's activity when the window
 * is not the one shown. Lines to send that would not fit an IRC line are
 * dropped rather than cut. */
#ifndef PARLEY_STATE_QUEUE_H
#define PARLEY_STATE_QUEUE_H

#include "state_priv.h"

/* Queues a display line for window w; updates w's activity when not shown.
 * A line for a window that is catching up is held until its turn ends
 * (catchup.h). */
void state_emit(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                bool own, bool mention, const char *nick, const char *text);

/* The same for a message known by id (lineid.h): it is not shown when the
 * window has shown it already. */
void state_emit_id(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                   bool own, bool mention, const char *nick, const char *text,
                   const struct lineid *id);

/* A following line of a multi-line message (draft/multiline): shown under
 * the line before it, without time or nick (state_line.cont). */
void state_emit_cont(struct state *st, struct window *w, long long ms, enum state_line_kind kind,
                     bool own, bool mention, const char *nick, const char *text);

/* Shows line (taken over) in window w now, past any holding: dropped when
 * dedupe is asked for and w has shown it already; else its keys are
 * remembered and w's newest msgid and time advance. */
void state_show(struct state *st, struct window *w, struct state_line *line,
                const struct lineid *id, bool dedupe);

/* Formats text and emits it as a line of the given kind. */
__attribute__((format(printf, 5, 6))) void state_emitf(struct state *st, struct window *w,
                                                       long long ms, enum state_line_kind kind,
                                                       const char *fmt, ...);

/* Queues an IRC line to send. */
__attribute__((format(printf, 2, 3))) void state_sendf(struct state *st, const char *fmt, ...);

/* Queues an automatic reply (state_pop_reply). */
__attribute__((format(printf, 2, 3))) void state_replyf(struct state *st, const char *fmt, ...);

#endif
