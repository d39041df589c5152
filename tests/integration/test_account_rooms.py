#!/usr/bin/env python3
"""Rooms remember their ops by account, and private messages between two
accounts are kept for CHATHISTORY (never when either side is a guest): a
real parleyd with its store, restarted on the same data directory."""

import base64
import re
import shutil
import sqlite3
import tempfile

from harness import ServerTestCase, main, strip_tags

PW = "correct-horse-9"
HISTORY_CAPS = ["batch", "message-tags", "server-time", "draft/chathistory"]


class AccountRooms(ServerTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        self.data = tempfile.mkdtemp(prefix="parley-acctrooms-")
        self.addCleanup(shutil.rmtree, self.data, True)
        self.srv = self.start()

    def start(self):
        self.srv = self.make_server(("--data-dir", self.data))
        return self.srv

    def restart(self):
        for c in self.clients:
            c.close()
        self.clients = []
        self.srv.stop()
        return self.start()

    def make_account(self, name):
        c = self.irc(name, server=self.srv)
        c.send("REGISTER %s * :%s" % (name, PW))
        c.expect(r"REGISTER SUCCESS %s " % re.escape(name))
        c.send("QUIT")
        c.expect_closed()

    def login(self, name, caps=None):
        """A connection logged in to account name (PASS account:password)."""
        c = self.irc(name, register=False, server=self.srv)
        c.register(caps=caps, password="%s:%s" % (name, PW))
        return c

    def guest(self, name, caps=None):
        return self.irc(name, caps=caps, server=self.srv)

    def names(self, c, room):
        """The NAMES of room as c sees them, with their prefixes."""
        c.send("NAMES " + room)
        m = c.expect(r"^:\S+ 353 %s \S %s :(.*)$" % (re.escape(c.nick), re.escape(room)))
        c.expect(r"^:\S+ 366 ")
        return m.group(1).split()

    def server_op(self, c, room, nick):
        """Waits for the server's MODE giving nick op in room."""
        c.expect(r"^:[^!\s]+ MODE %s \+o %s$" % (re.escape(room), re.escape(nick)))

    def leave_all(self, *clients):
        for c in clients:
            c.send("QUIT")
            c.expect_closed()

    def test_op_restored_on_rejoin_and_after_restart(self):
        self.make_account("alice")
        alice = self.login("alice")
        alice.join("#ops")
        self.assertIn("@alice", self.names(alice, "#ops"))
        bob = self.guest("bob")
        bob.join("#ops")
        alice.send("PART #ops")
        bob.expect(r"^:alice!\S+ PART #ops")
        alice.join("#ops")
        self.server_op(bob, "#ops", "alice")              # op back on join
        self.assertIn("@alice", self.names(bob, "#ops"))
        self.leave_all(alice, bob)
        # The room was made again by a guest: not op, the list holds alice.
        carol = self.guest("carol")
        carol.join("#ops")
        self.assertEqual(self.names(carol, "#ops"), ["carol"])
        carol.send("MODE #ops +t")
        carol.expect_numeric("482", "carol #ops ")
        self.restart()
        dave = self.guest("dave")                         # first back after the restart
        dave.join("#ops")
        self.assertEqual(self.names(dave, "#ops"), ["dave"])
        dave.send("TOPIC #ops :mine now")
        dave.sync()
        alice = self.login("alice")
        alice.join("#ops")
        self.server_op(dave, "#ops", "alice")
        alice.send("MODE #ops +o dave")
        dave.expect(r"^:alice!\S+ MODE #ops \+o dave$")

    def test_empty_list_keeps_today(self):
        g = self.guest("gina")
        g.join("#free")
        self.assertEqual(self.names(g, "#free"), ["@gina"])
        self.leave_all(g)
        h = self.guest("hugo")
        h.join("#free")
        self.assertEqual(self.names(h, "#free"), ["@hugo"])

    def test_minus_o_removes(self):
        self.make_account("alice")
        self.make_account("bob")
        alice = self.login("alice")
        alice.join("#m")
        bob = self.login("bob")
        bob.join("#m")
        self.assertIn("bob", self.names(bob, "#m"))
        alice.send("MODE #m +o bob")
        bob.expect(r"^:alice!\S+ MODE #m \+o bob$")
        bob.send("PART #m")
        alice.expect(r"^:bob!\S+ PART #m")
        bob.join("#m")
        self.server_op(alice, "#m", "bob")               # remembered
        alice.send("MODE #m -o bob")
        bob.expect(r"^:alice!\S+ MODE #m -o bob$")
        bob.send("PART #m")
        alice.expect(r"^:bob!\S+ PART #m")
        bob.join("#m")
        self.assertIn("bob", self.names(bob, "#m"))      # not op any more
        self.assertNotIn("@bob", self.names(bob, "#m"))
        # alice takes her own op away: once all leave, nobody is listed and
        # the next room's first joiner is op again.
        alice.send("MODE #m -o alice")
        alice.expect(r"^:alice!\S+ MODE #m -o alice$")
        self.leave_all(alice, bob)
        g = self.guest("gus")
        g.join("#m")
        self.assertEqual(self.names(g, "#m"), ["@gus"])

    def test_login_in_room_restores_op(self):
        self.make_account("alice")
        alice = self.login("alice")
        alice.join("#l")
        self.leave_all(alice)
        alice = self.guest("alice")
        alice.join("#l")
        self.assertEqual(self.names(alice, "#l"), ["alice"])
        msg = base64.b64encode(b"\0alice\0" + PW.encode()).decode()
        alice.send("AUTHENTICATE PLAIN")
        alice.expect(r"^AUTHENTICATE \+$")
        alice.send("AUTHENTICATE " + msg)
        alice.expect(r"^:\S+ 903 alice ")
        self.server_op(alice, "#l", "alice")
        self.assertEqual(self.names(alice, "#l"), ["@alice"])

    # --- private messages ---

    def history(self, c, nick, n=50):
        """(sender, target, text) of what CHATHISTORY LATEST nick gives c."""
        c.send("CHATHISTORY LATEST %s * %d" % (nick, n))
        lines = c.collect_until(r"^(@\S+ )?:\S+ BATCH -")
        out = []
        for line in lines:
            m = re.match(r"^:([^!\s]+)!\S+ (?:PRIVMSG|NOTICE) (\S+) :(.*)$", strip_tags(line))
            if m:
                out.append(m.groups())
        return out

    def test_dm_history_between_accounts(self):
        self.make_account("alice")
        self.make_account("bob")
        alice = self.login("alice", caps=HISTORY_CAPS)
        bob = self.login("bob", caps=HISTORY_CAPS)
        alice.privmsg("bob", "hi bob")
        bob.expect(r"PRIVMSG bob :hi bob$")
        bob.privmsg("alice", "hi alice")
        alice.expect(r"PRIVMSG alice :hi alice$")
        alice.send("NOTICE bob :a notice")
        bob.expect(r"NOTICE bob :a notice$")
        want = [("alice", "bob", "hi bob"), ("bob", "alice", "hi alice"),
                ("alice", "bob", "a notice")]
        self.assertEqual(self.history(alice, "bob"), want)
        self.assertEqual(self.history(bob, "alice"),
                         [("alice", "bob", "hi bob"), ("bob", "alice", "hi alice"),
                          ("alice", "bob", "a notice")])
        bob.send("QUIT")
        bob.expect_closed()
        # bob offline; the target is named as the asker spelled it (as for rooms)
        self.assertEqual([(a, b.lower(), t) for a, b, t in self.history(alice, "BOB")], want)
        # TARGETS: bob is one of alice's conversations.
        alice.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
                   "timestamp=2100-01-01T00:00:00.000Z 10")
        lines = alice.collect_until(r"^(@\S+ )?:\S+ BATCH -")
        self.assertTrue([l for l in lines if re.search(r" CHATHISTORY TARGETS bob ", l)], lines)
        # msgid references work as for rooms.
        alice.send("CHATHISTORY LATEST bob * 1")
        lines = alice.collect_until(r"^(@\S+ )?:\S+ BATCH -")
        newest = [re.search(r"msgid=([^;\s]+)", l).group(1) for l in lines if " NOTICE " in l]
        alice.send("CHATHISTORY BEFORE bob msgid=%s 10" % newest[0])
        lines = alice.collect_until(r"^(@\S+ )?:\S+ BATCH -")
        self.assertEqual(len([l for l in lines if " PRIVMSG " in l]), 2)
        self.restart()
        bob = self.login("bob", caps=HISTORY_CAPS)
        self.assertEqual(self.history(bob, "alice"), want)

    def test_never_for_guests(self):
        self.make_account("alice")
        alice = self.login("alice", caps=HISTORY_CAPS)
        guest = self.guest("gwen", caps=HISTORY_CAPS)
        alice.privmsg("gwen", "to a guest")
        guest.expect(r"PRIVMSG gwen :to a guest$")
        guest.privmsg("alice", "from a guest")
        alice.expect(r"PRIVMSG alice :from a guest$")
        self.assertEqual(self.history(alice, "gwen"), [])
        self.assertEqual(self.history(guest, "alice"), [])
        # a guest using an account's nick reads nothing either
        self.make_account("bob")
        bob = self.login("bob", caps=HISTORY_CAPS)
        bob.privmsg("alice", "between accounts")
        alice.expect(r"PRIVMSG alice :between accounts$")
        bob.send("QUIT")
        bob.expect_closed()
        fake = self.guest("bob", caps=HISTORY_CAPS)
        self.assertEqual(self.history(fake, "alice"), [])
        self.assertEqual(self.history(alice, "nosuchaccount"), [])
        self.srv.stop()
        db = sqlite3.connect("%s/parleyd.db" % self.data)
        targets = sorted(t for (t,) in db.execute(
            "SELECT DISTINCT target FROM messages WHERE target LIKE '@%'"))
        texts = sorted(t for (t,) in db.execute("SELECT text FROM messages"))
        db.close()
        self.assertEqual(targets, ["@alice,bob"])
        self.assertEqual(texts, ["between accounts"])


if __name__ == "__main__":
    main()
