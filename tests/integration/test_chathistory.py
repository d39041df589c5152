#!/usr/bin/env python3
"""CHATHISTORY (IRCv3 draft/chathistory), MARKREAD (draft/read-marker) and
the plain /history, against both history stores (sqlite, the default, and
memory): every subcommand, paging by msgid without repeats or gaps, the
FAIL replies, and what a client that negotiated draft/chathistory gets on
join (no replay) compared with one that did not."""

import re

from harness import ServerTestCase, main, parse_tags, strip_tags

HISTORY_CAPS = ["batch", "message-tags", "server-time", "draft/chathistory"]
MSG_RX = r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :m(\d+)$"


class ChatHistory(ServerTestCase):
    server_args = ("--history", "5000")

    def fill(self, count, room="#room"):
        """alice sends m0..m{count-1} to room; returns alice."""
        alice = self.irc("alice")
        alice.join(room)
        for i in range(count):
            alice.send("PRIVMSG %s :m%d" % (room, i))
        alice.sync()
        return alice

    def reader(self, nick="bob", room="#room", caps=HISTORY_CAPS):
        c = self.irc(nick, caps=caps)
        c.join(room)
        return c

    def batch(self, client, command):
        """Sends a CHATHISTORY command; returns (batch open line, message lines
        as (number, tags)) of the batch that answers it."""
        client.send(command)
        lines = client.collect_until(r"^:parley BATCH -\S+$")
        opened = [l for l in lines if re.search(r"^:parley BATCH \+", l)]
        self.assertEqual(len(opened), 1, lines)
        ref = opened[0].split()[2][1:]
        self.assertEqual(lines[-1], ":parley BATCH -" + ref)
        msgs = []
        for line in lines[lines.index(opened[0]) + 1:-1]:
            tags = parse_tags(line)
            self.assertEqual(tags.get("batch"), ref, line)
            m = re.search(MSG_RX, strip_tags(line))
            self.assertTrue(m, line)
            msgs.append((int(m.group(1)), tags))
        return opened[0], msgs

    def numbers(self, msgs):
        return [n for n, _ in msgs]

    def test_latest_before_after(self):
        self.fill(20)
        bob = self.reader()
        opened, msgs = self.batch(bob, "CHATHISTORY LATEST #room * 5")
        self.assertRegex(opened, r"^:parley BATCH \+\S+ chathistory #room$")
        self.assertEqual(self.numbers(msgs), [15, 16, 17, 18, 19])
        for _, tags in msgs:
            self.assertRegex(tags["msgid"], r"^[a-z2-7]{26}$")
            self.assertIn("time", tags)
        m15 = msgs[0][1]["msgid"]
        _, before = self.batch(bob, "CHATHISTORY BEFORE #room msgid=%s 3" % m15)
        self.assertEqual(self.numbers(before), [12, 13, 14])
        _, after = self.batch(bob, "CHATHISTORY AFTER #room msgid=%s 3" % before[0][1]["msgid"])
        self.assertEqual(self.numbers(after), [13, 14, 15])
        # LATEST after a msgid: only what is newer, the newest first kept.
        _, newer = self.batch(bob, "CHATHISTORY LATEST #room msgid=%s 100" % m15)
        self.assertEqual(self.numbers(newer), [16, 17, 18, 19])
        # The same message keeps its msgid in every answer.
        self.assertEqual(after[2][1]["msgid"], m15)

    def test_around_and_between(self):
        self.fill(20)
        bob = self.reader()
        _, all20 = self.batch(bob, "CHATHISTORY LATEST #room * 20")
        ids = [t["msgid"] for _, t in all20]
        _, around = self.batch(bob, "CHATHISTORY AROUND #room msgid=%s 5" % ids[10])
        self.assertEqual(self.numbers(around), [8, 9, 10, 11, 12])
        _, fwd = self.batch(bob, "CHATHISTORY BETWEEN #room msgid=%s msgid=%s 3" %
                            (ids[2], ids[10]))
        self.assertEqual(self.numbers(fwd), [3, 4, 5])
        _, back = self.batch(bob, "CHATHISTORY BETWEEN #room msgid=%s msgid=%s 3" %
                             (ids[10], ids[2]))
        self.assertEqual(self.numbers(back), [7, 8, 9])
        # Time references: everything after the first message's time.
        t0 = all20[0][1]["time"]
        _, later = self.batch(bob, "CHATHISTORY AFTER #room timestamp=%s 100" % t0)
        self.assertTrue(all(t["time"] > t0 for _, t in later))
        self.assertEqual(self.numbers(later), sorted(self.numbers(later)))
        _, none = self.batch(bob, "CHATHISTORY BEFORE #room timestamp=2000-01-01T00:00:00.000Z 5")
        self.assertEqual(none, [])

    def test_paging_back_by_msgid_sees_every_message_once(self):
        """3,000 messages sent as fast as the server takes them share their
        milliseconds by the dozen; paging back by msgid still sees each one
        once, in order, and a short page says there is no more."""
        total = 3000
        self.fill(total)
        bob = self.reader()
        seen = []
        command = "CHATHISTORY LATEST #room * 1000"
        for _ in range(10):
            _, page = self.batch(bob, command)
            seen[:0] = self.numbers(page)
            if len(page) < 1000:
                break
            command = "CHATHISTORY BEFORE #room msgid=%s 1000" % page[0][1]["msgid"]
        self.assertEqual(seen, list(range(total)))

    def test_limit_above_the_maximum_is_cut(self):
        self.fill(1100)
        bob = self.reader()
        _, page = self.batch(bob, "CHATHISTORY LATEST #room * 999999")
        self.assertEqual(len(page), 1000)
        self.assertEqual(page[-1][0], 1099)

    def test_fail_replies(self):
        self.fill(3)
        bob = self.reader()
        outsider = self.irc("carol", caps=HISTORY_CAPS)
        cases = [
            (bob, "CHATHISTORY", r"FAIL CHATHISTORY NEED_MORE_PARAMS \*"),
            (bob, "CHATHISTORY FETCH #room * 5", r"FAIL CHATHISTORY UNKNOWN_COMMAND FETCH"),
            (bob, "CHATHISTORY LATEST #room *", r"FAIL CHATHISTORY NEED_MORE_PARAMS LATEST"),
            (bob, "CHATHISTORY BETWEEN #room * 5", r"FAIL CHATHISTORY NEED_MORE_PARAMS BETWEEN"),
            (bob, "CHATHISTORY BEFORE #room * 5", r"FAIL CHATHISTORY INVALID_PARAMS BEFORE"),
            (bob, "CHATHISTORY LATEST #room * 0", r"FAIL CHATHISTORY INVALID_PARAMS LATEST"),
            (bob, "CHATHISTORY LATEST #room * many", r"FAIL CHATHISTORY INVALID_PARAMS LATEST"),
            (bob, "CHATHISTORY AFTER #room timestamp=yesterday 5",
             r"FAIL CHATHISTORY INVALID_PARAMS AFTER"),
            (bob, "CHATHISTORY AFTER #room msgid=:bad 5", r"FAIL CHATHISTORY INVALID_PARAMS AFTER"),
            (bob, "CHATHISTORY AFTER #room msgid=%s 5" % ("a" * 26),
             r"FAIL CHATHISTORY INVALID_PARAMS AFTER #room :No message with that msgid"),
            (bob, "CHATHISTORY LATEST #nowhere * 5",
             r"FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere :No such channel"),
            (outsider, "CHATHISTORY LATEST #room * 5",
             r"FAIL CHATHISTORY INVALID_TARGET LATEST #room :You are not on that channel"),
            (bob, "CHATHISTORY TARGETS * * 5", r"FAIL CHATHISTORY INVALID_PARAMS TARGETS"),
        ]
        for client, command, reply in cases:
            client.send(command)
            client.expect(r"^:parley " + reply)
        # Nothing leaked to the outsider, and both connections go on.
        self.assertFalse(any(re.search(r"PRIVMSG #room", l) for l in outsider.received))
        bob.sync()
        outsider.sync()

    def test_a_nick_has_no_history(self):
        """Private messages are not kept: an empty batch, not an error."""
        alice = self.irc("alice")
        bob = self.irc("bob", caps=HISTORY_CAPS)
        alice.send("PRIVMSG bob :secret")
        bob.expect(r"PRIVMSG bob :secret")
        _, msgs = self.batch(bob, "CHATHISTORY LATEST alice * 10")
        self.assertEqual(msgs, [])

    def test_no_replay_on_join_with_the_cap(self):
        self.fill(5)
        bob = self.irc("bob", caps=HISTORY_CAPS)
        bob.join("#room")
        extra = bob.sync()
        self.assertFalse(any("m4" in l for l in extra), extra)
        carol = self.irc("carol", caps=["server-time"])
        carol.join("#room")
        carol.expect(r"PRIVMSG #room :m4$")

    def test_without_batch_or_tags(self):
        """A client that asks without batch gets the lines alone, marked
        as history when it has no server-time either."""
        self.fill(3)
        dave = self.irc("dave", caps=["draft/chathistory"])
        dave.join("#room")
        dave.send("CHATHISTORY LATEST #room * 2")
        dave.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :\[history \d\d:\d\d\] m1$")
        dave.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #room :\[history \d\d:\d\d\] m2$")
        self.assertFalse(any("BATCH" in l for l in dave.sync() + dave.received))

    def test_topic_changes_are_not_messages(self):
        alice = self.fill(2)
        alice.send("TOPIC #room :a topic")
        alice.send("PRIVMSG #room :m2")
        alice.sync()
        bob = self.reader()
        _, msgs = self.batch(bob, "CHATHISTORY LATEST #room * 10")
        self.assertEqual(self.numbers(msgs), [0, 1, 2])

    def test_targets(self):
        alice = self.fill(2)
        alice.join("#other")
        alice.send("PRIVMSG #other :m9")
        alice.join("#quiet")
        alice.sync()
        self.reader()  # bob is in #room only: TARGETS speaks of alice's rooms
        alice.send("CAP REQ :batch")
        alice.expect(r"CAP alice ACK")
        alice.sync()
        alice.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                   "timestamp=2100-01-01T00:00:00.000Z 10")
        lines = alice.collect_until(r"^:parley BATCH -")
        self.assertRegex(lines[0], r"^:parley BATCH \+\S+ draft/chathistory-targets$")
        rooms = [strip_tags(l).split()[3] for l in lines[1:-1]]
        self.assertEqual(rooms, ["#room", "#other"])
        for l in lines[1:-1]:
            self.assertRegex(strip_tags(l), r"^:parley CHATHISTORY TARGETS #\w+ "
                             r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_markread(self):
        bob = self.irc("bob", caps=["draft/read-marker"])
        bob.send("MARKREAD #room")
        bob.expect(r"^:parley MARKREAD #room \*$")
        bob.send("MARKREAD #room timestamp=2026-05-01T10:00:00.000Z")
        bob.expect(r"^:parley MARKREAD #room timestamp=2026-05-01T10:00:00\.000Z$")
        # A marker only moves forward.
        bob.send("MARKREAD #ROOM timestamp=2026-01-01T10:00:00.000Z")
        bob.expect(r"^:parley MARKREAD #ROOM timestamp=2026-05-01T10:00:00\.000Z$")
        bob.send("JOIN #room")
        bob.expect(r"^:parley MARKREAD #room timestamp=2026-05-01T10:00:00\.000Z$")
        bob.send("MARKREAD")
        bob.expect(r"^:parley FAIL MARKREAD NEED_MORE_PARAMS")
        bob.send("MARKREAD #room timestamp=soon")
        bob.expect(r"^:parley FAIL MARKREAD INVALID_PARAMS #room")
        bob.send("MARKREAD :bad target")
        bob.expect(r"^:parley FAIL MARKREAD INVALID_PARAMS \*")
        bob.sync()

    def test_markers_are_bounded(self):
        """More rooms than READMARK_MAX (64): the one set longest ago goes."""
        bob = self.irc("bob", caps=["draft/read-marker"])
        for i in range(65):
            bob.send("MARKREAD #r%d timestamp=2026-05-01T10:00:00.000Z" % i)
        bob.sync()
        bob.send("MARKREAD #r0")
        bob.expect(r"^:parley MARKREAD #r0 \*$")
        bob.send("MARKREAD #r64")
        bob.expect(r"^:parley MARKREAD #r64 timestamp=")

    def test_plain_history_pages_back(self):
        self.fill(7)
        carol = self.plain("carol")
        carol.send("/join #room")
        carol.expect(r"^\*\*\* You are now in #room")
        carol.send("/history 3")
        for i in (4, 5, 6):
            carol.expect(r"^\[history\] \d\d:\d\d <alice> m%d$" % i)
        carol.send("/history 3")
        for i in (1, 2, 3):
            carol.expect(r"^\[history\] \d\d:\d\d <alice> m%d$" % i)
        carol.send("/history 3")
        carol.expect(r"^\[history\] \d\d:\d\d <alice> m0$")
        carol.send("/history")
        carol.expect(r"^No more history\.$")
        carol.send("/history lots")
        carol.expect(r"Usage: /history \[N\]")


class ChatHistoryInMemory(ChatHistory):
    """The same answers from the in-memory store."""
    server_args = ("--history", "5000", "--history-store", "memory")


if __name__ == "__main__":
    main()
