#!/usr/bin/env python3
"""docs/classroom.md quotes parleyd's trace: this test replays the lesson's
steps (the default mode with two nc users who chat and leave, step mode with
three waiting clients, iterative mode with two) against real servers and
checks that every [trace] line the doc quotes is one parleyd really prints,
with only the numbers and addresses of that run differing."""

import os
import re
import socket

from harness import ServerTestCase, main

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                   "classroom.md")
ADDRESS = re.compile(r"\\\[::\\\]|\d+\\\.\d+\\\.\d+\\\.\d+")


def quoted_trace_lines():
    """The [trace] lines inside the doc's code blocks."""
    lines, in_block = [], False
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                in_block = not in_block
            elif in_block and line.startswith("[trace] "):
                lines.append(line.rstrip("\n"))
    return lines


def template(line):
    """A regex for a quoted line: any address where it shows one, any number
    where it shows a number."""
    rx = re.escape(line)
    rx = ADDRESS.sub(r"\\S+", rx)
    rx = re.sub(r"\d+", r"\\d+", rx)
    return re.compile("^" + rx + "$")


def greeting(sock):
    sock.settimeout(10)
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(512)
        if not chunk:
            break
        data += chunk
    return data


class ClassroomDoc(ServerTestCase):
    start_server = False

    def default_lesson(self):
        """Sections 1-5: two nc users chat, one quits, one just goes."""
        srv = self.make_server(["--trace=io"])
        ada = self.plain("ada", server=srv)
        grace = self.plain("grace", server=srv)
        ada.say("hello grace")
        grace.expect(r"<ada> hello grace")
        ada.say("/quit")
        ada.wait_closed()
        grace.close()
        srv.stop()
        return srv.stdout_lines

    def step_lesson(self):
        """Section 6: three clients wait; Enter lets them in one by one."""
        srv = self.make_server(["--step"], stdin_pipe=True)
        socks = [socket.create_connection(("127.0.0.1", srv.port), timeout=10)
                 for _ in range(3)]
        srv.wait_stdout(r"waiting in the backlog", "the step prompt")
        for s in socks:
            srv.type_line()
            self.assertIn(b"Welcome", greeting(s))
        for s in socks:
            s.close()
        srv.stop()
        return srv.stdout_lines

    def iterative_lesson(self):
        """Section 7: the second client is served once the first quits."""
        srv = self.make_server(["--iterative"])
        ada = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        self.assertIn(b"Welcome", greeting(ada))
        grace = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        ada.sendall(b"ada\n/quit\n")
        self.assertIn(b"Welcome", greeting(grace))
        grace.sendall(b"grace\n")
        ada.close()
        grace.close()
        srv.stop()
        return srv.stdout_lines

    def test_every_quoted_trace_line_is_real(self):
        quoted = quoted_trace_lines()
        self.assertGreater(len(quoted), 10, "the doc quotes the trace")
        seen = self.default_lesson() + self.step_lesson() + self.iterative_lesson()
        seen = [l for l in seen if l.startswith("[trace] ")]
        missing = [q for q in quoted if not any(template(q).match(l) for l in seen)]
        self.assertEqual(missing, [], "docs/classroom.md quotes trace lines no run "
                         "printed:\n%s\n\nthe runs printed:\n%s"
                         % ("\n".join(missing), "\n".join(seen)))


if __name__ == "__main__":
    main()
