/* nickown: see nickown.h. */
#include "nickown.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "chat.h"
#include "clock.h"
#include "deliver.h"
#include "frontend.h"
#include "global.h"
#include "ircname.h"
#include "log.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

/* The next Guest-N number, server-wide. */
static atomic_ulong guest_next = 1;

/* The grace in ms: NICKOWN_GRACE_MS, or the test knob's value. */
static long long grace_ms(void)
{
	static _Atomic long long cached = -1;
	long long v = atomic_load(&cached);
	if (v >= 0)
		return v;
	v = NICKOWN_GRACE_MS;
	const char *knob = getenv("PARLEYD_TEST_NICK_GRACE_MS");
	if (knob && knob[0]) {
		char *end;
		long long k = strtoll(knob, &end, 10);
		if (!*end && k >= 0 && k <= NICKOWN_GRACE_MS)
			v = k;
	}
	atomic_store(&cached, v);
	return v;
}

/* Does s hold a registered nick without being logged in to it? */
static bool squatting(const struct session *s)
{
	return s->registered && s->nick[0] && ircname_cmp(session_account(s), s->nick) != 0 &&
	       account_is_registered(s->nick);
}

/* When s's grace ends (0: none). */
static long long grace_end(const struct session *s)
{
	return session_extra_read(s)->nick_grace_mono_ms;
}

/* Ends s's grace, if it has one (no extra part is made for nothing). */
static void grace_clear(struct session *s)
{
	if (grace_end(s))
		session_extra(s)->nick_grace_mono_ms = 0;
}

void nickown_check(struct session *s)
{
	if (!squatting(s)) {
		grace_clear(s);
		return;
	}
	if (grace_end(s))
		return; /* already counting (a case change of the same nick) */
	long long ms = grace_ms();
	long long end = clock_mono_ms() + ms;
	session_extra(s)->nick_grace_mono_ms = end ? end : 1;
	char text[400];
	snprintf(text, sizeof text,
		 "The nick %s is registered to an account. If it is yours, log in %s "
		 "within %lld seconds; otherwise you will be renamed to Guest-N then.",
		 s->nick,
		 s->kind == SESSION_PLAIN ? "with /login PASSWORD"
					  : "(SASL PLAIN: AUTHENTICATE PLAIN)",
		 (ms + 999) / 1000);
	frontend_of(s)->notice(s, text);
}

/* Renames s to the first free Guest-N, after telling it why. */
static void rename_to_guest(struct session *s, const char *why)
{
	grace_clear(s);
	frontend_of(s)->notice(s, why);
	char guest[NICK_LEN_MAX + 1];
	for (int i = 0; i < NICKOWN_GUEST_TRIES; i++) {
		snprintf(guest, sizeof guest, "Guest-%lu", atomic_fetch_add(&guest_next, 1));
		enum chat_result r = chat_nick(s, guest);
		if (r == CHAT_OK || r == CHAT_ALREADY_MEMBER) {
			log_limited(LOG_INFO, LOG_CONNECTION_BURST,
				    "session %lu renamed to %s (registered nick)", s->id, guest);
			return;
		}
	}
	session_quit(s, "Registered nick and no free Guest nick");
}

long long nickown_timer(struct session *s)
{
	if (!grace_end(s))
		return -1;
	long long left = grace_end(s) - clock_mono_ms();
	if (left > 0)
		return left;
	if (!squatting(s)) {
		grace_clear(s); /* logged in, or moved on, in time */
		return -1;
	}
	char why[200];
	snprintf(why, sizeof why,
		 "You did not log in to the registered nick %s in time: you are renamed.", s->nick);
	rename_to_guest(s, why);
	return -1;
}

/* Tells asker (a reference, handed over) that the nick it wants is free. */
static void regain_ready(struct session *asker)
{
	struct session_extra *x = session_extra(asker);
	pthread_mutex_lock(&asker->q_lock);
	x->q_regain_ready = true;
	session_wake(asker);
	pthread_mutex_unlock(&asker->q_lock);
	session_unref(asker);
}

bool nickown_regain(struct session *s, const char *nick)
{
	if (!session_account(s)[0] || ircname_cmp(session_account(s), nick) != 0)
		return false;
	registry_rdlock();
	struct session *h = registry_find_nick(nick);
	if (!h || h == s || !h->registered || ircname_cmp(session_account(h), nick) == 0) {
		/* free after all, still registering, or held by the owner too */
		registry_unlock();
		return false;
	}
	session_ref(h);
	registry_unlock();
	bool asked = false;
	struct session_extra *hx = session_extra(h);
	pthread_mutex_lock(&h->q_lock);
	if (!h->q_dead && !hx->q_yield_to) {
		hx->q_yield_to = session_ref(s);
		session_wake(h);
		asked = true;
	}
	pthread_mutex_unlock(&h->q_lock);
	session_unref(h);
	if (asked) {
		struct session_extra *x = session_extra(s);
		free(x->regain_nick);
		x->regain_nick = xstrdup(nick);
	}
	return asked;
}

/* s's worker: an owner asked for s's nick. */
static void yield_nick(struct session *s, struct session *asker)
{
	registry_rdlock();
	bool give = ircname_cmp(s->nick, session_account(asker)) == 0 &&
		    ircname_cmp(session_account(s), s->nick) != 0;
	registry_unlock();
	if (give) {
		char why[200];
		snprintf(why, sizeof why,
			 "The owner of the registered nick %s has logged in and taken it back: "
			 "you are renamed.", s->nick);
		rename_to_guest(s, why);
		deliver_flush(s);
	}
	regain_ready(asker);
}

/* s's worker: the nick s asked for was yielded. */
static void take_regained(struct session *s)
{
	if (!session_extra_read(s)->regain_nick)
		return;
	struct session_extra *x = session_extra(s);
	char *nick = x->regain_nick;
	x->regain_nick = NULL;
	enum chat_result r = chat_nick(s, nick);
	if (r == CHAT_OK)
		nickown_check(s);
	else if (r != CHAT_ALREADY_MEMBER) {
		char text[200];
		snprintf(text, sizeof text, "Could not take back the nick %s: %s.", nick,
			 chat_result_text(r));
		frontend_of(s)->notice(s, text);
	}
	free(nick);
	deliver_flush(s);
}

void nickown_flags(struct session *s)
{
	struct session_extra *x = session_extra(s); /* there is one: a flag is set */
	pthread_mutex_lock(&s->q_lock);
	struct session *asker = x->q_yield_to;
	x->q_yield_to = NULL;
	bool ready = x->q_regain_ready;
	x->q_regain_ready = false;
	pthread_mutex_unlock(&s->q_lock);
	if (asker)
		yield_nick(s, asker);
	if (ready)
		take_regained(s);
}

void nickown_finish(struct session *s)
{
	struct session_extra *x = atomic_load_explicit(&s->extra, memory_order_acquire);
	if (!x)
		return; /* nobody ever asked for our nick */
	pthread_mutex_lock(&s->q_lock);
	struct session *asker = x->q_yield_to;
	x->q_yield_to = NULL;
	pthread_mutex_unlock(&s->q_lock);
	if (asker)
		regain_ready(asker);
}
