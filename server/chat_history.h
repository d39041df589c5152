/* chat_history: reading a room's history, for CHATHISTORY and the plain
 * /history — who may read what, and how much.
 *
 * Part of the chat core (chat.h): no I/O of its own (the store's reads run
 * through archive.h), no rendering. Called with no lock held.
 *
 * Only members read a room's history: what was said in a room is for the
 * people in it, and a room's members are who the room's modes (+i, +k, +b)
 * let in. Private messages are kept only between accounts (archive.h): a
 * logged-in asker reads, under a nick, their conversation with the account
 * of that name (online or not); a guest, or a nick that is no account, gets
 * an empty page. A page holds at most CHAT_HISTORY_MAX messages
 * (CHATHISTORY=1000 in 005); a bigger limit is cut to it. TARGETS lists the
 * asker's rooms and their CHAT_HISTORY_DM_TARGETS most recent
 * conversations. */
#ifndef PARLEY_CHAT_HISTORY_H
#define PARLEY_CHAT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "chat.h"
#include "history_query.h"
#include "ircname.h"

#define CHAT_HISTORY_MAX 1000
#define CHAT_HISTORY_DM_TARGETS 100 /* conversations TARGETS looks at */

struct session;

/* Answers q on room (or on the conversation with the account named room,
 * see above) for s into *page (records oldest first). CHAT_OK also
 * when the page is empty; CHAT_NO_SUCH_CHANNEL / CHAT_NOT_ON_CHANNEL when
 * s may not read it; CHAT_HISTORY_UNKNOWN_MSGID for a msgid that is not
 * one of the room's messages (or no longer kept); CHAT_HISTORY_ERROR when
 * the store could not be read. With events false, only PRIVMSG and NOTICE
 * are returned (TOPIC changes are kept for clients that asked for events). */
enum chat_result chat_history_read(struct session *s, const char *room,
				   const struct history_query *q, bool events,
				   struct history_page *page);

/* A room with the time of its newest message in a window (TARGETS). */
struct chat_history_target {
	char room[CHANNEL_LEN_MAX + 1];
	long long latest_ms;
};

/* Of the rooms s is in and its conversations (named by the other account,
 * folded), those with messages between from_ms and to_ms, with
 * the time of the newest there, oldest first, at most max. Returns how many
 * were written, or -1 when the store could not be read. */
int chat_history_targets(struct session *s, long long from_ms, long long to_ms,
			 struct chat_history_target *out, size_t max);

#endif
