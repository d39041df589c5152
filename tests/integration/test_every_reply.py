#!/usr/bin/env python3
"""Every command gets its reply: parameters with spaces, empty parameters and
odd combinations still get the right numeric (and the end numeric a client
waits for); a tag section without a command is not "line too long"; MODE
announces every change it applied; none of it makes the server log per line."""

import re

from harness import ServerTestCase, main

# (line alice sends, regex one reply line must match, what it is).
# alice is registered, op of #c (where bob is too) and nothing else.
CASES = [
    ("WHOIS :a b", r"^:parley 401 alice \S+ :", "WHOIS of a nick with a space: 401"),
    ("WHOIS :a b", r"^:parley 318 alice \S+ :", "WHOIS of a nick with a space: 318 end"),
    ("WHOIS x :a b", r"^:parley 318 alice \S+ :", "WHOIS server nick-with-space: 318 end"),
    ("WHOIS :", r"^:parley 431 alice :", "WHOIS of an empty nick: 431"),
    ("WHO :a b", r"^:parley 315 alice \S+ :", "WHO of a mask with a space: 315 end"),
    ("WHO :", r"^:parley 315 alice \S+ :", "WHO of an empty mask: 315 end"),
    ("NAMES :#a b", r"^:parley 366 alice \S+ :", "NAMES of a name with a space: 366 end"),
    ("NAMES :", r"^:parley 366 alice \S+ :", "NAMES of an empty list: 366 end"),
    ("NAMES ,", r"^:parley 366 alice \S+ :", "NAMES of a list of empty names: 366 end"),
    ("MODE :a b", r"^:parley (401|403|461) alice ", "MODE of a target with a space"),
    ("MODE :", r"^:parley 461 alice MODE :", "MODE of an empty target: 461"),
    ("KICK #c :a b", r"^:parley (401|441) alice ", "KICK of a nick with a space"),
    ("KICK #c :", r"^:parley 461 alice KICK :", "KICK of an empty nick list: 461"),
    ("KICK #c ,", r"^:parley 461 alice KICK :", "KICK of a list of empty nicks: 461"),
    ("JOIN :", r"^:parley 461 alice JOIN :", "JOIN of an empty list: 461"),
    ("JOIN ,", r"^:parley 461 alice JOIN :", "JOIN of a list of empty names: 461"),
    ("JOIN :#a b", r"^:parley 403 alice \S+ :", "JOIN of a name with a space: 403"),
    ("PART :", r"^:parley 461 alice PART :", "PART of an empty list: 461"),
    ("PART :#a b", r"^:parley 403 alice \S+ :", "PART of a name with a space: 403"),
    ("TOPIC :", r"^:parley 461 alice TOPIC :", "TOPIC of an empty channel: 461"),
    ("TOPIC :#a b", r"^:parley 403 alice \S+ :", "TOPIC of a name with a space: 403"),
    ("INVITE bob :#a b", r"^:parley 403 alice \S+ :", "INVITE to a name with a space: 403"),
    ("INVITE :a b", r"^:parley 461 alice INVITE :", "INVITE with one parameter: 461"),
    ("INVITE a,b #c", r"^:parley 401 alice \S+ :", "INVITE of a list of nicks: 401"),
    ("PRIVMSG , :hi", r"^:parley 411 alice :", "PRIVMSG to a list of empty targets: 411"),
    ("PRIVMSG :a b", r"^:parley 412 alice :", "PRIVMSG without text: 412"),
    ("NICK :a b", r"^:parley 432 alice \S+ :", "NICK with a space: 432"),
    ("CAP :a b", r"^:parley 410 alice \S+ :", "CAP subcommand with a space: 410"),
    ("CAP :", r"^:parley 410 alice \S+ :", "empty CAP subcommand: 410"),
    ("LIST :a b", r"^:parley 323 alice :", "LIST of a mask with a space: 323 end"),
    ("USERHOST :a b", r"^:parley 302 alice :", "USERHOST of a nick with a space: 302"),
    ("ISON :a b", r"^:parley 303 alice :", "ISON of two nicks in one parameter: 303"),
    ("MODE #c +k :a b", r"^:parley 696 alice #c k \S+ :", "a key with a space: 696"),
    ("MODE #c +b :a b", r"^:parley 696 alice #c b \S+ :", "a ban mask with a space: 696"),
    ("MODE #c +o :a b", r"^:parley 401 alice \S+ :", "+o of a nick with a space: 401"),
    ("MODE #c +l :a b", r"^:parley 696 alice #c l \S+ :", "a limit with a space: 696"),
]


