#!/usr/bin/env python3
"""e2e (issue 8, client item 4): a hostile server floods the client, which
stays usable and bounded.

A fake IRC server registers the client in #lobby, then sends as fast as the
client takes it (a bounded loop): channel messages, private messages from
ever new nicks, a NAMES reply that never ends, "NICK :" and nick-less
prefixes. While it floods, the test types, switches windows and reads the
limits off the screen, then quits with Ctrl-C; the flood must still be going
when that happens (the keys worked during it, not after it)."""

import threading
import time

import e2e

FLOOD_MAX_BYTES = 1 << 30  # the loop's bound; the client quits long before
CHUNK_LINES = 400


class FloodServer(e2e.FakeIrcServer):
    """Registers one client, then floods it until it leaves."""

    def __init__(self):
        super().__init__()
        self.go = threading.Event()
        self.lock = threading.Lock()
        self.lines_sent = 0
        self.bytes_sent = 0
        self.flood_over = threading.Event()
        self.reached_cap = False
        self.start()

    def serve(self):
        try:
            self.register()
            if self.go.wait(60):
                self.flood()
        except OSError:
            pass
        finally:
            self.flood_over.set()

    def register(self):
        nick = "victim"
        for _, words, cmd in self.lines():
            if cmd == "CAP" and len(words) > 1 and words[1] == "LS":
                self.send(":evil CAP * LS :")
            elif cmd == "NICK":
                nick = words[1]
            elif cmd == "USER":
                self.send(":evil 001 %s :Welcome" % nick)
            elif cmd == "JOIN":
                self.send(":%s!u@h JOIN #lobby" % nick)
                self.send(":evil 353 %s = #lobby :%s @mallory" % (nick, nick))
                self.send(":evil 366 %s #lobby :End of /NAMES list." % nick)
                return
        raise OSError("client left during registration")

    def chunk(self, n):
        """CHUNK_LINES lines of flood number n (new nicks every time)."""
        lines = []
        for k in range(CHUNK_LINES // 8):
            i = n * CHUNK_LINES + k
            names = " ".join("n%dx%d" % (i, j) for j in range(50))
            lines += [
                ":mallory!m@h PRIVMSG #lobby :flood line %d" % i,
                ":spam%d!s@h PRIVMSG victim :knock knock %d" % (i, i),
                ":evil 353 victim = #lobby :" + names,  # and never a 366
                ":mallory!m@h NOTICE #lobby :notice %d" % i,
                ":victim!u@h NICK :",
                ":!u@h PRIVMSG victim :from nobody",
                ":mallory!m@h PRIVMSG #lobby :\x02bold\x02 %d" % i,
                "NICK :",
            ]
        return ("\r\n".join(lines) + "\r\n").encode()

    def flood(self):
        n = 0
        while self.bytes_sent < FLOOD_MAX_BYTES:
            data = self.chunk(n)
            self.conn.sendall(data)  # blocks while the client does not read
            n += 1
            with self.lock:
                self.lines_sent += CHUNK_LINES
                self.bytes_sent += len(data)
        self.reached_cap = True

    def sent(self):
        with self.lock:
            return self.lines_sent



class FloodTest(e2e.ClientTestCase):
    start_server = False

    def wait_sent(self, fake, lines):
        deadline = time.monotonic() + 30 * e2e.wait_scale()
        while fake.sent() < lines:
            self.assertLess(time.monotonic(), deadline, "the flood never got going")
            self.assertFalse(fake.flood_over.is_set(), "the flood ended early")
            time.sleep(0.05)

    def test_client_stays_live_and_bounded(self):
        fake = FloodServer()
        self.addCleanup(fake.close)
        term = self.client("victim", port=fake.port)
        fake.go.set()
        self.wait_sent(fake, 20000)
        # typing shows while lines keep coming
        term.type("typed during the flood", enter=False)
        term.wait_for(r"^> typed during the flood")
        # the NAMES that never ends stops at the nick-list limit
        term.keys("C-u")
        term.type("/win 2")
        term.wait_for(r"^ \[victim\] 2:#lobby \(20000 users\)")
        # private messages from new nicks opened at most 50 query windows
        term.type("/win 3")
        term.wait_for(r"^ Private conversation with spam0$")
        term.wait_for(r"<spam0> knock knock 0$")
        term.type("/win 53")
        term.wait_for(r"No window 53 \(there are 52\)")
        # the server window has the rest, and the note once
        term.keys("M-1")
        term.wait_for(r"^ parley \S+ - server 127\.0\.0\.1:")
        term.wait_for(r"<spam\d+> knock knock \d+$")
        # the nick never became empty
        term.wait_for(r"^ \[victim\] 1:")
        self.assertFalse(fake.flood_over.is_set(), "the flood ended before the keys were seen")
        term.finish()  # Ctrl-C, exit status 0, clean sanitizers
        self.assertTrue(fake.flood_over.wait(30 * e2e.wait_scale()))
        self.assertFalse(fake.reached_cap)


if __name__ == "__main__":
    e2e.main()
