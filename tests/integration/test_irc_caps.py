#!/usr/bin/env python3
"""IRCv3 capabilities and the registration details of issue 12: multi-prefix
and userhost-in-names (NAMES, WHO), CAP REQ as a whole (ACK or NAK of the
list, nothing changed on NAK), -cap, CAP after registration, cap-notify;
USER with an empty real name (461) and non-UTF-8 lines (FAIL ...
INVALID_UTF8, UTF8ONLY in 005); the LUSERS high-water mark (265/266);
away-notify, invite-notify, setname, bot mode (+B, 335, the bot tag, WHO
flag B). Each behaviour is checked with its numerics and parameters, and
clients without the capability are checked to get none of the new lines."""

import re

from harness import ServerTestCase, main, parse_line, parse_tags, run_threads, scaled, strip_tags


def params_of(line):
    """(command, params) of a server line (or of the line an expect() matched)."""
    if isinstance(line, re.Match):
        line = line.string
    _, _, command, params = parse_line(line)
    return command, params


def names_of(lines, room):
    """The entries of every 353 for room among lines."""
    out = []
    for l in lines:
        command, params = params_of(strip_tags(l))
        if command == "353" and params[2].lower() == room.lower():
            out += params[3].split()
    return out


class Caps(ServerTestCase):
    server_args = ("--flood", "off", "--max-per-ip", "0")

    def cap(self, c, line, reply_rx):
        """Sends a CAP line; returns the params of the reply matching reply_rx."""
        c.send(line)
        return params_of(c.expect(reply_rx))[1]

    def voiced_op_room(self, *specs):
        """alice (op, then voiced too) and others (nick, caps) in #r, drained."""
        clients = [self.irc(nick, caps=caps) for nick, caps in specs]
        alice = clients[0]
        for c in clients:
            c.join("#r")
        alice.send("MODE #r +v alice")
        for c in clients:
            c.expect(r" MODE #r \+v alice$")
            c.sync()
        return clients

    # ---- multi-prefix, userhost-in-names

    def test_multi_prefix_names_and_who(self):
        alice, bob, carol = self.voiced_op_room(
            ("alice", None), ("bob", ["multi-prefix"]), ("carol", None))
        bob.send("NAMES #r")
        names = names_of(bob.collect_until(r" 366 bob #r "), "#r")
        self.assertIn("@+alice", names)
        self.assertIn("bob", names)
        carol.send("NAMES #r")
        names = names_of(carol.collect_until(r" 366 carol #r "), "#r")
        self.assertIn("@alice", names, "without multi-prefix: the highest prefix only")
        self.assertNotIn("@+alice", names)
        bob.send("WHO #r")
        lines = bob.collect_until(r" 315 bob #r ")
        who = {params_of(l)[1][5]: params_of(l)[1][6] for l in lines
               if params_of(l)[0] == "352"}
        self.assertEqual(who["alice"], "H@+")
        carol.send("WHO #r")
        lines = carol.collect_until(r" 315 carol #r ")
        who = {params_of(l)[1][5]: params_of(l)[1][6] for l in lines
               if params_of(l)[0] == "352"}
        self.assertEqual(who["alice"], "H@")

    def test_userhost_in_names(self):
        alice = self.irc("alice")
        bob = self.irc("bob", caps=["userhost-in-names", "multi-prefix"])
        alice.join("#r")
        lines = bob.join("#r")
        names = names_of(lines, "#r")
        self.assertEqual(sorted(names), ["@alice!alice@127.0.0.1", "bob!bob@127.0.0.1"])
        alice.send("NAMES #r")
        self.assertEqual(sorted(names_of(alice.collect_until(r" 366 alice #r "), "#r")),
                         ["@alice", "bob"])

    # ---- CAP REQ as a whole, -cap, after registration, cap-notify

    def test_req_several_acked_together_and_nak_changes_nothing(self):
        c = self.irc("dave", register=False)
        c.send("CAP LS 302")
        ls = params_of(c.expect(r" CAP \* LS "))[1][-1].split()
        for name in ("multi-prefix", "userhost-in-names", "cap-notify", "away-notify",
                     "invite-notify", "setname"):
            self.assertIn(name, ls)
        self.assertNotIn("chghost", ls)
        params = self.cap(c, "CAP REQ :multi-prefix userhost-in-names", r" CAP \* (ACK|NAK) ")
        self.assertEqual(params[1:], ["ACK", "multi-prefix userhost-in-names"])
        params = self.cap(c, "CAP REQ :away-notify bogus-cap", r" CAP \* (ACK|NAK) ")
        self.assertEqual(params[1:], ["NAK", "away-notify bogus-cap"])
        params = self.cap(c, "CAP LIST", r" CAP \* LIST ")
        self.assertEqual(sorted(params[-1].split()),
                         ["cap-notify", "multi-prefix", "userhost-in-names"],
                         "a NAK changed the caps, or CAP LS 302 did not imply cap-notify")
        params = self.cap(c, "CAP REQ :-userhost-in-names", r" CAP \* (ACK|NAK) ")
        self.assertEqual(params[1:], ["ACK", "-userhost-in-names"])
        params = self.cap(c, "CAP REQ :-cap-notify", r" CAP \* (ACK|NAK) ")
        self.assertEqual(params[1], "NAK", "cap-notify stays on after CAP LS 302")
        params = self.cap(c, "CAP LIST", r" CAP \* LIST ")
        self.assertEqual(sorted(params[-1].split()), ["cap-notify", "multi-prefix"])
        c.send("NICK dave")
        c.send("USER dave 0 * :Dave")
        c.send("PING :held")
        c.expect(r" PONG \S+ :?held$")
        self.assertFalse([l for l in c.take_pending() if " 001 " in l],
                         "registered during CAP negotiation")
        c.send("CAP END")
        c.expect_numeric("001", "dave ")

    def test_cap_after_registration(self):
        c = self.irc("erin")
        params = self.cap(c, "CAP LS", r" CAP erin LS ")
        self.assertIn("multi-prefix", params[-1].split())
        params = self.cap(c, "CAP REQ :multi-prefix away-notify", r" CAP erin (ACK|NAK) ")
        self.assertEqual(params[1:], ["ACK", "multi-prefix away-notify"])
        params = self.cap(c, "CAP LIST", r" CAP erin LIST ")
        self.assertEqual(sorted(params[-1].split()), ["away-notify", "multi-prefix"])
        params = self.cap(c, "CAP REQ :-away-notify", r" CAP erin (ACK|NAK) ")
        self.assertEqual(params[1:], ["ACK", "-away-notify"])
        # no registration hold: commands still work at once
        c.send("CAP REQ :setname")
        c.expect(r" CAP erin ACK ")
        c.send("LUSERS")
        c.expect_numeric("266", "erin ")

    # ---- USER and UTF-8

    def test_user_empty_realname_is_461(self):
        c = self.irc("frank", register=False)
        c.send("NICK frank")
        c.send("USER frank 0 * :")
        m = c.expect_numeric("461")
        self.assertEqual(params_of(m)[1][:2], ["frank", "USER"])
        c.send("PING :after")
        c.expect(r" PONG \S+ :?after$")
        self.assertFalse([l for l in c.take_pending() if " 001 " in l])
        c.send("USER frank 0 * :Frank")
        c.expect_numeric("001", "frank ")

    def test_realname_not_utf8_fails_and_utf8only(self):
        c = self.irc("gina", register=False)
        c.send("NICK gina")
        c.send_raw(b"USER gina 0 * :G\xffina\r\n")
        m = c.expect(r" FAIL USER INVALID_UTF8 ")
        self.assertIn("UTF-8", params_of(m)[1][-1])
        c.send("USER gina 0 * :Gina")
        lines = c.collect_until(r" 376 | 422 ")
        tokens = [t for l in lines if params_of(l)[0] == "005" for t in params_of(l)[1][1:-1]]
        self.assertIn("UTF8ONLY", tokens)
        self.assertIn("BOT=B", tokens)
        c.send_raw(b"@+x=1 PRIVMSG #r :\xc3\r\n")
        c.expect(r" FAIL PRIVMSG INVALID_UTF8 ")

    # ---- LUSERS high-water mark

    def test_lusers_max_is_high_water_mark(self):
        a = self.irc("hal")
        others = [self.irc("u%d" % i) for i in range(3)]
        for o in others:
            o.quit()
        # the leavers are counted out as their sessions end: ask until they are
        for _ in range(50):
            a.send("LUSERS")
            p265 = params_of(a.expect_numeric("265"))[1]
            p266 = params_of(a.expect_numeric("266"))[1]
            if p265[1] == "1":
                break
        self.assertEqual(p265[1:3], ["1", "4"])
        self.assertEqual(p266[1:3], ["1", "4"])
        self.assertIn("max 4", p266[3])

    # ---- away-notify

    def test_away_notify(self):
        alice = self.irc("alice")
        bob = self.irc("bob", caps=["away-notify"])
        carol = self.irc("carol")
        for c in (alice, bob, carol):
            c.join("#r")
        for c in (alice, bob, carol):
            c.sync()
        alice.send("AWAY :lunch time")
        alice.expect_numeric("306", "alice ")
        m = bob.expect(r"^:alice!alice@127\.0\.0\.1 AWAY ")
        self.assertEqual(params_of(m), ("AWAY", ["lunch time"]))
        alice.send("AWAY")
        alice.expect_numeric("305", "alice ")
        m = bob.expect(r"^:alice!alice@127\.0\.0\.1 AWAY")
        self.assertEqual(params_of(m), ("AWAY", []))
        # back when not away: nothing to tell
        alice.send("AWAY")
        alice.expect_numeric("305", "alice ")
        # an away user joining: AWAY right after the JOIN, for bob only
        dave = self.irc("dave")
        dave.send("AWAY :gone")
        dave.expect_numeric("306")
        dave.join("#r")
        bob.expect(r"^:dave!dave@127\.0\.0\.1 JOIN #r")
        m = bob.expect(r"^:dave!dave@127\.0\.0\.1 AWAY ")
        self.assertEqual(params_of(m), ("AWAY", ["gone"]))
        self.assertFalse([l for l in bob.sync() if " AWAY" in l], "AWAY told twice")
        carol.expect(r"^:dave!dave@127\.0\.0\.1 JOIN #r")
        self.assertFalse([l for l in carol.sync() if " AWAY" in l],
                         "AWAY lines reached a client without away-notify")
        self.assertFalse([l for l in dave.sync() if " AWAY" in l])

    # ---- invite-notify

    def test_invite_notify(self):
        alice = self.irc("alice", caps=["invite-notify"])
        bob = self.irc("bob", caps=["invite-notify"])
        carol = self.irc("carol")
        alice.join("#r")
        bob.join("#r")
        alice.send("MODE #r +i")
        alice.expect(r" MODE #r \+i$")
        bob.expect(r" MODE #r \+i$")
        alice.send("INVITE carol #r")
        alice.expect_numeric("341", r"alice carol #r$")
        carol.expect(r"^:alice!alice@127\.0\.0\.1 INVITE carol #r$")
        self.assertFalse([l for l in bob.sync() if "INVITE" in l],
                         "a non-operator saw the INVITE")
        alice.send("MODE #r +o bob")
        bob.expect(r" MODE #r \+o bob$")
        alice.sync()
        dave = self.irc("dave")
        alice.send("INVITE dave #r")
        alice.expect_numeric("341", r"alice dave #r$")
        m = bob.expect(r"^:alice!alice@127\.0\.0\.1 INVITE ")
        self.assertEqual(params_of(m), ("INVITE", ["dave", "#r"]))
        dave.expect(r" INVITE dave #r$")
        self.assertFalse([l for l in alice.sync() if " INVITE " in l],
                         "the inviter got its own INVITE")
        # an op without the cap sees nothing
        erin = self.irc("erin")
        erin.join("#r2")
        erin.send("INVITE carol #r2")
        erin.expect_numeric("341")
        frank = self.irc("frank")
        frank.join("#r3")
        frank.send("INVITE carol #r3")
        frank.expect_numeric("341")
        self.assertFalse([l for l in frank.sync() if " INVITE " in l])

    # ---- setname

    def test_setname(self):
        alice = self.irc("alice", caps=["setname"])
        bob = self.irc("bob", caps=["setname"])
        carol = self.irc("carol")
        for c in (alice, bob, carol):
            c.join("#r")
        for c in (alice, bob, carol):
            c.sync()
        alice.send("SETNAME :Alice Liddell")
        m = alice.expect(r"^:alice!alice@127\.0\.0\.1 SETNAME ")
        self.assertEqual(params_of(m), ("SETNAME", ["Alice Liddell"]))
        m = bob.expect(r"^:alice!alice@127\.0\.0\.1 SETNAME ")
        self.assertEqual(params_of(m), ("SETNAME", ["Alice Liddell"]))
        self.assertFalse([l for l in carol.sync() if "SETNAME" in l],
                         "SETNAME reached a client without the cap")
        carol.send("WHOIS alice")
        m = carol.expect_numeric("311")
        self.assertEqual(params_of(m)[1][1:], ["alice", "alice", "127.0.0.1", "*",
                                              "Alice Liddell"])
        # bounded like USER's, never empty; nothing changes then
        for bad in ("x" * 101, ""):
            alice.send("SETNAME :" + bad)
            m = alice.expect(r" FAIL SETNAME INVALID_REALNAME ")
            self.assertIn("100", params_of(m)[1][-1])
        self.assertFalse([l for l in bob.sync() if "SETNAME" in l])
        alice.send("SETNAME :" + "y" * 100)
        bob.expect(r" SETNAME :?y{100}$")
        # without the cap SETNAME still works, without the echo
        carol.send("SETNAME :Carol C")
        bob.expect(r"^:carol!carol@127\.0\.0\.1 SETNAME :?Carol C$")
        self.assertFalse([l for l in carol.sync() if "SETNAME" in l])
        carol.send_raw(b"SETNAME :\xff\r\n")
        carol.expect(r" FAIL SETNAME INVALID_UTF8 ")

    def test_setname_while_others_read_it(self):
        """SETNAME changes a field other threads read (WHOIS, WHO, WHOX r):
        run together, every reply shows one whole name (TSan checks the
        locking in the sanitizer build)."""
        alice = self.irc("alice", caps=["setname"])
        bob = self.irc("bob")
        alice.join("#r")
        bob.join("#r")
        rounds = scaled(200, 20)
        names = {"Name %d" % i for i in range(rounds)} | {"Real alice"}

        def rename():
            for i in range(rounds):
                alice.send("SETNAME :Name %d" % i)
            alice.sync(timeout=60)

        def read():
            seen = []
            for i in range(rounds):
                bob.send("WHOIS alice")
                seen.append(params_of(bob.expect_numeric("311", "bob alice "))[1][-1])
                bob.send("WHO #r %nr")
                for l in bob.collect_until(r" 315 bob #r "):
                    if params_of(l)[0] == "354" and params_of(l)[1][1] == "alice":
                        seen.append(params_of(l)[1][2])
            self.assertTrue(set(seen) <= names, set(seen) - names)

        run_threads([rename, read])
        bob.send("WHOIS alice")
        self.assertEqual(params_of(bob.expect_numeric("311", "bob alice "))[1][-1],
                         "Name %d" % (rounds - 1))

    # ---- bot mode

    def test_bot_mode(self):
        robo = self.irc("robo", caps=["message-tags"])
        tagged = self.irc("tagged", caps=["message-tags"])
        plain = self.irc("plainc")
        for c in (robo, tagged, plain):
            c.join("#r")
        for c in (robo, tagged, plain):
            c.sync()
        robo.send("MODE robo +B")
        robo.expect(r"^:robo MODE robo :?\+B$")
        robo.send("MODE robo")
        self.assertIn("B", params_of(robo.expect_numeric("221"))[1][1])
        robo.privmsg("#r", "beep")
        tagged.expect(r"PRIVMSG #r :beep$")
        self.assertIn("bot", parse_tags(tagged.last_line), tagged.last_line)
        plain.expect(r"PRIVMSG #r :beep$", raw=True)
        self.assertFalse(plain.last_line.startswith("@"), plain.last_line)
        robo.privmsg("tagged", "direct")
        tagged.expect(r"PRIVMSG tagged :direct$")
        self.assertIn("bot", parse_tags(tagged.last_line))
        tagged.privmsg("#r", "human")
        robo.expect(r"PRIVMSG #r :human$")
        self.assertNotIn("bot", parse_tags(robo.last_line))
        plain.send("WHOIS robo")
        lines = plain.collect_until(r" 318 ")
        bots = [params_of(l)[1] for l in lines if params_of(l)[0] == "335"]
        self.assertEqual(len(bots), 1, lines)
        self.assertEqual(bots[0][:2], ["plainc", "robo"])
        plain.send("WHOIS tagged")
        lines = plain.collect_until(r" 318 ")
        self.assertFalse([l for l in lines if params_of(l)[0] == "335"])
        plain.send("WHO #r")
        lines = plain.collect_until(r" 315 ")
        flags = {params_of(l)[1][5]: params_of(l)[1][6] for l in lines
                 if params_of(l)[0] == "352"}
        self.assertEqual(flags["robo"], "H@B")  # robo made the room
        self.assertEqual(flags["tagged"], "H")
        robo.send("MODE robo -B")
        robo.expect(r"^:robo MODE robo :?-B$")
        robo.privmsg("#r", "human now")
        tagged.expect(r"PRIVMSG #r :human now$")
        self.assertNotIn("bot", parse_tags(tagged.last_line))

    def test_chghost_not_offered(self):
        c = self.irc("gus", register=False)
        c.send("CAP LS 302")
        self.assertNotIn("chghost", params_of(c.expect(r" CAP \* LS "))[1][-1].split())
        params = self.cap(c, "CAP REQ chghost", r" CAP \* (ACK|NAK) ")
        self.assertEqual(params[1:], ["NAK", "chghost"])


if __name__ == "__main__":
    main()
