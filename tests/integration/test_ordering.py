#!/usr/bin/env python3
"""Ordering (concurrency): many members of one room send at once; every
member must see the same sequence of room messages (its own included, via
echo-message), and each sender's messages in the order sent; with one
writer thread (the default) and with several."""

import re

from harness import ServerTestCase, fill_room, main, scaled, send_concurrently


class Ordering(ServerTestCase):

    def test_same_order_for_everyone(self):
        n_clients = 25
        n_msgs = scaled(40, minimum=10)
        clients = [self.irc("m%02d" % i, caps=["echo-message"]) for i in range(n_clients)]
        fill_room(clients, "#order")
        send_concurrently(clients, "#order", n_msgs,
                          lambda nick, i: "%s seq %d" % (nick, i), timeout=90)
        total = n_clients * n_msgs
        rx = re.compile(r"^:(m\d\d)!\S+ PRIVMSG #order :(m\d\d) seq (\d+)$")

        def room_msgs(lines):
            return [l for l in lines if " PRIVMSG #order :" in l]

        for c in clients:
            c.wait_lines(lambda ls: len(room_msgs(ls)) >= total,
                         "%d room messages (all senders, own included)" % total,
                         timeout=60)
        sequences = []
        for c in clients:
            c.sync()
            seq = []
            per_sender = {}
            for line in room_msgs(c.received):
                m = rx.match(line)
                self.assertIsNotNone(m, "%s: malformed line %r" % (c.nick, line))
                self.assertEqual(m.group(1), m.group(2), "source/text mismatch: %r" % line)
                seq.append((m.group(1), int(m.group(3))))
                per_sender.setdefault(m.group(1), []).append(int(m.group(3)))
            self.assertEqual(len(seq), total, "%s received %d room messages, expected %d" %
                             (c.nick, len(seq), total))
            for s in clients:
                self.assertEqual(per_sender.get(s.nick), list(range(n_msgs)),
                                 "%s: %s's messages lost, duplicated or out of order" %
                                 (c.nick, s.nick))
            sequences.append(seq)
        for c, seq in zip(clients[1:], sequences[1:]):
            if seq != sequences[0]:
                i = next(k for k in range(total) if seq[k] != sequences[0][k])
                self.fail("%s and %s saw different orders; first difference at #%d: "
                          "%r vs %r" % (clients[0].nick, c.nick, i, sequences[0][i], seq[i]))


class OrderingManyWriters(Ordering):
    """The same with several threads writing queues at once (--writers)."""
    server_args = ("--writers", "3")


if __name__ == "__main__":
    main()
