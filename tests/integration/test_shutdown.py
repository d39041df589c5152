#!/usr/bin/env python3
"""Shutdown (concurrency): SIGTERM / SIGINT with connected clients in rooms
(IRC, plain and unregistered, some of them sending): every client gets an
ERROR (plain users a line) about the shutdown, is closed, and the server
exits 0 without sanitizer reports."""

import re
import signal
import threading

from harness import EXIT_TIMEOUT, LineClient, ServerTestCase, main

SHUT = re.compile(r"(?i)shut\s*(ting\s*)?down|shutdown")


class Shutdown(ServerTestCase):

    def populate(self, n_irc=16, n_plain=4):
        ircs = []
        for i in range(n_irc):
            c = self.irc("u%02d" % i)
            c.join("#room%d" % (i % 4))
            c.join("#all")
            ircs.append(c)
        plains = [self.plain("p%02d" % i) for i in range(n_plain)]
        return ircs, plains

    def check_shutdown(self, sig, ircs, plains, others=()):
        self.server.send_signal(sig)
        for c in ircs:
            c.expect(r"^ERROR :", timeout=EXIT_TIMEOUT)
            self.assertRegex(c.last_line, SHUT, "ERROR does not mention the shutdown")
        for c in plains:
            c.wait_lines(lambda ls: any(SHUT.search(l) for l in ls),
                         "a line about the shutdown", timeout=EXIT_TIMEOUT)
        for c in list(ircs) + list(plains) + list(others):
            c.expect_closed(timeout=EXIT_TIMEOUT)
        status = self.server.wait_exit(EXIT_TIMEOUT)
        self.assertEqual(status, 0, "parleyd exit status after %s" % signal.Signals(sig).name)
        # tearDown's stop() then checks stderr for sanitizer reports

    def test_sigterm_with_20_clients(self):
        ircs, plains = self.populate()
        unreg = LineClient(self.server.port, name="unregistered")
        self.clients.append(unreg)
        unreg.expect(r"NOTICE \* ")
        half = LineClient(self.server.port, name="half-registered")
        self.clients.append(half)
        half.send("NICK halfway\r\n")
        for c in ircs:
            c.sync()
        self.check_shutdown(signal.SIGTERM, ircs, plains, others=(unreg, half))
        self.assertTrue(any(l.startswith("ERROR") for l in unreg.received),
                        "unregistered client got no ERROR:\n" + unreg.describe())

    def test_sigint(self):
        ircs, plains = self.populate(n_irc=6, n_plain=2)
        self.check_shutdown(signal.SIGINT, ircs, plains)

    def test_sigterm_while_flooding(self):
        ircs, plains = self.populate(n_irc=8, n_plain=2)
        stop = threading.Event()
        counts = {}

        def flood(c):
            n = 0
            while not stop.is_set() and n < 20000 and not c.is_closed():
                if not c.try_send("PRIVMSG #all :flood %d" % n):
                    break
                n += 1
            counts[c.nick] = n

        threads = [threading.Thread(target=flood, args=(c,), daemon=True) for c in ircs[:4]]
        for t in threads:
            t.start()
        # let the flood get going (bounded wait on observed traffic)
        ircs[5].wait_lines(lambda ls: sum("PRIVMSG #all" in l for l in ls) >= 200,
                           "some flood traffic", timeout=20)
        try:
            self.check_shutdown(signal.SIGTERM, ircs, plains)
        finally:
            stop.set()
            for t in threads:
                t.join(10)

    def test_idle_server_sigterm(self):
        status = self.server.stop()
        self.assertEqual(status, 0)


if __name__ == "__main__":
    main()
