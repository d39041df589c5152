/* state_multiline: IRCv3 draft/multiline in the model (state_priv.h).
 *
 * The capability: its value from CAP LS (the server's limits, multiline.h)
 * and whether CAP ACK turned it on. Received batches: "BATCH +ref
 * draft/multiline target" opens one, its PRIVMSG/NOTICE lines are
 * collected instead of shown, and "BATCH -ref" shows them as one message
 * (state_message_block). Bounded: at most STATE_MULTILINE_OPEN_MAX batches
 * collected at once (opening one more shows the oldest as it stands, with
 * a note), each within the multiline.h receive bounds (what passes them
 * is shown line by line after the block, with a note); a batch opened
 * inside another batch is not collected (its lines are shown one by one,
 * as the spec allows for batches a client does not handle). */
#ifndef PARLEY_STATE_MULTILINE_H
#define PARLEY_STATE_MULTILINE_H

#include "state_handle.h"
#include "state_priv.h"

/* A CAP LS line's capabilities (space-separated): keeps draft/multiline's value. */
void state_multiline_cap_ls(struct state *st, const char *caps);

/* CAP ACK of draft/multiline (on) or its removal. */
void state_multiline_cap(struct state *st, bool on);

/* BATCH +ref draft/multiline target / BATCH -ref. */
void state_multiline_on_batch(struct state *st, struct state_ctx *c);

/* A PRIVMSG or NOTICE: true when it belongs to a collected batch (taken). */
bool state_multiline_take(struct state *st, struct state_ctx *c, bool notice);

/* The connection ended or began: batches still open are shown as they
 * stand, and the capability is off until negotiated again. */
void state_multiline_reset(struct state *st);

/* Frees the batches still being collected, showing nothing (state_free). */
void state_multiline_free(struct state *st);

#endif
