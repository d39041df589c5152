#!/usr/bin/env python3
"""e2e: parley over TLS with trust on first use, against parleyd's generated
(self-signed) certificate: the first connection shows the key's SPKI SHA-256
and asks before sending anything, and a yes stores it in
$XDG_DATA_HOME/parley/known_servers (0600, directory 0700); the same key
later goes on without asking; a changed key is refused loudly before any
line is sent (both fingerprints, the date first seen, parley --forget), and
the client does not reconnect; --forget then lets it trust again;
--tls-fingerprint pins without asking; ircs:// means TLS."""

import os
import re
import shutil
import stat
import subprocess
import tempfile

import e2e
import harness
import test_tls  # tests/integration/test_tls.py: its throw-away CA

TLS_LINE = r"listening \(TLS\) on 127\.0\.0\.1:(\d+) \(key fingerprint sha256 ([0-9a-f]{64})\)$"
OTHER_KEY = "ab" * 32


class TlsClientTest(e2e.ClientTestCase):
    server_args = ("--tls", "--tls-port", "0")

    def setUp(self):
        super().setUp()
        m = self.server.wait_stdout(TLS_LINE, "the 'listening (TLS) on' line")
        self.tls_port, self.fp = int(m.group(1)), m.group(2)
        self.key = "127.0.0.1:%d" % self.tls_port
        self.xdg = tempfile.mkdtemp(prefix="parley-xdg-")
        self.addCleanup(shutil.rmtree, self.xdg, True)
        self.known = os.path.join(self.xdg, "parley", "known_servers")
        self.watch = self.irc("watch")
        self.watch.join("#lobby")

    def tls_client(self, *args, wait_joined=True):
        """parley over TLS in tmux, with its own XDG_DATA_HOME."""
        args = list(args) or ["--tls", "alice@" + self.key]
        t = e2e.Term(args, width=140, env={"XDG_DATA_HOME": self.xdg})
        self.addCleanup(t.kill)
        if wait_joined:
            t.wait_for(r"You joined #lobby")
        return t

    def assert_alice_absent(self):
        """No NICK of alice's reached the server (nothing was sent)."""
        self.watch.send("WHOIS alice")
        self.watch.expect(r" 401 watch alice ")

    def known_text(self):
        with open(self.known) as f:
            return f.read()

    def test_first_use_asks_stores_and_then_goes_on(self):
        t = self.tls_client(wait_joined=False)
        t.wait_for(r"The server %s is new to this client" % re.escape(self.key))
        t.wait_for(r"Key: sha256 %s" % self.fp)
        t.wait_for(r"Trust this key and connect\? Press y or n")
        self.assert_alice_absent()  # asked before CAP/NICK/USER
        self.assertFalse(os.path.exists(self.known))
        t.keys("y")
        t.wait_for(r"You joined #lobby")
        self.watch.expect(r":alice!\S+ JOIN #lobby")
        self.assertRegex(self.known_text(),
                         r"^%s sha256 %s \d{4}-\d\d-\d\d\n$" % (re.escape(self.key), self.fp))
        self.assertEqual(stat.S_IMODE(os.stat(self.known).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(self.known)).st_mode), 0o700)
        t.finish()
        # The same key again: no question, straight in.
        again = self.tls_client()
        self.assertNotIn("Trust this key", again.screen())
        again.wait_for(r"TLS: the key is the one trusted since \d{4}-\d\d-\d\d")
        again.finish()

    def test_no_means_nothing_sent_and_no_reconnect(self):
        t = self.tls_client("ircs://alice@" + self.key, wait_joined=False)
        t.wait_for(r"Trust this key and connect\?")
        t.keys("n")
        t.wait_for(r"Not connecting: the server's key was not trusted; nothing was sent")
        t.wait_for(r"Not reconnecting")
        self.assert_alice_absent()
        self.assertFalse(os.path.exists(self.known))
        t.finish()

    def test_changed_key_is_refused_then_forget_and_trust_again(self):
        os.makedirs(os.path.dirname(self.known), mode=0o700)
        with open(self.known, "w") as f:
            f.write("not a line of ours\n%s sha256 %s 2026-01-02\n" % (self.key, OTHER_KEY))
        t = self.tls_client(wait_joined=False)
        t.wait_for(r"known_servers: ignored 1 malformed line$")
        t.wait_for(r"WARNING: THE KEY OF %s HAS CHANGED\. Refusing to connect; nothing was sent"
                   % re.escape(self.key))
        t.wait_for(r"Trusted since 2026-01-02: sha256 %s" % OTHER_KEY)
        t.wait_for(r"Offered now: sha256 %s" % self.fp)
        t.wait_for(r"parley --forget %s" % re.escape(self.key))
        t.wait_for(r"Not reconnecting")
        self.assertNotIn("Trust this key", t.screen())
        self.assert_alice_absent()
        t.finish()

        env = dict(os.environ, XDG_DATA_HOME=self.xdg, **e2e.sanitizer_env())
        forget = subprocess.run([e2e.find_parley(), "--forget", self.key], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=30)
        self.assertEqual(forget.returncode, 0, forget.stderr)
        self.assertIn("forgot the key trusted for %s" % self.key, forget.stdout)
        self.assertEqual(self.known_text(), "not a line of ours\n")
        again = subprocess.run([e2e.find_parley(), "--forget", self.key], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=30)
        self.assertEqual(again.returncode, 1)
        self.assertIn("no key is trusted for %s" % self.key, again.stderr)

        t = self.tls_client(wait_joined=False)
        t.wait_for(r"Key: sha256 %s" % self.fp)
        t.keys("y")
        t.wait_for(r"You joined #lobby")
        self.assertIn("%s sha256 %s " % (self.key, self.fp), self.known_text())
        t.finish()

    def test_lines_held_decrypted_inside_openssl_are_read_at_once(self):
        # The history replay on join comes in TLS records of up to 16 KiB,
        # more than one read of the client's line buffer takes: what stays
        # decrypted inside OpenSSL must be read without waiting for the
        # socket to become readable again (nothing more arrives here).
        for i in range(40):
            self.watch.send("PRIVMSG #lobby :line %02d %s" % (i, "x" * 380))
        self.watch.send("PRIVMSG #lobby :the last line")
        self.watch.send("PING :sync")
        self.watch.expect(r"PONG .*sync")
        t = self.tls_client("--tls-fingerprint", self.fp, "alice@" + self.key,
                            wait_joined=False)
        t.wait_for(r"<watch> the last line")
        t.finish()

    def test_oversized_known_servers_is_not_read(self):
        os.makedirs(os.path.dirname(self.known), mode=0o700)
        with open(self.known, "w") as f:
            f.write(("#" * 99 + "\n") * 2700)  # 270,000 bytes: past the 256 KiB limit
        t = self.tls_client(wait_joined=False)
        t.wait_for(r"is larger than 262144 bytes: not reading it")
        t.wait_for(r"Not reconnecting")
        self.assertNotIn("Trust this key", t.screen())
        self.assert_alice_absent()
        t.finish()

    def test_tls_on_the_plain_port_says_so_and_sends_nothing(self):
        t = self.tls_client("--tls", "alice@127.0.0.1:%d" % self.server.port,
                            wait_joined=False)
        t.wait_for(r"TLS handshake failed")
        t.wait_for(r"Reconnecting in")
        self.assert_alice_absent()
        t.finish()

    def test_pinned_fingerprint(self):
        t = self.tls_client("--tls-fingerprint", self.fp.upper(), "alice@" + self.key)
        t.wait_for(r"TLS: the key is the one pinned")
        self.assertNotIn("Trust this key", t.screen())
        self.assertFalse(os.path.exists(self.known))
        t.finish()
        bad = self.tls_client("--tls-fingerprint", OTHER_KEY, "bob@" + self.key,
                              wait_joined=False)
        bad.wait_for(r"Refused %s: its key sha256 %s is not the pinned"
                     % (re.escape(self.key), self.fp))
        bad.wait_for(r"%s; nothing was sent" % OTHER_KEY)  # wrapped to the next row
        bad.wait_for(r"Not reconnecting")
        self.watch.send("WHOIS bob")
        self.watch.expect(r" 401 watch bob ")
        bad.finish()


