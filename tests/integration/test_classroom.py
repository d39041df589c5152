#!/usr/bin/env python3
"""Classroom modes (issue 13): --step accepts a waiting connection only when
Enter is pressed on the server's terminal and says how many wait in the
backlog first; --backlog sets listen()'s backlog, and a full backlog does not
break the server; --iterative serves one client at a time on the main thread,
the next only after the first leaves."""

import socket
import time

from harness import ServerTestCase, main

WAITING = r"(\d+) connections? waiting in the backlog of listening fd (\d+): the kernel"
ACCEPTING = r"accept\(\): (\d+) connections? waiting in the backlog of listening fd (\d+)"


def connect(port):
    """A TCP connection whose handshake the kernel completes (no accept needed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return s


def greeted(sock, timeout=10):
    """True once the server's greeting line arrives on sock."""
    sock.settimeout(timeout)
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(512)
        if not chunk:
            return False
        data += chunk
    return b"Welcome to parley" in data


def nothing_yet(sock, seconds=0.5):
    """True if nothing arrives on sock within seconds (not yet accepted)."""
    sock.settimeout(seconds)
    try:
        return sock.recv(512) == b""
    except socket.timeout:
        return True


class StepMode(ServerTestCase):
    start_server = False  # each test makes its own

    def test_accepts_only_on_enter_and_counts_the_backlog(self):
        srv = self.make_server(["--step"], stdin_pipe=True)
        socks = [connect(srv.port) for _ in range(3)]
        srv.wait_stdout(WAITING + r".*Press Enter", "the prompt")
        self.assertTrue(nothing_yet(socks[0]), "accepted before Enter")
        mark = srv.stdout_mark()
        srv.type_line()
        m = srv.wait_stdout(ACCEPTING, "the count before the accept", since=mark)
        self.assertEqual(m.group(1), "3", "three handshakes done, none accepted")
        self.assertTrue(greeted(socks[0]), "the first client was not accepted on Enter")
        srv.wait_stdout(r"accept\(fd \d+\) returned a NEW socket", "the accept narration",
                        since=mark)
        m = srv.wait_stdout(WAITING, "the backlog count after one accept", since=mark)
        self.assertEqual(m.group(1), "2")
        self.assertTrue(nothing_yet(socks[1]), "a second client was let in by one Enter")
        srv.type_line()
        srv.type_line()
        self.assertTrue(greeted(socks[1]))
        self.assertTrue(greeted(socks[2]))
        for s in socks:
            s.close()

    def test_full_backlog_does_not_break_the_server(self):
        srv = self.make_server(["--step", "--backlog", "1"], stdin_pipe=True)
        socks = []
        # More than the backlog holds: the kernel stops completing handshakes
        # (the extra SYNs are dropped and retried); connect() must not hang here.
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", srv.port))
            socks.append(s)
        srv.wait_stdout(WAITING, "the backlog count")
        time.sleep(0.5)
        self.assertServerAlive(srv)
        # not spinning: the acceptor waits for Enter instead of polling a
        # listener that stays readable
        cpu_before = sum(int(x) for x in open("/proc/%d/stat" % srv.pid).read()
                         .rsplit(")", 1)[1].split()[11:13])
        time.sleep(1.0)
        cpu_after = sum(int(x) for x in open("/proc/%d/stat" % srv.pid).read()
                        .rsplit(")", 1)[1].split()[11:13])
        self.assertLess(cpu_after - cpu_before, 50, "the acceptor spins while waiting")
        for s in socks:
            s.close()
        srv.proc.stdin.close()  # end of the lesson's terminal: accept without waiting
        srv.wait_stdout(r"stdin is closed", "the end of step mode")
        c = self.plain("late", server=srv)  # the server still takes newcomers
        c.say("/quit")


class IterativeMode(ServerTestCase):
    server_args = ("--iterative",)

    def test_second_client_served_only_after_the_first_leaves(self):
        threads = self.server.threads()  # the main thread and the log writer
        first = connect(self.server.port)
        self.assertTrue(greeted(first))
        second = connect(self.server.port)  # handshake done by the kernel
        self.assertTrue(nothing_yet(second, 1.0), "served while the first is still here")
        self.server.wait_stdout(r"the main thread serves fd \d+", "the iterative narration")
        first.sendall(b"ada\n")
        first.sendall(b"/quit\n")
        self.assertTrue(greeted(second), "the second client was not served after the first left")
        second.sendall(b"grace\n")
        second.sendall(b"hello\n")
        self.assertEqual(self.server.threads(), threads, "iterative mode started a thread")
        second.close()
        first.close()


if __name__ == "__main__":
    main()
