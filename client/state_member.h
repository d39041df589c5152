/* state_member: the nick lists of channel windows (state_priv.h), kept
 * within STATE_MEMBERS_MAX per list and STATE_MEMBERS_TOTAL_MAX in all
 * (st->members_total counts them); nicks past a limit are left out with one
 * note per list. Names the server sends are checked before they are listed. */
#ifndef PARLEY_STATE_MEMBER_H
#define PARLEY_STATE_MEMBER_H

#include "state_priv.h"

/* True when name can be a nick from the server: 1..NICKLIST_NICK_MAX bytes,
 * no space, control or separator, not starting like a channel. Anything else
 * (an empty "NICK :", say) is ignored rather than believed. */
bool state_name_ok(const struct state *st, const char *name);

/* True when name may be a channel window's: 1..STATE_CHANNEL_MAX bytes, no
 * space, comma or control character (it goes back to the server in JOIN
 * and CHATHISTORY lines, where a CR would end the line). */
bool state_channel_ok(const char *name);

/* Empties a window's nick list (and ends a NAMES burst). */
void state_clear_members(struct state *st, struct window *w);

/* Lists nick in w with modes (set_modes) or, when already listed, changes
 * its modes only if set_modes. Within the limits; a note when past them. */
void state_member_add(struct state *st, struct window *w, const char *nick, unsigned modes,
                      bool set_modes, long long ms);

/* Unlists nick from w; returns whether it was listed. */
bool state_member_remove(struct state *st, struct window *w, const char *nick);

/* Follows a nick change in w's list; returns whether from was listed. */
bool state_member_rename(struct state *st, struct window *w, const char *from, const char *to);

/* The prefix character shown for modes ('@', '+', or ' '). */
char state_prefix_char(const struct state *st, unsigned modes);

#endif
