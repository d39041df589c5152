/* state_monitor: IRCv3 MONITOR for the private windows (state_priv.h).
 *
 * When the server's 005 offers MONITOR=N, the nick of every open query
 * window is monitored: once registered the whole set goes in MONITOR +
 * lines (monitorlist.h), opening a window adds its nick, closing removes it,
 * a peer's nick change replaces it. At most N nicks (and never more than
 * there are windows): a window past them, or one the server refuses with
 * 734 (which also lowers N to what the list holds), is not monitored and
 * says so; it takes a place that frees up.
 * 730/731 set a monitored window's peer online or offline, with a line in
 * the window when that changes. Without MONITOR in 005 nothing is sent. */
#ifndef PARLEY_STATE_MONITOR_H
#define PARLEY_STATE_MONITOR_H

#include "state_handle.h"
#include "state_priv.h"

/* An ISUPPORT token; true when it was MONITOR (then the list is sent, once
 * a connection). */
bool state_monitor_isupport(struct state *st, const char *token);

/* We are registered (001): the list goes now if 005 came first. */
void state_monitor_registered(struct state *st);

/* Query window w was opened (it is in st->windows already). */
void state_monitor_opened(struct state *st, struct window *w);

/* Query window w is closing (still in st->windows). */
void state_monitor_closing(struct state *st, struct window *w);

/* A window closed: a place in the list may have freed up for a window the
 * list had no room for. */
void state_monitor_closed(struct state *st);

/* Query window w follows its peer from nick old to w->name. */
void state_monitor_renamed(struct state *st, struct window *w, const char *old);

/* The peer of query window w quit (the window showed it): offline now,
 * so the server's 731 that follows adds no second line. */
void state_monitor_quit(struct state *st, struct window *w);

/* A new connection: nothing is monitored until its 005 says so. */
void state_monitor_reset(struct state *st);

/* 730, 731, 734. True when num was one of them (nothing more is shown). */
bool state_monitor_numeric(struct state *st, struct state_ctx *c, int num);

#endif
