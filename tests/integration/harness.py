"""Shared harness for parley's integration tests (Python 3 standard library only).

Starts a real parleyd on an ephemeral port on 127.0.0.1, talks to it over
real sockets, and at the end of every test stops it with a signal and fails
if the exit status is not 0 or a sanitizer reported anything.

Environment:
  PARLEYD            path of the parleyd binary (set by ctest)
  PARLEY_TEST_SCALE  multiplier for loop counts (default 1.0; 0.25 under
                     sanitizers, detected from the binary when unset)
  PARLEY_VERSION     project version (set by ctest), checked by --version
  PARLEY_KEEP_LOGS   if set, server logs are kept (their paths are printed)
"""

import atexit
import itertools
import datetime
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Generous default wait for anything the server should do "soon".
TIMEOUT = 10.0
# How long the server may take to exit after SIGTERM / SIGINT.
EXIT_TIMEOUT = 20.0

SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "ThreadSanitizer",
                     "runtime error:")

SKIP_RETURN_CODE = 77


# --------------------------------------------------------------------------
# Locating the binary, scale, sanitizer detection

def find_parleyd():
    path = os.environ.get("PARLEYD")
    if path:
        return path
    for cand in (os.path.join(REPO, "build", "parleyd"),
                 "/tmp/itbuild/parleyd"):
        if os.access(cand, os.X_OK):
            return cand
    raise RuntimeError("PARLEYD is not set and no parleyd binary was found; "
                       "run through ctest or set PARLEYD=/path/to/parleyd")


_sanitized_cache = None


def binary_is_sanitized():
    """True when parleyd was built with ASan or TSan (or the env says so)."""
    global _sanitized_cache
    if _sanitized_cache is None:
        if os.environ.get("PARLEY_SANITIZED"):
            _sanitized_cache = True
        else:
            try:
                with open(find_parleyd(), "rb") as f:
                    data = f.read()
                _sanitized_cache = (b"__asan_init" in data or b"__tsan_init" in data)
            except OSError:
                _sanitized_cache = False
    return _sanitized_cache


