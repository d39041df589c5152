/* state_history: catching up on what a room said while we were away, and
 * never showing a line twice (state_priv.h).
 *
 * When the server offers draft/chathistory (with batch), each room window,
 * on every join of ours, asks for what it missed: CHATHISTORY AFTER the
 * newest msgid it showed (or the newest server-time it saw, or LATEST for a
 * window that has neither), paging on while pages come back full. The
 * windows take their turns one after another (catchup.h); while a window
 * waits, its new lines are held, and when its turn ends the missed lines
 * are shown in order under "── N messages while you were away ──", then the
 * held ones. Lines go through the window's seen set (lineid.h) on the way,
 * so whatever the server replays is shown once, with or without
 * chathistory (parleyd's replay on join, an overlapping page).
 *
 * Hostile servers: a batch nobody asked for is dropped (noted once per
 * connection); a FAIL is shown once per connection and never retried more
 * than once (by time instead of msgid); an unknown CHATHISTORY command turns
 * history off for the connection; the bounds are catchup.h's and
 * batches.h's. */
#ifndef PARLEY_STATE_HISTORY_H
#define PARLEY_STATE_HISTORY_H

#include "state_handle.h"

/* Lines per CHATHISTORY page when the server allows more (or says 0: no
 * limit), and when it does not say (no CHATHISTORY token). */
#define STATE_HISTORY_PAGE_MAX 1000
#define STATE_HISTORY_PAGE_DEFAULT 100

/* The connection is new (capabilities and limits reset) or gone (every
 * waiting window shows what it has). */
void state_history_connected(struct state *st);
void state_history_disconnected(struct state *st);

/* We joined channel window w: it catches up when the server offers it. */
void state_history_joined(struct state *st, struct window *w, struct state_ctx *c);

/* Registered again: every query window catches up what was said while we
 * were away (servers keep private history only for some, e.g. parleyd
 * between accounts; an empty answer shows nothing). */
void state_history_queries(struct state *st);

/* Window w is about to be closed. */
void state_history_closing(struct state *st, struct window *w);

/* The capabilities the server acknowledged (CAP ACK: one token). */
void state_history_cap(struct state *st, const char *cap, bool on);

/* An ISUPPORT token (005): CHATHISTORY=, MSGREFTYPES=. */
void state_history_isupport(struct state *st, const char *token);

/* Before a line is dispatched: ends a catch-up that ran too long, and
 * decides what a batched line is. False when the line is to be dropped (it
 * belongs to history nobody asked for); c->history is set for a line of the
 * page being received. */
bool state_history_route(struct state *st, struct state_ctx *c);

/* BATCH +ref type params / BATCH -ref. */
void state_history_on_batch(struct state *st, struct state_ctx *c);

/* FAIL ...: true when it was CHATHISTORY's (handled). */
bool state_history_on_fail(struct state *st, struct state_ctx *c);

/* 421 for CHATHISTORY: the server does not know it after all. */
void state_history_unknown(struct state *st, struct state_ctx *c);

/* A message of the page being received, for window w. */
void state_history_line(struct state *st, struct window *w, struct state_line *line,
                        const struct lineid *id);

/* Shows the windows whose turn has ended and sends the next requests. */
void state_history_flush(struct state *st);

#endif
