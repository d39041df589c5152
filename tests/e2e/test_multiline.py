#!/usr/bin/env python3
"""e2e: IRCv3 draft/multiline in the parley client against a real parleyd.
A confirmed paste of several lines goes as one BATCH to clients with the
capability and as separate PRIVMSGs to the others; without the capability
(hidden by a relay) the client sends the lines one by one as before; a
multiline batch from someone else is shown as one message block."""

import re
import unicodedata

import e2e
import test_stall
from harness import parse_line, parse_tags, strip_tags

ML_CAPS = ["draft/multiline", "batch", "message-tags"]


def params_of(line):
    _, _, command, params = parse_line(strip_tags(line))
    return command, params


class MultilineStallServer(test_stall.StallServer):
    """The stall test's server, offering draft/multiline (with batch)."""

    def answer(self, conn, line, nick):
        words = line.split(" ")
        if words[0] == "CAP" and words[1:2] == ["LS"]:
            self.send(conn, ":fake CAP * LS :batch draft/multiline=max-bytes=4096,max-lines=24")
            return nick
        if words[0] == "CAP" and words[1:2] == ["REQ"]:
            self.send(conn, ":fake CAP * ACK " + " ".join(words[2:]))
            return nick
        return super().answer(conn, line, nick)


def display_width(text):
    """Terminal columns of text (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class HostileMultilineServer(e2e.FakeIrcServer):
    """Offers draft/multiline; after the join sends multi-line batches as a
    careless or hostile server might: from a nick of wide characters, dated
    another day (the time column is then longer), never closed, nested in
    another batch, closed twice, with a stray BATCH - and lines whose
    target or sender is not the batch's."""

    def __init__(self):
        super().__init__()
        self.start()

    def serve(self):
        nick = "victim"
        for line, words, cmd in self.lines():
            if cmd == "CAP" and words[1:2] == ["LS"]:
                self.send(":evil CAP * LS :batch server-time message-tags "
                          "draft/multiline=max-bytes=4096")
            elif cmd == "CAP" and words[1:2] == ["REQ"]:
                self.send(":evil CAP * ACK :" + " ".join(words[2:]).lstrip(":"))
            elif cmd == "NICK":
                nick = words[1]
            elif cmd == "USER":
                self.send(":evil 001 %s :Welcome" % nick)
            elif cmd == "JOIN":
                self.send(":%s!u@h JOIN #lobby" % nick)
                self.send(":evil 353 %s = #lobby :%s \u65e5\u672c mallory" % (nick, nick))
                self.send(":evil 366 %s #lobby :End of /NAMES list." % nick)
                self.batches()
            elif cmd == "PING":
                self.send(":evil PONG evil :" + line.split(":", 1)[-1])

    def batches(self):
        wide = "\u65e5\u672c"
        self.send("@time=2026-01-02T10:00:00.000Z :%s!w@h BATCH +w draft/multiline #lobby" % wide)
        for text in ("wide first", "wide second"):
            self.send("@batch=w :%s!w@h PRIVMSG #lobby :%s" % (wide, text))
        self.send(":%s!w@h BATCH -w" % wide)
        self.send(":mallory!m@h BATCH -nosuch")
        self.send(":mallory!m@h BATCH +o draft/multiline #lobby")
        self.send("@batch=o :mallory!m@h PRIVMSG #lobby :outer one")
        self.send("@batch=o :mallory!m@h BATCH +i draft/multiline #lobby")
        self.send("@batch=i :mallory!m@h PRIVMSG #lobby :nested line")
        self.send("@batch=o :mallory!m@h PRIVMSG #elsewhere :other target")
        self.send("@batch=o :%s!w@h PRIVMSG #lobby :other sender" % wide)
        self.send("@batch=o;draft/multiline-concat :mallory!m@h PRIVMSG #lobby :outer two")
        self.send(":mallory!m@h BATCH -o")
        self.send(":mallory!m@h BATCH -o")
        self.send(":mallory!m@h BATCH +never draft/multiline #lobby")
        self.send("@batch=never :mallory!m@h PRIVMSG #lobby :held back")
        self.send(":mallory!m@h PRIVMSG #lobby :the end")


