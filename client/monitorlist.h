/* monitorlist: the pure parts of IRCv3 MONITOR on the client side.
 *
 * The client monitors the nick of every open private window (state_monitor.c
 * decides which); this module only builds the MONITOR lines and reads the
 * server's 005 token and its 730/731/734 target lists, which are hostile
 * input: each target is checked before it is believed, and a list yields at
 * most MONITORLIST_TARGETS_MAX of them. */
#ifndef PARLEY_MONITORLIST_H
#define PARLEY_MONITORLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "ircmsg.h"

/* Bytes of a MONITOR line without CR LF: an IRC line is 512 with them. */
#define MONITORLIST_LINE_MAX (IRC_LINE_MAX - 2)
/* Targets taken from one 730/731/734 list; the rest are ignored. A line of
 * 512 bytes holds at most 256 anyway; a longer one (tags allow it) gets no
 * more work than that. */
#define MONITORLIST_TARGETS_MAX 256
/* Bytes of a target's nick: longer ones are not nicks we have windows for. */
#define MONITORLIST_NICK_MAX 64

/* Reads an ISUPPORT token. True when it is MONITOR: *limit is then its
 * value clamped to cap ("MONITOR" without one means no limit: cap), or 0
 * when the value is no positive number (then nothing is monitored). */
bool monitorlist_isupport(const char *token, size_t cap, size_t *limit);

/* Builds "MONITOR <sign> a,b,c" lines for nicks[0..n), each at most
 * MONITORLIST_LINE_MAX bytes, and hands each to emit. A nick that cannot
 * fit a line alone is skipped. Returns the number of lines emitted. */
size_t monitorlist_build(char sign, const char *const *nicks, size_t n,
                         void (*emit)(void *arg, const char *line), void *arg);

/* Walks a comma list of targets ("nick!user@host" or "nick"), cutting it in
 * place. */
struct monitorlist_targets {
	char *rest;
	size_t taken;
};

void monitorlist_targets_init(struct monitorlist_targets *t, char *list);

/* The next target's nick (the part before '!'), skipping targets that are
 * no nick (empty, too long, spaces, controls, or ",!@*?"); NULL at the end
 * or once MONITORLIST_TARGETS_MAX targets were read. */
const char *monitorlist_targets_next(struct monitorlist_targets *t);

#endif
