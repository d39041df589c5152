/* channel: see channel.h. */
#include "channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "global.h"
#include "ircname.h"
#include "session.h"
#include "xalloc.h"

struct channel *channel_new(const char *name, unsigned long long id,
			    struct history_budget *budget, size_t history_capacity)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	snprintf(ch->name, sizeof ch->name, "%s", name);
	if (ircname_fold(ch->folded, sizeof ch->folded, name) < 0)
		ch->folded[0] = '\0';
	ch->created_unix_ms = clock_unix_ms();
	ch->id = id;
	atomic_init(&ch->refs, 1);
	atomic_init(&ch->dead, false);
	pthread_mutex_init(&ch->lock, NULL);
	ch->mode_topic_ops = true;
	ch->mode_no_external = true;
	ch->history = history_new(budget, history_capacity);
	return ch;
}

/* Frees a channel nobody refers to any more. */
static void channel_free(struct channel *ch)
{
	for (const char *m = "beI"; *m; m++) {
		size_t *n;
		struct ban **list = channel_mask_list(ch, *m, &n);
		for (size_t i = 0; i < *n; i++) {
			free((*list)[i].mask);
			free((*list)[i].setter);
		}
		free(*list);
	}
	free(ch->invites);
	free(ch->members);
	free(ch->topic);
	opaccts_clear(&ch->op_accounts);
	history_free(ch->history);
	pthread_mutex_destroy(&ch->lock);
	free(ch);
}

struct channel *channel_ref(struct channel *ch)
{
	atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
	return ch;
}

void channel_unref(struct channel *ch)
{
	if (ch && atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_acq_rel) == 1)
		channel_free(ch);
}

int channel_member_index(const struct channel *ch, const struct session *s)
{
	for (size_t i = 0; i < ch->nmembers; i++)
		if (ch->members[i].session == s)
			return (int)i;
	return -1;
}

int channel_member_by_nick(const struct channel *ch, const char *nick)
{
	for (size_t i = 0; i < ch->nmembers; i++)
		if (ircname_cmp(ch->members[i].nick, nick) == 0)
			return (int)i;
	return -1;
}

bool channel_has_member(const struct channel *ch, struct session *s)
{
	bool found = false;
	pthread_mutex_lock(&s->memb_lock);
	for (size_t i = 0; i < s->nchannels && !found; i++)
		found = s->channels[i] == ch;
	pthread_mutex_unlock(&s->memb_lock);
	return found;
}

bool channel_visible_to(const struct channel *ch, struct session *s)
{
	return !s || !ch->mode_secret || s->oper || channel_has_member(ch, s);
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
	struct member *mb = &ch->members[ch->nmembers++];
	*mb = (struct member){.session = s, .op = op, .joined = ++ch->joins};
	/* s->nick is written only by s's own worker, which is this thread. */
	snprintf(mb->nick, sizeof mb->nick, "%s", s->nick);
	snprintf(mb->account, sizeof mb->account, "%s", session_account(s)); /* likewise */
	pthread_mutex_lock(&s->memb_lock);
	if (s->nchannels == s->channels_cap) {
		/* Three pointers fill malloc's smallest block (32 bytes); four
		 * would take 48, in every session. */
		s->channels_cap = s->channels_cap ? s->channels_cap * 2 : 3;
		s->channels = xrealloc(s->channels, s->channels_cap * sizeof *s->channels);
	}
	s->channels[s->nchannels++] = ch;
	pthread_mutex_unlock(&s->memb_lock);
}

bool channel_remove_member(struct channel *ch, struct session *s)
{
	int i = channel_member_index(ch, s);
	if (i >= 0) {
		/* Keep join order: NAMES and fan-out walk members in order. */
		memmove(&ch->members[i], &ch->members[i + 1],
			(ch->nmembers - (size_t)i - 1) * sizeof *ch->members);
		ch->nmembers--;
	}
	pthread_mutex_lock(&s->memb_lock);
	/* Keep join order here too: plain mode's next current room is the
	 * one joined last (plain.h). A user is in few rooms. */
	for (size_t j = 0; j < s->nchannels; j++)
		if (s->channels[j] == ch) {
			memmove(&s->channels[j], &s->channels[j + 1],
				(s->nchannels - j - 1) * sizeof *s->channels);
			s->nchannels--;
			break;
		}
	pthread_mutex_unlock(&s->memb_lock);
	if (ch->nmembers > 0 || i < 0)
		return false;
	atomic_store(&ch->dead, true);
	return true;
}

enum quiet_change channel_update_quiet(struct channel *ch, int announce_max)
{
	size_t limit = announce_max > 0 ? (size_t)announce_max : 0;
	if (!ch->quiet && limit && ch->nmembers > limit) {
		ch->quiet = true;
		return QUIET_BEGAN;
	}
	if (ch->quiet && (!limit || ch->nmembers <= limit - limit / 10)) {
		ch->quiet = false;
		return QUIET_ENDED;
	}
	return QUIET_SAME;
}

