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

from harness import ServerTestCase, main, parse_line, parse_tags, strip_tags


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
        a.send("LUSERS")
        p265 = params_of(a.expect_numeric("265"))[1]
        p266 = params_of(a.expect_numeric("266"))[1]
        self.assertEqual(p265[1:3], ["1", "4"])
        self.assertEqual(p266[1:3], ["1", "4"])
        self.assertIn("max 4", p266[3])


if __name__ == "__main__":
    main()
