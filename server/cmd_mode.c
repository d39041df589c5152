/* cmd_mode: MODE for users (+i) and channels (+o +v +t +n +k +l +i +b). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "clock.h"
#include "commands.h"
#include "deliver.h"
#include "registry.h"
#include "server.h"
#include "session.h"
#include "xalloc.h"

#define MODE_PARAM_CHANGES_MAX 3 /* MODES= in ISUPPORT */

/* MODE nick [+i|-i]: only one's own modes. */
static void user_mode(struct session *s, struct ircmsg *m)
{
	registry_rdlock();
	struct session *target = registry_find_nick(m->params[0]);
	registry_unlock();
	if (!target) {
		reply(s, "401", m->params[0], "No such nick/channel", NULL);
		return;
	}
	if (target != s) {
		reply(s, "502", "Can't change mode for other users", NULL);
		return;
	}
	if (m->nparams < 2) {
		reply(s, "221", s->invisible ? "+i" : "+", NULL);
		return;
	}
	bool adding = true, invisible = s->invisible, unknown = false;
	for (const char *p = m->params[1]; *p; p++) {
		if (*p == '+' || *p == '-')
			adding = *p == '+';
		else if (*p == 'i')
			invisible = adding;
		else
			unknown = true;
	}
	if (unknown)
		reply(s, "501", "Unknown MODE flag", NULL);
	if (invisible != s->invisible) {
		registry_wrlock();
		s->invisible = invisible;
		registry_unlock();
		send_self(s, s->nick, "MODE", s->nick, invisible ? "+i" : "-i", NULL);
	}
}

/* Longest argument a mode change takes (a ban mask; nick!user@host is
 * at most 30 + 1 + 10 + 1 + 46 bytes), so every announced line fits. */
#define MODE_ARG_MAX 128

/* One applied change; arg is an index into mode_result.args or -1. */
struct mode_change {
	char sign;
	char mode;
	signed char arg;
};

/* The changes applied by one MODE command, in order. At most one per letter
 * of the mode string, and at most MODE_PARAM_CHANGES_MAX with an argument. */
struct mode_result {
	struct mode_change changes[IRC_LINE_MAX];
	size_t n;
	char args[MODE_PARAM_CHANGES_MAX][MODE_ARG_MAX + 1];
	int nargs;
};

/* Records one applied change (it is announced exactly as applied). */
static void result_add(struct mode_result *r, bool adding, char mode, const char *arg)
{
	if (r->n == sizeof r->changes / sizeof *r->changes)
		return; /* cannot happen: one change per letter of a bounded line */
	struct mode_change *c = &r->changes[r->n++];
	c->sign = adding ? '+' : '-';
	c->mode = mode;
	c->arg = -1;
	if (arg && r->nargs < MODE_PARAM_CHANGES_MAX) {
		snprintf(r->args[r->nargs], sizeof r->args[r->nargs], "%s", arg);
		c->arg = (signed char)r->nargs++;
	}
}

/* Is arg usable as a mode argument (a middle parameter, not too long)? */
static bool mode_arg_valid(const char *arg)
{
	return arg[0] && arg[0] != ':' && !strchr(arg, ' ') && strlen(arg) <= MODE_ARG_MAX;
}

/* Lists the bans (367, 368). ch->lock held. */
static void ban_list(struct session *s, struct channel *ch)
{
	for (size_t i = 0; i < ch->nbans; i++) {
		char when[24];
		snprintf(when, sizeof when, "%lld", ch->bans[i].unix_ms / 1000);
		reply(s, "367", ch->name, ch->bans[i].mask, ch->bans[i].setter, when, NULL);
	}
	reply(s, "368", ch->name, "End of channel ban list", NULL);
}

