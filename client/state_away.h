/* state_away: who is away, and real-name changes (IRCv3 away-notify and
 * setname, with 301, 305/306 and WHO's H/G flag).
 *
 * Away state is held where the nick already is, never beside it: one bit per
 * member in the nick lists (nicklist_set_away) and one text per query window
 * (its peer's), so a server naming nicks we do not list makes nothing grow.
 * A text is cut to STATE_AWAY_TEXT_MAX bytes at a UTF-8 boundary and drawn
 * through the UI's sanitiser like a topic. */
#ifndef PARLEY_STATE_AWAY_H
#define PARLEY_STATE_AWAY_H

#include "state_handle.h"
#include "state_priv.h"

/* Bytes of an away text kept (longer ones are cut). */
#define STATE_AWAY_TEXT_MAX 300

/* ":nick!u@h AWAY :text" (away) or ":nick!u@h AWAY" (back). */
void state_on_away(struct state *st, struct state_ctx *c);

/* ":nick!u@h SETNAME :real name": a line where the nick is, or ours. */
void state_on_setname(struct state *st, struct state_ctx *c);

/* "FAIL SETNAME code :text" as an error in the current window; false for
 * other lines. */
bool state_on_setname_fail(struct state *st, struct state_ctx *c);

/* Notes what 301 (RPL_AWAY), 305/306 (our own state) and 352 (WHO's H/G)
 * say about who is away. True when the reply is one of our WHO after a
 * join (352, 315) and is not to be shown; otherwise it is shown as before. */
bool state_away_numeric(struct state *st, struct state_ctx *c, int num);

/* Rooms bigger than this get no WHO after joining: a WHO costs the server
 * and us a line per member, which a room of thousands makes a flood for
 * one dim attribute; their away members show as present until AWAY says. */
#define STATE_AWAY_WHO_MAX 500

/* A query window w was opened: when its peer is marked away in a room we
 * share, the window says so too (with no text: AWAY came before it). */
void state_away_query_opened(struct state *st, struct window *w);

/* We joined w: its first complete NAMES (state_away_names_done) will
 * send the WHO below. */
void state_away_joined(struct state *st, struct window *w);

/* The WHOX token of our WHO after a join: its 354 replies are ours. */
#define STATE_AWAY_WHOX_TOKEN "152"

/* w's nick list is complete (366). After a join, with away-notify and a
 * room of at most STATE_AWAY_WHO_MAX members, one WHO learns who is away
 * already (AWAY tells only of changes); its replies mark, and are not shown.
 * When the server has WHOX (005) it is "WHO #room %tnf,152": nick and flags
 * only, and its 354 lines carry our token, so a WHO the user types at the
 * same time is never mistaken for ours. */
void state_away_names_done(struct state *st, struct window *w);

/* 005 token: WHOX. True when tok was it. */
bool state_away_isupport(struct state *st, const char *tok);

/* nick left a room (part, kick): once it shares none with us, its query
 * window forgets that it is away. */
void state_away_left(struct state *st, const char *nick);

/* We left a room (part, kick): query peers that share no room with us any
 * more forget that they are away. */
void state_away_we_left(struct state *st);

/* nick quit, or we were disconnected (nick NULL: everyone, and our WHOs
 * after joining): forgotten. */
void state_away_gone(struct state *st, const char *nick);

#endif
