#!/usr/bin/env python3
"""Command-line options: --help, --version, invalid options, --motd,
--name, --default-room, --bind (twice), --trace."""

import os
import re
import tempfile

from harness import (LineClient, ServerTestCase, binary_is_sanitized, main, poll_until,
                     run_parleyd, SANITIZER_MARKERS)

OPTIONS = ("--port", "--bind", "--name", "--motd", "--password", "--max-clients",
           "--max-per-ip", "--sendq", "--flood", "--history", "--default-room", "--trace",
           "--log-level", "--reg-timeout", "--ping-interval", "--writers", "--help",
           "--version", "--config", "--check-config", "--password-file")


class Options(ServerTestCase):
    start_server = False

    def assert_no_sanitizer(self, text):
        for marker in SANITIZER_MARKERS:
            self.assertNotIn(marker, text)

    def test_help(self):
        status, out, err = run_parleyd(["--help"])
        self.assertEqual(status, 0, "--help exit status; stderr:\n" + err)
        text = out + err
        for opt in OPTIONS:
            self.assertIn(opt, text, "--help does not mention %s" % opt)
        self.assertNotIn("listening on", text)
        self.assert_no_sanitizer(err)

    def test_version(self):
        status, out, err = run_parleyd(["--version"])
        self.assertEqual(status, 0, "--version exit status; stderr:\n" + err)
        text = out + err
        version = os.environ.get("PARLEY_VERSION")
        if version:
            self.assertIn(version, text)
        else:
            self.assertRegex(text, r"\d+\.\d+\.\d+")
        self.assertNotIn("listening on", text)

    def test_invalid_options(self):
        bad_sets = [
            ["--bogus-option"],
            ["--port", "70000"],
            ["--port", "-1"],
            ["--port", "abc"],
            ["--port"],
            ["--max-clients", "many"],
            ["--sendq", "lots"],
            ["--flood", "x:y"],
            ["--history", "-3"],
            ["--log-level", "loud"],
            ["--reg-timeout", "soon"],
            ["--ping-interval", "-5"],
            ["--writers", "0"],
            ["--default-room", "lobby"],
            ["--bind", "not an address"],
            ["--motd", "/nonexistent/parley/motd"],
            ["stray-argument"],
        ]
        for args in bad_sets:
            full = ["--bind", "127.0.0.1"] + args
            if "--port" not in args:
                full = ["--port", "0"] + full
            status, out, err = run_parleyd(full)
            with self.subTest(args=args):
                self.assertIsNotNone(status, "parleyd %s did not exit (it should refuse "
                                     "the option); stdout: %r" % (" ".join(args), out))
                self.assertNotEqual(status, 0, "parleyd %s exited 0" % " ".join(args))
                self.assertNotIn("listening on", out,
                                 "parleyd %s opened a socket before failing" % " ".join(args))
                self.assertTrue(err.strip(), "parleyd %s: no message on stderr" % " ".join(args))
                self.assert_no_sanitizer(err)

    def test_motd_file(self):
        fd, path = tempfile.mkstemp(prefix="parley-motd-")
        with os.fdopen(fd, "w") as f:
            f.write("Welcome to the test network\nSecond line: rules\n\nLast line\n")
        self.addCleanup(os.unlink, path)
        srv = self.make_server(["--motd", path])
        c = self.irc(register=False, server=srv)
        c.send("NICK motd")
        c.send("USER motd 0 * :M")
        lines = c.collect_until(r"^:parley (376|422) motd ")
        self.assertRegex(lines[-1], r"^:parley 376 motd :")
        self.assertTrue(any(re.match(r"^:parley 375 motd :", l) for l in lines))
        motd = [re.match(r"^:parley 372 motd :(.*)$", l).group(1) for l in lines
                if " 372 " in l]
        texts = [m[2:] if m.startswith("- ") else m for m in motd]
        self.assertEqual([t for t in texts if t.strip()],
                         ["Welcome to the test network", "Second line: rules", "Last line"],
                         "372 lines do not carry the MOTD file: %r" % motd)
        c.send("MOTD")
        c.expect(r"^:parley 372 motd :(- )?Second line: rules$")
        c.expect(r"^:parley 376 motd ")

    def test_name(self):
        srv = self.make_server(["--name", "irc.test.example"])
        c = self.irc(register=False, server=srv)
        c.expect(r"^:irc\.test\.example NOTICE \* ")
        c.send("NICK named")
        c.send("USER named 0 * :N")
        c.expect(r"^:irc\.test\.example 001 named ")
        c.send("PING x")
        c.expect(r"^:irc\.test\.example PONG irc\.test\.example :x$")

    def test_tunables_reexec(self):
        """parleyd runs itself again (same pid) with its glibc tunables in front
        of the user's own, and then works. (glibc rewrites GLIBC_TUNABLES as it
        parses it, so /proc shows only its start; the mark we set is intact.)"""
        if binary_is_sanitized():
            self.skipTest("sanitizer builds keep their own allocator; no re-exec")
        srv = self.make_server(env={"GLIBC_TUNABLES": "glibc.malloc.check=0"})
        with open("/proc/%d/environ" % srv.pid, "rb") as f:
            environ = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
        self.assertEqual(environ.get(b"PARLEYD_TUNED"), b"1", "no re-exec happened")
        self.assertTrue(environ.get(b"GLIBC_TUNABLES", b"").startswith(
            b"glibc.rtld.optional_static_tls=0"), environ.get(b"GLIBC_TUNABLES"))
        c = self.irc("tuned", server=srv)
        c.send("PING x")
        c.expect(r" PONG \S+ :x$")

    def test_default_room(self):
        srv = self.make_server(["--default-room", "#hall"])
        c = self.irc("watcher", server=srv)
        c.join("#hall")
        p = self.plain("visitor", server=srv, room="#hall")
        c.expect(r"^:visitor!\S+ JOIN :?#hall$")
        p.say("hi hall")
        c.expect(r"^:visitor!\S+ PRIVMSG #hall :hi hall$")

    def test_two_binds(self):
        srv = self.make_server(["--bind", "127.0.0.1", "--bind", "127.0.0.2"], listeners=2)
        self.assertEqual(len(srv.ports), 2)
        outs = [l for l in srv.stdout_lines if l.startswith("listening on ")]
        self.assertTrue(any(l.startswith("listening on 127.0.0.2:") for l in outs), outs)
        for line in outs:
            host, port = re.match(r"listening on (\S+):(\d+)$", line).groups()
            c = LineClient(int(port), host=host, name=host)
            self.clients.append(c)
            c.expect(r"NOTICE \* ")

    def test_trace(self):
        srv = self.make_server(["--trace"])
        c = self.irc("traced", server=srv)
        cport = c.local[1]
        c.join("#t")
        c.quit()

        def trace_text():
            # without the startup "listening on" lines, which name the port too
            return "\n".join(l for l in srv.output_text().splitlines()
                             if not l.startswith("listening on "))

        def have():
            text = trace_text()
            return (re.search(r"(?i)accept", text) and
                    re.search(r"(?i)\bfd\b\D{0,3}\d+", text) and
                    re.search(r"127\.0\.0\.1:%d\b" % srv.port, text) and
                    re.search(r"(?i)still listening", text))

        poll_until(have, timeout=10)
        text = trace_text()
        self.assertRegex(text, r"(?i)accept", "--trace output lacks 'accept'")
        self.assertRegex(text, r"(?i)\bfd\b\D{0,3}\d+", "--trace output lacks the new fd")
        self.assertRegex(text, r"127\.0\.0\.1:%d\b" % srv.port,
                         "--trace output lacks the listening endpoint 127.0.0.1:%d" % srv.port)
        self.assertRegex(text, r"(?i)still listening", "--trace output lacks 'still listening'")
        self.assertIn("127.0.0.1:%d" % cport, text,
                      "--trace output lacks the client endpoint 127.0.0.1:%d" % cport)


if __name__ == "__main__":
    main()
