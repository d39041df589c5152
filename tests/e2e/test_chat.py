#!/usr/bin/env python3
"""e2e: chatting between real parley clients in tmux against a real parleyd:
both ways, history for a late joiner, tab completion, wide characters."""

import re
import time

import e2e


class ChatTest(e2e.ClientTestCase):

    def test_two_clients_chat_both_ways(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined #lobby")
        alice.type("hello bob")
        bob.wait_for(r"^\d\d:\d\d <alice> hello bob$")
        bob.type("hi alice, how are you?")
        # a mention of alice: shown to her (highlighted) and marked own for bob
        alice.wait_for(r"^\d\d:\d\d <bob> hi alice, how are you\?$")
        alice.wait_for(r"^\d\d:\d\d <alice> hello bob$")  # own message, via echo-message
        alice.type("/me waves")
        bob.wait_for(r"^\d\d:\d\d \* alice waves$")
        # the status line: nick, window, users
        alice.wait_for(r"^ \[alice\] 2:#lobby \(2 users\)")
        # the title line names the room
        self.assertTrue(alice.rows()[0].startswith(" #lobby"), alice.screen())
        # /topic shows in the title of both
        alice.type("/topic planning the LAN party")
        bob.wait_for(r"^ #lobby: planning the LAN party")
        bob.wait_for(r"alice changed the topic of #lobby to: planning the LAN party")
        self.finish(alice, bob)

    def test_late_joiner_sees_history_with_original_times(self):
        alice = self.client("alice")
        sent_at = set()
        for i in range(3):
            sent_at.add(e2e.hhmm())
            alice.type("history line %d" % i)
            sent_at.add(e2e.hhmm())
        alice.wait_for(r"<alice> history line 2$")
        carol = self.client("carol")
        m = carol.wait_for(r"^(\d\d:\d\d) <alice> history line 0$")
        carol.wait_for(r"^\d\d:\d\d <alice> history line 2$")
        self.assertIn(m.group(1), sent_at, carol.screen())
        # parleyd offers draft/chathistory: the history (said before carol
        # joined) comes in order under its separator, then her join
        rows = carol.rows()
        idx = [i for i, r in enumerate(rows)
               if "history line" in r or "You joined" in r or "before you joined" in r]
        self.assertEqual([rows[i][6:] for i in idx],
                         ["── 3 messages from before you joined ──",
                          "<alice> history line 0", "<alice> history line 1",
                          "<alice> history line 2", "-!- You joined #lobby"], carol.screen())
        # no "[history ...]" text marks: server-time was negotiated
        self.assertNotIn("[history", carol.screen())
        self.finish(alice, carol)

    def test_tab_completes_nick_and_command(self):
        alice = self.client("alice")
        bob = self.client("bobby")
        alice.wait_for(r"bobby \(\S+\) joined")
        alice.type("bo", enter=False)
        alice.keys("Tab")
        alice.wait_for(r"^> bobby:\s*$")
        alice.type("ping")
        bob.wait_for(r"<alice> bobby: ping$")
        # commands complete too
        alice.type("/nickl", enter=False)
        alice.keys("Tab")
        alice.wait_for(r"^> /nicklist\s*$")
        alice.keys("Enter")
        alice.wait_for(r"│@alice")
        alice.wait_for(r"│ bobby")
        self.finish(alice, bob)

    def test_voiced_op_keeps_its_voice_after_deop(self):
        """With multi-prefix, NAMES tells the client that an op is voiced too
        (@+alice), so after MODE -o the nick list shows +alice, not alice."""
        alice = self.irc("alice")
        alice.join("#lobby")
        alice.send("MODE #lobby +v alice")
        alice.expect(r"MODE #lobby \+v alice")
        carol = self.client("carol", "--nicklist")
        carol.wait_for(r"│@alice")
        alice.send("MODE #lobby -o alice")
        carol.wait_for(r"│\+alice")
        self.finish(carol)

    def test_wide_characters(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        text = "你好世界 😀 ok"
        alice.type(text, enter=False)
        alice.wait_for(r"^> " + re.escape(text) + "$")
        # cursor after "> " + 4 wide + space + emoji (2) + space + "ok"
        want = 2 + 8 + 1 + 2 + 1 + 2
        alice.wait_until(lambda s: alice.cursor()[0] == want, "cursor at column %d" % want)
        alice.keys("Left", "Left", "Left")  # before " ok"
        alice.wait_until(lambda s: alice.cursor()[0] == want - 3, "cursor before ' ok'")
        alice.keys("Left")  # before the emoji, two columns further left
        alice.wait_until(lambda s: alice.cursor()[0] == want - 5, "cursor before the emoji")
        alice.keys("End", "Enter")
        bob.wait_for(r"<alice> " + re.escape(text) + "$")
        bob.type("こんにちは alice")
        alice.wait_for(r"<bob> こんにちは alice$")
        # the layout is intact: status line and input line where they belong
        rows = alice.rows()
        self.assertTrue(rows[28].startswith(" [alice]"), alice.screen())
        self.assertTrue(rows[29].startswith(">"), alice.screen())
        self.finish(alice, bob)

    def test_paste_several_lines_asks_then_sends_in_order(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        alice.paste("first pasted\nsecond pasted\nthird pasted")
        alice.wait_for(r"Paste 3 lines\? \(Enter to send, Esc to cancel\)")
        alice.keys("Enter")
        # both negotiated draft/multiline with parleyd: one message, in order
        # (test_multiline has the line-by-line way without it)
        bob.wait_for(r"<alice> first pasted\n {14}second pasted\n {14}third pasted$")
        alice.paste("not\nsent")
        alice.wait_for(r"Paste 2 lines\?")
        alice.keys("Escape")
        alice.wait_for(r"Paste cancelled")
        self.assertNotIn("<alice> not", bob.screen())
        self.finish(alice, bob)

    def test_terminal_without_colours(self):
        # vt100 has bold and reverse but no colours: attributes only
        alice = self.client("alice", env={"TERM": "vt100"})
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        bob.type("alice: plain terminal")
        alice.wait_for(r"^\d\d:\d\d <bob> alice: plain terminal$")
        alice.wait_for(r"^ \[alice\] 2:#lobby \(2 users\)")
        self.finish(alice, bob)


if __name__ == "__main__":
    e2e.main()
