#!/usr/bin/env python3
"""e2e: a server that stops reading what the client sends. The client keeps
its outbound lines in a queue the network thread writes when the socket is
writable, so the UI never waits on the network: typing, window switching,
/quit and Ctrl-C keep working, the status line says how many lines are
waiting, a stall that lasts ends in a disconnect with the reason (then the
usual reconnect), and when the server reads again every line arrives whole
and in order (a partly written line is resumed, never glued to the next).

The fake server has a tiny receive buffer, so one paste fills the kernel's
buffers and the rest of it waits in the client's queue."""

import os
import re
import socket
import threading
import time

import e2e

LINES = 150                       # one paste: more than the kernel buffers hold
FILLER = "x" * 380                # ~400 bytes a line, 60 KB in all (paste max 64 Ki chars)
WAITING = r"server is not reading: (\d+) lines? waiting"


def paste_text():
    return "\n".join("seq %03d %s" % (i, FILLER) for i in range(LINES))


def paste_big(term, text):
    """A bracketed paste too big for a tmux command line: loaded from a file."""
    path = os.path.join(term.dir, "paste")
    with open(path, "w") as f:
        f.write(text)
    term.tmux("load-buffer", "-b", "big", path)
    term.tmux("paste-buffer", "-p", "-d", "-b", "big")


class StallServer:
    """Registers parley clients in #lobby and records every line they send;
    reading can be paused (for every connection) and resumed."""

    def __init__(self):
        self.listener = socket.socket()
        # Small, so the paused server holds little; set before listen() so
        # accepted sockets inherit it.
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.reading = threading.Event()
        self.reading.set()
        self.cond = threading.Condition()
        self.lines = []          # (connection number, line) in the order read
        self.registered = 0      # connections that got a 001
        self.closed = False
        self.conns = []
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        number = 0
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            number += 1
            self.conns.append(conn)
            threading.Thread(target=self.serve, args=(conn, number), daemon=True).start()

    def pause(self):
        self.reading.clear()

    def resume(self):
        self.reading.set()

    def send(self, conn, line):
        try:
            conn.sendall(line.encode() + b"\r\n")
        except OSError:
            pass

    def serve(self, conn, number):
        conn.settimeout(0.1)
        buf = b""
        nick = "victim"
        while not self.closed:
            if not self.reading.is_set():
                time.sleep(0.05)
                continue
            try:
                data = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                with self.cond:
                    self.lines.append((number, line))
                    self.cond.notify_all()
                nick = self.answer(conn, line, nick)

    def answer(self, conn, line, nick):
        words = line.split(" ")
        cmd = words[0].upper()
        if cmd == "CAP" and len(words) > 1 and words[1] == "LS":
            self.send(conn, ":fake CAP * LS :")
        elif cmd == "NICK" and len(words) > 1:
            nick = words[1]
        elif cmd == "USER":
            self.send(conn, ":fake 001 %s :Welcome" % nick)
            with self.cond:
                self.registered += 1
                self.cond.notify_all()
        elif cmd == "PING":
            self.send(conn, ":fake PONG fake :" + line.split(":", 1)[-1])
        elif cmd == "JOIN":
            self.send(conn, ":%s!u@h JOIN #lobby" % nick)
            self.send(conn, ":fake 353 %s = #lobby :%s @bob" % (nick, nick))
            self.send(conn, ":fake 366 %s #lobby :End of /NAMES list." % nick)
        return nick

    def wait(self, predicate, what, timeout=e2e.WAIT):
        deadline = time.monotonic() + timeout * e2e.wait_scale()
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("fake server never saw %s; last lines: %r" % (
                        what, [l[:60] for _, l in self.lines[-10:]]))
                self.cond.wait(left)

    def close(self):
        self.closed = True
        self.reading.set()
        for s in [self.listener] + self.conns:
            try:
                s.close()
            except OSError:
                pass


class StallTest(e2e.ClientTestCase):
    start_server = False

    def start(self, env=None):
        fake = StallServer()
        self.addCleanup(fake.close)
        term = self.client("victim", port=fake.port, env=env)
        return fake, term

    def stall_and_fill(self, fake, term):
        """Stops the server reading, pastes more than the buffers hold, and
        checks that the input line still answers at once."""
        fake.pause()
        paste_big(term, paste_text())
        term.wait_for(r"Paste %d lines\?" % LINES)
        term.keys("Enter")
        term.type("still typing", enter=False)
        term.wait_for(r"^> still typing$", what="the typed text on the input line")
        m = term.wait_for(WAITING, what="the 'server is not reading' status")
        self.assertGreater(int(m.group(1)), 0)
        term.keys("C-u")
        term.wait_for(r"^>\s*$")

    def test_ctrl_c_leaves_while_the_server_does_not_read(self):
        fake, term = self.start()
        self.stall_and_fill(fake, term)
        # a second paste meets the queue's limit: refused with one clear note
        paste_big(term, paste_text())
        term.wait_for(r"Paste %d lines\?" % LINES)
        term.keys("Enter")
        term.wait_for(r"Not sent: \d+ lines are already waiting for the server, which is not")
        term.wait_for(r"The other \d+ pasted lines were not sent either")
        term.keys("C-c")
        term.finish(quit_keys=())

    def test_quit_leaves_while_the_server_does_not_read(self):
        fake, term = self.start()
        self.stall_and_fill(fake, term)
        term.type("/quit bye")
        term.finish(quit_keys=())

    def test_stall_shows_status_then_disconnects_with_reason(self):
        fake, term = self.start(env={"PARLEY_STALL_TIMEOUT": "8"})
        self.stall_and_fill(fake, term)
        # the UI answers: window switching while lines wait
        term.keys("M-1")
        term.wait_for(r"^ \[victim\] 1:127\.0\.0\.1:%d" % fake.port)
        term.wait_for(WAITING)
        term.keys("M-2")
        term.wait_for(r"^ \[victim\] 2:#lobby")
        # typed lines queue up too, and the count grows
        before = int(term.wait_for(WAITING).group(1))
        term.type("one more line")
        term.wait_until(lambda s: any(int(n) > before for n in re.findall(WAITING, s)),
                        "the waiting count grow")
        term.wait_for(r"Disconnected: The server has not read what we sent for 8 s"
                      r" \(\d+ lines? not sent\)",
                      timeout=30, what="the disconnect with its reason")
        term.wait_for(r"Reconnecting in 1 s")
        fake.resume()
        fake.wait(lambda: fake.registered >= 2, "the reconnect")
        term.wait_until(lambda s: re.search(WAITING, s) is None and
                        re.search(r"^ \[victim\] 2:#lobby \(2 users\)", s, re.M),
                        "the status line back to normal")
        term.finish()

    def test_lines_arrive_whole_after_the_server_reads_again(self):
        fake, term = self.start()
        self.stall_and_fill(fake, term)
        term.type("after the paste")
        fake.resume()
        term.wait_until(lambda s: re.search(WAITING, s) is None, "the queue drained")

        def said():
            return [l for n, l in fake.lines if n == 1 and l.startswith("PRIVMSG")]
        fake.wait(lambda: len(said()) >= LINES + 1, "every pasted line")
        expected = ["PRIVMSG #lobby :seq %03d %s" % (i, FILLER) for i in range(LINES)]
        expected.append("PRIVMSG #lobby :after the paste")
        self.assertEqual(said(), expected)
        # and nothing else arrived mangled: every line is a command we know
        for _, line in fake.lines:
            self.assertRegex(line, r"^(CAP|NICK|USER|JOIN|PRIVMSG|PING|PONG|QUIT) ")
        term.finish()


if __name__ == "__main__":
    e2e.main()
