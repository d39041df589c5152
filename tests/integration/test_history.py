#!/usr/bin/env python3
"""Room history (--history 5): replay of the last messages to new joiners,
in the three forms (server-time tags, "[history HH:MM]" text, plain mode)."""

import re
import time

from harness import SERVER_TIME_RX, ServerTestCase, main, parse_server_time, parse_tags


def hhmm_candidates(t0, t1):
    """HH:MM strings (local and UTC) for any minute in [t0-60, t1+60]."""
    out = set()
    t = int(t0) - 60
    while t <= t1 + 60:
        out.add(time.strftime("%H:%M", time.localtime(t)))
        out.add(time.strftime("%H:%M", time.gmtime(t)))
        t += 30
    return out


class History(ServerTestCase):
    server_args = ("--history", "5")

    def fill(self, room, notice_at=None, count=8):
        """alice sends count messages to room (number notice_at as NOTICE);
        returns (alice, t0, t1)."""
        alice = self.irc("alice")
        alice.join(room)
        t0 = time.time()
        for i in range(1, count + 1):
            cmd = "NOTICE" if i == notice_at else "PRIVMSG"
            alice.send("%s %s :hist %d" % (cmd, room, i))
        alice.sync()  # all stored before anyone joins
        t1 = time.time()
        return alice, t0, t1

    def test_replay_with_server_time(self):
        alice, t0, t1 = self.fill("#room", notice_at=7)
        bob = self.irc("bob", caps=["server-time"])
        bob.send("JOIN #room")
        bob.expect(r"^:parley 366 bob #room ", strict=True)
        replay = []
        for i in range(4, 9):
            cmd = "NOTICE" if i == 7 else "PRIVMSG"
            bob.expect(r"^@\S+ :alice!alice@127\.0\.0\.1 %s #room :hist %d$" % (cmd, i),
                       raw=True, strict=True)
            replay.append(bob.last_line)
        for line in replay:
            tags = parse_tags(line)
            self.assertIn("time", tags, line)
            self.assertRegex(tags["time"], SERVER_TIME_RX)
            ts = parse_server_time(tags["time"])
            self.assertTrue(t0 - 2 <= ts <= t1 + 2,
                            "history time %s is not the original send time" % tags["time"])
        times = [parse_server_time(parse_tags(l)["time"]) for l in replay]
        self.assertEqual(times, sorted(times), "history times not in order")
        extra = bob.sync()
        self.assertFalse(any("hist " in l for l in extra), "extra history lines: %r" % extra)
        self.assertFalse(any(re.search(r"hist [123]$", l) for l in bob.received),
                         "more than --history 5 lines replayed")
        # history is not re-sent as new messages to existing members
        self.assertFalse(any("hist" in l for l in alice.sync()))

    def test_replay_as_text_without_server_time(self):
        alice, t0, t1 = self.fill("#room", notice_at=7)
        bob = self.irc("bob")
        bob.send("JOIN #room")
        bob.expect(r"^:parley 366 bob #room ", strict=True)
        ok = hhmm_candidates(t0, t1)
        for i in range(4, 9):
            cmd = "NOTICE" if i == 7 else "PRIVMSG"
            m = bob.expect(r"^:alice!alice@127\.0\.0\.1 %s #room :\[history (\d\d:\d\d)\] hist %d$"
                           % (cmd, i), raw=True, strict=True)
            self.assertIn(m.group(1), ok, "history HH:MM is not the time of sending")
        extra = bob.sync()
        self.assertFalse(any("hist " in l for l in extra), "extra history lines: %r" % extra)

    def test_replay_to_plain_user(self):
        alice, t0, t1 = self.fill("#lobby")
        bob = self.plain("bob", login=False)
        bob.expect(r"NOTICE \* .*nickname", strict=True)
        bob.send("bob")
        ok = hhmm_candidates(t0, t1)
        for i in range(4, 9):
            m = bob.expect(r"^\[history\] (\d\d:\d\d) <alice> hist %d$" % i, strict=True)
            self.assertIn(m.group(1), ok)
        self.assertFalse(any(re.search(r"hist [123]$", l) for l in bob.received))
        # and after the history, live messages flow normally
        alice.privmsg("#lobby", "live now")
        bob.expect(r"^\d\d:\d\d <alice> live now$")
        self.assertFalse(any(re.search(r"hist [123]$", l) for l in bob.received))

    def test_fewer_than_limit_and_per_channel(self):
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        alice.privmsg("#a", "only in a")
        alice.privmsg("#b", "only in b")
        alice.sync()
        bob = self.irc("bob")
        bob.send("JOIN #a")
        bob.expect(r"^:parley 366 bob #a ", strict=True)
        bob.expect(r"^:alice!\S+ PRIVMSG #a :\[history \d\d:\d\d\] only in a$", strict=True)
        lines = bob.sync()
        self.assertEqual(lines, [], "unexpected lines after history: %r" % lines)

    def test_no_replay_for_join_part_and_private(self):
        alice = self.irc("alice")
        alice.join("#room")
        carol = self.irc("carol")
        carol.join("#room")
        carol.send("PART #room :leaving")
        carol.privmsg("alice", "private, not history")
        alice.expect("private, not history")
        bob = self.irc("bob")
        lines = bob.join("#room")
        extra = bob.sync()
        self.assertFalse(any("history" in l for l in lines + extra),
                         "history replayed for a room without messages: %r" % extra)


if __name__ == "__main__":
    main()