def binary_is_asan():
    try:
        with open(find_parleyd(), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def scale():
    val = os.environ.get("PARLEY_TEST_SCALE")
    if val:
        return float(val)
    return 0.25 if binary_is_sanitized() else 1.0


def scaled(n, minimum=1):
    return max(minimum, int(round(n * scale())))


def merge_options(current, required):
    """Merges "k=v:k=v" sanitizer option strings; required keys win."""
    opts = {}
    order = []
    for text in (current or "", required):
        for item in text.split(":"):
            if "=" not in item:
                continue
            k, v = item.split("=", 1)
            if k not in opts:
                order.append(k)
            opts[k] = v
    return ":".join("%s=%s" % (k, opts[k]) for k in order)


def sanitizer_env(extra=None):
    """The server's environment: the caller's sanitizer options (e.g. from
    scripts/test-all) with the keys the harness relies on forced."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = merge_options(env.get("ASAN_OPTIONS"),
                                        "detect_leaks=1:abort_on_error=0")
    env["LSAN_OPTIONS"] = merge_options(env.get("LSAN_OPTIONS"), "exitcode=23")
    env["UBSAN_OPTIONS"] = merge_options(env.get("UBSAN_OPTIONS"), "print_stacktrace=1")
    env["TSAN_OPTIONS"] = merge_options(env.get("TSAN_OPTIONS"),
                                        "halt_on_error=0:exitcode=66")
    if extra:
        env.update(extra)
    return env


# --------------------------------------------------------------------------
# Server process

_live_servers = []


def _kill_leftovers():
    for srv in list(_live_servers):
        try:
            if srv.proc and srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait(5)
        except Exception:
            pass


atexit.register(_kill_leftovers)


def tail(text, n=40):
    lines = text.splitlines()
    return "\n".join(lines[-n:])


class ServerError(AssertionError):
    pass


class Server:
    """One parleyd process.

    Server(args).start() launches it with --bind 127.0.0.1 --port 0
    --flood off (unless args override those, or flood_off is False: the
    server's own default or its config file's then) and waits for the
    "listening on 127.0.0.1:PORT" line(s) on stdout.
    """

    def __init__(self, args=(), listeners=1, env=None, stdin_pipe=False, flood_off=True):
        self.args = list(args)
        self.flood_off = flood_off
        self.listeners = listeners
        self.stdin_pipe = stdin_pipe
        self.extra_env = env or {}
        self.proc = None
        self.port = None
        self.ports = []
        self.stdout_lines = []
        self._stdout_cond = threading.Condition()
        self._stdout_thread = None
        self.tmpdir = tempfile.mkdtemp(prefix="parley-it-")
        self.stderr_path = os.path.join(self.tmpdir, "stderr.txt")
        self.stopped = False
        self.returncode = None

    def command(self):
        args = list(self.args)
        cmd = [find_parleyd()]
        if "--bind" not in args:
            cmd += ["--bind", "127.0.0.1"]
        if "--port" not in args:
            cmd += ["--port", "0"]
        if "--flood" not in args and self.flood_off:
            cmd += ["--flood", "off"]
        if "--data-dir" not in args and "--history-store" not in args:
            # Each server its own store, removed with tmpdir.
            cmd += ["--data-dir", os.path.join(self.tmpdir, "data")]
        return cmd + args

    def start(self, timeout=None):
        timeout = timeout or (30.0 if binary_is_sanitized() else TIMEOUT)
        self._stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.command(),
                                     stdin=subprocess.PIPE if self.stdin_pipe
                                     else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=self._stderr_file,
                                     env=sanitizer_env(self.extra_env))
        _live_servers.append(self)
        self._stdout_thread = threading.Thread(target=self._read_stdout, daemon=True)
        self._stdout_thread.start()
        rx = re.compile(r"listening on 127\.0\.0\.1:(\d+)\s*$|listening on (\S+):(\d+)\s*$")
        deadline = time.monotonic() + timeout
        with self._stdout_cond:
            while True:
                found = []
                for line in self.stdout_lines:
                    m = rx.search(line)
                    if m:
                        found.append(int(m.group(1) or m.group(3)))
                if len(found) >= self.listeners:
                    self.ports = found
                    self.port = found[0]
                    return self
                if self.proc.poll() is not None and self._stdout_eof:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._stdout_cond.wait(min(left, 0.2))
        # failed to start
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._finish()
        raise ServerError(
            "parleyd did not print %d 'listening on 127.0.0.1:PORT' line(s) within "
            "%.0fs (exit status %r)\ncommand: %s\nstdout:\n%s\nstderr tail:\n%s" % (
                self.listeners, timeout, self.proc.returncode, " ".join(self.command()),
                tail("\n".join(self.stdout_lines)), tail(self.stderr_text())))

    _stdout_eof = False

    def _read_stdout(self):
        f = self.proc.stdout
        while True:
            line = f.readline()
            if not line:
                break
            with self._stdout_cond:
                self.stdout_lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
                self._stdout_cond.notify_all()
        with self._stdout_cond:
            self._stdout_eof = True
            self._stdout_cond.notify_all()

    @property
    def pid(self):
        return self.proc.pid

    def type_line(self, text=""):
        """Types a line on the server's terminal (stdin_pipe=True)."""
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def wait_stdout(self, pattern, what, timeout=None, since=0):
        """Waits for a stdout line (from index since) matching pattern; returns the
        match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + (timeout or TIMEOUT)
        with self._stdout_cond:
            while True:
                for line in self.stdout_lines[since:]:
                    m = rx.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or self._stdout_eof:
                    raise AssertionError("parleyd stdout: expected %s, not seen.\n%s"
                                         % (what, tail("\n".join(self.stdout_lines))))
                self._stdout_cond.wait(min(left, 0.2))

    def stdout_mark(self):
        with self._stdout_cond:
            return len(self.stdout_lines)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stdout_text(self):
        with self._stdout_cond:
            return "\n".join(self.stdout_lines)

    def output_text(self):
        return self.stdout_text() + "\n" + self.stderr_text()

    signaled = None

    def send_signal(self, sig):
        """Signals the server from a test; stop() then accepts that it has
        exited already (its status must still be 0)."""
        if self.alive():
            self.signaled = sig
            self.proc.send_signal(sig)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """Waits for exit; returns the status or None on timeout."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _finish(self):
        if self._stdout_thread:
            self._stdout_thread.join(5)
        for f in (self.proc.stdout, self.proc.stdin):
            try:
                if f:
                    f.close()
            except Exception:
                pass
        try:
            self._stderr_file.close()
        except Exception:
            pass
        if self in _live_servers:
            _live_servers.remove(self)

    def stop(self, sig=signal.SIGTERM, timeout=EXIT_TIMEOUT, check=True):
        """Stops the server with sig and checks its exit. Idempotent."""
        if self.stopped:
            return self.returncode
        self.stopped = True
        problems = []
        if self.proc.poll() is not None:
            if self.signaled is None:
                problems.append("parleyd had already exited (status %r) before the "
                                "end of the test, without a signal from the test "
                                "(crash, or a signal from another process on this "
                                "machine?)" % self.proc.returncode)
            else:
                sig = self.signaled
        else:
            if self.signaled is not None:
                sig = self.signaled  # the test's signal is being handled
            else:
                self.proc.send_signal(sig)
            if self.wait_exit(timeout) is None:
                problems.append("parleyd did not exit within %.0fs of %s; killed" %
                                (timeout, signal.Signals(sig).name))
                self.proc.kill()
                self.proc.wait(10)
        self.returncode = self.proc.returncode
        self._finish()
        if self.returncode != 0 and not problems:
            problems.append("parleyd exited with status %r after %s (expected 0)" %
                            (self.returncode, signal.Signals(sig).name))
        err = self.stderr_text()
        for marker in SANITIZER_MARKERS:
            if marker in err:
                problems.append("server stderr contains %r" % marker)
        keep = os.environ.get("PARLEY_KEEP_LOGS") or (problems and check)
        if not keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if problems and check:
            raise ServerError("; ".join(problems) + "\nstderr (%s) tail:\n%s" % (
                self.stderr_path, tail(err, 60)))
        return self.returncode

    # ---- /proc helpers
    def proc_status(self):
        return read_proc_status(self.pid)

    def threads(self):
        return int(self.proc_status()["Threads"].split()[0])

    def rss_kib(self):
        return int(self.proc_status()["VmRSS"].split()[0])

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))


