#!/usr/bin/env python3
"""e2e: nick ownership with the parley client on a real parleyd. parley
started with --login-file while a squatter holds its nick gets another nick
at registration, logs in, asks for its nick back and gets it (the squatter
is renamed to Guest-N); a parley that holds a registered nick without
logging in is renamed to Guest-N after the grace (PARLEYD_TEST_NICK_GRACE_MS)
and says why."""

import os
import re
import shutil
import tempfile

import e2e

PASSWORD = "correct horse battery"


class NickOwnershipBase(e2e.ClientTestCase):
    start_server = False
    server_env = {}

    def setUp(self):
        if not shutil.which("tmux"):
            self.skipTest("tmux is not installed")
        super().setUp()
        self.server = self.make_server(env=self.server_env)

    def make_account(self, name):
        c = self.irc(name)
        c.send("REGISTER %s * :%s" % (name, PASSWORD))
        c.expect(r"REGISTER SUCCESS %s " % re.escape(name))
        c.send("QUIT")
        c.expect_closed()

    def password_file(self, text):
        fd, path = tempfile.mkstemp(prefix="parley-pw-")
        self.addCleanup(os.unlink, path)
        os.write(fd, text.encode() + b"\n")
        os.close(fd)
        os.chmod(path, 0o600)
        return path


class Regain(NickOwnershipBase):
    """The default 30 s grace: the squatter is still there when parley comes."""

    def test_login_file_regains_the_nick(self):
        self.make_account("alice")
        squatter = self.irc("alice")
        squatter.expect(r"NOTICE alice :The nick alice is registered")
        squatter.join("#lobby")
        t = self.client("alice", "--login-file", self.password_file(PASSWORD),
                        wait_joined=None)
        t.wait_for(r"You are logged in as alice")
        squatter.expect(r"NOTICE alice :The owner of the registered nick alice has logged "
                        r"in and taken it back")
        squatter.expect(r"^:alice!\S+ NICK :?Guest-\d+$")
        t.wait_for(r"You are now known as alice\b")
        w = self.irc("watch")
        w.send("WHOIS alice")
        w.expect(r" 330 watch alice alice :")
        t.finish()


class Renamed(NickOwnershipBase):
    server_env = {"PARLEYD_TEST_NICK_GRACE_MS": "1000"}

    def test_squatting_client_is_told_why(self):
        self.make_account("alice")
        t = self.client("alice")
        t.wait_for(r"The server renamed you to Guest-\d+: alice is a registered nick")
        t.wait_for(r"You are now known as Guest-\d+")
        t.finish()


if __name__ == "__main__":
    e2e.main()
