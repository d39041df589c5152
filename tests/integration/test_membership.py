#!/usr/bin/env python3
"""Membership under load (concurrency, issue 8 server item 9): while
residents chat in two rooms, other clients keep joining, changing nick,
talking and leaving. Every resident must see every message once, and every
resident of a room must see that room's messages, JOINs, PARTs and NICKs
in one and the same order; a NICK reaches each resident once, even one who
shares both rooms with the renamed user. No timing is asserted."""

import re

from harness import ServerTestCase, main, run_threads, scaled, strip_tags

ROOMS = ("#big", "#side")
LINE = re.compile(r"^:([^!\s]+)!\S+ (PRIVMSG|JOIN|PART|NICK|QUIT) :?(\S+)(?: :?(.*))?$")


def events(lines):
    """(source, command, target, text) of every relevant line, in order."""
    out = []
    for line in lines:
        m = LINE.match(strip_tags(line))
        if m:
            out.append(m.groups())
    return out


def room_view(evs, room, churners_in_room):
    """The events a room's order decides: its messages, JOINs and PARTs, and
    the NICKs of the users who are in it (tracked along the way)."""
    view = []
    present = set(churners_in_room)
    for source, command, target, text in evs:
        if command in ("PRIVMSG", "JOIN", "PART") and target == room:
            view.append((source, command, text))
            if command == "JOIN":
                present.add(source)
            elif command == "PART":
                present.discard(source)
        elif command == "NICK" and source in present:
            view.append((source, command, target))
            present.discard(source)
            present.add(target)
    return view


class Membership(ServerTestCase):

    def test_churn_in_a_big_room_keeps_one_order(self):
        n_res = 6
        n_msgs = scaled(150, minimum=30)
        n_churn = 6
        n_rounds = scaled(20, minimum=6)
        # residents: some in both rooms, some in one only (a NICK must be
        # placed at one point of each room, not per recipient)
        residents = [self.irc("r%d" % i, caps=["echo-message"]) for i in range(n_res)]
        member_of = {}
        for i, r in enumerate(residents):
            rooms = ROOMS if i % 3 == 0 else (ROOMS[i % 3 - 1],)
            member_of[r.nick] = rooms
            for room in rooms:
                r.join(room)
        for r in residents:
            r.sync()
        churners = [self.irc("c%d" % i) for i in range(n_churn)]
        marks = {}
        for r in residents:
            r.sync()
            r.drain()
            marks[r.nick] = r.mark()

        def resident(r):
            def run():
                for i in range(n_msgs):
                    for room in member_of[r.nick]:
                        r.privmsg(room, "%s %s %d" % (r.nick, room, i))
                    if i % 10 == 9:
                        r.sync()  # spread the talk over the churn
            return run

        def churner(k, c):
            def run():
                nick = c.nick
                for n in range(n_rounds):
                    c.join("#big")
                    if n % 2 == 0:
                        c.join("#side")
                    new = "c%dn%d" % (k, n)
                    c.send("NICK " + new)
                    c.expect(r"^:%s!\S+ NICK :?%s$" % (re.escape(nick), new))
                    nick = c.nick = new
                    c.privmsg("#big", "%s says %d" % (nick, n))
                    c.send("PART #big")
                    c.expect(r"^:%s!\S+ PART #big" % re.escape(nick))
                    if n % 2 == 0:
                        c.send("PART #side")
                        c.expect(r"^:%s!\S+ PART #side" % re.escape(nick))
                    c.drain()
            return run

        run_threads([resident(r) for r in residents] +
                    [churner(k, c) for k, c in enumerate(churners)], timeout=240)
        for r in residents:
            r.sync(timeout=60)
        for c in churners:
            c.sync(timeout=60)
        # every resident now has everything; check it
        views = {room: [] for room in ROOMS}
        for r in residents:
            r.sync()
            evs = events(r.received[marks[r.nick]:])
            for room in ROOMS:
                sent = ["%s %s %d" % (o.nick, room, i) for o in residents
                        if room in member_of[o.nick] for i in range(n_msgs)]
                got = [text for src, cmd, tgt, text in evs
                       if cmd == "PRIVMSG" and tgt == room and src.startswith("r")]
                if room in member_of[r.nick]:
                    self.assertEqual(sorted(got), sorted(sent),
                                     "%s: %s messages lost or duplicated" % (r.nick, room))
                    views[room].append((r.nick, room_view(evs, room, ())))
                else:
                    self.assertEqual(got, [], "%s got %s's messages" % (r.nick, room))
            nicks = [(s, t) for s, cmd, t, _ in evs if cmd == "NICK"]
            self.assertEqual(len(nicks), len(set(nicks)),
                             "%s got a NICK more than once" % r.nick)
            in_big = "#big" in member_of[r.nick]
            big_churn = sum(1 for s, cmd, t, _ in evs
                            if cmd == "JOIN" and t == "#big" and s.startswith("c"))
            self.assertEqual(big_churn, n_churn * n_rounds if in_big else 0,
                             "%s: churners' JOINs of #big lost" % r.nick)
            # churners are in #big at every rename, in #side every other one
            want = n_churn * (n_rounds if in_big else (n_rounds + 1) // 2)
            self.assertEqual(len(nicks), want, "%s: NICK lines lost" % r.nick)
        for room, seen in views.items():
            first_nick, first = seen[0]
            for nick, view in seen[1:]:
                if view != first:
                    i = next((k for k in range(min(len(view), len(first)))
                              if view[k] != first[k]), min(len(view), len(first)))
                    self.fail("%s and %s saw %s in different orders; first difference "
                              "at #%d: %r vs %r" % (first_nick, nick, room, i,
                                                    first[i:i + 3], view[i:i + 3]))


if __name__ == "__main__":
    main()
