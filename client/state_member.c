/* state_member: nick lists within their limits. */
#include "state_member.h"

#include <string.h>

#include "state_queue.h"

/* True when name can be a nick from the server: 1..NICKLIST_NICK_MAX bytes,
 * no space, control or separator, not starting like a channel. Anything else
 * (an empty "NICK :", say) is ignored rather than believed. */
bool state_name_ok(const struct state *st, const char *name)
{
	size_t len = 0;
	if (!*name || strchr(st->chantypes, name[0]) || name[0] == ':')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++, len++)
		if (*p <= ' ' || *p == 0x7f || strchr(",!@*?", *p))
			return false;
	return len <= NICKLIST_NICK_MAX;
}

bool state_channel_ok(const char *name)
{
	size_t len = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++, len++)
		if (*p <= ' ' || *p == 0x7f || *p == ',')
			return false;
	return len > 0 && len <= STATE_CHANNEL_MAX;
}

/* Empties a window's nick list (and ends a NAMES burst). */
void state_clear_members(struct state *st, struct window *w)
{
	st->members_total -= nicklist_count(w->members);
	nicklist_clear(w->members);
	w->names_pending = false;
	w->members_dropped = 0;
}

/* Says once per list why nicks are not listed in w. */
static void state_members_full(struct state *st, struct window *w, long long ms)
{
	if (w->members_dropped++ > 0)
		return;
	if (nicklist_count(w->members) >= STATE_MEMBERS_MAX)
		state_emitf(st, w, ms, LINE_ERROR,
		            "The nick list of %s is full (%d nicks): the rest are not listed",
		            w->name, STATE_MEMBERS_MAX);
	else
		state_emitf(st, w, ms, LINE_ERROR,
		            "The nick lists are full (%d nicks in all rooms): the rest of %s "
		            "is not listed",
		            STATE_MEMBERS_TOTAL_MAX, w->name);
}

/* Lists nick in w with modes (set_modes) or, when already listed, changes
 * its modes only if set_modes. Within the limits; a note when past them. */
void state_member_add(struct state *st, struct window *w, const char *nick, unsigned modes,
                      bool set_modes, long long ms)
{
	if (!state_name_ok(st, nick))
		return;
	if (nicklist_find(w->members, nick, NULL)) {
		if (set_modes)
			nicklist_set_modes(w->members, nick, modes);
		return;
	}
	if (nicklist_count(w->members) >= STATE_MEMBERS_MAX ||
	    st->members_total >= STATE_MEMBERS_TOTAL_MAX) {
		state_members_full(st, w, ms);
		return;
	}
	if (nicklist_add(w->members, nick, modes))
		st->members_total++;
}

/* Unlists nick from w; returns whether it was listed. */
bool state_member_remove(struct state *st, struct window *w, const char *nick)
{
	if (!nicklist_remove(w->members, nick))
		return false;
	st->members_total--;
	return true;
}

/* Follows a nick change in w's list; returns whether from was listed. */
bool state_member_rename(struct state *st, struct window *w, const char *from, const char *to)
{
	size_t before = nicklist_count(w->members);
	if (!nicklist_rename(w->members, from, to))
		return false;
	st->members_total -= before - nicklist_count(w->members);
	return true;
}

/* The prefix character shown for modes ('@', '+', or ' '). */
char state_prefix_char(const struct state *st, unsigned modes)
{
	int r = nicklist_rank(modes);
	if (r < (int)strlen(st->prefix_chars))
		return st->prefix_chars[r];
	return ' ';
}

size_t state_member_count(const struct state *st, size_t idx)
{
	return nicklist_count(st->windows[idx]->members);
}

const char *state_member_nick(const struct state *st, size_t idx, size_t i)
{
	return nicklist_nick(st->windows[idx]->members, i);
}

char state_member_prefix(const struct state *st, size_t idx, size_t i)
{
	return state_prefix_char(st, nicklist_modes(st->windows[idx]->members, i));
}
