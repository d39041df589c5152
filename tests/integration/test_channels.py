#!/usr/bin/env python3
"""Channels: JOIN/PART/QUIT/NICK notices, ops, TOPIC, NAMES, LIST, WHO,
WHOIS, MODE, KICK, INVITE, AWAY, USERHOST, ISON, VERSION, TIME."""

import re

from harness import ServerTestCase, main, name_rx, strip_tags


def names_of(lines, channel):
    """Nicks (with prefixes) from the 353 lines for channel."""
    out = []
    for line in lines:
        m = re.match(r"^:\S+ 353 \S+ [=*@] %s :?(.*)$" % name_rx(channel), strip_tags(line))
        if m:
            out.extend(m.group(1).split())
    return out


def channel_modes(client, channel):
    """The channel's mode letters from a 324 reply."""
    client.send("MODE " + channel)
    m = client.expect(r"^:\S+ 324 %s %s :?\+?(\S*)" % (re.escape(client.nick), name_rx(channel)))
    client.expect(r"^:\S+ 329 %s " % re.escape(client.nick))
    return m.group(1)


def ensure_mode(client, channel, letter, on):
    """Sets or clears a parameterless channel mode whatever the default is,
    checking the MODE echo when it changes anything."""
    have = letter in channel_modes(client, channel)
    if have != on:
        client.send("MODE %s %s%s" % (channel, "+" if on else "-", letter))
        client.expect(r"^%s MODE %s :?%s%s$" % (client.prefix_rx, re.escape(channel),
                                                "\\+" if on else "-", letter))