bool channel_tells_arrivals(const struct channel *ch, size_t i)
{
	return !ch->quiet || ch->members[i].op;
}

void channel_rename_member(struct channel *ch, const struct session *s, const char *nick)
{
	int i = channel_member_index(ch, s);
	if (i >= 0)
		snprintf(ch->members[i].nick, sizeof ch->members[i].nick, "%s", nick);
}

/* Does source match one of the n masks of list? */
static bool masks_match_source(const struct ban *list, size_t n, const char *source)
{
	for (size_t i = 0; i < n; i++)
		if (ircname_mask_match(list[i].mask, source))
			return true;
	return false;
}

bool channel_is_banned(const struct channel *ch, const char *source)
{
	return masks_match_source(ch->bans, ch->nbans, source) &&
	       !masks_match_source(ch->excepts, ch->nexcepts, source);
}

bool channel_is_invex(const struct channel *ch, const char *source)
{
	return masks_match_source(ch->invexes, ch->ninvexes, source);
}

struct ban **channel_mask_list(struct channel *ch, char mode, size_t **n)
{
	if (mode == 'e') {
		*n = &ch->nexcepts;
		return &ch->excepts;
	}
	if (mode == 'I') {
		*n = &ch->ninvexes;
		return &ch->invexes;
	}
	*n = &ch->nbans;
	return &ch->bans;
}

void channel_invite_add(struct channel *ch, unsigned long session_id)
{
	if (channel_is_invited(ch, session_id))
		return;
	if (ch->ninvites == INVITES_MAX) {
		memmove(ch->invites, ch->invites + 1, (INVITES_MAX - 1) * sizeof *ch->invites);
		ch->ninvites--;
	}
	ch->invites = xrealloc(ch->invites, (ch->ninvites + 1) * sizeof *ch->invites);
	ch->invites[ch->ninvites++] = session_id;
}

bool channel_is_invited(const struct channel *ch, unsigned long session_id)
{
	for (size_t i = 0; i < ch->ninvites; i++)
		if (ch->invites[i] == session_id)
			return true;
	return false;
}

void channel_invite_remove(struct channel *ch, unsigned long session_id)
{
	for (size_t i = 0; i < ch->ninvites; i++)
		if (ch->invites[i] == session_id) {
			memmove(ch->invites + i, ch->invites + i + 1,
				(ch->ninvites - i - 1) * sizeof *ch->invites);
			ch->ninvites--;
			return;
		}
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
	if (ch->mode_moderated)
		flags[n++] = 'm';
	if (ch->mode_no_external)
		flags[n++] = 'n';
	if (ch->mode_secret)
		flags[n++] = 's';
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

size_t channels_of(struct session *s, struct channel ***out)
{
	pthread_mutex_lock(&s->memb_lock);
	size_t n = s->nchannels;
	struct channel **chs = xmalloc((n ? n : 1) * sizeof *chs);
	for (size_t i = 0; i < n; i++)
		chs[i] = channel_ref(s->channels[i]);
	pthread_mutex_unlock(&s->memb_lock);
	*out = chs;
	return n;
}

struct channel *channel_of_member(struct session *s, const char *name)
{
	char key[CHANNEL_LEN_MAX + 1];
	if (ircname_fold(key, sizeof key, name) < 0)
		return NULL;
	struct channel *found = NULL;
	pthread_mutex_lock(&s->memb_lock);
	for (size_t i = 0; i < s->nchannels && !found; i++)
		if (strcmp(s->channels[i]->folded, key) == 0)
			found = channel_ref(s->channels[i]);
	pthread_mutex_unlock(&s->memb_lock);
	return found;
}

size_t channels_count_of(struct session *s)
{
	pthread_mutex_lock(&s->memb_lock);
	size_t n = s->nchannels;
	pthread_mutex_unlock(&s->memb_lock);
	return n;
}

void channels_release(struct channel **chs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		channel_unref(chs[i]);
	free(chs);
}

/* qsort order: increasing channel id. */
static int channel_id_cmp(const void *a, const void *b)
{
	const struct channel *x = *(struct channel *const *)a, *y = *(struct channel *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

void channels_lock_all(struct channel **chs, size_t n)
{
	qsort(chs, n, sizeof *chs, channel_id_cmp);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_lock(&chs[i]->lock);
}

void channels_unlock_all(struct channel **chs, size_t n)
{
	for (size_t i = n; i > 0; i--)
		pthread_mutex_unlock(&chs[i - 1]->lock);
}

void channel_last_joined_except(struct session *s, const char *leaving,
				char out[CHANNEL_LEN_MAX + 1])
{
	out[0] = '\0';
	pthread_mutex_lock(&s->memb_lock);
	for (size_t i = s->nchannels; i > 0; i--)
		if (ircname_cmp(s->channels[i - 1]->name, leaving) != 0) {
			snprintf(out, CHANNEL_LEN_MAX + 1, "%s", s->channels[i - 1]->name);
			break;
		}
	pthread_mutex_unlock(&s->memb_lock);
}
