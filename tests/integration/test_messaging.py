#!/usr/bin/env python3
"""Messaging: channel broadcast without loss, private messages, errors,
echo-message, server-time, NOTICE."""

import re
import time

from harness import (SERVER_TIME_RX, ServerTestCase, main, parse_server_time,
                     parse_tags, fill_room, scaled, send_concurrently, strip_tags)


class Messaging(ServerTestCase):

    def test_broadcast_nothing_lost(self):
        n_clients = 10
        n_msgs = scaled(50, minimum=10)
        clients = [self.irc("user%02d" % i) for i in range(n_clients)]
        fill_room(clients, "#bcast")
        send_concurrently(clients, "#bcast", n_msgs,
                          lambda nick, i: "msg %s %d" % (nick, i), timeout=60)
        rx = re.compile(r"^:(user\d\d)!\S+ PRIVMSG #bcast :msg (user\d\d) (\d+)$")
        expected_total = (n_clients - 1) * n_msgs

        def count(lines):
            return sum(1 for l in lines if " PRIVMSG #bcast :" in l)

        for c in clients:
            c.wait_lines(lambda ls: count(ls) >= expected_total,
                         "%d channel messages" % expected_total, timeout=30)
        for c in clients:
            c.sync()
            self.assertEqual(count(c.received), expected_total,
                             "%s: wrong number of channel messages" % c.nick)
            got = {}
            for line in c.received:
                if " PRIVMSG #bcast :" not in line:
                    continue
                m = rx.match(line)
                self.assertIsNotNone(m, "%s: malformed relay %r" % (c.nick, line))
                self.assertEqual(m.group(1), m.group(2), "source does not match text")
                self.assertNotEqual(m.group(1), c.nick, "%s got its own message "
                                    "without echo-message" % c.nick)
                got.setdefault(m.group(1), []).append(int(m.group(3)))
            for other in clients:
                if other is c:
                    continue
                self.assertEqual(got.get(other.nick), list(range(n_msgs)),
                                 "%s: messages from %s lost, duplicated or reordered"
                                 % (c.nick, other.nick))

    def test_private_message(self):
        alice = self.irc("alice")
        bob = self.irc("bob")
        alice.privmsg("bob", "hello bob")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG bob :hello bob$")
        alice.privmsg("BOB", "case insensitive")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG bob :case insensitive$")
        bob.privmsg("alice", "hi: with colon  and  spaces ")
        alice.expect(r"^:bob!bob@127\.0\.0\.1 PRIVMSG alice :hi: with colon  and  spaces $")
        # single-word text without ':'
        bob.send("PRIVMSG alice word")
        alice.expect(r"^:bob!bob@127\.0\.0\.1 PRIVMSG alice :?word$")
        # no echo without echo-message
        self.assertFalse(any("hello bob" in l for l in alice.sync()))

    def test_unicode_text_passes_intact(self):
        alice = self.irc("alice")
        bob = self.irc("bob")
        text = "gr\u00fc\u00dfe \u65e5\u672c \U0001F600 \x02bold\x02 \x0304red\x03 \x1ditalic\x1d \x1funder\x1f \x16rev\x16 \x0freset"
        alice.privmsg("bob", text)
        bob.expect("^:alice!\\S+ PRIVMSG bob :" + re.escape(text) + "$")

    def test_errors_401_411_412(self):
        alice = self.irc("alice")
        alice.privmsg("nobody", "x")
        alice.expect(r"^:parley 401 alice nobody :")
        alice.privmsg("#nochannel", "x")
        alice.expect(r"^:parley (401|403) alice #nochannel :")
        alice.send("PRIVMSG")
        alice.expect(r"^:parley 411 alice :")
        alice.send("PRIVMSG alice")
        alice.expect(r"^:parley 412 alice :")
        alice.send("PRIVMSG alice :")
        alice.expect(r"^:parley 412 alice :")
        alice.sync()

    def test_notice(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("NOTICE #room :channel notice")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 NOTICE #room :channel notice$")
        alice.send("NOTICE bob :private notice")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 NOTICE bob :private notice$")
        # NOTICE never triggers error replies
        alice.send("NOTICE nobody :x")
        lines = alice.sync()
        self.assertFalse(any(" 401 " in l for l in lines), "401 for a NOTICE: %r" % lines)
        self.assertFalse(any("channel notice" in l for l in lines))

    def test_echo_message(self):
        alice = self.irc("alice", caps=["echo-message"])
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.expect(r" JOIN :?#room$")
        alice.privmsg("#room", "echoed to me")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :echoed to me$")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :echoed to me$")
        alice.privmsg("bob", "private echo")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG bob :private echo$")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG bob :private echo$")
        alice.send("NOTICE #room :notice echo")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 NOTICE #room :notice echo$")
        # bob did not negotiate it
        bob.privmsg("#room", "not echoed")
        alice.expect(r"PRIVMSG #room :not echoed$")
        self.assertFalse(any("not echoed" in l for l in bob.sync()))

    def test_server_time_tags(self):
        alice = self.irc("alice", caps=["server-time"])
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.expect(r" JOIN :?#room$")
        t0 = time.time()
        bob.privmsg("#room", "what time is it")
        alice.expect(r"^@\S+ :bob!bob@127\.0\.0\.1 PRIVMSG #room :what time is it$", raw=True)
        t1 = time.time()
        tags = parse_tags(alice.last_line)
        self.assertIn("time", tags, alice.last_line)
        self.assertRegex(tags["time"], SERVER_TIME_RX)
        ts = parse_server_time(tags["time"])
        self.assertGreaterEqual(ts, t0 - 2, "server-time not the current time")
        self.assertLessEqual(ts, t1 + 2, "server-time not the current time")
        bob.privmsg("alice", "private")
        alice.expect(r"^@(\S+;)?time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z(;\S+)? "
                     r":bob!\S+ PRIVMSG alice :?private$", raw=True)
        # bob did not negotiate it: no tags at all
        alice.privmsg("#room", "untagged for bob")
        bob.expect(r"PRIVMSG #room :untagged for bob$", raw=True)
        self.assertFalse(bob.last_line.startswith("@"), bob.last_line)
        self.assertFalse(any(l.startswith("@") for l in bob.received),
                         "tags sent to a client that did not negotiate them")

    def test_message_tags_from_client_are_accepted(self):
        alice = self.irc("alice", caps=["message-tags"])
        bob = self.irc("bob")
        alice.send("@+example/tag=1 PRIVMSG bob :tagged")
        bob.expect(r"^:alice!\S+ PRIVMSG bob :?tagged$", raw=True)

    def test_channel_message_not_to_sender_and_not_outside(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.join("#other")
        alice.privmsg("#room", "room only")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :room only$")
        self.assertFalse(any("room only" in l for l in alice.sync()))
        self.assertFalse(any("room only" in l for l in carol.sync()))

    def test_ctcp_action_relayed(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.privmsg("#room", "\x01ACTION waves\x01")
        bob.expect("^:alice!\\S+ PRIVMSG #room :\x01ACTION waves\x01$")


if __name__ == "__main__":
    main()