class Channels(ServerTestCase):

    def test_join_echo_names_and_first_op(self):
        alice = self.irc("alice")
        lines = alice.join("#room")
        self.assertRegex(lines[0], r"^:alice!alice@127\.0\.0\.1 JOIN :?#room$")
        self.assertEqual(names_of(lines, "#room"), ["@alice"])
        self.assertFalse(any(re.match(r"^:\S+ 33[12] ", l) for l in lines),
                         "no topic yet, yet 331/332 was sent on JOIN")
        self.assertRegex(lines[-1], r"^:parley 366 alice #room :")
        bob = self.irc("bob")
        lines = bob.join("#room")
        self.assertRegex(lines[0], r"^:bob!bob@127\.0\.0\.1 JOIN :?#room$")
        self.assertEqual(sorted(names_of(lines, "#room")), ["@alice", "bob"])
        alice.expect(r"^:bob!bob@127\.0\.0\.1 JOIN :?#room$")
        # JOIN of a channel one is in already: nothing happens, no error
        bob.send("JOIN #room")
        extra = bob.sync()
        self.assertFalse(any(" JOIN " in l for l in extra), extra)

    def test_join_several_with_keys(self):
        alice = self.irc("alice")
        alice.join("#k1")
        alice.send("MODE #k1 +k key1")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 MODE #k1 \+k key1$")
        bob = self.irc("bob")
        bob.send("JOIN #k1,#open key1")
        bob.expect(r"^:bob!\S+ JOIN :?#k1$")
        bob.expect(r"^:parley 366 bob #k1 ")
        bob.expect(r"^:bob!\S+ JOIN :?#open$")
        lines = bob.collect_until(r"^:parley 366 bob #open ")
        self.assertIn("@bob", names_of(lines, "#open"))

    def test_channel_names_case_insensitive(self):
        alice = self.irc("alice")
        alice.join("#Room[1]")
        bob = self.irc("bob")
        lines = bob.join("#room{1}")
        self.assertEqual(sorted(names_of(lines, "#room{1}")), ["@alice", "bob"])
        alice.expect(r"^:bob!\S+ JOIN ")

    def test_part_with_reason_and_errors(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.expect(r" JOIN :?#room$")
        bob.send("PART #room :see you later")
        bob.expect(r"^:bob!bob@127\.0\.0\.1 PART #room :see you later$")
        alice.expect(r"^:bob!bob@127\.0\.0\.1 PART #room :see you later$")
        bob.send("PART #room")
        bob.expect(r"^:parley 442 bob #room ")
        bob.send("PART #nosuchchannel")
        bob.expect(r"^:parley 403 bob #nosuchchannel ")
        # part without reason
        alice.send("PART #room")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 PART #room( :.*)?$")
        # channel is gone once empty
        alice.send("NAMES #room")
        lines = alice.collect_until(r"^:parley 366 alice #room ")
        self.assertEqual(names_of(lines, "#room"), [])

    def test_quit_notice_to_channel_members_once(self):
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        bob = self.irc("bob")
        bob.join("#a")
        bob.join("#b")
        carol = self.irc("carol")  # shares no channel with bob
        carol.join("#c")
        bob.send("QUIT :gone fishing")
        alice.expect(r"^:bob!bob@127\.0\.0\.1 QUIT :Quit: gone fishing$")
        bob.expect(r"^ERROR :")
        bob.expect_closed()
        lines = alice.sync()
        self.assertFalse(any(" QUIT " in l for l in lines), "QUIT delivered twice: %r" % lines)
        self.assertFalse(any(" QUIT " in l for l in carol.sync()),
                         "QUIT sent to a user sharing no channel")

    def test_nick_change_seen_by_members_and_self(self):
        alice = self.irc("alice")
        alice.join("#a")
        alice.join("#b")
        bob = self.irc("bob")
        bob.join("#a")
        bob.join("#b")
        carol = self.irc("carol")
        bob.send("NICK robert")
        bob.expect(r"^:bob!bob@127\.0\.0\.1 NICK :?robert$")
        alice.expect(r"^:bob!bob@127\.0\.0\.1 NICK :?robert$")
        self.assertFalse(any(" NICK " in l for l in alice.sync()), "NICK seen twice")
        self.assertFalse(any(" NICK " in l for l in carol.sync()), "NICK sent to a stranger")
        # the new nick is in the channel, the old one is free
        alice.send("NAMES #a")
        lines = alice.collect_until(r"^:parley 366 alice #a ")
        self.assertEqual(sorted(names_of(lines, "#a")), ["@alice", "robert"])
        self.irc("bob").sync()

    def test_topic(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("TOPIC #room")
        alice.expect(r"^:parley 331 alice #room :")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("TOPIC #room :Hello world: the topic")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 TOPIC #room :Hello world: the topic$")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 TOPIC #room :Hello world: the topic$")
        bob.send("TOPIC #room")
        bob.expect(r"^:parley 332 bob #room :Hello world: the topic$")
        bob.expect(r"^:parley 333 bob #room alice(!\S+)? \d+$")
        # new joiner: JOIN, 332, 333, 353, 366 in that order
        carol = self.irc("carol")
        lines = carol.join("#room")
        kinds = [re.match(r"^:\S+ (\S+)", l).group(1) for l in lines]
        self.assertEqual(kinds[0], "JOIN")
        self.assertLess(kinds.index("332"), kinds.index("353"), kinds)
        self.assertIn(":parley 332 carol #room :Hello world: the topic", lines)
        # clearing the topic
        alice.send("TOPIC #room :")
        alice.expect(r"^:alice!\S+ TOPIC #room :?$")
        alice.send("TOPIC #room")
        alice.expect(r"^:parley 331 alice #room ")
        # errors
        dave = self.irc("dave")
        dave.send("TOPIC #room :outsider")
        dave.expect(r"^:parley 442 dave #room ")
        dave.send("TOPIC #nochan")
        dave.expect(r"^:parley 403 dave #nochan ")
        dave.send("TOPIC")
        dave.expect(r"^:parley 461 dave TOPIC ")

    def test_topic_protection_t(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        ensure_mode(alice, "#room", "t", True)
        bob.send("TOPIC #room :mine")
        bob.expect(r"^:parley 482 bob #room ")
        alice.send("MODE #room -t")
        alice.expect(r"^:alice!\S+ MODE #room -t$")
        bob.send("TOPIC #room :mine now")
        alice.expect(r"^:bob!\S+ TOPIC #room :mine now$")

    def test_names_list(self):
        alice = self.irc("alice")
        alice.join("#one")
        alice.send("TOPIC #one :first topic")
        bob = self.irc("bob")
        bob.join("#one")
        bob.join("#two")
        alice.send("NAMES #one")
        lines = alice.collect_until(r"^:parley 366 alice #one :")
        self.assertEqual(sorted(names_of(lines, "#one")), ["@alice", "bob"])
        alice.send("LIST")
        lines = alice.collect_until(r"^:parley 323 alice :")
        self.assertRegex(lines[0], r"^:parley 321 alice ")
        entries = {}
        for l in lines:
            m = re.match(r"^:parley 322 alice (\S+) (\d+) :(.*)$", l)
            if m:
                entries[m.group(1)] = (int(m.group(2)), m.group(3))
        self.assertEqual(entries["#one"][0], 2)
        self.assertIn("first topic", entries["#one"][1])
        self.assertEqual(entries["#two"][0], 1)
        alice.send("LIST #two")
        lines = alice.collect_until(r"^:parley 323 alice ")
        self.assertEqual([l.split()[3] for l in lines if " 322 " in l], ["#two"])

    def test_who(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("WHO #room")
        lines = alice.collect_until(r"^:parley 315 alice #room :")
        who = [l for l in lines if " 352 " in l]
        self.assertEqual(len(who), 2, lines)
        self.assertTrue(any(re.match(
            r"^:parley 352 alice #room alice 127\.0\.0\.1 parley alice H@ :0 Real alice$", l)
            for l in who), who)
        self.assertTrue(any(re.match(
            r"^:parley 352 alice #room bob 127\.0\.0\.1 parley bob H :0 Real bob$", l)
            for l in who), who)
        bob.send("AWAY :busy")
        bob.expect(r"^:parley 306 bob ")
        alice.send("WHO #room")
        lines = alice.collect_until(r"^:parley 315 alice #room :")
        self.assertTrue(any(re.match(r"^:parley 352 alice #room bob \S+ \S+ bob G ", l)
                            for l in lines), lines)

    def test_whois(self):
        alice = self.irc("alice")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("WHOIS bob")
        lines = alice.collect_until(r"^:parley 318 alice bob :")
        text = "\n".join(lines)
        self.assertRegex(text, r"(?m)^:parley 311 alice bob bob 127\.0\.0\.1 \* :Real bob$")
        self.assertRegex(text, r"(?m)^:parley 319 alice bob :?@?#room\s*$")
        self.assertRegex(text, r"(?m)^:parley 312 alice bob parley :")
        alice.send("WHOIS BOB")
        alice.expect(r"^:parley 311 alice bob ")
        alice.send("WHOIS nobody")
        alice.expect(r"^:parley 401 alice nobody :")
        alice.send("WHOIS")
        alice.expect(r"^:parley (431|461) alice ")

    def test_channel_mode_query(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("MODE #room")
        alice.expect(r"^:parley 324 alice #room :?\+\S*")
        alice.expect(r"^:parley 329 alice #room :?\d+$")
        ensure_mode(alice, "#room", "n", True)
        ensure_mode(alice, "#room", "t", False)
        modes = channel_modes(alice, "#room")
        self.assertIn("n", modes)
        self.assertNotIn("t", modes)
        ensure_mode(alice, "#room", "t", True)
        ensure_mode(alice, "#room", "n", False)
        modes = channel_modes(alice, "#room")
        self.assertIn("t", modes)
        self.assertNotIn("n", modes)
        alice.send("MODE #nochan")
        alice.expect(r"^:parley 403 alice #nochan ")

    def test_key_mode(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("MODE #room +k sesame")
        alice.expect(r"^:alice!alice@127\.0\.0\.1 MODE #room \+k sesame$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 475 carol #room :")
        carol.send("JOIN #room wrong")
        carol.expect(r"^:parley 475 carol #room :")
        carol.join("#room", key="sesame")
        alice.expect(r"^:carol!\S+ JOIN :?#room$")
        alice.send("MODE #room -k sesame")
        alice.expect(r"^:alice!\S+ MODE #room -k")
        dave = self.irc("dave")
        dave.join("#room")

    def test_limit_mode(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("MODE #room +l 2")
        alice.expect(r"^:alice!\S+ MODE #room \+l 2$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 471 carol #room :")
        bob.send("PART #room")
        alice.expect(r"^:bob!\S+ PART #room")
        carol.join("#room")
        alice.send("MODE #room -l")
        alice.expect(r"^:alice!\S+ MODE #room -l$")
        bob.join("#room")

    def test_invite_only_and_invite(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("MODE #room +i")
        alice.expect(r"^:alice!\S+ MODE #room \+i$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 473 carol #room :")
        alice.send("INVITE carol #room")
        alice.expect(r"^:parley 341 alice carol #room$")
        carol.expect(r"^:alice!alice@127\.0\.0\.1 INVITE carol :?#room$")
        carol.join("#room")
        alice.expect(r"^:carol!\S+ JOIN :?#room$")
        # non-op cannot invite into +i; inviting a member is 443; unknown nick 401
        dave = self.irc("dave")
        carol.send("INVITE dave #room")
        carol.expect(r"^:parley 482 carol #room ")
        alice.send("INVITE carol #room")
        alice.expect(r"^:parley 443 alice carol #room ")
        alice.send("INVITE nobody #room")
        alice.expect(r"^:parley 401 alice nobody ")
        dave.send("INVITE alice #room")
        dave.expect(r"^:parley 442 dave #room ")

    def test_ban_mode(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("MODE #room +b carol!*@*")
        alice.expect(r"^:alice!\S+ MODE #room \+b carol!\*@\*$")
        bob.expect(r"^:alice!\S+ MODE #room \+b carol!\*@\*$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 474 carol #room :")
        alice.send("MODE #room +b")
        lines = alice.collect_until(r"^:parley 368 alice #room :")
        self.assertTrue(any(re.match(r"^:parley 367 alice #room carol!\*@\* ", l) for l in lines),
                        lines)
        # a banned member cannot speak
        alice.send("MODE #room +b BOB!*@*")
        alice.expect(r"^:alice!\S+ MODE #room \+b BOB!\*@\*$")
        bob.send("PRIVMSG #room :can you hear me")
        bob.expect(r"^:parley 404 bob #room :")
        lines = alice.sync()
        self.assertFalse(any("can you hear me" in l for l in lines))
        alice.send("MODE #room -b carol!*@*")
        alice.expect(r"^:alice!\S+ MODE #room -b carol!\*@\*$")
        carol.join("#room")

    def test_op_and_voice(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.join("#room")
        alice.send("MODE #room +o bob")
        for c in (alice, bob, carol):
            c.expect(r"^:alice!alice@127\.0\.0\.1 MODE #room \+o bob$")
        alice.send("MODE #room +v carol")
        for c in (alice, bob, carol):
            c.expect(r"^:alice!alice@127\.0\.0\.1 MODE #room \+v carol$")
        alice.send("NAMES #room")
        lines = alice.collect_until(r"^:parley 366 alice #room ")
        self.assertEqual(sorted(names_of(lines, "#room")), ["+carol", "@alice", "@bob"])
        # the new op can op others; the voiced user cannot
        bob.send("MODE #room -o alice")
        carol.expect(r"^:bob!\S+ MODE #room -o alice$")
        alice.send("MODE #room +k x")
        alice.expect(r"^:parley 482 alice #room ")
        carol.send("MODE #room +o carol")
        carol.expect(r"^:parley 482 carol #room ")
        bob.send("MODE #room +o nobody")
        bob.expect(r"^:parley (401|441) bob ")

    def test_no_external_messages(self):
        alice = self.irc("alice")
        alice.join("#room")
        ensure_mode(alice, "#room", "n", True)
        dave = self.irc("dave")
        dave.send("PRIVMSG #room :from outside")
        dave.expect(r"^:parley 404 dave #room :")
        alice.send("MODE #room -n")
        alice.expect(r"^:alice!\S+ MODE #room -n$")
        self.assertFalse(any("from outside" in l for l in alice.received))
        dave.send("PRIVMSG #room :outside ok")
        alice.expect(r"^:dave!dave@127\.0\.0\.1 PRIVMSG #room :outside ok$")

    def test_user_mode_invisible(self):
        alice = self.irc("alice")
        alice.send("MODE alice +i")
        alice.expect(r"^:alice(!\S+)? MODE alice :?\+i$")
        alice.send("MODE alice")
        alice.expect(r"^:parley 221 alice \+\S*i")
        bob = self.irc("bob")
        alice.send("MODE bob +i")
        alice.expect(r"^:parley 502 alice ")
        bob.sync()

    def test_kick(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.join("#room")
        bob.send("KICK #room carol :no")
        bob.expect(r"^:parley 482 bob #room ")
        alice.send("KICK #room bob :behave")
        for c in (alice, bob, carol):
            c.expect(r"^:alice!alice@127\.0\.0\.1 KICK #room bob :?behave$")
        alice.send("NAMES #room")
        lines = alice.collect_until(r"^:parley 366 alice #room ")
        self.assertEqual(sorted(names_of(lines, "#room")), ["@alice", "carol"])
        alice.send("PRIVMSG #room :after kick")
        carol.expect(r"PRIVMSG #room :after kick$")
        self.assertFalse(any("after kick" in l for l in bob.sync()),
                         "kicked user still receives channel messages")
        alice.send("KICK #room bob")
        alice.expect(r"^:parley 441 alice bob #room ")
        alice.send("KICK #room nobody")
        alice.expect(r"^:parley (401|441) alice nobody ")
        alice.send("KICK #nochan bob")
        alice.expect(r"^:parley 403 alice #nochan ")
        bob.send("KICK #room carol")
        bob.expect(r"^:parley 442 bob #room ")

    def test_away(self):
        alice = self.irc("alice")
        bob = self.irc("bob")
        bob.send("AWAY :out to lunch")
        bob.expect(r"^:parley 306 bob :")
        alice.send("PRIVMSG bob :are you there")
        alice.expect(r"^:parley 301 alice bob :out to lunch$")
        bob.expect(r"^:alice!alice@127\.0\.0\.1 PRIVMSG bob :are you there$")
        alice.send("WHOIS bob")
        lines = alice.collect_until(r"^:parley 318 alice bob ")
        self.assertIn(":parley 301 alice bob :out to lunch", lines)
        bob.send("AWAY")
        bob.expect(r"^:parley 305 bob :")
        alice.send("PRIVMSG bob :back?")
        lines = alice.sync()
        self.assertFalse(any(" 301 " in l for l in lines), "301 after AWAY was cleared")

    def test_userhost_ison(self):
        alice = self.irc("alice")
        self.irc("bob")
        carol = self.irc("carol")
        carol.send("AWAY :gone")
        carol.expect(r" 306 ")
        alice.send("USERHOST bob carol nobody")
        m = alice.expect(r"^:parley 302 alice :(.*)$")
        self.assertEqual(sorted(m.group(1).split()),
                         ["bob=+bob@127.0.0.1", "carol=-carol@127.0.0.1"])
        alice.send("ISON bob nobody CAROL alice")
        m = alice.expect(r"^:parley 303 alice :(.*)$")
        self.assertEqual(sorted(n.lower() for n in m.group(1).split()),
                         ["alice", "bob", "carol"])
        alice.send("USERHOST")
        alice.expect(r"^:parley 461 alice USERHOST ")

    def test_version_time(self):
        alice = self.irc("alice")
        alice.send("VERSION")
        alice.expect(r"^:parley 351 alice \S+ parley :?")
        alice.send("TIME")
        alice.expect(r"^:parley 391 alice parley :\S")

    def test_invalid_channel_names(self):
        alice = self.irc("alice")
        for bad in ("room", "&room", "#", "#" + "x" * 60, "#a:b"):
            alice.send("JOIN " + bad)
            alice.expect(r"^:parley (403|479|476) alice %s :" % re.escape(bad))
        # a control byte: refused like any line with one (or as a bad name)
        alice.send("JOIN #bad\x07bell")
        alice.expect(r"^:parley ((403|479|476) alice |NOTICE alice :.*control)")
        alice.send("JOIN #ok,nohash")
        alice.expect(r"^:alice!\S+ JOIN :?#ok$")
        alice.expect(r"^:parley (403|479|476) alice nohash ")
        alice.sync()
        # a 50-byte name is valid
        alice.join("#" + "y" * 49)

    def test_not_on_channel_442(self):
        alice = self.irc("alice")
        alice.join("#room")
        bob = self.irc("bob")
        bob.send("PART #room")
        bob.expect(r"^:parley 442 bob #room ")
        bob.send("MODE #room +t")
        bob.expect(r"^:parley (442|482) bob #room ")


if __name__ == "__main__":
    main()
