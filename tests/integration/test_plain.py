#!/usr/bin/env python3
"""Plain-text mode (nc/telnet users) and its interplay with IRC clients."""

import re

from harness import ServerTestCase, main

T = r"\d\d:\d\d"


class Plain(ServerTestCase):

    def test_greeting_sent_to_every_client(self):
        c = self.plain(login=False)
        m = c.expect(r".*", strict=True)
        self.assertEqual(c.last_line, ":parley NOTICE * :*** Welcome to parley! Type a nickname "
                         "and press Enter (IRC clients: register as usual).")
        self.assertIsNotNone(m)

    def test_login_joins_default_room(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob", login=False)
        bob.expect(r"NOTICE \* .*nickname", strict=True)
        bob.send("bob")
        bob.expect(r"#lobby")
        alice.expect(r"^:bob!\S+@127\.0\.0\.1 JOIN :?#lobby$")
        # plain users never get IRC protocol lines
        bob.send("/who")
        bob.expect(r"alice")
        for line in bob.received[1:]:
            self.assertNotRegex(line, r"^:\S+ (\d{3}|JOIN|PRIVMSG|NOTICE|MODE) ",
                                "plain user got an IRC protocol line")

    def test_invalid_and_taken_nick_reasked(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain(login=False)
        bob.expect(r"NOTICE \* .*nickname", strict=True)
        bob.send("1bad")
        bob.expect(r"^\*\*\* ", strict=True)
        bob.send("ALICE")
        bob.expect(r"^\*\*\* ", strict=True)
        bob.send("has space")
        bob.expect(r"^\*\*\* ", strict=True)
        bob.send("bob")
        bob.expect(r"#lobby")
        alice.expect(r"^:bob!\S+ JOIN :?#lobby$")
        joins = [l for l in alice.sync() + alice.received if " JOIN " in l]
        self.assertFalse(any(re.match(r"^:(1bad|ALICE|has)!", l) for l in joins), joins)

    def test_messages_both_ways(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        alice.expect(r"^:bob!\S+ JOIN :?#lobby$")
        bob.say("hello there, alice")
        alice.expect(r"^:bob!\S+@127\.0\.0\.1 PRIVMSG #lobby :hello there, alice$")
        alice.privmsg("#lobby", "hi bob")
        lines = bob.collect_until(r"^%s <alice> hi bob$" % T)
        self.assertFalse(any("hello there" in l for l in lines),
                         "plain user got its own message echoed: %r" % lines)
        # a line starting with ':' is still text
        bob.say(":colon first")
        alice.expect(r"^:bob!\S+ PRIVMSG #lobby ::colon first$")
        # IRC NOTICE to the room is shown to the plain user too
        alice.send("NOTICE #lobby :notice text")
        bob.expect(r"alice.*notice text")

    def test_two_plain_users(self):
        bob = self.plain("bob")
        carol = self.plain("carol")
        bob.expect(r"^%s -!- carol joined #lobby$" % T)
        bob.say("hey carol")
        carol.expect(r"^%s <bob> hey carol$" % T)
        carol.say("hey bob")
        bob.expect(r"^%s <carol> hey bob$" % T)

    def test_me_action(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        bob.say("/me waves")
        alice.expect("^:bob!\\S+ PRIVMSG #lobby :\x01ACTION waves\x01$")
        alice.privmsg("#lobby", "\x01ACTION dances\x01")
        bob.expect(r"^%s \* alice dances$" % T)

    def test_private_messages(self):
        alice = self.irc("alice")
        bob = self.plain("bob")
        bob.say("/msg alice a secret")
        alice.expect(r"^:bob!\S+ PRIVMSG alice :a secret$")
        alice.privmsg("bob", "psst")
        bob.expect(r"^%s \*alice\* psst$" % T)
        bob.say("/msg nobody hello?")
        bob.expect(r"^\*\*\* .*nobody")
        carol = self.plain("carol")
        bob.say("/msg carol plain to plain")
        carol.expect(r"^%s \*bob\* plain to plain$" % T)

    def test_nick_change(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        carol = self.plain("carol")
        alice.expect(r"^:carol!\S+ JOIN ")
        bob.say("/nick rob")
        alice.expect(r"^:bob!\S+ NICK :?rob$")
        carol.expect(r"^%s -!- bob is now known as rob$" % T)
        bob.expect(r"rob")
        bob.say("as rob")
        alice.expect(r"^:rob!\S+ PRIVMSG #lobby :as rob$")
        bob.say("/nick alice")
        bob.expect(r"^\*\*\* ")
        alice.send("NICK ally")
        carol.expect(r"^%s -!- alice is now known as ally$" % T)

    def test_join_keeps_the_old_room(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        alice.join("#other")
        bob = self.plain("bob")
        carol = self.plain("carol")
        alice.expect(r"^:carol!\S+ JOIN :?#lobby")
        bob.say("/join #other")
        alice.expect(r"^:bob!\S+ JOIN :?#other$")
        bob.expect(r"#other")
        bob.say("in other now")
        alice.expect(r"^:bob!\S+ PRIVMSG #other :in other now$")
        # nothing of it in #lobby, and bob did not leave it
        alice.privmsg("#lobby", "lobby marker")
        lines = carol.collect_until(r"<alice> lobby marker$")
        self.assertFalse(any("in other now" in l or "bob left" in l for l in lines), lines)
        bob.expect(r"^%s \[#lobby\] <alice> lobby marker$" % T)
        # IRC user joining/leaving bob's room
        dave = self.irc("dave")
        dave.join("#other")
        bob.expect(r"^%s -!- dave joined #other$" % T)
        dave.send("PART #other :later")
        bob.expect(r"^%s -!- dave left #other \(later\)$" % T)
        alice.send("QUIT :gone home")
        bob.expect(r"^%s -!- alice quit \(.*gone home\)$" % T)

    def test_part(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        alice.expect(r"^:bob!\S+ JOIN ")
        bob.say("/part")
        alice.expect(r"^:bob!\S+ PART #lobby( :.*)?$")
        bob.say("talking to nobody")
        bob.expect(r"^\*\*\* ")
        alice.privmsg("#lobby", "after part")
        self.assertFalse(any("talking to nobody" in l for l in alice.sync()))
        bob.say("/join #lobby")
        alice.expect(r"^:bob!\S+ JOIN :?#lobby$")

    def test_who(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        carol = self.plain("carol")
        bob.expect(r"carol joined")
        mark = bob.mark()
        bob.say("/who")
        bob.wait_lines(lambda ls: all(any(n in l for l in ls) for n in ("alice", "carol")),
                       "/who output naming alice and carol", since=mark)
        carol.say("/part")
        bob.expect(r"carol left")
        mark = bob.mark()
        bob.say("/who")
        bob.wait_lines(lambda ls: any("alice" in l for l in ls), "/who output naming alice",
                       since=mark)
        # alice's message is sent after the /who output was produced
        alice.privmsg("#lobby", "who marker")
        bob.expect(r"<alice> who marker$")
        lines = bob.received[mark:]
        self.assertFalse(any("carol" in l for l in lines[:-1]),
                         "/who lists carol after she left: %r" % lines)
        self.assertTrue(any("bob" in l for l in lines[:-1]), "/who does not list bob: %r" % lines)

    def test_topic(self):
        bob = self.plain("bob")
        bob.say("/join #bobroom")
        bob.expect(r"#bobroom")
        alice = self.irc("alice")
        alice.join("#bobroom")
        bob.say("/topic A fine topic")
        alice.expect(r"^:bob!\S+ TOPIC #bobroom :A fine topic$")
        bob.drain()
        bob.say("/topic")
        bob.expect(r"A fine topic")
        # bob is op of #bobroom (first joiner), alice is not: with the usual
        # +t she may not change it; in her own room she may, and bob sees it
        alice.join("#aliceroom")
        alice.send("TOPIC #aliceroom :first topic")
        alice.expect(r"TOPIC #aliceroom :first topic$")
        bob.say("/join #aliceroom")
        bob.expect(r"first topic")
        alice.send("TOPIC #aliceroom :changed by alice")
        bob.expect(r"alice.*changed by alice")

    def test_conn_shows_endpoints(self):
        bob = self.plain("bob")
        mark = bob.mark()
        bob.say("/conn")
        own = "%s:%d" % bob.local
        srv = "%s:%d" % bob.peer
        self.assertEqual(bob.peer[1], self.server.port)
        bob.wait_lines(lambda ls: any(own in l for l in ls) and any(srv in l for l in ls),
                       "/conn lines with %s (client) and %s (server)" % (own, srv), since=mark)

    def test_quit(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        carol = self.plain("carol")
        alice.expect(r"^:carol!\S+ JOIN ")
        bob.say("/quit see ya")
        alice.expect(r"^:bob!\S+ QUIT :(Quit: )?see ya$")
        carol.expect(r"^%s -!- bob quit \((Quit: )?see ya\)$" % T)
        bob.expect_closed()

    def test_help(self):
        bob = self.plain("bob")
        mark = bob.mark()
        bob.say("/help")
        bob.wait_lines(lambda ls: all(any(cmd in l for l in ls) for cmd in
                                      ("/nick", "/join", "/msg", "/me", "/quit", "/who",
                                       "/topic", "/part", "/conn")),
                       "/help mentioning every command", since=mark)

    def test_unknown_command(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        alice.expect(r"^:bob!\S+ JOIN ")
        bob.drain()
        bob.say("/frobnicate now")
        bob.expect(r"^\*\*\* ", strict=True)
        bob.say("after unknown")
        lines = alice.collect_until(r"PRIVMSG #lobby :after unknown$")
        self.assertFalse(any("frobnicate" in l for l in lines), lines)

    def test_case_insensitive_first_line_is_irc(self):
        # "nick x" in lower case is an IRC registration, not a plain nickname
        c = self.irc(register=False)
        c.expect(r"NOTICE \* ", strict=True)
        c.send("nick lowirc")
        c.send("user lowirc 0 * :Low")
        c.expect(r"^:parley 001 lowirc ")

    def test_plain_nick_collides_with_irc(self):
        bob = self.plain("bob")
        c = self.irc(register=False)
        c.send("NICK Bob")
        c.expect(r"^:parley 433 \* Bob ")
        bob.say("still here")


if __name__ == "__main__":
    main()
