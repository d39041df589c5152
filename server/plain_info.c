/* plain_info: see plain_info.h. */
#include "plain_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_history.h"
#include "chat_query.h"
#include "clock.h"
#include "global.h"
#include "ircmsg.h"
#include "plain_user.h"
#include "reply.h"
#include "xalloc.h"

#define WRAP_BUDGET 400 /* bytes of a wrapped line before the next one begins */
#define WRAP_ITEM_MAX 80 /* an item is a nick or a room name with a mark */

/* A list said over as many "***" lines as it needs: the first starts with
 * a heading, the others are indented. */
struct wrap {
	struct session *s;
	char line[WRAP_BUDGET + WRAP_ITEM_MAX + 8];
	size_t len, items; /* items on the line being built */
};

/* Appends text to the line being built (cut if it would overflow). */
static void wrap_append(struct wrap *w, const char *text)
{
	int n = snprintf(w->line + w->len, sizeof w->line - w->len, "%s", text);
	w->len += n < 0 ? 0 : (size_t)n < sizeof w->line - w->len ? (size_t)n
								    : sizeof w->line - w->len - 1;
}

/* Starts a list with its heading. */
static void wrap_begin(struct wrap *w, struct session *s, const char *heading)
{
	w->s = s;
	w->len = w->items = 0;
	w->line[0] = '\0';
	wrap_append(w, heading);
}

/* Adds one item, starting a new line first if this one is full. */
static void wrap_add(struct wrap *w, const char *item)
{
	if (w->items && w->len + strlen(item) + 2 > WRAP_BUDGET) {
		wrap_append(w, ",");
		plain_say(w->s, "%s", w->line);
		w->len = w->items = 0;
		wrap_append(w, "  ");
	}
	if (w->items)
		wrap_append(w, ", ");
	wrap_append(w, item);
	w->items++;
}

/* Ends the list with tail (say, how many more there are) and sends it. */
static void wrap_end(struct wrap *w, const char *tail)
{
	wrap_append(w, tail);
	plain_say(w->s, "%s", w->line);
}

/* "and 9,900 more" style tail: ", and N more (only the first M are shown)". */
static void more_text(size_t total, size_t shown, const char *which, char *out, size_t cap)
{
	out[0] = '\0';
	if (total > shown)
		snprintf(out, cap, ", and %zu more (only the %s %zu are shown)", total - shown,
			 which, shown);
}

/* "@" for an operator, "+" for a voiced member, "" otherwise. */
static const char *standing(bool op, bool voice)
{
	return op ? "@" : voice ? "+" : "";
}

void plain_info_names(struct session *s, char *args)
{
	char *rest, room[IRC_LINE_MAX];
	char *typed = plain_word(args, &rest);
	if (typed[0]) {
		plain_room_name(typed, room, sizeof room);
	} else if (!plain_room_current(s, room)) {
		plain_say(s, "You are not in a room; name one: /names #room.");
		return;
	}
	struct chat_member_info members[PLAIN_NAMES_MAX];
	size_t shown, total;
	char name[CHANNEL_LEN_MAX + 1], heading[CHANNEL_LEN_MAX + 48], tail[96];
	enum chat_result r = chat_query_names(s, room, members, PLAIN_NAMES_MAX, &shown, &total,
					      name);
	if (r != CHAT_OK) {
		plain_refuse(s, r, room, NULL);
		return;
	}
	struct wrap w;
	snprintf(heading, sizeof heading, "In %s (%zu): ", name, total);
	wrap_begin(&w, s, heading);
	for (size_t i = 0; i < shown; i++) {
		char item[NICK_LEN_MAX + 2];
		snprintf(item, sizeof item, "%s%.*s", standing(members[i].op, members[i].voice),
			 NICK_LEN_MAX, members[i].nick);
		wrap_add(&w, item);
	}
	more_text(total, shown, "first", tail, sizeof tail);
	wrap_end(&w, tail);
}

void plain_info_list(struct session *s, char *args)
{
	(void)args;
	struct chat_room_info *rooms = xmalloc(PLAIN_LIST_MAX * sizeof *rooms);
	size_t shown, total = chat_query_rooms(s, rooms, PLAIN_LIST_MAX, &shown);
	if (total == 0)
		plain_say(s, "There are no rooms. Make one with /join #room.");
	else if (total == 1)
		plain_say(s, "1 room:");
	else
		plain_say(s, "%zu rooms, biggest first:", total);
	for (size_t i = 0; i < shown; i++) {
		const struct chat_room_info *r = &rooms[i];
		plain_say(s, "  %s (%zu %s)%s%s", r->name, r->members,
			  r->members == 1 ? "person" : "people", r->topic[0] ? ": " : "", r->topic);
	}
	if (total > shown)
		plain_say(s, "... and %zu more (only the %zu biggest are shown).", total - shown,
			  shown);
	free(rooms);
}