/* +b/-b mask. ch->lock held. Returns true if the list changed. */
static bool ban_change(struct session *s, struct channel *ch, bool adding, const char *mask)
{
	for (size_t i = 0; i < ch->nbans; i++)
		if (ircname_cmp(ch->bans[i].mask, mask) == 0) {
			if (adding)
				return false;
			free(ch->bans[i].mask);
			free(ch->bans[i].setter);
			ch->bans[i] = ch->bans[--ch->nbans];
			return true;
		}
	if (!adding)
		return false;
	if (ch->nbans >= BANS_MAX) {
		reply(s, "478", ch->name, mask, "Channel ban list is full", NULL);
		return false;
	}
	ch->bans = xrealloc(ch->bans, (ch->nbans + 1) * sizeof *ch->bans);
	ch->bans[ch->nbans++] = (struct ban){
		.mask = xstrdup(mask), .setter = xstrdup(s->nick), .unix_ms = clock_unix_ms()};
	return true;
}

/* +o/+v nick. ch->lock and registry lock held. */
static bool member_mode_change(struct session *s, struct channel *ch, bool adding, char mode,
			       const char *nick, const char **canonical)
{
	struct session *target = registry_find_nick(nick);
	int i = target ? channel_member_index(ch, target) : -1;
	if (i < 0) {
		if (!target)
			reply(s, "401", nick, "No such nick/channel", NULL);
		else
			reply(s, "441", nick, ch->name, "They aren't on that channel", NULL);
		return false;
	}
	bool *flag = mode == 'o' ? &ch->members[i].op : &ch->members[i].voice;
	*canonical = target->nick;
	if (*flag == adding)
		return false;
	*flag = adding;
	return true;
}

/* Applies one mode letter; *argi walks the parameters. ch->lock held. */
static void apply_channel_mode(struct session *s, struct channel *ch, struct ircmsg *m,
			       bool adding, char mode, int *argi, struct mode_result *r)
{
	const char *arg = NULL;
	bool takes_arg = strchr("ovbk", mode) || (mode == 'l' && adding);
	if (takes_arg) {
		if (*argi < m->nparams)
			arg = m->params[(*argi)++];
		else if (mode == 'b') {
			ban_list(s, ch);
			return;
		} else if (mode != 'k') {
			reply(s, "461", "MODE", "Not enough parameters", NULL);
			return;
		}
	}
	switch (mode) {
	case 'i':
	case 't':
	case 'n': {
		bool *flag = mode == 'i' ? &ch->mode_invite_only
			     : mode == 't' ? &ch->mode_topic_ops
					   : &ch->mode_no_external;
		if (*flag != adding) {
			*flag = adding;
			result_add(r, adding, mode, NULL);
		}
		break;
	}
	case 'k':
		if (adding) {
			if (!arg || !mode_arg_valid(arg) || strlen(arg) > KEY_LEN_MAX ||
			    strchr(arg, ',')) {
				reply(s, "525", ch->name, "Key is not well-formed", NULL);
				break;
			}
			snprintf(ch->key, sizeof ch->key, "%s", arg);
			result_add(r, true, 'k', arg);
		} else if (ch->key[0]) {
			ch->key[0] = '\0';
			result_add(r, false, 'k', "*");
		}
		break;
	case 'l':
		if (adding) {
			char *end;
			long limit = strtol(arg, &end, 10);
			if (*end || limit <= 0 || limit > 1000000) {
				reply(s, "696", ch->name, "l", arg, "Invalid limit", NULL);
				break;
			}
			ch->limit = (int)limit;
			char text[16];
			snprintf(text, sizeof text, "%ld", limit);
			result_add(r, true, 'l', text);
		} else if (ch->limit) {
			ch->limit = 0;
			result_add(r, false, 'l', NULL);
		}
		break;
	case 'b':
		if (!mode_arg_valid(arg)) {
			reply(s, "696", ch->name, "b", arg, "Invalid ban mask", NULL);
			break;
		}
		if (ban_change(s, ch, adding, arg))
			result_add(r, adding, 'b', arg);
		break;
	case 'o':
	case 'v': {
		const char *nick;
		if (member_mode_change(s, ch, adding, mode, arg, &nick))
			result_add(r, adding, mode, nick);
		break;
	}
	default: {
		char letter[2] = {mode, '\0'};
		reply(s, "472", letter, "is unknown mode char to me", NULL);
	}
	}
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
	for (size_t i = 0; i < ch->nmembers; i++)
		deliver_queue(s, ch->members[i].session, &out);
	outmsg_release(&out);
}

