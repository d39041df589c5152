/* channel: a room — its members, modes, topic and history.
 *
 * Locking. Every field below `lock` is guarded by it, and so is membership:
 * members[] and, for each member session, the entry for this channel in the
 * session's channels[] (that list is also guarded by the session's
 * memb_lock, see session.h; adding or removing this channel's entry takes
 * both). So with `lock` held, "is s in this room" cannot change and the two
 * lists agree. The registry lock is not needed for membership: a JOIN, PART
 * or KICK takes only this lock for the edit and for its fan-out, and that is
 * what orders the JOIN/PART/KICK line among the room's messages.
 *
 * Lock order: registry -> channel -> session memb_lock -> history budget
 * lock / session q_lock (the last three are leaves). A thread that holds
 * several channel locks at once (NICK, QUIT: channels_lock_all) takes them
 * in increasing `id`; every other path holds at most one. Nobody waits for
 * a channel lock while holding the registry *write* lock; paths that may
 * wait long (fan-out, joins) do not hold the registry lock at all: they
 * hold a reference instead (channel_ref).
 *
 * Lifetime: a channel is reference-counted. The registry's table holds one
 * reference while the channel is listed there, and every thread that looked
 * it up and dropped the registry lock holds one. A channel emptied by its
 * last member is marked `dead` (under `lock`), then dropped from the table;
 * nobody joins a dead channel (a joiner that finds one makes a new one). */
#ifndef PARLEY_CHANNEL_H
#define PARLEY_CHANNEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "history.h"
#include "opaccts.h"
#include "ircname.h"

#define TOPIC_LEN_MAX 390
#define KEY_LEN_MAX 32
#define BANS_MAX 100 /* each of the +b, +e and +I lists (MAXLIST) */
#define INVITES_MAX 100

struct session;

struct member {
	struct session *session;
	bool op;
	bool voice;
	/* The nick this room knows the member by: changed under the lock, with
	 * the NICK line, so NAMES and KICK agree with the room's order and need
	 * no registry lock. */
	char nick[NICK_LEN_MAX + 1];
	/* The member's account ("" for a guest), copied at the join and when
	 * they log in (chat_ops_account_changed), so a MODE reads it under
	 * this room's lock alone. */
	char account[NICK_LEN_MAX + 1];
	/* When the member joined, counting the room's joins (joins, below):
	 * members[] is in join order, so this grows along it and a reader that
	 * walks the members in pieces (reply.h) resumes after the last one it
	 * saw. */
	unsigned long long joined;
};

struct ban {
	char *mask;
	char *setter;
	long long unix_ms;
};

struct channel {
	char name[CHANNEL_LEN_MAX + 1]; /* as first created (const) */
	char folded[CHANNEL_LEN_MAX + 1]; /* name case-folded: its key in tables and the store (const) */
	long long created_unix_ms;      /* const */
	unsigned long long id;          /* const; the order of channel locks */
	atomic_int refs;
	atomic_bool dead;               /* written under lock; emptied, leaving the table */

	pthread_mutex_t lock;
	struct member *members;
	size_t nmembers, members_cap;
	unsigned long long joins;       /* joins ever, numbering member.joined */
	char *topic;                    /* NULL when unset */
	char topic_setter[NICK_LEN_MAX + 1];
	long long topic_unix_ms;
	bool mode_topic_ops;            /* +t */
	bool mode_no_external;          /* +n */
	bool mode_invite_only;          /* +i */
	bool mode_secret;               /* +s: hidden from non-members (LIST, WHOIS, NAMES, WHO) */
	bool mode_moderated;            /* +m: only ops and voiced members speak */
	char key[KEY_LEN_MAX + 1];      /* +k, "" when unset */
	int limit;                      /* +l, 0 when unset */
	struct ban *bans;
	size_t nbans;
	struct ban *excepts;            /* +e: masks the bans do not apply to */
	size_t nexcepts;
	struct ban *invexes;            /* +I: masks that get past +i without an invite */
	size_t ninvexes;
	unsigned long *invites;         /* ids of the invited sessions, oldest first */
	size_t ninvites;
	struct history *history;        /* its own lock: the budget's (history.h) */
	bool quiet;                     /* too big to announce arrivals to all (below) */
	struct opaccts op_accounts;     /* accounts that get op here (opaccts.h) */
};

/* A new channel with one reference (the caller's). */
struct channel *channel_new(const char *name, unsigned long long id,
			    struct history_budget *budget, size_t history_capacity);
struct channel *channel_ref(struct channel *ch);
/* Drops a reference; the last one frees the channel. Take no channel lock
 * (the history budget's lock is taken). */
void channel_unref(struct channel *ch);

