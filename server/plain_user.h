/* plain_user: what a plain user is told — server lines and refusals as
 * sentences — and which of their rooms is current.
 *
 * The current room. A plain user may be in several rooms; one is current:
 * where their lines go, and whose messages read without "[#room] ". It is
 * session.plain_room, guarded by the session's q_lock (session.h), because
 * the delivery layer reads it for each plain recipient while it holds that
 * lock. It changes when the user joins a room or picks one with /join
 * (under the room's lock, so the switch takes one place in the room's
 * order), when they /part it, and when a KICK removes them from it: then the
 * room they joined last among those left becomes current (their rooms are
 * kept in join order, session.h), or none.
 *
 * Every function is called by the session's worker thread (the ones any
 * thread may call are in session.h). */
#ifndef PARLEY_PLAIN_USER_H
#define PARLEY_PLAIN_USER_H

#include <stdbool.h>
#include <stddef.h>

#include "chat.h"
#include "ircname.h"

struct session;
struct channel;

/* Sends a server line "*** text" to a plain user (control and bidi
 * characters in the arguments are dropped). */
void plain_say(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tells a plain user, in a sentence, why an operation on room and/or nick
 * was refused (nothing for CHAT_OK). */
void plain_refuse(struct session *s, enum chat_result r, const char *room, const char *nick);

/* Cuts the first space-separated word off text (in place) and returns it;
 * *rest gets what follows, without leading spaces. */
char *plain_word(char *text, char **rest);

/* A room name as typed ("games" or "#games") as the core wants it ("#games").
 * A name too long stays too long, so the core refuses it and says why. */
void plain_room_name(const char *typed, char *out, size_t cap);

/* --- the current room --- */

/* s's current room into out; false if it has none. If the room recorded is
 * one s is no longer in (two kicks at once can leave that), the room it
 * joined last becomes current and s is told. */
bool plain_room_current(struct session *s, char out[CHANNEL_LEN_MAX + 1]);

/* If s is in room name, makes it current and puts its name as created
 * into out; false if s is not in it. */
bool plain_room_select(struct session *s, const char *name, char out[CHANNEL_LEN_MAX + 1]);

/* After s left room (by /part): the room it joined last becomes current if
 * room was; out gets the current room ("" for none). */
void plain_room_after_part(struct session *s, const char *room, char out[CHANNEL_LEN_MAX + 1]);

/* What a plain joiner gets (chat_joined_fn, chat.h): who is in the room, its
 * topic and history; the room becomes current. ch->lock held. */
void plain_joined_locked(struct session *s, struct channel *ch);

#endif
