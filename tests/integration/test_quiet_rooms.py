#!/usr/bin/env python3
"""Quiet rooms (--announce-max): a room with more members than the limit tells
joins, parts and quits only to its operators and to the person concerned, so
N people arriving cost N lines rather than N²/2 (issue 8, the join storm).
Everyone is told when the room becomes quiet and when it stops; messages,
KICK, NICK and NAMES still reach and list everyone."""

import re

from harness import ServerTestCase, main, strip_tags

ROOM = "#big"


def arrivals(lines, nick):
    """JOIN, PART and QUIT lines about nick among lines."""
    rx = re.compile(r"^:%s!\S+ (JOIN|PART|QUIT)\b" % re.escape(nick))
    return [l for l in lines if rx.match(strip_tags(l))]


class QuietRooms(ServerTestCase):
    # quiet above 10 members; loud again at 9 (nine tenths)
    server_args = ("--announce-max", "10", "--default-room", ROOM)

    def fill(self, n, prefix="m"):
        """n more members of ROOM, each registered and joined."""
        out = []
        for i in range(n):
            c = self.irc("%s%d" % (prefix, i))
            c.join(ROOM)
            out.append(c)
        return out

    def test_big_room_goes_quiet_and_loud_again(self):
        op = self.irc("boss")
        op.join(ROOM)
        bob = self.irc("bob")
        bob.join(ROOM)
        others = self.fill(8)  # 10 members: still announced
        bob.expect(r"^:m7!\S+ JOIN :?#big$")
        eleventh = self.irc("eleventh")
        quiet_rx = r"^:parley NOTICE #big :#big has more than 10 members: joins, parts " \
                   r"and quits are no longer shown"
        self.assertTrue([l for l in eleventh.join(ROOM) if re.search(quiet_rx, l)])
        # the 11th arrival is announced (the room was not yet quiet), then
        # everyone, the newcomer included, is told the room is quiet now
        bob.expect(r"^:eleventh!\S+ JOIN :?#big$")
        for c in (op, bob):
            c.expect(quiet_rx)
        since = bob.mark()
        # a twelfth arrival: told to the operator and to itself only
        late = self.irc("late")
        self.assertTrue([l for l in late.join(ROOM) if re.search(quiet_rx, l)])
        op.expect(r"^:late!\S+ JOIN :?#big$")
        late.privmsg(ROOM, "hello from late")
        bob.expect(r"^:late!\S+ PRIVMSG #big :hello from late$")
        # NAMES lists everyone, announced or not
        bob.send("NAMES " + ROOM)
        names = " ".join(strip_tags(l) for l in bob.collect_until(r"^:\S+ 366 "))
        self.assertIn("late", names.split())
        # its part and an ordinary member's quit: to the op, not to bob
        late.send("PART %s :gone" % ROOM)
        late.expect(r"^:late!\S+ PART #big")
        op.expect(r"^:late!\S+ PART #big")
        others[0].quit()  # 11 -> 10: still quiet (loud again at 9)
        op.expect(r"^:m0!\S+ QUIT")
        bob.sync()
        seen = bob.received[since:]
        self.assertEqual(arrivals(seen, "late") + arrivals(seen, "m0"), [], seen)
        # a kick is told to everyone, quiet or not
        op.send("KICK %s m1 :out" % ROOM)
        bob.expect(r"^:boss!\S+ KICK #big m1 :out$")
        # now 9 members: the room is loud again and says so
        for c in (op, bob):
            c.expect(r"^:parley NOTICE #big :#big has 9 members: joins, parts and quits "
                     r"are shown again")
        back = self.irc("back")
        back.join(ROOM)
        bob.expect(r"^:back!\S+ JOIN :?#big$")

    def test_plain_user_in_a_quiet_room(self):
        op = self.irc("boss")
        op.join(ROOM)
        self.fill(10)  # 11 members: quiet
        op.expect(r"^:parley NOTICE #big :#big has more than 10 members")
        carol = self.plain("carol", room=ROOM)
        carol.expect(r"#big has more than 10 members: joins, parts and quits are no "
                     r"longer shown")
        op.expect(r"^:carol!\S+ JOIN :?#big$")
        dave = self.irc("dave")
        dave.join(ROOM)
        dave.privmsg(ROOM, "hi carol")
        lines = carol.collect_until(r"<dave> hi carol$")
        self.assertFalse([l for l in lines if "dave" in l and "join" in l.lower()], lines)


class NeverQuiet(ServerTestCase):
    server_args = ("--announce-max", "0")

    def test_zero_means_every_join_is_told(self):
        alice = self.irc("alice")
        alice.join("#r")
        for i in range(12):
            self.irc("n%d" % i).join("#r")
        lines = alice.sync()
        self.assertEqual(len([l for l in lines if " JOIN " in strip_tags(l)]), 12, lines)
        self.assertFalse([l for l in lines if " NOTICE " in l], lines)


if __name__ == "__main__":
    main()
