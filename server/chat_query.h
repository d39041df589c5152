/* chat_query: read-only snapshots of the chat state for a front-end to show
 * — who someone is (whois), which rooms there are (list), who is in a room
 * (names), a room's topic, the rooms someone is in.
 *
 * Part of the chat core (chat.h): no I/O, no rendering. Each function is
 * called with no lock held and takes what it needs itself, in the server's
 * order (server.h): the registry read lock, then one room's lock at a time
 * (or a session's memb_lock). What it reports is copied into the caller's
 * structures before those locks are dropped, so the caller renders at
 * leisure from a consistent copy.
 *
 * Outputs are bounded by the caller: list and names fill at most the `max`
 * entries they are given and say how many there were in all, so a front-end
 * that cannot page (plain mode) shows the first ones and "N more". */
#ifndef PARLEY_CHAT_QUERY_H
#define PARLEY_CHAT_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "chat.h"
#include "endpoint.h"
#include "ircname.h"
#include "session.h"

/* A room someone is in, with their standing there. */
struct chat_membership {
	char room[CHANNEL_LEN_MAX + 1];
	bool op, voice;
};

/* Rooms a whois reports (more are counted in nrooms, not listed). */
#define CHAT_PERSON_ROOMS_MAX 64

/* Who someone is. */
struct chat_person {
	char nick[NICK_LEN_MAX + 1];
	char user[USER_LEN_MAX + 1];
	char host[ENDPOINT_STR_MAX];
	char realname[REALNAME_LEN_MAX + 1];
	char away[AWAY_LEN_MAX + 1];     /* "" when present */
	long long idle_ms;               /* since their last message */
	long long connected_unix_ms;
	size_t nrooms;                   /* rooms they are in; rooms[] holds the first */
	struct chat_membership rooms[CHAT_PERSON_ROOMS_MAX];
};

/* A room as a room list shows it. */
struct chat_room_info {
	char name[CHANNEL_LEN_MAX + 1];
	size_t members;
	char topic[TOPIC_LEN_MAX + 1];   /* "" when unset */
};

/* A member as a names list shows them. */
struct chat_member_info {
	char nick[NICK_LEN_MAX + 1];
	bool op, voice;
};

/* Who the registered user called nick is, as asker may see them (their
 * secret rooms asker is not in are left out; asker NULL sees all);
 * CHAT_NO_SUCH_NICK if nobody. */
enum chat_result chat_query_person(struct session *asker, const char *nick,
				   struct chat_person *out);

/* The rooms s is in, in the order it joined them, into out (at most max);
 * returns how many rooms it is in. */
size_t chat_query_rooms_of(struct session *s, struct chat_membership *out, size_t max);

/* The rooms asker may see (channel_visible_to; NULL: all) with the most
 * members (ties in name order), at most max of them, into out; *shown gets
 * how many were filled. Returns how many such rooms the server has. */
size_t chat_query_rooms(struct session *asker, struct chat_room_info *out, size_t max,
			size_t *shown);

/* The first max members of room name, in the order they joined, into out;
 * *shown gets how many were filled, *total the room's member count, and
 * name_out the room's name as it was created. CHAT_NO_SUCH_CHANNEL if none,
 * or if asker may not see it (a secret room; asker NULL sees all). */
enum chat_result chat_query_names(struct session *asker, const char *name,
				  struct chat_member_info *out, size_t max, size_t *shown,
				  size_t *total, char name_out[CHANNEL_LEN_MAX + 1]);

/* The topic of room name: text_out (TOPIC_LEN_MAX + 1; "" when unset), who
 * set it, and its name as created. CHAT_NO_SUCH_CHANNEL if there is none. */
enum chat_result chat_query_topic(const char *name, char *text_out,
				  char setter_out[NICK_LEN_MAX + 1],
				  char name_out[CHANNEL_LEN_MAX + 1]);

#endif
