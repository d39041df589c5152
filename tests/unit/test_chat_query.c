/* Unit tests for chat_query: snapshots of who is where, with no server
 * running and no sockets — sessions made without a connection act through
 * the chat core (chat.h) and are looked at through chat_query.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "chat_query.h"
#include "config.h"
#include "global.h"
#include "irc_channel.h"
#include "registry.h"
#include "reply.h"
#include "session.h"
#include "transport.h"

#define PEOPLE_MAX 8

static struct session *people[PEOPLE_MAX];
static size_t npeople;

/* A registered IRC user called nick, with no connection. */
static struct session *person(const char *nick)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(40000)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	const struct transport none = {.ops = NULL, .fd = -1}; /* no connection */
	struct session *s = session_new(&none, (struct sockaddr *)&sin, sizeof sin);
	s->kind = SESSION_IRC;
	snprintf(s->user, sizeof s->user, "%s", nick);
	session_set_realname(s, "Real Person");
	registry_wrlock();
	assert_int_equal(registry_set_nick(s, nick), 0);
	s->registered = true;
	registry_unlock();
	people[npeople++] = s;
	return s;
}


/* Drops the references deliver.c took to write queues later (nothing is
 * written here: there are no sockets). */
static void flush_list_drop(struct session *s)
{
	for (size_t i = 0; i < s->nflush; i++)
		session_unref(s->flush_list[i]);
	s->nflush = 0;
}

static int setup(void **state)
{
	(void)state;
	char *argv[] = {"parleyd", NULL}, *error = NULL;
	assert_int_equal(config_parse(&g_server.cfg, 1, argv, &error), CONFIG_RUN);
	global_live_set(&g_server.cfg);
	registry_init();
	npeople = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < npeople; i++) {
		chat_leave(people[i], "bye");
		flush_list_drop(people[i]);
	}
	for (size_t i = 0; i < npeople; i++) {
		reply_free(people[i]);
		session_unref(people[i]);
	}
	registry_free();
	config_free(&g_server.cfg);
	return 0;
}

/* Joins s to each room named (NULL-terminated), checking each succeeds. */
static void join(struct session *s, ...)
{
	va_list ap;
	va_start(ap, s);
	for (const char *name; (name = va_arg(ap, const char *));)
		assert_int_equal(chat_join(s, name, NULL, irc_joined_locked), CHAT_OK);
	va_end(ap);
	flush_list_drop(s);
}

static void test_person(void **state)
{
	(void)state;
	struct session *alice = person("alice"), *bob = person("bob");
	join(alice, "#a", "#B", NULL);
	join(bob, "#a", NULL);
	struct chat_person p;
	assert_int_equal(chat_query_person(NULL, "ALICE", &p), CHAT_OK);
	assert_string_equal(p.nick, "alice");
	assert_string_equal(p.user, "alice");
	assert_string_equal(p.host, "127.0.0.1");
	assert_string_equal(p.realname, "Real Person");
	assert_string_equal(p.away, "");
	assert_int_equal(p.nrooms, 2);
	assert_string_equal(p.rooms[0].room, "#a");
	assert_true(p.rooms[0].op);
	assert_string_equal(p.rooms[1].room, "#B");
	assert_int_equal(chat_query_person(NULL, "bob", &p), CHAT_OK);
	assert_int_equal(p.nrooms, 1);
	assert_false(p.rooms[0].op);
	chat_away(bob, "lunch");
	assert_int_equal(chat_query_person(NULL, "bob", &p), CHAT_OK);
	assert_string_equal(p.away, "lunch");
	assert_int_equal(chat_query_person(NULL, "nobody", &p), CHAT_NO_SUCH_NICK);
}

/* A person's rooms stay in join order when one in the middle is left (plain
 * mode makes the room joined last current, plain.h). */
