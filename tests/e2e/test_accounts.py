#!/usr/bin/env python3
"""e2e: the parley client and accounts on a real parleyd. /register makes the
nick an account; parley --login asks for the password on the terminal before
the screen is taken and logs in with SASL PLAIN as it connects (the server's
WHOIS shows the account); --login-file reads it from a file only its owner
may read; a wrong password stops the client with the reason and no
reconnect; a password is never sent in clear text over a network (the test
knob PARLEY_TEST_NO_LOOPBACK_AUTH makes the loopback server count as one)
unless --allow-plaintext-auth; /login lines stay out of the input history."""

import os
import re
import tempfile

import e2e

PASSWORD = "correct horse battery"
NO_LOOPBACK = {"PARLEY_TEST_NO_LOOPBACK_AUTH": "1"}


class AccountsClientTest(e2e.ClientTestCase):
    def setUp(self):
        super().setUp()
        self.watch = self.irc("watch")

    def register_alice(self):
        """alice registers with /register in a parley of her own."""
        t = self.client("alice")
        t.type("/register " + PASSWORD)
        t.wait_for(r"The account alice is registered")
        t.finish()

    def password_file(self, text, mode=0o600):
        fd, path = tempfile.mkstemp(prefix="parley-pw-")
        self.addCleanup(os.unlink, path)
        os.write(fd, text.encode() + b"\n")
        os.close(fd)
        os.chmod(path, mode)
        return path

    def assert_account(self, nick, account):
        self.watch.send("WHOIS " + nick)
        self.watch.expect(r" 330 watch %s %s :" % (nick, account))
        self.watch.expect(r" 318 watch %s " % nick)

    def test_register_then_login_asks_on_the_terminal(self):
        self.register_alice()
        t = e2e.Term(["--login", "alice@127.0.0.1:%d" % self.server.port])
        self.addCleanup(t.kill)
        t.wait_for(r"Password for account alice on 127\.0\.0\.1:")
        t.type(PASSWORD)
        t.wait_for(r"You are logged in as alice")
        t.wait_for(r"You joined #lobby")
        self.assertNotIn(PASSWORD, t.screen())
        self.assert_account("alice", "alice")
        t.finish()

    def test_login_file_and_its_permissions(self):
        self.register_alice()
        loose = self.password_file(PASSWORD, 0o644)
        t = e2e.Term(["--login-file", loose, "alice@127.0.0.1:%d" % self.server.port])
        self.addCleanup(t.kill)
        t.wait_until(lambda screen: t.exited(), "parley refusing a password file others can read")
        self.assertIn("must be a file only you can read", t.stderr_tail())
        t.finish(expect_rc=2)
        good = self.password_file(PASSWORD)
        t = self.client("alice", "--login-file", good)
        t.wait_for(r"You are logged in as alice")
        self.assert_account("alice", "alice")
        t.finish()

    def test_wrong_password_stops_without_reconnecting(self):
        self.register_alice()
        bad = self.password_file("not the password")
        t = self.client("alice", "--login-file", bad, wait_joined=None)
        t.wait_for(r"Login failed: SASL authentication failed")
        t.wait_for(r"Not reconnecting")
        screen = t.stable_screen()
        self.assertNotIn("Reconnecting", screen)
        self.watch.send("WHOIS alice")
        self.watch.expect(r" 401 watch alice ")
        t.finish()

    def test_no_password_in_clear_text_over_a_network(self):
        self.register_alice()
        good = self.password_file(PASSWORD)
        t = self.client("alice", "--login-file", good, wait_joined=None, env=NO_LOOPBACK)
        t.wait_for(r"Not sending the account password in clear text")
        self.watch.send("WHOIS alice")
        self.watch.expect(r" 401 watch alice ")
        t.finish()
        # /register and /login on such a connection are refused the same way.
        t = self.client("bob", env=NO_LOOPBACK)
        t.type("/register " + PASSWORD)
        t.wait_for(r"Not sending a password in clear text over the network")
        t.type("/login " + PASSWORD)
        t.wait_for(r"Not sending a password in clear text over the network")
        t.finish()
        # ... unless the user allows it.
        t = self.client("alice", "--login-file", good, "--allow-plaintext-auth", env=NO_LOOPBACK)
        t.wait_for(r"You are logged in as alice")
        t.finish()

    def test_login_after_connecting_and_history(self):
        self.register_alice()
        t = self.client("alice")
        t.type("/login wrong password")
        t.wait_for(r"Login failed:")
        t.type("/login " + PASSWORD)
        t.wait_for(r"You are logged in as alice")
        self.assert_account("alice", "alice")
        t.keys("Up")
        row = t.rows()[-1]
        self.assertNotIn("/login", row)
        self.assertNotIn(PASSWORD, t.screen())
        t.finish()


if __name__ == "__main__":
    e2e.main()
