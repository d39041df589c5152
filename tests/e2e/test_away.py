#!/usr/bin/env python3
"""e2e: the client's side of away-notify and setname (issue 12) against the
real parleyd: away nicks are dimmed in the nick list and a query's title
says the peer is away; SETNAME lines appear; /setname sends one, refuses an
empty text, and says so when the server does not offer setname."""

import re

import e2e

WIDTH = 100

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def cells(row):
    """A row captured with escapes as (character, dim) pairs: follows the SGR
    sequences tmux writes (0 resets, 2 dims, 22 undims; colour arguments
    skipped)."""
    out, dim, pos = [], False, 0
    for m in SGR.finditer(row + "\x1b[m"):
        out.extend((ch, dim) for ch in row[pos:m.start()] if ch != "\x1b")
        pos = m.end()
        params = [p for p in m.group(1).replace(":", ";").split(";")] or [""]
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("", "0"):
                dim = False
            elif p == "2":
                dim = True
            elif p == "22":
                dim = False
            elif p in ("38", "48", "58"):
                i += 2 if i + 1 < len(params) and params[i + 1] == "5" else 4
            i += 1
    return out


def nicklist_dim(term, nick):
    """True/False: whether nick is drawn dimmed in the nick list (the last
    columns of the screen); None when it is not listed."""
    rows = term.tmux("capture-pane", "-p", "-e", check=False).split("\n")
    for row in rows:
        line = cells(row)
        text = "".join(ch for ch, _ in line)
        at = text.rfind("\u2502")  # the nick list's separator
        if at < 0:
            continue
        shown = text[at + 1:].strip().lstrip("@+")
        if shown == nick:
            start = text.index(nick, at)
            return all(d for _, d in line[start:start + len(nick)])
    return None


class AwayTest(e2e.ClientTestCase):

    def wait_dim(self, term, nick, want):
        term.wait_until(lambda _screen: nicklist_dim(term, nick) is want,
                        "%s %s in the nick list" % (nick, "dimmed" if want else "not dimmed"))

    def test_away_nick_dimmed_and_query_title(self):
        alice = self.client("alice", "--nicklist", width=WIDTH)
        bob = self.irc("bob")
        bob.join("#lobby")
        alice.wait_for(r"bob \(\S+\) joined")
        self.wait_dim(alice, "bob", False)
        self.wait_dim(alice, "alice", False)

        bob.send("AWAY :gone fishing")
        self.wait_dim(alice, "bob", True)
        self.assertFalse(nicklist_dim(alice, "alice"))
        bob.send("AWAY")
        self.wait_dim(alice, "bob", False)

        # A query window's title says so, with the text; back clears it.
        alice.type("/query bob")
        alice.wait_for(r"^ Private conversation with bob \(online\)\s*$")
        bob.send("AWAY :gone \x02fishing\x02")  # formatting codes drawn, not shown
        alice.wait_for(r"^ Private conversation with bob \(online\) - bob is away: gone fishing\s*$")
        bob.send("AWAY")
        alice.wait_for(r"^ Private conversation with bob \(online\)\s*$")

        # A nick change keeps the state; our own /away dims us.
        bob.send("AWAY :lunch")
        alice.wait_for(r"bob is away: lunch")
        bob.send("NICK robert")
        bob.nick = "robert"
        alice.wait_for(r"^ Private conversation with robert \(online\) - robert is away: lunch")
        alice.type("/win 2")
        self.wait_dim(alice, "robert", True)
        alice.type("/away brb")
        alice.wait_for(r"You have been marked as being away")
        self.wait_dim(alice, "alice", True)
        alice.type("/away")
        self.wait_dim(alice, "alice", False)
        self.finish(alice)

    def test_away_before_our_join(self):
        bob = self.irc("bob")
        bob.join("#games")
        bob.send("AWAY :away already")
        bob.expect_numeric(306)
        alice = self.client("alice", "--nicklist", width=WIDTH)
        alice.type("/join #games")
        alice.wait_for(r"You joined #games")
        self.wait_dim(alice, "bob", True)  # from the client's own WHO
        self.wait_dim(alice, "alice", False)
        screen = alice.screen()
        self.assertNotIn("End of WHO", screen)  # that WHO's replies are not shown
        self.assertNotIn("#games: @bob is", screen)
        alice.type("/who #games")  # the user's own WHO is
        alice.wait_for(r"-!- #games: @bob is \S+ \(Real bob\), away")
        self.finish(alice)

    def test_setname_lines_and_command(self):
        alice = self.client("alice", "--nicklist", width=WIDTH)
        bob = self.irc("bob")
        bob.join("#lobby")
        alice.wait_for(r"bob \(\S+\) joined")
        bob.send("SETNAME :Robert Tables")
        alice.wait_for(r"bob changed their real name to: Robert Tables\b")

        alice.type("/setname")
        alice.wait_for(r"A real name cannot be empty: /setname TEXT")
        alice.type("/setname Alice Liddell")
        alice.wait_for(r"Your real name is now: Alice Liddell\b")
        bob.send("WHOIS alice")
        bob.expect(r"^:\S+ 311 bob alice \S+ \S+ \* :Alice Liddell\b")
        # A refusal from the server is shown where the user typed.
        alice.type("/setname " + "x" * 150)
        alice.wait_for(r"Real name not changed: A real name needs 1 to 100 bytes")
        self.finish(alice)

    def test_without_the_capabilities(self):
        proxy = e2e.CutProxy(self.server.port, e2e.hide_caps("away-notify", "setname"))
        self.addCleanup(proxy.close)
        alice = self.client("alice", "--nicklist", port=proxy.port, width=WIDTH)
        bob = self.irc("bob")
        bob.join("#lobby")
        alice.wait_for(r"bob \(\S+\) joined")
        alice.type("/setname Alice Liddell")
        alice.wait_for(r"This server does not offer setname")
        bob.send("AWAY :gone")
        bob.privmsg("#lobby", "after away")
        alice.wait_for(r"<bob> after away\b")
        self.assertFalse(nicklist_dim(alice, "bob"))  # no AWAY came
        bob.send("WHOIS alice")
        bob.expect(r"^:\S+ 311 bob alice \S+ \S+ \* :(?!Alice Liddell)")
        # The client asked for neither: the server sends no AWAY or SETNAME.
        bob.send("SETNAME :Robert Tables")
        bob.sync()
        alice.type("/who")
        alice.wait_for(r"-!- End of WHO for #lobby\b")
        self.assertNotIn("changed their real name", alice.screen())
        self.wait_dim(alice, "bob", True)  # WHO's G flag says bob is away
        self.finish(alice)


if __name__ == "__main__":
    e2e.main()
