#!/usr/bin/env python3
"""e2e: hostile text from the network never reaches the terminal as a control
sequence. parleyd itself refuses control characters, so the raw ESC/C1 attacks
come from a fake IRC server written here; bidi overrides and IRC formatting
codes (which parleyd relays) are also sent through a real parleyd."""


import threading

import e2e

ESC = "\x1b"
HOSTILE = [
    # (what is sent as the PRIVMSG text, what the screen must show instead)
    (ESC + "[2J" + ESC + "[Hclear screen", "␛[2J␛[Hclear screen"),
    (ESC + "]0;pwned\x07title set", "␛]0;pwned␇title set"),
    ("move " + ESC + "[10;10Hhere " + ESC + "[5Aup", "move ␛[10;10Hhere ␛[5Aup"),
    ("c1 \u009b31mcsi", "c1 \ufffd31mcsi"),
    ("bidi \u202edesrever\u202c end", "bidi desrever end"),
    ("\x02bold\x02 \x0304red\x03 \x1funder\x1f plain", "bold red under plain"),
]


class FakeServer(e2e.FakeIrcServer):
    """Just enough IRC to register one client in #lobby, then hostile lines."""

    def __init__(self):
        super().__init__()
        self.start()

    def serve(self):
        nick = "victim"
        for line, words, cmd in self.lines():
            if cmd == "CAP" and len(words) > 1 and words[1] == "LS":
                self.send(":evil CAP * LS :")
            elif cmd == "NICK":
                nick = words[1]
            elif cmd == "USER":
                self.send(":evil 001 %s :Welcome " % nick + ESC + "[2J")
            elif cmd == "PING":
                self.send(":evil PONG evil :" + line.split(":", 1)[-1])
            elif cmd == "JOIN":
                self.join(nick)
            elif cmd == "QUIT":
                self.send("ERROR :Closing link")
                self.conn.close()
                return

    def join(self, nick):
        self.send(":%s!u@h JOIN #lobby" % nick)
        self.send(":evil 332 %s #lobby :topic " % nick + ESC + "]2;pwned-too\x07 ok")
        self.send(":evil 353 %s = #lobby :%s @mallory" % (nick, nick))
        self.send(":evil 366 %s #lobby :End of /NAMES list." % nick)
        for text, _ in HOSTILE:
            self.send(":mallory!m@h PRIVMSG #lobby :" + text)
        self.send(b":mallory!m@h PRIVMSG #lobby :bad utf8 \xff\xfe end")
        self.send(":ev" + ESC + "[31mil!m@h PRIVMSG #lobby :nick attack")
        self.send(":mallory!m@h PRIVMSG #lobby :the end")



class AuthenticateServer(FakeServer):
    """After the join, asks for SASL responses the client never offered,
    then pings; records every AUTHENTICATE the client sends back."""

    def __init__(self):
        self.answered = []
        self.synced = threading.Event()
        super().__init__()

    def serve(self):
        for line, words, cmd in self.lines():
            if cmd == "AUTHENTICATE":
                self.answered.append(line)
            if cmd == "NICK":
                self.nick = words[1]
            elif cmd == "USER":
                self.send(":evil 001 %s :Welcome" % self.nick)
            elif cmd == "JOIN":
                self.send(":%s!u@h JOIN #lobby" % self.nick)
                for _ in range(50):
                    self.send("AUTHENTICATE +")
                self.send(":mallory!m@h PRIVMSG #lobby :asked")
                self.send("PING :sync")
            elif cmd == "PONG" and "sync" in line:
                self.synced.set()


class HostileTest(e2e.ClientTestCase):
    start_server = False

    def test_unasked_authenticate_gets_no_answer(self):
        """A server's "AUTHENTICATE +" when the client started no SASL
        exchange gets nothing back (it answered each with AUTHENTICATE *)."""
        fake = AuthenticateServer()
        self.addCleanup(fake.close)
        term = self.client("victim", port=fake.port)
        term.wait_for(r"<mallory> asked$")
        self.assertTrue(fake.synced.wait(10 * e2e.wait_scale()), "no PONG to the sync PING")
        self.assertEqual(fake.answered, [])

    def test_control_sequences_are_shown_not_obeyed(self):
        fake = FakeServer()
        self.addCleanup(fake.close)
        term = self.client("victim", port=fake.port)
        title_before = term.pane_title()
        term.wait_for(r"<mallory> the end$")
        screen = term.screen()
        for _, shown in HOSTILE:
            self.assertIn(shown, screen)
        self.assertIn("<mallory> bad utf8 \ufffd\ufffd end", screen)
        self.assertIn("<ev␛[31mil> nick attack", screen)
        rows = term.rows()
        # the layout is intact: title, messages, status line, input line
        self.assertEqual(len(rows), 30, screen)
        self.assertTrue(rows[0].startswith(" #lobby: topic ␛]2;pwned-too␇ ok"), screen)
        self.assertTrue(rows[28].startswith(" [victim] 2:#lobby (2 users)"), screen)
        self.assertTrue(rows[29].startswith(">"), screen)
        # the lines before the "clear screen" are still there
        self.assertIn("You joined #lobby", screen)
        # nothing set the terminal title
        self.assertNotIn("pwned", term.pane_title())
        self.assertEqual(term.pane_title(), title_before)
        # and the cursor is on the input line, after the prompt
        self.assertEqual(term.cursor(), (2, 29))
        for ch in screen:
            self.assertFalse(ord(ch) < 0x20 and ch != "\n", "control %r on screen" % ch)
        term.finish()


class HostileThroughParleydTest(e2e.ClientTestCase):

    def test_bidi_and_formatting_through_parleyd(self):
        term = self.client("victim")
        mallory = self.irc("mallory")
        mallory.join("#lobby")
        term.wait_for(r"mallory \(\S+\) joined")
        mallory.privmsg("#lobby", "bidi \u202edesrever\u202c and \u2067iso\u2069 end")
        mallory.privmsg("#lobby", "\x02bold\x02 \x0304,01colour\x03 \x16rev\x16 \x0fdone")
        term.wait_for(r"<mallory> bidi desrever and iso end$")
        term.wait_for(r"<mallory> bold colour rev done$")
        self.assertNotIn("\u202e", term.screen())
        term.finish()


if __name__ == "__main__":
    e2e.main()
