#!/usr/bin/env python3
"""Accounts: REGISTER (draft/account-registration), PASS account:password,
plain /register and /login, WHOIS 330, the throttles and limits, where
passwords may cross (TLS or loopback, PARLEYD_TEST_NO_LOOPBACK_AUTH,
--allow-plaintext-auth), and accounts kept across a restart."""

import os
import re
import tempfile

from harness import ServerTestCase, main, poll_until, run_threads, scaled

PW = "correct-horse-9"  # PASS takes one word; REGISTER below sends it as trailing


class Accounts(ServerTestCase):

    def register(self, c, account="*", password=PW):
        c.send("REGISTER %s * :%s" % (account, password))

    def expect_registered(self, c):
        c.expect(r"^:\S+ REGISTER SUCCESS %s :" % re.escape(c.nick))
        c.expect_numeric("900", r"%s %s!\S+ %s :You are now logged in as %s$" % (
            (re.escape(c.nick),) * 4))

    def fail(self, c, code, account=None):
        return c.expect(r"^:\S+ FAIL REGISTER %s %s :(.*)$" % (code, re.escape(account or c.nick)))

    def test_cap_advertised_with_value_after_ls_302(self):
        c = self.irc(register=False)
        c.send("CAP LS 302")
        c.expect(r"^:\S+ CAP \* LS :.*\bdraft/account-registration=before-connect\b")
        c.send("CAP LS")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        # once 302 was seen values stay on (the client said it reads them)
        self.assertIn("draft/account-registration=before-connect", m.group(1))
        d = self.irc(register=False)
        d.send("CAP LS")
        m = d.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertIn("draft/account-registration", m.group(1).split())

    def test_register_before_connect_then_whois_330(self):
        c = self.irc(register=False)
        c.nick = "Alice"
        c.send("REGISTER * * :" + PW)
        self.fail(c, "NEED_NICK", "*")
        c.send("NICK Alice")
        self.register(c)
        self.expect_registered(c)
        c.register("Alice")
        b = self.irc("bob")
        b.send("WHOIS alice")
        b.expect_numeric("330", r"bob Alice Alice :is logged in as$")
        b.send("WHOIS bob")
        lines = b.collect_until(r"^:\S+ 318 ")
        self.assertFalse([l for l in lines if " 330 " in l])
        # logged in already; the same name again from elsewhere exists
        self.register(c)
        self.fail(c, "ALREADY_AUTHENTICATED", "Alice")
        d = self.irc("ALICE_", register=False)
        d.send("NICK aLiCe")  # Alice is in use: 433, nick stays unset
        d.send("NICK alicE2")
        d.nick = "alicE2"
        d.send("REGISTER alice * :" + PW)
        self.fail(d, "ACCOUNT_NAME_MUST_BE_NICK", "alice")
        e = self.irc("carol")
        e.send("NICK AlIcE")
        e.expect_numeric("433")

    def test_exists_bad_name_weak_password(self):
        a = self.irc("dave")
        self.register(a)
        self.expect_registered(a)
        a.send("QUIT")
        a.expect_closed()
        b = self.irc("DAVE")
        self.register(b)
        self.fail(b, "ACCOUNT_EXISTS", "DAVE")
        b.send("REGISTER #room * :" + PW)
        self.fail(b, "BAD_ACCOUNT_NAME", "#room")
        c = self.irc("erin")
        for weak in ("short", "seven77", "has\x01control"):
            self.register(c, password=weak)
            m = self.fail(c, "WEAK_PASSWORD")
            self.assertIn("8 to 256 bytes", m.group(1))
        c.send("REGISTER erin *")
        c.expect_numeric("461", "erin REGISTER ")

    def test_pass_login_and_wrong_password_464(self):
        a = self.irc("frank")
        self.register(a)
        self.expect_registered(a)
        a.send("QUIT")
        a.expect_closed()
        b = self.irc("frank", register=False)
        lines = b.register(password="frank:" + PW)
        self.assertTrue([l for l in lines if re.search(
            r" 900 frank frank!\S+ frank :You are now logged in as frank$", l)], lines)
        c = self.irc("other")
        c.send("WHOIS frank")
        c.expect_numeric("330", "other frank frank ")
        d = self.irc("frank2", register=False)
        d.send("PASS frank:wrong password")
        d.send("NICK frank2")
        d.send("USER f 0 * :F")
        d.expect_numeric("464", r"frank2 :Password incorrect$")
        d.expect_closed()
        # an unknown account reads the same
        e = self.irc("nobody", register=False)
        e.send("PASS nobody:" + PW)
        e.send("NICK nobody")
        e.send("USER n 0 * :N")
        e.expect_numeric("464", r"nobody :Password incorrect$")
        e.expect_closed()

    def test_failed_logins_throttle_even_the_right_password(self):
        a = self.irc("gina")
        self.register(a)
        self.expect_registered(a)
        a.send("QUIT")
        a.expect_closed()
        for i in range(5):
            c = self.irc("g%d" % i, register=False)
            c.send("PASS gina:wrong-%d-password" % i)
            c.send("NICK g%d" % i)
            c.send("USER g 0 * :G")
            c.expect_numeric("464")
            c.expect_closed()
        c = self.irc("gina", register=False)
        c.send("PASS gina:" + PW)
        c.send("NICK gina")
        c.send("USER g 0 * :G")
        c.expect(r"NOTICE gina :too many attempts")
        c.expect_numeric("464")
        c.expect_closed()

    def test_guesses_from_elsewhere_do_not_lock_the_owner_out(self):
        """Wrong passwords for an account typed at another address spend
        that address's tries at the account, not the owner's: the owner
        logs in at once from their own address."""
        a = self.irc("hazel")
        self.register(a)
        self.expect_registered(a)
        a.send("QUIT")
        a.expect_closed()
        for i in range(6):
            try:
                c = self.irc("h%d" % i, register=False, source="127.0.0.2")
            except OSError as e:
                self.skipTest("cannot bind 127.0.0.2: %s" % e)
            c.send("PASS hazel:wrong-%d-password" % i)
            c.send("NICK h%d" % i)
            c.send("USER h 0 * :H")
            c.expect_numeric("464")
            c.expect_closed()
        c = self.irc("hazel", register=False)  # the owner, at 127.0.0.1
        c.send("PASS hazel:" + PW)
        c.send("NICK hazel")
        c.send("USER h 0 * :H")
        c.expect_numeric("001")
        c.send("WHOIS hazel")
        c.expect_numeric("330", "hazel hazel hazel ")
        # the refusals are in the log, whatever the way in, with the address
        self.assertTrue(poll_until(lambda: "login to account hazel from 127.0.0.2 refused: "
                                   "too many attempts" in self.server.output_text()))
        self.assertIn("login to account hazel from 127.0.0.2 refused: wrong account name or "
                      "password", self.server.output_text())

    def test_plain_register_and_login(self):
        p = self.plain("henry")
        p.send("/register short")
        p.expect(r"Not registered: a password needs 8 to 256 bytes")
        p.send("/register " + PW)
        p.expect(r"Account henry registered; you are logged in")
        p.send("/login " + PW)
        p.expect(r"You are already logged in as henry")
        p.send("/quit")
        p.expect_closed()
        # a registered nick at the prompt asks for its password (nick ownership)
        q = self.plain("henry", login=False)
        q.expect(r"NOTICE \* .*nickname", strict=True)
        q.send("henry")
        q.expect(r"password for henry:$")
        q.send("wrong password")
        q.expect(r"Not logged in: wrong account name or password")
        q.send("henry")
        q.expect(r"password for henry:$")
        q.send(PW)
        q.expect(r"You are logged in as henry")
        q.collect_until(r"#lobby")
        w = self.irc("watcher")
        w.send("WHOIS henry")
        w.expect_numeric("330", "watcher henry henry ")
        r = self.plain("ivy")
        r.send("/help")
        r.expect(r"/register PASSWORD")
        r.expect(r"/login PASSWORD")

    def test_a_classroom_logs_in_at_once(self):
        # Registrations are 3 per address (all ours are 127.0.0.1): 3 accounts,
        # then 24 connections log in to them at the same moment; each check
        # waits its turn (one at a time) and every one gets in.
        for nick in ("ann", "ben", "cid"):
            c = self.irc(nick)
            self.register(c)
            self.expect_registered(c)
            c.send("QUIT")
            c.expect_closed()
        n = scaled(24, 6)  # within --max-per-ip (32) with the three that just left
        clients = [self.irc("s%d" % i, register=False) for i in range(n)]

        def login(i):
            def run():
                account = ("ann", "ben", "cid")[i % 3]
                lines = clients[i].register(password="%s:%s" % (account, PW))
                assert [l for l in lines if re.search(
                    r" 900 s%d s%d!\S+ %s :" % (i, i, account), l)], lines
            return run
        run_threads([login(i) for i in range(n)])
        w = self.irc("watch")
        w.send("WHOIS s%d" % (n - 1))
        w.expect_numeric("330", "watch s%d %s " % (n - 1, ("ann", "ben", "cid")[(n - 1) % 3]))