static void test_rooms_of_in_join_order(void **state)
{
	(void)state;
	struct session *alice = person("alice");
	join(alice, "#one", "#two", "#three", "#four", NULL);
	assert_int_equal(chat_part(alice, "#one", NULL), CHAT_OK);
	assert_int_equal(chat_part(alice, "#three", NULL), CHAT_OK);
	join(alice, "#five", NULL);
	struct chat_membership rooms[4];
	assert_int_equal(chat_query_rooms_of(alice, rooms, 4), 3);
	assert_string_equal(rooms[0].room, "#two");
	assert_string_equal(rooms[1].room, "#four");
	assert_string_equal(rooms[2].room, "#five");
	/* bounded by the caller: counts all, fills max */
	assert_int_equal(chat_query_rooms_of(alice, rooms, 1), 3);
	assert_string_equal(rooms[0].room, "#two");
}

static void test_rooms_biggest_first_bounded(void **state)
{
	(void)state;
	struct session *a = person("a"), *b = person("b"), *c = person("c");
	join(a, "#small", "#mid", "#big", "#also-mid", NULL);
	join(b, "#mid", "#big", "#also-mid", NULL);
	join(c, "#big", NULL);
	assert_int_equal(chat_topic_set(a, "#big", "the big one"), CHAT_OK);
	flush_list_drop(a);
	struct chat_room_info rooms[3];
	size_t shown;
	assert_int_equal(chat_query_rooms(NULL, rooms, 3, &shown), 4);
	assert_int_equal(shown, 3);
	assert_string_equal(rooms[0].name, "#big");
	assert_int_equal(rooms[0].members, 3);
	assert_string_equal(rooms[0].topic, "the big one");
	/* equal sizes in name order */
	assert_string_equal(rooms[1].name, "#also-mid");
	assert_string_equal(rooms[2].name, "#mid");
	assert_int_equal(rooms[2].members, 2);
	assert_string_equal(rooms[2].topic, "");
	/* a room emptied is gone from the list */
	assert_int_equal(chat_part(a, "#small", NULL), CHAT_OK);
	assert_int_equal(chat_query_rooms(NULL, rooms, 0, &shown), 3);
	assert_int_equal(shown, 0);
}

static void test_names_bounded_in_join_order(void **state)
{
	(void)state;
	struct session *a = person("a"), *b = person("b"), *c = person("c");
	join(b, "#Room", NULL);
	join(a, "#room", NULL);
	join(c, "#ROOM", NULL);
	struct chat_member_info names[2];
	size_t shown, total;
	char name[CHANNEL_LEN_MAX + 1];
	assert_int_equal(chat_query_names(NULL, "#ROOM", names, 2, &shown, &total, name), CHAT_OK);
	assert_string_equal(name, "#Room");
	assert_int_equal(total, 3);
	assert_int_equal(shown, 2);
	assert_string_equal(names[0].nick, "b");
	assert_true(names[0].op);
	assert_string_equal(names[1].nick, "a");
	assert_false(names[1].op);
	assert_int_equal(chat_query_names(NULL, "#none", names, 2, &shown, &total, name),
			 CHAT_NO_SUCH_CHANNEL);
}

static void test_topic(void **state)
{
	(void)state;
	struct session *a = person("a");
	join(a, "#t", NULL);
	char text[TOPIC_LEN_MAX + 1], setter[NICK_LEN_MAX + 1], name[CHANNEL_LEN_MAX + 1];
	assert_int_equal(chat_query_topic("#T", text, setter, name), CHAT_OK);
	assert_string_equal(text, "");
	assert_string_equal(setter, "");
	assert_string_equal(name, "#t");
	assert_int_equal(chat_topic_set(a, "#t", "plans"), CHAT_OK);
	flush_list_drop(a);
	assert_int_equal(chat_query_topic("#t", text, setter, name), CHAT_OK);
	assert_string_equal(text, "plans");
	assert_string_equal(setter, "a");
	assert_int_equal(chat_query_topic("#none", text, setter, name), CHAT_NO_SUCH_CHANNEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rooms_of_in_join_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rooms_biggest_first_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_bounded_in_join_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
