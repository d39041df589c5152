#!/usr/bin/env python3
"""Operators: parleyd --hash-password, "oper NAME HASH" in the config file
(checked, reloaded on SIGHUP), and the IRC commands OPER, KILL, WALLOPS and
how WHO/WHOIS/MODE show an operator."""

import os
import re
import signal
import subprocess
import tempfile

from harness import (ServerTestCase, find_parleyd, main, poll_until, run_parleyd,
                     run_threads, sanitizer_env, TIMEOUT)


def hash_password(password_bytes):
    """Runs parleyd --hash-password with password_bytes on stdin."""
    proc = subprocess.run([find_parleyd(), "--hash-password"], input=password_bytes,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=sanitizer_env(), timeout=TIMEOUT * 3)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class HashPassword(ServerTestCase):
    start_server = False

    def test_prints_a_yescrypt_hash_each_with_its_own_salt(self):
        status, out, err = hash_password(b"s3cret\n")
        self.assertEqual(status, 0, err)
        self.assertRegex(out, r"^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\n$")
        status2, out2, _ = hash_password(b"s3cret\n")
        self.assertEqual(status2, 0)
        self.assertNotEqual(out, out2, "the same password twice got the same salt")

    def test_refuses_empty_long_or_spaced_passwords(self):
        for bad in (b"", b"\n", b"a" * 257 + b"\n", b"two words\n"):
            status, out, err = hash_password(bad)
            self.assertEqual(status, 1, bad)
            self.assertEqual(out, "")
            self.assertIn("--hash-password reads one line", err)

    def test_not_an_option_of_the_file(self):
        fd, conf = tempfile.mkstemp(prefix="parley-conf-")
        os.write(fd, b"hash-password\n")
        os.close(fd)
        self.addCleanup(os.unlink, conf)
        status, _, err = run_parleyd(["--check-config", "--config", conf])
        self.assertEqual(status, 1)
        self.assertIn(":1: 'hash-password' is a command-line option only", err)


def hashed(password):
    status, out, err = hash_password(password.encode() + b"\n")
    assert status == 0, err
    return out.strip()


