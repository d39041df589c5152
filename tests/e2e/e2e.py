"""Shared helpers for parley's end-to-end tests (Python 3 standard library).

The real `parley` client runs inside a detached tmux session on its own tmux
socket (-L), driven with send-keys and observed with capture-pane, against a
real parleyd started by tests/integration/harness.py. Tests assert on the
screen text only, polling until the expected text appears (never on timing).

Every client runs through a wrapper shell that records its exit status and
stderr; Term.finish() fails the test if the client did not exit 0 or a
sanitizer (ASan/LSan/UBSan) reported anything.

Environment: PARLEY (client binary), PARLEYD (server binary), set by ctest.
"""

import itertools
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import harness  # noqa: E402  (tests/integration/harness.py)

WAIT = 10.0  # generous: the screen should show things "soon"
_counter = itertools.count(1)


def find_parley():
    path = os.environ.get("PARLEY")
    if path:
        return path
    cand = os.path.join(harness.REPO, "build", "client", "parley")
    if os.access(cand, os.X_OK):
        return cand
    raise RuntimeError("PARLEY is not set; run through ctest or set PARLEY=/path/to/parley")


def wait_scale():
    """Sanitized builds are slower: give them more time."""
    return 3.0 if harness.binary_is_sanitized() else 1.0


def free_port():
    """A TCP port that was free a moment ago on 127.0.0.1."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Term:
    """One parley client (or another terminal program: program=) in its own
    tmux server."""

    def __init__(self, args, width=100, height=30, env=None, program=None):
        self.sock = "parley-e2e-%d-%d" % (os.getpid(), next(_counter))
        self.dir = tempfile.mkdtemp(prefix="parley-e2e-")
        self.err = os.path.join(self.dir, "stderr")
        self.rc = os.path.join(self.dir, "rc")
        self.finished = False
        full_env = {
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "USER": "tester",
        }
        full_env.update(sanitizer_env())
        full_env.update(env or {})
        assigns = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in full_env.items())
        client = " ".join(shlex.quote(a) for a in [program or find_parley()] + list(args))
        script = "env %s %s 2>%s; echo $? >%s.tmp; mv %s.tmp %s" % (
            assigns, client, shlex.quote(self.err), shlex.quote(self.rc),
            shlex.quote(self.rc), shlex.quote(self.rc))
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                  "sh -c %s" % shlex.quote(script))
        self.tmux("set-option", "-g", "remain-on-exit", "on", check=False)

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise AssertionError("tmux %s failed: %s" % (" ".join(args), p.stderr.strip()))
        return p.stdout

    # ---- looking -------------------------------------------------------

    def screen(self):
        """The visible screen as text, one line per row."""
        return self.tmux("capture-pane", "-p", check=False)

    def stable_screen(self, tries=20):
        """The screen once two captures 0.1 s apart agree, so a match is not
        taken from a redraw that tmux has only partly received."""
        last = self.screen()
        for _ in range(tries):
            time.sleep(0.1)
            now = self.screen()
            if now == last:
                return now
            last = now
        return last

    def rows(self):
        """The screen's rows (capture-pane ends every row with a newline)."""
        text = self.screen()
        if text.endswith("\n"):
            text = text[:-1]
        return text.split("\n")

    def cursor(self):
        out = self.tmux("display-message", "-p", "#{cursor_x} #{cursor_y}")
        x, y = out.split()
        return int(x), int(y)

    def pane_title(self):
        return self.tmux("display-message", "-p", "#{pane_title}").rstrip("\n")

    def wait_for(self, pattern, timeout=WAIT, what=None):
        """Polls the screen until regex pattern matches; returns the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout * wait_scale()
        while True:
            text = self.screen()
            m = rx.search(text)
            if m:
                text = self.stable_screen()
                m = rx.search(text)
            if m:
                return m
            if time.monotonic() >= deadline:
                raise AssertionError("screen never showed %s within %.0fs; it shows:\n%s\n%s" % (
                    what or repr(pattern), timeout * wait_scale(), text, self.stderr_tail()))
            time.sleep(0.1)

    def wait_until(self, predicate, what, timeout=WAIT):
        deadline = time.monotonic() + timeout * wait_scale()
        while not (predicate(self.screen()) and predicate(self.stable_screen())):
            if time.monotonic() >= deadline:
                raise AssertionError("screen never showed %s; it shows:\n%s" % (
                    what, self.screen()))
            time.sleep(0.1)

    def stderr_tail(self):
        try:
            with open(self.err, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "client stderr:\n" + harness.tail(text) if text else ""

    # ---- typing --------------------------------------------------------

    def keys(self, *keys):
        """tmux key names: Enter, Tab, C-c, M-2, PPage, ..."""
        self.tmux("send-keys", *keys)

    def type(self, text, enter=True):
        self.tmux("send-keys", "-l", text)
        if enter:
            self.keys("Enter")

    def paste(self, text):
        """A bracketed paste, as a terminal sends it."""
        buf = "e2e-%d" % next(_counter)
        self.tmux("set-buffer", "-b", buf, text)
        self.tmux("paste-buffer", "-p", "-d", "-b", buf)

    def resize(self, width, height):
        self.tmux("resize-window", "-x", str(width), "-y", str(height))

    # ---- ending --------------------------------------------------------

    def exited(self):
        return os.path.exists(self.rc)

    def finish(self, quit_keys=("C-c",), expect_rc=0):
        """Quits the client (unless it already exited) and checks how it went."""
        if self.finished:
            return
        self.finished = True
        try:
            if not self.exited() and quit_keys:
                self.keys(*quit_keys)
            deadline = time.monotonic() + 20 * wait_scale()
            while not self.exited() and time.monotonic() < deadline:
                time.sleep(0.1)
            if not self.exited():
                raise AssertionError("parley did not exit; screen:\n" + self.screen())
            with open(self.rc) as f:
                rc = int(f.read().strip() or "-1")
            with open(self.err, "rb") as f:
                err = f.read().decode("utf-8", "replace")
            for marker in harness.SANITIZER_MARKERS:
                if marker in err:
                    raise AssertionError("client stderr has %r:\n%s" % (marker, err))
            if rc != expect_rc:
                raise AssertionError("parley exited %d (expected %d); stderr:\n%s" % (
                    rc, expect_rc, err))
        finally:
            self.kill()

    def kill(self):
        self.tmux("kill-server", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def sanitizer_env():
    """Sanitizer options for the client: leaks and errors make it exit non-zero."""
    env = harness.sanitizer_env()
    return {k: env[k] for k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS") if k in env}


class ClientTestCase(harness.ServerTestCase):
    """A parleyd per test (from the harness) plus parley clients in tmux."""

    def setUp(self):
        if not shutil.which("tmux"):
            self.skipTest("tmux is not installed")
        super().setUp()

    def client(self, nick, *extra, port=None, width=100, height=30, wait_joined="#lobby",
               env=None):
        port = port or self.server.port
        t = Term(["%s@127.0.0.1:%d" % (nick, port)] + list(extra), width=width, height=height,
                 env=env)
        self.addCleanup(t.kill)
        if wait_joined:
            t.wait_for(r"You joined %s" % re.escape(wait_joined))
        return t

    def finish(self, *terms):
        for t in terms:
            t.finish()


def hhmm():
    return time.strftime("%H:%M")


main = harness.main


class FakeIrcServer:
    """A one-client IRC server of the test's own on 127.0.0.1 (to see what a
    hostile server does to the client). Subclasses write serve(), which runs
    on its own thread once the client connected; lines() reads its lines."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.conn = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        self.listener.settimeout(30)
        self.conn, _ = self.listener.accept()
        self.serve()

    def serve(self):
        raise NotImplementedError

    def send(self, line):
        data = line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line
        self.conn.sendall(data + b"\r\n")

    def lines(self):
        """The client's lines as (line, words, COMMAND) until it closes (or the
        connection fails)."""
        buf = b""
        while True:
            try:
                data = self.conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                words = line.split(" ")
                yield line, words, words[0].upper()

    def close(self):
        try:
            self.listener.close()
            if self.conn:
                self.conn.shutdown(socket.SHUT_RDWR)
                self.conn.close()
        except OSError:
            pass