/* Announces every applied change, in order, in as many MODE lines as it
 * takes: each line fits in IRC_LINE_MAX and carries at most MODES= (005)
 * changes with an argument. ch->lock held. */
static void mode_announce(struct session *s, struct channel *ch, const struct mode_result *r)
{
	char source[128];
	session_source(s, source, sizeof source);
	/* ":source MODE #channel " and CR LF around the flags and arguments. */
	size_t fixed = 1 + strlen(source) + 6 + strlen(ch->name) + 1 + 2;
	char flags[IRC_LINE_MAX];
	const char *args[MODE_PARAM_CHANGES_MAX];
	size_t nflags = 0, len = fixed;
	int nargs = 0;
	char sign = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct mode_change *c = &r->changes[i];
		const char *arg = c->arg >= 0 ? r->args[(int)c->arg] : NULL;
		size_t need = 2 + (arg ? 1 + strlen(arg) : 0); /* sign, letter, " arg" */
		bool full = len + need > IRC_LINE_MAX || (arg && nargs == MODE_PARAM_CHANGES_MAX);
		if (nflags && full) {
			flags[nflags] = '\0';
			mode_announce_line(s, ch, source, flags, args, nargs);
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
		mode_announce_line(s, ch, source, flags, args, nargs);
	}
}

/* Is the mode string only a ban-list query ("b", "+b")? */
static bool is_ban_query(const struct ircmsg *m)
{
	const char *p = m->params[1];
	if (*p == '+')
		p++;
	return strcmp(p, "b") == 0 && m->nparams == 2;
}

/* MODE #ch [changes [args]] */
static void channel_mode(struct session *s, struct ircmsg *m)
{
	registry_rdlock();
	struct channel *ch = registry_find_channel(m->params[0]);
	if (!ch) {
		registry_unlock();
		reply(s, "403", m->params[0], "No such channel", NULL);
		return;
	}
	pthread_mutex_lock(&ch->lock);
	if (m->nparams < 2) {
		char modes[64], created[24];
		channel_mode_string(ch, channel_member_index(ch, s) >= 0, modes, sizeof modes);
		snprintf(created, sizeof created, "%lld", ch->created_unix_ms / 1000);
		/* 324 carries the mode string and its parameters as separate words. */
		char *save, *flags = strtok_r(modes, " ", &save);
		char *a1 = strtok_r(NULL, " ", &save), *a2 = strtok_r(NULL, " ", &save);
		reply(s, "324", ch->name, flags, a1, a2, NULL);
		reply(s, "329", ch->name, created, NULL);
	} else if (is_ban_query(m)) {
		ban_list(s, ch);
	} else if (!channel_is_op(ch, s)) {
		reply(s, "482", ch->name, "You're not channel operator", NULL);
	} else {
		struct mode_result r;
		r.n = 0;
		r.nargs = 0;
		bool adding = true;
		int argi = 2, param_changes = 0;
		for (const char *p = m->params[1]; *p; p++) {
			if (*p == '+' || *p == '-') {
				adding = *p == '+';
				continue;
			}
			if ((unsigned char)*p >= 0x80) {
				/* Not a mode letter: one 472 for the whole character
				 * (the line is valid UTF-8), never for a piece of it. */
				size_t n = 1;
				while (((unsigned char)p[n] & 0xC0) == 0x80)
					n++;
				char letter[8];
				snprintf(letter, sizeof letter, "%.*s", (int)n, p);
				reply(s, "472", letter, "is unknown mode char to me", NULL);
				p += n - 1;
				continue;
			}
			if (strchr("ovbkl", *p) && ++param_changes > MODE_PARAM_CHANGES_MAX)
				break;
			apply_channel_mode(s, ch, m, adding, *p, &argi, &r);
		}
		mode_announce(s, ch, &r);
	}
	pthread_mutex_unlock(&ch->lock);
	registry_unlock();
}

void cmd_mode(struct session *s, struct ircmsg *m)
{
	if (m->params[0][0] == '#')
		channel_mode(s, m);
	else
		user_mode(s, m);
}
