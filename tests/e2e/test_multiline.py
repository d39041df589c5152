#!/usr/bin/env python3
"""e2e: IRCv3 draft/multiline in the parley client against a real parleyd.
A confirmed paste of several lines goes as one BATCH to clients with the
capability and as separate PRIVMSGs to the others; without the capability
(hidden by a relay) the client sends the lines one by one as before; a
multiline batch from someone else is shown as one message block."""

import re

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