class Operators(ServerTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        fd, self.conf = tempfile.mkstemp(prefix="parley-conf-")
        os.close(fd)
        self.addCleanup(os.unlink, self.conf)
        self.write_conf({"boss": "hunter2"})
        self.srv = self.make_server(["--config", self.conf])

    def write_conf(self, opers, extra=""):
        with open(self.conf, "w") as f:
            f.write("# operators\n")
            for name, pw in opers.items():
                f.write("oper %s %s\n" % (name, hashed(pw)))
            f.write(extra)

    def wait_log(self, pattern):
        """Waits for a log line matching pattern (the log is written by its
        own thread, a moment after the reply); returns the whole log."""
        self.assertTrue(poll_until(lambda: re.search(pattern, self.srv.stderr_text())),
                        "no log line matching %r:\n%s" % (pattern, self.srv.stderr_text()))
        return self.srv.stderr_text()

    def oper(self, c, name="boss", password="hunter2"):
        c.send("OPER %s %s" % (name, password))
        c.expect_numeric("381", re.escape(c.nick) + " :You are now an IRC operator")

    def test_oper_success_sets_and_shows_plus_o(self):
        a = self.irc("alice", server=self.srv)
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+$")
        a.send("OPER boss hunter2")
        a.expect(r"^:alice MODE alice \+o$")
        a.expect_numeric("381", "alice :You are now an IRC operator")
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+o$")
        a.send("MODE alice +w")
        a.expect(r"^:alice MODE alice \+w$")
        a.send("MODE alice +o")  # +o only through OPER: nothing changes
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+ow$", strict=True)
        a.send("MODE alice -o")
        a.expect(r"^:alice MODE alice -o$")
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+w$")
        self.assertNotIn("hunter2", self.wait_log(r"OPER as boss now an operator"))

    def test_block_limited_to_addresses(self):
        """An 'oper NAME HASH FROM' block works only from FROM: the right
        password from elsewhere gets 491 (and no +o); a wrong one still gets
        464, so 491 tells nothing to a guesser. The test runs on 127.0.0.1."""
        self.write_conf({"boss": "hunter2"},
                        "oper far %s 10.0.0.0/8\noper near %s 127.0.0.0/8\n" %
                        (hashed("pw-far"), hashed("pw-near")))
        self.srv.send_signal(signal.SIGHUP)
        self.srv.signaled = None  # SIGHUP does not stop it
        self.wait_log(r"re-read .*changed: .*oper")
        a = self.irc("alice", server=self.srv)
        a.send("OPER far wrong")
        a.expect_numeric("464", "alice :Password incorrect")
        a.send("OPER far pw-far")
        a.expect_numeric("491", "alice :No O-lines for your host")
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+$")
        self.wait_log(r"OPER as far refused: not from an address its block allows")
        a.send("OPER near pw-near")
        a.expect_numeric("381", "alice :You are now an IRC operator")

    def test_wrong_password_unknown_name_and_missing_params(self):
        a = self.irc("alice", server=self.srv)
        a.send("OPER boss wrong")
        a.expect_numeric("464", "alice :Password incorrect")
        # An unknown name reads exactly as a wrong password: names stay secret.
        a.send("OPER nobody hunter2")
        a.expect_numeric("464", "alice :Password incorrect")
        a.send("OPER BOSS hunter2")  # names are exact
        a.expect_numeric("464", "alice :Password incorrect")
        a.send("OPER boss")
        a.expect_numeric("461", "alice OPER :Not enough parameters")
        a.send("OPER")
        a.expect_numeric("461", "alice OPER ")
        a.send("MODE alice")
        a.expect_numeric("221", "alice \\+$")
        log = self.wait_log(r"(OPER refused: no such operator.*\n.*){2}")
        self.assertIn("OPER as boss refused: wrong password", log)
        self.assertNotIn("nobody", log)
        self.assertNotIn("wrong", log.replace("refused: wrong password", ""))

    def test_failed_attempts_are_throttled_per_connection(self):
        a = self.irc("alice", server=self.srv)
        for _ in range(3):
            a.send("OPER boss wrong")
            a.expect_numeric("464", "alice ")
        # The fourth try within the minute is not checked: even the right
        # password is refused, and an unknown name reads the same.
        a.send("OPER boss hunter2")
        a.expect_numeric("464", "alice :Password incorrect")
        a.send("OPER nobody x")
        a.expect_numeric("464", "alice :Password incorrect")
        self.wait_log(r"OPER as boss refused: wrong password \(throttled: password not checked\)")
        # Another connection has its own allowance.
        b = self.irc("bob", server=self.srv)
        self.oper(b)

    def test_not_before_registration(self):
        c = self.raw(server=self.srv)
        c.send("OPER boss hunter2")
        c.expect(r"^:\S+ 451 \* :You have not registered")

    def test_kill(self):
        a = self.irc("alice", server=self.srv)
        v = self.irc("victim", server=self.srv)
        w = self.irc("witness", server=self.srv)
        for c in (v, w):
            c.join("#room")
        a.send("KILL victim :spamming")
        a.expect_numeric("481", "alice :Permission Denied- You're not an IRC operator")
        self.oper(a)
        a.send("KILL nobody :x")
        a.expect_numeric("401", "alice nobody :No such nick/channel")
        a.send("KILL")
        a.expect_numeric("461", "alice KILL ")
        a.send("KILL Victim :spamming")
        v.expect(r"^ERROR :Closing Link: parley \(Killed \(alice \(spamming\)\)\)$")
        v.expect_closed()
        w.expect(r"^:victim!\S+ QUIT :Killed \(alice \(spamming\)\)$")
        a.send("KILL witness")
        w.expect(r"^ERROR :Closing Link: parley \(Killed \(alice \(No reason\)\)\)$")
        # A long reason is cut at a character boundary (200 bytes), never mid-character.
        long_victim = self.irc("long", server=self.srv)
        a.send("KILL long :" + "x" + "\u00e9" * 150)
        m = long_victim.expect(r"^ERROR :Closing Link: parley \(Killed \(alice \((x\u00e9+)\)\)\)$")
        self.assertEqual(len(m.group(1).encode()), 199)
        self.wait_log(r"KILL victim \(spamming\)")

    def test_wallops(self):
        a = self.irc("alice", server=self.srv)
        listener = self.irc("listener", server=self.srv)
        deaf = self.irc("deaf", server=self.srv)
        a.send("WALLOPS :hello")
        a.expect_numeric("481", "alice :Permission Denied")
        listener.send("MODE listener +w")
        listener.expect(r"^:listener MODE listener \+w$")
        self.oper(a)
        a.send("WALLOPS")
        a.expect_numeric("461", "alice WALLOPS ")
        a.send("WALLOPS :server going down at 5")
        a.expect(r"^:alice!\S+ WALLOPS :server going down at 5$")
        listener.expect(r"^:alice!\S+ WALLOPS :server going down at 5$")
        deaf.sync()
        self.assertFalse(any("WALLOPS" in l for l in deaf.take_pending()))
        self.assertFalse(any("WALLOPS" in l for l in deaf.sync()))

    def test_who_and_whois_show_operators(self):
        a = self.irc("alice", server=self.srv)
        b = self.irc("bob", server=self.srv)
        a.join("#room")
        b.join("#room")
        b.send("WHO #room")
        lines = b.collect_until(r" 315 ")
        self.assertTrue(any(re.search(r" 352 bob #room \S+ \S+ \S+ alice H@ ", l) for l in lines),
                        lines)
        b.send("WHOIS alice")
        lines = b.collect_until(r" 318 ")
        self.assertFalse(any(" 313 " in l for l in lines))
        self.oper(a)
        b.send("WHO #room")
        lines = b.collect_until(r" 315 ")
        self.assertTrue(any(re.search(r" 352 bob #room \S+ \S+ \S+ alice H\*@ ", l)
                            for l in lines), lines)
        self.assertTrue(any(re.search(r" 352 bob #room \S+ \S+ \S+ bob H ", l) for l in lines))
        b.send("WHOIS alice")
        lines = b.collect_until(r" 318 ")
        self.assertTrue(any(re.search(r" 313 bob alice :is an IRC operator$", l) for l in lines),
                        lines)

    def test_operators_override_room_rights_logged(self):
        owner = self.irc("owner", server=self.srv)
        a = self.irc("alice", server=self.srv)
        troll = self.irc("troll", server=self.srv)
        for c in (owner, a, troll):
            c.join("#room")
        a.send("TOPIC #room :calm")
        a.expect_numeric("482", "alice #room ")
        a.send("KICK #room troll")
        a.expect_numeric("482", "alice #room ")
        a.send("MODE #room -t")
        a.expect_numeric("482", "alice #room ")
        self.oper(a)
        a.send("TOPIC #room :calm")
        owner.expect(r"^:alice!\S+ TOPIC #room :calm$")
        a.send("MODE #room +o alice")
        owner.expect(r"^:alice!\S+ MODE #room \+o alice$")
        a.send("MODE #room -o alice")
        owner.expect(r"^:alice!\S+ MODE #room -o alice$")
        a.send("KICK #room troll :behave")
        troll.expect(r"^:alice!\S+ KICK #room troll :behave$")
        owner.expect(r"^:alice!\S+ KICK #room troll :behave$")
        log = self.wait_log(r"operator override: KICK #room troll")
        self.assertIn("operator override: TOPIC #room", log)
        self.assertIn("operator override: MODE #room", log)
        # Still a member of the room is needed for KICK and TOPIC.
        a.send("PART #room")
        a.send("KICK #room owner")
        a.expect_numeric("442", "alice #room ")

    def test_sighup_reloads_operator_blocks(self):
        a = self.irc("alice", server=self.srv)
        self.write_conf({"boss": "newpass", "second": "other"})
        since = len(self.srv.stderr_text())
        self.srv.send_signal(signal.SIGHUP)
        self.srv.signaled = None
        self.assertTrue(poll_until(lambda: re.search(r"changed: .*oper",
                                                     self.srv.stderr_text()[since:])))
        a.send("OPER boss hunter2")
        a.expect_numeric("464", "alice ")
        a.send("OPER second other")
        a.expect_numeric("381", "alice ")

    def test_oper_while_sighup_swaps_the_blocks(self):
        """Workers check OPER while the acceptor installs new tables (TSan
        runs this): every attempt gets an answer, the right one for a
        password both tables accept."""
        hashes = [hashed("hunter2") for _ in range(3)]
        clients = [self.irc("u%d" % i, server=self.srv) for i in range(3)]

        def reloads():
            for i in range(6):
                with open(self.conf, "w") as f:
                    f.write("oper boss %s\n" % hashes[i % len(hashes)])
                since = len(self.srv.stderr_text())
                self.srv.send_signal(signal.SIGHUP)
                self.srv.signaled = None
                self.assertTrue(poll_until(lambda: "received SIGHUP" in
                                           self.srv.stderr_text()[since:]))

        def opers(c):
            def run():
                for _ in range(3):
                    c.send("OPER boss hunter2")
                    c.expect_numeric("381", re.escape(c.nick) + " ")
            return run

        run_threads([reloads] + [opers(c) for c in clients])
        self.assertServerAlive(self.srv)


class OperConfig(ServerTestCase):
    start_server = False

    def test_bad_oper_lines_are_file_line_problems(self):
        fd, conf = tempfile.mkstemp(prefix="parley-conf-")
        os.write(fd, ("port 0\noper boss $6$abc$def\noper ok %s\noper x\n" %
                      hashed("pw")).encode())
        os.close(fd)
        self.addCleanup(os.unlink, conf)
        status, _, err = run_parleyd(["--check-config", "--config", conf])
        self.assertEqual(status, 1, err)
        self.assertIn("%s:2: operator 'boss': not a yescrypt hash" % conf, err)
        self.assertIn("%s:4: 'oper' needs a name and a hash" % conf, err)
        self.assertNotIn(":3:", err)


if __name__ == "__main__":
    main()
