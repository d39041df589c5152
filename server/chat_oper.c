/* chat_oper: what operators do to others (chat.h, "operators"). */
#include "chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deliver.h"
#include "log.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

/* Log lines per window for OPER attempts and operator actions. */
#define OPER_LOG_BURST 20

/* True when s may try OPER with a password check now: fewer than
 * OPER_TRIES_PER_MINUTE failures in the last minute (refilled over it). */
static bool oper_may_try(struct session *s, long long now)
{
	struct tokenbucket *tries = &session_extra(s)->oper_tries;
	if (tries->rate == 0)
		tokenbucket_init(tries, OPER_TRIES_PER_MINUTE / 60.0, OPER_TRIES_PER_MINUTE, now);
	return tokenbucket_tokens(tries, now) >= 1;
}

/* Logs one OPER attempt; the name only when it is an operator's (never a
 * password, never text that named nobody). */
static void oper_log(const struct session *s, const char *name, enum oper_result r,
		     bool throttled)
{
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	const char *what = r == OPER_OK		? "now an operator"
			   : r == OPER_NO_BLOCK	? "refused: no such operator"
			   : r == OPER_WRONG_HOST ? "refused: not from an address its block allows"
						: "refused: wrong password";
	char as[OPER_NAME_MAX + 8] = "";
	if (r != OPER_NO_BLOCK)
		snprintf(as, sizeof as, " as %s", name); /* a configured name: safe to log */
	log_limited(r == OPER_OK ? LOG_INFO : LOG_WARN, OPER_LOG_BURST,
		    "session %lu (%s, %s): OPER%s %s%s", s->id, s->nick, remote, as, what,
		    throttled ? " (throttled: password not checked)" : "");
}

enum oper_result chat_oper(struct session *s, const char *name, const char *password,
			   bool *was_oper)
{
	long long now = clock_mono_ms();
	bool may = oper_may_try(s, now);
	enum oper_result r = oper_check(name, password, may, s->host);
	oper_log(s, name, r, !may);
	*was_oper = s->oper;
	if (r == OPER_OK) {
		registry_wrlock();
		registry_set_user_flags(s, s->invisible, true);
		registry_unlock();
	} else if (may) {
		tokenbucket_take(&session_extra(s)->oper_tries, now);
	}
	return r;
}

int chat_kline_duration(const char *word, long long *ms)
{
	size_t digits = strspn(word, "0123456789");
	bool seconds = word[digits] == 's' || word[digits] == 'S';
	if (digits == 0 || digits > 7 || word[digits + (seconds ? 1 : 0)] != '\0')
		return -1;
	long long n = strtoll(word, NULL, 10);
	*ms = n * (seconds ? 1000LL : 60000LL);
	if (*ms > KLINE_DURATION_MAX_MS)
		*ms = KLINE_DURATION_MAX_MS;
	return 0;
}

struct kline_walk {
	const struct kline_mask *mask;
	struct session **hit;
	size_t n, cap;
};

/* Collects (with a reference) a registered user the ban matches; registry
 * lock held. */
static void kline_collect(struct session *u, void *arg)
{
	struct kline_walk *w = arg;
	if (!u->registered || !kline_mask_match(w->mask, u->nick, u->user, u->host))
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->hit = xrealloc(w->hit, w->cap * sizeof *w->hit);
	}
	session_ref(u);
	w->hit[w->n++] = u;
}

/* Disconnects everyone k matches; returns how many. No lock held. */
static size_t kline_enforce(const struct kline *k)
{
	struct kline_walk w = {.mask = &k->mask};
	registry_rdlock();
	registry_each_nick(kline_collect, &w);
	registry_unlock();
	for (size_t i = 0; i < w.n; i++) {
		session_kill_banned(w.hit[i], k->reason);
		session_unref(w.hit[i]);
	}
	free(w.hit);
	return w.n;
}

enum kline_result chat_kline(struct session *s, const char *mask, long long duration_ms,
			     const char *reason, struct kline *out, size_t *disconnected,
			     char *why, size_t whycap)
{
	*disconnected = 0;
	enum kline_result r = kline_add(mask, duration_ms, reason, s->nick, out, why, whycap);
	if (r != KLINE_ADDED && r != KLINE_REPLACED) {
		if (r == KLINE_STORE_FAILED)
			log_limited(LOG_ERROR, OPER_LOG_BURST, "session %lu (%s): KLINE %s not set: %s",
				    s->id, s->nick, out->mask.text, why);
		return r;
	}
	*disconnected = kline_enforce(out);
	char remote[ENDPOINT_STR_MAX];
	session_remote(s, remote, sizeof remote);
	log_limited(LOG_WARN, OPER_LOG_BURST,
		    "session %lu (%s, %s): KLINE %s %s (%s); %zu user(s) disconnected", s->id,
		    s->nick, remote, out->mask.text,
		    out->expires_ms ? "temporary" : "permanent", out->reason, *disconnected);
	return r;
}

enum kline_result chat_unkline(struct session *s, const char *mask, char *canon, char *why,
			       size_t whycap)
{
	enum kline_result r = kline_remove(mask, canon, why, whycap);
	if (r == KLINE_REMOVED || r == KLINE_STORE_FAILED) {
		char remote[ENDPOINT_STR_MAX];
		session_remote(s, remote, sizeof remote);
		log_limited(r == KLINE_REMOVED ? LOG_WARN : LOG_ERROR, OPER_LOG_BURST,
			    "session %lu (%s, %s): UNKLINE %s%s%s", s->id, s->nick, remote, canon,
			    r == KLINE_REMOVED ? "" : " failed: ", r == KLINE_REMOVED ? "" : why);
	}
	return r;
}

enum chat_result chat_kill(struct session *s, const char *nick, const char *reason,
			   char *nick_out)
{
	char line[IRC_LINE_MAX + 64];
	int len = -1;
	registry_rdlock();
	struct session *victim = registry_find_nick(nick);
	if (victim && victim->registered) {
		session_ref(victim);
		snprintf(nick_out, NICK_LEN_MAX + 1, "%s", victim->nick);
		struct source src = session_source(s);
		if (victim->kind == SESSION_IRC)
			len = deliver_format(line, sizeof line, NULL, src.text, "KILL", 2,
					     (const char *[]){victim->nick, reason});
		if (len > 0)
			deliver_queue_line(s, victim, line, (size_t)len);
	} else {
		victim = NULL;
	}
	registry_unlock();
	if (!victim)
		return CHAT_NO_SUCH_NICK;
	deliver_flush(s);
	char by[QUIT_REASON_MAX + 1];
	snprintf(by, sizeof by, "%s (%s)", s->nick, reason);
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
	/* Modern IRC: users with +w; its sender sees it went out (an echo). */
	if (!u->registered || u->kind != SESSION_IRC || !(u->wallops || u == w->sender))
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
