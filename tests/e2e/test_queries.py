#!/usr/bin/env python3
"""e2e: WHOIS and WHO answers from the real parleyd read as sentences, not
as the numerics' raw parameters (issue 9)."""

import e2e


class QueriesTest(e2e.ClientTestCase):

    def test_whois_reads_as_sentences(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        bob.type("/join #games")
        bob.wait_for(r"You joined #games")
        bob.type("/away getting coffee")
        bob.wait_for(r"You have been marked as being away")
        alice.type("/whois bob")
        alice.wait_for(r"-!- bob is ~?tester@127\.0\.0\.1 \(parley user\)$")
        alice.wait_for(r"-!- bob is in (#lobby @#games|@#games #lobby)$")
        alice.wait_for(r"-!- bob is on parley \(parley chat server\)$")
        alice.wait_for(r"-!- bob is away: getting coffee$")
        alice.wait_for(r"-!- bob has been idle \d+s, signed on "
                       r"\d{4}-\d\d-\d\d \d\d:\d\d$")
        alice.wait_for(r"-!- End of WHOIS for bob$")
        screen = alice.screen()
        self.assertNotIn("seconds idle, signon time", screen)
        self.assertNotIn("End of /WHOIS list", screen)
        # Not the raw form of any line either (nick, then a bare parameter).
        self.assertNotRegex(screen, r"-!- bob \d+ \d+")
        self.finish(alice, bob)

    def test_who_reads_as_sentences(self):
        alice = self.client("alice")
        bob = self.client("bob")
        alice.wait_for(r"bob \(\S+\) joined")
        bob.type("/away brb")
        bob.wait_for(r"You have been marked as being away")
        alice.type("/who")
        alice.wait_for(r"-!- #lobby: @alice is ~?tester@127\.0\.0\.1 \(parley user\)$")
        alice.wait_for(r"-!- #lobby: bob is ~?tester@127\.0\.0\.1 \(parley user\), away$")
        alice.wait_for(r"-!- End of WHO for #lobby$")
        self.assertNotIn("End of /WHO list", alice.screen())
        self.finish(alice, bob)


if __name__ == "__main__":
    e2e.main()
