#!/usr/bin/env python3
"""--trace=io narrates each read and each room line's fan-out (counts and fds,
never the text); --trace narrates who closed a connection first and the TCP
states `ss` shows meanwhile; worker threads are named parleyd-w<fd>."""

import os
import re
import socket

from harness import TIMEOUT, ServerTestCase, main, poll_until


class Trace(ServerTestCase):

    server_args = ("--trace=io",)

    def trace_lines(self, srv=None):
        srv = srv or self.server
        return [l for l in srv.stdout_text().splitlines() if l.startswith("[trace] ")]

    def wait_trace(self, pattern, srv=None):
        """Waits for a trace line matching pattern; returns its match."""
        rx = re.compile(pattern)

        def found():
            for line in self.trace_lines(srv):
                m = rx.search(line)
                if m:
                    return m
            return None

        m = poll_until(found, timeout=TIMEOUT)
        self.assertIsNotNone(m, "no trace line matching %r in:\n%s" %
                             (pattern, "\n".join(self.trace_lines(srv))))
        return m

    def fd_and_worker(self, client, srv=None):
        """The server's fd for client's connection and its worker thread
        number, as the accept trace names them."""
        port = client.local[1]
        fd = int(self.wait_trace(r"returned a NEW socket, fd (\d+): .* remote end "
                                 r"127\.0\.0\.1:%d$" % port, srv).group(1))
        worker = int(self.wait_trace(r"fd %d handed to worker thread (\d+);" % fd,
                                     srv).group(1))
        return fd, worker

    def test_read_and_fanout(self):
        ada = self.plain("ada")
        grace = self.plain("grace")
        ada_fd, ada_worker = self.fd_and_worker(ada)
        grace_fd, _ = self.fd_and_worker(grace)
        ada.say("hello grace")
        grace.expect(r"hello grace")
        self.wait_trace(r"^\[trace\] worker thread %d read 12 bytes from fd %d: 1 line$"
                        % (ada_worker, ada_fd))
        self.wait_trace(r"^\[trace\] worker thread %d queued the line to 1 socket "
                        r"\(fd %d\)$" % (ada_worker, grace_fd))
        self.assertNotIn("hello grace", self.server.stdout_text(),
                         "the trace printed what a peer sent")

    def test_big_room_fanout_names_a_few_fds(self):
        users = [self.plain("u%d" % i) for i in range(6)]
        fds = [self.fd_and_worker(u)[0] for u in users]
        sender_worker = self.fd_and_worker(users[0])[1]
        users[0].say("to all")
        for u in users[1:]:
            u.expect(r"to all")
        m = self.wait_trace(r"^\[trace\] worker thread %d queued the line to 5 sockets "
                            r"\((.*)\)$" % sender_worker)
        named = m.group(1).split(", ")
        self.assertEqual(named[-1], "...", m.group(0))
        self.assertEqual(len(named), 5, m.group(0))  # 4 fds and "..."
        for item in named[:-1]:
            self.assertIn(int(item[3:]), fds[1:], m.group(0))

    def test_plain_trace_has_no_io_lines(self):
        srv = self.make_server(["--trace"])
        ada = self.plain("ada", server=srv)
        grace = self.plain("grace", server=srv)
        self.fd_and_worker(grace, srv)
        ada.say("hi")
        grace.expect(r"hi")
        ada.say("/quit")
        self.wait_trace(r"worker thread \d+ exits", srv)
        text = "\n".join(self.trace_lines(srv))
        self.assertNotRegex(text, r" read \d+ bytes | queued the line ")

    def test_close_client_first(self):
        bob = self.plain("bob")
        fd, _ = self.fd_and_worker(bob)
        bob.sock.shutdown(socket.SHUT_WR)  # our FIN, as nc -N sends on Ctrl-D
        bob.expect_closed()
        m = self.wait_trace(r"^\[trace\] fd %d: the client closed first .*$" % fd)
        for state in ("CLOSE-WAIT", "FIN-WAIT-2", "TIME-WAIT"):
            self.assertIn(state, m.group(0))
        self.wait_trace(r"^\[trace\] close\(fd %d\)" % fd)
        self.assertNotRegex("\n".join(self.trace_lines()),
                            r"fd %d: the server closes first" % fd)

    def test_close_server_first_client_closes_too(self):
        bob = self.plain("bob")
        fd, _ = self.fd_and_worker(bob)
        bob.say("/quit")
        bob.expect_closed()  # the server's FIN
        m = self.wait_trace(r"^\[trace\] fd %d: the server closes first \(Quit\).*$" % fd)
        for state in ("FIN-WAIT-2", "CLOSE-WAIT"):
            self.assertIn(state, m.group(0))
        bob.sock.shutdown(socket.SHUT_WR)
        m = self.wait_trace(r"^\[trace\] fd %d: the client closed too.*$" % fd)
        self.assertIn("TIME-WAIT", m.group(0))

    def test_close_server_first_client_stays(self):
        bob = self.plain("bob")
        fd, _ = self.fd_and_worker(bob)
        bob.say("/quit")
        bob.expect_closed()
        # bob does not close (nc without -N): the server resets it in the end
        self.wait_trace(r"^\[trace\] fd %d: the client had not closed .*RST" % fd)
        self.wait_trace(r"^\[trace\] close\(fd %d\)" % fd)

    def test_thread_names(self):
        ada = self.plain("ada")
        grace = self.plain("grace")
        fds = [self.fd_and_worker(c)[0] for c in (ada, grace)]
        task_dir = "/proc/%d/task" % self.server.pid

        def names():
            out = {}
            for tid in os.listdir(task_dir):
                try:
                    with open(os.path.join(task_dir, tid, "comm")) as f:
                        out[int(tid)] = f.read().strip()
                except OSError:
                    pass  # a thread that just ended
            return out

        have = names()
        for fd in fds:
            self.assertIn("parleyd-w%d" % fd, have.values(), have)
        self.assertEqual(have.get(self.server.pid), "parleyd",
                         "the main thread must keep the process name: %r" % have)


if __name__ == "__main__":
    main()