/* "5 minutes", "2 hours 3 minutes", "3 days 4 hours": a duration in words. */
static void duration_text(long long secs, char *out, size_t cap)
{
	static const struct {
		long long secs;
		const char *name;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	if (secs < 0)
		secs = 0;
	size_t i = 0;
	while (i < 3 && secs < units[i].secs)
		i++;
	long long a = secs / units[i].secs, b = i < 3 ? secs % units[i].secs / units[i + 1].secs : 0;
	int n = snprintf(out, cap, "%lld %s%s", a, units[i].name, a == 1 ? "" : "s");
	if (b && i < 2 && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " %lld %s%s", b, units[i + 1].name,
			 b == 1 ? "" : "s");
}

/* The rooms line of /whois. */
static void whois_rooms(struct session *s, const struct chat_person *p)
{
	if (p->nrooms == 0) {
		plain_say(s, "%s is in no room.", p->nick);
		return;
	}
	struct wrap w;
	char heading[NICK_LEN_MAX + 16], tail[96];
	snprintf(heading, sizeof heading, "%s is in ", p->nick);
	wrap_begin(&w, s, heading);
	size_t listed = p->nrooms < CHAT_PERSON_ROOMS_MAX ? p->nrooms : CHAT_PERSON_ROOMS_MAX;
	for (size_t i = 0; i < listed; i++) {
		char item[CHANNEL_LEN_MAX + 2];
		snprintf(item, sizeof item, "%s%.*s", standing(p->rooms[i].op, p->rooms[i].voice),
			 CHANNEL_LEN_MAX, p->rooms[i].room);
		wrap_add(&w, item);
	}
	more_text(p->nrooms, listed, "first", tail, sizeof tail);
	wrap_end(&w, tail);
}

void plain_info_whois(struct session *s, char *args)
{
	char *rest;
	char *nick = plain_word(args, &rest);
	struct chat_person *p = xmalloc(sizeof *p);
	enum chat_result r = chat_query_person(s, nick, p);
	if (r != CHAT_OK) {
		plain_refuse(s, r, NULL, nick);
		free(p);
		return;
	}
	plain_say(s, "%s is %s@%s (%s)", p->nick, p->user, p->host, p->realname);
	whois_rooms(s, p);
	if (p->away[0])
		plain_say(s, "%s is away: %s", p->nick, p->away);
	char idle[48], connected[48];
	duration_text(p->idle_ms / 1000, idle, sizeof idle);
	duration_text((clock_unix_ms() - p->connected_unix_ms) / 1000, connected,
		      sizeof connected);
	plain_say(s, "%s has been idle for %s, connected for %s.", p->nick, idle, connected);
	free(p);
}

void plain_info_rooms(struct session *s, char *args)
{
	(void)args;
	struct chat_membership rooms[CHAT_PERSON_ROOMS_MAX];
	char current[CHANNEL_LEN_MAX + 1];
	if (!plain_room_current(s, current))
		current[0] = '\0';
	size_t n = chat_query_rooms_of(s, rooms, CHAT_PERSON_ROOMS_MAX);
	if (n == 0) {
		plain_say(s, "You are in no room. Type /join #room.");
		return;
	}
	struct wrap w;
	char heading[48], tail[96];
	snprintf(heading, sizeof heading, "You are in %zu room%s: ", n, n == 1 ? "" : "s");
	wrap_begin(&w, s, heading);
	size_t listed = n < CHAT_PERSON_ROOMS_MAX ? n : CHAT_PERSON_ROOMS_MAX;
	for (size_t i = 0; i < listed; i++) {
		char item[CHANNEL_LEN_MAX + 16];
		bool is_current = ircname_cmp(rooms[i].room, current) == 0;
		snprintf(item, sizeof item, "%.*s%s", CHANNEL_LEN_MAX, rooms[i].room,
			 is_current ? " (current)" : "");
		wrap_add(&w, item);
	}
	more_text(n, listed, "first", tail, sizeof tail);
	wrap_end(&w, tail);
}

/* Where /history goes on from: the room it last showed and the earliest
 * message shown there. */
struct plain_history_mark {
	char room[CHANNEL_LEN_MAX + 1];
	char msgid[MSGID_LEN + 1];
};

void plain_info_history(struct session *s, char *args)
{
	char room[CHANNEL_LEN_MAX + 1];
	if (!plain_room_current(s, room)) {
		plain_say(s, "You are in no room: /join one first.");
		return;
	}
	long n = PLAIN_HISTORY_DEFAULT;
	if (args[0]) {
		char *end;
		n = strtol(args, &end, 10);
		if (*end || n < 1) {
			plain_say(s, "Usage: /history [N], N a number of messages from 1 to %d.",
				  CHAT_HISTORY_MAX);
			return;
		}
	}
	struct session_extra *x = session_extra(s);
	if (!x->plain_history)
		x->plain_history = xcalloc(1, sizeof *x->plain_history);
	struct plain_history_mark *mark = x->plain_history;
	bool same_room = ircname_cmp(mark->room, room) == 0 && mark->msgid[0];
	struct history_query q = {.sel = same_room ? HSEL_BEFORE : HSEL_LATEST,
				  .a.kind = same_room ? HREF_MSGID : HREF_NONE,
				  .limit = (size_t)(n > CHAT_HISTORY_MAX ? CHAT_HISTORY_MAX : n)};
	if (same_room)
		snprintf(q.a.msgid, sizeof q.a.msgid, "%s", mark->msgid);
	struct history_page page = {0};
	enum chat_result r = chat_history_read(s, room, &q, false, &page);
	if (r == CHAT_HISTORY_UNKNOWN_MSGID) {
		plain_say(s, "No more history (the earlier messages are no longer kept).");
		return;
	}
	if (r != CHAT_OK) {
		plain_refuse(s, r, room, NULL);
		return;
	}
	snprintf(mark->room, sizeof mark->room, "%s", room);
	if (page.n)
		snprintf(mark->msgid, sizeof mark->msgid, "%s", page.items[0]->msgid);
	reply_add_page(s, room, &page);
	reply_pump(s);
}
