#!/usr/bin/env python3
"""e2e: the server shuts down (the client says so clearly), comes back on the
same port, and the client reconnects with backoff and rejoins its rooms."""

import e2e
import harness


class ReconnectTest(e2e.ClientTestCase):
    start_server = False

    def test_shutdown_then_reconnect_and_rejoin(self):
        port = e2e.free_port()
        first = self.make_server(["--port", str(port)])
        term = self.client("alice", "-j", "#lobby", "-j", "#dev", port=port)
        term.wait_for(r"^ \[alice\] 2:#lobby \(1 user\)  act: 1,3")
        first.stop()
        term.wait_for(r"Disconnected: Server closed the link: .*Server shutting down")
        term.wait_for(r"Reconnecting in 1 s")
        term.wait_for(r"\[not connected\]")
        # while it is down, attempts are refused and the delay doubles
        term.wait_for(r"Cannot connect to 127\.0\.0\.1:%d: connection refused" % port)
        term.wait_for(r"Reconnecting in 2 s")

        second = self.make_server(["--port", str(port)])
        bob = self.irc("bob", server=second)
        # the client is back in both rooms: bob sees it in #dev's names
        def alice_in_dev():
            lines = bob.join("#dev")
            bob.send("PART #dev")
            return any("alice" in l for l in lines if " 353 " in l)
        self.assertTrue(harness.poll_until(alice_in_dev, timeout=30 * e2e.wait_scale(),
                                           interval=0.5), "alice did not rejoin #dev")
        bob.join("#lobby")
        term.wait_for(r"^ \[alice\] 2:#lobby \(2 users\)")
        bob.privmsg("#lobby", "welcome back")
        term.wait_for(r"<bob> welcome back$")
        term.type("/win 3")
        term.wait_for(r"^ \[alice\] 3:#dev")
        term.finish()


if __name__ == "__main__":
    e2e.main()
