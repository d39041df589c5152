/* channel: see channel.h. */
#include "channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "session.h"
#include "xalloc.h"

struct channel *channel_new(const char *name, size_t history_capacity)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	snprintf(ch->name, sizeof ch->name, "%s", name);
	ch->created_unix_ms = clock_unix_ms();
	pthread_mutex_init(&ch->lock, NULL);
	ch->mode_topic_ops = true;
	ch->mode_no_external = true;
	ch->history = history_new(history_capacity);
	return ch;
}

void channel_free(struct channel *ch)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->nbans; i++) {
		free(ch->bans[i].mask);
		free(ch->bans[i].setter);
	}
	free(ch->bans);
	for (size_t i = 0; i < ch->ninvites; i++)
		free(ch->invites[i]);
	free(ch->invites);
	free(ch->members);
	free(ch->topic);
	history_free(ch->history);
	pthread_mutex_destroy(&ch->lock);
	free(ch);
}

int channel_member_index(const struct channel *ch, const struct session *s)
{
	for (size_t i = 0; i < ch->nmembers; i++)
		if (ch->members[i].session == s)
			return (int)i;
	return -1;
}

bool channel_has_member(const struct channel *ch, const struct session *s)
{
	for (size_t i = 0; i < s->nchannels; i++)
		if (s->channels[i] == ch)
			return true;
	return false;
}

bool channel_is_op(const struct channel *ch, const struct session *s)
{
	int i = channel_member_index(ch, s);
	return i >= 0 && ch->members[i].op;
}

void channel_add_member(struct channel *ch, struct session *s, bool op)
{
	if (ch->nmembers == ch->members_cap) {
		ch->members_cap = ch->members_cap ? ch->members_cap * 2 : 8;
		ch->members = xrealloc(ch->members, ch->members_cap * sizeof *ch->members);
	}
	/* Membership changes under the registry write lock: a plain counter. */
	static unsigned long long joins;
	ch->members[ch->nmembers++] = (struct member){.session = s, .op = op, .joined = ++joins};
	if (s->nchannels == s->channels_cap) {
		s->channels_cap = s->channels_cap ? s->channels_cap * 2 : 4;
		s->channels = xrealloc(s->channels, s->channels_cap * sizeof *s->channels);
	}
	s->channels[s->nchannels++] = ch;
}

void channel_remove_member(struct channel *ch, struct session *s)
{
	int i = channel_member_index(ch, s);
	if (i >= 0) {
		/* Keep join order: NAMES and fan-out walk members in order. */
		memmove(&ch->members[i], &ch->members[i + 1],
			(ch->nmembers - (size_t)i - 1) * sizeof *ch->members);
		ch->nmembers--;
	}
	for (size_t j = 0; j < s->nchannels; j++)
		if (s->channels[j] == ch) {
			s->channels[j] = s->channels[--s->nchannels];
			break;
		}
}

bool channel_is_banned(const struct channel *ch, const char *source)
{
	for (size_t i = 0; i < ch->nbans; i++)
		if (ircname_mask_match(ch->bans[i].mask, source))
			return true;
	return false;
}

void channel_invite_add(struct channel *ch, const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, nick) < 0)
		return;
	for (size_t i = 0; i < ch->ninvites; i++)
		if (strcmp(ch->invites[i], key) == 0)
			return;
	if (ch->ninvites == INVITES_MAX) {
		free(ch->invites[0]);
		memmove(ch->invites, ch->invites + 1, (INVITES_MAX - 1) * sizeof *ch->invites);
		ch->ninvites--;
	}
	ch->invites = xrealloc(ch->invites, (ch->ninvites + 1) * sizeof *ch->invites);
	ch->invites[ch->ninvites++] = xstrdup(key);
}

bool channel_invite_take(struct channel *ch, const char *nick)
{
	char key[NICK_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, nick) < 0)
		return false;
	for (size_t i = 0; i < ch->ninvites; i++)
		if (strcmp(ch->invites[i], key) == 0) {
			free(ch->invites[i]);
			ch->invites[i] = ch->invites[--ch->ninvites];
			return true;
		}
	return false;
}

void channel_mode_string(const struct channel *ch, bool show_params, char *buf, size_t cap)
{
	char flags[16];
	size_t n = 0;
	flags[n++] = '+';
	if (ch->mode_invite_only)
		flags[n++] = 'i';
	if (ch->key[0])
		flags[n++] = 'k';
	if (ch->limit)
		flags[n++] = 'l';
	if (ch->mode_no_external)
		flags[n++] = 'n';
	if (ch->mode_topic_ops)
		flags[n++] = 't';
	flags[n] = '\0';
	char limit[16] = "";
	if (ch->limit)
		snprintf(limit, sizeof limit, " %d", ch->limit);
	if (show_params)
		snprintf(buf, cap, "%s%s%s%s", flags, ch->key[0] ? " " : "", ch->key, limit);
	else
		snprintf(buf, cap, "%s", flags);
}
