/* Unit tests for the chat core (server/chat.c), with no server running and no
 * socket: people are sessions without a connection, and what the core tells
 * them is read straight off their outbound queues. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "chat.h"
#include "clock.h"
#include "config.h"
#include "flushq.h"
#include "global.h"
#include "history.h"
#include "irc_batch.h"
#include "irc_channel.h"
#include "log.h"
#include "plain_user.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "transport.h"

#define PEOPLE_MAX 16
#define HEARD_MAX 65536

static struct session *people[PEOPLE_MAX];
static size_t npeople;

/* A fresh server state with these options on top of the defaults. */
static void server_setup(int argc, char **argv)
{
	char *error = NULL;
	assert_int_equal(config_parse(&g_server.cfg, argc, argv, &error), CONFIG_RUN);
	global_live_set(&g_server.cfg);
	log_set_level(LOG_ERROR);
	g_server.started_unix_ms = clock_unix_ms();
	registry_init();
}

static int setup_default(void **state)
{
	(void)state;
	char *argv[] = {"parleyd", "--max-channels-per-user", "3", "--max-channels", "5",
			"--announce-max", "3", NULL};
	server_setup(7, argv);
	return 0;
}

/* Everyone leaves (as their workers would) and the server state goes. */
static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < npeople; i++) {
		reply_free(people[i]);
		chat_leave(people[i], "test over");
		for (size_t j = 0; j < people[i]->nflush; j++)
			session_unref(people[i]->flush_list[j]);
		people[i]->nflush = 0;
	}
	for (size_t i = 0; i < npeople; i++)
		session_unref(people[i]);
	npeople = 0;
	registry_rdlock();
	assert_int_equal(registry_channel_count(), 0);
	registry_unlock();
	registry_free();
	config_free(&g_server.cfg);
	return 0;
}

/* A registered person called nick with no connection behind it. */
static struct session *person(const char *nick, enum session_kind kind)
{
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(50000)};
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	const struct transport none = {.ops = NULL, .fd = -1}; /* no connection */
	struct session *s = session_new(&none, (const struct sockaddr *)&peer, sizeof peer);
	s->kind = kind;
	snprintf(s->user, sizeof s->user, "%.8s", nick);
	registry_wrlock();
	assert_int_equal(registry_set_nick(s, nick), 0);
	s->registered = true;
	registry_unlock();
	assert_true(npeople < PEOPLE_MAX);
	people[npeople++] = s;
	return s;
}

/* Joins as the person's own front-end would (chat_joined_fn, chat.h). */
static enum chat_result join(struct session *s, const char *name, const char *key)
{
	return chat_join(s, name, key,
			 s->kind == SESSION_PLAIN ? plain_joined_locked : irc_joined_locked);
}

/* Everything queued for s since the last call, as one string (the
 * sessions have no socket: the queue is where the core's events land). The
 * flush lists the core filled are emptied too, as a worker's flush would. */
static const char *heard(struct session *s)
{
	static char text[HEARD_MAX];
	size_t len = 0;
	for (size_t i = 0; i < npeople; i++) {
		for (size_t j = 0; j < people[i]->nflush; j++)
			session_unref(people[i]->flush_list[j]);
		people[i]->nflush = 0;
	}
	pthread_mutex_lock(&s->q_lock);
	struct iovec iov[64];
	int n;
	while ((n = outq_iov(&s->q, iov, 64)) > 0) {
		size_t took = 0;
		for (int i = 0; i < n; i++) {
			size_t room = sizeof text - 1 - len;
			size_t k = iov[i].iov_len < room ? iov[i].iov_len : room;
			memcpy(text + len, iov[i].iov_base, k);
			len += k;
			took += iov[i].iov_len;
		}
		outq_consume(&s->q, took);
	}
	pthread_mutex_unlock(&s->q_lock);
	text[len] = '\0';
	return text;
}

/* Drops whatever s has been told so far, letting a streamed reply (NAMES,
 * history: reply.h) render to its end as a worker would. */
static void forget(struct session *s)
{
	heard(s);
	for (int chunks = 0; reply_busy(s) && chunks < 1000; chunks++) {
		reply_pump(s);
		heard(s);
	}
	assert_false(reply_busy(s));
}

