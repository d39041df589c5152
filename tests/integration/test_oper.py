#!/usr/bin/env python3
"""Operators: parleyd --hash-password, "oper NAME HASH" in the config file
(checked, reloaded on SIGHUP), and the IRC commands OPER, KILL, WALLOPS and
how WHO/WHOIS/MODE show an operator."""

import os
import re
import signal
import subprocess
import tempfile

from harness import (ServerTestCase, find_parleyd, main, poll_until, run_parleyd,
                     sanitizer_env, TIMEOUT)


def hash_password(password_bytes):
    """Runs parleyd --hash-password with password_bytes on stdin."""
    proc = subprocess.run([find_parleyd(), "--hash-password"], input=password_bytes,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=sanitizer_env(), timeout=TIMEOUT * 3)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class HashPassword(ServerTestCase):
    start_server = False

    def test_prints_a_yescrypt_hash_each_with_its_own_salt(self):
        status, out, err = hash_password(b"s3cret\n")
        self.assertEqual(status, 0, err)
        self.assertRegex(out, r"^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\n$")
        status2, out2, _ = hash_password(b"s3cret\n")
        self.assertEqual(status2, 0)
        self.assertNotEqual(out, out2, "the same password twice got the same salt")

    def test_refuses_empty_long_or_spaced_passwords(self):
        for bad in (b"", b"\n", b"a" * 257 + b"\n", b"two words\n"):
            status, out, err = hash_password(bad)
            self.assertEqual(status, 1, bad)
            self.assertEqual(out, "")
            self.assertIn("--hash-password reads one line", err)

    def test_not_an_option_of_the_file(self):
        fd, conf = tempfile.mkstemp(prefix="parley-conf-")
        os.write(fd, b"hash-password\n")
        os.close(fd)
        self.addCleanup(os.unlink, conf)
        status, _, err = run_parleyd(["--check-config", "--config", conf])
        self.assertEqual(status, 1)
        self.assertIn(":1: 'hash-password' is a command-line option only", err)


if __name__ == "__main__":
    main()