class Unavailable(ServerTestCase):
    server_args = ("--history-store", "memory")

    def test_memory_store_has_no_accounts(self):
        c = self.irc(register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertNotIn("account-registration", m.group(1))
        c.send("NICK jack")
        c.send("REGISTER * * :" + PW)
        m = c.expect(r"^:\S+ FAIL REGISTER TEMPORARILY_UNAVAILABLE jack :(.*)$")
        self.assertIn("not available", m.group(1))
        p = self.plain("kate")
        p.send("/register " + PW)
        p.expect(r"Accounts are not available on this server")
        self.assertIn("accounts are off", self.server.stderr_text())


class Limits(ServerTestCase):
    start_server = False

    def test_max_accounts(self):
        srv = self.make_server(["--max-accounts", "2"])
        for nick in ("lea", "max"):
            c = self.irc(nick, server=srv)
            c.send("REGISTER * * :" + PW)
            c.expect(r"^:\S+ REGISTER SUCCESS %s " % nick)
        c = self.irc("ned", server=srv)
        c.send("REGISTER * * :" + PW)
        m = c.expect(r"^:\S+ FAIL REGISTER TEMPORARILY_UNAVAILABLE ned :(.*)$")
        self.assertIn("--max-accounts", m.group(1))

    def test_registrations_per_address(self):
        srv = self.make_server()
        for i in range(3):
            c = self.irc("reg%d" % i, server=srv)
            c.send("REGISTER * * :" + PW)
            c.expect(r"^:\S+ REGISTER SUCCESS reg%d " % i)
        c = self.irc("reg3", server=srv)
        c.send("REGISTER * * :" + PW)
        m = c.expect(r"^:\S+ FAIL REGISTER TEMPORARILY_UNAVAILABLE reg3 :(.*)$")
        self.assertIn("too many attempts", m.group(1))

    def test_restart_keeps_accounts(self):
        data = tempfile.mkdtemp(prefix="parley-acct-")
        srv = self.make_server(["--data-dir", data])
        c = self.irc("olga", server=srv)
        c.send("REGISTER * * :" + PW)
        c.expect(r"^:\S+ REGISTER SUCCESS olga ")
        c.close()
        srv.stop()
        srv2 = self.make_server(["--data-dir", data])
        self.assertIn("accounts: 1 registered", srv2.stderr_text())
        d = self.irc("OLGA", server=srv2)
        d.send("REGISTER * * :" + PW)
        d.expect(r"^:\S+ FAIL REGISTER ACCOUNT_EXISTS OLGA ")
        e = self.irc("x", server=srv2, register=False)
        lines = e.register("visitor", password="OLGA:" + PW)
        self.assertTrue([l for l in lines if " 900 visitor " in l and
                         "logged in as olga" in l], lines)
        for f in os.listdir(data):
            os.unlink(os.path.join(data, f))
        os.rmdir(data)

    def test_plaintext_refused_unless_allowed(self):
        env = {"PARLEYD_TEST_NO_LOOPBACK_AUTH": "1"}
        srv = self.make_server(env=env)
        c = self.irc("pete", server=srv)
        c.send("REGISTER * * :" + PW)
        m = c.expect(r"^:\S+ FAIL REGISTER TEMPORARILY_UNAVAILABLE pete :(.*)$")
        self.assertIn("only over TLS", m.group(1))
        self.assertIn("--allow-plaintext-auth", m.group(1))
        p = self.plain("quinn", server=srv)
        p.send("/login " + PW)
        p.expect(r"Passwords are accepted only over TLS")
        d = self.irc("rita", server=srv, register=False)
        lines = d.register(password="rita:" + PW)
        self.assertTrue([l for l in lines if "Not logged in" in l and "only over TLS" in l],
                        lines)
        srv2 = self.make_server(["--allow-plaintext-auth"], env=env)
        e = self.irc("pete", server=srv2)
        e.send("REGISTER * * :" + PW)
        e.expect(r"^:\S+ REGISTER SUCCESS pete ")


if __name__ == "__main__":
    main()
