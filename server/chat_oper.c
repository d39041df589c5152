/* chat_oper: what operators do to others (chat.h, "operators"). */
#include "chat.h"

#include <stdio.h>

#include "deliver.h"
#include "log.h"
#include "registry.h"
#include "session.h"

enum chat_result chat_kill(struct session *s, const char *nick, const char *by,
			   char *nick_out)
{
	(void)s;
	registry_rdlock();
	struct session *victim = registry_find_nick(nick);
	if (victim && victim->registered) {
		session_ref(victim);
		snprintf(nick_out, NICK_LEN_MAX + 1, "%s", victim->nick);
	} else {
		victim = NULL;
	}
	registry_unlock();
	if (!victim)
		return CHAT_NO_SUCH_NICK;
	session_kill(victim, by); /* its worker quits: rooms hear the QUIT from there */
	session_unref(victim);
	return CHAT_OK;
}

struct wallops_walk {
	struct session *sender;
	const char *line;
	size_t len;
	size_t told;
};

/* Queues the WALLOPS line for one user if they take it; registry lock held. */
static void wallops_one(struct session *u, void *arg)
{
	struct wallops_walk *w = arg;
	if (!u->registered || u->kind != SESSION_IRC || !(u->wallops || u->oper))
		return;
	deliver_queue_line(w->sender, u, w->line, w->len);
	w->told++;
}

size_t chat_wallops(struct session *s, const char *line, size_t len)
{
	struct wallops_walk w = {s, line, len, 0};
	registry_rdlock();
	registry_each_nick(wallops_one, &w);
	registry_unlock();
	return w.told;
}

void chat_override_log(const struct session *s, const char *command, const char *room,
		       const char *about)
{
	log_limited(LOG_WARN, LOG_LIMIT_BURST, "session %lu (%s): operator override: %s %s%s%s",
		    s->id, s->nick, command, room, about[0] ? " " : "", about);
}
