#!/usr/bin/env python3
"""Worker-only writes (server/transport.h).

Senders and write turns write recipients' queues themselves (TCP, and TLS
under each connection's SSL lock); a transport may instead say that only the
connection's worker writes (shared_writes false; TLS did until its writes were
shared). With PARLEY_WORKER_WRITES=1 the TCP transport says so: only the
connection's worker writes, and everyone else only wakes it. This file runs the messaging, ordering, SendQ, streamed-reply and
shutdown tests again in that mode; every server they start must announce
the mode on stderr, or the test fails (the environment variable would
otherwise be ignored without anyone noticing)."""

import os
import time

os.environ["PARLEY_WORKER_WRITES"] = "1"

import harness  # noqa: E402
from harness import ServerError, ServerTestCase, main, tail  # noqa: E402
from test_big_replies import BigReplies  # noqa: E402,F401
from test_messaging import Messaging  # noqa: E402,F401
from test_ordering import Ordering, OrderingManyWriters  # noqa: E402,F401
from test_sendq import SendQ  # noqa: E402,F401
from test_shutdown import Shutdown  # noqa: E402,F401

MODE_LINE = "PARLEY_WORKER_WRITES=1: only worker threads write to their connections"
ANNOUNCE_TIMEOUT = 10.0

_start = harness.Server.start


def _start_in_mode(self, timeout=None):
    """Server.start, then waits (bounded) for the mode's announcement."""
    _start(self, timeout)
    deadline = time.monotonic() + ANNOUNCE_TIMEOUT
    while MODE_LINE not in self.stderr_text():
        if time.monotonic() > deadline or not self.alive():
            raise ServerError("parleyd did not announce %r; stderr tail:\n%s" %
                              (MODE_LINE, tail(self.stderr_text())))
        time.sleep(0.05)
    return self


harness.Server.start = _start_in_mode


class WorkerWritesMode(ServerTestCase):

    def test_idle_recipient_gets_messages(self):
        # bob's worker waits with nothing to do: only the wake it gets from
        # alice's side can put her message on his socket.
        alice, bob = self.irc("alice"), self.irc("bob")
        bob.sync()
        for i in range(5):
            alice.send("PRIVMSG bob :wake %d" % i)
            bob.expect(r"^:alice!\S+ PRIVMSG bob :wake %d$" % i)


if __name__ == "__main__":
    main()
