/* store_types: the plain data the store's parts share — its limits and what
 * is remembered of a room between its lives — so that the parts (store.c,
 * store_db.c, store_read.c) need not include each other's headers. No I/O. */
#ifndef PARLEY_STORE_TYPES_H
#define PARLEY_STORE_TYPES_H

#include <stddef.h>

struct store_limits {
	int history_days;        /* messages older than this go; 0: kept forever */
	long history_max;        /* messages kept per room; 0: no limit */
	int max_rooms;           /* room states kept; the least recently changed go first;
				  * 0: no limit */
	long pending_max;        /* messages kept in memory while writes fail; 0:
				  * STORE_PENDING_MAX (tests set it lower) */
};

/* What is remembered of a room between its lives. */
struct store_ban {
	char *mask, *setter;
	long long unix_ms;
	char kind; /* the list: 'b' ban, 'e' ban exception, 'I' invite exception */
};
struct store_room {
	char *name;              /* as first created */
	long long created_ms;
	char *topic;             /* NULL: none */
	char *topic_setter;      /* "" when none */
	long long topic_ms;
	char *modes;             /* flag letters without parameters, e.g. "nt" */
	char *key;               /* "" when none */
	int limit;               /* 0 when none */
	struct store_ban *bans;  /* the +b, +e and +I lists (kind) */
	size_t nbans;
	char *ops;               /* accounts remembered as ops, "a b" (opaccts.h); "" none */
};

/* Frees what r holds (not r itself) and empties it. */
void store_room_free(struct store_room *r);

#endif
