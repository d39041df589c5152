#!/usr/bin/env python3
"""The config file: --config FILE (values used, the command line wins),
--check-config (every problem as FILE:LINE, exit 1; a clean file exit 0),
SIGHUP re-reading it (a changed limit and MOTD applied and logged, a broken
file changing nothing), and the password kept out of /proc/PID/cmdline."""

import os
import re
import signal
import tempfile
import time

from harness import LineClient, ServerTestCase, main, poll_until, run_parleyd


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


class ConfigFile(ServerTestCase):
    start_server = False

    def temp(self, text, prefix="parley-conf-"):
        fd, path = tempfile.mkstemp(prefix=prefix)
        os.close(fd)
        write_file(path, text)
        self.addCleanup(os.unlink, path)
        return path

    def motd_lines(self, c):
        c.send("MOTD")
        lines = c.collect_until(r"^:\S+ (376|422) ")
        return [re.sub(r"^:\S+ 372 \S+ :(- )?", "", l) for l in lines if " 372 " in l]

    def refused(self, srv, name):
        """A new connection from 127.0.0.1, expected to be refused."""
        c = LineClient(srv.port, name=name)
        self.clients.append(c)
        c.expect(r"^ERROR :.*Too many connections")
        c.expect_closed()

    def hangup(self, srv, pattern):
        """Sends SIGHUP and waits for a log line matching pattern."""
        since = len(srv.stderr_text())
        srv.send_signal(signal.SIGHUP)
        srv.signaled = None  # SIGHUP must not stop it
        self.assertTrue(poll_until(lambda: re.search(pattern, srv.stderr_text()[since:])
                                   or not srv.alive(), timeout=10),
                        "no log line matching %r after SIGHUP:\n%s" %
                        (pattern, srv.stderr_text()[since:]))
        self.assertTrue(srv.alive(), "parleyd died of SIGHUP")
        return srv.stderr_text()[since:]

    def test_file_values_used_and_argv_wins(self):
        motd = self.temp("from the file\n", "parley-motd-")
        conf = self.temp("# office server\nname = office\nmotd %s\n"
                         "default-room #hall\n" % motd)
        srv = self.make_server(["--config", conf])
        a = self.irc("alice", server=srv)
        self.assertEqual(self.motd_lines(a), ["from the file"])
        a.send("VERSION")
        a.expect(r"^:office 351 alice ")
        self.plain("bob", server=srv, room="#hall")  # lands in the file's default room
        srv2 = self.make_server(["--config", conf, "--name", "cli"])
        c = self.irc("carol", server=srv2)
        c.send("VERSION")
        c.expect(r"^:cli 351 carol ")

    def test_check_config_reports_every_problem(self):
        conf = self.temp("")
        with open(conf, "wb") as f:
            f.write(b"port 7000\nprot 7001\nmax-clients lots\nport 7002\n"
                    b"colour blue\nmotd /nonexistent/parley/motd\nname \xff\n")
        status, out, err = run_parleyd(["--check-config", "--config", conf])
        self.assertEqual(status, 1, "exit status; stderr:\n" + err)
        expected = [
            (2, r"unknown option 'prot' \(did you mean 'port'\?\)"),
            (3, r"invalid value for max-clients: 'lots'"),
            (4, r"duplicate option 'port' \(first on line 1\)"),
            (5, r"unknown option 'colour'"),
            (6, r"cannot read MOTD file /nonexistent/parley/motd"),
            (7, r"not valid UTF-8"),
        ]
        for line, message in expected:
            self.assertRegex(err, r"(?m)^%s:%d: %s" % (re.escape(conf), line, message))
        self.assertNotIn("listening on", out + err)

    def test_check_config_clean(self):
        conf = self.temp("port 0\nbind 127.0.0.1\nmax-clients 50\nflood 2:10\nstep no\n"
                         "password secret\n")
        status, out, err = run_parleyd(["--check-config", "--config", conf])
        self.assertEqual(status, 0, "exit status; stderr:\n" + err)
        self.assertIn("%s: OK" % conf, out)
        self.assertNotIn("listening on", out + err)
        # a bad command line is a problem too
        status, out, err = run_parleyd(["--check-config", "--config", conf, "--port", "x"])
        self.assertEqual(status, 1)

    def test_sighup_applies_limit_and_motd(self):
        motd = self.temp("old motd\n", "parley-motd-")
        conf = self.temp("max-per-ip 1\nmotd %s\n" % motd)
        srv = self.make_server(["--config", conf])
        a = self.irc("alice", server=srv)
        self.refused(srv, "second")
        write_file(motd, "new motd\n")
        write_file(conf, "max-per-ip 3\nmotd %s\nname renamed\nwriters 2\n" % motd)
        log = self.hangup(srv, r"changed: ")
        self.assertRegex(log, r"changed: motd, max-per-ip\s*$|changed: motd, max-per-ip\n")
        self.assertRegex(log, r"applied only at restart: name, writers")
        self.assertEqual(a.sync(), [], "alice was told something about the SIGHUP")
        b = self.irc("bob", server=srv)
        self.assertEqual(self.motd_lines(b), ["new motd"])
        b.send("VERSION")
        b.expect(r"^:parley 351 bob ")  # the name waits for a restart

    def pings_answered(self, c, n, tag="p"):
        """Sends n PINGs in one write; each must get its PONG."""
        c.send_raw("".join("PING :%s%d\r\n" % (tag, i) for i in range(n)).encode())
        for i in range(n):
            c.expect(r"^:parley PONG parley :%s%d$" % (tag, i))

    def flood_server(self, flood):
        """A server with "flood FLOOD" in its file (not --flood off), alice
        on it; returns both and the file."""
        conf = self.temp("flood %s\n" % flood)
        srv = self.make_server(["--config", conf], flood_off=False)
        return srv, conf, self.irc("alice", server=srv)

    def reload_flood(self, srv, conf, flood):
        write_file(conf, "flood %s\n" % flood)
        self.assertRegex(self.hangup(srv, r"changed: "), r"changed: flood")

    def test_sighup_flood_on_holds_nobody_forever(self):
        # Connected while flood control was off, alice must still be served
        # (paced) once a SIGHUP turns it on: her bucket is not left empty.
        srv, conf, a = self.flood_server("off")
        self.reload_flood(srv, conf, "50:5")
        self.pings_answered(a, 12)

    def test_sighup_new_flood_rate_reaches_everyone(self):
        # One line per 20 s after a burst of 5: 12 lines would take minutes at the old rate.
        srv, conf, a = self.flood_server("0.05:5")
        self.pings_answered(a, 1, tag="warm")
        self.reload_flood(srv, conf, "1000:50")
        self.pings_answered(a, 12)

    def test_sighup_new_flood_rate_frees_lines_held_back(self):
        # Alice's burst is spent and her next lines are held back (one per
        # 20 s); the reload must let them through now, not after the wait.
        srv, conf, a = self.flood_server("0.05:5")
        a.send_raw("".join("PING :w%d\r\n" % i for i in range(8)).encode())
        a.expect(r"^:parley PONG parley :w1$")
        # Past the worker's idle trims (0.25 s and 1 s), which would wake it
        # anyway: from then on only the flood wait (20 s) would end its wait.
        time.sleep(1.5)
        self.reload_flood(srv, conf, "1000:50")
        for i in range(2, 8):
            a.expect(r"^:parley PONG parley :w%d$" % i)

    def test_sighup_broken_file_changes_nothing(self):
        conf = self.temp("max-per-ip 1\n")
        srv = self.make_server(["--config", conf])
        a = self.irc("alice", server=srv)
        write_file(conf, "max-per-ip 5\nmax-clients none\ncolour blue\n")
        log = self.hangup(srv, r"nothing changed")
        self.assertIn("%s:2: invalid value for max-clients" % conf, log)
        self.assertIn("%s:3: unknown option 'colour'" % conf, log)
        self.refused(srv, "second")  # max-per-ip 5 was not applied
        self.assertEqual(a.sync(), [])
        # a file that cannot be read at all changes nothing either
        os.unlink(conf)
        self.hangup(srv, r"cannot read.*nothing changed")
        write_file(conf, "max-per-ip 1\n")
        self.refused(srv, "third")

    def test_password_from_file_not_in_cmdline(self):
        conf = self.temp("password s3cret-pw\n")
        srv = self.make_server(["--config", conf])
        with open("/proc/%d/cmdline" % srv.pid, "rb") as f:
            cmdline = f.read()
        self.assertNotIn(b"s3cret-pw", cmdline)
        self.assertIn(conf.encode(), cmdline)
        c = self.irc("nopass", server=srv, register=False)
        c.send("NICK nopass")
        c.send("USER nopass 0 * :N")
        c.expect(r"^:\S+ 464 ")
        ok = self.irc("withpass", server=srv, register=False)
        ok.register(password="s3cret-pw")

    def test_password_file_and_live_change(self):
        pw = self.temp("first-pw\n", "parley-pw-")
        conf = self.temp("password-file %s\n" % pw)
        srv = self.make_server(["--config", conf])
        ok = self.irc("one", server=srv, register=False)
        ok.register(password="first-pw")
        write_file(pw, "second-pw\n")
        self.hangup(srv, r"changed: password")
        old = self.irc("two", server=srv, register=False)
        old.send("PASS first-pw")
        old.send("NICK two")
        old.send("USER two 0 * :T")
        old.expect(r"^:\S+ 464 ")
        new = self.irc("three", server=srv, register=False)
        new.register(password="second-pw")

    def test_packaged_example_is_complete_and_valid(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        example = os.path.join(root, "packaging", "parleyd.conf")
        status, out, err = run_parleyd(["--check-config", "--config", example])
        self.assertEqual(status, 0, "the example as shipped; stderr:\n" + err)
        # Every option in --help is shown; uncommented, each default is valid.
        status, help_text, _ = run_parleyd(["--help"])
        options = set(re.findall(r"--([a-z][a-z-]+)", help_text))
        options -= {"help", "version", "config", "check-config", "fingerprint", "hash-password"}
        motd = self.temp("motd\n", "parley-motd-")
        pw = self.temp("pw\n", "parley-pw-")
        lines, seen = [], set()
        with open(example) as f:
            for line in f:
                m = re.match(r"^#?([a-z][a-z0-9-]*)(\s.*)?$", line.rstrip("\n"))
                if not m:
                    continue
                name = m.group(1)
                seen.add(name)
                value = {"motd": motd, "password-file": pw}.get(name, (m.group(2) or "").strip())
                if name == "bind" and name in {l.split()[0] for l in lines}:
                    continue
                lines.append("%s %s" % (name, value))
        self.assertEqual(sorted(options - seen), [], "options missing from the example")
        every = self.temp("\n".join(lines) + "\n")
        status, out, err = run_parleyd(["--check-config", "--config", every])
        self.assertEqual(status, 0, "the example with every line uncommented; stderr:\n" + err)


if __name__ == "__main__":
    main()
