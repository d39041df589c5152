#!/usr/bin/env python3
"""Invites (issue 8, server item 7): an invite belongs to the invited
connection, not to its nick; only a join that succeeds uses it; it lets the
user past +i and +l but never past +b; each room keeps a bounded number."""

from harness import ServerTestCase, main


class Invites(ServerTestCase):

    def invite_only_room(self, room="#room"):
        alice = self.irc("alice")
        alice.join(room)
        alice.send("MODE %s +i" % room)
        alice.expect(r"^:alice!\S+ MODE %s \+i$" % room)
        return alice

    def invite(self, alice, nick, room="#room"):
        alice.send("INVITE %s %s" % (nick, room))
        alice.expect(r"^:parley 341 alice %s %s$" % (nick, room))

    def test_invite_follows_the_connection_not_the_nick(self):
        alice = self.invite_only_room()
        bob = self.irc("bob")
        self.invite(alice, "bob")
        bob.send("NICK bob2")
        bob.expect(r"^:bob!\S+ NICK :?bob2$")
        bob.nick = "bob2"
        mallory = self.irc("bob")  # takes the invited nick
        mallory.send("JOIN #room")
        mallory.expect(r"^:parley 473 bob #room :")
        bob.join("#room")
        alice.expect(r"^:bob2!\S+ JOIN :?#room$")

    def test_invite_is_gone_with_its_connection(self):
        alice = self.invite_only_room()
        bob = self.irc("bob")
        self.invite(alice, "bob")
        bob.quit()
        again = self.irc("bob")
        again.send("JOIN #room")
        again.expect(r"^:parley 473 bob #room :")

    def test_only_a_successful_join_uses_the_invite(self):
        alice = self.invite_only_room()
        alice.send("MODE #room +k sesame")
        alice.expect(r"^:alice!\S+ MODE #room \+k sesame$")
        bob = self.irc("bob")
        self.invite(alice, "bob")
        bob.send("JOIN #room")
        bob.expect(r"^:parley 475 bob #room :")
        bob.join("#room", key="sesame")
        alice.expect(r"^:bob!\S+ JOIN :?#room$")
        # used up now: after leaving, +i applies again
        bob.send("PART #room")
        bob.expect(r"^:bob!\S+ PART #room")
        bob.send("JOIN #room sesame")
        bob.expect(r"^:parley 473 bob #room :")

    def test_invite_never_passes_a_ban(self):
        alice = self.invite_only_room()
        alice.send("MODE #room +b bob!*@*")
        alice.expect(r"^:alice!\S+ MODE #room \+b bob!\*@\*$")
        bob = self.irc("bob")
        self.invite(alice, "bob")
        bob.send("JOIN #room")
        bob.expect(r"^:parley 474 bob #room :")
        # the refused join did not use the invite
        alice.send("MODE #room -b bob!*@*")
        alice.expect(r"^:alice!\S+ MODE #room -b bob!\*@\*$")
        bob.join("#room")
        alice.expect(r"^:bob!\S+ JOIN :?#room$")

    def test_invite_passes_the_limit(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("MODE #room +l 1")
        alice.expect(r"^:alice!\S+ MODE #room \+l 1$")
        carol = self.irc("carol")
        carol.send("JOIN #room")
        carol.expect(r"^:parley 471 carol #room :")
        bob = self.irc("bob")
        self.invite(alice, "bob")
        bob.join("#room")
        alice.expect(r"^:bob!\S+ JOIN :?#room$")


class InvitesBounded(ServerTestCase):
    server_args = ("--max-per-ip", "0")

    def test_oldest_invite_dropped_past_the_bound(self):
        alice = self.irc("alice")
        alice.join("#room")
        alice.send("MODE #room +i")
        alice.expect(r"^:alice!\S+ MODE #room \+i$")
        first = self.irc("first")
        alice.send("INVITE first #room")
        alice.expect(r"^:parley 341 alice first #room$")
        for i in range(100):  # INVITES_MAX more
            self.irc("g%03d" % i)
            alice.send("INVITE g%03d #room" % i)
            alice.expect(r"^:parley 341 alice g%03d #room$" % i)
        first.send("JOIN #room")
        first.expect(r"^:parley 473 first #room :")
        last = self.clients[-1]
        last.join("#room")


if __name__ == "__main__":
    main()
