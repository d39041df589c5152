#!/usr/bin/env python3
"""The IRC query commands of the Modern IRC documents and IRCv3 that only
ask: WHOWAS (314/312/369/406, the count, the table's bounds), WHOX (354
with the fields in their fixed order and the token, streamed for a big
room), HELP/HELPOP (704/705/706/524, every command has help), INFO
(371/374) and LINKS (364/365). Numerics are checked with their parameters."""

import re

from harness import ServerTestCase, main, parse_line, scaled

WHOWAS_CAPACITY = 1000   # whowas.h WHOWAS_CAPACITY_DEFAULT
WHOWAS_PER_NICK = 4      # whowas.h WHOWAS_PER_NICK_DEFAULT


def params_of(line):
    """(command, params) of a server line (or of the line an expect() matched)."""
    if isinstance(line, re.Match):
        line = line.string
    _, _, command, params = parse_line(line)
    return command, params


class Queries(ServerTestCase):
    server_args = ("--flood", "off", "--max-per-ip", "0")

    def numerics(self, c, end_rx, timeout=None):
        """The (numeric, params) of the lines up to and including end_rx."""
        return [params_of(l) for l in c.collect_until(end_rx, timeout=timeout)]

    # --- WHOWAS ---

    def test_whowas_after_quit_and_nick_change(self):
        gone = self.irc("gone", register=False)
        gone.register(user="goneuser", realname="Gone Person")
        gone.quit()
        renamed = self.irc("before")
        renamed.send("NICK after")
        renamed.expect(r"^:before!\S+ NICK :?after$")
        asker = self.irc("asker")
        asker.send("WHOWAS gone")
        got = self.numerics(asker, r"^:parley 369 ")
        self.assertEqual(got[0], ("314", ["asker", "gone", "goneuser", "127.0.0.1", "*",
                                          "Gone Person"]))
        self.assertEqual(got[1][0], "312")
        self.assertEqual(got[1][1][:3], ["asker", "gone", "parley"])
        self.assertEqual(got[-1], ("369", ["asker", "gone", "End of WHOWAS"]))
        self.assertEqual(len(got), 3)
        # the old nick of a NICK change, in any case
        asker.send("WHOWAS BEFORE")
        got = self.numerics(asker, r"^:parley 369 ")
        self.assertEqual(got[0][0], "314")
        self.assertEqual(got[0][1][1:4], ["before", "before", "127.0.0.1"])
        # someone still online under the nick is not in WHOWAS
        asker.send("WHOWAS after")
        got = self.numerics(asker, r"^:parley 369 ")
        self.assertEqual(got, [("406", ["asker", "after", "There was no such nickname"]),
                               ("369", ["asker", "after", "End of WHOWAS"])])

    def test_whowas_errors(self):
        asker = self.irc("asker")
        asker.send("WHOWAS")
        self.assertEqual(params_of(asker.expect_numeric("461")),
                         ("461", ["asker", "WHOWAS", "Not enough parameters"]))
        asker.send("WHOWAS :")
        asker.expect_numeric("461", "asker WHOWAS ")
        asker.send("WHOWAS nobody")
        got = self.numerics(asker, r"^:parley 369 ")
        self.assertEqual(got, [("406", ["asker", "nobody", "There was no such nickname"]),
                               ("369", ["asker", "nobody", "End of WHOWAS"])])

    def test_whowas_several_entries_newest_first_and_count(self):
        for i in range(WHOWAS_PER_NICK + 2):
            c = self.irc("dup", register=False)
            c.register(user="user%d" % i)
            c.quit()
        asker = self.irc("asker")
        newest = ["user%d" % i for i in reversed(range(WHOWAS_PER_NICK + 2))]

        def users(req):
            asker.send(req)
            got = self.numerics(asker, r"^:parley 369 ")
            self.assertEqual(got[-1], ("369", ["asker", "dup", "End of WHOWAS"]))
            self.assertEqual([n for n, _ in got[:-1]], ["314", "312"] * ((len(got) - 1) // 2))
            return [p[2] for n, p in got if n == "314"]

        # at most WHOWAS_PER_NICK kept per nick, the oldest gone
        self.assertEqual(users("WHOWAS dup"), newest[:WHOWAS_PER_NICK])
        self.assertEqual(users("WHOWAS dup 2"), newest[:2])
        self.assertEqual(users("WHOWAS dup 1"), newest[:1])
        self.assertEqual(users("WHOWAS dup 0"), newest[:WHOWAS_PER_NICK])
        self.assertEqual(users("WHOWAS dup -3"), newest[:WHOWAS_PER_NICK])
        self.assertEqual(users("WHOWAS dup 100"), newest[:WHOWAS_PER_NICK])
        self.assertEqual(users("WHOWAS dup junk"), newest[:WHOWAS_PER_NICK])

    def test_whowas_table_is_bounded(self):
        """One client changing nick past the table's size: the oldest names
        are evicted, the newest kept, each nick at most WHOWAS_PER_NICK."""
        c = self.irc("n0")
        total = WHOWAS_CAPACITY + 50
        for i in range(1, total + 1):
            c.send("NICK n%d" % i)
        c.expect(r"^:n%d!\S+ NICK :?n%d$" % (total - 1, total), timeout=120)
        asker = self.irc("asker")
        asker.send("WHOWAS n0,n49")
        got = self.numerics(asker, r"^:parley 369 asker n49 ")
        self.assertEqual([n for n, _ in got], ["406", "369", "406", "369"])
        asker.send("WHOWAS n50,n%d" % (total - 1))
        got = self.numerics(asker, r"^:parley 369 asker n%d " % (total - 1))
        self.assertEqual([n for n, _ in got], ["314", "312", "369", "314", "312", "369"])
        self.assertEqual(got[0][1][1], "n50")
        # flipping between two nicks keeps at most WHOWAS_PER_NICK of each
        for i in range(10):
            c.send("NICK flop" if i % 2 == 0 else "NICK flip")
        c.send("NICK done")
        c.expect(r"NICK :?done$")
        asker.send("WHOWAS flip,flop")
        got = self.numerics(asker, r"^:parley 369 asker flop ")
        self.assertEqual(len([1 for n, p in got if n == "314" and p[1] == "flip"]),
                         WHOWAS_PER_NICK)
        self.assertEqual(len([1 for n, p in got if n == "314" and p[1] == "flop"]),
                         WHOWAS_PER_NICK)

    def test_whowas_too_many_targets(self):
        asker = self.irc("asker")
        asker.send("WHOWAS a,b,c,d,e,f")
        got = self.numerics(asker, r"^:parley 407 ")
        self.assertEqual([n for n, _ in got], ["406", "369"] * 4 + ["407"])
        self.assertEqual(got[-1][1][:2], ["asker", "e"])

    # --- WHOX ---

    def test_whox_fields_in_fixed_order_with_token(self):
        alice = self.irc("alice", register=False)
        alice.register(user="aliceu", realname="Alice Liddell")
        alice.join("#room")
        alice.send("AWAY :out")
        alice.expect_numeric("306")
        bob = self.irc("bob")
        bob.join("#room")
        # asked in a scrambled order: answered in t c u i h s n f d l a o r
        bob.send("WHO #room %rolnhatsfucdi,42")
        got = self.numerics(bob, r"^:parley 315 ")
        self.assertEqual(got[-1], ("315", ["bob", "#room", "End of /WHO list"]))
        rows = {p[7]: p for n, p in got if n == "354"}
        self.assertEqual(len(got), 3)
        a = rows["alice"]
        self.assertEqual(a[:9], ["bob", "42", "#room", "aliceu", "127.0.0.1", "127.0.0.1",
                                 "parley", "alice", "G@"])
        self.assertEqual(a[9], "0")               # hop count
        self.assertRegex(a[10], r"^\d+$")        # idle seconds
        self.assertEqual(a[11:], ["0", "n/a", "Alice Liddell"])  # not logged in
        self.assertEqual(rows["bob"][8], "H")

    def test_whox_subsets_and_default_token(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("WHO #room %na")
        got = self.numerics(alice, r"^:parley 315 ")
        self.assertEqual(got[0], ("354", ["alice", "alice", "0"]))
        alice.send("WHO alice %tn")          # no token: 0
        got = self.numerics(alice, r"^:parley 315 ")
        self.assertEqual(got[0], ("354", ["alice", "0", "alice"]))
        alice.send("WHO alice %tn,1234")     # more than 3 digits: 0
        got = self.numerics(alice, r"^:parley 315 ")
        self.assertEqual(got[0], ("354", ["alice", "0", "alice"]))
        alice.send("WHO alice %cxyzn,7")     # unknown letters ignored; mask: channel *
        got = self.numerics(alice, r"^:parley 315 ")
        self.assertEqual(got[0], ("354", ["alice", "*", "alice"]))
        self.assertEqual(got[1], ("315", ["alice", "alice", "End of /WHO list"]))
        alice.send("WHO alice")              # plain WHO is still 352
        got = self.numerics(alice, r"^:parley 315 ")
        self.assertEqual(got[0][0], "352")

    def test_whox_in_isupport(self):
        c = self.irc("c", register=False)
        lines = c.register()
        tokens = [t for l in lines if " 005 " in l for t in params_of(l)[1][1:-1]]
        self.assertIn("WHOX", tokens)

    # --- HELP, INFO, LINKS ---

    def test_help_for_every_command(self):
        c = self.irc("helper")
        c.send("HELP")
        got = self.numerics(c, r"^:parley 706 ")
        self.assertEqual(got[0][0], "704")
        self.assertEqual(got[0][1][:2], ["helper", "*"])
        self.assertEqual(got[-1], ("706", ["helper", "*", "End of /HELP"]))
        commands = [w for n, p in got if n == "705" for w in p[2].split()]
        for must in ("HELP", "HELPOP", "INFO", "LINKS", "WHO", "WHOWAS", "PRIVMSG", "NICK"):
            self.assertIn(must, commands)
        for name in commands:
            c.send("HELP " + name.lower())
            got = self.numerics(c, r"^:parley (706|524) ")
            self.assertEqual(got[-1][0], "706", "no help for %s: %r" % (name, got))
            self.assertEqual(got[0][0], "704")
            self.assertEqual(got[0][1][1], name)
            self.assertIn(name, got[0][1][2])   # the first line is the syntax
            self.assertTrue(all(n in ("704", "705", "706") and p[1] == name for n, p in got))
        c.send("HELPOP who")
        got = self.numerics(c, r"^:parley 706 ")
        self.assertEqual(got[0][1][:2], ["helper", "WHO"])
        c.send("HELP nosuchthing")
        self.assertEqual(params_of(c.expect_numeric("524")),
                         ("524", ["helper", "nosuchthing", "Help not found"]))

    def test_info_and_links(self):
        c = self.irc("c")
        c.send("INFO")
        got = self.numerics(c, r"^:parley 374 ")
        self.assertGreaterEqual(len(got), 2)
        self.assertTrue(all(n == "371" and len(p) == 2 for n, p in got[:-1]))
        self.assertTrue(any("parley" in p[1] for _, p in got[:-1]))
        self.assertEqual(got[-1], ("374", ["c", "End of INFO list"]))
        c.send("LINKS")
        got = self.numerics(c, r"^:parley 365 ")
        self.assertEqual(got, [("364", ["c", "*", "parley", "0 parley chat server"]),
                               ("365", ["c", "*", "End of /LINKS list"])])


class BigWhox(ServerTestCase):
    # A SendQ far below the reply: WHOX is streamed like WHO. The room is
    # quiet (--announce-max 1) and has no operator, so no member hears the
    # others join: a SendQ this small would otherwise disconnect members
    # whose JOIN lines pile up while the machine is busy, and the WHO would
    # rightly list fewer.
    server_args = ("--sendq", "4k", "--max-per-ip", "0", "--flood", "off",
                   "--announce-max", "1")

    def test_whox_of_a_big_room_is_streamed(self):
        count = max(150, scaled(300))
        members = []
        for i in range(count):
            c = self.irc("m%s%04d" % ("x" * 25, i), register=False)
            c.register(realname="r" * 100)
            c.send("JOIN #big")
            if i == 0:  # past its 366, so not waited for below
                c.send("MODE #big -o " + c.nick)
                c.expect(r" MODE #big -o ")
            members.append(c)
        for c in members[1:]:
            c.expect(r"^:\S+ 366 %s #big " % c.nick, timeout=60)
        asker = self.irc("asker")
        asker.send("WHO #big %tcuihsnfdlaor,7")
        lines = asker.collect_until(r"^:parley 315 asker #big :", timeout=60)
        rows = [params_of(l)[1] for l in lines if " 354 asker " in l]
        self.assertEqual(len(rows), count)
        self.assertTrue(all(r[1] == "7" and r[2] == "#big" and r[-1] == "r" * 100 for r in rows))
        self.assertEqual(set(r[7] for r in rows), set(c.nick for c in members))
        asker.sync(timeout=60)
        self.assertFalse(asker.is_closed())
        self.assertFalse(any("SendQ" in l for l in asker.received))
        self.assertFalse(any(c.is_closed() for c in members))


if __name__ == "__main__":
    main()
