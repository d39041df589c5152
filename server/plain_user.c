/* plain_user: see plain_user.h. */
#include "plain_user.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "deliver.h"
#include "global.h"
#include "reply.h"
#include "session.h"
#include "textsafe.h"

#define PLAIN_LINE_MAX 1024
#define PLAIN_NAMES_BUDGET 400 /* bytes of names in a welcome */

void plain_say(struct session *s, const char *fmt, ...)
{
	char text[PLAIN_LINE_MAX], line[PLAIN_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* The arguments may hold peer text (a topic, a refused name): no bidi
	 * or control character reaches the terminal. */
	memcpy(line, "*** ", 4);
	size_t len = 4 + textsafe_clean(text, strnlen(text, sizeof text), line + 4,
					sizeof line - 6, TEXTSAFE_DROP);
	memcpy(line + len, "\r\n", 2);
	deliver_queue_line(s, s, line, len + 2);
}

char *plain_word(char *text, char **rest)
{
	text += strspn(text, " ");
	char *end = text + strcspn(text, " ");
	*rest = end + strspn(end, " ");
	if (*end)
		*end = '\0';
	return text;
}

void plain_room_name(const char *typed, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s", typed[0] == '#' ? "" : "#", typed);
}

/* --- results told as sentences --- */

void plain_refuse(struct session *s, enum chat_result r, const char *room, const char *nick)
{
	const char *c = room ? room : "", *n = nick ? nick : "";
	switch (r) {
	case CHAT_OK:
	case CHAT_ALREADY_MEMBER:
		return;
	case CHAT_NO_SUCH_NICK:
		plain_say(s, "No one called %s is here.", n);
		return;
	case CHAT_NO_SUCH_CHANNEL:
		plain_say(s, "There is no room called %s.", c);
		return;
	case CHAT_BAD_CHANNEL_NAME:
		plain_say(s, "'%s' cannot be a room name: at most %d characters, no spaces, "
			     "commas or control characters.", c, CHANNEL_LEN_MAX);
		return;
	case CHAT_BAD_NICK:
		plain_say(s, "'%s' is not a valid nickname (letters, digits and []\\`_^{|}-, "
			     "at most %d, not starting with a digit or -).", n, NICK_LEN_MAX);
		return;
	case CHAT_NICK_IN_USE:
		plain_say(s, "The nickname %s is already in use.", n);
		return;
	case CHAT_TOO_MANY_CHANNELS:
		plain_say(s, "You are in too many rooms (at most %d); leave one first.",
			  LIVE(max_channels_per_user));
		return;
	case CHAT_SERVER_CHANNELS_FULL:
		plain_say(s, "The server has too many rooms (at most %d) to make %s; join an "
			     "existing one.", LIVE(max_channels), c);
		return;
	case CHAT_NOT_ON_CHANNEL:
		plain_say(s, "You are not in %s.", c);
		return;
	case CHAT_THEY_NOT_ON_CHANNEL:
		plain_say(s, "%s is not in %s.", n, c);
		return;
	case CHAT_ALREADY_ON_CHANNEL:
		plain_say(s, "%s is already in %s.", n, c);
		return;
	case CHAT_NOT_OP:
		plain_say(s, "Only the operators of %s can do that.", c);
		return;
	case CHAT_CANNOT_SEND_EXTERNAL:
		plain_say(s, "%s takes messages from its members only; nothing was sent.", c);
		return;
	case CHAT_CANNOT_SEND_BANNED:
		plain_say(s, "You are banned from %s; nothing was sent.", c);
		return;
	case CHAT_CANNOT_SEND_MODERATED:
		plain_say(s, "%s is moderated: only its operators and voiced members speak; "
			     "nothing was sent.", c);
		return;
	case CHAT_BANNED:
		plain_say(s, "You are banned from %s.", c);
		return;
	case CHAT_INVITE_ONLY:
		plain_say(s, "%s is invite-only: ask one of its operators for an invite.", c);
		return;
	case CHAT_BAD_KEY:
		plain_say(s, "%s needs a key: type /join %s KEY.", c, c);
		return;
	case CHAT_CHANNEL_FULL:
		plain_say(s, "%s is full.", c);
		return;
	case CHAT_UNKNOWN_MODE:
	case CHAT_BAD_MODE_ARG:
	case CHAT_BAN_LIST_FULL:
	case CHAT_TOO_MANY_MODES:
	case CHAT_HISTORY_UNKNOWN_MSGID:
	case CHAT_HISTORY_ERROR:
		plain_say(s, "%s: %s.", c, chat_result_text(r));
		return;
	}
}

/* --- the current room --- */

/* Is s in room name? Its name as created goes to out (if not NULL), and the
 * room it joined last to last (if not NULL; "" when in none). */
static bool room_member(struct session *s, const char *name, char *out, char *last)
{
	bool found = false;
	pthread_mutex_lock(&s->memb_lock);
	/* A room in s's list is alive while it is listed; its name is const. */
	for (size_t i = 0; i < s->nchannels; i++)
		if (ircname_cmp(s->channels[i]->name, name) == 0) {
			found = true;
			if (out)
				snprintf(out, CHANNEL_LEN_MAX + 1, "%s", s->channels[i]->name);
		}
	if (last)
		snprintf(last, CHANNEL_LEN_MAX + 1, "%s",
			 s->nchannels ? s->channels[s->nchannels - 1]->name : "");
	pthread_mutex_unlock(&s->memb_lock);
	return found;
}

/* Sets s's current room to name if it is still `expect` (NULL: whatever it
 * is); the current room ends up in out. */
static void room_replace(struct session *s, const char *expect, const char *name, char *out)
{
	struct session_extra *x = session_extra(s);
	pthread_mutex_lock(&s->q_lock);
	if (!expect || ircname_cmp(x->plain_room, expect) == 0)
		snprintf(x->plain_room, sizeof x->plain_room, "%s", name);
	snprintf(out, CHANNEL_LEN_MAX + 1, "%s", x->plain_room);
	pthread_mutex_unlock(&s->q_lock);
}

bool plain_room_current(struct session *s, char out[CHANNEL_LEN_MAX + 1])
{
	pthread_mutex_lock(&s->q_lock);
	snprintf(out, CHANNEL_LEN_MAX + 1, "%s", session_extra_read(s)->plain_room);
	pthread_mutex_unlock(&s->q_lock);
	if (!out[0])
		return false;
	char recorded[CHANNEL_LEN_MAX + 1], last[CHANNEL_LEN_MAX + 1];
	if (room_member(s, out, NULL, last))
		return true;
	snprintf(recorded, sizeof recorded, "%s", out);
	room_replace(s, recorded, last, out);
	if (out[0])
		plain_say(s, "You are not in %s any more; you are now in %s.", recorded, out);
	else
		plain_say(s, "You are not in %s any more, nor in any room; type /join #room.",
			  recorded);
	return out[0] != '\0';
}

bool plain_room_select(struct session *s, const char *name, char out[CHANNEL_LEN_MAX + 1])
{
	char canonical[CHANNEL_LEN_MAX + 1];
	if (!room_member(s, name, canonical, NULL))
		return false;
	room_replace(s, NULL, canonical, out);
	return true;
}

void plain_room_after_part(struct session *s, const char *room, char out[CHANNEL_LEN_MAX + 1])
{
	char next[CHANNEL_LEN_MAX + 1];
	channel_last_joined_except(s, room, next);
	room_replace(s, room, next, out);
}

/* Tells a plain joiner who is in the room; ch->lock held. */
static void plain_welcome_locked(struct session *s, struct channel *ch)
{
	char names[PLAIN_NAMES_BUDGET];
	size_t len = 0, shown = 0, others = ch->nmembers - 1;
	for (size_t i = 0; i < ch->nmembers && len < sizeof names - NICK_LEN_MAX - 8; i++) {
		if (ch->members[i].session == s)
			continue;
		int n = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
				 ch->members[i].nick);
		len += (size_t)n;
		shown++;
	}
	names[len] = '\0';
	if (others == 0)
		plain_say(s, "You are now in %s. Nobody else is here yet.", ch->name);
	else
		plain_say(s, "You are now in %s with %zu other%s: %s%s", ch->name, others,
			  others == 1 ? "" : "s", names, shown < others ? ", ..." : "");
	if (ch->topic)
		plain_say(s, "Topic: %s (set by %s)", ch->topic, ch->topic_setter);
}

/* What a plain joiner gets (chat_joined_fn): the room becomes current here,
 * under its lock, so every message of the room after the JOIN reads as the
 * current room's; then who is there, the topic, the history. */
void plain_joined_locked(struct session *s, struct channel *ch)
{
	struct session_extra *x = session_extra(s);
	pthread_mutex_lock(&s->q_lock);
	snprintf(x->plain_room, sizeof x->plain_room, "%s", ch->name);
	pthread_mutex_unlock(&s->q_lock);
	plain_welcome_locked(s, ch);
	reply_add_history(s, ch);
}
