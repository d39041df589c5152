#!/usr/bin/env python3
"""Bad input: overlong lines, invalid UTF-8, control bytes, binary garbage,
missing params, pre-registration commands, silent clients, half lines,
connection limits."""

import random
import re
import socket
import time

from harness import LineClient, ServerTestCase, main, poll_until

ERRLINE = re.compile(r"^:parley (FAIL|NOTICE|\d{3}) ")


class BadInput(ServerTestCase):

    def pair(self, room="#room"):
        alice = self.irc("alice")
        alice.join(room)
        bob = self.irc("bob")
        bob.join(room)
        alice.expect(r"^:bob!\S+ JOIN ")
        return alice, bob

    def assert_refused(self, sender, receiver, payload, what, marker_text):
        """sender sends payload (bytes, one line without EOL); it must get an
        error line, the receiver must not get the message, and a following
        good message (marker_text) must arrive normally."""
        sender.send(payload)
        lines = sender.sync()
        self.assertTrue(any(ERRLINE.match(l) for l in lines),
                        "%s: no error reply to the refused message; got %r" % (what, lines))
        sender.privmsg("#room", marker_text)
        before = receiver.collect_until(r"PRIVMSG #room :%s$" % re.escape(marker_text))[:-1]
        self.assertEqual([l for l in before if " PRIVMSG " in l or " NOTICE " in l], [],
                         "%s: refused message was delivered: %r" % (what, before))
        return lines

    # ---- overlong lines

    def test_overlong_line_417_then_next_line_works(self):
        alice, bob = self.pair()
        alice.send("PRIVMSG #room :" + "x" * 600)
        alice.expect(r"^:parley 417 alice :")
        alice.privmsg("#room", "short one")
        before = bob.collect_until(r"^:alice!\S+ PRIVMSG #room :short one$")
        self.assertFalse(any("xxxx" in l for l in before), "overlong line (or its tail) "
                         "was delivered: %r" % before)
        # much longer, spanning many reads
        alice.send("PRIVMSG #room :" + "y" * 20000)
        alice.expect(r"^:parley 417 alice :")
        alice.sync()
        alice.privmsg("#room", "still fine")
        before = bob.collect_until(r"PRIVMSG #room :still fine$")
        self.assertFalse(any("yyyy" in l for l in before))
        self.assertFalse(any(" 421 " in l for l in alice.received),
                         "the tail of an overlong line was parsed as a command")

    def test_line_length_boundary(self):
        alice, bob = self.pair()
        head = "PRIVMSG #room :"
        ok = head + "a" * (510 - len(head))   # 510 + CRLF = 512 bytes: allowed
        alice.send(ok)
        m = bob.expect(r"^:alice!\S+ PRIVMSG #room :?(a+)$")
        self.assertGreaterEqual(len(m.group(1)), 400)
        self.assertFalse(any(" 417 " in l for l in alice.sync()), "512-byte line refused")
        bad = head + "b" * (511 - len(head))  # 513 bytes with CRLF
        alice.send(bad)
        alice.expect(r"^:parley 417 alice ")
        alice.privmsg("#room", "after boundary")
        before = bob.collect_until(r"PRIVMSG #room :after boundary$")
        self.assertFalse(any("bbbb" in l for l in before))

    def test_long_tag_section_allowed(self):
        alice = self.irc("alice", caps=["message-tags"])
        alice.join("#room")
        bob = self.irc("bob")
        bob.join("#room")
        alice.send("@+example/big=%s PRIVMSG #room :tagged" % ("t" * 4000))
        bob.expect(r"^:alice!\S+ PRIVMSG #room :?tagged$")
        self.assertFalse(any(" 417 " in l for l in alice.sync()))

    def test_overlong_line_plain_mode(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        alice.expect(r"^:bob!\S+ JOIN ")
        mark = bob.mark()
        bob.say("z" * 2000)
        bob.wait_lines(lambda ls: any(l.startswith("*** ") for l in ls),
                       "a *** error line for the overlong line", since=mark)
        bob.say("normal line")
        before = alice.collect_until(r"PRIVMSG #lobby :normal line$")
        self.assertFalse(any("zzzz" in l for l in before))

    # ---- invalid text

    def test_invalid_utf8_refused(self):
        alice, bob = self.pair()
        for bad in (b"PRIVMSG #room :bad \xff\xfe text", b"PRIVMSG #room :\xc3\x28",
                    b"PRIVMSG #room :overlong \xc0\xaf", b"PRIVMSG #room :surrogate \xed\xa0\x80",
                    b"PRIVMSG bob :private \xff"):
            lines = self.assert_refused(alice, bob, bad, "invalid UTF-8 %r" % bad,
                                        "good after %d" % len(bad))
            self.assertTrue(any("utf-8" in l.lower() for l in lines),
                            "no line mentioning UTF-8: %r" % lines)

    def test_invalid_utf8_plain_mode(self):
        alice = self.irc("alice")
        alice.join("#lobby")
        bob = self.plain("bob")
        alice.expect(r"^:bob!\S+ JOIN ")
        mark = bob.mark()
        bob.send(b"broken \xff\xfe text")
        bob.wait_lines(lambda ls: any("utf-8" in l.lower() for l in ls),
                       "a line mentioning UTF-8", since=mark)
        bob.say("fine text")
        before = alice.collect_until(r"PRIVMSG #lobby :fine text$")
        self.assertFalse(any("broken" in l for l in before))

    def test_nul_and_control_bytes_refused(self):
        alice, bob = self.pair()
        for i, ch in enumerate(("\x00", "\x07", "\x1b", "\t", "\x01\x00", "\x08")):
            self.assert_refused(alice, bob, ("PRIVMSG #room :a%sb" % ch).encode(),
                                "control byte %r" % ch, "ctl marker %d" % i)
        # a NUL in the command part too
        alice.send(b"PRI\x00VMSG #room :nul in command")
        alice.sync()
        alice.privmsg("#room", "after nul command")
        before = bob.collect_until(r"PRIVMSG #room :after nul command$")
        self.assertFalse(any("nul in command" in l for l in before))

    def test_formatting_codes_allowed(self):
        alice, bob = self.pair()
        text = "\x02b\x02 \x0303,04c\x03 \x0fr \x16v \x1di \x1fu"
        alice.privmsg("#room", text)
        bob.expect("^:alice!\\S+ PRIVMSG #room :" + re.escape(text) + "$")

    def test_binary_garbage(self):
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.join("#room")
        g = self.irc("garbler")
        g.join("#room")
        bob.expect(r"^:garbler!\S+ JOIN ")
        rnd = random.Random(1459)
        garbage = bytes(rnd.randrange(256) for _ in range(4096))
        try:
            g.send_raw(garbage)
            g.send_raw(b"\r\nPING :after-garbage\r\n")
        except OSError:
            pass
        # the garbler either gets its PONG or is disconnected; either is fine
        poll_until(lambda: g.is_closed() or any("after-garbage" in l for l in g.received),
                   timeout=10)
        self.assertServerAlive()
        carol.privmsg("#room", "garbage marker")
        before = bob.collect_until(r"^:carol!\S+ PRIVMSG #room :garbage marker$")
        for line in before:
            self.assertTrue(line.isprintable() or
                            all(ch.isprintable() or ch in "\x02\x03\x0f\x16\x1d\x1f\x01"
                                for ch in line),
                            "bob received a garbage line: %r" % line)
            self.assertNotIn("\udcff", line)
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                self.fail("bob received invalid UTF-8: %r" % line)
        # a new client can still register and talk
        dave = self.irc("dave")
        dave.join("#room")
        dave.privmsg("#room", "hello after garbage")
        bob.expect(r"^:dave!\S+ PRIVMSG #room :hello after garbage$")

    # ---- commands

    def test_missing_params_461(self):
        alice = self.irc("alice")
        alice.join("#room")
        for cmd in ("JOIN", "PART", "KICK #room", "TOPIC", "INVITE alice", "MODE", "USERHOST",
                    "ISON", "KICK"):
            alice.send(cmd)
            word = cmd.split()[0]
            alice.expect(r"^:parley 461 alice %s :" % word)
        alice.sync()

    def test_unknown_commands(self):
        alice = self.irc("alice")
        for cmd in ("XYZZY", "PRIVMSGX #room :x", "123"):
            alice.send(cmd)
            alice.expect(r"^:parley 421 alice %s :" % cmd.split()[0])
        # a non-ASCII command is unknown too
        alice.send("J\u00d6IN #x")
        alice.expect(r"^:parley 421 alice ")
        alice.sync()

    def test_commands_before_registration(self):
        c = self.irc(register=False)
        c.expect(r"NOTICE \* ", strict=True)
        c.send("NICK prereg")
        for cmd in ("JOIN #room", "PRIVMSG #room :x", "TOPIC #room", "WHO #room", "AWAY :x",
                    "LIST", "QUITX"):
            c.send(cmd)
            c.expect(r"^:parley (451|421) (\*|prereg) ")
        c.send("USER prereg 0 * :P")
        c.expect(r"^:parley 001 prereg ")

    def test_silent_client_reg_timeout(self):
        srv = self.make_server(["--reg-timeout", "1"])
        c = LineClient(srv.port, name="silent")
        self.clients.append(c)
        c.expect(r"^:parley NOTICE \* ")
        c.expect(r"^ERROR :", timeout=10)
        c.expect_closed()
        self.assertTrue(srv.alive())

    def test_disconnect_mid_line(self):
        alice, bob = self.pair()
        carol = self.irc("carol")
        carol.join("#room")
        alice.send_raw(b"PRIVMSG #room :partial message without newl")
        alice.close()
        bob.expect(r"^:alice!\S+ QUIT ")
        carol.privmsg("#room", "mid-line marker")
        before = bob.collect_until(r"PRIVMSG #room :mid-line marker$")
        self.assertFalse(any("partial" in l for l in before), before)

    def test_half_line_then_rest(self):
        # a line arriving in many small pieces is one line
        alice, bob = self.pair()
        for piece in (b"PRIV", b"MSG #ro", b"om :split", b" up", b"\r", b"\n"):
            alice.send_raw(piece)
            time.sleep(0.01)
        bob.expect(r"^:alice!\S+ PRIVMSG #room :split up$")

    def test_many_lines_in_one_packet(self):
        alice, bob = self.pair()
        alice.send_raw(b"".join(b"PRIVMSG #room :batch %d\r\n" % i for i in range(50)))
        for i in range(50):
            bob.expect(r"PRIVMSG #room :batch %d$" % i, strict=True)


class Limits(ServerTestCase):
    start_server = False

    def test_max_clients(self):
        srv = self.make_server(["--max-clients", "3"])
        first = [self.irc("c%d" % i, server=srv) for i in range(3)]
        extra = LineClient(srv.port, name="extra")
        self.clients.append(extra)
        extra.expect(r"(?i)^ERROR :.*full")
        extra.expect_closed()
        self.assertFalse(any(" 001 " in l for l in extra.received))
        for c in first:
            c.sync()
        # after one leaves, a new client gets in (the server may need a moment
        # to notice the close)
        first[0].quit()

        def try_join():
            c = LineClient(srv.port, name="later")
            self.clients.append(c)
            # a refused connection may be closed before these are written
            c.try_send("NICK later")
            c.try_send("USER later 0 * :L")
            try:
                c.expect(r"^(ERROR|:parley 001 )", timeout=10)
            except AssertionError:
                return False
            if c.last_line.startswith("ERROR"):
                c.close()
                return False
            return True

        self.assertTrue(poll_until(try_join, timeout=10, interval=0.2),
                        "a slot did not free up after a client quit")

    def test_unregistered_connections_count(self):
        srv = self.make_server(["--max-clients", "2"])
        a = LineClient(srv.port, name="a")
        b = LineClient(srv.port, name="b")
        self.clients += [a, b]
        a.expect(r"NOTICE \* ")
        b.expect(r"NOTICE \* ")
        c = LineClient(srv.port, name="c")
        self.clients.append(c)
        c.expect(r"(?i)^ERROR :.*full")
        c.expect_closed()

    def test_max_per_ip(self):
        srv = self.make_server(["--max-per-ip", "2"])
        a = self.irc("a1", server=srv)
        b = self.irc("a2", server=srv)
        extra = LineClient(srv.port, name="extra")
        self.clients.append(extra)
        extra.expect(r"^ERROR :")
        extra.expect_closed()
        self.assertFalse(any(" 001 " in l for l in extra.received))
        # another loopback source address is a different IP
        try:
            other = LineClient(srv.port, name="other-ip", source="127.0.0.2")
        except OSError as e:
            self.skipTest("cannot bind 127.0.0.2: %s" % e)
        self.clients.append(other)
        other.send("NICK other")
        other.send("USER other 0 * :O")
        other.expect(r"^:parley 001 other ")
        a.sync()
        b.sync()


if __name__ == "__main__":
    main()
