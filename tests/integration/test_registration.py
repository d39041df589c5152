#!/usr/bin/env python3
"""Registration: greeting, welcome burst, CAP negotiation, nick rules,
PASS, PING/PONG, errors before and after registration."""

import re

from harness import IrcClient, ServerTestCase, main, strip_tags


def numerics(lines):
    out = []
    for line in lines:
        m = re.match(r"^:\S+ (\d{3}) ", strip_tags(line))
        if m:
            out.append(m.group(1))
    return out


class Registration(ServerTestCase):

    def test_greeting_then_welcome_burst(self):
        c = self.irc("alice", register=False)
        c.expect(r"^:parley NOTICE \* :.*nickname", strict=True)
        c.send("NICK alice")
        c.send("USER alice 0 * :Alice Example")
        lines = c.collect_until(r"^:parley (376|422) alice ")
        nums = numerics(lines)
        self.assertEqual(nums[:5], ["001", "002", "003", "004", "005"],
                         "welcome numerics out of order: %r" % nums)
        # every line of the burst comes from the server, addressed to alice
        for line in lines:
            self.assertRegex(line, r"^:parley \d{3} alice ", "unexpected line in burst")
        i005 = [l for l in lines if l.startswith(":parley 005 ")]
        isupport = set()
        for line in i005:
            self.assertTrue(line.endswith(":are supported by this server"), line)
            isupport.update(line.split(" :")[0].split()[3:])
        for tok in ("CASEMAPPING=rfc1459", "CHANTYPES=#", "NICKLEN=30", "CHANNELLEN=50",
                    "PREFIX=(ov)@+", "CHANMODES=beI,k,l,imnst", "NETWORK=parley"):
            self.assertIn(tok, isupport, "ISUPPORT (005) lacks %s: %s" % (tok, i005))
        self.assertTrue(any(re.fullmatch(r"TOPICLEN=\d+", t) for t in isupport),
                        "ISUPPORT lacks TOPICLEN=N: %s" % i005)
        # 001 carries the full prefix
        self.assertIn("alice!alice@127.0.0.1", lines[0])
        # 004: <me> <servername> <version> <usermodes> <chanmodes>
        l004 = [l for l in lines if l.startswith(":parley 004 ")][0]
        self.assertRegex(l004, r"^:parley 004 alice parley \S+ \S*i\S* \S+")
        # LUSERS after 005, in order, then MOTD/422 last
        rest = [n for n in nums if n not in ("001", "002", "003", "004", "005")]
        lusers = [n for n in rest if n in ("251", "252", "253", "254", "255", "265", "266")]
        self.assertEqual(lusers, sorted(lusers), "LUSERS replies out of order: %r" % nums)
        for n in ("251", "255", "265", "266"):
            self.assertIn(n, lusers, "LUSERS reply %s missing: %r" % (n, nums))
        self.assertGreater(nums.index("251"), max(i for i, n in enumerate(nums) if n == "005"))
        self.assertEqual(nums[-1], "422", "no --motd: expected 422 last, got %r" % nums)
        self.assertRegex(lines[-1], r"^:parley 422 alice :")
        # 251 counts alice
        l251 = [l for l in lines if l.startswith(":parley 251 ")][0]
        self.assertRegex(l251, r":There are 1 users")
        c.sync()

    def test_bare_lf_line_endings(self):
        c = self.irc("lfuser", register=False)
        c.send("NICK lfuser", eol="\n")
        c.send("USER lf 0 * :LF only", eol="\n")
        c.expect(r"^:parley 001 lfuser ")
        c.send("PING :lf", eol="\n")
        c.expect(r"^:parley PONG parley :?lf$")

    def test_register_user_before_nick(self):
        c = self.irc("order", register=False)
        c.send("USER order 0 * :Order")
        c.send("NICK order")
        c.expect(r"^:parley 001 order ")

    def test_nick_change_before_registration(self):
        c = self.irc(register=False)
        c.send("NICK first")
        c.send("NICK second")
        c.send("USER u 0 * :U")
        c.expect(r"^:parley 001 second ")
        c.sync()
        d = self.irc("first")  # the first nick was released
        d.sync()

    def test_cap_negotiation(self):
        c = self.irc(register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:parley CAP \* LS :(.*)$")
        caps = set(m.group(1).split())
        for cap in ("echo-message", "message-tags", "server-time"):
            self.assertIn(cap, caps)
        c.send("CAP REQ :server-time echo-message")
        m = c.expect(r"^:parley CAP \* ACK :(.*)$")
        self.assertEqual(set(m.group(1).split()), {"server-time", "echo-message"})
        c.send("NICK capper")
        c.send("USER capper 0 * :Cap")
        # registration must wait for CAP END
        c.send("CAP REQ :no-such-capability")
        before = c.collect_until(r"^:parley CAP \* NAK :?no-such-capability$")
        self.assertEqual([l for l in before if re.search(r" 001 ", l)], [],
                         "001 sent before CAP END")
        c.send("CAP END")
        c.expect(r"^:parley 001 capper ", raw=False)
        c.expect(r"^:parley (376|422) capper ")

    def test_cap_ls_without_version_and_cap_list(self):
        c = self.irc(register=False)
        c.send("CAP LS")
        c.expect(r"^:parley CAP \* LS :.*server-time")
        c.send("CAP END")
        c.send("NICK plainls")
        c.send("USER p 0 * :P")
        c.expect(r"^:parley 001 plainls ")

    def test_commands_before_registration_get_451(self):
        c = self.irc(register=False)
        # the first line decides IRC vs plain mode: start as an IRC client
        c.send("CAP LS 302")
        c.expect(r"^:parley CAP \* LS ")
        for cmd in ("JOIN #a", "PRIVMSG bob :hi", "WHOIS bob", "NAMES", "MODE #a"):
            c.send(cmd)
            m = c.expect(r"^:parley 451 (\S+) ")
            self.assertEqual(m.group(1), "*")
        # and the connection still registers
        c.send("CAP END")
        c.send("NICK late")
        c.send("USER late 0 * :Late")
        c.expect(r"^:parley 001 late ")

    def test_461_need_more_params(self):
        c = self.irc(register=False)
        c.send("USER onlyone")
        c.expect(r"^:parley 461 \* USER ")
        c.send("NICK nmp")
        c.send("USER nmp 0 * :N")
        c.expect(r"^:parley 001 nmp ")
        c.expect(r"^:parley (376|422) ")
        c.send("JOIN")
        c.expect(r"^:parley 461 nmp JOIN ")
        c.send("PART")
        c.expect(r"^:parley 461 nmp PART ")

    def test_462_already_registered(self):
        c = self.irc("reg")
        c.send("USER again 0 * :Again")
        c.expect(r"^:parley 462 reg ")
        c.send("PASS whatever")
        c.expect(r"^:parley 462 reg ")
        c.sync()

    def test_431_no_nick_given(self):
        c = self.irc(register=False)
        c.send("NICK")
        c.expect(r"^:parley 431 \* ")
        c.send("NICK :")
        c.expect(r"^:parley 431 \* ")
        d = self.irc("nn")
        d.send("NICK")
        d.expect(r"^:parley 431 nn ")

    def test_432_erroneous_nick(self):
        c = self.irc(register=False)
        for bad in ("1abc", "-dash", "bad!nick", "bad@nick", "a.b", "x" * 31, "#chan",
                    "caf\u00e9"):
            c.send("NICK " + bad)
            c.expect(r"^:parley 432 \* %s " % re.escape(bad))
        ok = "[a]\\`_^{|}-9"
        c.send("NICK " + ok)
        c.send("USER u 0 * :U")
        c.expect(r"^:parley 001 %s " % re.escape(ok))
        c.send("NICK 9lives")
        c.expect(r"^:parley 432 %s 9lives " % re.escape(ok))
        # a 30-byte nick is fine
        d = self.irc("n" * 30)
        d.sync()

    def test_433_nick_in_use_case_insensitive(self):
        self.irc("Alice")
        self.irc("[a]")
        self.irc("x\\y")
        c = self.irc(register=False)
        for taken in ("alice", "ALICE", "Alice", "{a}", "{A}", "[A]", "x|y", "X|Y"):
            c.send("NICK " + taken)
            c.expect(r"^:parley 433 \* %s " % re.escape(taken))
        c.send("NICK bob")
        c.send("USER bob 0 * :Bob")
        c.expect(r"^:parley 001 bob ")
        c.expect(r"^:parley (376|422) bob ")
        c.send("NICK aLiCe")
        c.expect(r"^:parley 433 bob aLiCe ")
        # changing case of one's own nick is allowed
        c.send("NICK BOB")
        c.expect(r"^:bob!bob@127\.0\.0\.1 NICK :?BOB$")

    def test_nick_freed_after_quit(self):
        a = self.irc("reuse")
        a.quit()
        b = self.irc("REUSE")
        b.sync()

    def test_ping_pong(self):
        c = self.irc("pinger")
        c.send("PING x")
        c.expect(r"^:parley PONG parley :x$", strict=True)
        c.send("PING :hello world")
        c.expect(r"^:parley PONG parley :hello world$", strict=True)
        c.send("ping lower")
        c.expect(r"^:parley PONG parley :lower$", strict=True)
        c.send("PING")
        c.expect(r"^:parley (409|461) pinger ")
        c.send("PONG :unsolicited")
        c.sync()  # no reply needed, connection fine

    def test_ping_before_registration(self):
        c = self.irc(register=False)
        c.send("NICK early")
        c.send("PING early")
        c.expect(r"^:parley (PONG parley :?early|451 (\*|early) )")

    def test_421_unknown_command(self):
        c = self.irc("unk")
        c.send("FOOBAR a b c")
        c.expect(r"^:parley 421 unk FOOBAR :")
        c.send("foobaz")
        c.expect(r"^:parley 421 unk (?i:foobaz) :")
        c.sync()

    def test_quit_before_registration(self):
        c = self.irc(register=False)
        c.send("NICK nope")
        c.send("QUIT :nope")
        c.expect(r"^ERROR :")
        c.expect_closed()

    def test_quit_gets_error_and_close(self):
        c = self.irc("leaver")
        c.send("QUIT :bye now")
        c.expect(r"^ERROR :")
        c.expect_closed()

    def test_empty_lines_ignored(self):
        c = self.irc(register=False)
        c.send_raw(b"\r\n\r\n\n")
        c.send("NICK empty")
        c.send("USER e 0 * :E")
        c.expect(r"^:parley 001 empty ")

    def test_luser_counts_users(self):
        self.irc("one")
        self.irc("two")
        c = self.irc("three")
        c.send("LUSERS")
        c.expect(r"^:parley 251 three :There are 3 users")
        c.expect(r"^:parley 255 three ")


class Password(ServerTestCase):
    server_args = ("--password", "s3cret")

    def test_correct_password(self):
        c = IrcClient(self.server.port, "good")
        self.clients.append(c)
        c.register(password="s3cret")
        c.sync()

    def test_wrong_password_464_and_close(self):
        c = self.irc("bad", register=False)
        c.send("PASS wrong")
        c.send("NICK bad")
        c.send("USER bad 0 * :Bad")
        c.expect(r"^:parley 464 ")
        c.expect(r"^ERROR :")
        c.expect_closed()
        self.assertFalse(any(" 001 " in l for l in c.received), "registered with wrong password")

    def test_missing_password_464(self):
        c = self.irc("nopass", register=False)
        c.send("NICK nopass")
        c.send("USER nopass 0 * :No")
        c.expect(r"^:parley 464 ")
        c.expect_closed()
        self.assertFalse(any(" 001 " in l for l in c.received))


if __name__ == "__main__":
    main()
