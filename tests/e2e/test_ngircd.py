#!/usr/bin/env python3
"""e2e interop: the parley client against ngircd (Debian's package), with a
raw-socket second connection: join, chat both ways, nick change.

Runs its own ngircd in the foreground on a free port with a config written
to a temporary directory (the system service, if any, is left alone).
Exits 77 (skipped) when ngircd is not installed."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import e2e
import harness

NGIRCD = shutil.which("ngircd") or ("/usr/sbin/ngircd" if os.access("/usr/sbin/ngircd", os.X_OK)
                                    else None)

CONF = """\
[Global]
	Name = irc.test
	Info = parley interop test
	Listen = 127.0.0.1
	Ports = {port}
	MotdPhrase = parley interop test
	PidFile = {dir}/ngircd.pid
[Limits]
	MaxConnectionsIP = 0
	PingTimeout = 120
[Options]
	PAM = no
	Ident = no
	DNS = no
"""


class Ngircd:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="parley-ngircd-")
        self.port = e2e.free_port()
        self.conf = os.path.join(self.dir, "ngircd.conf")
        with open(self.conf, "w") as f:
            f.write(CONF.format(port=self.port, dir=self.dir))
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.proc = subprocess.Popen([NGIRCD, "-n", "-f", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("ngircd did not start:\n" + self.output())
                time.sleep(0.1)

    def output(self):
        self.log.flush()
        with open(os.path.join(self.dir, "log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@unittest.skipUnless(NGIRCD, "ngircd is not installed (scripts/install-deps --test)")
class NgircdInteropTest(e2e.ClientTestCase):
    start_server = False

    def test_join_chat_nick_change(self):
        server = Ngircd()
        self.addCleanup(server.stop)
        term = self.client("alice", port=server.port)
        term.wait_for(r"^ \[alice\] 2:#lobby \(1 user\)")
        bob = harness.IrcClient(server.port, nick="bob")
        self.addCleanup(bob.close)
        bob.send("NICK bob")
        bob.send("USER bob 0 * :Bob")
        bob.expect(r"^:\S+ 001 bob ")
        bob.send("JOIN #lobby")
        names = bob.collect_until(r" 366 bob #lobby ")
        self.assertTrue(any("@alice" in l for l in names), names)
        term.wait_for(r"bob \(\S+\) joined #lobby")
        term.wait_for(r"^ \[alice\] 2:#lobby \(2 users\)")

        term.type("hello from parley")
        bob.expect(r"^:alice!\S+ PRIVMSG #lobby :hello from parley$")
        # without echo-message the client shows its own line at once
        term.wait_for(r"<alice> hello from parley$")
        bob.privmsg("#lobby", "hello from a raw socket, alice")
        term.wait_for(r"<bob> hello from a raw socket, alice$")

        term.type("/nick alicia")
        bob.expect(r"^:alice!\S+ NICK :?alicia$")
        term.wait_for(r"You are now known as alicia")
        term.wait_for(r"^ \[alicia\] 2:#lobby")
        term.type("still me")
        bob.expect(r"^:alicia!\S+ PRIVMSG #lobby :still me$")

        bob.privmsg("alicia", "a private word")
        term.wait_for(r"act: .*3!")
        term.keys("M-3")
        term.wait_for(r"<bob> a private word$")
        term.type("/conn")
        term.wait_for(r"Your connection: you are 127\.0\.0\.1:\d+, the server is 127\.0\.0\.1:%d\."
                      % server.port)
        term.type("/quit bye ngircd")
        bob.expect(r"^:alicia!\S+ QUIT :.*bye ngircd")
        term.finish(quit_keys=())

    def test_paste_query_and_away_without_the_new_capabilities(self):
        """ngircd offers neither MONITOR nor draft/multiline: a pasted block
        goes as plain PRIVMSGs, a private window sends no MONITOR, and the
        peer's away answers (one 301 per message) show once."""
        server = Ngircd()
        self.addCleanup(server.stop)
        term = self.client("alice", port=server.port)
        bob = harness.IrcClient(server.port, nick="bob")
        self.addCleanup(bob.close)
        bob.send("NICK bob")
        bob.send("USER bob 0 * :Bob")
        bob.expect(r"^:\S+ 001 bob ")
        bob.send("AWAY :gone fishing")
        bob.send("JOIN #lobby")
        bob.collect_until(r" 366 bob #lobby ")
        term.wait_for(r"bob \(\S+\) joined #lobby")
        term.paste("one\ntwo\nthree")
        term.wait_for(r"Paste 3 lines\?")
        term.keys("Enter")
        for text in ("one", "two", "three"):
            bob.expect(r"^:alice!\S+ PRIVMSG #lobby :%s$" % text)
        term.type("/query bob")
        term.wait_for(r"^ Private conversation with bob$")  # ngircd has no away-notify
        term.paste("four\nfive\nsix")
        term.wait_for(r"Paste 3 lines\?")
        term.keys("Enter")
        for text in ("four", "five", "six"):
            bob.expect(r"^:alice!\S+ PRIVMSG bob :%s$" % text)
        term.wait_for(r"<alice> six$")
        term.wait_for(r"^ Private conversation with bob - bob is away: gone fishing")
        screen = term.stable_screen()
        self.assertLessEqual(screen.count("bob is away: gone fishing"), 2, screen)  # title + 1
        term.keys("M-1")
        term.wait_for(r"^ \[alice\] 1:")
        self.assertNotIn("Unknown command", term.stable_screen())
        term.type("/quit bye")
        bob.expect(r"^:alice!\S+ QUIT ")
        term.finish(quit_keys=())


if __name__ == "__main__":
    e2e.main()
