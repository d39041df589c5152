#!/usr/bin/env python3
"""Big replies never trip SendQ: LIST over thousands of rooms with long topics,
WHO and NAMES of a big room and the history replay on JOIN are streamed as the
asker reads, so the asker gets all of it (ending in 323/315/366) and stays
connected, even with a SendQ far smaller than the reply; a client that does
not read what others send is still disconnected for SendQ."""

import re
import socket
import time

from harness import IrcClient, ServerTestCase, main, scaled

TOPIC = "t" * 300
ROOMS_PER_CLIENT = 50   # the per-user channel limit (CHANLIMIT)


def long_nick(i):
    return "member%s%04d" % ("x" * 20, i)   # 30 characters, NICKLEN


class BigReplies(ServerTestCase):
    # 4 KiB: far below every reply below, far above any single line.
    # Many clients on 127.0.0.1: no per-address limit.
    server_args = ("--sendq", "4k", "--history", "100", "--max-per-ip", "0")
    start_server = False

    def setUp(self):
        super().setUp()
        # LIST's makers set 3,000 topics, each echoed to them: 64 KiB keeps
        # them (who read) connected and is still 1/16 of the LIST reply.
        args = ("--sendq", "64k", "--max-per-ip", "0") if "list_of" in self._testMethodName else self.server_args
        self.server = self.make_server(args)

    def members(self, room, count):
        """count registered clients with 30-character nicks and long real
        names, all in room; returns them."""
        out = []
        for i in range(count):
            c = self.irc(long_nick(i), register=False)
            c.register(realname="r" * 100)
            c.send("JOIN %s" % room)
            out.append(c)
        for c in out:
            c.expect(r"^:\S+ 366 %s %s " % (c.nick, re.escape(room)), timeout=60)
        return out

    def make_rooms(self, rooms):
        """Rooms #r0000.. with long topics, ROOMS_PER_CLIENT made by each of a few
        clients; returns (client, its room names) pairs once all are made."""
        makers = []
        for k in range(0, rooms, ROOMS_PER_CLIENT):
            names = ["#r%04d" % i for i in range(k, min(rooms, k + ROOMS_PER_CLIENT))]
            c = self.irc("maker%d" % (k // ROOMS_PER_CLIENT))
            c.send("JOIN " + ",".join(names))
            for n in names:
                c.send("TOPIC %s :%s %s" % (n, n, TOPIC))
            makers.append((c, names))
        for c, _ in makers:
            c.sync(timeout=120)
            c.drain()
        return makers

    def assert_still_connected(self, c):
        c.sync(timeout=60)
        self.assertFalse(c.is_closed(), "%s was disconnected" % c.nick)
        self.assertFalse(any("SendQ" in l for l in c.received),
                         "%s: SendQ exceeded for its own reply" % c.nick)

    def test_list_of_thousands_of_rooms_with_long_topics(self):
        rooms = scaled(3000, minimum=200)
        self.make_rooms(rooms)
        asker = self.irc("asker")
        asker.send("LIST")
        lines = asker.collect_until(r"^:parley 323 asker :", timeout=120)
        got = [l for l in lines if " 322 asker " in l]
        self.assertEqual(len(got), rooms, "LIST gave %d of %d rooms: %r" % (len(got), rooms, lines[:3] + lines[-3:]))
        names = set(re.match(r"^:parley 322 asker (\S+) ", l).group(1) for l in got)
        self.assertEqual(names, set("#r%04d" % i for i in range(rooms)))
        self.assertTrue(all(TOPIC in l for l in got), "topics missing from LIST")
        self.assertTrue(lines[0].startswith(":parley 321 asker "), lines[0])
        self.assert_still_connected(asker)
        # a LIST with a mask walks the same way and ends the same way
        asker.send("LIST #r001*")
        lines = asker.collect_until(r"^:parley 323 asker :", timeout=60)
        got = [l for l in lines if " 322 asker " in l]
        want = [n for n in ("#r%04d" % i for i in range(rooms)) if n.startswith("#r001")]
        self.assertEqual(sorted(re.match(r"^:parley 322 asker (\S+) ", l).group(1) for l in got),
                         want)

    def test_who_and_names_of_a_big_room(self):
        count = max(150, scaled(300))
        self.members("#big", count)
        asker = self.irc("asker")
        asker.send("WHO #big")
        lines = asker.collect_until(r"^:parley 315 asker #big :", timeout=60)
        who = [l for l in lines if " 352 asker #big " in l]
        self.assertEqual(len(who), count, "WHO gave %d of %d members" % (len(who), count))
        self.assertEqual(set(l.split()[7] for l in who), set(long_nick(i) for i in range(count)))
        asker.send("NAMES #big")
        lines = asker.collect_until(r"^:parley 366 asker #big :", timeout=60)
        names = []
        for l in lines:
            m = re.match(r"^:parley 353 asker = #big :(.*)$", l)
            if m:
                names += [n.lstrip("@+") for n in m.group(1).split()]
        self.assertEqual(sorted(names), sorted(long_nick(i) for i in range(count)))
        asker.send("WHO *")
        lines = asker.collect_until(r"^:parley 315 asker \* :", timeout=60)
        self.assertEqual(len([l for l in lines if " 352 " in l]), count + 1)
        self.assert_still_connected(asker)
        # JOIN's NAMES, and commands sent meanwhile answered after it, in order
        asker.send("JOIN #big\r\nPING :after-join\r\nWHO #big\r\nPING :after-who")
        lines = asker.collect_until(r"PONG \S+ :?after-who$", timeout=60)
        kinds = [l.split()[1] for l in lines]
        self.assertEqual(kinds.count("366"), 1)
        self.assertEqual(kinds.count("315"), 1)
        self.assertLess(kinds.index("366"), kinds.index("PONG"))
        self.assertLess(kinds.index("PONG"), kinds.index("352"))
        self.assertLess(kinds.index("315"), len(kinds) - 1)
        names = []
        for l in lines[:kinds.index("366")]:
            m = re.match(r"^:parley 353 asker = #big :(.*)$", l)
            if m:
                names += [n.lstrip("@+") for n in m.group(1).split()]
        self.assertEqual(len(names), count + 1)
        self.assert_still_connected(asker)

    def test_history_replay_bigger_than_sendq(self):
        alice = self.irc("alice")
        alice.join("#hist")
        n = 100
        for i in range(n):
            alice.privmsg("#hist", "history line %03d %s" % (i, "h" * 380))
        alice.sync()
        bob = self.irc("bob", caps=["server-time"])
        bob.send("JOIN #hist")
        bob.expect(r"^:parley 366 bob #hist ", timeout=60)
        for i in range(n):
            bob.expect(r"^:alice!\S+ PRIVMSG #hist :history line %03d h+$" % i, strict=True,
                       timeout=60)
        self.assert_still_connected(bob)
        # live messages after the replay arrive once, as usual
        alice.privmsg("#hist", "live")
        bob.expect(r"^:alice!\S+ PRIVMSG #hist :live$")
        self.assertEqual(len([l for l in bob.received if l.endswith(":live")]), 1)

    def test_history_replay_while_the_room_talks(self):
        alice = self.irc("alice")
        alice.join("#hist")
        n, live = 100, 20
        for i in range(n):
            alice.privmsg("#hist", "history line %03d %s" % (i, "h" * 380))
        alice.sync()
        carol = self.irc("carol", caps=["server-time"])
        carol.send("JOIN #hist")
        # while carol's replay streams: new messages, which also push the
        # oldest ones out of the history
        for i in range(live):
            alice.privmsg("#hist", "live %d" % i)
        carol.expect(r"^:alice!\S+ PRIVMSG #hist :live %d$" % (live - 1), timeout=60)
        carol.sync(timeout=60)
        text = [l.split(" PRIVMSG #hist :", 1)[1] for l in carol.received
                if " PRIVMSG #hist :" in l]
        for i in range(live):
            self.assertEqual(text.count("live %d" % i), 1, "live %d not seen once" % i)
        for i in range(n):
            seen = len([t for t in text if t.startswith("history line %03d " % i)])
            # the first `live` may have been evicted before their turn came
            self.assertLessEqual(seen, 1, "history line %d replayed %d times" % (i, seen))
            if i >= live:
                self.assertEqual(seen, 1, "history line %d not replayed" % i)
        self.assert_still_connected(carol)

    def test_list_while_rooms_vanish(self):
        rooms = scaled(3000, minimum=400)
        makers = self.make_rooms(rooms)
        # an asker that reads a little, then stops while half the rooms go
        asker = IrcClient(self.server.port, "asker", reader=False, rcvbuf=4096)
        self.clients.append(asker)
        asker.sock.sendall(b"NICK asker\r\nUSER asker 0 * :Asker\r\nLIST\r\n")
        data = b""
        while data.count(b" 322 asker ") < 5:
            chunk = asker.sock.recv(4096)
            self.assertTrue(chunk, "asker disconnected")
            data += chunk
        for c, _ in makers[::2]:
            c.send("JOIN 0")
        for c, _ in makers[::2]:
            c.sync(timeout=60)
        asker.sock.settimeout(60)
        while b" 323 asker " not in data:
            chunk = asker.sock.recv(65536)
            self.assertTrue(chunk, "asker disconnected during LIST")
            data += chunk
        listed = re.findall(rb" 322 asker (\S+) ", data)
        self.assertEqual(len(listed), len(set(listed)), "a room was listed twice")
        stayed = set(n.encode() for _, names in makers[1::2] for n in names)
        self.assertEqual(stayed - set(listed), set(), "rooms that stayed were not listed")
        everything = set(("#r%04d" % i).encode() for i in range(rooms))
        self.assertEqual(set(listed) - everything, set())
        print("list while rooms vanish: %d of %d rooms listed, %d stayed"
              % (len(listed), rooms, len(stayed)))
        self.assertNotIn(b"SendQ", data)

    def test_whois_of_many_nicks_is_bounded(self):
        # WHOIS is not streamed: its targets are capped (MAXTARGETS=4 in 005)
        bob = self.irc("bob", register=False)
        bob.register(realname="r" * 100)
        bob.join("#a")
        alice = self.irc("alice")
        alice.send("WHOIS " + ",".join(["bob"] * 100))
        lines = alice.collect_until(r"^:parley 318 alice ", timeout=30)
        self.assertEqual(len([l for l in lines if " 311 alice bob " in l]), 4)
        self.assertTrue(any(" 407 alice " in l for l in lines), lines)
        self.assert_still_connected(alice)

    def test_slow_reader_of_chat_still_dropped(self):
        talkers = [self.irc("talk%d" % i) for i in range(2)]
        for t in talkers:
            t.join("#chat")
        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", self.server.port))
        self.addCleanup(slow.close)
        slow.sendall(b"NICK slow\r\nUSER slow 0 * :Slow\r\nJOIN #chat\r\n")
        talkers[0].expect(r"^:slow!\S+ JOIN ")
        # slow never reads; the talkers chat until the server drops it
        quit_rx = re.compile(r"^:slow!\S+ QUIT :.*SendQ exceeded")
        sent = 0
        # Batches of 4 lines (1.7 KiB): the server queues a batch of a sender's
        # lines before writing them, and the listening talker must never
        # have 4 KiB waiting itself. Bytes being written count until the
        # write returns, and the writer may be another thread (always, with
        # worker-only writes: test_worker_writes.py), so the batch talk1 has
        # just received may still count while the next one is queued: two
        # batches must fit.
        while sent < 40000 and not any(quit_rx.search(l) for l in talkers[1].received):
            marker = talkers[1].mark()
            for _ in range(4):
                talkers[0].privmsg("#chat", "chat %d %s" % (sent, "c" * 380))
                sent += 1
            last = "chat %d " % (sent - 1)
            talkers[1].wait_lines(lambda ls: any(last in l or quit_rx.search(l) for l in ls),
                                  "talk0's line %d" % (sent - 1), timeout=60, since=marker)
        talkers[1].expect(quit_rx, timeout=30)


if __name__ == "__main__":
    main()
