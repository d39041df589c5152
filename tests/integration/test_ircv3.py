#!/usr/bin/env python3
"""IRCv3 message plumbing: msgid and time on relayed messages (message-tags),
client-only tags and TAGMSG, the 4094-byte client tag limit, batches on the
join replay, labeled-response (one line, ACK, batch, streamed, echo), and the
CAP table (batch, labeled-response)."""

import re

from harness import (SERVER_TIME_RX, ServerTestCase, main, parse_line, parse_tags,
                     strip_tags)

MSGID_RX = re.compile(r"^[a-z2-7]{26}$")
TAGS = ["message-tags"]
LABELED = ["batch", "labeled-response"]


def tagged(lines, text):
    """The lines (with tags) whose body ends in text."""
    return [l for l in lines if strip_tags(l).endswith(text)]


class Ircv3(ServerTestCase):
    server_args = ("--history", "5")

    def room(self, *specs, room="#room"):
        """Clients (nick, caps) all in room, drained; returns them in order."""
        out = [self.irc(nick, caps=caps) for nick, caps in specs]
        for c in out:
            c.join(room)
        for c in out:
            c.sync()
        return out

    # ---- message-tags: msgid and time

    def test_msgid_shared_by_recipients_and_unique(self):
        alice, bob, carol, dave = self.room(
            ("alice", TAGS + ["echo-message"]), ("bob", TAGS),
            ("carol", ["server-time"]), ("dave", None))
        for i in range(3):
            alice.privmsg("#room", "m%d" % i)
        ids = []
        for i in range(3):
            text = "PRIVMSG #room :m%d" % i
            bob.expect(re.escape(text) + "$")
            btags = parse_tags(bob.last_line)
            alice.expect(re.escape(text) + "$")
            atags = parse_tags(alice.last_line)
            self.assertRegex(btags.get("msgid", ""), MSGID_RX, bob.last_line)
            self.assertRegex(btags.get("time", ""), SERVER_TIME_RX, bob.last_line)
            self.assertEqual(atags.get("msgid"), btags["msgid"],
                             "the echo and the delivery carry different msgids")
            self.assertEqual(atags.get("time"), btags["time"])
            carol.expect(re.escape(text) + "$")
            self.assertEqual(set(parse_tags(carol.last_line)), {"time"}, carol.last_line)
            dave.expect(re.escape(text) + "$", raw=True)
            self.assertFalse(dave.last_line.startswith("@"), dave.last_line)
            ids.append(btags["msgid"])
        self.assertEqual(len(set(ids)), 3, "msgids repeat: %r" % ids)
        # a private message has one too; the sender's echo shares it
        alice.privmsg("bob", "private")
        bob.expect(r"PRIVMSG bob :private$")
        alice.expect(r"PRIVMSG bob :private$")
        self.assertRegex(parse_tags(bob.last_line).get("msgid", ""), MSGID_RX)
        self.assertEqual(parse_tags(alice.last_line).get("msgid"),
                         parse_tags(bob.last_line)["msgid"])
        self.assertNotIn(parse_tags(bob.last_line)["msgid"], ids)

    # ---- client-only tags

    def test_client_tags_relayed_to_tag_clients_only(self):
        alice, bob, carol, dave = self.room(
            ("alice", TAGS + ["echo-message"]), ("bob", TAGS),
            ("carol", ["server-time"]), ("dave", None))
        alice.send(r"@+example.com/x=a\:b\sc;+y;other=drop;+z=\q\\ PRIVMSG #room :tagged")
        bob.expect(r"PRIVMSG #room :tagged$")
        line = bob.last_line
        tags = parse_tags(line)
        self.assertEqual(tags.get("+example.com/x"), "a;b c", line)
        self.assertIn("+y", tags, line)
        self.assertEqual(tags.get("+z"), "q\\", line)
        self.assertNotIn("other", tags, "a tag without '+' was relayed: " + line)
        self.assertIn(r"+z=q\\", line, "value not escaped again canonically: " + line)
        # server tags first, then the client's
        self.assertLess(line.index("msgid="), line.index("+example.com/x"), line)
        alice.expect(r"PRIVMSG #room :tagged$")
        self.assertEqual(parse_tags(alice.last_line).get("+example.com/x"), "a;b c",
                         "the echo lacks the client tags")
        carol.expect(r"PRIVMSG #room :tagged$")
        self.assertEqual(set(parse_tags(carol.last_line)), {"time"}, carol.last_line)
        dave.expect(r"PRIVMSG #room :tagged$", raw=True)
        self.assertFalse(dave.last_line.startswith("@"), dave.last_line)
        # NOTICE and private messages carry them too
        alice.send("@+n=1 NOTICE bob :note")
        bob.expect(r"NOTICE bob :note$")
        self.assertEqual(parse_tags(bob.last_line).get("+n"), "1")

    def test_client_tags_from_client_without_message_tags_dropped(self):
        bob, dave = self.room(("bob", TAGS), ("dave", None))
        dave.send("@+x=1 PRIVMSG #room :from dave")
        bob.expect(r"PRIVMSG #room :from dave$")
        self.assertNotIn("+x", parse_tags(bob.last_line), bob.last_line)
        self.assertIn("msgid", parse_tags(bob.last_line), bob.last_line)

    def test_malformed_tag_refused(self):
        alice, bob = self.room(("alice", TAGS), ("bob", TAGS))
        alice.send("@+bad_key=1 PRIVMSG #room :nope")
        got = alice.sync()
        self.assertTrue(any("malformed message tag" in l for l in got), got)
        alice.privmsg("#room", "after")
        before = bob.collect_until(r"PRIVMSG #room :after$")
        self.assertFalse(any("nope" in l for l in before), before)

    def test_tagmsg_to_room_and_person(self):
        alice, bob, carol, dave = self.room(
            ("alice", TAGS + ["echo-message"]), ("bob", TAGS),
            ("carol", ["server-time"]), ("dave", None))
        alice.send("@+typing=active TAGMSG #room")
        bob.expect(r"^:alice!\S+ TAGMSG #room$")
        btags = parse_tags(bob.last_line)
        self.assertEqual(btags.get("+typing"), "active")
        self.assertRegex(btags.get("msgid", ""), MSGID_RX)
        alice.expect(r"^:alice!\S+ TAGMSG #room$")
        self.assertEqual(parse_tags(alice.last_line).get("msgid"), btags["msgid"])
        for other in (carol, dave):
            self.assertFalse(any("TAGMSG" in l for l in other.sync()),
                             "%s got a TAGMSG without message-tags" % other.nick)
        alice.send("@+typing=paused TAGMSG bob")
        bob.expect(r"^:alice!\S+ TAGMSG bob$")
        self.assertEqual(parse_tags(bob.last_line).get("+typing"), "paused")
        alice.send("@+typing=paused TAGMSG dave")
        self.assertFalse(any("TAGMSG" in l for l in dave.sync()))
        alice.send("TAGMSG nobody")
        alice.expect(r"^:parley 401 alice nobody ")
        # never stored: a joiner's replay has messages only
        alice.privmsg("#room", "stored")
        erin = self.irc("erin", caps=TAGS)
        lines = erin.join("#room") + erin.sync()
        self.assertTrue(any("stored" in l for l in lines), lines)
        self.assertFalse(any("TAGMSG" in l for l in lines), lines)

    def test_tagmsg_without_message_tags_is_unknown(self):
        bob, dave = self.room(("bob", TAGS), ("dave", None))
        dave.send("@+typing=active TAGMSG #room")
        dave.expect(r"^:parley 421 dave TAGMSG :")
        self.assertFalse(any("TAGMSG" in l for l in bob.sync()))

    def test_tag_section_limit(self):
        alice, bob = self.room(("alice", TAGS), ("bob", TAGS))
        # 4094 bytes of tag data: accepted, relayed whole, and the line is
        # far longer than 512 bytes
        big = "+big=" + "v" * (4094 - len("+big="))
        alice.send("@%s PRIVMSG #room :biggest" % big)
        bob.expect(r"PRIVMSG #room :biggest$")
        self.assertEqual(parse_tags(bob.last_line).get("+big"), "v" * (4094 - 5))
        self.assertFalse(any(" 417 " in l for l in alice.sync()))
        # one byte more: 417, nothing relayed, the connection goes on
        alice.send("@%s PRIVMSG #room :too big" % (big + "v"))
        alice.expect(r"^:parley 417 alice :Input line was too long")
        alice.privmsg("#room", "still here")
        before = bob.collect_until(r"PRIVMSG #room :still here$")
        self.assertFalse(any("too big" in l for l in before))

    # ---- batch: the join replay

    def fill_history(self, room="#hist", count=3):
        alice = self.irc("alice")
        alice.join(room)
        for i in range(count):
            alice.privmsg(room, "old %d" % i)
        alice.sync()
        return alice

    def test_join_replay_in_chathistory_batch(self):
        self.fill_history()
        bob = self.irc("bob", caps=["batch", "message-tags"])
        bob.send("JOIN #hist")
        lines = bob.collect_until(r"^:parley BATCH -\S+$")
        starts = [l for l in lines if re.match(r"^(@\S+ )?:parley BATCH \+", l)]
        self.assertEqual(len(starts), 1, lines)
        _, _, _, params = parse_line(starts[0])
        ref = params[0][1:]
        self.assertEqual(params[1:], ["chathistory", "#hist"], starts[0])
        self.assertTrue(lines[-1].endswith("BATCH -" + ref), lines[-1])
        inside = lines[lines.index(starts[0]) + 1:-1]
        self.assertEqual(len(inside), 3, inside)
        for i, line in enumerate(inside):
            tags = parse_tags(line)
            self.assertEqual(tags.get("batch"), ref, line)
            self.assertRegex(tags.get("time", ""), SERVER_TIME_RX, line)
            self.assertTrue(strip_tags(line).endswith("PRIVMSG #hist :old %d" % i), line)
        # a client without batch: the same replay, no BATCH lines
        carol = self.irc("carol", caps=["server-time"])
        carol.send("JOIN #hist")
        got = carol.collect_until(r"PRIVMSG #hist :old 2$")
        self.assertFalse(any("BATCH" in l for l in got), got)
        self.assertFalse(any("batch=" in l for l in got), got)

    # ---- labeled-response

    def labeled(self, nick="lena", more=()):
        return self.irc(nick, caps=LABELED + list(more))

    def test_label_one_line_reply(self):
        c = self.labeled()
        c.send("@label=one PING :tok")
        c.expect(r"^@label=one :parley PONG parley :?tok$", raw=True)
        c.send("@label=err PRIVMSG nobody :x")
        c.expect(r"^@label=err :parley 401 lena nobody ", raw=True)

    def test_label_no_reply_gets_ack(self):
        c = self.labeled()
        c.send("@label=quiet PONG :whatever")
        c.expect(r"^@label=quiet :parley ACK$", raw=True)
        # a message to a room gets no reply without echo-message: ACK
        c.join("#a")
        c.send("@label=msg PRIVMSG #a :hi")
        c.expect(r"^@label=msg :parley ACK$", raw=True)

    def test_label_self_message_is_delivery_not_response(self):
        c = self.labeled()
        c.send("@label=self PRIVMSG lena :note to self")
        c.expect(r"^:lena!\S+ PRIVMSG lena :note to self$", raw=True)
        c.expect(r"^@label=self :parley ACK$", raw=True)

    def test_label_covers_server_notice_on_join(self):
        srv = self.make_server(("--announce-max", "2"))
        for nick in ("q1", "q2", "q3"):
            self.irc(nick, server=srv).join("#quiet")
        c = self.irc("lena", caps=LABELED, server=srv)
        c.send("@label=q JOIN #quiet")
        lines = c.collect_until(r"^:parley BATCH -\S+$", raw=True)
        ref = parse_line(lines[0])[3][0][1:]
        notes = [l for l in lines if "NOTICE #quiet" in l]
        self.assertEqual(len(notes), 1, lines)
        self.assertEqual(parse_tags(notes[0]).get("batch"), ref, notes[0])

    def test_label_multi_line_reply_batched(self):
        c = self.labeled()
        self.irc("target")
        c.send("@label=who WHOIS target")
        lines = c.collect_until(r"^:parley BATCH -\S+$")
        self.assertRegex(lines[0], r"^@label=who :parley BATCH \+\S+ labeled-response$")
        ref = parse_line(lines[0])[3][0][1:]
        self.assertTrue(lines[-1] == ":parley BATCH -" + ref, lines[-1])
        body = lines[1:-1]
        self.assertGreaterEqual(len(body), 3, lines)
        for line in body:
            self.assertEqual(parse_tags(line).get("batch"), ref, line)
            self.assertNotIn("label", parse_tags(line), line)
        self.assertIn(" 311 lena target ", body[0])
        self.assertIn(" 318 lena target ", body[-1])

    def test_label_streamed_list(self):
        maker = self.irc("maker")
        rooms = ["#r%03d" % i for i in range(40)]
        maker.send("JOIN " + ",".join(rooms))
        for r in rooms:
            maker.send("TOPIC %s :%s" % (r, "t" * 300))
        maker.sync(timeout=60)
        c = self.labeled()
        c.send("@label=list LIST")
        lines = c.collect_until(r"^:parley BATCH -\S+$", timeout=60)
        self.assertRegex(lines[0], r"^@label=list :parley BATCH \+\S+ labeled-response$")
        ref = parse_line(lines[0])[3][0][1:]
        body = lines[1:-1]
        self.assertIn(" 321 ", body[0])
        self.assertIn(" 323 ", body[-1])
        self.assertEqual(sum(1 for l in body if " 322 " in l), 40)
        self.assertTrue(all(parse_tags(l).get("batch") == ref for l in body),
                        [l for l in body if parse_tags(l).get("batch") != ref][:3])
        # the next command is answered after the batch ended
        c.send("@label=after PING :x")
        c.expect(r"^@label=after :parley PONG ", raw=True)

    def test_label_on_echo(self):
        c = self.labeled(more=["echo-message", "message-tags"])
        bob = self.irc("bob", caps=TAGS)
        c.join("#e")
        bob.join("#e")
        c.sync()
        c.send("@label=echo;+x=1 PRIVMSG #e :hello")
        c.expect(r"PRIVMSG #e :hello$")
        tags = parse_tags(c.last_line)
        self.assertEqual(tags.get("label"), "echo", c.last_line)
        self.assertTrue(c.last_line.startswith("@label=echo;"), c.last_line)
        bob.expect(r"PRIVMSG #e :hello$")
        btags = parse_tags(bob.last_line)
        self.assertNotIn("label", btags, bob.last_line)
        self.assertEqual(btags.get("msgid"), tags.get("msgid"))
        self.assertEqual(btags.get("+x"), "1")
        # the echo of a message to a person who is away: two lines, a batch
        bob.send("AWAY :gone")
        bob.sync()
        c.send("@label=away PRIVMSG bob :are you there")
        lines = c.collect_until(r"^:parley BATCH -\S+$")
        self.assertRegex(lines[0], r"^@label=away :parley BATCH \+\S+ labeled-response$")
        self.assertTrue(any(strip_tags(l).endswith("PRIVMSG bob :are you there")
                            for l in lines), lines)
        self.assertTrue(any(" 301 lena bob " in l for l in lines), lines)

    def test_label_join_nests_replay_batch(self):
        self.fill_history()
        c = self.labeled(more=["server-time"])
        c.send("@label=j JOIN #hist")
        lines = c.collect_until(r"^:parley BATCH -\S+$", raw=True)
        outer = parse_line(lines[0])[3][0][1:]
        self.assertRegex(lines[0], r"^@label=j :parley BATCH \+\S+ labeled-response$")
        inner_start = [l for l in lines if " chathistory " in l]
        self.assertEqual(len(inner_start), 1, lines)
        self.assertEqual(parse_tags(inner_start[0]).get("batch"), outer, inner_start[0])
        inner = parse_line(inner_start[0])[3][0][1:]
        self.assertNotEqual(inner, outer)
        replay = [l for l in lines if "old " in l]
        self.assertEqual(len(replay), 3)
        self.assertTrue(all(parse_tags(l).get("batch") == inner for l in replay), replay)
        end_inner = [l for l in lines if strip_tags(l) == ":parley BATCH -" + inner]
        self.assertEqual(len(end_inner), 1, lines)
        self.assertEqual(parse_tags(end_inner[0]).get("batch"), outer)
        self.assertTrue(any(re.search(r" JOIN :?#hist$", l) and
                            parse_tags(l).get("batch") == outer for l in lines), lines)
        self.assertEqual(lines[-1], ":parley BATCH -" + outer)

    def test_invalid_or_unnegotiated_label_ignored(self):
        c = self.labeled()
        c.send("@label=%s PING :long" % ("x" * 65))
        c.expect(r"^:parley PONG parley :?long$", raw=True)
        c.send("@label= PING :empty")
        c.expect(r"^:parley PONG parley :?empty$", raw=True)
        c.send("@label=%s PING :max" % ("y" * 64))
        c.expect(r"^@label=y{64} :parley PONG parley :?max$", raw=True)
        # labeled-response without batch: no labels
        d = self.irc("dora", caps=["labeled-response"])
        d.send("@label=nobatch PING :nb")
        d.expect(r"^:parley PONG parley :?nb$", raw=True)
        self.assertFalse(any("ACK" in l for l in d.sync()))

    # ---- CAP

    def test_cap_table(self):
        c = self.irc("capper", register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:parley CAP \* LS :(.*)$")
        offered = set(m.group(1).split())
        self.assertTrue({"batch", "labeled-response", "echo-message", "message-tags",
                         "server-time"} <= offered, offered)
        c.send("CAP REQ :batch labeled-response no-such-cap")
        c.expect(r"^:parley CAP \* NAK :batch labeled-response no-such-cap$")
        c.send("CAP LIST")
        # nothing but cap-notify, which CAP LS 302 turns on by itself
        c.expect(r"^:parley CAP \* LIST :cap-notify$")
        c.send("CAP END")
        c.register(nick="capper")
        # after registration REQ still works, all or nothing
        c.send("CAP REQ :batch labeled-response")
        c.expect(r"^:parley CAP capper ACK :batch labeled-response$")
        c.send("CAP LIST")
        m = c.expect(r"^:parley CAP capper LIST :(.*)$")
        self.assertEqual(set(m.group(1).split()), {"batch", "cap-notify", "labeled-response"})
        c.send("@label=late PING :x")
        c.expect(r"^@label=late :parley PONG ", raw=True)
        c.send("CAP REQ :-labeled-response")
        c.expect(r"^:parley CAP capper ACK :-labeled-response$")
        c.send("@label=off PING :y")
        c.expect(r"^:parley PONG parley :?y$", raw=True)


if __name__ == "__main__":
    main()
