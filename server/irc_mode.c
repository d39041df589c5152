/* irc_mode: see irc_mode.h. */
#include "irc_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "global.h"
#include "irc_oper.h"
#include "irc_reply.h"
#include "ircmsg.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

#define MODE_PARAM_CHANGES_MAX CHAT_MODE_ARGS_MAX /* MODES= in ISUPPORT */

/* A user's own modes, as MODE nick changes them. */
struct user_modes {
	bool bot, invisible, oper, wallops;
};

/* Applies one's own new user modes and says what changed in one MODE line. */
static void user_mode_change(struct session *s, struct user_modes u)
{
	char plus[8] = "", minus[8] = "", text[20];
	const struct {
		bool was, now;
		char letter;
	} modes[] = {{s->bot, u.bot, 'B'},
		     {s->invisible, u.invisible, 'i'},
		     {s->oper, u.oper, 'o'},
		     {s->wallops, u.wallops, 'w'}};
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		if (modes[i].was != modes[i].now) {
			char *list = modes[i].now ? plus : minus;
			size_t len = strlen(list);
			list[len] = modes[i].letter;
			list[len + 1] = '\0';
		}
	if (!plus[0] && !minus[0])
		return;
	registry_wrlock();
	s->bot = u.bot;
	registry_set_user_flags(s, u.invisible, u.oper);
	s->wallops = u.wallops;
	registry_unlock();
	snprintf(text, sizeof text, "%s%s%s%s", plus[0] ? "+" : "", plus, minus[0] ? "-" : "",
		 minus);
	send_self(s, s->nick, "MODE", s->nick, text, NULL);
}

/* MODE nick [+i|-i|+w|-w|+B|-B|-o]: only one's own modes. */
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
	char modes[8];
	if (m->nparams < 2) {
		irc_user_modes(s, modes, sizeof modes);
		reply(s, "221", modes, NULL);
		return;
	}
	/* +o comes from OPER only; -o gives it up. */
	bool adding = true, unknown = false;
	struct user_modes u = {s->bot, s->invisible, s->oper, s->wallops};
	for (const char *p = m->params[1]; *p; p++) {
		if (*p == '+' || *p == '-')
			adding = *p == '+';
		else if (*p == 'i')
			u.invisible = adding;
		else if (*p == 'w')
			u.wallops = adding;
		else if (*p == 'B')
			u.bot = adding;
		else if (*p == 'o')
			u.oper = u.oper && adding;
		else
			unknown = true;
	}
	if (unknown)
		reply(s, "501", "Unknown MODE flag", NULL);
	user_mode_change(s, u);
}

/* Lists the bans (367, 368), ban exceptions (348, 349) or invite
 * exceptions (346, 347): mode is 'b', 'e' or 'I'. ch->lock held. */
static void mask_list(struct session *s, struct channel *ch, char mode)
{
	static const struct {
		char mode;
		const char *item, *end, *text;
	} kinds[] = {{'b', "367", "368", "End of channel ban list"},
		     {'e', "348", "349", "End of channel exception list"},
		     {'I', "346", "347", "End of channel invite exception list"}};
	size_t k = mode == 'e' ? 1 : mode == 'I' ? 2 : 0;
	size_t *n;
	struct ban **list = channel_mask_list(ch, kinds[k].mode, &n);
	for (size_t i = 0; i < *n; i++) {
		char when[24];
		snprintf(when, sizeof when, "%lld", (*list)[i].unix_ms / 1000);
		reply(s, kinds[k].item, ch->name, (*list)[i].mask, (*list)[i].setter, when, NULL);
	}
	reply(s, kinds[k].end, ch->name, kinds[k].text, NULL);
}

/* The refusals of one MODE command, told once the room's lock is dropped
 * (a 401 needs the registry, which comes before a room's lock). */
struct mode_refusals {
	struct {
		enum chat_result r;
		char mode;
		char arg[CHAT_MODE_ARG_MAX + 1];
	} items[MODE_PARAM_CHANGES_MAX + 8];
	size_t n;
	size_t dropped;
};

static void mode_refused(void *ctx, enum chat_result r, const struct chat_mode_change *c)
{
	struct mode_refusals *f = ctx;
	if (f->n == sizeof f->items / sizeof *f->items) {
		f->dropped++;
		return;
	}
	f->items[f->n].r = r;
	f->items[f->n].mode = c->mode;
	snprintf(f->items[f->n].arg, sizeof f->items[f->n].arg, "%s", c->arg ? c->arg : "*");
	f->n++;
}

/* Tells s about each refused change. */
static void mode_refusals_tell(struct session *s, const char *name,
			       const struct mode_refusals *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *arg = param_printable(f->items[i].arg);
		char letter[2] = {f->items[i].mode, '\0'};
		switch (f->items[i].r) {
		case CHAT_THEY_NOT_ON_CHANNEL: {
			registry_rdlock();
			bool exists = registry_find_nick(f->items[i].arg) != NULL;
			registry_unlock();
			irc_refuse(s, exists ? CHAT_THEY_NOT_ON_CHANNEL : CHAT_NO_SUCH_NICK, name,
				   f->items[i].arg);
			break;
		}
		case CHAT_BAN_LIST_FULL:
			/* RFC 2812's <channel> <char>, then the mask refused */
			reply(s, "478", name, letter, arg, "Channel list is full", NULL);
			break;
		case CHAT_BAD_MODE_ARG: /* Modern IRC: 696 SHOULD answer a bad key too */
			reply(s, "696", name, letter, arg,
			      f->items[i].mode == 'k'	? "Invalid key"
			      : f->items[i].mode == 'l' ? "Invalid limit"
							: "Invalid mask",
			      NULL);
			break;
		default:
			reply(s, "472", letter, "is unknown mode char to me", NULL);
		}
	}
	if (f->dropped)
		reply(s, "472", "*", "More mode changes were refused", NULL);
}