class HostileMultilineTest(e2e.ClientTestCase):
    start_server = False

    def test_hostile_batches_show_clearly(self):
        fake = HostileMultilineServer()
        self.addCleanup(fake.close)
        term = self.client("victim", port=fake.port)
        term.wait_for(r"<mallory> the end$")
        rows = term.rows()
        screen = term.screen()
        # another day's block: its continuation line under its text
        first = [r for r in rows if "wide first" in r]
        second = [r for r in rows if "wide second" in r]
        self.assertEqual((len(first), len(second)), (1, 1), screen)
        self.assertTrue(re.match(r"^2026-01-0\d \d\d:\d\d <\u65e5\u672c> wide first", first[0]),
                        screen)
        width = display_width
        self.assertEqual(width(second[0][:second[0].index("wide")]),
                         width(first[0][:first[0].index("wide")]), screen)
        self.assertEqual(second[0].strip(), "wide second", screen)
        # the lines not of the block are shown on their own, nothing twice
        for text in ("nested line", "other sender"):
            self.assertEqual(screen.count(text), 1, screen)
        # concat joins without a break, the closing BATCH - twice shows it once
        self.assertEqual(screen.count("<mallory> outer oneouter two\n"), 1, screen)
        self.assertNotIn("held back", screen)  # shown when it ends or at a disconnect
        term.finish()


