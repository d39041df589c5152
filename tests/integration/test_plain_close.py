#!/usr/bin/env python3
"""After /quit a plain user's connection ends on both sides: nc exits.

netcat-openbsd does not close its socket when the server's FIN arrives while
its standard input (a terminal, here a pipe kept open) is still open: it sits
in CLOSE-WAIT until the user presses Enter. The server therefore ends the
connection for good once its goodbye is acknowledged and the peer has had
LINGER_MS to read it (session.c: linger_close)."""

import os
import select
import shutil
import subprocess

from harness import TIMEOUT, ServerTestCase, main, poll_until


class PlainClose(ServerTestCase):

    def test_socket_fully_closed_after_quit(self):
        bob = self.plain("bob")
        bob.say("/quit bye")
        bob.expect(r"^\*\*\* Closing link: 127\.0\.0\.1 \(Quit: bye\)$")
        bob.expect_closed()
        # Our side still open and idle, as nc's is: POLLHUP comes only once the
        # server has closed its side in both directions (not for a FIN alone).
        p = select.poll()
        p.register(bob.sock.fileno(), select.POLLIN)
        hup = poll_until(lambda: any(ev & select.POLLHUP for _, ev in p.poll(0)),
                         timeout=TIMEOUT)
        self.assertTrue(hup, "the server left the connection half-open after /quit "
                        "(the client would sit in CLOSE-WAIT)")

    def test_nc_exits_after_quit(self):
        nc = shutil.which("nc")
        if not nc:
            self.skipTest("nc (netcat-openbsd) is not installed")
        proc = subprocess.Popen([nc, "127.0.0.1", str(self.server.port)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        # stdin stays open, as a terminal does: only the server can end nc.
        proc.stdin.write(b"ncuser\n/quit done\n")
        proc.stdin.flush()
        try:
            proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.stdout.read().decode("utf-8", "replace")
            self.fail("nc did not exit after /quit while its input stayed open; "
                      "it printed:\n" + out)
        out = proc.stdout.read().decode("utf-8", "replace")
        proc.stdin.close()
        proc.stdout.close()
        self.assertIn("*** Closing link: 127.0.0.1 (Quit: done)", out)


if __name__ == "__main__":
    main()
