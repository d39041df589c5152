/* chat_query: see chat_query.h. */
#include "chat_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "global.h"
#include "registry.h"
#include "xalloc.h"

/* Copies s's rooms (at most max) with its standing in each; returns how many
 * rooms it is in (those asker may see: channel_visible_to). Takes s's
 * memb_lock, then each room's lock on its own (a room it left meanwhile is
 * skipped); the caller may hold the registry lock. */
static size_t memberships_copy(struct session *asker, struct session *s,
			       struct chat_membership *out, size_t max)
{
	struct channel **chs;
	size_t n = channels_of(s, &chs), kept = 0, count = 0;
	for (size_t i = 0; i < n; i++) {
		struct channel *ch = chs[i];
		pthread_mutex_lock(&ch->lock);
		int mi = channel_member_index(ch, s);
		if (mi >= 0 && channel_visible_to(ch, asker)) {
			count++;
			if (kept < max) {
				struct chat_membership *m = &out[kept++];
				snprintf(m->room, sizeof m->room, "%s", ch->name);
				m->op = ch->members[mi].op;
				m->voice = ch->members[mi].voice;
			}
		}
		pthread_mutex_unlock(&ch->lock);
	}
	channels_release(chs, n);
	return count;
}

enum chat_result chat_query_person(struct session *asker, const char *nick,
				   struct chat_person *out)
{
	registry_rdlock();
	struct session *u = registry_find_nick(nick);
	if (!u || !u->registered) {
		registry_unlock();
		return CHAT_NO_SUCH_NICK;
	}
	/* nick, user, host, realname and away are the registry's (session.h). */
	snprintf(out->nick, sizeof out->nick, "%s", u->nick);
	snprintf(out->user, sizeof out->user, "%s", u->user);
	snprintf(out->host, sizeof out->host, "%s", u->host);
	snprintf(out->realname, sizeof out->realname, "%s", u->realname ? u->realname : "");
	snprintf(out->away, sizeof out->away, "%s", u->away ? u->away : "");
	out->idle_ms = clock_mono_ms() - atomic_load(&u->last_message_mono_ms);
	out->connected_unix_ms = u->connected_unix_ms;
	out->nrooms = memberships_copy(asker, u, out->rooms, CHAT_PERSON_ROOMS_MAX);
	registry_unlock();
	return CHAT_OK;
}

size_t chat_query_rooms_of(struct session *s, struct chat_membership *out, size_t max)
{
	return memberships_copy(s, s, out, max);
}

/* The biggest rooms seen so far in a walk of the channel table. */
struct rooms_walk {
	struct session *asker; /* sees only the rooms visible to it (NULL: all) */
	struct channel **top; /* at most max, biggest first */
	size_t *sizes;        /* their member counts */
	size_t n, max, total;
};

/* Does a room of size a named an come before one of size b named bn? */
static bool room_before(size_t a, const char *an, size_t b, const char *bn)
{
	return a != b ? a > b : ircname_cmp(an, bn) < 0;
}

/* Offers one room to the walk; registry lock held. */
static void rooms_offer(struct channel *ch, void *arg)
{
	struct rooms_walk *w = arg;
	pthread_mutex_lock(&ch->lock);
	size_t members = atomic_load(&ch->dead) ? 0 : ch->nmembers;
	bool visible = channel_visible_to(ch, w->asker);
	pthread_mutex_unlock(&ch->lock);
	if (members == 0 || !visible)
		return; /* emptied, leaving the table, or secret */
	w->total++;
	if (w->max == 0)
		return;
	if (w->n == w->max &&
	    !room_before(members, ch->name, w->sizes[w->n - 1], w->top[w->n - 1]->name))
		return;
	size_t i = w->n < w->max ? w->n++ : w->max - 1;
	while (i > 0 && room_before(members, ch->name, w->sizes[i - 1], w->top[i - 1]->name)) {
		w->top[i] = w->top[i - 1];
		w->sizes[i] = w->sizes[i - 1];
		i--;
	}
	w->top[i] = ch;
	w->sizes[i] = members;
}

size_t chat_query_rooms(struct session *asker, struct chat_room_info *out, size_t max,
			size_t *shown)
{
	struct channel **top = xmalloc((max ? max : 1) * sizeof *top);
	size_t *sizes = xmalloc((max ? max : 1) * sizeof *sizes);
	struct rooms_walk w = {.asker = asker, .top = top, .sizes = sizes, .max = max};
	/* One pass over every room under the read lock: a room is looked at
	 * for as long as it takes to read its size, and the registry stays
	 * open to readers (messages do not need it at all). */
	registry_rdlock();
	registry_each_channel(rooms_offer, &w);
	for (size_t i = 0; i < w.n; i++) {
		struct channel *ch = top[i];
		struct chat_room_info *r = &out[i];
		snprintf(r->name, sizeof r->name, "%s", ch->name);
		pthread_mutex_lock(&ch->lock);
		r->members = sizes[i];
		snprintf(r->topic, sizeof r->topic, "%s", ch->topic ? ch->topic : "");
		pthread_mutex_unlock(&ch->lock);
	}
	registry_unlock();
	free(top);
	free(sizes);
	*shown = w.n;
	return w.total;
}

/* Room name, locked and referenced, its name as written copied to name_out;
 * NULL if there is no such room. No registry lock is held meanwhile. */
static struct channel *room_lock(const char *name, char name_out[CHANNEL_LEN_MAX + 1])
{
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch)
		return NULL;
	pthread_mutex_lock(&ch->lock);
	if (atomic_load(&ch->dead)) {
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		return NULL;
	}
	snprintf(name_out, CHANNEL_LEN_MAX + 1, "%s", ch->name);
	return ch;
}

static void room_unlock(struct channel *ch)
{
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
}

enum chat_result chat_query_names(struct session *asker, const char *name,
				  struct chat_member_info *out, size_t max, size_t *shown,
				  size_t *total, char name_out[CHANNEL_LEN_MAX + 1])
{
	struct channel *ch = room_lock(name, name_out);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	if (!channel_visible_to(ch, asker)) {
		room_unlock(ch);
		return CHAT_NO_SUCH_CHANNEL;
	}
	*total = ch->nmembers;
	size_t n = ch->nmembers < max ? ch->nmembers : max;
	for (size_t i = 0; i < n; i++) {
		const struct member *mb = &ch->members[i];
		snprintf(out[i].nick, sizeof out[i].nick, "%s", mb->nick);
		out[i].op = mb->op;
		out[i].voice = mb->voice;
	}
	room_unlock(ch);
	*shown = n;
	return CHAT_OK;
}

enum chat_result chat_query_topic(const char *name, char *text_out,
				  char setter_out[NICK_LEN_MAX + 1],
				  char name_out[CHANNEL_LEN_MAX + 1])
{
	struct channel *ch = room_lock(name, name_out);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	snprintf(text_out, TOPIC_LEN_MAX + 1, "%s", ch->topic ? ch->topic : "");
	snprintf(setter_out, NICK_LEN_MAX + 1, "%s", ch->topic ? ch->topic_setter : "");
	room_unlock(ch);
	return CHAT_OK;
}
