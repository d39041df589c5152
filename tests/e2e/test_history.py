#!/usr/bin/env python3
"""e2e: catching up after a lost connection. A real parley in tmux talks to a
real parleyd through a relay the test can cut (e2e.CutProxy, what `ss -K`
does, without privileges); while it is away others talk; after it reconnects
every missed line is shown exactly once, in order, under the separator
"── N messages while you were away ──" (draft/chathistory). And the fallback
without chathistory (parleyd's replay on join, with server-time or with its
"[history HH:MM]" mark): what was on screen already is not shown again."""

import time

import e2e

HEIGHT = 60  # every line of a test fits on the screen at once


def go_away(term, proxy, bob, lines):
    """Cuts term's connection (alice's), lets bob say lines while she is
    away (the server has them all before she is let back in), and lets her
    reconnect."""
    proxy.hold()
    proxy.cut()
    term.wait_for(r"Disconnected: ")
    # The server has let the old connection go once bob sees alice quit.
    bob.expect(r"^(@\S+ )?:alice!\S+ QUIT ", timeout=10 * e2e.wait_scale())
    for text in lines:
        bob.privmsg("#lobby", text)
    bob.sync()
    proxy.release()


def count_rows(screen, text):
    """Rows of the screen ending in text (a said line ends its row)."""
    return sum(1 for row in screen.split("\n") if row.rstrip().endswith(text))


def assert_once_in_order(test, screen, texts):
    """Each text ends exactly one row, in this order; returns the rows."""
    rows = screen.split("\n")
    at = []
    for text in texts:
        hits = [i for i, row in enumerate(rows) if row.rstrip().endswith(text)]
        test.assertEqual(len(hits), 1, "%r shown %d times:\n%s" % (text, len(hits), screen))
        at.append(hits[0])
    test.assertEqual(at, sorted(at), "out of order:\n%s" % screen)
    return at


class HistoryTest(e2e.ClientTestCase):
    """Against the default store (SQLite in the test's own data dir)."""

    def relay(self, server_filter=None):
        proxy = e2e.CutProxy(self.server.port, server_filter)
        self.addCleanup(proxy.close)
        return proxy

    def test_missed_lines_once_under_the_separator(self):
        proxy = self.relay()
        alice = self.client("alice", port=proxy.port, height=HEIGHT)
        bob = self.irc("bob")
        bob.join("#lobby")
        bob.privmsg("#lobby", "before the cut")
        alice.wait_for(r"<bob> before the cut$")
        alice.type("me too, before")
        alice.wait_for(r"<alice> me too, before$")

        missed = ["missed line %02d" % i for i in range(15)]
        go_away(alice, proxy, bob, missed)
        alice.wait_for(r"── 15 messages while you were away ──")
        alice.wait_for(r"<bob> missed line 14$")
        bob.privmsg("#lobby", "welcome back")
        alice.wait_for(r"<bob> welcome back$")

        screen = alice.stable_screen()
        said = ["<bob> before the cut", "<alice> me too, before"] + \
            ["<bob> " + t for t in missed] + ["<bob> welcome back"]
        at = assert_once_in_order(self, screen, said)
        rows = screen.split("\n")
        sep = [i for i, r in enumerate(rows) if "messages while you were away" in r]
        self.assertEqual(len(sep), 1, screen)
        # the separator sits right above the first missed line, below the
        # lines from before the cut
        self.assertTrue(at[1] < sep[0] < at[2], screen)
        self.assertEqual(sep[0] + 1, at[2], screen)
        # the rejoin comes after what was missed
        joins = [i for i, r in enumerate(rows) if "You joined #lobby" in r]
        self.assertTrue(joins and joins[-1] > at[-2], screen)
        self.assertEqual(proxy.connections(), 2)
        alice.finish()

    def test_twice_away(self):
        """A second cut catches up from the newest line shown, which may be
        one caught up the first time."""
        proxy = self.relay()
        alice = self.client("alice", port=proxy.port, height=HEIGHT)
        bob = self.irc("bob")
        bob.join("#lobby")
        bob.privmsg("#lobby", "hello")
        alice.wait_for(r"<bob> hello$")
        go_away(alice, proxy, bob, ["first away %d" % i for i in range(3)])
        alice.wait_for(r"── 3 messages while you were away ──")
        alice.wait_for(r"<bob> first away 2$")
        go_away(alice, proxy, bob, ["second away %d" % i for i in range(4)])
        alice.wait_for(r"── 4 messages while you were away ──")
        alice.wait_for(r"<bob> second away 3$")
        screen = alice.stable_screen()
        assert_once_in_order(
            self, screen, ["<bob> hello"] + ["<bob> first away %d" % i for i in range(3)] +
            ["<bob> second away %d" % i for i in range(4)])
        alice.finish()


class FallbackTest(e2e.ClientTestCase):
    """parleyd replays a room's last lines on join to clients that did not
    negotiate draft/chathistory; the relay hides it (as from a server
    without it), so the client gets today's replay, and must not show a
    line twice."""

    server_args = ("--history-store", "memory")

    def run_fallback(self, hidden, said_pattern):
        proxy = e2e.CutProxy(self.server.port, e2e.hide_caps(*hidden))
        self.addCleanup(proxy.close)
        alice = self.client("alice", port=proxy.port, height=HEIGHT)
        bob = self.irc("bob")
        bob.join("#lobby")
        # Without server-time a replay is matched by the minute it was
        # said: keep the lines before the cut inside one minute.
        while time.localtime().tm_sec >= 55:
            time.sleep(0.5)
        bob.privmsg("#lobby", "seen before 1")
        bob.privmsg("#lobby", "seen before 2")
        alice.wait_for(said_pattern % "seen before 2")
        alice.type("mine, before")
        alice.wait_for(said_pattern.replace("bob", "alice") % "mine, before")

        go_away(alice, proxy, bob, ["while away 1", "while away 2"])
        alice.wait_for(r"<bob> .*while away 2$")
        bob.privmsg("#lobby", "live again")
        alice.wait_for(r"<bob> live again$")
        screen = alice.stable_screen()
        for text in ("seen before 1", "seen before 2", "mine, before", "while away 1",
                     "while away 2", "live again"):
            self.assertEqual(count_rows(screen, text), 1,
                             "%r not shown exactly once:\n%s" % (text, screen))
        self.assertNotIn("while you were away", screen)  # no chathistory: no separator
        alice.finish()

    def test_replay_with_server_time(self):
        self.run_fallback(["draft/chathistory", "chathistory"], r"<bob> %s$")

    def test_replay_marked_without_server_time(self):
        self.run_fallback(["draft/chathistory", "chathistory", "server-time", "message-tags",
                           "batch"], r"<bob> %s$")


if __name__ == "__main__":
    e2e.main()
