/* state_message: PRIVMSG and NOTICE (state_priv.h): which window a message
 * goes to (a room, a private conversation opened within STATE_QUERIES_MAX,
 * or the server window), mentions, ACTIONs, and the CTCP requests answered
 * (VERSION and PING sent to us, at most STATE_CTCP_PER_MIN a minute). */
#ifndef PARLEY_STATE_MESSAGE_H
#define PARLEY_STATE_MESSAGE_H

#include "state_handle.h"

/* PRIVMSG and NOTICE: to a channel, to us, or echoed from us. */
void state_on_message(struct state *st, struct state_ctx *c, bool notice);

/* A received multi-line message (draft/multiline, put together): its first
 * line shown with c's nick and time, the others as continuation lines;
 * note (or NULL) says why it may be incomplete. */
void state_message_block(struct state *st, struct state_ctx *c, const char *target, bool notice,
                         const char *const *lines, size_t n, const char *note);

#endif
