#!/usr/bin/env python3
"""C1 controls, bidi controls and invisible characters (issue 8, server item 5):
C1 is refused in messages like C0; names refuse C1, bidi and zero-width
characters; plain users, the log and --trace never get a bidi control (RTL
letters stay) nor a raw C1 control."""

import re

from harness import ServerTestCase, main, poll_until

RLO = "\u202e"   # right-to-left override
PDF = "\u202c"   # pop directional formatting
RLI = "\u2067"   # right-to-left isolate
PDI = "\u2069"   # pop directional isolate
ZWSP = "\u200b"  # zero width space
CSI = "\u009b"   # C1 control sequence introducer (xterm)
OSC = "\u009d"   # C1 operating system command
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # shalom

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
C1 = re.compile("[\u0080-\u009f]")


class Text(ServerTestCase):
    server_args = ("--trace",)

    def pair(self, room="#room"):
        alice = self.irc("alice")
        alice.join(room)
        bob = self.irc("bob")
        bob.join(room)
        alice.expect(r"^:bob!\S+ JOIN ")
        return alice, bob

    def test_c1_in_messages_refused(self):
        alice, bob = self.pair()
        for i, ctl in enumerate((CSI, OSC, "\u0080", "\u0085", "\u009f")):
            alice.send("PRIVMSG #room :a%s2Jb" % ctl)
            lines = alice.sync()
            self.assertTrue(any(re.search(r"(?i)NOTICE alice :.*control character", l)
                                for l in lines), "no notice for C1 U+%04X: %r" % (ord(ctl), lines))
            alice.privmsg("#room", "marker %d" % i)
            before = bob.collect_until(r"PRIVMSG #room :marker %d$" % i)[:-1]
            self.assertFalse(any(" PRIVMSG " in l for l in before),
                             "C1 message was relayed: %r" % before)
        alice.send("TOPIC #room :topic %s31m" % CSI)
        self.assertTrue(any("control character" in l for l in alice.sync()))

    def test_c1_plain_mode_refused(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        pat = self.plain("pat")
        alice.expect(r"^:pat!\S+ JOIN ")
        mark = pat.mark()
        pat.say("evil %s2J here" % CSI)
        pat.wait_lines(lambda ls: any("control character" in l for l in ls),
                       "a line about the control character", since=mark)
        pat.say("fine")
        before = alice.collect_until(r"PRIVMSG #lobby :fine$")
        self.assertFalse(any("evil" in l for l in before), before)

    def test_names_refuse_bidi_c1_and_invisible(self):
        alice = self.irc("alice")
        for bad in ("#a%sb" % RLO, "#a%sb" % RLI, "#a%sb" % ZWSP, "#a\u200fb", "#\ufeffx",
                    "#a\u00a0b", "#a\u2060b", "#a\u00adb"):
            alice.send("JOIN " + bad)
            lines = alice.sync()
            self.assertTrue(any(re.search(r" 403 alice ", l) for l in lines),
                            "JOIN %r was not refused: %r" % (bad, lines))
            self.assertFalse(any(" JOIN " in l for l in lines), lines)
        alice.join("#caf\u00e9")  # letters beyond ASCII stay fine
        for bad in ("a%sb" % RLO, "a%sb" % ZWSP, "evil%s" % CSI):
            alice.send("NICK " + bad)
            lines = alice.sync()
            self.assertTrue(any(" 432 " in l or "control character" in l for l in lines),
                            "NICK %r was not refused: %r" % (bad, lines))
        pat = self.plain(login=False)
        pat.expect(r"NOTICE \* .*nickname")
        pat.send("p%sat" % RLO)
        pat.expect(r"cannot be a nickname")
        pat.send("pat")
        pat.expect(r"#lobby")
        mark = pat.mark()
        pat.send("/join #x%sy" % ZWSP)
        pat.wait_lines(lambda ls: any("cannot be a room name" in l for l in ls),
                       "a refusal of the channel name", since=mark)

    def test_bidi_stripped_for_plain_log_and_trace(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        pat = self.plain("pat")
        alice.expect(r"^:pat!\S+ JOIN ")
        text = "%s%s%s and %sevil%s" % (RLI, HEBREW, PDI, RLO, PDF)
        alice.privmsg("#lobby", text)
        line = pat.expect(r"<alice> ").string
        self.assertIsNone(BIDI_CONTROLS.search(line), "plain user got a bidi control: %r" % line)
        self.assertIn(HEBREW, line, "the RTL text itself must stay")
        self.assertIn("evil", line)
        # IRC clients get the text as it was sent.
        bob = self.irc("bob")
        bob.join("#lobby")
        alice.privmsg("#lobby", text)
        bob.expect(r"PRIVMSG #lobby :" + re.escape(text) + "$")
        # A quit reason goes to plain users, the log and the trace.
        alice.send("QUIT :bye %s%s%s" % (RLO, HEBREW, PDF))
        alice.wait_closed()
        line = pat.expect(r"alice quit").string
        self.assertIsNone(BIDI_CONTROLS.search(line), line)
        self.assertIn(HEBREW, line)
        srv = self.server
        closed = lambda: [l for l in srv.output_text().splitlines()
                          if "Quit: bye" in l and re.search(r"(?i)closed|ended", l)]
        self.assertTrue(poll_until(lambda: len(closed()) >= 2, timeout=10),
                        "no log and trace line about alice's quit: %r" % closed())
        for l in closed():
            self.assertIsNone(BIDI_CONTROLS.search(l), "bidi control in log/trace: %r" % l)
            self.assertIn(HEBREW, l)
        for l in srv.output_text().splitlines():
            self.assertIsNone(C1.search(l), "C1 control in log/trace: %r" % l)


if __name__ == "__main__":
    main()