class ReconnectTest(e2e.ClientTestCase):
    """A server that comes back on the same port with another key (another
    data directory): the client's reconnect refuses it instead of taking it."""
    start_server = False

    def start_tls(self, port=0):
        data = tempfile.mkdtemp(prefix="parley-data-")
        self.addCleanup(shutil.rmtree, data, True)
        srv = harness.Server(["--tls", "--tls-port", str(port), "--data-dir", data]).start()
        self.addCleanup(srv.stop, check=False)
        m = srv.wait_stdout(TLS_LINE, "the 'listening (TLS) on' line")
        return srv, int(m.group(1)), m.group(2)

    def test_reconnect_to_a_new_key_is_refused(self):
        first, port, fp1 = self.start_tls()
        key = "127.0.0.1:%d" % port
        xdg = tempfile.mkdtemp(prefix="parley-xdg-")
        self.addCleanup(shutil.rmtree, xdg, True)
        t = e2e.Term(["--tls", "alice@" + key], width=140, env={"XDG_DATA_HOME": xdg})
        self.addCleanup(t.kill)
        t.wait_for(r"Key: sha256 %s" % fp1)
        t.keys("y")
        t.wait_for(r"You joined #lobby")
        first.stop()
        t.wait_for(r"Reconnecting in")
        second, port2, fp2 = self.start_tls(port)
        self.assertEqual(port2, port)
        self.assertNotEqual(fp2, fp1)
        t.wait_for(r"WARNING: THE KEY OF %s HAS CHANGED" % re.escape(key), timeout=30)
        t.wait_for(r"Trusted since \d{4}-\d\d-\d\d: sha256 %s" % fp1)
        t.wait_for(r"Offered now: sha256 %s" % fp2)
        t.wait_for(r"Not reconnecting")
        watch = harness.IrcClient(second.port, nick="watch")
        self.addCleanup(watch.close)
        watch.register()
        watch.send("WHOIS alice")
        watch.expect(r" 401 watch alice ")
        t.finish()


