/* readmark: a connection's read markers (IRCv3 draft/read-marker) — for
 * each room or nick, the time up to which the user has read. Pure data, no
 * I/O, no lock: it belongs to the session's worker thread.
 *
 * Kept per connection while it is connected (per account once accounts
 * exist). At most READMARK_MAX targets: a new one past that replaces the
 * one set longest ago. A marker only moves forward. */
#ifndef PARLEY_READMARK_H
#define PARLEY_READMARK_H

#include "ircname.h"

#define READMARK_MAX 64

struct readmark_entry {
	char target[CHANNEL_LEN_MAX + 1]; /* folded */
	long long unix_ms;
	unsigned long long set_order;
};

struct readmarks {
	struct readmark_entry entries[READMARK_MAX];
	int n;
	unsigned long long sets;
};

/* The marker of target (any spelling): its time, or -1 when none. */
long long readmark_get(const struct readmarks *m, const char *target);

/* Moves target's marker to unix_ms if that is later; returns the marker
 * now. */
long long readmark_set(struct readmarks *m, const char *target, long long unix_ms);

#endif
