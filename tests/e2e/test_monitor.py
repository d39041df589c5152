#!/usr/bin/env python3
"""e2e: a private window shows whether its peer is online (IRCv3 MONITOR,
issue 12): the real client in tmux against the real parleyd, the peer a raw
IRC client that comes and goes."""

import re

import e2e


def count(term, pattern):
    return len(re.findall(pattern, term.stable_screen(), re.M))


class MonitorTest(e2e.ClientTestCase):

    def test_query_window_follows_the_peer(self):
        alice = self.client("alice")
        alice.type("/query bob")
        alice.wait_for(r"^ Private conversation with bob \(offline\)")
        alice.wait_for(r"-!- bob is offline$")
        alice.wait_for(r"^ \[alice\] 3:bob \(offline\)")

        bob = self.irc("bob")
        alice.wait_for(r"-!- bob is online$")
        alice.wait_for(r"^ Private conversation with bob \(online\)")
        alice.wait_for(r"^ \[alice\] 3:bob \(online\)")

        bob.quit()
        alice.wait_for(r"-!- bob went offline$")
        alice.wait_for(r"^ Private conversation with bob \(offline\)")
        self.assertEqual(count(alice, r"-!- bob is offline$"), 1)
        self.assertEqual(count(alice, r"-!- bob is online$"), 1)

        # The server's own list (MONITOR L, answered in the server window)
        # names bob while the window is open, and no longer once it is closed.
        alice.type("/quote MONITOR L")
        alice.type("/win 1")
        alice.wait_for(r"-!- End of MONITOR list$")
        self.assertEqual(count(alice, r"-!- bob$"), 1)
        alice.type("/win 3")
        alice.wait_for(r"^ Private conversation with bob")
        alice.type("/close")
        alice.type("/win 1")
        alice.type("/quote MONITOR L")
        alice.wait_until(lambda s: len(re.findall(r"-!- End of MONITOR list$", s, re.M)) == 2,
                         "a second End of MONITOR list")
        self.assertEqual(count(alice, r"-!- bob$"), 1)
        self.finish(alice)

    def test_without_monitor_nothing_is_shown(self):
        # A server whose 005 has no MONITOR: the window says nothing of bob.
        proxy = e2e.CutProxy(self.server.port, server_filter=hide_monitor)
        self.addCleanup(proxy.close)
        alice = self.client("alice", port=proxy.port)
        alice.type("/query bob")
        alice.wait_for(r"^ Private conversation with bob\s*$")
        bob = self.irc("bob")
        bob.privmsg("alice", "hello")
        alice.wait_for(r"<bob> hello$")
        screen = alice.stable_screen()
        self.assertNotIn("online", screen)
        self.assertNotIn("offline", screen)
        self.finish(alice)


def hide_monitor(line):
    """Takes MONITOR out of the server's 005 (a server that does not offer it)."""
    if " 005 " in line:
        line = re.sub(r" MONITOR(=\d*)?(?= )", "", line)
    return line


class MonitorReconnectTest(e2e.ClientTestCase):
    start_server = False

    def test_reconnect_sends_the_list_again(self):
        port = e2e.free_port()
        first = self.make_server(["--port", str(port)])
        alice = self.client("alice", port=port)
        alice.type("/query bob")
        alice.wait_for(r"-!- bob is offline$")
        first.stop()
        alice.wait_for(r"Disconnected: ")
        second = self.make_server(["--port", str(port)])
        alice.wait_for(r"^ \[alice\] 3:bob \(offline\)", timeout=40)
        # Only a MONITOR list sent on the new connection tells alice of bob.
        self.irc("bob", server=second)
        alice.wait_for(r"-!- bob is online$")
        self.assertEqual(count(alice, r"-!- bob is offline$"), 1)  # not repeated
        self.finish(alice)


if __name__ == "__main__":
    e2e.main()