class MultilineTest(e2e.ClientTestCase):

    def test_paste_is_queued_whole_or_not_at_all(self):
        server = MultilineStallServer()
        self.addCleanup(server.close)
        alice = self.client("alice", port=server.port)
        server.pause()
        count = 140  # ~60 KB: one paste fits the 64 KiB queue, two do not
        first = "\n".join("first %03d %s" % (i, test_stall.FILLER) for i in range(count))
        test_stall.paste_big(alice, first)
        alice.wait_for(r"Paste %d lines\?" % count)
        alice.keys("Enter")
        alice.wait_for(test_stall.WAITING)
        second = first.replace("first", "second")
        test_stall.paste_big(alice, second)
        alice.wait_for(r"Paste %d lines\?" % count)
        alice.keys("Enter")
        alice.wait_for(r"Not sent: the paste \(\d+ IRC lines\) does not fit beside the \d+ "
                       r"lines waiting")
        server.resume()

        def batch_lines():
            return [l for _, l in server.lines if "BATCH" in l or "PRIVMSG" in l]
        server.wait(lambda: sum("first %03d" % (count - 1) in l for l in batch_lines()) == 1
                    and batch_lines()[-1].startswith("BATCH -"), "the whole first paste")
        lines = batch_lines()
        self.assertFalse([l for l in lines if "second" in l], lines[-3:])
        opened = [l.split()[1][1:] for l in lines if l.startswith("BATCH +")]
        closed = [l.split()[1][1:] for l in lines if l.startswith("BATCH -")]
        self.assertEqual(opened, closed)
        self.assertGreater(len(opened), 1)  # 4096 bytes a batch: several
        said = [l for l in lines if "PRIVMSG" in l]
        self.assertEqual([re.search(r":first (\d+)", l).group(1) for l in said],
                         ["%03d" % i for i in range(count)])
        self.finish(alice)

    def test_paste_goes_as_one_batch(self):
        alice = self.client("alice")
        taker = self.irc("taker", caps=ML_CAPS)
        old = self.irc("oldclient")
        for c in (taker, old):
            c.join("#lobby")
        alice.wait_for(r"oldclient \(\S+\) joined")
        alice.paste("first pasted\nsecond pasted\nthird pasted")
        alice.wait_for(r"Paste 3 lines\? \(Enter to send, Esc to cancel\)")
        alice.keys("Enter")
        got = taker.collect_until(r"BATCH :?-")
        got = got[[i for i, l in enumerate(got) if " BATCH " in l][0]:]
        self.assertEqual(params_of(got[0])[1][1:], ["draft/multiline", "#lobby"], got)
        ref = params_of(got[0])[1][0][1:]
        inner = got[1:-1]
        self.assertEqual([params_of(l) for l in inner],
                         [("PRIVMSG", ["#lobby", t])
                          for t in ("first pasted", "second pasted", "third pasted")], got)
        self.assertTrue(all(parse_tags(l).get("batch") == ref for l in inner), got)
        # a client without the capability: three PRIVMSGs, no BATCH
        lines = []
        while len(lines) < 3:
            lines += [l for l in old.sync() if "PRIVMSG" in l or "BATCH" in l]
        self.assertEqual([params_of(l) for l in lines],
                         [("PRIVMSG", ["#lobby", t])
                          for t in ("first pasted", "second pasted", "third pasted")])
        # alice sees her paste once (the echo), as one block
        alice.wait_for(r"^\d\d:\d\d <alice> first pasted\n {14}second pasted\n"
                       r" {14}third pasted$")
        self.assertEqual(alice.screen().count("first pasted"), 1, alice.screen())
        self.finish(alice)

    def test_long_typed_line_goes_whole(self):
        """A typed message longer than one IRC line goes as one multiline
        message of concatenated pieces, so a client with the capability gets
        it whole; one without gets the pieces as PRIVMSGs, as before."""
        alice = self.client("alice")
        taker = self.irc("taker", caps=ML_CAPS)
        old = self.irc("oldclient")
        for c in (taker, old):
            c.join("#lobby")
        alice.wait_for(r"oldclient \(\S+\) joined")
        words = " ".join("word%03d" % i for i in range(80))  # 639 bytes: two pieces
        alice.type(words)
        got = taker.collect_until(r"BATCH :?-")
        got = got[[i for i, l in enumerate(got) if " BATCH " in l][0]:]
        inner = got[1:-1]
        self.assertEqual(len(inner), 2, got)
        self.assertNotIn("draft/multiline-concat", parse_tags(inner[0]), got)
        self.assertIn("draft/multiline-concat", parse_tags(inner[1]), got)
        self.assertEqual("".join(params_of(l)[1][1] for l in inner), words)
        pieces = []
        while len(pieces) < 2:
            pieces += [params_of(l)[1][1] for l in old.sync() if "PRIVMSG" in l]
        self.assertEqual("".join(pieces), words)
        alice.wait_for(r"word079$")
        self.assertEqual(alice.screen().count("word040"), 1, alice.screen())
        self.finish(alice)

    def test_pasted_controls_are_filtered_like_typed_ones(self):
        """Control characters in a multi-line paste (text copied from a
        coloured terminal) are dropped as the editor drops typed ones, a tab
        becoming a space: they reached the server raw, which refused the
        whole batch (parleyd) or passed terminal escapes on to others."""
        alice = self.client("alice")
        taker = self.irc("taker", caps=ML_CAPS)
        taker.join("#lobby")
        alice.wait_for(r"taker \(\S+\) joined")
        alice.paste("tab\there\nesc\x1b[31mred\x1b[0m\nbell\x07 \u202eend")
        alice.wait_for(r"Paste 3 lines\?")
        alice.keys("Enter")
        got = taker.collect_until(r"BATCH :?-|FAIL")
        texts = [params_of(l)[1][1] for l in got if " PRIVMSG " in l]
        self.assertEqual(texts, ["tab here", "esc[31mred[0m", "bell end"], got)
        alice.wait_for(r"<alice> tab here\n {14}esc\[31mred\[0m\n {14}bell end$")
        self.finish(alice)

    def test_paste_without_the_capability_sends_lines(self):
        proxy = e2e.CutProxy(self.server.port, e2e.hide_caps("draft/multiline"))
        self.addCleanup(proxy.close)
        alice = self.client("alice", port=proxy.port)
        taker = self.irc("taker", caps=ML_CAPS)
        taker.join("#lobby")
        alice.wait_for(r"taker \(\S+\) joined")
        alice.paste("one\ntwo\nthree")
        alice.wait_for(r"Paste 3 lines\?")
        alice.keys("Enter")
        lines = []
        while len(lines) < 3:
            lines += [l for l in taker.sync() if "PRIVMSG" in l or "BATCH" in l]
        self.assertEqual([params_of(l) for l in lines],
                         [("PRIVMSG", ["#lobby", t]) for t in ("one", "two", "three")])
        alice.wait_for(r"<alice> one\n.*<alice> two\n.*<alice> three$")
        self.finish(alice)

    def test_paste_into_the_server_window_says_so_once(self):
        """Text pasted where nothing can be said gets one note, not one per
        line; a command line of the paste still runs."""
        alice = self.client("alice")
        alice.keys("M-1")
        alice.wait_for(r"^ \[alice\] 1:")
        alice.paste("one\ntwo\nthree\n/join #other")
        alice.wait_for(r"Paste 4 lines\?")
        alice.keys("Enter")
        alice.wait_for(r"You joined #other")
        alice.keys("M-1")
        alice.wait_for(r"^ \[alice\] 1:")
        screen = alice.stable_screen()
        self.assertEqual(screen.count("This is the server window"), 1, screen)
        self.assertIn("The other 2 pasted lines were not sent either", screen)
        self.finish(alice)

    def test_received_batch_is_one_block(self):
        alice = self.client("alice")
        sender = self.irc("sender", caps=ML_CAPS)
        sender.join("#lobby")
        alice.wait_for(r"sender \(\S+\) joined")
        sender.send("BATCH +b1 draft/multiline #lobby")
        for tags, text in (("batch=b1", "one"), ("batch=b1", ""), ("batch=b1", "two "),
                           ("batch=b1;draft/multiline-concat", "joined"),
                           ("batch=b1", "three")):
            sender.send("@%s PRIVMSG #lobby :%s" % (tags, text))
        sender.send("BATCH -b1")
        sender.privmsg("#lobby", "after the block")
        alice.wait_for(r"^\d\d:\d\d <sender> one\n *\n {15}two joined\n {15}three\n"
                       r"\d\d:\d\d <sender> after the block$")
        self.assertNotIn("<sender> two", alice.screen())
        self.finish(alice)


if __name__ == "__main__":
    e2e.main()
