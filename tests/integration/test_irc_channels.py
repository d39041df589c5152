#!/usr/bin/env python3
"""IRC channel conformance (issue 12): secret (+s) and moderated (+m) rooms,
WHO and invisible users, key and limit checks, +e and +I lists, INVITE
with no arguments, KICK and NAMES of several targets, STATUSMSG, the LIST
filters of ELIST=CMNTU, and the 005 tokens that announce them. Numerics
and parameters per the Modern IRC documents."""

import re
import shutil
import tempfile

from harness import ServerTestCase, main


def numerics(lines, numeric):
    """The lines of one numeric among lines (tags stripped by the caller)."""
    return [l for l in lines if re.search(r"^:\S+ %s(?= |$)" % re.escape(numeric), l)]


class Channels(ServerTestCase):

    def op_room(self, nick="alice", room="#room", modes=None):
        c = self.irc(nick)
        c.join(room)
        if modes:
            c.send("MODE %s %s" % (room, modes))
            c.expect(r"^:%s!\S+ MODE %s " % (nick, room))
        return c

    def upto(self, c, numeric):
        """Every line up to and including the first `numeric` reply."""
        return c.collect_until(r"^:\S+ %s " % numeric)

    # --- +s ---

    def test_secret_room_names_symbol_and_hidden_from_outsiders(self):
        alice = self.op_room(modes="+s", room="#sec")
        alice.join("#pub")
        alice.send("NAMES #sec")
        alice.expect(r"^:parley 353 alice @ #sec :@alice$")
        alice.expect(r"^:parley 366 alice #sec :")
        alice.send("LIST")
        listed = self.upto(alice, "323")
        self.assertEqual(len(numerics(listed, "322 alice #sec")), 1, listed)

        bob = self.irc("bob")
        bob.send("NAMES #sec")
        lines = self.upto(bob, "366")
        self.assertEqual(numerics(lines, "353"), [], lines)
        bob.send("LIST")
        listed = self.upto(bob, "323")
        self.assertEqual(numerics(listed, "322 bob #sec"), [], listed)
        self.assertEqual(len(numerics(listed, "322 bob #pub 1")), 1, listed)
        bob.send("WHOIS alice")
        bob.expect(r"^:parley 319 alice\b|^:parley 319 bob alice :@#pub$")
        bob.expect(r"^:parley 318 bob alice ")
        bob.send("WHO #sec")
        lines = self.upto(bob, "315")
        self.assertEqual(numerics(lines, "352"), [], lines)
        # A member sees it all.
        bob2 = self.irc("carol")
        bob2.join("#sec")
        bob2.send("WHOIS alice")
        m = bob2.expect(r"^:parley 319 carol alice :(.*)$")
        self.assertEqual(sorted(m.group(1).split()), ["@#pub", "@#sec"])
        bob2.send("MODE #sec")
        bob2.expect(r"^:parley 324 carol #sec \+n?st?|^:parley 324 carol #sec :?\+\S*s")

    def test_secret_room_hidden_from_plain_outsiders(self):
        alice = self.op_room(modes="+s", room="#sec")
        plain = self.plain("dave")  # in #lobby
        plain.send("/list")
        lines = plain.collect_until(r"#lobby \(1 person\)")
        plain.send("/whois alice")
        lines += plain.collect_until(r"alice has been idle")
        plain.send("/names #sec")
        plain.expect(r"^\*\*\* There is no room called #sec\.$")
        self.assertFalse(any("#sec" in l for l in lines), lines)
        self.assertTrue(any(re.search(r"^\*\*\* 1 room:", l) for l in lines), lines)
        alice.send("MODE #sec -s")
        alice.expect(r"MODE #sec -s$")
        plain.send("/list")
        plain.expect(r"#sec \(1 person\)")

    # --- WHO and +i ---

    def test_who_shows_invisible_users_only_to_those_sharing_a_room(self):
        alice = self.irc("alice")
        alice.send("MODE alice +i")
        alice.expect(r"^:alice!?\S* MODE alice :?\+i$")
        alice.join("#shared")
        stranger = self.irc("bob")
        stranger.send("WHO alice")
        lines = self.upto(stranger, "315")
        self.assertEqual(numerics(lines, "352"), [], lines)
        stranger.send("WHO #shared")
        lines = self.upto(stranger, "315")
        self.assertEqual(numerics(lines, "352"), [], lines)
        friend = self.irc("carol")
        friend.join("#shared")
        friend.send("WHO alice")
        friend.expect(r"^:parley 352 carol \* alice \S+ parley alice H :0 Real alice$")
        friend.expect(r"^:parley 315 carol alice :")
        friend.send("WHO #shared")
        lines = self.upto(friend, "315")
        self.assertEqual(len(numerics(lines, "352 carol #shared alice")), 1, lines)
        alice.send("WHO alice")
        alice.expect(r"^:parley 352 alice \* alice ")

    # --- +m ---

    def test_moderated_room_refuses_unvoiced_speakers(self):
        alice = self.op_room(modes="+m")
        bob = self.irc("bob")
        bob.join("#room")
        bob.privmsg("#room", "hello?")
        bob.expect(r"^:parley 404 bob #room :Cannot send to channel \(\+m\)")
        alice.send("MODE #room +v bob")
        bob.expect(r"^:alice!\S+ MODE #room \+v bob$")
        bob.privmsg("#room", "now I speak")
        alice.expect(r"^:bob!\S+ PRIVMSG #room :now I speak$")
        alice.privmsg("#room", "ops speak")
        bob.expect(r"^:alice!\S+ PRIVMSG #room :ops speak$")
        # A plain user is told in a sentence.
        plain = self.plain("dave")
        plain.send("/join #room")
        plain.expect(r"^\*\*\* You are now in #room")
        plain.say("anyone?")
        plain.expect(r"#room is moderated: only its operators and voiced members speak")
        alice.sync()
        self.assertFalse(any("anyone?" in l for l in alice.take_pending()))

    # --- +k and +l ---

    def test_bad_keys_and_limits_are_refused_and_not_stored(self):
        alice = self.op_room()
        for key in (":a b", ":   "):
            alice.send("MODE #room +k " + key)
            # Modern IRC (key mode): an invalid key SHOULD get 696
            alice.expect(r"^:parley 696 alice #room k \* :Invalid key$")
        for bad in ("0", "-5", "abc"):
            alice.send("MODE #room +l " + bad)
            alice.expect(r"^:parley 696 alice #room l %s :Invalid limit$" % re.escape(bad))
        alice.send("MODE #room")
        alice.expect(r"^:parley 324 alice #room :?\+nt$")
        bob = self.irc("bob")
        bob.join("#room")  # no key, no limit

    # --- +e and +I ---

    def test_ban_exception_lets_a_banned_mask_in(self):
        alice = self.op_room(modes="+b *!*@*")
        alice.send("MODE #room +e bob!*@*")
        alice.expect(r"^:alice!\S+ MODE #room \+e bob!\*@\*$")
        bob = self.irc("bob")
        bob.join("#room")
        bob.privmsg("#room", "excepted")
        alice.expect(r"^:bob!\S+ PRIVMSG #room :excepted$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 474 carol #room :")
        for query in ("MODE #room e", "MODE #room +e"):
            alice.send(query)
            alice.expect(r"^:parley 348 alice #room bob!\*@\* alice :?\d+$")
            alice.expect(r"^:parley 349 alice #room :End of channel exception list$")
        alice.send("MODE #room -e bob!*@*")
        alice.expect(r"^:alice!\S+ MODE #room -e bob!\*@\*$")
        alice.send("MODE #room e")
        alice.expect(r"^:parley 349 alice #room :")

    def test_invite_exception_lets_a_mask_past_invite_only(self):
        alice = self.op_room(modes="+i")
        alice.send("MODE #room +I bob!*@*")
        alice.expect(r"^:alice!\S+ MODE #room \+I bob!\*@\*$")
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 473 carol #room :")
        alice.send("MODE #room I")
        alice.expect(r"^:parley 346 alice #room bob!\*@\* alice :?\d+$")
        alice.expect(r"^:parley 347 alice #room :End of channel invite exception list$")

    def test_exception_lists_are_bounded(self):
        alice = self.op_room()
        for i in range(0, 100, 3):
            masks = ["m%d!*@*" % n for n in range(i, min(i + 3, 100))]
            alice.send("MODE #room +%s %s" % ("e" * len(masks), " ".join(masks)))
        alice.send("MODE #room +e over!*@*")
        # RFC 2812: 478 <channel> <char> :Channel list is full (the mask after
        # the letter, as InspIRCd sends it)
        alice.expect(r"^:parley 478 alice #room e over!\*@\* :Channel list is full$")
        alice.send("MODE #room e")
        lines = self.upto(alice, "349")
        self.assertEqual(len(numerics(lines, "348")), 100)

    # --- INVITE, KICK, NAMES ---

    def test_invite_alone_lists_pending_invites(self):
        alice = self.op_room(room="#a", modes="+i")
        alice.join("#b")
        bob = self.irc("bob")
        bob.send("INVITE")
        bob.expect(r"^:parley 337 bob :End of /INVITE list$")
        for room in ("#a", "#b"):
            alice.send("INVITE bob " + room)
            alice.expect(r"^:parley 341 alice bob %s$" % room)
        bob.sync()
        bob.send("INVITE")
        lines = self.upto(bob, "337")
        self.assertEqual(sorted(numerics(lines, "336")),
                         [":parley 336 bob :#a", ":parley 336 bob :#b"])
        bob.send("INVITE bob")
        bob.expect(r"^:parley 461 bob INVITE :")

    def test_kick_of_several_nicks_bounded_by_targmax(self):
        alice = self.op_room()
        others = [self.irc(n) for n in ("bob", "carol", "dave", "erin", "frank")]
        for o in others:
            o.join("#room")
        alice.sync()
        alice.send("KICK #room bob,carol :out")
        alice.expect(r"^:alice!\S+ KICK #room bob :out$")
        alice.expect(r"^:alice!\S+ KICK #room carol :out$")
        alice.send("KICK #room dave,erin,frank,nobody,alice :again")
        alice.expect(r"^:alice!\S+ KICK #room dave :again$")
        alice.expect(r"^:alice!\S+ KICK #room erin :again$")
        alice.expect(r"^:alice!\S+ KICK #room frank :again$")
        alice.expect(r"^:parley 441 alice nobody #room :")
        alice.expect(r"^:parley 407 alice alice :")
        alice.send("NAMES #room")
        alice.expect(r"^:parley 353 alice = #room :@alice$")

    def test_names_of_several_rooms(self):
        alice = self.op_room(room="#a")
        bob = self.irc("bob")
        bob.join("#b")
        carol = self.irc("carol")
        carol.send("NAMES #a,#b")
        carol.expect(r"^:parley 353 carol = #a :@alice$")
        carol.expect(r"^:parley 366 carol #a :")
        carol.expect(r"^:parley 353 carol = #b :@bob$")
        carol.expect(r"^:parley 366 carol #b :")

    # --- STATUSMSG ---

    def test_statusmsg_reaches_only_ops_or_voiced(self):
        alice = self.op_room()
        bob = self.irc("bob")
        bob.join("#room")
        carol = self.irc("carol")
        carol.join("#room")
        alice.send("MODE #room +v bob")
        carol.expect(r"MODE #room \+v bob$")
        carol.privmsg("@#room", "to the ops")
        alice.expect(r"^:carol!\S+ PRIVMSG @#room :to the ops$")
        carol.privmsg("+#room", "to the voiced")
        alice.expect(r"^:carol!\S+ PRIVMSG \+#room :to the voiced$")
        bob.expect(r"^:carol!\S+ PRIVMSG \+#room :to the voiced$")
        alice.privmsg("+#room", "back")
        bob.expect(r"^:alice!\S+ PRIVMSG \+#room :back$")
        for c in (bob, carol):
            c.sync()
        self.assertFalse(any("to the ops" in l for l in bob.received))
        self.assertFalse(any("back" in l for l in carol.received))

    # --- LIST filters ---

    def test_list_filters(self):
        alice = self.op_room(room="#one")
        alice.join("#three")
        alice.send("TOPIC #three :lively")
        alice.expect(r"TOPIC #three :lively$")
        for n in ("bob", "carol"):
            self.irc(n).join("#three")
        alice.sync()

        def listed(filt):
            alice.send("LIST " + filt)
            lines = self.upto(alice, "323")
            return sorted(re.search(r" 322 alice (\S+) ", l).group(1)
                          for l in numerics(lines, "322"))

        self.assertEqual(listed(">2"), ["#three"])
        self.assertEqual(listed("<2"), ["#one"])
        self.assertEqual(listed("C<10"), ["#one", "#three"])
        self.assertEqual(listed("C>10"), [])
        self.assertEqual(listed("T<10"), ["#three"])
        self.assertEqual(listed("T>10"), [])
        self.assertEqual(listed("!#one"), ["#three"])
        self.assertEqual(listed("#o*,#t*"), ["#one", "#three"])
        self.assertEqual(listed("#t*,<2"), [])

    # --- 005 ---

    def test_isupport_announces_the_channel_features(self):
        c = self.irc("alice", register=False)
        lines = c.register()
        tokens = set()
        for l in numerics(lines, "005"):
            tokens.update(l.split(" :")[0].split()[3:])
        for t in ("CHANMODES=beI,k,l,imnst", "EXCEPTS=e", "INVEX=I", "STATUSMSG=@+",
                  "ELIST=CMNTU", "MAXLIST=b:100,e:100,I:100"):
            self.assertIn(t, tokens)
        targmax = [t for t in tokens if t.startswith("TARGMAX=")]
        self.assertEqual(len(targmax), 1, tokens)
        limits = dict(p.split(":") for p in targmax[0][8:].split(","))
        self.assertEqual(limits["KICK"], "4")
        self.assertEqual(limits["NAMES"], "")
        self.assertEqual(limits["PRIVMSG"], "4")
        m004 = numerics(lines, "004")[0].split()
        self.assertEqual(m004[-2:], ["beIiklmnostv", "beIklov"])


