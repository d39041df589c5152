/* listfilter: the LIST filters of ELIST=CMNTU (Modern IRC, ISUPPORT ELIST).
 *
 * LIST's first parameter is a comma-separated list of terms:
 *   mask     the room's name matches the mask (M); several masks: any one
 *   !mask    the room's name does not match the mask (N); every one
 *   >N <N    more / fewer than N members (U)
 *   C>N C<N  created more / less than N minutes ago (C)
 *   T>N T<N  topic set more / less than N minutes ago (T; a room without a
 *            topic matches neither)
 * A room is listed when it passes every term. A term that looks like a
 * number filter but has no number (">x") is taken as a mask. Pure. */
#ifndef PARLEY_LISTFILTER_H
#define PARLEY_LISTFILTER_H

#include <stdbool.h>
#include <stddef.h>

/* What listfilter_match looks at, for one room. */
struct listfilter_room {
	const char *name;
	size_t users;
	long long created_unix_ms;
	long long topic_unix_ms; /* 0: no topic */
};

/* Does the room pass every term of filter ("" passes everything) at now_ms? */
bool listfilter_match(const char *filter, long long now_ms, const struct listfilter_room *r);

#endif
