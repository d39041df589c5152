#!/usr/bin/env python3
"""Plain mode, finished: several rooms and a current one, the MOTD, /rooms,
/names, /list, /whois, /away, /invite, /kick, /topic for nc/telnet users —
every answer a sentence, checked word for word, and nothing IRC-shaped ever
reaching a plain user (every test ends by checking every line it received).
"""

import os
import re
import tempfile

from harness import ServerTestCase, main, run_threads, scaled

T = r"\d\d:\d\d"

# Everything a plain user reads after the greeting (a NOTICE an IRC client
# can read too, sent before the server knows which kind of client it is)
# starts like one of these: a server sentence, an event or message with its
# time, a replayed message.
HUMAN_LINE = re.compile(r"^(\*\*\* |\d\d:\d\d |\[history\] \d\d:\d\d )")
# And none of them looks like IRC: a ":prefix", a numeric reply, tags.
IRC_SHAPED = re.compile(r"^[@:]|^\S+ \d{3} \S+ |:\S+ \d{3} |^(PING|ERROR|NOTICE|PRIVMSG) ")


class PlainRooms(ServerTestCase):

    def assertHumanOnly(self, *clients):
        """Every line each plain client received (but the greeting) is text
        for a person, never an IRC line."""
        for c in clients:
            lines = c.received[1:]
            self.assertTrue(c.received[0].startswith(":parley NOTICE * :*** Welcome"),
                            c.received[:1])
            for line in lines:
                self.assertNotRegex(line, IRC_SHAPED, "%s got an IRC-shaped line" % c.name)
                self.assertRegex(line, HUMAN_LINE, "%s got a line that is not for people"
                                 % c.name)

    def sync(self, c):
        """Waits until c has had everything sent to it so far (a /conn round
        trip); returns the lines that came before."""
        c.send("/conn")
        lines = c.collect_until(r"^\*\*\* Your connection: ")
        c.expect(r"^\*\*\* On the server this connection is fd ")
        return lines[:-1]

    # ---- MOTD and /help

    def test_motd_after_nickname(self):
        fd, path = tempfile.mkstemp(prefix="parley-motd-")
        with os.fdopen(fd, "w") as f:
            f.write("Welcome to the lab.\n\nBe nice.\n")
        self.addCleanup(os.unlink, path)
        srv = self.make_server(["--motd", path])
        bob = self.plain(server=srv, login=False)
        bob.expect(r"NOTICE \* .*nickname", strict=True)
        bob.send("bob")
        lines = bob.collect_until(r"-!- bob joined #lobby$")
        self.assertEqual(lines[:-1], [
            "*** Hello bob! Type a message and press Enter to send it to the room; "
            "/help lists commands.",
            "*** Message of the day:",
            "***   Welcome to the lab.",
            "***   ",
            "***   Be nice.",
        ])
        self.assertHumanOnly(bob)

    def test_no_motd_no_motd_lines(self):
        bob = self.plain(login=False)
        bob.expect(r"NOTICE \* .*nickname", strict=True)
        bob.send("bob")
        lines = bob.collect_until(r"-!- bob joined #lobby$")
        self.assertEqual(lines[:-1], [
            "*** Hello bob! Type a message and press Enter to send it to the room; "
            "/help lists commands."])

    def test_help_lists_every_command(self):
        bob = self.plain("bob")
        bob.send("/help")
        lines = bob.collect_until(r"^\*\*\* Start a message with // ")
        lines = lines[lines.index("*** Commands (anything else you type is sent to your "
                                  "current room):"):]
        usages = [re.match(r"^\*\*\* (/\w+)", l).group(1) for l in lines[1:-1]]
        self.assertEqual(sorted(usages), sorted([
            "/join", "/part", "/rooms", "/msg", "/me", "/names", "/who", "/list", "/whois",
            "/history", "/topic", "/away", "/invite", "/kick", "/oper", "/kill", "/kline", "/unkline", "/nick", "/register",
            "/login", "/conn", "/quit", "/help"]))
        self.assertEqual(lines[0], "*** Commands (anything else you type is sent to your "
                         "current room):")
        self.assertIn("*** /join ROOM [KEY]     join a room (the # is optional) or switch to "
                      "one you are in; it becomes your current room", lines)
        self.assertHumanOnly(bob)

    # ---- several rooms, one current

    def test_join_keeps_other_rooms_and_marks_them(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        alice.join("#games")
        bob = self.plain("bob")
        bob.send("/join games")  # no '#'
        bob.expect(r"^%s -!- bob joined #games$" % T, strict=True)
        bob.expect(r"^\*\*\* You are now in #games with 1 other: alice$", strict=True)
        alice.expect(r"^:bob!\S+ JOIN :?#games$")
        # bob stays in #lobby: no PART, and NAMES still lists him there
        alice.send("NAMES #lobby")
        names = alice.collect_until(r" 366 alice #lobby ")
        self.assertFalse(any(" PART " in l for l in names), names)
        self.assertTrue(any(re.search(r" 353 alice = #lobby :.*\bbob\b", l) for l in names))
        # his lines go to the current room
        bob.say("hi games")
        alice.expect(r"^:bob!\S+ PRIVMSG #games :hi games$")
        # the current room's messages read as before, the others' with the room
        alice.privmsg("#lobby", "lobby line")
        bob.expect(r"^%s \[#lobby\] <alice> lobby line$" % T, strict=True)
        alice.privmsg("#games", "games line")
        bob.expect(r"^%s <alice> games line$" % T, strict=True)
        alice.privmsg("#lobby", "\x01ACTION waves\x01")
        bob.expect(r"^%s \[#lobby\] \* alice waves$" % T, strict=True)
        self.assertHumanOnly(bob)

    def test_join_of_room_already_in_makes_it_current(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        alice.join("#games")
        bob = self.plain("bob")
        bob.send("/join #games")
        bob.expect(r"^\*\*\* You are now in #games with 1 other: alice$")
        alice.expect(r"^:bob!\S+ JOIN :?#lobby$")
        alice.expect(r"^:bob!\S+ JOIN :?#games$")
        bob.send("/join LOBBY")
        bob.expect(r"^\*\*\* You are now in #lobby\.$", strict=True)
        bob.say("back in the lobby")
        alice.expect(r"^:bob!\S+ PRIVMSG #lobby :back in the lobby$")
        alice.privmsg("#games", "games line")
        bob.expect(r"^%s \[#games\] <alice> games line$" % T, strict=True)
        alice.privmsg("#lobby", "lobby line")
        bob.expect(r"^%s <alice> lobby line$" % T, strict=True)
        # no second JOIN was made
        self.assertFalse(any(re.search(r"JOIN :?#lobby$", l) for l in alice.sync()))
        self.assertHumanOnly(bob)

    def test_rooms_lists_and_marks_current(self):
        bob = self.plain("bob")
        bob.send("/join #games")
        bob.expect(r"^\*\*\* You are now in #games\. Nobody else is here yet\.$")
        bob.send("/join #chess")
        bob.expect(r"^\*\*\* You are now in #chess\. ")
        bob.send("/rooms")
        bob.expect(r"^\*\*\* You are in 3 rooms: #lobby, #games, #chess \(current\)$",
                   strict=True)
        bob.send("/join #lobby")
        bob.send("/rooms")
        bob.expect(r"^\*\*\* You are in 3 rooms: #lobby \(current\), #games, #chess$")
        self.assertHumanOnly(bob)

    def test_part_says_where_you_are_now(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        bob.send("/join #games")
        bob.expect(r"^\*\*\* You are now in #games")
        bob.send("/join #chess")
        bob.expect(r"^\*\*\* You are now in #chess")
        # the room joined last among those left becomes current
        bob.send("/part enough")
        bob.expect(r"^%s -!- bob left #chess \(enough\)$" % T, strict=True)
        bob.expect(r"^\*\*\* You left #chess; you are now in #games\.$", strict=True)
        bob.send("/join #lobby")
        bob.expect(r"^\*\*\* You are now in #lobby\.$")
        bob.send("/part")
        bob.expect(r"^\*\*\* You left #lobby; you are now in #games\.$")
        alice.expect(r"^:bob!\S+ PART #lobby$")
        bob.send("/part")
        bob.expect(r"^\*\*\* You left #games; you are in no room now\. Type /join #room\.$")
        bob.say("anyone?")
        bob.expect(r"^\*\*\* You are not in a room, so that was not sent\. "
                   r"Type /join #room\.$", strict=True)
        bob.send("/part")
        bob.expect(r"^\*\*\* You are not in a room\. Type /join #room\.$", strict=True)
        bob.send("/rooms")
        bob.expect(r"^\*\*\* You are in no room\. Type /join #room\.$", strict=True)
        self.assertFalse(any("anyone?" in l for l in alice.sync()))
        self.assertHumanOnly(bob)

    def test_join_refusals_are_sentences(self):
        alice = self.irc("alice")
        alice.join("#locked")
        alice.send("MODE #locked +k sesame")
        alice.expect(r"MODE #locked \+k")
        alice.join("#club")
        alice.send("MODE #club +i")
        alice.expect(r"MODE #club \+i")
        bob = self.plain("bob")
        bob.send("/join #locked")
        bob.expect(r"^\*\*\* #locked needs a key: type /join #locked KEY\.$", strict=True)
        bob.send("/join #locked sesame")
        bob.expect(r"^\*\*\* You are now in #locked with 1 other: alice$")
        bob.send("/join club")
        bob.expect(r"^\*\*\* #club is invite-only: ask one of its operators for an "
                   r"invite\.$", strict=True)
        bob.send("/join #bad,name")
        bob.expect(r"^\*\*\* '#bad,name' cannot be a room name: ", strict=True)
        # a refused join changes nothing: #locked is still current
        bob.send("/rooms")
        bob.expect(r"^\*\*\* You are in 2 rooms: #lobby, #locked \(current\)$", strict=True)
        self.assertHumanOnly(bob)

    def test_too_many_rooms(self):
        srv = self.make_server(["--max-channels-per-user", "2"])
        bob = self.plain("bob", server=srv)
        bob.send("/join #two")
        bob.expect(r"You are now in #two")
        bob.send("/join #three")
        bob.expect(r"^\*\*\* You are in too many rooms \(at most 2\); leave one first\.$",
                   strict=True)
        self.assertHumanOnly(bob)

    # ---- /msg, /away, /whois

    def test_msg_to_nobody_is_not_confirmed(self):
        bob = self.plain("bob")
        bob.send("/msg nobody hi")
        bob.expect(r"^\*\*\* No one called nobody is here\.$", strict=True)
        lines = self.sync(bob)
        self.assertFalse(any("->" in l for l in lines), lines)
        self.assertHumanOnly(bob)

    def test_away(self):
        alice = self.irc("alice")
        bob = self.plain("bob")
        caroline = self.plain("caroline")
        caroline.send("/away getting coffee")
        caroline.expect(r"^\*\*\* You are marked as away: getting coffee \(type /away alone "
                        r"when you are back\)\.$", strict=True)
        bob.send("/msg caroline are you there?")
        bob.expect(r"^\*\*\* -> \*caroline\* are you there\?$", strict=True)
        bob.expect(r"^\*\*\* caroline is away: getting coffee$", strict=True)
        caroline.expect(r"^%s \*bob\* are you there\?$" % T)
        # the same mark for IRC users (one core)
        alice.privmsg("caroline", "hello?")
        alice.expect(r"^:\S+ 301 alice caroline :getting coffee$")
        caroline.send("/away")
        caroline.expect(r"^\*\*\* You are no longer marked as away\.$", strict=True)
        bob.send("/msg caroline back?")
        bob.expect(r"^\*\*\* -> \*caroline\* back\?$", strict=True)
        self.assertFalse(any("away" in l for l in self.sync(bob)))
        self.assertHumanOnly(bob, caroline)

    def test_whois(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        alice.join("#games")
        bob = self.plain("bob")
        carol = self.plain("carol")
        carol.send("/away lunch")
        carol.expect(r"marked as away")
        bob.send("/whois alice")
        bob.expect(r"^\*\*\* alice is alice@127\.0\.0\.1 \(Real alice\)$", strict=True)
        bob.expect(r"^\*\*\* alice is in @#lobby, @#games$", strict=True)
        bob.expect(r"^\*\*\* alice has been idle for \d+ seconds?, connected for \d+ "
                   r"seconds?\.$", strict=True)
        bob.send("/whois CAROL")
        bob.expect(r"^\*\*\* carol is carol@127\.0\.0\.1 \(plain-text user\)$", strict=True)
        bob.expect(r"^\*\*\* carol is in #lobby$", strict=True)
        bob.expect(r"^\*\*\* carol is away: lunch$", strict=True)
        bob.expect(r"^\*\*\* carol has been idle for ", strict=True)
        carol.send("/part")
        carol.expect(r"You left #lobby")
        bob.send("/whois carol")
        bob.expect(r"^\*\*\* carol is in no room\.$")
        bob.send("/whois nobody")
        bob.expect(r"^\*\*\* No one called nobody is here\.$")
        bob.send("/whois")
        bob.expect(r"^\*\*\* Usage: /whois NICK$", strict=True)
        self.assertHumanOnly(bob, carol)

    # ---- /names (/who) and /list, bounded

    def test_names(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        carol = self.plain("carol")
        carol.send("/join #games")
        carol.expect(r"You are now in #games")
        bob.send("/names")
        bob.expect(r"^\*\*\* In #lobby \(3\): @alice, bob, carol$", strict=True)
        bob.send("/who games")
        bob.expect(r"^\*\*\* In #games \(1\): @carol$", strict=True)
        bob.send("/names #nowhere")
        bob.expect(r"^\*\*\* There is no room called #nowhere\.$", strict=True)
        self.assertHumanOnly(bob, carol)

    def test_names_of_a_big_room_is_bounded(self):
        n = 105  # more than PLAIN_NAMES_MAX (100)
        srv = self.make_server(["--max-per-ip", "0"])
        members = [self.irc("m%03d" % i, server=srv) for i in range(n)]
        for m in members:  # one after the other: the join order is known
            m.join("#big")
        bob = self.plain("bob", server=srv)
        bob.send("/names #big")
        lines = bob.collect_until(r"more \(only the first 100 are shown\)$")
        lines = [l for l in lines if l.startswith("*** In #big") or l.startswith("***   ")]
        self.assertTrue(lines[0].startswith("*** In #big (105): @m000, m001, "), lines[0])
        self.assertTrue(lines[-1].endswith(", and 5 more (only the first 100 are shown)"),
                        lines[-1])
        shown = re.findall(r"@?m\d{3}", " ".join(lines))
        self.assertEqual(shown, ["@m000"] + ["m%03d" % i for i in range(1, 100)])
        self.assertTrue(all(len(l) < 512 for l in lines))
        self.assertHumanOnly(bob)

    def test_list_is_bounded_biggest_first(self):
        extra = 53  # with #lobby and #big: 55 rooms, more than PLAIN_LIST_MAX (50)
        srv = self.make_server(["--max-channels-per-user", "60"])
        alice = self.irc("alice", server=srv)
        dave = self.irc("dave", server=srv)
        for i in range(extra):
            alice.send("JOIN #r%02d" % i)
        alice.expect(r" 366 alice #r%02d " % (extra - 1), timeout=30)
        alice.join("#big")
        dave.join("#big")
        alice.send("TOPIC #big :the big one")
        alice.expect(r"TOPIC #big :the big one$")
        bob = self.plain("bob", server=srv)
        bob.send("/join #big")
        bob.expect(r"You are now in #big")
        bob.send("/list")
        lines = bob.collect_until(r"^\*\*\* \.\.\. and \d+ more")
        start = lines.index("*** 55 rooms, biggest first:")
        rooms = lines[start + 1:-1]
        self.assertEqual(len(rooms), 50, rooms)
        self.assertEqual(rooms[0], "***   #big (3 people): the big one")
        self.assertEqual(rooms[1], "***   #lobby (1 person)")
        self.assertEqual(rooms[2:], ["***   #r%02d (1 person)" % i for i in range(48)])
        self.assertEqual(lines[-1], "*** ... and 5 more (only the 50 biggest are shown).")
        self.assertHumanOnly(bob)

    def test_list_small(self):
        bob = self.plain("bob")
        bob.send("/topic")  # (the lobby has none yet)
        bob.expect(r"has no topic")
        bob.send("/list")
        bob.expect(r"^\*\*\* 1 room:$", strict=True)
        bob.expect(r"^\*\*\*   #lobby \(1 person\)$", strict=True)
        bob.send("/part")
        bob.expect(r"You left #lobby")
        bob.send("/list")
        bob.expect(r"^\*\*\* There are no rooms\. Make one with /join #room\.$", strict=True)
        self.assertHumanOnly(bob)

    # ---- /invite, /kick, /topic: the same rights as IRC users

    def test_invite(self):
        alice = self.irc("alice")
        alice.join("#club")
        bob = self.plain("bob")
        dave = self.plain("dave")
        bob.send("/join #club")
        bob.expect(r"You are now in #club")
        dave.send("/join #club")
        dave.expect(r"You are now in #club")
        alice.send("MODE #club +io bob")
        alice.expect(r"MODE #club \+io bob$")
        carol = self.plain("carol")
        carol.send("/away out")
        carol.expect(r"marked as away")
        # an operator of an invite-only room may invite
        bob.send("/invite carol")
        bob.expect(r"^\*\*\* You invited carol to #club\.$")
        bob.expect(r"^\*\*\* carol is away: out$", strict=True)
        carol.expect(r"^%s -!- bob invites you to #club \(type /join #club\)$" % T)
        carol.send("/join club")
        carol.expect(r"^\*\*\* You are now in #club with 3 others: ")
        # a member who is not may not
        erin = self.plain("erin")
        dave.send("/invite erin")
        dave.expect(r"^\*\*\* Only the operators of #club can do that\.$", strict=True)
        dave.send("/invite nobody")
        dave.expect(r"^\*\*\* No one called nobody is here\.$", strict=True)
        dave.send("/invite erin #nowhere")
        dave.expect(r"^\*\*\* There is no room called #nowhere\.$", strict=True)
        dave.send("/invite carol lobby")
        dave.expect(r"^\*\*\* carol is already in #lobby\.$", strict=True)
        erin.send("/invite dave #club")
        erin.expect(r"^\*\*\* You are not in #club\.$", strict=True)
        self.assertHumanOnly(bob, carol, dave, erin)

    def test_kicked_from_current_room_moves_back(self):
        boss = self.irc("boss")
        boss.join("#kick2")
        boss.join("#lobby")
        vic = self.plain("vic")
        other = self.plain("other")
        for c in (vic, other):
            c.send("/join #kick2")
            c.expect(r"You are now in #kick2")
        boss.send("KICK #kick2 vic :stop that")
        vic.expect(r"^%s -!- you were kicked from #kick2 by boss \(stop that\); you are now "
                   r"in #lobby$" % T)
        other.expect(r"^%s -!- vic was kicked from #kick2 by boss \(stop that\)$" % T)
        vic.say("after the kick")
        boss.expect(r"^:vic!\S+ PRIVMSG #lobby :after the kick$")
        vic.send("/rooms")
        vic.expect(r"^\*\*\* You are in 1 room: #lobby \(current\)$")
        boss.privmsg("#lobby", "lobby line")
        vic.expect(r"^%s <alice> lobby line$".replace("alice", "boss") % T)
        self.assertFalse(any("vic was kicked" in l for l in vic.received), vic.received)
        self.assertHumanOnly(vic, other)

    def test_kicked_from_only_room_or_other_room(self):
        boss = self.irc("boss")
        boss.join("#lobby")
        boss.join("#side")
        vic = self.plain("vic")
        vic.send("/join #side")
        vic.expect(r"You are now in #side")
        vic.send("/join #lobby")
        vic.expect(r"You are now in #lobby\.")
        boss.send("KICK #side vic")
        vic.expect(r"^%s -!- you were kicked from #side by boss \(boss\); you are still in "
                   r"#lobby$" % T)
        boss.send("KICK #lobby vic :out")
        vic.expect(r"^%s -!- you were kicked from #lobby by boss \(out\); you are in no room "
                   r"now; type /join #room$" % T)
        vic.say("hello?")
        vic.expect(r"^\*\*\* You are not in a room, so that was not sent\. ")
        self.assertHumanOnly(vic)

    def test_plain_kick_has_irc_rights(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        carol = self.plain("carol")
        bob.send("/join #bobroom")  # first member: operator
        bob.expect(r"You are now in #bobroom\. ")
        carol.send("/join bobroom")
        carol.expect(r"You are now in #bobroom with 1 other: bob$")
        alice.join("#bobroom")
        bob.send("/kick carol bye now")
        carol.expect(r"^%s -!- you were kicked from #bobroom by bob \(bye now\); you are now "
                     r"in #lobby$" % T)
        bob.expect(r"^%s -!- carol was kicked from #bobroom by bob \(bye now\)$" % T)
        alice.expect(r"^:bob!\S+ KICK #bobroom carol :bye now$")
        bob.send("/kick nobody")
        bob.expect(r"^\*\*\* nobody is not in #bobroom\.$", strict=True)
        # carol is no operator of #lobby (alice is)
        carol.send("/kick bob")
        carol.expect(r"^\*\*\* Only the operators of #lobby can do that\.$", strict=True)
        carol.send("/kick")
        carol.expect(r"^\*\*\* Usage: /kick NICK \[REASON\]$", strict=True)
        self.assertHumanOnly(bob, carol)

    def test_topic_rights(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        bob.send("/topic")
        bob.expect(r"^\*\*\* #lobby has no topic\. Set one with /topic TEXT\.$", strict=True)
        bob.send("/topic mine now")
        bob.expect(r"^\*\*\* Only the operators of #lobby can do that\.$", strict=True)
        alice.send("TOPIC #lobby :set by alice")
        bob.expect(r"^%s -!- alice changed the topic of #lobby to: set by alice$" % T)
        bob.send("/topic")
        bob.expect(r"^\*\*\* Topic of #lobby: set by alice \(set by alice\)$", strict=True)
        bob.send("/join #bobs")
        bob.expect(r"You are now in #bobs")
        bob.send("/topic my room")
        bob.expect(r"^%s -!- bob changed the topic of #bobs to: my room$" % T)
        self.assertHumanOnly(bob)

    # ---- concurrency: the current room changes while messages and kicks fly

    def test_switching_rooms_while_messages_and_kicks_flow(self):
        n = scaled(200, 20)
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        carol = self.irc("carol")
        carol.join("#k")
        bob = self.plain("bob")
        dave = self.plain("dave")
        for room in ("#a", "#b"):
            bob.send("/join " + room)
            bob.expect(r"You are now in %s with" % room)

        def talk():
            for i in range(n):
                alice.privmsg("#a" if i % 2 == 0 else "#b", "m%d" % i)

        def switch():
            for i in range(n):
                bob.send("/join " + ("a" if i % 2 else "b"))

        def kicks():
            for i in range(n // 4):
                dave.send("/join k")
                dave.expect(r"^\*\*\* You are now in #k with 1 other: carol$")
                carol.expect(r"^:dave!\S+ JOIN :?#k$")
                carol.send("KICK #k dave :round %d" % i)
                dave.expect(r"^%s -!- you were kicked from #k by carol \(round %d\); you are "
                            r"now in #lobby$" % (T, i))

        run_threads([talk, switch, kicks])
        alice.sync()  # all of alice's messages are on bob's queue now
        bob.send("/rooms")
        lines = bob.collect_until(r"^\*\*\* You are in 3 rooms: ")
        got = []
        for line in lines:
            m = re.match(r"^%s (\[(#a|#b)\] )?<alice> (m\d+)$" % T, line)
            if m:
                got.append(m.group(3))
        # every message once, in the order sent (one sender), whatever room was current
        self.assertEqual(got, ["m%d" % i for i in range(n)])
        self.assertHumanOnly(bob, dave)


if __name__ == "__main__":
    main()
