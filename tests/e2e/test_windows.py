#!/usr/bin/env python3
"""e2e: windows and private messages, scrollback, resize (reflow)."""

import re

import e2e


class WindowsTest(e2e.ClientTestCase):

    def test_msg_opens_window_and_switching(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        # /msg opens a query window (3) without switching to it
        alice.type("/msg bob secret plan")
        # bob gets a window for alice, marked as a mention (private message)
        bob.wait_for(r"act: .*3!")
        bob.keys("M-3")
        bob.wait_for(r"^ Private conversation with alice")
        bob.wait_for(r"^\d\d:\d\d <alice> secret plan$")
        bob.wait_for(r"^ \[bob\] 3:alice")
        bob.type("got it")
        # alice switches with /win 3 and sees the reply
        alice.type("/win 3")
        alice.wait_for(r"^ Private conversation with bob")
        alice.wait_for(r"^\d\d:\d\d <bob> got it$")
        alice.wait_for(r"^\d\d:\d\d <alice> secret plan$")
        # Ctrl-N / Ctrl-P cycle, Alt-1 is the server window
        alice.keys("C-n")
        alice.wait_for(r"^ \[alice\] 1:")
        alice.keys("C-p")
        alice.wait_for(r"^ \[alice\] 3:bob")
        alice.keys("M-2")
        alice.wait_for(r"^ \[alice\] 2:#lobby")
        alice.keys("M-1")
        alice.wait_for(r"^ parley \S+ - server 127\.0\.0\.1:")
        # /close: a query closes, a room is parted and closed
        alice.type("/win 3")
        alice.wait_for(r"^ \[alice\] 3:bob")
        alice.type("/close")
        alice.wait_for(r"^ \[alice\] 2:#lobby")
        alice.type("/close")
        alice.wait_for(r"^ \[alice\] 1:")
        bob.keys("M-2")
        bob.wait_for(r"alice left #lobby")
        alice.type("/win 2")
        alice.wait_for(r"No window 2 \(there are 1\)")
        self.finish(alice, bob)

    def test_join_second_room(self):
        alice = self.client("alice")
        alice.type("/join #dev")
        alice.wait_for(r"^ \[alice\] 3:#dev \(1 user\)")
        alice.wait_for(r"You joined #dev")
        alice.type("/names")
        alice.wait_for(r"#dev: 1 user: @alice")
        self.finish(alice)

    def test_join_room_again_switches_to_it(self):
        # Regression (issue 9): /join of a room we are in did nothing, and the
        # /part after it left the room shown, not the one named.
        alice = self.client("alice")
        bob = self.client("bob")
        for room in ("#games", "#dev"):
            bob.type("/join %s" % room)
            bob.wait_for(r"You joined %s" % room)
        alice.type("/join #games")
        alice.wait_for(r"^ \[alice\] 3:#games \(2 users\)")
        alice.type("/join #dev")
        alice.wait_for(r"^ \[alice\] 4:#dev \(2 users\)")
        alice.type("/join #games")
        alice.wait_for(r"^ \[alice\] 3:#games \(2 users\)", what="#games current again")
        alice.type("/part")
        alice.wait_for(r"You left #games")
        alice.wait_for(r"^ \[alice\] 3:#games \(not joined\)")
        # The server agrees: bob (in #games, window 3) saw alice leave, and
        # #dev still has both of them.
        bob.wait_for(r"^ \[bob\] 4:#dev")
        bob.keys("M-3")
        bob.wait_for(r"alice left #games")
        bob.type("/names #dev")
        bob.keys("M-4")
        bob.wait_for(r"#dev: 2 users: @bob alice")
        self.assertNotIn("alice left #dev", bob.screen())
        alice.keys("M-4")
        alice.wait_for(r"^ \[alice\] 4:#dev \(2 users\)")
        self.finish(alice, bob)

    def test_scrollback_pgup_marker_pgdn(self):
        alice = self.client("alice", height=20)
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        for i in range(40):
            bob.type("line %02d" % i, enter=True)
        alice.wait_for(r"<bob> line 39$")
        self.assertNotIn("line 05", alice.screen())
        alice.keys("PPage")
        alice.wait_for(r"^-- more below \(PgDn\) --")
        alice.keys("PPage", "PPage", "PPage")
        alice.wait_for(r"<bob> line 00$")
        # new lines while scrolled up: the view stays, the marker counts them
        bob.type("fresh news")
        alice.wait_for(r"^-- more below: 1 new \(PgDn\) --")
        self.assertIn("<bob> line 00", alice.screen())
        for _ in range(6):
            alice.keys("NPage")
        alice.wait_for(r"<bob> fresh news$")
        self.assertNotIn("more below", alice.screen())
        self.finish(alice, bob)

    def test_resize_reflows(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        words = " ".join("word%02d" % i for i in range(30))
        bob.type(words)
        alice.wait_for(r"word29$")
        alice.resize(40, 15)
        # wrapped at 40 columns, continuation rows indented under the text
        alice.wait_until(lambda s: max(len(r) for r in s.split("\n")) <= 40 and
                         "word29" in s and "word00" in s, "the message wrapped at 40 columns")
        rows = alice.rows()
        self.assertEqual(len(rows), 15, alice.screen())
        body = [r for r in rows if "word" in r]
        self.assertGreaterEqual(len(body), 5, alice.screen())
        for r in body[1:]:
            self.assertTrue(r.startswith("      word"), alice.screen())
        self.assertTrue(rows[13].startswith(" [alice]"), alice.screen())
        self.assertTrue(rows[14].startswith(">"), alice.screen())
        # every word exactly once, in order
        found = re.findall(r"word\d\d", alice.screen())
        self.assertEqual(found, ["word%02d" % i for i in range(30)], alice.screen())
        # back to wide: one row again
        alice.resize(240, 30)
        alice.wait_for(r"<bob> word00 .* word29$")
        rows = alice.rows()
        self.assertEqual(len(rows), 30)
        self.assertTrue(rows[28].startswith(" [alice]"), alice.screen())
        self.finish(alice, bob)


if __name__ == "__main__":
    e2e.main()
