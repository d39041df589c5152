#!/usr/bin/env python3
"""Nick ownership (issue 11): a registered nick belongs to its account. A
connection holding one without being logged in to it is told so, and after
the grace (PARLEYD_TEST_NICK_GRACE_MS here) renamed to Guest-N; a login in
time keeps the nick; an owner logged in elsewhere takes it back (regain);
two owners never take it from each other; Guest-N cannot be an account;
plain users are asked for the password at the nick prompt."""

import base64
import re
import time

from harness import ServerTestCase, main

PW = "correct-horse-9"
GRACE_MS = 2000


def authenticate(c, account, password=PW):
    """SASL PLAIN on c; returns the answer numeric (900 expected, 903 after)."""
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    msg = b"\0" + account.encode() + b"\0" + password.encode()
    c.send("AUTHENTICATE " + base64.b64encode(msg).decode())
    return c.expect(r"^:\S+ (90[0-8]) ").group(1)


class NickOwnership(ServerTestCase):

    def setUp(self):
        self.clients = []
        self.server = self.make_server(env={"PARLEYD_TEST_NICK_GRACE_MS": str(GRACE_MS)})

    def make_account(self, name):
        c = self.irc(name)
        c.send("REGISTER %s * :%s" % (name, PW))
        c.expect(r"REGISTER SUCCESS %s " % re.escape(name))
        c.send("QUIT")
        c.expect_closed()

    def squatter(self, nick, caps=None):
        c = self.irc(nick, caps=caps)
        c.expect(r"^:\S+ NOTICE %s :The nick %s is registered to an account\. If it is "
                 r"yours, log in \(SASL PLAIN: AUTHENTICATE PLAIN\) within 2 seconds; "
                 r"otherwise you will be renamed to Guest-N then\.$" % (nick, nick))
        return c

    def test_squatter_renamed_after_grace_room_sees_it(self):
        self.make_account("alice")
        bob = self.irc("bob")
        bob.join("#r")
        sq = self.squatter("alice")
        sq.join("#r")
        bob.expect(r"^:alice!\S+ JOIN #r")
        sq.expect(r"^:\S+ NOTICE alice :You did not log in to the registered nick alice "
                  r"in time: you are renamed\.$", timeout=30)
        m = sq.expect(r"^:alice!alice@127\.0\.0\.1 NICK :?(Guest-\d+)$")
        guest = m.group(1)
        bob.expect(r"^:alice!alice@127\.0\.0\.1 NICK :?%s$" % guest)
        # the nick is free now; an unregistered nick is left alone
        c = self.irc("carol")
        c.send("NICK alice")
        c.expect(r"^:carol!\S+ NICK :?alice$")
        c.expect(r"^:\S+ NOTICE alice :The nick alice is registered")

    def test_login_within_grace_keeps_nick(self):
        self.make_account("alice")
        sq = self.squatter("alice")
        self.assertEqual(authenticate(sq, "alice"), "900")
        time.sleep(GRACE_MS / 1000 + 0.5)
        lines = sq.sync()
        self.assertFalse([l for l in lines if " NICK " in l or "renamed" in l], lines)

    def test_nick_change_to_registered_nick_starts_grace(self):
        self.make_account("alice")
        c = self.irc("zed")
        c.send("NICK alice")
        c.expect(r"^:zed!\S+ NICK :?alice$")
        c.expect(r"^:\S+ NOTICE alice :The nick alice is registered")
        c.expect(r"^:alice!\S+ NICK :?Guest-\d+$", timeout=30)

    def test_regain_by_logged_in_owner(self):
        self.make_account("alice")
        bob = self.irc("bob")
        bob.join("#r")
        sq = self.squatter("alice")
        sq.join("#r")
        owner = self.irc("alice_")
        self.assertEqual(authenticate(owner, "alice"), "900")
        owner.send("NICK alice")
        sq.expect(r"^:\S+ NOTICE alice :The owner of the registered nick alice has logged "
                  r"in and taken it back: you are renamed\.$")
        guest = sq.expect(r"^:alice!\S+ NICK :?(Guest-\d+)$").group(1)
        owner.expect(r"^:alice_!\S+ NICK :?alice$")
        bob.expect(r"^:alice!\S+ NICK :?%s$" % guest)
        owner.nick = "alice"
        owner.send("WHOIS alice")
        owner.expect_numeric("330", r"alice alice alice :is logged in as$")

    def test_two_owners_do_not_steal(self):
        self.make_account("alice")
        a = self.irc("alice")
        self.assertEqual(authenticate(a, "alice"), "900")
        b = self.irc("alice2")
        self.assertEqual(authenticate(b, "alice"), "900")
        b.send("NICK alice")
        b.expect_numeric("433", r"alice2 alice :")
        lines = a.sync()
        self.assertFalse([l for l in lines if " NICK " in l], lines)

    def test_guest_name_cannot_be_registered(self):
        c = self.irc("Guest-42")
        c.send("REGISTER Guest-42 * :" + PW)
        c.expect(r"^:\S+ FAIL REGISTER BAD_ACCOUNT_NAME Guest-42 :Guest- followed by "
                 r"digits is kept")
        d = self.irc("Guest-x1")
        d.send("REGISTER Guest-x1 * :" + PW)
        d.expect(r"REGISTER SUCCESS Guest-x1 ")

    def test_plain_prompt_asks_for_password(self):
        self.make_account("alice")
        p = self.plain("x", login=False)
        p.expect(r"NOTICE \* .*nickname", strict=True)
        p.send("alice")
        p.expect(r"The nickname alice is registered\. Type its password, or - to choose another nickname\.$")
        p.expect(r"password for alice:$")
        p.send("wrong-password-1")
        p.expect(r"Not logged in: wrong account name or password\.$")
        p.expect(r"Type another nickname:$")
        # the nick was given back: someone else may hold it meanwhile
        p.send("alice")
        p.expect(r"password for alice:$")
        p.send("-")
        p.expect(r"Type another nickname:$")
        p.send("alice")
        p.expect(r"password for alice:$")
        p.send(PW)
        p.expect(r"You are logged in as alice\.$")
        lines = p.collect_until(r"#lobby")
        self.assertFalse([l for l in lines if "registered to an account" in l], lines)
        bob = self.irc("bob")
        bob.send("WHOIS alice")
        bob.expect_numeric("330", r"bob alice alice :is logged in as$")

    def test_plain_login_during_grace(self):
        self.make_account("alice")
        p = self.plain("dora")
        p.send("/nick alice")
        p.expect(r"The nick alice is registered to an account\. If it is yours, log in "
                 r"with /login PASSWORD within 2 seconds")
        p.send("/login " + PW)
        p.expect(r"You are now logged in as alice\.$")
        time.sleep(GRACE_MS / 1000 + 0.5)
        p.send("/nick alice")
        p.expect(r"You are already called alice\.$")


