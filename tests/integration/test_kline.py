#!/usr/bin/env python3
"""Server bans (KLINE): set by an operator (from a config file), written to
the store, disconnecting whoever they match; refused newcomers (by address
or CIDR block at accept, by nick!user@host at registration); UNKLINE,
expiry, STATS k, --max-klines, a restart, and the plain /oper and /kline."""

import os
import re
import socket
import tempfile
import itertools
import time

from harness import ServerTestCase, main, poll_until, TIMEOUT
from test_oper import hashed


_newcomers = itertools.count(1)


def connect_from(port, source):
    """Connects to 127.0.0.1:port from the loopback address source, sends a
    registration (a nick of its own: an earlier newcomer may not have left
    yet) and returns everything read until the server closed, the welcome
    came or TIMEOUT passed, as text."""
    nick = "newcomer%d" % next(_newcomers)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    data = b""
    try:
        s.sendall(("NICK %s\r\nUSER n 0 * :New Comer\r\n" % nick).encode())
    except OSError:
        pass  # refused at once: the ERROR is still in our receive buffer
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            if b" 001 " in data:
                break
    except OSError:
        pass
    s.close()
    return data.decode("utf-8", "replace")


class Klines(ServerTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        fd, self.conf = tempfile.mkstemp(prefix="parley-conf-")
        os.close(fd)
        self.addCleanup(os.unlink, self.conf)
        with open(self.conf, "w") as f:
            f.write("oper boss %s\n" % hashed("hunter2"))
        self.data = tempfile.mkdtemp(prefix="parley-kline-data-")
        self.srv = self.start(("--max-klines", "3"))

    def start(self, extra=()):
        return self.make_server(["--config", self.conf, "--data-dir", self.data] + list(extra))

    def oper(self, nick="boss", server=None):
        c = self.irc(nick, server=server or self.srv)
        c.send("OPER boss hunter2")
        c.expect_numeric("381", re.escape(nick) + " :You are now an IRC operator")
        return c

    def kline(self, op, args, expect=r"K-line (added|replaced)"):
        op.send("KLINE " + args)
        return op.expect(r"^:\S+ NOTICE %s :%s" % (re.escape(op.nick), expect))

    def test_non_operators_get_481(self):
        a = self.irc("alice", server=self.srv)
        for line in ("KLINE *!*@10.0.0.1 :x", "UNKLINE *!*@10.0.0.1", "STATS k"):
            a.send(line)
            a.expect_numeric("481", "alice :Permission Denied- You're not an IRC operator")
        a.send("STATS u")  # other letters: just the end
        a.expect_numeric("219", "alice u :End of /STATS report")

    def test_kline_disconnects_the_matching_user_with_the_reason(self):
        op = self.oper()
        v = self.irc("victim", server=self.srv)
        w = self.irc("witness", server=self.srv)
        for c in (v, w):
            c.join("#room")
        self.kline(op, "Victim!*@* :spamming the lobby",
                   r"K-line added \(permanent\) on victim!\*@\* \(spamming the lobby\); "
                   r"1 user\(s\) disconnected")
        v.expect(r"^ERROR :Closing link: 127\.0\.0\.1 \(K-lined: spamming the lobby\)$")
        v.expect_closed()
        w.expect(r"^:victim!\S+ QUIT :K-lined$")
        self.assertTrue(poll_until(lambda: re.search(
            r"session \d+ \(boss, [^)]*\): KLINE victim!\*@\* permanent \(spamming the lobby\); "
            r"1 user\(s\) disconnected", self.srv.stderr_text())), self.srv.stderr_text())
        # The nick!user@host form is checked when registration completes.
        again = self.irc("victim", register=False, server=self.srv)
        again.send("NICK victim")
        again.send("USER v 0 * :V")
        again.expect(r"^:\S+ 465 victim :You are banned from this server: spamming the lobby$")
        again.expect(r"^ERROR :Closing link: 127\.0\.0\.1 \(K-lined: spamming the lobby\)$")
        again.expect_closed()
        # UNKLINE lets them in.
        op.send("UNKLINE VICTIM!*@*")
        op.expect(r"^:\S+ NOTICE boss :K-line on victim!\*@\* removed$")
        op.send("UNKLINE victim!*@*")
        op.expect(r"^:\S+ NOTICE boss :No K-line on victim!\*@\*$")
        self.irc("victim", server=self.srv)

    def test_address_and_cidr_bans_refuse_at_accept(self):
        op = self.oper()
        self.kline(op, "127.0.0.2 :go away", r"K-line added \(permanent\) on \*!\*@127\.0\.0\.2 ")
        got = connect_from(self.srv.port, "127.0.0.2")
        self.assertRegex(got, r"^ERROR :Closing link: 127\.0\.0\.2 \(K-lined: go away\)\r\n$")
        self.kline(op, "*@127.0.0.6/31 :block", r"K-line added \(permanent\) on "
                   r"\*!\*@127\.0\.0\.6/31 ")
        self.assertIn("K-lined: block", connect_from(self.srv.port, "127.0.0.7"))
        self.assertIn(" 001 ", connect_from(self.srv.port, "127.0.0.5"))
        self.assertIn(" 001 ", connect_from(self.srv.port, "127.0.0.8"))
        op.send("UNKLINE 127.0.0.2")
        op.expect(r"^:\S+ NOTICE boss :K-line on \*!\*@127\.0\.0\.2 removed$")
        self.assertIn(" 001 ", connect_from(self.srv.port, "127.0.0.2"))
        # The operator's own connection (127.0.0.1) was never touched.
        op.sync()
        self.assertTrue(poll_until(lambda: "refusing 127.0.0.7:" in self.srv.stderr_text()))

    def test_everyone_and_bad_masks_are_refused(self):
        op = self.oper()
        for mask in ("*", "*!*@*", "*@*", "0.0.0.0/0", "0::/0", "*!**@***"):
            self.kline(op, "%s :all" % mask, r"K-line not set on \S+: \S+ matches everyone$")
        self.kline(op, "10.0.0.0/33 :x", r"K-line not set on 10\.0\.0\.0/33: the prefix length")
        self.kline(op, "a@b!c :x", r"K-line not set on a@b!c: a mask is nick!user@host")
        op.send("STATS k")
        op.expect_numeric("219", "boss k :End of /STATS report", strict=True)

    def test_expiry_without_restart(self):
        op = self.oper()
        self.kline(op, "2s 127.0.0.3 :cool off", r"K-line added \(temporary\) on "
                   r"\*!\*@127\.0\.0\.3 ")
        self.assertIn("K-lined: cool off", connect_from(self.srv.port, "127.0.0.3"))
        self.assertTrue(poll_until(lambda: " 001 " in connect_from(self.srv.port, "127.0.0.3"),
                                   timeout=TIMEOUT * 2, interval=0.5))
        op.send("STATS k")
        op.expect_numeric("219", "boss k ", strict=True)

    def test_stats_k_and_max_klines(self):
        op = self.oper()
        self.kline(op, "10 bad!*@* :one")
        self.kline(op, "*@10.0.0.0/8 :two")
        self.kline(op, "2001:DB8:0::1/32 :three", r"K-line added \(permanent\) on "
                   r"\*!\*@2001:db8::/32 ")
        self.kline(op, "x!*@* :four", r"K-line not set on x!\*@\*: 3 server bans are in force "
                   r"\(--max-klines\)$")
        self.kline(op, "*@10.0.0.0/8 :two again", r"K-line replaced")  # a replacement fits
        op.send("STATS k")
        lines = op.collect_until(r" 219 boss k ")
        k = [l for l in lines if " 216 " in l]
        self.assertEqual(len(k), 3, lines)
        m = re.match(r"^:\S+ 216 boss K bad!\*@\* boss (\d+) :one$", k[0])
        self.assertTrue(m, k)
        self.assertGreater(int(m.group(1)), time.time() + 9 * 60 - 5)
        self.assertRegex(k[1], r"^:\S+ 216 boss K 2001:db8::/32 boss 0 :three$".replace(
            "2001", r"\*!\*@2001"))
        self.assertRegex(k[2], r"^:\S+ 216 boss K \*!\*@10\.0\.0\.0/8 boss 0 :two again$")

    def test_restart_keeps_the_ban(self):
        op = self.oper()
        self.kline(op, "keeper!*@* :still banned")
        self.kline(op, "1s gone!*@* :short")
        op.close()
        self.srv.stop()
        time.sleep(1.1)  # let the short ban expire while the server is down
        srv = self.start()
        again = self.irc("keeper", register=False, server=srv)
        again.send("NICK keeper")
        again.send("USER k 0 * :K")
        again.expect(r"^:\S+ 465 keeper :You are banned from this server: still banned$")
        self.irc("gone", server=srv)
        op = self.oper(server=srv)
        op.send("STATS k")
        lines = op.collect_until(r" 219 boss k ")
        self.assertEqual([l for l in lines if " 216 " in l and "keeper" in l].__len__(), 1, lines)
        self.assertFalse(any("gone" in l for l in lines), lines)
        self.assertIn("1 server ban(s) (KLINE) loaded from the store", srv.stderr_text())

    def test_a_failed_store_write_refuses_the_ban(self):
        import sqlite3
        op = self.oper()
        v = self.irc("victim", server=self.srv)
        # Another program holds the database's write lock past the store's
        # busy wait: the ban cannot be written, so it is not set at all.
        db = sqlite3.connect(os.path.join(self.data, "parleyd.db"), timeout=TIMEOUT,
                             isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        try:
            op.send("KLINE victim!*@* :spam")
            op.expect(r"^:\S+ NOTICE boss :K-line not set on victim!\*@\*: \S*parleyd\.db is "
                      r"locked by another program", timeout=TIMEOUT * 2)
        finally:
            db.execute("ROLLBACK")
            db.close()
        op.send("STATS k")
        op.expect_numeric("219", "boss k ", strict=True)
        v.sync()  # still connected
        self.irc("victim2", server=self.srv)
        self.assertTrue(poll_until(lambda: "KLINE victim!*@* not set: " in
                                   self.srv.stderr_text()), self.srv.stderr_text())

    def test_plain_oper_and_kline(self):
        p = self.plain("plainop", server=self.srv)
        v = self.irc("target", server=self.srv)
        p.send("/kline target!*@* bye")
        p.expect(r"Only server operators may do that")
        p.send("/oper boss wrong")
        p.expect(r"That operator name and password do not match")
        p.send("/oper boss hunter2")
        p.expect(r"You are now a server operator\.")
        p.send("/kline 5 Target!*@* flooding again")
        p.expect(r"Done: target!\*@\* is banned from the server for 300 second\(s\) "
                 r"\(flooding again\); 1 user\(s\) were disconnected\.")
        v.expect(r"^ERROR :Closing link: 127\.0\.0\.1 \(K-lined: flooding again\)$")
        p.send("/kline * everyone")
        p.expect(r"No ban was set on \*: \*!\*@\* matches everyone\.")
        p.send("/unkline target!*@*")
        p.expect(r"The ban on target!\*@\* is lifted\.")
        p.send("/unkline target!*@*")
        p.expect(r"There is no ban on target!\*@\*\.")
        v2 = self.irc("target2", server=self.srv)
        p.send("/kill target2 enough")
        p.expect(r"You disconnected target2\.")
        v2.expect(r"^ERROR :Closing Link: parley \(Killed \(plainop \(enough\)\)\)$")
        p.send("/help")
        p.expect(r"/kline \[MINUTES\] MASK \[REASON\]")


class MemoryOnly(ServerTestCase):
    server_args = ("--history-store", "memory")

    def test_says_bans_are_kept_in_memory_only(self):
        self.assertTrue(poll_until(lambda: "server bans (KLINE) are kept in memory only"
                                   in self.server.stderr_text()), self.server.stderr_text())


if __name__ == "__main__":
    main()