class CutProxy:
    """A TCP relay on 127.0.0.1 between clients and a server, which the test
    can cut: cut() closes every relayed connection at once (both sides), as
    `ss -K` would, without needing privileges. While hold() is on, new
    connections wait in the listen backlog (the client's connect succeeds,
    its registration waits) until release(). server_filter, when given,
    rewrites each line the server sends (str in, str or None out: None drops
    it), e.g. to hide capabilities from the client."""

    def __init__(self, target_port, server_filter=None):
        self.target_port = target_port
        self.server_filter = server_filter
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.lock = threading.Lock()
        self.pairs = []
        self.accepted = 0
        self.closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while not self.closed:
            self.open.wait()
            try:
                down, _ = self.listener.accept()
            except OSError:
                return
            try:
                up = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
                up.settimeout(None)
            except OSError:
                down.close()
                continue
            with self.lock:
                self.pairs.append((down, up))
                self.accepted += 1
            threading.Thread(target=self._pump, args=(down, up, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, down, self.server_filter),
                             daemon=True).start()

    def _pump(self, src, dst, line_filter):
        buf = b""
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if line_filter is None:
                out = data
            else:
                buf += data
                out = b""
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = line_filter(raw.decode("utf-8", "surrogateescape").rstrip("\r"))
                    if line is not None:
                        out += line.encode("utf-8", "surrogateescape") + b"\r\n"
            try:
                dst.sendall(out)
            except OSError:
                break
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def connections(self):
        """How many connections were relayed so far."""
        with self.lock:
            return self.accepted

    def hold(self):
        self.open.clear()

    def release(self):
        self.open.set()

    def cut(self):
        """Closes every relayed connection (both sides) now."""
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.closed = True
        self.open.set()
        self.cut()
        try:
            self.listener.close()
        except OSError:
            pass


def hide_caps(*names):
    """A CutProxy server_filter that takes these capabilities out of CAP LS."""
    def line_filter(line):
        m = re.match(r"^((?:@\S+ )?:\S+ CAP \S+ LS (?:\* )?:?)(.*)$", line)
        if not m:
            return line
        kept = [c for c in m.group(2).split() if c.split("=", 1)[0] not in names]
        return m.group(1) + " ".join(kept)
    return line_filter