/* Index of s in members[], or -1. Caller holds lock. */
int channel_member_index(const struct channel *ch, const struct session *s);

/* Index of the member known here as nick, or -1. Caller holds lock. */
int channel_member_by_nick(const struct channel *ch, const char *nick);

/* Is s a member of ch? Walks s's own (short) channel list, not members[].
 * Caller holds lock (takes s's memb_lock). */
bool channel_has_member(const struct channel *ch, struct session *s);

/* May s see that ch exists (LIST, NAMES, WHO, WHOIS)? A secret room (+s)
 * shows only to its members and to IRC operators; s NULL sees every room.
 * Caller holds lock (takes s's memb_lock). */
bool channel_visible_to(const struct channel *ch, struct session *s);

/* Is s an operator of ch? Caller holds lock. */
bool channel_is_op(const struct channel *ch, const struct session *s);

/* Adds a member (and ch to s's list). Caller holds lock; ch is not dead. */
void channel_add_member(struct channel *ch, struct session *s, bool op);
/* Removes a member (and ch from s's list). Caller holds lock. Returns true
 * if that emptied the channel: it is then marked dead, and the caller drops
 * it from the registry (registry_channel_forget) after unlocking. */
bool channel_remove_member(struct channel *ch, struct session *s);
/* Sets the nick the room knows s by. Caller holds lock. */
void channel_rename_member(struct channel *ch, const struct session *s, const char *nick);

/* Quiet rooms. A join into a room of N members is N lines, so N people
 * arriving cost N²/2 lines: 50 million for 10,000, minutes of CPU that every
 * other room waits behind. A room with more than announce_max members
 * (--announce-max; 0: never) therefore tells joins, parts and quits only to
 * its operators and to the person concerned; everything else (messages,
 * KICK, NICK, TOPIC, MODE) still reaches everyone, and NAMES and WHO always
 * list every member. The room stays quiet until it falls to nine tenths of
 * the limit, so a room at the edge does not flip with every join. Caller
 * holds lock; returns what changed, for the caller to tell the members. */
enum quiet_change { QUIET_SAME, QUIET_BEGAN, QUIET_ENDED };
enum quiet_change channel_update_quiet(struct channel *ch, int announce_max);
/* Does members[i] hear of joins, parts and quits? Caller holds lock. */
bool channel_tells_arrivals(const struct channel *ch, size_t i);

/* True if "nick!user@host" matches a ban and no ban exception (+e).
 * Caller holds lock. */
bool channel_is_banned(const struct channel *ch, const char *source);
/* True if "nick!user@host" matches an invite exception (+I). Caller holds lock. */
bool channel_is_invex(const struct channel *ch, const char *source);
/* The +e list of ch for mode 'e', the +I list for 'I', else the bans;
 * its count in *n. Caller holds lock. */
struct ban **channel_mask_list(struct channel *ch, char mode, size_t **n);

/* Invites, by session id (ids are never reused, so an invite cannot pass to
 * whoever takes the nick, and one left by a closed session matches nobody).
 * At most INVITES_MAX; the oldest goes first. Caller holds lock. */
void channel_invite_add(struct channel *ch, unsigned long session_id);
bool channel_is_invited(const struct channel *ch, unsigned long session_id);
void channel_invite_remove(struct channel *ch, unsigned long session_id);

/* "+tn" style mode string (with key/limit parameters if show_params). */
void channel_mode_string(const struct channel *ch, bool show_params, char *buf, size_t cap);

/* The channels s is in now, each with a reference, into a new array (*out,
 * free with channels_release). Takes s's memb_lock; hold no channel lock
 * whose membership of s matters afterwards: it may change once dropped. */
size_t channels_of(struct session *s, struct channel ***out);
/* The room s joined last other than `leaving` (by name), or "" (s's rooms
 * are kept in join order). Takes s's memb_lock: callable with a room's lock
 * held, not with s's q_lock. */
void channel_last_joined_except(struct session *s, const char *leaving,
				char out[CHANNEL_LEN_MAX + 1]);

/* The channel named name if s is in it, with a reference, else NULL.
 * Takes s's memb_lock only (a leaf): a member's message finds its room
 * without the registry lock, so no nick change or join elsewhere (a
 * writer the registry lock must let in first) ever delays it. */
struct channel *channel_of_member(struct session *s, const char *name);

/* How many channels s is in (takes s's memb_lock). */
size_t channels_count_of(struct session *s);
/* Drops the references of channels_of() and frees the array. */
void channels_release(struct channel **chs, size_t n);

/* Sorts chs by id and locks them all in that order / unlocks them. */
void channels_lock_all(struct channel **chs, size_t n);
void channels_unlock_all(struct channel **chs, size_t n);

#endif