class AccountCaps(ServerTestCase):
    """account-notify, extended-join and account-tag, exactly, and nothing of
    them for clients that did not ask."""

    def make_account(self, name):
        c = self.irc(name)
        c.send("REGISTER %s * :%s" % (name, PW))
        c.expect(r"REGISTER SUCCESS %s " % re.escape(name))
        c.send("QUIT")
        c.expect_closed()

    def test_caps_listed(self):
        c = self.irc(register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        for cap in ("account-notify", "extended-join", "account-tag"):
            self.assertIn(cap, m.group(1).split())

    def test_account_notify(self):
        self.make_account("alice")
        watcher = self.irc("wat", caps=["account-notify"])
        plainirc = self.irc("pla")
        a = self.irc("alice_")
        for c in (watcher, plainirc, a):
            c.join("#r")
        self.assertEqual(authenticate(a, "alice"), "900")
        watcher.expect(r"^:alice_!alice_@127\.0\.0\.1 ACCOUNT alice$", strict=False)
        lines = plainirc.sync()
        self.assertFalse([l for l in lines if " ACCOUNT " in l], lines)

    def test_extended_join(self):
        self.make_account("alice")
        ext = self.irc("ext", caps=["extended-join"])
        bare = self.irc("bare")
        ext.join("#r")
        bare.join("#r")
        a = self.irc("alice", register=False)
        a.register(realname="Alice Liddell")
        self.assertEqual(authenticate(a, "alice"), "900")
        a.join("#r")
        ext.expect(r"^:alice!alice@127\.0\.0\.1 JOIN #r alice :Alice Liddell$")
        bare.expect(r"^:alice!alice@127\.0\.0\.1 JOIN #r$")
        g = self.irc("guest", register=False)
        g.register(realname="Just Visiting")
        g.join("#r")
        ext.expect(r"^:guest!guest@127\.0\.0\.1 JOIN #r \* :Just Visiting$")
        bare.expect(r"^:guest!guest@127\.0\.0\.1 JOIN #r$")
        # the joiner with the cap sees its own JOIN extended too
        ext.send("PART #r")
        ext.expect(r"^:ext!\S+ PART #r")
        ext.send("JOIN #r")
        ext.expect(r"^:ext!ext@127\.0\.0\.1 JOIN #r \* :Real ext$")

    def test_account_tag(self):
        self.make_account("alice")
        tagged = self.irc("tagged", caps=["account-tag"])
        twin = self.irc("twin", caps=["account-tag"])  # shares tagged's rendering
        both = self.irc("both", caps=["account-tag", "server-time"])
        bare = self.irc("bare")
        a = self.irc("alice")
        self.assertEqual(authenticate(a, "alice"), "900")
        g = self.irc("guest")
        for c in (tagged, twin, both, bare, a, g):
            c.join("#r")
        a.send("PRIVMSG #r :hello all")
        for c in (tagged, twin):
            c.expect(r"^@account=alice :alice!alice@127\.0\.0\.1 PRIVMSG #r :hello all$",
                     raw=True)
        both.expect(r"^@time=\S+;account=alice :alice!\S+ PRIVMSG #r :hello all$", raw=True)
        bare.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG #r :hello all$", raw=True)
        a.send("NOTICE tagged :psst")
        tagged.expect(r"^@account=alice :alice!\S+ NOTICE tagged :psst$", raw=True)
        g.send("PRIVMSG #r :from a guest")
        tagged.expect(r"^:guest!guest@127\.0\.0\.1 PRIVMSG #r :from a guest$", raw=True)
        a.send("PART #r :bye")
        tagged.expect(r"^@account=alice :alice!\S+ PART #r :bye$", raw=True)
        bare.expect(r"^:alice!\S+ PART #r :bye$", raw=True)


if __name__ == "__main__":
    main()
