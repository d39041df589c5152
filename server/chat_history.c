/* chat_history: see chat_history.h. */
#include "chat_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "archive.h"
#include "dmpair.h"
#include "channel.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

/* A private conversation's history: s's account with the account named
 * nick, if both exist; an empty page for a guest or a nick that is no
 * account. s's account is written only by s's own thread (this one). */
static enum chat_result dm_history_read(struct session *s, const char *nick,
					const struct history_query *q, struct history_page *page)
{
	if (!session_account(s)[0] || !ircname_nick_valid(nick) || !account_is_registered(nick))
		return CHAT_OK;
	int r = archive_dm_query(session_account(s), nick, q, page);
	return r == 0 ? CHAT_OK : r == 1 ? CHAT_HISTORY_UNKNOWN_MSGID : CHAT_HISTORY_ERROR;
}

enum chat_result chat_history_read(struct session *s, const char *room,
				   const struct history_query *q, bool events,
				   struct history_page *page)
{
	if (room[0] != '#') {
		struct history_query bounded = *q;
		bounded.events = false;
		if (bounded.limit > CHAT_HISTORY_MAX)
			bounded.limit = CHAT_HISTORY_MAX;
		return dm_history_read(s, room, &bounded, page);
	}
	struct channel *ch = registry_channel_find_ref(room);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	pthread_mutex_lock(&ch->lock);
	bool member = channel_has_member(ch, s);
	pthread_mutex_unlock(&ch->lock);
	if (!member) {
		channel_unref(ch);
		return CHAT_NOT_ON_CHANNEL;
	}
	struct history_query bounded = *q;
	bounded.events = events;
	if (bounded.limit > CHAT_HISTORY_MAX)
		bounded.limit = CHAT_HISTORY_MAX;
	int r = archive_query(ch, &bounded, page);
	channel_unref(ch);
	return r == 0 ? CHAT_OK : r == 1 ? CHAT_HISTORY_UNKNOWN_MSGID : CHAT_HISTORY_ERROR;
}

int chat_history_targets(struct session *s, long long from_ms, long long to_ms,
			 struct chat_history_target *out, size_t max)
{
	char *pairs[CHAT_HISTORY_DM_TARGETS];
	int npairs = archive_dm_targets(session_account(s), pairs, CHAT_HISTORY_DM_TARGETS);
	if (npairs < 0)
		return -1;
	struct channel **chs;
	size_t n = channels_of(s, &chs), all = n + (size_t)npairs;
	size_t *which = xcalloc(all ? all : 1, sizeof *which);
	long long *latest = xcalloc(all ? all : 1, sizeof *latest);
	int found = archive_targets(chs, n, (const char *const *)pairs, (size_t)npairs, from_ms,
				    to_ms, max, which, latest);
	for (int i = 0; i < found; i++) {
		char other[NICK_LEN_MAX + 1] = "";
		if (which[i] < n)
			snprintf(out[i].room, sizeof out[i].room, "%s", chs[which[i]]->name);
		else if (dmpair_other(pairs[which[i] - n], session_account(s), other))
			snprintf(out[i].room, sizeof out[i].room, "%s", other);
		else /* our own notes to self: "@a,a" */
			snprintf(out[i].room, sizeof out[i].room, "%s", s->nick);
		out[i].latest_ms = latest[i];
	}
	for (int i = 0; i < npairs; i++)
		free(pairs[i]);
	free(which);
	free(latest);
	channels_release(chs, n);
	return found;
}
