#!/usr/bin/env python3
"""e2e: private messages between two logged-in parley clients are kept by
parleyd (history for accounts), so a client whose connection dropped with
private lines in flight shows them in the query window once it is back —
caught up with CHATHISTORY like a room, each line once."""

import os
import re
import tempfile
import threading

import e2e

PASSWORD = "correct horse battery"
HEIGHT = 40


class Blackhole:
    """A CutProxy server_filter that, while on, drops every line the server
    sends (a connection dying with lines in flight) and keeps them, so the
    test knows when the server has sent one."""

    def __init__(self):
        self.on = False
        self.dropped = []
        self.seen = []  # every line, for the failure message
        self.cond = threading.Condition()

    def __call__(self, line):
        with self.cond:
            self.seen.append(line)
            if not self.on:
                return line
            self.dropped.append(line)
            self.cond.notify_all()
            return None

    def wait_dropped(self, pattern, timeout):
        with self.cond:
            ok = self.cond.wait_for(
                lambda: any(re.search(pattern, l) for l in self.dropped), timeout)
        if not ok:
            raise AssertionError("the server never sent %r; dropped: %r" % (pattern,
                                                                             self.dropped))


class DmHistoryTest(e2e.ClientTestCase):

    def make_account(self, name):
        c = self.irc(name)
        c.send("REGISTER %s * :%s" % (name, PASSWORD))
        c.expect(r"REGISTER SUCCESS %s " % name)
        c.send("QUIT")
        c.expect_closed()

    def password_file(self):
        fd, path = tempfile.mkstemp(prefix="parley-pw-")
        self.addCleanup(os.unlink, path)
        os.write(fd, PASSWORD.encode() + b"\n")
        os.close(fd)
        os.chmod(path, 0o600)
        return path

    def test_query_window_catches_up_after_a_drop(self):
        self.make_account("alice")
        self.make_account("bob")
        hole = Blackhole()
        proxy = e2e.CutProxy(self.server.port, hole)
        self.addCleanup(proxy.close)
        pw = self.password_file()
        alice = self.client("alice", "--login-file", pw, port=proxy.port, height=HEIGHT)
        alice.wait_for(r"You are logged in as alice")
        bob = self.client("bob", "--login-file", pw, height=HEIGHT)
        bob.wait_for(r"You are logged in as bob")

        alice.type("/msg bob hello bob")
        bob.wait_for(r"act: .*3!")
        bob.keys("M-3")
        bob.wait_for(r"^ Private conversation with alice")
        bob.wait_for(r"<alice> hello bob$")
        bob.type("hi alice")
        alice.type("/win 3")
        alice.wait_for(r"^ Private conversation with bob")
        alice.wait_for(r"<bob> hi alice$")

        # alice's connection dies with bob's next lines in flight.
        hole.on = True
        bob.type("missed one")
        bob.type("missed two")
        hole.wait_dropped(r"PRIVMSG alice :missed two", 10 * e2e.wait_scale())
        proxy.cut()
        hole.on = False
        alice.wait_for(r"Disconnected: ")
        alice.wait_for(r"You are logged in as alice")
        try:
            alice.wait_for(r"── 2 messages while you were away ──")
        except AssertionError as e:
            raise AssertionError("%s\nthe server sent:\n%s" % (e, "\n".join(hole.seen[-30:])))
        alice.wait_for(r"<bob> missed two$")
        screen = alice.stable_screen()
        rows = [r.rstrip() for r in screen.split("\n")]
        for text in ["<bob> hi alice", "<bob> missed one", "<bob> missed two"]:
            self.assertEqual(sum(1 for r in rows if r.endswith(text)), 1, screen)
        one = [i for i, r in enumerate(rows) if r.endswith("<bob> missed one")][0]
        two = [i for i, r in enumerate(rows) if r.endswith("<bob> missed two")][0]
        self.assertLess(one, two, screen)
        # and the conversation goes on
        bob.type("welcome back")
        alice.wait_for(r"<bob> welcome back$")
        self.finish(alice, bob)


if __name__ == "__main__":
    e2e.main()
