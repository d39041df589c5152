/* chat_mode: channel modes (+o +v +t +n +k +l +i +s +m +b +e +I) of the chat core; see
 * chat.h. The IRC front-end parses the mode string (irc_mode.c); this file
 * applies it and announces what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "channel.h"
#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "ircmsg.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

/* One applied change; arg is an index into mode_result.args or -1. */
struct applied {
	char sign;
	char mode;
	signed char arg;
};

/* The changes applied by one MODE command, in order. At most one per
 * change asked for (IRC_LINE_MAX bounds those), and at most
 * CHAT_MODE_ARGS_MAX with an argument. */
struct mode_result {
	struct applied changes[IRC_LINE_MAX];
	size_t n;
	char args[CHAT_MODE_ARGS_MAX][CHAT_MODE_ARG_MAX + 1];
	int nargs;
	bool accounts_changed; /* the room's op accounts changed (chat.h, chat_ops.c) */
};

/* Records one applied change (it is announced exactly as applied). */
static void result_add(struct mode_result *r, bool adding, char mode, const char *arg)
{
	if (r->n == sizeof r->changes / sizeof *r->changes)
		return; /* cannot happen: callers pass at most one per letter of a line */
	struct applied *c = &r->changes[r->n++];
	c->sign = adding ? '+' : '-';
	c->mode = mode;
	c->arg = -1;
	if (arg && r->nargs < CHAT_MODE_ARGS_MAX) {
		snprintf(r->args[r->nargs], sizeof r->args[r->nargs], "%s", arg);
		c->arg = (signed char)r->nargs++;
	}
}

/* Is arg usable as a mode argument (a middle parameter, not too long)? */
static bool mode_arg_valid(const char *arg)
{
	return arg && arg[0] && arg[0] != ':' && !strchr(arg, ' ') &&
	       strlen(arg) <= CHAT_MODE_ARG_MAX;
}

/* +b/-b, +e/-e or +I/-I mask (mode picks the list); ch->lock held. mask
 * (CHAT_MODE_ARG_MAX + 1 bytes) is in full form (ircname_mask_canonical);
 * raw as the client wrote it, so -b also removes a short mask kept from
 * before masks were completed (mask then says which went).
 * Returns CHAT_OK if the list changed, CHAT_ALREADY_MEMBER if there was
 * nothing to do, CHAT_BAN_LIST_FULL past BANS_MAX. */
static enum chat_result mask_change(struct session *s, struct channel *ch, char mode,
				    bool adding, char *mask, const char *raw)
{
	size_t *n;
	struct ban **list = channel_mask_list(ch, mode, &n);
	for (size_t i = 0; i < *n; i++)
		if (ircname_cmp((*list)[i].mask, mask) == 0 ||
		    (!adding && ircname_cmp((*list)[i].mask, raw) == 0)) {
			if (adding)
				return CHAT_ALREADY_MEMBER;
			snprintf(mask, CHAT_MODE_ARG_MAX + 1, "%s", (*list)[i].mask);
			free((*list)[i].mask);
			free((*list)[i].setter);
			(*list)[i] = (*list)[--*n];
			return CHAT_OK;
		}
	if (!adding)
		return CHAT_ALREADY_MEMBER;
	if (*n >= BANS_MAX)
		return CHAT_BAN_LIST_FULL;
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = (struct ban){
		.mask = xstrdup(mask), .setter = xstrdup(s->nick), .unix_ms = clock_unix_ms()};
	return CHAT_OK;
}

/* +o/+v for the member known here as nick; ch->lock held. */
static enum chat_result member_flag_change(struct channel *ch, bool adding, char mode,
					   const char *nick, struct mode_result *r)
{
	int i = nick ? channel_member_by_nick(ch, nick) : -1;
	if (i < 0)
		return CHAT_THEY_NOT_ON_CHANNEL;
	bool *flag = mode == 'o' ? &ch->members[i].op : &ch->members[i].voice;
	if (*flag != adding) {
		*flag = adding;
		result_add(r, adding, mode, ch->members[i].nick);
	}
	if (mode == 'o' && chat_ops_flag_locked(ch, i, adding))
		r->accounts_changed = true;
	return CHAT_OK;
}

/* +k/-k; ch->lock held. */
static enum chat_result key_change(struct channel *ch, bool adding, const char *key,
				   struct mode_result *r)
{
	if (!adding) {
		if (ch->key[0]) {
			ch->key[0] = '\0';
			result_add(r, false, 'k', "*");
		}
		return CHAT_OK;
	}
	if (!mode_arg_valid(key) || strlen(key) > KEY_LEN_MAX || strchr(key, ','))
		return CHAT_BAD_MODE_ARG;
	if (strcmp(ch->key, key) == 0)
		return CHAT_OK; /* the same key: nothing changes, nothing is announced */
	snprintf(ch->key, sizeof ch->key, "%s", key);
	result_add(r, true, 'k', key);
	return CHAT_OK;
}

/* +l/-l; ch->lock held. */
static enum chat_result limit_change(struct channel *ch, bool adding, const char *arg,
				     struct mode_result *r)
{
	if (!adding) {
		if (ch->limit) {
			ch->limit = 0;
			result_add(r, false, 'l', NULL);
		}
		return CHAT_OK;
	}
	char *end;
	long limit = arg ? strtol(arg, &end, 10) : 0;
	if (!arg || *end || limit <= 0 || limit > 1000000)
		return CHAT_BAD_MODE_ARG;
	if (ch->limit == (int)limit)
		return CHAT_OK; /* nothing changes, so nothing is announced */
	ch->limit = (int)limit;
	char text[16];
	snprintf(text, sizeof text, "%ld", limit);
	result_add(r, true, 'l', text);
	return CHAT_OK;
}