def read_proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k.strip()] = v.strip()
    return out


def run_parleyd(args, timeout=TIMEOUT):
    """Runs parleyd to completion (for --help, bad options...).

    Returns (status, stdout, stderr). If it is still running after timeout
    (e.g. it started listening instead of failing), it is killed and status
    is None."""
    timeout = timeout * (3 if binary_is_sanitized() else 1)
    proc = subprocess.Popen([find_parleyd()] + list(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=sanitizer_env())
    try:
        out, err = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        status = None
    return status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


# --------------------------------------------------------------------------
# Line-oriented clients

def strip_tags(line):
    if line.startswith("@"):
        sp = line.find(" ")
        return line[sp + 1:] if sp >= 0 else ""
    return line


def parse_tags(line):
    """Returns the tags of a line as a dict (values unescaped minimally)."""
    if not line.startswith("@"):
        return {}
    sec = line[1:line.find(" ")] if " " in line else line[1:]
    tags = {}
    for item in sec.split(";"):
        if not item:
            continue
        k, eq, v = item.partition("=")
        tags[k] = v.replace("\\:", ";").replace("\\s", " ").replace("\\\\", "\\")
    return tags


def name_rx(name):
    """Regex matching name under rfc1459 case mapping (A-Z/a-z, []\\~ vs {}|^)."""
    groups = {}
    for a, b in zip("abcdefghijklmnopqrstuvwxyz{}|^", "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]\\~"):
        groups[a] = groups[b] = "[" + re.escape(a) + re.escape(b) + "]"
    return "".join(groups.get(ch, re.escape(ch)) for ch in name)


def parse_line(line):
    """Parses an IRC line into (tags, prefix, command, params)."""
    tags = parse_tags(line)
    rest = strip_tags(line)
    prefix = None
    if rest.startswith(":"):
        prefix, _, rest = rest[1:].partition(" ")
    trailing = None
    if " :" in rest:
        rest, _, trailing = rest.partition(" :")
    parts = rest.split()
    command = parts[0] if parts else ""
    params = parts[1:]
    if trailing is not None:
        params.append(trailing)
    return tags, prefix, command, params


SERVER_TIME_RX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def parse_server_time(value):
    """Parses an IRCv3 server-time value into a UTC unix timestamp."""
    dt = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.replace(tzinfo=datetime.timezone.utc).timestamp()


class LineClient:
    """A TCP client that collects received lines in a background thread.

    Received lines (without CR LF, decoded as UTF-8 with surrogateescape so
    arbitrary bytes survive) are appended to `pending`; `expect` removes the
    first matching line. Every line received is also kept in `received`.
    """

    name = "client"

    def __init__(self, port, host="127.0.0.1", name=None, rcvbuf=None, reader=True,
                 source=None, auto_pong=False, timeout=TIMEOUT):
        self.name = name or self.name
        self.port = port
        self.auto_pong = auto_pong
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if source is not None:
            self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.sock.settimeout(None)
        self.local = self.sock.getsockname()
        self.peer = self.sock.getpeername()
        self.pending = []
        self.received = []
        self.raw_received = bytearray()
        self.eof = False
        self.eof_reason = None
        self.closed = False
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._thread = None
        if reader:
            self.start_reader()

    # ---- reading
    def start_reader(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._reader, daemon=True,
                                            name="reader-" + self.name)
            self._thread.start()

    def _reader(self):
        buf = b""
        reason = "connection closed by server"
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                reason = "recv error: %s" % e
                data = b""
            if not data:
                break
            buf += data
            with self._cond:
                self.raw_received += data
            if b"\n" not in data:
                continue
            *lines, buf = buf.split(b"\n")
            decoded = [ln.rstrip(b"\r").decode("utf-8", "surrogateescape") for ln in lines]
            pongs = []
            with self._cond:
                for line in decoded:
                    self.received.append(line)
                    self.pending.append(line)
                    if self.auto_pong:
                        body = strip_tags(line)
                        parts = body.split(" ", 2)
                        if parts[0] == "PING":
                            pongs.append(body[5:])
                        elif len(parts) > 1 and parts[0].startswith(":") and parts[1] == "PING":
                            pongs.append(parts[2] if len(parts) > 2 else "")
                self._cond.notify_all()
            for arg in pongs:
                try:
                    self.send("PONG " + arg)
                except OSError:
                    pass
        with self._cond:
            if buf:
                line = buf.rstrip(b"\r").decode("utf-8", "surrogateescape")
                self.received.append(line)
                self.pending.append(line)
            self.eof = True
            self.eof_reason = reason
            self._cond.notify_all()

    def describe(self, n=25):
        with self._cond:
            last = self.received[-n:]
            pend = len(self.pending)
            eof = self.eof
        state = ("connection closed: %s" % self.eof_reason) if eof else "connection open"
        return "%s (%s, %d unconsumed lines); last %d lines received:\n%s" % (
            self.name, state, pend, len(last),
            "\n".join("    " + ascii(l)[1:-1] for l in last) or "    (none)")

    def _fail(self, what, timeout):
        raise AssertionError("%s: expected %s within %.0fs, not seen.\n%s" % (
            self.name, what, timeout, self.describe()))

    def expect(self, pattern, timeout=None, strict=False, raw=False, flags=0):
        """Waits for a line matching pattern (re.search) and removes it.

        Tags (@...) are stripped before matching unless raw=True. With
        strict=True every line before the match is discarded too. Returns the
        match object; self.last_line holds the whole line (with tags)."""
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        scanned = 0
        with self._cond:
            while True:
                for i in range(scanned, len(self.pending)):
                    line = self.pending[i]
                    m = rx.search(line if raw else strip_tags(line))
                    if m:
                        if strict:
                            del self.pending[:i + 1]
                        else:
                            del self.pending[i]
                        self.last_line = line
                        return m
                scanned = len(self.pending)
                if self.eof:
                    self._fail("a line matching /%s/ (connection is closed)" % rx.pattern,
                               timeout)
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail("a line matching /%s/" % rx.pattern, timeout)
                self._cond.wait(left)

    def collect_until(self, pattern, timeout=None, raw=False):
        """Waits for a line matching pattern; removes and returns every pending
        line up to and including it (full lines, with tags)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        scanned = 0
        with self._cond:
            while True:
                for i in range(scanned, len(self.pending)):
                    line = self.pending[i]
                    if rx.search(line if raw else strip_tags(line)):
                        out = self.pending[:i + 1]
                        del self.pending[:i + 1]
                        self.last_line = line
                        return out
                scanned = len(self.pending)
                if self.eof:
                    self._fail("a line matching /%s/ (connection is closed)" % rx.pattern,
                               timeout)
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail("a line matching /%s/" % rx.pattern, timeout)
                self._cond.wait(left)

    def mark(self):
        """Index into `received` for wait_lines(since=...)."""
        with self._cond:
            return len(self.received)

    def wait_lines(self, predicate, what, timeout=None, since=0):
        """Waits until predicate(received[since:]) is true (all lines received
        since the mark, consumed or not)."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.received[since:]):
                if self.eof:
                    self._fail(what + " (connection is closed)", timeout)
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail(what, timeout)
                self._cond.wait(left)

    def take_pending(self):
        with self._cond:
            out = list(self.pending)
            self.pending.clear()
            return out

    def drain(self):
        """Discards every line received so far."""
        return self.take_pending()

    def expect_closed(self, timeout=None):
        """Waits until the server closes the connection; returns lines not yet
        consumed."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail("the server to close the connection", timeout)
                self._cond.wait(left)
            return list(self.pending)

    def wait_closed(self, timeout=None):
        """Like expect_closed but returns False instead of failing."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def is_closed(self):
        with self._cond:
            return self.eof

    # ---- writing
    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        with self._send_lock:
            self.sock.sendall(data)

    def send(self, line, eol="\r\n"):
        if isinstance(line, str):
            line = line.encode("utf-8")
        self.send_raw(line + eol.encode())

    def try_send(self, line, eol="\r\n"):
        try:
            self.send(line, eol)
            return True
        except OSError:
            return False

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(5)

    def abort(self):
        """Closes with a TCP RST (SO_LINGER 0)."""
        import struct
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()


class IrcClient(LineClient):
    name = "irc"

    def __init__(self, port, nick=None, auto_pong=True, **kw):
        super().__init__(port, name=kw.pop("name", None) or nick or "irc",
                         auto_pong=auto_pong, **kw)
        self.nick = nick
        self.user = None
        self.caps = set()

    @property
    def prefix(self):
        return "%s!%s@127.0.0.1" % (self.nick, self.user)

    @property
    def prefix_rx(self):
        """Regex for ':nick!user@127.0.0.1' of this client."""
        return ":%s!%s@127\\.0\\.0\\.1" % (re.escape(self.nick), re.escape(self.user))

    def register(self, nick=None, user=None, realname=None, caps=None, password=None):
        """Registers (optionally negotiating caps) and consumes everything up
        to the end of the MOTD (376) or 422. Returns the lines consumed."""
        nick = nick or self.nick
        self.nick = nick
        self.name = nick
        self.user = user or nick.lower()[:10].replace("[", "x").replace("]", "x") \
            .replace("{", "x").replace("}", "x").replace("\\", "x").replace("|", "x") \
            .replace("^", "x").replace("`", "x")
        realname = realname or ("Real " + nick)
        if caps:
            self.send("CAP LS 302")
            self.expect(r"^:\S+ CAP \* LS :")
            self.send("CAP REQ :" + " ".join(caps))
            m = self.expect(r"^:\S+ CAP \* (ACK|NAK) :?(.*)$")
            if m.group(1) != "ACK":
                raise AssertionError("%s: CAP REQ %s was NAKed" % (nick, caps))
            self.caps = set(m.group(2).split())
        if password is not None:
            self.send("PASS " + password)
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (self.user, realname))
        if caps:
            self.send("CAP END")
        lines = self.collect_until(r"^:\S+ (376|422) ")
        if not any(re.search(r"^:\S+ 001 ", strip_tags(l)) for l in lines):
            raise AssertionError("%s: end of MOTD without 001\n%s" % (nick, self.describe()))
        return lines

    def sync(self, token=None, timeout=None):
        """Round trip: PING with a unique token; waits for its PONG. Returns the
        lines received before the PONG (removed from pending)."""
        token = token or "sync%d" % next(_counter)
        self.send("PING :" + token)
        lines = self.collect_until(r"^:\S+ PONG \S+ :?%s$" % re.escape(token), timeout)
        return lines[:-1]

    def join(self, channel, key=None):
        """JOINs and consumes lines up to the 366 for that channel; returns them."""
        self.send("JOIN %s%s" % (channel, " " + key if key else ""))
        return self.collect_until(r"^:\S+ 366 %s %s " % (re.escape(self.nick),
                                                         name_rx(channel)))

    def expect_numeric(self, numeric, rest="", timeout=None, strict=False):
        return self.expect(r"^:\S+ %s %s" % (numeric, rest), timeout, strict)

    wait_for_numeric = expect_numeric

    def privmsg(self, target, text):
        self.send("PRIVMSG %s :%s" % (target, text))

    def quit(self, reason="bye"):
        self.try_send("QUIT :" + reason)
        self.wait_closed()
        self.close()


