#!/usr/bin/env python3
"""The server as a process: its name after the tunables re-exec, SIGHUP (re-read
the MOTD, nobody notices), a log sink that stops reading, and running out of
file descriptors."""

import os
import re
import signal
import tempfile

from harness import ServerTestCase, binary_is_sanitized, main, poll_until


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


class ProcessName(ServerTestCase):
    start_server = False

    def test_comm_and_cmdline_say_parleyd(self):
        """After the GLIBC_TUNABLES re-exec the process is still called parleyd
        (it used to be "exe", from /proc/self/exe), in comm and in cmdline."""
        srv = self.make_server()
        with open("/proc/%d/comm" % srv.pid) as f:
            comm = f.read().strip()
        with open("/proc/%d/cmdline" % srv.pid, "rb") as f:
            argv0 = f.read().split(b"\0")[0].decode()
        with open("/proc/%d/environ" % srv.pid, "rb") as f:
            tuned = b"PARLEYD_TUNED=1" in f.read().split(b"\0")
        if not binary_is_sanitized():
            self.assertTrue(tuned, "no re-exec happened, so this test proves nothing")
        self.assertEqual(comm, "parleyd", "/proc/PID/comm")
        self.assertEqual(os.path.basename(argv0), "parleyd", "argv[0] in /proc/PID/cmdline")
        self.assertEqual(os.path.basename(os.readlink("/proc/%d/exe" % srv.pid)), "parleyd")


class Hangup(ServerTestCase):
    start_server = False

    def motd_lines(self, c):
        c.send("MOTD")
        lines = c.collect_until(r"^:\S+ (376|422) ")
        return [re.sub(r"^:\S+ 372 \S+ :(- )?", "", l) for l in lines if " 372 " in l]

    def test_sighup_rereads_motd(self):
        fd, path = tempfile.mkstemp(prefix="parley-motd-")
        os.close(fd)
        write_file(path, "old motd\n")
        srv = self.make_server(["--motd", path])
        a = self.irc("alice", server=srv)
        a.join("#room")
        self.assertEqual(self.motd_lines(a), ["old motd"])
        write_file(path, "new motd\nsecond line\n")
        srv.send_signal(signal.SIGHUP)
        srv.signaled = None  # SIGHUP must not stop it: stop() checks that it is alive
        self.assertTrue(poll_until(lambda: re.search(r"(?i)re-?read.*motd|motd.*re-?read",
                                                     srv.stderr_text()) or not srv.alive(),
                                   timeout=10), "no log line about re-reading the MOTD")
        self.assertTrue(srv.alive(), "parleyd died of SIGHUP")
        # Nobody noticed: the next lines alice gets are the answer to her PING.
        self.assertEqual(a.sync(), [], "alice was told something about the SIGHUP")
        self.assertEqual(self.motd_lines(a), ["new motd", "second line"])
        b = self.irc("bob", server=srv)
        self.assertEqual(self.motd_lines(b), ["new motd", "second line"])
        # A MOTD that cannot be read any more: the old one stays, the log says why.
        os.unlink(path)
        srv.send_signal(signal.SIGHUP)
        srv.signaled = None
        self.assertTrue(poll_until(lambda: re.search(r"(?i)cannot read MOTD",
                                                     srv.stderr_text()), timeout=10))
        self.assertEqual(self.motd_lines(b), ["new motd", "second line"])

    def test_sighup_without_motd(self):
        srv = self.make_server()
        a = self.irc("alice", server=srv)
        srv.send_signal(signal.SIGHUP)
        srv.signaled = None
        self.assertTrue(poll_until(lambda: re.search(r"(?i)SIGHUP|hangup", srv.stderr_text())
                                   or not srv.alive(), timeout=10))
        self.assertTrue(srv.alive(), "parleyd died of SIGHUP")
        self.assertEqual(a.sync(), [])


if __name__ == "__main__":
    main()
