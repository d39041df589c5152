#!/usr/bin/env python3
"""IRCv3 draft/multiline: the cap and its values (max-bytes=4096,
max-lines=24), a batch to a room and to a person delivered as one BATCH to
recipients with the cap (msgid on the BATCH start, batch= and
draft/multiline-concat on the lines) and as separate lines to the others
(IRC and plain), echo-message, history (each line kept), the limits with
the spec's FAIL codes (MULTILINE_MAX_BYTES, MULTILINE_MAX_LINES,
MULTILINE_INVALID_TARGET, MULTILINE_INVALID), a refused batch dropped
whole, lines for a batch that is not open, and a batch left open by a
client that disconnects (nothing is delivered)."""

import re

from harness import ServerTestCase, main, parse_line, parse_tags, strip_tags

MAX_BYTES = 4096  # multiline.h
MAX_LINES = 24
CAPS = ["draft/multiline", "batch", "message-tags", "echo-message"]


def params_of(line):
    _, _, command, params = parse_line(strip_tags(line))
    return command, params


class Multiline(ServerTestCase):
    server_args = ("--flood", "off", "--max-per-ip", "0")

    def send_batch(self, c, ref, target, lines, command="PRIVMSG"):
        """lines: (text, concat) pairs."""
        c.send("BATCH +%s draft/multiline %s" % (ref, target))
        for text, concat in lines:
            tags = "batch=%s%s" % (ref, ";draft/multiline-concat" if concat else "")
            c.send("@%s %s %s :%s" % (tags, command, target, text))
        c.send("BATCH -%s" % ref)

    def test_cap_is_offered_with_its_limits(self):
        c = self.irc("capper", register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertIn("draft/multiline=max-bytes=%d,max-lines=%d" % (MAX_BYTES, MAX_LINES),
                      m.group(1).split())

    def test_room_batch_with_and_without_the_cap(self):
        sender = self.irc("sender", caps=CAPS)
        taker = self.irc("taker", caps=["draft/multiline", "batch", "message-tags"])
        old = self.irc("oldclient")
        plain = self.plain("plainy")
        for c in (sender, taker, old):
            c.join("#lobby")
        for c in (sender, taker, old):
            c.sync()
        plain.drain()
        self.send_batch(sender, "x1", "#lobby",
                        [("first line", False), ("", False), ("second ", False),
                         ("continued", True)])
        got = taker.collect_until(r"BATCH :?-")
        start = got[0]
        tags = parse_tags(start)
        self.assertIn("msgid", tags)
        cmd, params = params_of(start)
        self.assertEqual(cmd, "BATCH")
        ref = params[0][1:]
        self.assertEqual(params[1:], ["draft/multiline", "#lobby"])
        self.assertTrue(start.split(" ")[1].startswith(":sender!"))
        inner = got[1:-1]
        self.assertEqual([params_of(l)[1] for l in inner],
                         [["#lobby", "first line"], ["#lobby", ""], ["#lobby", "second "],
                          ["#lobby", "continued"]])
        self.assertTrue(all(parse_tags(l).get("batch") == ref for l in inner))
        self.assertEqual(["draft/multiline-concat" in parse_tags(l) for l in inner],
                         [False, False, False, True])
        self.assertEqual(params_of(got[-1]), ("BATCH", ["-" + ref]))
        # without the cap: four PRIVMSGs, no BATCH
        lines = [l for l in old.sync() if "PRIVMSG" in l or "BATCH" in l]
        self.assertEqual([params_of(l) for l in lines],
                         [("PRIVMSG", ["#lobby", t]) for t in
                          ("first line", "", "second ", "continued")])
        plain.expect(r"first line")
        plain.expect(r"continued")
        # echo-message: the sender gets the batch too
        echo = sender.collect_until(r"BATCH :?-")
        self.assertEqual(params_of(echo[0])[1][1:], ["draft/multiline", "#lobby"])
        self.assertEqual(len(echo), 6)
        # history keeps each line
        late = self.irc("late", caps=["draft/chathistory", "batch", "message-tags"])
        late.join("#lobby")
        late.send("CHATHISTORY LATEST #lobby * 10")
        hist = [params_of(l)[1][1] for l in late.collect_until(r"BATCH :?-")
                if " PRIVMSG " in l]
        self.assertEqual(hist[-4:], ["first line", "", "second ", "continued"])

    def test_private_batch(self):
        sender = self.irc("sender", caps=CAPS)
        taker = self.irc("taker", caps=["draft/multiline", "batch"])
        old = self.irc("old")
        self.send_batch(sender, "p", "taker", [("a", False), ("b", False)])
        got = taker.collect_until(r"BATCH :?-")
        self.assertEqual([params_of(l)[1] for l in got[1:-1]], [["taker", "a"], ["taker", "b"]])
        self.send_batch(sender, "q", "old", [("c", False), ("d", True)], command="NOTICE")
        old.expect(r"^:sender!\S+ NOTICE old :c$")
        old.expect(r"^:sender!\S+ NOTICE old :d$")
        self.send_batch(sender, "r", "nobody", [("x", False)])
        sender.expect(r"^:parley 401 sender nobody ")

    def fail_of(self, c):
        m = c.expect(r"^:parley FAIL BATCH (\S+)(.*)$")
        return m.group(1), m.group(2)

    def test_limits_and_invalid_batches(self):
        sender = self.irc("sender", caps=CAPS)
        taker = self.irc("taker", caps=["draft/multiline", "batch"])
        sender.join("#lobby")
        taker.join("#lobby")
        # too many lines
        self.send_batch(sender, "l", "#lobby", [("line %d" % i, False)
                                                for i in range(MAX_LINES + 1)])
        self.assertEqual(self.fail_of(sender), ("MULTILINE_MAX_LINES", " %d :Multiline batch "
                                                "max-lines exceeded" % MAX_LINES))
        # too many bytes (each line is short enough for IRC, the sum is not)
        chunk = "y" * 400
        self.send_batch(sender, "b", "#lobby", [(chunk, i > 0) for i in range(11)])
        code, rest = self.fail_of(sender)
        self.assertEqual((code, rest.split()[0]), ("MULTILINE_MAX_BYTES", str(MAX_BYTES)))
        # exactly the limits pass: 23 x 170 + 163 bytes + 23 line breaks = 4096
        self.send_batch(sender, "ok", "#lobby",
                        [("z" * 170, False)] * (MAX_LINES - 1) + [("z" * 163, False)])
        got = taker.collect_until(r"BATCH :?-")
        self.assertEqual(len(got), MAX_LINES + 2)
        # a line to another target
        self.send_batch(sender, "t", "#lobby", [("a", False)])
        sender.send("BATCH +t2 draft/multiline #lobby")
        sender.send("@batch=t2 PRIVMSG #other :oops")
        sender.send("BATCH -t2")
        code, rest = self.fail_of(sender)
        self.assertEqual((code, rest), ("MULTILINE_INVALID_TARGET",
                                        " #lobby #other :Mismatched target in multiline batch"))
        # mixed commands, a blank concat line, only blank lines
        for ref, lines in (("m", [("PRIVMSG", "a", False), ("NOTICE", "b", False)]),
                           ("c", [("PRIVMSG", "a", False), ("PRIVMSG", "", True)]),
                           ("e", [("PRIVMSG", "", False)])):
            sender.send("BATCH +%s draft/multiline #lobby" % ref)
            for command, text, concat in lines:
                sender.send("@batch=%s%s %s #lobby :%s" % (
                    ref, ";draft/multiline-concat" if concat else "", command, text))
            sender.send("BATCH -%s" % ref)
            self.assertEqual(self.fail_of(sender)[0], "MULTILINE_INVALID", ref)
        # a line for a batch that is not open; a close of one never opened
        sender.send("@batch=nope PRIVMSG #lobby :lost")
        self.assertEqual(self.fail_of(sender)[0], "INVALID_REFTAG")
        sender.send("BATCH -nope")
        self.assertEqual(self.fail_of(sender)[0], "INVALID_REFTAG")
        sender.send("@batch=%s PRIVMSG #lobby :lost too" % ("r" * 65))
        self.assertEqual(self.fail_of(sender)[0], "INVALID_REFTAG")
        # a client tag that only ends in "batch" is no batch
        sender.send("@+mybatch=1 PRIVMSG #lobby :a")
        taker.expect(r"PRIVMSG #lobby :a$")
        sender.send("BATCH +u chathistory #lobby")
        self.assertEqual(self.fail_of(sender)[0], "UNKNOWN_TYPE")
        # none of the refused batches reached anyone: only the "a" one of batch t
        got = [l for l in taker.sync() if "PRIVMSG" in l]
        self.assertEqual([params_of(l)[1][1] for l in got], ["a"])
        self.assertEqual(len([l for l in sender.sync() if " FAIL " in l]), 0)
        # the connection goes on
        sender.privmsg("#lobby", "still here")
        taker.expect(r"PRIVMSG #lobby :still here$")

    def test_batch_needs_the_cap(self):
        c = self.irc("nocap")
        c.send("BATCH +a draft/multiline #lobby")
        c.expect(r"^:parley 421 nocap BATCH ")

    def test_unfinished_batch_is_dropped_on_disconnect(self):
        sender = self.irc("sender", caps=CAPS)
        taker = self.irc("taker", caps=["draft/multiline", "batch"])
        sender.join("#lobby")
        taker.join("#lobby")
        sender.send("BATCH +open draft/multiline #lobby")
        for i in range(MAX_LINES):
            sender.send("@batch=open PRIVMSG #lobby :never %d" % i)
        sender.sync()
        sender.quit()
        taker.expect(r"^:sender!\S+ QUIT ")
        self.assertFalse([l for l in taker.sync() if "never" in l])


if __name__ == "__main__":
    main()
