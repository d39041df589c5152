#!/usr/bin/env python3
"""Conformance with the Modern IRC documents (modern.ircdocs.horse) found by
an audit, command by command: each case checks the numeric and its
parameters. NOTICE is never answered with an error; ADMIN (256-258);
402 for a server that is not this one; extended-monitor; LUSERS 252."""

import os
import re
import tempfile

from harness import ServerTestCase, main, parse_line
from test_oper import hashed
from test_tls import TlsCaBase


def params_of(line):
    """(command, params) of a server line (or of the line an expect() matched)."""
    if isinstance(line, re.Match):
        line = line.string
    _, _, command, params = parse_line(line)
    return command, params


class Conformance(ServerTestCase):
    server_args = ("--flood", "off", "--max-per-ip", "0")

    def test_notice_never_gets_an_error(self):
        """"Servers must not send any error reply back to the client on receipt
        of a notice" (NOTICE, Modern IRC): not for a missing target, missing
        text, too many targets, a nick or room that does not exist."""
        alice = self.irc("alice")
        for line in ("NOTICE", "NOTICE :", "NOTICE alice", "NOTICE alice :",
                     "NOTICE nobody :x", "NOTICE #nowhere :x",
                     "NOTICE a,b,c,d,e :x"):
            alice.send(line)
        self.assertEqual(alice.sync(), [])
        # PRIVMSG keeps its errors
        alice.send("PRIVMSG")
        self.assertEqual(params_of(alice.expect_numeric("411")),
                         ("411", ["alice", "No recipient given (PRIVMSG)"]))
        alice.send("PRIVMSG alice :")
        self.assertEqual(params_of(alice.expect_numeric("412")),
                         ("412", ["alice", "No text to send"]))

    def test_other_server_is_402(self):
        """TIME, VERSION, MOTD, ADMIN and INFO take an optional server (or a
        nick on it): this server's name, a mask matching it or an online nick
        is answered as without it; any other gets 402 <server> :No such server
        and nothing else."""
        alice = self.irc("alice")
        for command in ("TIME", "VERSION", "MOTD", "ADMIN", "INFO"):
            alice.send(command + " elsewhere.example")
            got = alice.sync()
            self.assertEqual([params_of(l) for l in got],
                             [("402", ["alice", "elsewhere.example", "No such server"])],
                             command)
        alice.send("TIME parley")
        self.assertEqual(params_of(alice.expect_numeric("391"))[1][:2], ["alice", "parley"])
        alice.send("TIME PAR*")
        alice.expect_numeric("391")
        alice.send("VERSION alice")
        self.assertEqual(params_of(alice.expect_numeric("351"))[1][:3],
                         ["alice", "parley-%s." % os.environ["PARLEY_VERSION"], "parley"])

    def test_admin(self):
        """ADMIN [server]: 256 <client> <server> :Administrative info, then
        257 and 258 (what and where this server is)."""
        alice = self.irc("alice")
        for line in ("ADMIN", "ADMIN parley"):
            alice.send(line)
            got = [params_of(l) for l in alice.sync()]
            self.assertEqual(got[0], ("256", ["alice", "parley", "Administrative info"]))
            self.assertEqual([g[0] for g in got], ["256", "257", "258"])
            self.assertEqual(got[1][1][0], "alice")
            self.assertIn("parley", got[1][1][1])
            self.assertIn("Started", got[2][1][1])
        alice.send("HELP ADMIN")
        alice.expect(r"^:parley 704 alice ADMIN :ADMIN \[<server>\]$")

    def test_extended_monitor(self):
        """extended-monitor (IRCv3): a watcher with extended-monitor and
        away-notify / setname / account-notify also gets the AWAY, SETNAME
        and ACCOUNT lines of a nick it MONITORs while they share no room;
        once, when they do share one; none without extended-monitor or
        without the cap of that notification."""
        ext = self.irc("ext", caps=["extended-monitor", "away-notify", "setname",
                                    "account-notify"])
        noext = self.irc("noext", caps=["away-notify", "setname", "account-notify"])
        nocap = self.irc("nocap", caps=["extended-monitor"])
        for w in (ext, noext, nocap):
            w.send("MONITOR + target")
            w.sync()
        target = self.irc("target", caps=["setname"])
        for w in (ext, noext, nocap):
            w.expect_numeric("730")
        rx = r"^:target!target@127\.0\.0\.1 "
        target.send("AWAY :gone fishing")
        ext.expect(rx + "AWAY :gone fishing$", strict=True)
        target.send("AWAY")
        ext.expect(rx + "AWAY$", strict=True)
        target.send("SETNAME :New Name")
        target.expect(rx + "SETNAME :New Name$")
        ext.expect(rx + "SETNAME :New Name$", strict=True)
        target.send("REGISTER target * :correct horse battery")
        target.expect(r"REGISTER SUCCESS target ")
        ext.expect(rx + "ACCOUNT target$", strict=True)
        for w in (noext, nocap):
            self.assertEqual(w.sync(), [])
        # sharing a room: told once, not twice
        ext.join("#r")
        target.join("#r")
        ext.sync()
        target.send("AWAY :again")
        target.sync()
        got = [l for l in ext.sync() if " AWAY " in l]
        self.assertEqual(len(got), 1, got)
        # no longer watched: only what the room tells
        target.send("PART #r")
        ext.send("MONITOR - target")
        ext.sync()
        target.send("AWAY")
        target.sync()
        self.assertEqual([l for l in ext.sync() if " AWAY" in l], [])

    def test_extended_monitor_away_when_coming_online(self):
        """extended-monitor: a watched nick that comes online already away
        (someone away changes to it) is followed, after the 730, by its AWAY
        for watchers with away-notify; a room-mate, who knows already, is
        not told again; nor is a watcher without away-notify."""
        ext = self.irc("ext", caps=["extended-monitor", "away-notify"])
        mate = self.irc("mate", caps=["extended-monitor", "away-notify"])
        noaway = self.irc("noaway", caps=["extended-monitor"])
        for w in (ext, mate, noaway):
            w.send("MONITOR + target")
            w.expect_numeric("731")
        x = self.irc("x")
        x.join("#r")
        mate.join("#r")
        x.send("AWAY :out to lunch")
        x.expect_numeric("306")
        mate.expect(r"^:x!x@127\.0\.0\.1 AWAY :out to lunch$")
        x.send("NICK target")
        x.expect(r"^:x!x@127\.0\.0\.1 NICK target$")
        got = [l for l in ext.sync() if " 73" in l or " AWAY" in l]
        self.assertEqual(got, [":parley 730 ext :target!x@127.0.0.1",
                               ":target!x@127.0.0.1 AWAY :out to lunch"])
        got = [l for l in mate.sync() if " 73" in l or " AWAY" in l]
        self.assertEqual(got, [":parley 730 mate :target!x@127.0.0.1"])
        self.assertEqual(noaway.sync(), [":parley 730 noaway :target!x@127.0.0.1"])
        # back (told: it is watched), then not away: the 730 alone
        x.send("AWAY")
        x.send("NICK other")
        x.expect(r"NICK other$")
        x.send("NICK target")
        x.expect(r"NICK target$")
        got = [l for l in ext.sync() if " 73" in l or " AWAY" in l]
        self.assertEqual(got, [":target!x@127.0.0.1 AWAY",
                               ":parley 731 ext :target",
                               ":parley 730 ext :target!x@127.0.0.1"])

    def test_whois_channels_split_over_319_lines(self):
        """A user in more rooms than fit one line gets several 319 lines
        (each within the 512-byte limit), listing every room."""
        alice = self.irc("alice")
        rooms = ["#%02d%s" % (i, "r" * 46) for i in range(20)]
        for r in rooms:
            alice.join(r)
        alice.send("WHOIS alice")
        lines = alice.collect_until(r"^:parley 318 ")
        listed = []
        for l in lines:
            self.assertLessEqual(len(l.encode()) + 2, 512)
            n, p = params_of(l)
            if n == "319":
                self.assertEqual(p[:2], ["alice", "alice"])
                listed += p[2].split()
        self.assertEqual(sorted(listed), sorted("@" + r for r in rooms))

    def test_topic_of_a_secret_room_is_not_shown_to_outsiders(self):
        """TOPIC #secret from someone not in it: 442, not the topic (a +s
        room is hidden from non-members); members and open rooms as before."""
        alice = self.irc("alice")
        alice.join("#s")
        alice.send("MODE #s +s")
        alice.send("TOPIC #s :the plan")
        alice.expect(r"^:alice!\S+ TOPIC #s :the plan$")
        bob = self.irc("bob")
        bob.send("TOPIC #s")
        self.assertEqual([params_of(l) for l in bob.sync()],
                         [("442", ["bob", "#s", "You're not on that channel"])])
        alice.send("TOPIC #s")
        self.assertEqual(params_of(alice.expect_numeric("332")),
                         ("332", ["alice", "#s", "the plan"]))
        alice.send("MODE #s -s")
        alice.expect(r"MODE #s -s$")
        bob.send("TOPIC #s")
        self.assertEqual(params_of(bob.expect_numeric("332")),
                         ("332", ["bob", "#s", "the plan"]))

    def test_short_ban_masks_are_completed(self):
        """MODE #r +b nick (or user@host, nick!user): the mask is completed
        to nick!user@host (nick!*@*, *!user@host, nick!user@*), shown so in
        the MODE line and 367, and bans that user; -b with the short form
        removes it. Likewise +e and +I."""
        alice = self.irc("alice")
        alice.join("#r")
        alice.send("MODE #r +b bob")
        alice.expect(r"^:alice!\S+ MODE #r \+b bob!\*@\*$")
        alice.send("MODE #r +b carol@*")
        alice.expect(r"^:alice!\S+ MODE #r \+b \*!carol@\*$")
        alice.send("MODE #r +e dave")
        alice.expect(r"^:alice!\S+ MODE #r \+e dave!\*@\*$")
        alice.send("MODE #r b")
        got = [params_of(l)[1][2] for l in alice.collect_until(r" 368 ") if " 367 " in l]
        self.assertEqual(got, ["bob!*@*", "*!carol@*"])
        bob = self.irc("bob")
        bob.send("JOIN #r")
        self.assertEqual(params_of(bob.expect_numeric("474"))[1][:2], ["bob", "#r"])
        carol = self.irc("carol")
        carol.send("JOIN #r")
        carol.expect_numeric("474")
        alice.send("MODE #r -b bob")
        alice.expect(r"^:alice!\S+ MODE #r -b bob!\*@\*$")
        bob.join("#r")

    def test_ping_pong_parameters(self):
        """PING without a token is 461; an empty token (PING :) is 409
        ERR_NOORIGIN, which Modern IRC keeps for it; PONG has no numeric
        replies in Modern IRC, so a PONG without parameters is ignored."""
        alice = self.irc("alice")
        alice.send("PING")
        self.assertEqual(params_of(alice.expect_numeric("461")),
                         ("461", ["alice", "PING", "Not enough parameters"]))
        alice.send("PING :")
        self.assertEqual([params_of(l) for l in alice.sync()],
                         [("409", ["alice", "No origin specified"])])
        for line in ("PONG", "PONG :", "PONG x"):
            alice.send(line)
        self.assertEqual(alice.sync(), [])
        alice.send("PING :a b")
        alice.expect(r"^:parley PONG parley :a b$")

    def test_users_and_summon_are_disabled(self):
        """RFC 2812 4.5 and 4.6: a server without USERS / SUMMON answers
        446 ERR_USERSDISABLED / 445 ERR_SUMMONDISABLED (not 421)."""
        alice = self.irc("alice")
        alice.send("USERS")
        self.assertEqual([params_of(l) for l in alice.sync()],
                         [("446", ["alice", "USERS has been disabled"])])
        alice.send("summon bob")
        self.assertEqual([params_of(l) for l in alice.sync()],
                         [("445", ["alice", "SUMMON has been disabled"])])
        alice.send("HELP USERS")
        alice.expect_numeric("704")

    def test_modes_of_a_secret_room_are_its_members(self):
        """MODE #room (and its lists) of a +s room one is not in answers
        442, as TOPIC does: the room is hidden from outsiders. Members and
        a room that is not secret answer 324/329 as before."""
        alice = self.irc("alice")
        bob = self.irc("bob")
        alice.join("#secret")
        alice.send("MODE #secret +s")
        alice.expect(r"MODE #secret \+s$")
        for line in ("MODE #secret", "MODE #secret b", "MODE #secret +e"):
            bob.send(line)
            self.assertEqual([params_of(l) for l in bob.sync()],
                             [("442", ["bob", "#secret", "You're not on that channel"])],
                             line)
        alice.send("MODE #secret")
        self.assertEqual(params_of(alice.expect_numeric("324"))[1], ["alice", "#secret", "+nst"])
        alice.send("MODE #secret -s")
        alice.expect(r"MODE #secret -s$")
        bob.send("MODE #secret")
        self.assertEqual(params_of(bob.expect_numeric("324"))[1], ["bob", "#secret", "+nt"])

    def test_account_registration_need_nick_and_verify(self):
        """draft/account-registration: REGISTER before NICK is
        FAIL REGISTER NEED_NICK * (the spec's form: no account yet); VERIFY
        (the spec's second command) is known: no registration here ever
        needs verifying, so any code is FAIL VERIFY INVALID_CODE, and a
        logged-in client gets FAIL VERIFY ALREADY_AUTHENTICATED."""
        c = self.irc(register=False)
        c.send("REGISTER wanted * :correct horse battery")
        m = c.expect(r" FAIL REGISTER ")
        self.assertEqual(params_of(m)[1][:3], ["REGISTER", "NEED_NICK", "*"])
        c.send("VERIFY wanted 1234")
        m = c.expect(r" FAIL VERIFY ")
        self.assertEqual(params_of(m)[1][:3], ["VERIFY", "INVALID_CODE", "wanted"])
        alice = self.irc("alice")
        alice.send("VERIFY * 1234")
        got = [params_of(l) for l in alice.sync()]
        self.assertEqual([(g[0], g[1][:3]) for g in got],
                         [("FAIL", ["VERIFY", "INVALID_CODE", "alice"])])
        alice.send("VERIFY alice")
        alice.expect_numeric("461", "alice VERIFY ")
        alice.send("REGISTER alice * :correct horse battery")
        alice.expect(r"REGISTER SUCCESS alice ")
        alice.sync()
        alice.send("VERIFY alice 1234")
        got = [params_of(l) for l in alice.sync()]
        self.assertEqual([(g[0], g[1][:3]) for g in got],
                         [("FAIL", ["VERIFY", "ALREADY_AUTHENTICATED", "alice"])])

    def test_client_tag_key_sent_twice_is_relayed_once(self):
        """message-tags: a key is used at most once per message and a
        receiver keeps its final occurrence; the relay carries it once."""
        alice = self.irc("alice", caps=["message-tags"])
        bob = self.irc("bob", caps=["message-tags"])
        alice.send("@+k=1;+j;+k=2 PRIVMSG bob :twice")
        line = bob.expect(r"PRIVMSG bob :twice$", raw=True).string
        section = line[1:line.index(" ")].split(";")
        self.assertEqual([t for t in section if t.startswith("+")], ["+j", "+k=2"])

    def test_extended_monitor_offered(self):
        c = self.irc(register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertIn("extended-monitor", m.group(1).split())


    def test_quit_without_reason_is_quit_colon_space(self):
        """QUIT with no or an empty reason: others see "Quit: " (Modern IRC:
        the prefix applies even if <reason> is empty)."""
        alice = self.irc("alice")
        alice.join("#c")
        for nick, line in (("bob", "QUIT"), ("carol", "QUIT :")):
            c = self.irc(nick)
            c.join("#c")
            alice.expect(r"^:%s!\S+ JOIN #c$" % nick)
            c.send(line)
            m = alice.expect(r"^:%s!\S+ QUIT" % nick)
            self.assertEqual(params_of(m), ("QUIT", ["Quit: "]))

    def test_mode_limit_to_same_value_is_not_announced(self):
        """+l to the value already set changes nothing: no MODE line (as +t
        on a +t room); a new value is announced."""
        alice = self.irc("alice")
        bob = self.irc("bob")
        alice.join("#c")
        bob.join("#c")
        alice.send("MODE #c +l 5")
        bob.expect(r"^:alice!\S+ MODE #c \+l 5$")
        alice.expect(r"^:alice!\S+ MODE #c \+l 5$")
        alice.send("MODE #c +l 5")
        alice.send("MODE #c +tl 5")
        self.assertEqual([l for l in bob.sync() if " MODE " in l], [])
        self.assertEqual([l for l in alice.sync() if " MODE " in l], [])
        alice.send("MODE #c +l 6")
        bob.expect(r"^:alice!\S+ MODE #c \+l 6$")

    def test_mode_key_same_missing_replaced(self):
        """+k with the key already set changes nothing (no MODE line); +k with
        no key is a missing parameter (461, as +o without a nick), not a
        malformed key; a new key replaces the old one (Modern IRC lets a
        server echo the change); -k with any key removes it."""
        alice = self.irc("alice")
        bob = self.irc("bob")
        alice.join("#c")
        bob.join("#c")
        alice.expect(r"^:bob!\S+ JOIN #c$")
        alice.send("MODE #c +k one")
        bob.expect(r"^:alice!\S+ MODE #c \+k one$")
        alice.expect(r"^:alice!\S+ MODE #c \+k one$")
        alice.send("MODE #c +k one")
        alice.send("MODE #c +k")
        self.assertEqual([params_of(l) for l in alice.sync()],
                         [("461", ["alice", "MODE", "Not enough parameters"])])
        self.assertEqual(bob.sync(), [])
        alice.send("MODE #c +k two")
        bob.expect(r"^:alice!\S+ MODE #c \+k two$")
        alice.send("MODE #c -k wrong")
        bob.expect(r"^:alice!\S+ MODE #c -k \*$")


class OperCount(ServerTestCase):
    """LUSERS: 252 <client> <ops> :operator(s) online when there are any."""
    start_server = False

    def setUp(self):
        super().setUp()
        fd, conf = tempfile.mkstemp(prefix="parley-conf-")
        os.close(fd)
        self.addCleanup(os.unlink, conf)
        with open(conf, "w") as f:
            f.write("oper boss %s\n" % hashed("hunter2"))
        self.srv = self.make_server(["--config", conf])

    def make_oper(self, c):
        c.send("OPER boss hunter2")
        c.expect_numeric("381")

    def lusers(self, c):
        c.send("LUSERS")
        return [p for p in (params_of(l) for l in c.collect_until(r"^:parley 266 "))
                if p[0].isdigit()]

    def test_252_counts_operators(self):
        alice = self.irc("alice", server=self.srv)
        self.assertNotIn("252", [n for n, _ in self.lusers(alice)])
        self.make_oper(alice)
        got = self.lusers(alice)
        self.assertIn(("252", ["alice", "1", "operator(s) online"]), got)
        self.assertEqual([n for n, _ in got], ["251", "252", "254", "255", "265", "266"])
        alice.send("MODE alice -o")
        alice.expect(r"^:alice MODE alice -o$")
        self.assertNotIn("252", [n for n, _ in self.lusers(alice)])

    def test_counts_follow_invisible_oper_and_quit(self):
        """251/252/265 are kept as flags change, not counted on demand: an
        invisible operator who quits leaves both counts, the high-water mark
        stays."""
        alice = self.irc("alice", server=self.srv)
        bob = self.irc("bob", server=self.srv)
        bob.send("MODE bob +i")
        bob.expect(r"^:bob MODE bob \+i$")
        self.make_oper(bob)
        got = dict(self.lusers(alice))
        self.assertEqual(got["251"][1], "There are 1 users and 1 invisible on 1 servers")
        self.assertEqual(got["252"][1], "1")
        self.assertEqual(got["265"][1:3], ["2", "2"])
        bob.send("QUIT :bye")
        bob.expect(r"^ERROR ")
        alice.sync()
        got = dict(self.lusers(alice))
        self.assertEqual(got["251"][1], "There are 1 users and 0 invisible on 1 servers")
        self.assertNotIn("252", got)
        self.assertEqual(got["265"][1:3], ["1", "2"])
        alice.send("MODE alice +i")
        alice.expect(r"^:alice MODE alice \+i$")
        got = dict(self.lusers(alice))
        self.assertEqual(got["251"][1], "There are 0 users and 1 invisible on 1 servers")

    def test_kill_victim_gets_kill_then_error(self):
        """KILL (Modern IRC): the victim receives the KILL message with the
        operator as source, then ERROR :Closing Link: <server> (Killed
        (<killer> (<reason>))); those sharing a room hear QUIT :Killed
        (<killer> (<reason>))."""
        alice = self.irc("alice", server=self.srv)
        victim = self.irc("victim", server=self.srv)
        witness = self.irc("witness", server=self.srv)
        for c in (victim, witness):
            c.join("#room")
        self.make_oper(alice)
        alice.send("KILL victim :spamming")
        victim.expect(r"^:alice!alice@127\.0\.0\.1 KILL victim :spamming$", strict=False)
        victim.expect(r"^ERROR :Closing Link: parley \(Killed \(alice \(spamming\)\)\)$")
        victim.expect_closed()
        witness.expect(r"^:victim!\S+ QUIT :Killed \(alice \(spamming\)\)$")

    def test_wallops_only_to_plus_w(self):
        """WALLOPS goes to the users with +w (Modern IRC), and is echoed to its
        sender; an operator without +w does not get it."""
        alice = self.irc("alice", server=self.srv)
        other_oper = self.irc("carol", server=self.srv)
        listener = self.irc("listener", server=self.srv)
        for c in (alice, other_oper):
            self.make_oper(c)
        listener.send("MODE listener +w")
        listener.expect(r"^:listener MODE listener \+w$")
        alice.send("WALLOPS :hello")
        alice.expect(r"^:alice!\S+ WALLOPS :hello$")
        listener.expect(r"^:alice!\S+ WALLOPS :hello$")
        self.assertEqual([l for l in other_oper.sync() if "WALLOPS" in l], [])


class WhoisSecure(TlsCaBase):
    """WHOIS of someone connected over TLS: 671 <client> <nick> :is using a
    secure connection; none for a plain TCP connection."""

    def test_671(self):
        self.start()
        alice = self.tls()
        alice.expect(r"Welcome to parley")
        alice.register("alice")
        bob = self.irc("bob")
        bob.send("WHOIS alice")
        got = [params_of(l) for l in bob.collect_until(r"^:parley 318 ")]
        self.assertIn(("671", ["bob", "alice", "is using a secure connection"]), got)
        bob.send("WHOIS bob")
        got = [params_of(l) for l in bob.collect_until(r"^:parley 318 ")]
        self.assertNotIn("671", [n for n, _ in got])


if __name__ == "__main__":
    main()