class ChannelsKept(ServerTestCase):
    """+s, +m, +e and +I survive a restart like the other modes and +b."""
    start_server = False

    def test_restart_keeps_secret_moderated_and_exception_lists(self):
        data = tempfile.mkdtemp(prefix="parley-chan-")
        self.addCleanup(shutil.rmtree, data, True)
        srv = self.make_server(("--data-dir", data))
        alice = self.irc("alice", server=srv)
        alice.join("#keep")
        alice.send("MODE #keep +smb *!*@* ")
        alice.send("MODE #keep +eI bob!*@* carol!*@*")
        alice.expect(r"^:alice!\S+ MODE #keep \+eI bob!\*@\* carol!\*@\*$")
        alice.sync()
        srv.stop()

        srv2 = self.make_server(("--data-dir", data))
        dave = self.irc("dave", server=srv2)
        dave.send("JOIN #keep")
        dave.expect(r"^:parley 474 dave #keep :")  # the ban holds
        bob = self.irc("bob", server=srv2)
        bob.join("#keep")  # excepted from it
        bob.send("MODE #keep")
        m = bob.expect(r"^:parley 324 bob #keep :?(\S+)$")
        self.assertEqual(sorted(m.group(1)), sorted("+mnst"))
        bob.send("MODE #keep e")
        bob.expect(r"^:parley 348 bob #keep bob!\*@\* alice :?\d+$")
        bob.send("MODE #keep I")
        bob.expect(r"^:parley 346 bob #keep carol!\*@\* alice :?\d+$")
        bob.privmsg("#keep", "op now, so I speak")  # first one back is op
        bob.sync()
        self.assertFalse(any(" 404 " in l for l in bob.received))


if __name__ == "__main__":
    main()