class PlainClient(LineClient):
    """A plain-text (nc/telnet style) user. Lines end in LF only."""

    name = "plain"

    def __init__(self, port, nick=None, **kw):
        super().__init__(port, name=kw.pop("name", None) or nick or "plain", **kw)
        self.nick = nick

    def send(self, line, eol="\n"):
        super().send(line, eol)

    def login(self, nick=None, room="#lobby"):
        """Consumes the greeting, sends the nickname, waits until the room is
        mentioned (join notice or *** line). Returns lines consumed."""
        nick = nick or self.nick
        self.nick = nick
        self.name = nick
        self.expect(r"NOTICE \* .*nickname", strict=True)
        self.send(nick)
        return self.collect_until(re.escape(room))

    def say(self, text):
        self.send(text)


_counter = itertools.count(1)  # thread-safe next() under the GIL


# --------------------------------------------------------------------------
# unittest integration

class ServerTestCase(unittest.TestCase):
    """Each test gets its own server (server_args), stopped and checked in
    tearDown. Clients made with self.irc()/self.plain() are closed first."""

    server_args = ()
    start_server = True
    maxDiff = None

    def setUp(self):
        self.clients = []
        self.server = None
        if self.start_server:
            self.server = self.make_server(self.server_args)

    def make_server(self, args=(), listeners=1, env=None, stdin_pipe=False, flood_off=True):
        srv = Server(args, listeners=listeners, env=env, stdin_pipe=stdin_pipe,
                     flood_off=flood_off).start()
        self.addCleanup(self._stop_server, srv)
        return srv

    def _stop_server(self, srv):
        for c in self.clients:
            c.close()
        self.clients = []
        srv.stop()

    def irc(self, nick=None, register=True, caps=None, server=None, **kw):
        srv = server or self.server
        c = IrcClient(srv.port, nick=nick, **kw)
        self.clients.append(c)
        if register and nick:
            c.register(caps=caps)
        return c

    def plain(self, nick=None, login=True, server=None, room="#lobby", **kw):
        srv = server or self.server
        c = PlainClient(srv.port, nick=nick, **kw)
        self.clients.append(c)
        if login and nick:
            c.login(room=room)
        return c

    def raw(self, server=None, **kw):
        srv = server or self.server
        c = LineClient(srv.port, **kw)
        self.clients.append(c)
        return c

    def assertServerAlive(self, server=None):
        srv = server or self.server
        self.assertTrue(srv.alive(), "parleyd died; stderr tail:\n" + tail(srv.stderr_text()))


