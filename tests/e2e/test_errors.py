#!/usr/bin/env python3
"""e2e: clear messages when things go wrong: cannot resolve, refused, wrong
password, nick taken, kicked; /quit with a reason leaves cleanly."""

import e2e


class ErrorsTest(e2e.ClientTestCase):
    start_server = False

    def test_cannot_resolve(self):
        term = e2e.Term(["alice@no-such-host.invalid:6667"])
        self.addCleanup(term.kill)
        term.wait_for(r"Cannot resolve no-such-host\.invalid: ")
        term.wait_for(r"Reconnecting in 1 s")
        term.finish()

    def test_connection_refused(self):
        port = e2e.free_port()
        term = self.client("alice", port=port, wait_joined=None)
        term.wait_for(r"Cannot connect to 127\.0\.0\.1:%d: connection refused" % port)
        term.finish()


class ServerErrorsTest(e2e.ClientTestCase):
    server_args = ("--password", "sesame")

    def test_wrong_password(self):
        term = self.client("alice", "-p", "wrong", wait_joined=None)
        term.wait_for(r"Wrong password")
        term.wait_for(r"Not reconnecting")
        term.finish()
        good = self.client("alice", "--password", "sesame")
        good.finish()

    def test_nick_taken_gets_suffix(self):
        other = self.irc("alice", register=False)
        other.register(password="sesame")
        term = self.client("alice", "-p", "sesame")
        term.wait_for(r"Nick alice is not available; trying alice_")
        term.wait_for(r"^ \[alice_\] 2:#lobby")
        term.finish()

    def test_kicked_with_reason_and_quit_with_reason(self):
        op = self.irc("op", register=False)
        op.register(password="sesame")
        op.join("#lobby")
        term = self.client("alice", "-p", "sesame")
        op.expect(r"JOIN #lobby")
        op.send("KICK #lobby alice :no spam please")
        term.wait_for(r"You were kicked from #lobby by op \(no spam please\)")
        term.wait_for(r"^ \[alice\] 2:#lobby \(not joined\)")
        term.type("/join #lobby")
        term.wait_for(r"^ \[alice\] 2:#lobby \(2 users\)")
        term.type("/quit see you later")
        op.expect(r"QUIT :.*see you later")
        term.finish(quit_keys=())


if __name__ == "__main__":
    e2e.main()