class EveryReply(ServerTestCase):

    def room(self):
        alice = self.irc("alice")
        alice.join("#c")
        bob = self.irc("bob")
        bob.join("#c")
        alice.expect(r"^:bob!\S+ JOIN ")
        alice.sync()
        return alice, bob

    def test_each_odd_command_gets_its_numeric(self):
        alice, _ = self.room()
        missing = []
        for line, rx, what in CASES:
            alice.send(line)
            got = alice.sync()
            if not any(re.search(rx, l) for l in got):
                missing.append("%s: %r -> %r" % (what, line, got))
        self.assertEqual(missing, [], "commands without their reply:\n" + "\n".join(missing))
        self.assertServerAlive()

    def test_replies_never_cut_a_character(self):
        # found by fuzz_dispatch: a 472 per byte of a non-ASCII mode
        # "letter", and a 421 whose command was cut inside a character
        alice, _ = self.room()
        for line, rx in (("MODE #c +o\u202eo alice alice", r"^:parley 472 alice \u202e :"),
                         ("X" * 30 + "\u00e9 x", r"^:parley 421 alice X+ :")):
            alice.send(line)
            got = alice.sync()
            bad = [l for l in got if any("\udc80" <= ch <= "\udcff" for ch in l)]
            self.assertEqual(bad, [], "%r: reply with invalid UTF-8" % line)
            self.assertTrue(any(re.search(rx, l) for l in got), "%r -> %r" % (line, got))

    def test_tags_without_command_are_not_too_long(self):
        alice, _ = self.room()
        for line in ("@a=b", "@a=b ", "@a=b;c :prefix"):
            alice.send(line)
            got = alice.sync()
            self.assertFalse(any(" 417 " in l for l in got),
                             "%r answered as too long: %r" % (line, got))
            self.assertTrue(any(re.match(r"^:parley (NOTICE alice|4\d\d alice) ", l)
                                for l in got),
                            "%r got no error reply: %r" % (line, got))
        # a tagged command still works, and a real overlong tag section is 417
        alice.send("@a=b PRIVMSG #c :tagged")
        self.assertFalse(any(" 417 " in l for l in alice.sync()))
        alice.send("@" + "t" * 9000)
        alice.expect(r"^:parley 417 alice ")

    def test_client_errors_do_not_log_per_line(self):
        alice, _ = self.room()
        before = len(self.server.stderr_text().splitlines())
        bad = [c[0] for c in CASES] + ["@a=b", "MODE #c +b-k :a b"]
        rounds = 20
        for _ in range(rounds):
            for line in bad:
                alice.send(line)
        alice.sync(timeout=60)
        after = self.server.stderr_text().splitlines()[before:]
        noisy = [l for l in after if " ERROR " in l or " WARN " in l]
        self.assertEqual(noisy, [], "client errors logged: %d lines, e.g. %r"
                         % (len(noisy), noisy[:5]))
        self.assertLess(len(after), rounds, "the log grows with the client's bad lines: %r"
                        % after[:10])

    def mode_state(self, client, channel):
        client.send("MODE %s" % channel)
        m = client.expect(r"^:parley 324 %s %s (\S+)(.*)$" % (client.nick, re.escape(channel)))
        return set(m.group(1).lstrip("+"))

    def apply_modes(self, state, lines, channel):
        """Applies announced MODE lines (flags only) to a set of mode letters."""
        for line in lines:
            m = re.match(r"^:\S+ MODE %s (\S+)" % re.escape(channel), line)
            if not m:
                continue
            adding = True
            for ch in m.group(1):
                if ch in "+-":
                    adding = ch == "+"
                elif ch in "itnkl":
                    (state.add if adding else state.discard)(ch)
        return state

    def test_mode_announcements_match_state(self):
        alice, bob = self.room()
        for changes in ("+i-i+i-i+i-i+t-t+n-n+i",
                        "-t+t-t+t-n+n-n+n-i+i-i+i-t",
                        "+iiiiiiiiiiiiiiiiiiiiiiii-tn+t",
                        "+k-k+l-l+i key 5"):
            start = self.apply_modes(self.mode_state(bob, "#c"), [], "#c")
            bob.sync()
            alice.send("MODE #c %s" % changes)
            alice.sync()
            seen = bob.sync()
            announced = [l for l in seen if re.match(r"^:alice!\S+ MODE #c ", l)]
            self.assertTrue(announced, "no MODE announced for %s" % changes)
            for l in announced:
                self.assertLessEqual(len(l.encode()) + 2, 512, "MODE line too long: %r" % l)
            final = self.mode_state(bob, "#c")
            self.assertEqual(self.apply_modes(set(start), announced, "#c"), final,
                             "MODE %s: announced %r but the channel is +%s"
                             % (changes, announced, "".join(sorted(final))))

    def test_mode_with_spaced_argument_is_announced_or_refused(self):
        alice, bob = self.room()
        alice.send("MODE #c +k key")
        bob.expect(r"^:alice!\S+ MODE #c \+k key$")
        alice.send("MODE #c +b-k :a b")
        alice.sync()
        seen = bob.sync()
        final = self.mode_state(bob, "#c")
        announced = [l for l in seen if " MODE #c " in l]
        if "k" not in final:
            self.assertTrue(any(re.search(r"MODE #c \S*-k", l) for l in announced),
                            "key removed without an announcement: %r" % announced)


if __name__ == "__main__":
    main()
