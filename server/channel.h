/* channel: a room — its members, modes, topic and history.
 *
 * Every field below `lock` is guarded by it. Membership (members[] and each
 * member session's channels[]) changes only with the registry write lock
 * held as well, so holders of the registry read lock may read members[]
 * while they also hold `lock`. All fan-out to the channel happens with
 * `lock` held, which gives the one order per room that every member sees. */
#ifndef PARLEY_CHANNEL_H
#define PARLEY_CHANNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "history.h"
#include "ircname.h"

#define TOPIC_LEN_MAX 390
#define KEY_LEN_MAX 32
#define BANS_MAX 100
#define INVITES_MAX 100

struct session;

struct member {
	struct session *session;
	bool op;
	bool voice;
	/* When the member joined, counting every join on the server: members[]
	 * is in join order, so this grows along it and a reader that walks the
	 * members in pieces (reply.h) resumes after the last one it saw. */
	unsigned long long joined;
};

struct ban {
	char *mask;
	char *setter;
	long long unix_ms;
};

struct channel {
	char name[CHANNEL_LEN_MAX + 1]; /* as first created (const) */
	long long created_unix_ms;      /* const */

	pthread_mutex_t lock;
	struct member *members;
	size_t nmembers, members_cap;
	char *topic;                    /* NULL when unset */
	char topic_setter[NICK_LEN_MAX + 1];
	long long topic_unix_ms;
	bool mode_topic_ops;            /* +t */
	bool mode_no_external;          /* +n */
	bool mode_invite_only;          /* +i */
	char key[KEY_LEN_MAX + 1];      /* +k, "" when unset */
	int limit;                      /* +l, 0 when unset */
	struct ban *bans;
	size_t nbans;
	char **invites;                 /* folded nicks invited (for +i) */
	size_t ninvites;
	struct history *history;
};

struct channel *channel_new(const char *name, size_t history_capacity);
void channel_free(struct channel *ch);

/* Index of s in members[], or -1. Caller holds lock. */
int channel_member_index(const struct channel *ch, const struct session *s);

/* Is s a member of ch? Walks s's own (short) channel list, not members[];
 * caller holds the registry lock (membership is stable under it). */
bool channel_has_member(const struct channel *ch, const struct session *s);

/* Is s an operator of ch? Caller holds lock. */
bool channel_is_op(const struct channel *ch, const struct session *s);

/* Adds/removes a member; caller holds the registry write lock and lock. */
void channel_add_member(struct channel *ch, struct session *s, bool op);
void channel_remove_member(struct channel *ch, struct session *s);

/* True if "nick!user@host" matches a ban. Caller holds lock. */
bool channel_is_banned(const struct channel *ch, const char *source);

/* Invite list (folded nicks). Caller holds lock. */
void channel_invite_add(struct channel *ch, const char *nick);
bool channel_invite_take(struct channel *ch, const char *nick);

/* "+tn" style mode string (with key/limit parameters if show_params). */
void channel_mode_string(const struct channel *ch, bool show_params, char *buf, size_t cap);

#endif