/* True if some line of text is IRC-shaped (starts with ':'). */
static bool has_irc_line(const char *text)
{
	return text[0] == ':' || strstr(text, "\n:") != NULL;
}

/* How many times needle occurs in haystack. */
static int count(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static struct channel *room(const char *name)
{
	struct channel *ch = registry_channel_find_ref(name);
	return ch;
}

static bool is_op(const char *name, struct session *s)
{
	struct channel *ch = room(name);
	assert_non_null(ch);
	pthread_mutex_lock(&ch->lock);
	bool op = channel_is_op(ch, s);
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
	return op;
}

/* The first joiner makes the room and is its operator; the next one is not;
 * both hear the second JOIN, and joining again changes nothing. */
static void test_join_first_is_op(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(join(ann, "#r", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#R", NULL), CHAT_OK);
	assert_true(is_op("#r", ann));
	assert_false(is_op("#r", bob));
	forget(bob);
	assert_int_equal(count(heard(ann), ":bob!bob@127.0.0.1 JOIN #r\r\n"), 1);
	assert_int_equal(join(bob, "#r", NULL), CHAT_ALREADY_MEMBER);
	assert_string_equal(heard(ann), "");
}

/* Bad names and both room limits are refused, and nothing is made. */
static void test_join_limits(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(join(ann, "lobby", NULL), CHAT_BAD_CHANNEL_NAME);
	assert_int_equal(join(ann, "#a\xe2\x80\xae", NULL), CHAT_BAD_CHANNEL_NAME);
	assert_int_equal(join(ann, "#a", NULL), CHAT_OK);
	assert_int_equal(join(ann, "#b", NULL), CHAT_OK);
	assert_int_equal(join(ann, "#c", NULL), CHAT_OK);
	assert_int_equal(join(ann, "#d", NULL), CHAT_TOO_MANY_CHANNELS); /* 3 each */
	assert_int_equal(join(bob, "#d", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#e", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#f", NULL), CHAT_SERVER_CHANNELS_FULL); /* 5 in all */
	assert_null(room("#f"));
	assert_int_equal(join(bob, "#a", NULL), CHAT_OK); /* existing rooms stay open */
}

/* +i, +k, +l and +b refuse; an invite lets one past +i and +l, never past +b
 * or +k, and is used up only by a join that succeeds. */
static void test_join_modes_and_invites(void **state)
{
	(void)state;
	struct session *op = person("op", SESSION_IRC), *cat = person("cat", SESSION_IRC);
	assert_int_equal(join(op, "#m", NULL), CHAT_OK);
	struct channel *ch = room("#m");
	pthread_mutex_lock(&ch->lock);
	ch->mode_invite_only = true;
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(join(cat, "#m", NULL), CHAT_INVITE_ONLY);
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	assert_int_equal(chat_invite(op, "CAT", "#m", nick, away), CHAT_OK);
	assert_string_equal(nick, "cat");
	assert_int_equal(count(heard(cat), " INVITE cat #m\r\n"), 1);
	pthread_mutex_lock(&ch->lock);
	snprintf(ch->key, sizeof ch->key, "sesame");
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(join(cat, "#m", "wrong"), CHAT_BAD_KEY);
	assert_int_equal(join(cat, "#m", "sesame"), CHAT_OK); /* the invite was kept */
	assert_int_equal(chat_part(cat, "#m", NULL), CHAT_OK);
	assert_int_equal(join(cat, "#m", "sesame"), CHAT_INVITE_ONLY); /* used up */
	pthread_mutex_lock(&ch->lock);
	ch->limit = 1;
	channel_invite_add(ch, cat->id);
	ch->bans = realloc(ch->bans, sizeof *ch->bans);
	ch->bans[0] = (struct ban){.mask = strdup("cat!*@*"), .setter = strdup("op")};
	ch->nbans = 1;
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(join(cat, "#m", "sesame"), CHAT_BANNED);
	pthread_mutex_lock(&ch->lock);
	free(ch->bans[0].mask);
	free(ch->bans[0].setter);
	ch->nbans = 0;
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(join(cat, "#m", "sesame"), CHAT_OK); /* past +l and +i */
	channel_unref(ch);
}

/* PART: of a room one is not in, of no room; the last one out ends it. */
static void test_part(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(chat_part(ann, "#nowhere", NULL), CHAT_NO_SUCH_CHANNEL);
	assert_int_equal(join(ann, "#p", NULL), CHAT_OK);
	assert_int_equal(chat_part(bob, "#p", NULL), CHAT_NOT_ON_CHANNEL);
	assert_int_equal(join(bob, "#p", NULL), CHAT_OK);
	forget(ann);
	forget(bob);
	assert_int_equal(chat_part(bob, "#p", "bye now"), CHAT_OK);
	assert_int_equal(count(heard(ann), ":bob!bob@127.0.0.1 PART #p :bye now\r\n"), 1);
	assert_int_equal(count(heard(bob), " PART #p :bye now\r\n"), 1);
	assert_int_equal(chat_part(ann, "#p", NULL), CHAT_OK);
	assert_null(room("#p"));
}

/* KICK: only an operator, only a member; everyone hears it, the victim too. */
static void test_kick(void **state)
{
	(void)state;
	struct session *op = person("op", SESSION_IRC), *vic = person("vic", SESSION_IRC),
		       *out = person("out", SESSION_IRC);
	assert_int_equal(join(op, "#k", NULL), CHAT_OK);
	assert_int_equal(join(vic, "#k", NULL), CHAT_OK);
	assert_int_equal(chat_kick(out, "#k", "vic", NULL), CHAT_NOT_ON_CHANNEL);
	assert_int_equal(chat_kick(vic, "#k", "op", NULL), CHAT_NOT_OP);
	assert_int_equal(chat_kick(op, "#k", "out", NULL), CHAT_THEY_NOT_ON_CHANNEL);
	assert_int_equal(chat_kick(op, "#nope", "vic", NULL), CHAT_NO_SUCH_CHANNEL);
	forget(op);
	forget(vic);
	assert_int_equal(chat_kick(op, "#k", "VIC", ""), CHAT_OK);
	assert_int_equal(count(heard(vic), ":op!op@127.0.0.1 KICK #k vic :op\r\n"), 1);
	assert_int_equal(count(heard(op), " KICK #k vic :op\r\n"), 1);
	assert_int_equal(chat_part(vic, "#k", NULL), CHAT_NOT_ON_CHANNEL);
}

/* NICK: refused when invalid or taken (in any case); a change is told to s
 * and once to each room-mate, however many rooms they share. */
static void test_nick(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(chat_nick(ann, "1abc"), CHAT_BAD_NICK);
	assert_int_equal(chat_nick(ann, "BOB"), CHAT_NICK_IN_USE);
	assert_int_equal(chat_nick(ann, "ann"), CHAT_ALREADY_MEMBER);
	assert_int_equal(join(ann, "#one", NULL), CHAT_OK);
	assert_int_equal(join(ann, "#two", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#one", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#two", NULL), CHAT_OK);
	forget(ann);
	forget(bob);
	assert_int_equal(chat_nick(ann, "anna"), CHAT_OK);
	assert_int_equal(count(heard(bob), ":ann!ann@127.0.0.1 NICK anna\r\n"), 1);
	assert_int_equal(count(heard(ann), " NICK anna\r\n"), 1);
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	assert_int_equal(chat_message(bob, "PRIVMSG", "ann", "hi", NULL, nick, away), CHAT_NO_SUCH_NICK);
	assert_int_equal(chat_message(bob, "PRIVMSG", "ANNA", "hi", NULL, nick, away), CHAT_OK);
	assert_string_equal(nick, "anna");
}

/* Messages: +n keeps outsiders out, a ban silences all but ops and voiced
 * members, and a PRIVMSG to someone away brings back their away text. */
static void test_messages(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC),
		       *eve = person("eve", SESSION_IRC);
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	assert_int_equal(chat_message(ann, "PRIVMSG", "#none", "x", NULL, nick, away),
			 CHAT_NO_SUCH_CHANNEL);
	assert_int_equal(join(ann, "#msg", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#msg", NULL), CHAT_OK);
	struct channel *ch = room("#msg");
	pthread_mutex_lock(&ch->lock);
	ch->mode_no_external = true;
	ch->bans = malloc(sizeof *ch->bans);
	ch->bans[0] = (struct ban){.mask = strdup("bob!*@*"), .setter = strdup("ann")};
	ch->nbans = 1;
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(chat_message(eve, "PRIVMSG", "#msg", "x", NULL, nick, away),
			 CHAT_CANNOT_SEND_EXTERNAL);
	assert_int_equal(chat_message(bob, "PRIVMSG", "#msg", "x", NULL, nick, away),
			 CHAT_CANNOT_SEND_BANNED);
	pthread_mutex_lock(&ch->lock);
	ch->members[channel_member_index(ch, bob)].voice = true;
	pthread_mutex_unlock(&ch->lock);
	forget(ann);
	forget(bob);
	assert_int_equal(chat_message(bob, "PRIVMSG", "#msg", "voiced", NULL, nick, away), CHAT_OK);
	assert_int_equal(count(heard(ann), ":bob!bob@127.0.0.1 PRIVMSG #msg :voiced\r\n"), 1);
	assert_string_equal(heard(bob), ""); /* no echo without echo-message */
	channel_unref(ch);
	chat_away(ann, "getting coffee");
	assert_int_equal(chat_message(eve, "PRIVMSG", "ann", "hello", NULL, nick, away), CHAT_OK);
	assert_string_equal(away, "getting coffee");
	assert_int_equal(chat_message(eve, "NOTICE", "ann", "hello", NULL, nick, away), CHAT_OK);
	assert_string_equal(away, "");
}

/* TAGMSG and client-only tags: a TAGMSG reaches message-tags members only
 * (never plain users) and is not kept; a PRIVMSG's client tags go to
 * message-tags members only, after msgid and time. */
static void test_tags(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC),
		       *cat = person("cat", SESSION_PLAIN), *dan = person("dan", SESSION_IRC);
	atomic_store(&ann->caps, CAP_MESSAGE_TAGS);
	atomic_store(&dan->caps, CAP_MESSAGE_TAGS);
	char nick[NICK_LEN_MAX + 1], away[AWAY_LEN_MAX + 1];
	assert_int_equal(join(ann, "#tg", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#tg", NULL), CHAT_OK);
	assert_int_equal(join(cat, "#tg", NULL), CHAT_OK);
	assert_int_equal(join(dan, "#tg", NULL), CHAT_OK);
	forget(bob);
	forget(cat);
	forget(dan);
	assert_int_equal(chat_message(ann, "TAGMSG", "#tg", NULL, "+typing=active", nick, away),
			 CHAT_OK);
	assert_string_equal(heard(bob), "");
	assert_string_equal(heard(cat), "");
	const char *got = heard(dan);
	assert_int_equal(strncmp(got, "@msgid=", 7), 0);
	assert_int_equal(count(got, ";+typing=active :ann!ann@127.0.0.1 TAGMSG #tg\r\n"), 1);
	struct channel *ch = room("#tg");
	assert_int_equal(history_count(ch->history), 0);
	assert_int_equal(chat_message(ann, "PRIVMSG", "#tg", "hi", "+x=1", nick, away), CHAT_OK);
	assert_int_equal(history_count(ch->history), 1);
	channel_unref(ch);
	assert_string_equal(heard(bob), ":ann!ann@127.0.0.1 PRIVMSG #tg :hi\r\n");
	assert_int_equal(count(heard(dan), ";+x=1 :ann!ann@127.0.0.1 PRIVMSG #tg :hi\r\n"), 1);
	assert_int_equal(count(heard(cat), "+x"), 0);
	assert_int_equal(chat_message(ann, "TAGMSG", "bob", NULL, "+a", nick, away), CHAT_OK);
	assert_string_equal(heard(bob), "");
}

/* The IRC batch helper (irc_batch.h), as CHATHISTORY will use it: fresh
 * refs per connection, BATCH lines and tags for a batch client, nothing
 * extra for the others. */
static void test_irc_batch_helper(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	atomic_store(&ann->caps, CAP_BATCH);
	struct irc_batch a1, a2, b1;
	irc_batch_begin(ann, &a1);
	irc_batch_begin(ann, &a2);
	irc_batch_begin(bob, &b1);
	assert_true(irc_batch_on(&a1));
	assert_string_not_equal(a1.ref, a2.ref);
	assert_false(irc_batch_on(&b1));
	char tags[64];
	assert_string_equal(irc_batch_tags(&a1, "time=x", tags, sizeof tags),
			    "batch=" "b1" ";time=x");
	assert_null(irc_batch_tags(&b1, NULL, tags, sizeof tags));
	assert_string_equal(irc_batch_tags(&b1, "time=x", tags, sizeof tags), "time=x");
	forget(ann);
	forget(bob);
	irc_batch_send_start(ann, &a1, "chathistory", "#room");
	irc_batch_send_end(ann, &a1);
	irc_batch_send_start(bob, &b1, "chathistory", "#room");
	irc_batch_send_end(bob, &b1);
	assert_string_equal(heard(ann), ":parley BATCH +b1 chathistory #room\r\n"
					":parley BATCH -b1\r\n");
	assert_string_equal(heard(bob), "");
}

/* TOPIC: +t leaves it to operators; everyone hears a change. */
static void test_topic(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(join(ann, "#t", NULL), CHAT_OK);
	assert_int_equal(chat_topic_set(bob, "#t", "x"), CHAT_NOT_ON_CHANNEL);
	assert_int_equal(join(bob, "#t", NULL), CHAT_OK);
	struct channel *ch = room("#t");
	pthread_mutex_lock(&ch->lock);
	ch->mode_topic_ops = true;
	pthread_mutex_unlock(&ch->lock);
	assert_int_equal(chat_topic_set(bob, "#t", "mine"), CHAT_NOT_OP);
	forget(bob);
	assert_int_equal(chat_topic_set(ann, "#t", "lunch at noon"), CHAT_OK);
	assert_int_equal(count(heard(bob), " TOPIC #t :lunch at noon\r\n"), 1);
	pthread_mutex_lock(&ch->lock);
	assert_string_equal(ch->topic, "lunch at noon");
	assert_string_equal(ch->topic_setter, "ann");
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
}

/* A room bigger than --announce-max (3 here) goes quiet: everyone is told
 * once; later joins and quits reach only the operator and the person. */
static void test_quiet_room(void **state)
{
	(void)state;
	struct session *op = person("op", SESSION_IRC), *m1 = person("m1", SESSION_IRC),
		       *m2 = person("m2", SESSION_IRC), *m3 = person("m3", SESSION_IRC),
		       *m4 = person("m4", SESSION_PLAIN);
	assert_int_equal(join(op, "#q", NULL), CHAT_OK);
	assert_int_equal(join(m1, "#q", NULL), CHAT_OK);
	assert_int_equal(join(m2, "#q", NULL), CHAT_OK);
	forget(m1);
	assert_int_equal(join(m3, "#q", NULL), CHAT_OK); /* 4 > 3: quiet now */
	const char *told = heard(m1);
	assert_int_equal(count(told, ":m3!m3@127.0.0.1 JOIN #q\r\n"), 1);
	assert_int_equal(count(told, "joins, parts and quits are no longer shown"), 1);
	forget(op);
	assert_int_equal(join(m4, "#q", NULL), CHAT_OK);
	assert_string_equal(heard(m1), "");
	assert_int_equal(count(heard(op), ":m4!m4@127.0.0.1 JOIN #q\r\n"), 1);
	told = heard(m4); /* a plain user: human text, the notice included */
	assert_int_equal(count(told, "joins, parts and quits are no longer shown"), 1);
	assert_false(has_irc_line(told));
	chat_leave(m4, "Quit: bye");
	assert_string_equal(heard(m1), "");
	assert_int_equal(count(heard(op), ":m4!m4@127.0.0.1 QUIT :Quit: bye\r\n"), 1);
}

/* Leaving: the QUIT reaches each room-mate once, and the nick is free. */
static void test_leave(void **state)
{
	(void)state;
	struct session *ann = person("ann", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(join(ann, "#x", NULL), CHAT_OK);
	assert_int_equal(join(ann, "#y", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#x", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#y", NULL), CHAT_OK);
	forget(bob);
	chat_leave(ann, "Quit: home");
	assert_int_equal(count(heard(bob), ":ann!ann@127.0.0.1 QUIT :Quit: home\r\n"), 1);
	registry_rdlock();
	assert_null(registry_find_nick("ann"));
	registry_unlock();
	assert_int_equal(chat_nick(bob, "ann"), CHAT_OK);
}

/* Collects the refusals chat_mode_apply reports. */
struct refusals {
	enum chat_result r[16];
	char mode[16];
	size_t n;
};

static void note_refusal(void *ctx, enum chat_result r, const struct chat_mode_change *c)
{
	struct refusals *f = ctx;
	if (f->n < 16) {
		f->r[f->n] = r;
		f->mode[f->n++] = c->mode;
	}
}

/* Modes: only operators; bad arguments refused one by one while the rest
 * apply; what applied is announced in lines of at most three arguments,
 * matching the room's state. */
static void test_modes(void **state)
{
	(void)state;
	struct session *op = person("op", SESSION_IRC), *bob = person("bob", SESSION_IRC);
	assert_int_equal(join(op, "#md", NULL), CHAT_OK);
	assert_int_equal(join(bob, "#md", NULL), CHAT_OK);
	struct refusals f = {.n = 0};
	const struct chat_mode_change by_bob[] = {{'+', 't', NULL}};
	assert_int_equal(chat_mode_apply(bob, "#md", by_bob, 1, note_refusal, &f), CHAT_NOT_OP);
	assert_int_equal(chat_mode_apply(op, "#none", by_bob, 1, note_refusal, &f),
			 CHAT_NO_SUCH_CHANNEL);
	forget(bob);
	const struct chat_mode_change bad[] = {
		{'+', 'k', "has space"}, {'+', 'l', "0"},   {'+', 'x', NULL},
		{'+', 'o', "nobody"},    {'+', 'v', "bob"},
	};
	assert_int_equal(chat_mode_apply(op, "#md", bad, 5, note_refusal, &f), CHAT_OK);
	assert_int_equal(f.n, 5);
	assert_int_equal(f.r[0], CHAT_BAD_MODE_ARG);
	assert_int_equal(f.r[1], CHAT_BAD_MODE_ARG);
	assert_int_equal(f.r[2], CHAT_UNKNOWN_MODE); /* no argument: not counted */
	assert_int_equal(f.r[3], CHAT_THEY_NOT_ON_CHANNEL);
	assert_int_equal(f.r[4], CHAT_TOO_MANY_MODES); /* the fourth with an argument */
	assert_string_equal(heard(bob), ""); /* nothing applied, nothing announced */
	f.n = 0;
	const struct chat_mode_change good[] = {
		{'+', 'v', "BOB"}, {'+', 'l', "25"}, {'+', 'i', NULL}, {'+', 'k', "sesame"},
	};
	assert_int_equal(chat_mode_apply(op, "#md", good, 4, note_refusal, &f), CHAT_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(count(heard(bob), ":op!op@127.0.0.1 MODE #md +vlik bob 25 sesame\r\n"),
			 1);
	const struct chat_mode_change ban_and_miss[] = {{'+', 'b', "x!*@*"}, {'+', 'o', "nobody"}};
	assert_int_equal(chat_mode_apply(op, "#md", ban_and_miss, 2, note_refusal, &f), CHAT_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.r[0], CHAT_THEY_NOT_ON_CHANNEL);
	struct channel *ch = room("#md");
	pthread_mutex_lock(&ch->lock);
	assert_true(ch->members[channel_member_index(ch, bob)].voice);
	assert_int_equal(ch->limit, 25);
	assert_string_equal(ch->key, "sesame");
	assert_true(ch->mode_invite_only);
	assert_int_equal(ch->nbans, 1);
	pthread_mutex_unlock(&ch->lock);
	/* The ban list has a limit (BANS_MAX); the one past it is refused. */
	f.n = 0;
	char masks[BANS_MAX + 1][32];
	for (int i = 0; i <= BANS_MAX; i++) {
		snprintf(masks[i], sizeof masks[i], "n%d!*@*", i);
		const struct chat_mode_change ban = {'+', 'b', masks[i]};
		assert_int_equal(chat_mode_apply(op, "#md", &ban, 1, note_refusal, &f), CHAT_OK);
	}
	assert_int_equal(f.n, 2); /* 1 was there already: 99 fit, two do not */
	assert_int_equal(f.r[0], CHAT_BAN_LIST_FULL);
	pthread_mutex_lock(&ch->lock);
	assert_int_equal(ch->nbans, BANS_MAX);
	pthread_mutex_unlock(&ch->lock);
	channel_unref(ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_first_is_op, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_join_limits, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_join_modes_and_invites, setup_default,
						teardown),
		cmocka_unit_test_setup_teardown(test_part, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_kick, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_nick, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_tags, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_irc_batch_helper, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_topic, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_room, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_leave, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup_default, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
