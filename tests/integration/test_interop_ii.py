#!/usr/bin/env python3
"""Interop with a real IRC client: ii (FIFO based) chats both ways with a
plain-mode user through parleyd. Skipped (exit 77) if ii is not installed."""

import errno
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from harness import TIMEOUT, ServerTestCase, main, poll_until, read_text

T = r"\d\d:\d\d"


def write_fifo(path, text, timeout=TIMEOUT):
    """Writes text to ii's FIFO, waiting (bounded) until ii has it open."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno not in (errno.ENOENT, errno.ENXIO) or time.monotonic() > deadline:
                raise AssertionError("cannot open ii FIFO %s: %s" % (path, e))
            time.sleep(0.05)
            continue
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
        return


class InteropII(ServerTestCase):

    def setUp(self):
        if shutil.which("ii") is None:
            self.skipTest("ii is not installed")
        super().setUp()

    def start_ii(self, nick):
        d = tempfile.mkdtemp(prefix="parley-ii-")
        self.addCleanup(shutil.rmtree, d, True)
        log = open(os.path.join(d, "ii.log"), "wb")
        proc = subprocess.Popen(["ii", "-s", "127.0.0.1", "-p", str(self.server.port),
                                 "-n", nick, "-f", "ii user", "-i", d],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log)

        def stop():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            log.close()
        # registered before the server stops (cleanups run last-in first-out)
        self.addCleanup(stop)
        return proc, os.path.join(d, "127.0.0.1")

    def wait_file(self, path, pattern, what):
        rx = re.compile(pattern, re.M)
        ok = poll_until(lambda: rx.search(read_text(path)), timeout=TIMEOUT)
        if not ok:
            self.fail("ii: expected %s (/%s/) in %s; it holds:\n%s" % (
                what, pattern, path, read_text(path)[-3000:]))

    def test_ii_chats_with_plain_user(self):
        bob = self.plain("bob")
        proc, sdir = self.start_ii("iiuser")
        # ii registered: the server's welcome ends up in the server out file
        self.wait_file(os.path.join(sdir, "out"), r"(Welcome|001|iiuser)", "the welcome")
        write_fifo(os.path.join(sdir, "in"), "/j #lobby\n")
        bob.expect(r"^%s -!- iiuser joined #lobby$" % T)
        chan = os.path.join(sdir, "#lobby")
        self.wait_file(os.path.join(chan, "out"), r"iiuser.*(join|JOIN)|-!-", "the JOIN")

        bob.say("hello from plain bob")
        self.wait_file(os.path.join(chan, "out"), r"<bob> hello from plain bob$",
                       "bob's message")
        write_fifo(os.path.join(chan, "in"), "hello from ii\n")
        bob.expect(r"^%s <iiuser> hello from ii$" % T)
        # a private message each way
        bob.say("/msg iiuser private hi")
        self.wait_file(os.path.join(sdir, "bob", "out"), r"<bob> private hi$", "bob's query")
        write_fifo(os.path.join(sdir, "in"), "/j bob private reply\n")
        bob.expect(r"^%s \*iiuser\* private reply$" % T)
        # and a quit
        write_fifo(os.path.join(sdir, "in"), "/q leaving now\n")
        bob.expect(r"^%s -!- iiuser quit \(.*leaving now.*\)$" % T)
        self.assertTrue(poll_until(lambda: proc.poll() is not None, timeout=TIMEOUT),
                        "ii did not exit after /q")


if __name__ == "__main__":
    main()
