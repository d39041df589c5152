#!/usr/bin/env python3
"""The server as a process: its name after the tunables re-exec, SIGHUP (re-read
the MOTD, nobody notices), a log sink that stops reading, and running out of
file descriptors."""

import glob
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import unittest

from harness import (EXIT_TIMEOUT, IrcClient, SANITIZER_MARKERS, ServerTestCase,
                     binary_is_sanitized, find_parleyd, main, poll_until, run_threads,
                     sanitizer_env)


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


def register_and_quit(port, nick):
    """One short visit: register, quit, read until the server closes.
    Returns everything received."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(("NICK %s\r\nUSER %s 0 * :x\r\nPING :done\r\n" % (nick, nick)).encode())
        data = b""
        while b"PONG" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.sendall(b"QUIT :bye\r\n")
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


class StalledLog(unittest.TestCase):
    """parleyd's stderr and stdout (--trace) are pipes nobody reads: logging
    must never stop the server (it used to block in write(), in the acceptor
    for trace lines and in workers for log lines)."""

    def test_log_pipes_nobody_reads(self):
        tmp = tempfile.mkdtemp(prefix="parley-stall-")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = sanitizer_env()
        for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS"):
            env[key] += ":log_path=" + os.path.join(tmp, "sanitizer")  # stderr is stalled
        err_r, err_w = os.pipe()
        proc = subprocess.Popen([find_parleyd(), "--bind", "127.0.0.1", "--port", "0",
                                 "--flood", "off", "--trace", "--max-per-ip", "0"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=err_w, env=env)
        os.close(err_w)
        self.addCleanup(os.close, err_r)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        port = None
        while port is None:  # then stdout is never read again
            line = proc.stdout.readline().decode()
            self.assertTrue(line, "parleyd exited before listening")
            m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
            port = m and int(m.group(1))
        alice = IrcClient(port, "alice")
        alice.register()
        alice.join("#room")
        bob = IrcClient(port, "bob")
        bob.register()
        bob.join("#room")
        # Each visit logs two lines and traces five: far more than both pipes
        # (64 KiB each) and the server's log ring hold.
        visits = 1000
        def visitor(k):
            def run():
                for i in range(k, visits, 8):
                    data = register_and_quit(port, "v%d" % i)
                    self.assertIn(b" 001 v%d " % i, data, "visitor %d was not welcomed" % i)
            return run
        run_threads([visitor(k) for k in range(8)], timeout=300)
        for i in range(20):  # the chat goes on
            alice.privmsg("#room", "still here %d" % i)
            bob.expect(r"PRIVMSG #room :still here %d$" % i)
        alice.close()
        bob.close()
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            status = None
        self.assertEqual(status, 0, "parleyd did not exit 0 at SIGTERM with its log stalled")
        proc.stdout.close()
        os.set_blocking(err_r, False)
        try:
            text = os.read(err_r, 1 << 20).decode("utf-8", "replace")
        except BlockingIOError:
            text = ""
        for path in glob.glob(os.path.join(tmp, "sanitizer*")):
            with open(path, errors="replace") as f:
                text += f.read()
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, text)


class Descriptors(unittest.TestCase):
    """parleyd under a low descriptor limit with many sockets held open: a
    newcomer is told why it cannot come in (an ERROR line, then a close)
    rather than waiting in the backlog with no word, and the log stays short.
    (It used to leave newcomers in the backlog and log ~9 lines/s.)"""

    def start(self, soft, hard, args=()):
        tmp = tempfile.mkdtemp(prefix="parley-fd-")
        self.addCleanup(shutil.rmtree, tmp, True)
        self.stderr_path = os.path.join(tmp, "stderr.txt")
        err = open(self.stderr_path, "wb")
        self.addCleanup(err.close)
        self.proc = subprocess.Popen(
            [find_parleyd(), "--bind", "127.0.0.1", "--port", "0", "--flood", "off", "--max-per-ip", "0"] +
            list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
            env=sanitizer_env(),
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
        # Cleanups run last first: kill (and reap) before closing stdout, which
        # a reader thread holds until the process is gone.
        self.addCleanup(self.proc.stdout.close)
        self.addCleanup(lambda: self.proc.poll() is None and (self.proc.kill(), self.proc.wait()))
        while True:
            line = self.proc.stdout.readline().decode()
            self.assertTrue(line, "parleyd exited before listening:\n" + self.stderr())
            m = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.held = []
        self.addCleanup(lambda: [c.close() for c in self.held])

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def hold(self, n):
        """Opens n connections and keeps them (unregistered, silent)."""
        for _ in range(n):
            self.held.append(socket.create_connection(("127.0.0.1", self.port), timeout=10))

    def newcomer_refused(self):
        """A new connection gets one ERROR line, then the server closes it.
        Returns that line."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.settimeout(10)  # a newcomer left in the backlog times out here
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        lines = data.decode("utf-8", "replace").splitlines()
        errors = [l for l in lines if l.startswith("ERROR :")]
        self.assertEqual(len(errors), 1, "newcomer got %r" % lines)
        return errors[0]

    def stop(self):
        for c in self.held:
            c.close()
        self.held = []
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(EXIT_TIMEOUT), 0)
        text = self.stderr()
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, text)
        return text

    def test_soft_limit_raised_and_max_clients_clamped(self):
        self.start(soft=32, hard=64)
        with open("/proc/%d/limits" % self.proc.pid) as f:
            limits = [l for l in f if l.startswith("Max open files")][0].split()
        self.assertEqual(limits[3:5], ["64", "64"], "soft limit not raised to the hard one")
        self.assertTrue(poll_until(lambda: re.search(r"--max-clients lowered from 10000 to (\d+)",
                                                     self.stderr()), timeout=10),
                        "no line about --max-clients:\n" + self.stderr())
        allowed = int(re.search(r"lowered from 10000 to (\d+)", self.stderr()).group(1))
        self.assertTrue(20 <= allowed < 64, allowed)
        self.hold(allowed + 40)  # the extra ones are refused as they come
        self.assertRegex(self.newcomer_refused(), r"(?i)full")
        c = IrcClient(self.port, "late")  # nothing broke: after some leave, one gets in
        self.assertTrue(c.expect(r"ERROR :"))
        c.close()
        for h in self.held[:5]:
            h.close()
        del self.held[:5]
        ok = poll_until(lambda: self.try_register("back"), timeout=10)
        self.assertTrue(ok, "no room after 5 connections closed")
        text = self.stop()
        refusals = [l for l in text.splitlines() if "refusing" in l or "not logged" in l]
        self.assertLessEqual(len(refusals), 12, "log not rate-limited:\n" + text)

    def try_register(self, nick):
        """True if nick could register (False: refused, e.g. still full)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            s.sendall(("NICK %s\r\nUSER %s 0 * :x\r\nQUIT\r\n" % (nick, nick)).encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return b" 001 " in data
                data += chunk
        except ConnectionResetError:  # refused before it read our lines
            return False
        finally:
            s.close()

    def test_out_of_descriptors_newcomer_gets_error(self):
        self.start(soft=64, hard=64)
        # The limit drops below what --max-clients was set for (an admin's
        # prlimit, or descriptors taken by something else): accept() fails
        # with EMFILE while the server is not "full".
        resource.prlimit(self.proc.pid, resource.RLIMIT_NOFILE, (30, 64))
        self.hold(60)
        for _ in range(5):
            self.assertRegex(self.newcomer_refused(), r"(?i)descriptor", self.stderr())
        for _ in range(100):  # many more, quickly: the log must not follow them
            self.newcomer_refused()
        text = self.stop()
        refusals = [l for l in text.splitlines() if "accept:" in l or "not logged" in l]
        self.assertGreater(len(refusals), 0, text)
        self.assertLessEqual(len(refusals), 12, "log not rate-limited:\n" + text)
        self.assertLess(len(text.splitlines()), 60, "log too long:\n" + text)


if __name__ == "__main__":
    main()