def run_threads(funcs, timeout=120):
    """Runs callables in threads; re-raises the first exception (with the
    thread's traceback text). Fails if one does not finish within timeout."""
    import traceback
    errors = []

    def wrap(f):
        def run():
            try:
                f()
            except BaseException:
                errors.append(traceback.format_exc())
        return run

    threads = [threading.Thread(target=wrap(f), daemon=True) for f in funcs]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = sum(t.is_alive() for t in threads)
    if errors:
        raise AssertionError("%d of %d threads failed; first:\n%s" % (
            len(errors), len(threads), errors[0]))
    if alive:
        raise AssertionError("%d of %d threads did not finish within %.0fs" % (
            alive, len(threads), timeout))



def fill_room(clients, room):
    """Joins every client to room, in order, and waits until the room is
    complete: member i sees its own JOIN and those of the members after it.
    Then drains, so what follows starts from an empty slate."""
    for c in clients:
        c.join(room)
    n = len(clients)
    for i, c in enumerate(clients):
        c.wait_lines(lambda ls, k=n - i: sum(" JOIN " in l for l in ls) >= k,
                     "JOIN of the %d members from %s on" % (n - i, c.nick))
    for c in clients:
        c.drain()


def send_concurrently(clients, room, n_msgs, text, timeout=120):
    """Every client sends n_msgs PRIVMSGs to room at once, one thread each;
    text(nick, i) gives the i-th message of a client."""
    def sender(c):
        def run():
            for i in range(n_msgs):
                c.privmsg(room, text(c.nick, i))
        return run
    run_threads([sender(c) for c in clients], timeout=timeout)


def read_text(path):
    """The text of a file a program writes (a log), "" while it does not exist."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def poll_until(predicate, timeout=TIMEOUT, interval=0.1):
    """Calls predicate until it returns a true value (returned) or timeout
    (returns the last value)."""
    deadline = time.monotonic() + timeout
    while True:
        val = predicate()
        if val or time.monotonic() >= deadline:
            return val
        time.sleep(interval)


def main():
    """Runs the unittest tests of __main__. Exits 77 when every test was
    skipped (ctest SKIP_RETURN_CODE), 1 on failure, 0 otherwise."""
    sys.stdout.reconfigure(line_buffering=True)
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    if not res.wasSuccessful():
        sys.exit(1)
    if res.testsRun > 0 and len(res.skipped) == res.testsRun:
        sys.exit(SKIP_RETURN_CODE)
    if res.testsRun == 0:
        sys.exit(1)
    sys.exit(0)
