/* chat_history: see chat_history.h. */
#include "chat_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "channel.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

enum chat_result chat_history_read(struct session *s, const char *room,
				   const struct history_query *q, bool events,
				   struct history_page *page)
{
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
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	size_t *which = xcalloc(n ? n : 1, sizeof *which);
	long long *latest = xcalloc(n ? n : 1, sizeof *latest);
	int found = archive_targets(chs, n, from_ms, to_ms, max, which, latest);
	for (int i = 0; i < found; i++) {
		snprintf(out[i].room, sizeof out[i].room, "%s", chs[which[i]]->name);
		out[i].latest_ms = latest[i];
	}
	free(which);
	free(latest);
	channels_release(chs, n);
	return found;
}
