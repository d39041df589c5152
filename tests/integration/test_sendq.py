#!/usr/bin/env python3
"""SendQ (concurrency): a member that never reads is disconnected with
"SendQ exceeded" while the others flood the room; every other member still
receives every message."""

import re
import select
import socket
import threading
import time

from harness import ServerTestCase, main, run_threads

PAD = "p" * 300


def read_until(sock, pattern, timeout=10.0):
    """Synchronously reads from sock until a line matches; returns the data."""
    rx = re.compile(pattern)
    data = b""
    deadline = time.monotonic() + timeout
    while True:
        for line in data.split(b"\n"):
            if rx.search(line.decode("utf-8", "replace")):
                return data
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("slow client: no line matching /%s/ within %.0fs; got %r"
                                 % (pattern, timeout, data[-2000:]))
        r, _, _ = select.select([sock], [], [], left)
        if r:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("slow client: closed while waiting for /%s/" % pattern)
            data += chunk


class SendQ(ServerTestCase):
    server_args = ("--sendq", "65536")

    def test_never_reading_client_dropped_others_lose_nothing(self):
        flooders = [self.irc("flood%d" % i) for i in range(3)]
        observer = self.irc("observer")
        for c in flooders + [observer]:
            c.join("#flood")

        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", self.server.port))
        self.addCleanup(slow.close)
        slow.sendall(b"NICK slow\r\nUSER slow 0 * :Slow\r\n")
        read_until(slow, r"^:parley (376|422) slow ")
        slow.sendall(b"JOIN #flood\r\n")
        read_until(slow, r"^:parley 366 slow #flood ")
        # from now on, slow never reads

        everyone = flooders + [observer]
        for c in everyone:
            c.expect(r"^:slow!\S+ JOIN :?#flood$")
            c.drain()

        quit_rx = re.compile(r"^:slow!slow@127\.0\.0\.1 QUIT :.*SendQ exceeded")
        dropped = threading.Event()
        sent = {}
        max_msgs = 20000  # ~6 MB per flooder: a hard bound on the loop

        def seen_quit():
            return any(quit_rx.search(l) for l in observer.received)

        def flood(c):
            # Paced: a batch goes out once every reading member has the
            # previous one, so the readers (slower than the server) never
            # build a SendQ of their own; only slow's grows.
            others = [m for m in everyone if m is not c]

            def run():
                n = 0
                while n < max_msgs and not dropped.is_set():
                    marks = [m.mark() for m in others]
                    for _ in range(20):
                        c.privmsg("#flood", "%s %d %s" % (c.nick, n, PAD))
                        n += 1
                    last = " :%s %d %s" % (c.nick, n - 1, PAD)
                    for m, mark in zip(others, marks):
                        m.wait_lines(lambda ls: any(l.endswith(last) for l in ls),
                                     "%s's message %d" % (c.nick, n - 1), timeout=30,
                                     since=mark)
                    if seen_quit():
                        dropped.set()
                sent[c.nick] = n
                c.privmsg("#flood", "%s done" % c.nick)
            return run

        run_threads([flood(c) for c in flooders], timeout=90)
        print("sendq: messages sent per flooder until slow was dropped: %r" % sent)
        observer.wait_lines(lambda ls: any(quit_rx.search(l) for l in ls),
                            "slow's QUIT with 'SendQ exceeded' after %r messages" % sent,
                            timeout=20)
        for c in everyone:
            c.expect(quit_rx)
            for f in flooders:
                if f is not c:
                    c.expect(r"^:%s!\S+ PRIVMSG #flood :%s done$" % (f.nick, f.nick),
                             timeout=60)
        rx = re.compile(r"^:(flood\d)!\S+ PRIVMSG #flood :(flood\d) (\d+) p+$")
        for c in everyone:
            got = {}
            for line in c.received:
                m = rx.match(line)
                if m:
                    self.assertEqual(m.group(1), m.group(2))
                    got.setdefault(m.group(1), []).append(int(m.group(3)))
            for f in flooders:
                if f is c:
                    continue
                seq = got.get(f.nick, [])
                self.assertEqual(len(seq), sent[f.nick],
                                 "%s got %d of %s's %d messages" % (c.nick, len(seq), f.nick,
                                                                    sent[f.nick]))
                self.assertEqual(seq, list(range(sent[f.nick])),
                                 "%s: %s's messages reordered or duplicated" % (c.nick, f.nick))
        # the slow client's connection is closed (after whatever was buffered)
        slow.settimeout(1.0)
        deadline = time.monotonic() + 15
        total = 0
        closed = False
        while time.monotonic() < deadline and total < 64 * 1024 * 1024:
            try:
                chunk = slow.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            total += len(chunk)
        self.assertTrue(closed, "slow client's connection not closed")
        # and the server is fine
        for c in everyone:
            c.sync()


if __name__ == "__main__":
    main()
