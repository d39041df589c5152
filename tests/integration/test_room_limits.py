#!/usr/bin/env python3
"""Room and memory limits (issue 8, server item 1): rooms per user and in
total are capped and refused with 405 and a readable reason (plain users get
a sentence), the limits are advertised in 005, --max-per-ip has a default,
history has one global byte budget that evicts the oldest lines first across
rooms, and an empty room costs no history memory."""

import re

from harness import LineClient, ServerTestCase, binary_is_sanitized, main, strip_tags


def isupport(lines):
    """The ISUPPORT tokens of a registration burst."""
    tokens = []
    for line in lines:
        m = re.match(r"^:\S+ 005 \S+ (.*?) :are supported", strip_tags(line))
        if m:
            tokens.extend(m.group(1).split())
    return tokens


def replayed(lines, channel):
    """The texts of the history lines replayed on a JOIN of channel."""
    out = []
    for line in lines:
        m = re.match(r"^:\S+ PRIVMSG %s :\[history \d\d:\d\d\] (.*)$" % re.escape(channel),
                     strip_tags(line))
        if m:
            out.append(m.group(1))
    return out


class RoomsPerUser(ServerTestCase):
    server_args = ("--max-channels-per-user", "3")

    def test_limit_refused_with_405_and_nothing_lost(self):
        alice = self.irc("alice")
        bob = self.irc("bob")
        for room in ("#a", "#b", "#c"):
            alice.join(room)
        bob.join("#a")
        alice.expect(r"^:bob!\S+ JOIN :?#a$")
        alice.send("JOIN #d")
        m = alice.expect(r"^:parley 405 alice #d :(.*)$")
        self.assertRegex(m.group(1), r"3", "the reason names the limit")
        # nothing was taken away: still in #a, #b, #c; #d was not created
        alice.privmsg("#a", "still here")
        bob.expect(r"^:alice!\S+ PRIVMSG #a :still here$")
        bob.send("LIST #d")
        lines = bob.collect_until(r"^:\S+ 323 ")
        self.assertFalse(any(" 322 " in l for l in lines), lines)
        # a PART frees a place
        alice.send("PART #c")
        alice.expect(r"^:alice!\S+ PART #c")
        alice.join("#d")

    def test_limit_advertised(self):
        c = self.irc("carol", register=False)
        lines = c.register()
        self.assertIn("CHANLIMIT=#:3", isupport(lines))


class RoomsTotal(ServerTestCase):
    server_args = ("--max-channels", "3")

    def test_total_refused_existing_rooms_still_open(self):
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        bob = self.irc("bob")
        bob.join("#c")
        carol = self.irc("carol")
        carol.send("JOIN #d")
        m = carol.expect(r"^:parley 405 carol #d :(.*)$")
        self.assertRegex(m.group(1), r"(?i)server", "the reason says it is the server's limit")
        carol.join("#a")  # an existing room can still be joined
        bob.send("PART #c")
        bob.expect(r"^:bob!\S+ PART #c")
        carol.join("#d")  # the emptied room no longer counts

    def test_plain_user_gets_a_sentence(self):
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        alice.join("#c")
        # the default room is exempt: a newcomer always lands somewhere
        pat = self.plain("pat")
        alice.join("#lobby")
        pat.expect(r"alice joined")
        pat.say("/join #e")
        m = pat.expect(r"#e")
        line = strip_tags(m.string)
        self.assertNotRegex(line, r"^:\S+ 405 ", "plain users get text, not numerics")
        self.assertRegex(line, r"(?i)too many")
        # pat is still in the lobby
        pat.say("still in the lobby")
        alice.expect(r"^:pat!\S+ PRIVMSG #lobby :still in the lobby$")


class Isupport(ServerTestCase):

    def test_defaults_advertised(self):
        c = self.irc("dave", register=False)
        tokens = isupport(c.register())
        self.assertIn("CHANLIMIT=#:50", tokens)
        self.assertIn("MAXLIST=b:100,e:100,I:100", tokens)
        self.assertFalse(any(t.startswith("MAXCHANNELS") for t in tokens), tokens)


class PerIpDefault(ServerTestCase):

    def test_default_is_32(self):
        conns = []
        for i in range(32):
            c = LineClient(self.server.port, name="c%d" % i)
            self.clients.append(c)
            conns.append(c)
        for c in conns:
            c.expect(r"NOTICE \* ")
        extra = LineClient(self.server.port, name="extra")
        self.clients.append(extra)
        extra.expect(r"^ERROR :.*(?i:too many connections)")
        extra.expect_closed()


class HistoryBudget(ServerTestCase):
    server_args = ("--history-memory", "8k", "--history", "100")

    def test_oldest_lines_go_first_across_rooms(self):
        alice = self.irc("alice")
        alice.join("#old")
        alice.join("#new")
        pad = "x" * 200
        for i in range(20):
            alice.privmsg("#old", "old %02d %s" % (i, pad))
        alice.sync()
        for i in range(20):
            alice.privmsg("#new", "new %02d %s" % (i, pad))
        alice.sync()
        bob = self.irc("bob")
        bob.join("#new")
        new = replayed(bob.sync(), "#new")  # the replay follows the 366
        self.assertEqual(new, ["new %02d %s" % (i, pad) for i in range(20)],
                         "the newest room keeps all its lines")
        bob.join("#old")
        old = replayed(bob.sync(), "#old")
        self.assertLess(len(old), 20, "the budget evicted nothing")
        self.assertEqual(old, ["old %02d %s" % (i, pad) for i in range(20 - len(old), 20)],
                         "what is left of #old is its newest lines")


class HistoryLazy(ServerTestCase):
    server_args = ("--history", "100000")

    def test_empty_rooms_hold_no_history_memory(self):
        if binary_is_sanitized():
            self.skipTest("the sanitizers' allocators distort VmData")
        alice = self.irc("alice")
        alice.join("#warm")
        alice.sync()

        def vmdata_kib():
            return int(self.server.proc_status()["VmData"].split()[0])

        before = vmdata_kib()
        for i in range(40):
            alice.join("#r%02d" % i)
        alice.sync()
        grown = vmdata_kib() - before
        # A preallocated ring of 100,000 slots is 3 MiB per room (125 MiB here).
        self.assertLess(grown, 16 * 1024, "40 empty rooms took %d KiB" % grown)


if __name__ == "__main__":
    main()
