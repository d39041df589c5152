#!/usr/bin/env python3
"""e2e: CTCP reflection. Several people flood a room (and the user) with CTCP
VERSION and PING requests through a real parleyd (default flood control,
5 lines/s with a burst of 20). parley answers only the CTCPs sent to it, at
most a few a minute, and the user's own next line is not queued behind
automatic replies: it is the next thing the server relays from them, with at
most the few allowed replies before it."""

import re

import e2e

SENDERS = 4
TO_ROOM = 24   # per sender, half VERSION, half PING
TO_USER = 4    # per sender, half VERSION, half PING
CTCP_MAX = 3   # replies parley sends in a minute (STATE_CTCP_BURST)


class CtcpTest(e2e.ClientTestCase):
    server_args = ("--flood", "5:20")  # parleyd's default (the harness turns it off)

    def test_ctcp_flood_gets_few_replies_and_own_line_goes_first(self):
        term = self.client("victim")
        senders = [self.irc("s%d" % i) for i in range(SENDERS)]
        for s in senders:
            s.join("#lobby")
        term.wait_for(r"s%d \(\S+\) joined #lobby" % (SENDERS - 1))
        for s in senders:
            for k in range(TO_ROOM // 2):
                s.privmsg("#lobby", "\x01VERSION\x01")
                s.privmsg("#lobby", "\x01PING room-%s-%d\x01" % (s.nick, k))
            for k in range(TO_USER // 2):
                s.privmsg("victim", "\x01VERSION\x01")
                s.privmsg("victim", "\x01PING user-%s-%d\x01" % (s.nick, k))
            s.privmsg("#lobby", "done %s" % s.nick)
        # the client has read every request once it shows each sender's "done"
        for s in senders:
            term.wait_for(r"<%s> done %s$" % (s.nick, s.nick))

        term.type("my own line")
        replies = []
        for s in senders:
            lines = s.collect_until(r"^:victim!\S+ PRIVMSG #lobby :my own line$",
                                    timeout=e2e.WAIT * e2e.wait_scale())
            replies += [l for l in lines if re.search(r"^:victim!\S+ NOTICE ", l)]
        # room CTCPs are never answered; the user's are, at most a few
        self.assertEqual([r for r in replies if "room-" in r], [])
        self.assertLessEqual(len(replies), CTCP_MAX, replies)
        self.assertGreaterEqual(len(replies), 1, "no CTCP sent to the user was answered")
        for r in replies:
            self.assertRegex(r, r"NOTICE s\d :\x01(VERSION parley|PING user-s\d-\d\x01)")
        # the server window says that the rest went unanswered
        term.keys("M-1")
        term.wait_for(r"CTCP (VERSION|PING) from s\d not answered \(sent to #lobby, not to you; \d+ so far\)")
        term.finish()


if __name__ == "__main__":
    e2e.main()