/* Reads a mode string and its arguments into changes (at most
 * MODE_PARAM_CHANGES_MAX that take an argument); refuses what cannot be a
 * change at all (472 for a character that is not a letter, 461 for a
 * missing argument). Returns how many changes; queries gets the letters
 * of "+b", "+e" or "+I" given with no mask, which list instead (each at
 * most once: queries holds 4 bytes). */
static size_t mode_parse(struct session *s, struct ircmsg *m, struct chat_mode_change *changes,
			 size_t cap, char queries[4])
{
	size_t n = 0, nq = 0;
	char sign = '+';
	int argi = 2, param_changes = 0;
	queries[0] = '\0';
	for (const char *p = m->params[1]; *p && n < cap; p++) {
		if (*p == '+' || *p == '-') {
			sign = *p;
			continue;
		}
		if ((unsigned char)*p >= 0x80) {
			/* Not a mode letter: one 472 for the whole character (the line
			 * is valid UTF-8), never for a piece of it. */
			size_t len = 1;
			while (((unsigned char)p[len] & 0xC0) == 0x80)
				len++;
			char letter[8];
			snprintf(letter, sizeof letter, "%.*s", (int)len, p);
			reply(s, "472", letter, "is unknown mode char to me", NULL);
			p += len - 1;
			continue;
		}
		bool takes_arg = strchr("ovbkeI", *p) || (*p == 'l' && sign == '+');
		if (strchr("ovbkleI", *p) && ++param_changes > MODE_PARAM_CHANGES_MAX)
			break;
		const char *arg = takes_arg && argi < m->nparams ? m->params[argi++] : NULL;
		if (takes_arg && !arg && strchr("beI", *p)) {
			if (!memchr(queries, *p, nq) && nq < 3) {
				queries[nq++] = *p;
				queries[nq] = '\0';
			}
			continue;
		}
		if (takes_arg && !arg && !(*p == 'k' && sign == '-')) { /* -k needs no key */
			reply(s, "461", "MODE", "Not enough parameters", NULL);
			continue;
		}
		changes[n++] = (struct chat_mode_change){.sign = sign, .mode = *p, .arg = arg};
	}
	return n;
}

/* Is the mode string only a list query ("b", "+e", "I"...)? Returns the
 * letter, or 0. */
static char list_query(const struct ircmsg *m)
{
	const char *p = m->params[1];
	if (*p == '+')
		p++;
	return m->nparams == 2 && p[0] && strchr("beI", p[0]) && !p[1] ? p[0] : 0;
}

/* MODE #ch: the modes (324) and creation time (329). ch->lock held. */
static void mode_query_locked(struct session *s, struct channel *ch)
{
	char modes[64], created[24];
	channel_mode_string(ch, channel_member_index(ch, s) >= 0, modes, sizeof modes);
	snprintf(created, sizeof created, "%lld", ch->created_unix_ms / 1000);
	/* 324 carries the mode string and its parameters as separate words. */
	char *save, *flags = strtok_r(modes, " ", &save);
	char *a1 = strtok_r(NULL, " ", &save), *a2 = strtok_r(NULL, " ", &save);
	reply(s, "324", ch->name, flags, a1, a2, NULL);
	reply(s, "329", ch->name, created, NULL);
}

/* MODE #ch [changes [args]] */
static void channel_mode(struct session *s, struct ircmsg *m)
{
	const char *name = m->params[0];
	struct channel *ch = registry_channel_find_ref(name);
	if (!ch) {
		irc_refuse(s, CHAT_NO_SUCH_CHANNEL, name, NULL);
		return;
	}
	if (m->nparams < 2 || list_query(m)) {
		pthread_mutex_lock(&ch->lock);
		/* a +s room's modes and lists are its members', as its topic is */
		bool visible = channel_visible_to(ch, s);
		if (visible && m->nparams < 2)
			mode_query_locked(s, ch);
		else if (visible)
			mask_list(s, ch, list_query(m));
		pthread_mutex_unlock(&ch->lock);
		channel_unref(ch);
		if (!visible)
			irc_refuse(s, CHAT_NOT_ON_CHANNEL, name, NULL);
		return;
	}
	struct chat_mode_change changes[IRC_LINE_MAX / 2];
	char queries[4];
	size_t n = mode_parse(s, m, changes, sizeof changes / sizeof *changes, queries);
	struct mode_refusals refusals = {.n = 0};
	enum chat_result r = chat_mode_apply(s, ch->name, changes, n, mode_refused, &refusals);
	if (r != CHAT_OK) {
		irc_refuse(s, r, name, NULL);
	} else {
		mode_refusals_tell(s, name, &refusals);
		for (const char *q = queries; *q; q++) {
			pthread_mutex_lock(&ch->lock);
			mask_list(s, ch, *q);
			pthread_mutex_unlock(&ch->lock);
		}
	}
	channel_unref(ch);
}

void cmd_mode(struct session *s, struct ircmsg *m)
{
	if (m->params[0][0] == '#')
		channel_mode(s, m);
	else
		user_mode(s, m);
}