class VerifiedCertificateTest(e2e.ClientTestCase):
    """A certificate that verifies against the system store (here the test's
    own CA, given to OpenSSL through SSL_CERT_FILE) and names the host is
    accepted without a question, and nothing is stored."""
    start_server = False

    def serve_and_connect(self, pki, cert, key):
        """A TLS server with cert/key, and a client (its own data dir; the
        test's CA as the system store) connecting to localhost. Returns the
        port, the client's XDG_DATA_HOME and its terminal."""
        srv = self.make_server(["--tls-port", "0", "--tls-cert", cert, "--tls-key", key])
        port = int(srv.wait_stdout(TLS_LINE, "the 'listening (TLS) on' line").group(1))
        xdg = tempfile.mkdtemp(prefix="parley-xdg-")
        self.addCleanup(shutil.rmtree, xdg, True)
        t = e2e.Term(["ircs://alice@localhost:%d" % port], width=140,
                     env={"XDG_DATA_HOME": xdg, "SSL_CERT_FILE": pki.ca_cert})
        self.addCleanup(t.kill)
        return port, xdg, t

    def test_verified_certificate_needs_no_question(self):
        if not test_tls.OPENSSL:
            self.skipTest("no openssl command")
        pki = test_tls.Pki()
        self.addCleanup(pki.cleanup)
        cert, key = pki.server_cert("server")
        port, xdg, t = self.serve_and_connect(pki, cert, key)
        t.wait_for(r"TLS: certificate verified for localhost")
        t.wait_for(r"You joined #lobby")
        self.assertNotIn("Trust this key", t.screen())
        self.assertFalse(os.path.exists(os.path.join(xdg, "parley", "known_servers")))
        t.finish()

    def test_certificate_for_another_name_is_not_verified(self):
        # Signed by a CA the client trusts, but for other.example only: the
        # name does not match, so the key goes to trust on first use.
        if not test_tls.OPENSSL:
            self.skipTest("no openssl command")
        pki = test_tls.Pki()
        self.addCleanup(pki.cleanup)
        key, csr, cert, ext = (pki.path("other" + s) for s in (".key", ".csr", ".pem", ".ext"))
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:other.example\n")
        test_tls.openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=other.example")
        test_tls.openssl("x509", "-req", "-in", csr, "-CA", pki.ca_cert, "-CAkey", pki.ca_key,
                         "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext)
        port, xdg, t = self.serve_and_connect(pki, cert, key)
        t.wait_for(r"The server localhost:%d is new to this client" % port)
        t.wait_for(r"Trust this key and connect\?")
        self.assertNotIn("certificate verified", t.screen())
        t.keys("n")
        t.wait_for(r"Not reconnecting")
        t.finish()


if __name__ == "__main__":
    e2e.main()
