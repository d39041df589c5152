#!/usr/bin/env python3
"""Liveness: registration timeout, server PINGs and ping timeout."""

import time

from harness import IrcClient, LineClient, PlainClient, ServerTestCase, main


class RegTimeout(ServerTestCase):
    server_args = ("--reg-timeout", "1")

    def test_never_speaks(self):
        c = LineClient(self.server.port, name="silent")
        self.clients.append(c)
        c.expect(r"^ERROR :", timeout=10)
        c.expect_closed()
        self.assertFalse(any(" 001 " in l for l in c.received))

    def test_nick_only_times_out(self):
        c = IrcClient(self.server.port, name="nickonly")
        self.clients.append(c)
        c.send("NICK nickonly")
        c.expect(r"^ERROR :", timeout=10)
        c.expect_closed()
        # the nick is free again
        d = self.irc("nickonly")
        d.sync()

    def test_plain_nickname_step_times_out(self):
        c = PlainClient(self.server.port, name="plain-silent")
        self.clients.append(c)
        c.expect(r"NOTICE \* .*nickname")
        c.send("1bad")  # invalid nickname: asked again, still unregistered
        c.expect(r"^\*\*\* ")
        self.assertTrue(c.wait_closed(10), "plain client without nickname not closed:\n" +
                        c.describe())

    def test_registered_client_stays(self):
        c = self.irc("quick")
        time.sleep(2.5)  # longer than --reg-timeout
        c.sync()
        self.assertFalse(c.is_closed())
        p = self.plain("plainquick")
        time.sleep(2.5)
        self.assertFalse(p.is_closed(), "registered plain user dropped by the reg timeout")


class Ping(ServerTestCase):
    server_args = ("--ping-interval", "1")

    def test_pong_keeps_client(self):
        c = self.irc("alive")  # auto_pong answers the server's PINGs
        c.expect(r"^(:parley )?PING :?\S+", timeout=10)
        c.expect(r"^(:parley )?PING :?\S+", timeout=10)  # and again: still connected
        c.sync()

    def test_ping_timeout(self):
        alice = self.irc("alice")
        alice.join("#room")
        lazy = IrcClient(self.server.port, "lazy", auto_pong=False)
        self.clients.append(lazy)
        lazy.register()
        lazy.join("#room")
        lazy.expect(r"^(:parley )?PING :?\S+", timeout=10)
        lazy.expect(r"^ERROR :.*Ping timeout", timeout=10)
        lazy.expect_closed()
        alice.expect(r"^:lazy!lazy@127\.0\.0\.1 QUIT :.*Ping timeout", timeout=10)
        alice.sync()


if __name__ == "__main__":
    main()
