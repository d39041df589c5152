#!/usr/bin/env python3
"""e2e regression (issue 8, client item 1): the 9th window crashed the client.

state_window_for() read st->windows in the same expression that opened a
window, so when opening grew the array (past 8 windows) it indexed the freed
one: SIGSEGV. Three ways one ordinary person (or the user) reached it, each
through a real parleyd: eight private messages with a nick change between,
seven people messaging, and /join of an 8th room."""

import e2e


def query_title(nick):
    """A private window's title (MONITOR adds whether the peer is online)."""
    return r"^ Private conversation with %s( \((online|offline)\))?$" % nick


class ManyWindowsTest(e2e.ClientTestCase):

    def check_window(self, term, number, title, line):
        term.type("/win %d" % number)
        term.wait_for(r"^ \[victim\] %d:" % number)
        term.wait_for(title)
        term.wait_for(line)

    def test_eight_messages_with_nick_changes(self):
        victim = self.client("victim")
        # mallory shares no room with victim, so victim never sees the NICKs:
        # every message opens a new query window (3..10), all inside parleyd's
        # default flood burst.
        mallory = self.irc("mal1")
        for i in range(1, 9):
            mallory.privmsg("victim", "hello %d" % i)
            mallory.send("NICK mal%d" % (i + 1))
        mallory.sync()
        victim.wait_for(r"act: (1,)?3!,4!,5!,6!,7!,8!,9!,10!")
        self.check_window(victim, 9, query_title("mal7"),
                          r"<mal7> hello 7$")
        self.check_window(victim, 10, query_title("mal8"),
                          r"<mal8> hello 8$")
        victim.finish()

    def test_seven_people_message_you(self):
        victim = self.client("victim")
        people = [self.irc("p%d" % i) for i in range(1, 8)]
        for i, p in enumerate(people, 1):
            # one at a time, so that window i + 2 is p<i>'s (separate
            # connections are not ordered with each other)
            p.privmsg("victim", "hi from p%d" % i)
            victim.wait_for(r"act: \S*\b%d!" % (i + 2))
        victim.wait_for(r"act: (1,)?3!,4!,5!,6!,7!,8!,9!")
        self.check_window(victim, 9, query_title("p7"),
                          r"<p7> hi from p7$")
        self.check_window(victim, 3, query_title("p1"),
                          r"<p1> hi from p1$")
        victim.finish()

    def test_join_eighth_room(self):
        victim = self.client("victim")
        for i in range(3, 10):  # #r3..#r9: with #lobby, eight rooms
            victim.type("/join #r%d" % i)
            victim.wait_for(r"^ \[victim\] %d:#r%d \(1 user\)" % (i, i))
        victim.wait_for(r"You joined #r9$")
        victim.type("hello ninth")
        victim.wait_for(r"<victim> hello ninth$")
        self.check_window(victim, 2, r"^ #lobby", r"You joined #lobby$")
        victim.finish()


if __name__ == "__main__":
    e2e.main()