/* Did any applied change touch what a room keeps (not who is op/voiced)? */
static bool mode_result_changes_room(const struct mode_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->changes[i].mode != 'o' && r->changes[i].mode != 'v')
			return true;
	return false;
}

/* Applies one change; ch->lock held. */
static enum chat_result mode_apply_one(struct session *s, struct channel *ch,
				       const struct chat_mode_change *c, struct mode_result *r)
{
	bool adding = c->sign != '-';
	switch (c->mode) {
	case 'i':
	case 't':
	case 'n':
	case 's':
	case 'm': {
		bool *flag = c->mode == 'i'   ? &ch->mode_invite_only
			     : c->mode == 't' ? &ch->mode_topic_ops
			     : c->mode == 's' ? &ch->mode_secret
			     : c->mode == 'm' ? &ch->mode_moderated
					      : &ch->mode_no_external;
		if (*flag != adding) {
			*flag = adding;
			result_add(r, adding, c->mode, NULL);
		}
		return CHAT_OK;
	}
	case 'k':
		return key_change(ch, adding, c->arg, r);
	case 'l':
		return limit_change(ch, adding, c->arg, r);
	case 'b':
	case 'e':
	case 'I': {
		char mask[CHAT_MODE_ARG_MAX + 1];
		if (!mode_arg_valid(c->arg) ||
		    ircname_mask_canonical(c->arg, mask, sizeof mask) < 0)
			return CHAT_BAD_MODE_ARG;
		enum chat_result br = mask_change(s, ch, c->mode, adding, mask, c->arg);
		if (br == CHAT_OK)
			result_add(r, adding, c->mode, mask);
		return br == CHAT_ALREADY_MEMBER ? CHAT_OK : br;
	}
	case 'o':
	case 'v':
		return member_flag_change(ch, adding, c->mode, c->arg, r);
	}
	return CHAT_UNKNOWN_MODE;
}

/* Sends one MODE line of changes to every member of ch; ch->lock held. */
static void mode_announce_line(struct session *s, struct channel *ch, const char *source,
			       const char *flags, const char *const *args, int nargs)
{
	const char *params[OUTMSG_PARAMS_MAX] = {ch->name, flags};
	for (int i = 0; i < nargs && i + 2 < OUTMSG_PARAMS_MAX; i++)
		params[i + 2] = args[i];
	struct outmsg out;
	outmsg_init(&out, source, "MODE", 2 + nargs, params);
	chat_room_tell_locked(s, ch, &out);
	outmsg_release(&out);
}

/* Announces every applied change, in order, in as many MODE lines as it
 * takes: each line fits in IRC_LINE_MAX and carries at most
 * CHAT_MODE_ARGS_MAX changes with an argument. ch->lock held. */
static void mode_announce(struct session *s, struct channel *ch, const struct mode_result *r)
{
	const struct source source = session_source(s);
	/* ":source MODE #channel " and CR LF around the flags and arguments. */
	size_t fixed = 1 + strlen(source.text) + 6 + strlen(ch->name) + 1 + 2;
	char flags[IRC_LINE_MAX];
	const char *args[CHAT_MODE_ARGS_MAX];
	size_t nflags = 0, len = fixed;
	int nargs = 0;
	char sign = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct applied *c = &r->changes[i];
		const char *arg = c->arg >= 0 ? r->args[(int)c->arg] : NULL;
		size_t need = 2 + (arg ? 1 + strlen(arg) : 0); /* sign, letter, " arg" */
		bool full = len + need > IRC_LINE_MAX || (arg && nargs == CHAT_MODE_ARGS_MAX);
		if (nflags && full) {
			flags[nflags] = '\0';
			mode_announce_line(s, ch, source.text, flags, args, nargs);
			nflags = 0, nargs = 0, sign = 0, len = fixed;
		}
		if (c->sign != sign)
			flags[nflags++] = sign = c->sign;
		flags[nflags++] = c->mode;
		if (arg)
			args[nargs++] = arg;
		len += need;
	}
	if (nflags) {
		flags[nflags] = '\0';
		mode_announce_line(s, ch, source.text, flags, args, nargs);
	}
}

enum chat_result chat_mode_apply(struct session *s, const char *name,
				 const struct chat_mode_change *changes, size_t n,
				 chat_mode_refused_fn *refused, void *ctx)
{
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch)
		return CHAT_NO_SUCH_CHANNEL;
	pthread_mutex_lock(&ch->lock);
	bool override = !channel_is_op(ch, s) && s->oper; /* an IRC operator */
	if (!channel_is_op(ch, s) && !override) {
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		return CHAT_NOT_OP;
	}
	struct mode_result *r = xmalloc(sizeof *r); /* ~3 KiB: off the worker's stack */
	r->n = 0;
	r->nargs = 0;
	r->accounts_changed = false;
	int with_arg = 0;
	for (size_t i = 0; i < n && i < sizeof r->changes / sizeof *r->changes; i++) {
		bool takes_arg = strchr("ovbkeI", changes[i].mode) ||
				 (changes[i].mode == 'l' && changes[i].sign != '-');
		enum chat_result one = takes_arg && ++with_arg > CHAT_MODE_ARGS_MAX
					       ? CHAT_TOO_MANY_MODES
					       : mode_apply_one(s, ch, &changes[i], r);
		if (one != CHAT_OK)
			refused(ctx, one, &changes[i]);
	}
	mode_announce(s, ch, r);
	if (mode_result_changes_room(r) || r->accounts_changed)
		archive_room_changed_locked(ch);
	pthread_mutex_unlock(&ch->lock);
	if (override && r->n)
		chat_override_log(s, "MODE", ch->name, "");
	channel_unref(ch);
	free(r);
	return CHAT_OK;
}
