#!/usr/bin/env python3
"""TLS on parleyd: a TLS listener beside the plain one (--tls-port), with a
certificate the test makes with its own CA (openssl CLI), or the one parleyd
generates in its data directory (--tls). Clients are Python's ssl module.

Proves: the handshake and a chat between a TLS and a plain client; a plain
client on the TLS port gets one ERROR line naming the plain port; a TLS
client on the plain port is closed at once (not at the registration
timeout); a handshake that never finishes ends at the registration timeout;
the generated certificate is made once (0600), reused, and its SPKI SHA-256
is what `parleyd --fingerprint`, the "listening (TLS)" line and the client
see; SIGHUP reloads the certificate while TLS clients stay connected;
several TLS senders in a room of TLS members: every line to everyone, in one
order, also after the workers' idle trim (a lost wake-up would hang)."""

import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from harness import (TIMEOUT, Server, ServerTestCase, main, poll_until, run_parleyd,
                     scaled, tail)

OPENSSL = shutil.which("openssl")
TLS_LINE = re.compile(r"listening \(TLS\) on 127\.0\.0\.1:(\d+) "
                      r"\(key fingerprint sha256 ([0-9a-f]{64})\)$")


def openssl(*args, data=None):
    """Runs the openssl CLI; returns stdout (bytes)."""
    return subprocess.run([OPENSSL] + list(args), input=data, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


class Pki:
    """A throw-away CA and server certificates it signs (SAN 127.0.0.1,
    localhost), in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="parley-tls-")
        self.ca_key = self.path("ca.key")
        self.ca_cert = self.path("ca.pem")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "2",
                "-subj", "/CN=parley test CA")

    def path(self, name):
        return os.path.join(self.dir, name)

    def server_cert(self, name):
        """Makes NAME.key and NAME.pem (signed by the CA); returns the paths."""
        key, csr, cert, ext = (self.path(name + s) for s in (".key", ".csr", ".pem", ".ext"))
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
        openssl("x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key,
                "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext)
        return cert, key

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def spki_sha256(cert_der):
    """SHA-256 of a DER certificate's SubjectPublicKeyInfo, in hex."""
    pub = openssl("x509", "-inform", "DER", "-pubkey", "-noout", data=cert_der)
    spki = openssl("pkey", "-pubin", "-outform", "DER", data=pub)
    return hashlib.sha256(spki).hexdigest()


def tls_port(server):
    m = server.wait_stdout(TLS_LINE.pattern, "the 'listening (TLS) on' line")
    return int(m.group(1)), m.group(2)


class TlsLines:
    """A TLS IRC client on one thread (an SSL object is not shared by a
    reader and a writer thread): send lines, read until one matches."""

    def __init__(self, port, cafile=None, rcvbuf=None, tls12_cipher=None):
        ctx = ssl.create_default_context(cafile=cafile)
        if tls12_cipher:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.set_ciphers(tls12_cipher)
        if cafile is None:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.settimeout(TIMEOUT)
        raw.connect(("127.0.0.1", port))
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost")
        self.buf = b""
        self.lines = []

    def peer_spki(self):
        return spki_sha256(self.sock.getpeercert(binary_form=True))

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def expect(self, pattern, timeout=TIMEOUT):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.rstrip(b"\r").decode("utf-8", "replace")
                self.lines.append(text)
                if text.startswith("PING "):
                    self.send("PONG " + text[5:])
                if rx.search(text):
                    return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("TLS client: %r not seen; got:\n%s"
                                     % (pattern, "\n".join(self.lines[-20:])))
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise AssertionError("TLS client: closed before %r; got:\n%s"
                                     % (pattern, "\n".join(self.lines[-20:])))
            self.buf += data

    def register(self, nick):
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.expect(r" (376|422) ")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def skip_without_openssl(case):
    if not OPENSSL:
        case.skipTest("the openssl command is not installed (scripts/install-deps --test)")


class TlsCaBase(ServerTestCase):
    """A server whose certificate the test's CA signed."""

    start_server = False

    def setUp(self):
        super().setUp()
        skip_without_openssl(self)
        self.pki = Pki()
        self.addCleanup(self.pki.cleanup)
        self.cert, self.key = self.pki.server_cert("a")

    def start(self, *extra):
        self.server = self.make_server(["--tls-port", "0", "--tls-cert", self.cert,
                                        "--tls-key", self.key] + list(extra))
        self.tport, self.fingerprint = tls_port(self.server)
        return self.server

    def tls(self, verify=True, rcvbuf=None, tls12_cipher=None):
        c = TlsLines(self.tport, cafile=self.pki.ca_cert if verify else None, rcvbuf=rcvbuf,
                     tls12_cipher=tls12_cipher)
        self.addCleanup(c.close)
        return c


class TlsWithCa(TlsCaBase):

    def test_tls_and_plain_clients_chat(self):
        self.start()
        alice = self.tls()
        self.assertEqual(alice.sock.version() in ("TLSv1.2", "TLSv1.3"), True)
        alice.expect(r"Welcome to parley")
        alice.register("alice")
        alice.send("JOIN #x")
        alice.expect(r" 366 alice #x ")
        bob = self.irc("bob")
        bob.join("#x")
        alice.expect(r":bob!\S+ JOIN :?#x")
        alice.send("PRIVMSG #x :hello over TLS")
        bob.expect(r":alice!\S+ PRIVMSG #x :hello over TLS$")
        bob.privmsg("#x", "hello in plain text")
        alice.expect(r":bob!\S+ PRIVMSG #x :hello in plain text$")
        # A long burst the other way: many records, partial writes.
        for i in range(200):
            bob.privmsg("#x", "line %d %s" % (i, "x" * 300))
        alice.expect(r"PRIVMSG #x :line 199 x+$")
        self.assertEqual(alice.peer_spki(), self.fingerprint)

    def test_plain_client_on_tls_port_gets_error(self):
        self.start()
        c = socket.create_connection(("127.0.0.1", self.tport), timeout=TIMEOUT)
        c.sendall(b"NICK carol\r\nUSER carol 0 * :c\r\n")
        data = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        c.close()
        self.assertEqual(data.decode(), "ERROR :This port speaks TLS; connect with TLS or "
                         "use port %d\r\n" % self.server.port)
        # The server carries on, on both ports.
        self.tls().register("dave")
        self.irc("erin")
        self.assertIn("spoke plain text on the TLS port", self.server.stderr_text())

    def test_tls_client_on_plain_port_is_closed(self):
        # The registration timeout is long: only recognising the handshake
        # can close the connection within the test's wait.
        self.start("--reg-timeout", "300")
        ctx = ssl.create_default_context(cafile=self.pki.ca_cert)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
        with self.assertRaises(ssl.SSLWantReadError):
            tls.do_handshake()
        hello = outgoing.read()  # a real ClientHello
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=TIMEOUT)
        raw.sendall(hello)
        got = b""
        try:
            while True:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                got += chunk
        except ConnectionResetError:
            pass
        except socket.timeout:
            self.fail("a TLS ClientHello on the plain port was not closed; got %r" % got)
        raw.close()
        # Nothing but the greeting sent on connecting, before the hello came.
        self.assertEqual([l for l in got.split(b"\r\n") if l and b"Welcome to parley" not in l],
                         [])
        ok = poll_until(lambda: "TLS handshake on the plain port" in self.server.stderr_text())
        self.assertTrue(ok, tail(self.server.stderr_text()))
        self.irc("frank")  # still serving

    def test_stalled_handshake_times_out(self):
        self.start("--reg-timeout", "1")
        c = socket.create_connection(("127.0.0.1", self.tport), timeout=TIMEOUT)
        c.sendall(b"\x16\x03\x01")  # the start of a ClientHello, then nothing
        c.settimeout(TIMEOUT)
        try:
            while c.recv(4096):
                pass
        except ConnectionResetError:
            pass
        c.close()
        ok = poll_until(lambda: "Registration timeout" in self.server.stderr_text())
        self.assertTrue(ok, tail(self.server.stderr_text()))
        self.tls().register("gina")

    def test_sighup_reloads_certificate(self):
        self.start()
        old = self.tls()
        old.register("old")
        old.send("JOIN #r")
        old.expect(r" 366 old #r ")
        cert_b, key_b = self.pki.server_cert("b")
        shutil.copy(cert_b, self.cert)
        shutil.copy(key_b, self.key)
        self.server.send_signal(signal.SIGHUP)
        self.server.signaled = None  # a reload, not a stop
        ok = poll_until(lambda: "re-read the TLS certificate" in self.server.stderr_text())
        self.assertTrue(ok, tail(self.server.stderr_text()))
        new = self.tls()
        self.assertNotEqual(new.peer_spki(), self.fingerprint)
        with open(cert_b) as f:
            self.assertEqual(new.peer_spki(), spki_sha256(ssl.PEM_cert_to_DER_cert(f.read())))
        new.register("new")
        new.send("JOIN #r")
        new.expect(r" 366 new #r ")
        old.send("PRIVMSG #r :still here after the reload")
        new.expect(r":old!\S+ PRIVMSG #r :still here after the reload$")
        self.assertEqual(old.peer_spki(), self.fingerprint)
        # A broken file leaves the current certificate in place.
        with open(self.cert, "w") as f:
            f.write("not a certificate\n")
        self.server.send_signal(signal.SIGHUP)
        self.server.signaled = None
        ok = poll_until(lambda: "keep the certificate they had" in self.server.stderr_text())
        self.assertTrue(ok, tail(self.server.stderr_text()))
        third = self.tls()
        self.assertEqual(third.peer_spki(), new.peer_spki())
        third.register("third")


class TlsUnderLoad(TlsCaBase):
    """Many TLS members of a busy room, written by the sender's thread
    under each member's SSL lock, while the certificate is reloaded: every line arrives, in order."""

    def test_burst_to_tls_members_with_reloads(self):
        self.start()
        members = []
        for i in range(scaled(8, 3)):
            c = self.tls()
            c.register("t%d" % i)
            c.send("JOIN #busy")
            c.expect(r" 366 t%d #busy " % i)
            members.append(c)
        sender = self.irc("sender")
        sender.join("#busy")
        lines = scaled(1000, 200)
        reloads = 0
        for i in range(lines):
            sender.send("PRIVMSG #busy :burst %d %s" % (i, "y" * 80))
            if i % (lines // 4) == 0:
                # One at a time: signals sent together may arrive as one.
                done = self.server.stderr_text().count("re-read the TLS certificate")
                self.server.send_signal(signal.SIGHUP)
                self.server.signaled = None
                reloads += 1
                self.assertTrue(poll_until(lambda: self.server.stderr_text().count(
                    "re-read the TLS certificate") == done + 1))
        sender.sync()
        for c in members:
            for i in range(lines):
                c.expect(r":sender!\S+ PRIVMSG #busy :burst (\d+) ")
            got = [int(m.group(1)) for m in (re.search(r" :burst (\d+) ", l) for l in c.lines)
                   if m]
            self.assertEqual(got, list(range(lines)))
        self.assertEqual(self.server.stderr_text().count("re-read the TLS certificate"),
                         reloads)
        fresh = self.tls()
        fresh.register("fresh")


class TlsManySendersOneRoom(TlsCaBase):
    """Every member of a room on TLS, several of them sending at once: a
    sender's worker is often awake (reading, fanning out) when the others
    queue lines for it, and then it is only armed, not signalled, and must
    write them before its next wait (session.h, q_waiting). Every member
    gets every line, each sender's lines in order, all in the same order."""

    def test_concurrent_tls_senders_all_delivered_in_one_order(self):
        self.start()
        nmembers, nsenders = scaled(12, 4), scaled(4, 2)
        lines = scaled(300, 60)
        members = []
        for i in range(nmembers):
            c = self.tls()
            c.register("m%d" % i)
            c.send("JOIN #fan")
            c.expect(r" 366 m%d #fan " % i)
            members.append(c)
        senders = members[:nsenders]
        self.burst(members, senders, lines, "a")
        # Again once every worker has been quiet past its idle trim (1 s),
        # whose timer would otherwise hide a lost wake-up: after it a
        # worker sleeps until input or the PING timer.
        time.sleep(1.5)
        self.burst(members, senders, lines, "b")

    def burst(self, members, senders, lines, tag):
        nsenders = len(senders)
        # Interleaved line by line from one thread: every sender's worker
        # is busy with its own input while the others' lines arrive.
        for n in range(lines):
            for k, c in enumerate(senders):
                c.send("PRIVMSG #fan :%s%d n%d %s" % (tag, k, n, "z" * 60))
        rx = re.compile(r":m(\d+)!\S+ PRIVMSG #fan :%s(\d+) n(\d+) " % tag)
        orders = []
        for i, c in enumerate(members):
            expected = lines * (nsenders - 1 if i < nsenders else nsenders)
            for _ in range(expected):
                c.expect(rx.pattern)
            got = [(int(m.group(2)), int(m.group(3)))
                   for m in (rx.search(l) for l in c.lines) if m]
            self.assertEqual(len(got), expected, "member m%d" % i)
            for k in range(nsenders):
                if k != i:
                    self.assertEqual([n for s, n in got if s == k], list(range(lines)),
                                     "member m%d, sender %s%d" % (i, tag, k))
            orders.append(got)
        # One room order: any two members agree on the lines both received.
        for i, got in enumerate(orders):
            for j in range(i + 1, len(orders)):
                seen_i = [x for x in got if x[0] != j]
                seen_j = [x for x in orders[j] if x[0] != i]
                self.assertEqual(seen_i, seen_j, "m%d and m%d" % (i, j))

class TlsAfterHandshakeState(TlsCaBase):
    """Each worker frees OpenSSL's per-thread state when its handshake is
    done (less memory per idle connection), and trims its memory after a
    quiet second: connections go on working after both, including a TLS 1.2
    CBC suite, whose every record needs fresh random bytes (state OpenSSL
    must make again), and errors, which need the error queue again."""

    def test_tls_works_after_thread_state_freed_and_idle(self):
        self.start()
        a = self.tls()
        a.register("a")
        cbc = self.tls(tls12_cipher="ECDHE-ECDSA-AES128-SHA")
        self.assertEqual(cbc.sock.version(), "TLSv1.2")
        self.assertEqual(cbc.sock.cipher()[0], "ECDHE-ECDSA-AES128-SHA")
        cbc.register("cbc")
        for c, nick in ((a, "a"), (cbc, "cbc")):
            c.send("JOIN #idle")
            c.expect(r" 366 %s #idle " % nick)
        # Past the worker's one-second trim, with nothing to do meanwhile.
        time.sleep(1.5)
        for i in range(50):
            a.send("PRIVMSG #idle :from a %d %s" % (i, "z" * 200))
            cbc.send("PRIVMSG #idle :from cbc %d" % i)
        cbc.expect(r":a!\S+ PRIVMSG #idle :from a 49 z+$")
        a.expect(r":cbc!\S+ PRIVMSG #idle :from cbc 49$")
        # A TLS-level error on one connection after that: the others stay.
        bad = self.tls()
        bad.register("bad")
        raw = socket.create_connection(("127.0.0.1", self.tport), timeout=TIMEOUT)
        raw.sendall(b"\x16\x03\x01\x00\x05garbage-handshake")
        raw.settimeout(TIMEOUT)
        try:
            while raw.recv(4096):
                pass
        except OSError:
            pass
        raw.close()
        bad.send("JOIN #idle")
        bad.expect(r" 366 bad #idle ")
        bad.send("PRIVMSG #idle :still here")
        a.expect(r":bad!\S+ PRIVMSG #idle :still here$")
        cbc.expect(r":bad!\S+ PRIVMSG #idle :still here$")


class TlsSlowReader(TlsCaBase):
    """A TLS client that stops reading: the server's SSL_write meets a full
    socket (WANT_WRITE) and must retry with the same bytes; nothing is lost,
    doubled or reordered when the client reads again."""

    def test_backlog_survives_full_socket(self):
        # More than the kernel's largest send buffer (tcp_wmem: 4 MiB) waits
        # for the client, so the socket fills up whatever it autotunes to.
        self.start("--sendq", "32m")
        slow = self.tls(rcvbuf=4096)
        slow.register("slow")
        slow.send("JOIN #s")
        slow.expect(r" 366 slow #s ")
        sender = self.irc("sender")
        sender.join("#s")
        lines = 12000
        for i in range(lines):
            sender.send("PRIVMSG #s :%d %s" % (i, "z" * 400))
        sender.sync()
        for i in range(lines):
            slow.expect(r":sender!\S+ PRIVMSG #s :%d z{400}$" % i)
        got = [l for l in slow.lines if " PRIVMSG #s :" in l]
        self.assertEqual(len(got), lines)
        slow.send("PING :done")
        slow.expect(r"PONG .*done")


class TlsSharedWrites(TlsCaBase):
    """A TLS recipient is written by whoever holds its queue (the sender, a
    write turn), under its SSL lock, while its worker reads: fast TLS 1.3
    members, TLS 1.2 CBC members (a fresh random IV per record, drawn on the
    writing thread), a member that stops reading (WANT_WRITE met by a
    sender, finished by the worker) and members that leave in the middle,
    all in one room with several TLS senders. Everyone still in the room
    gets every line, each sender's in order; the server stays clean."""

    def test_mixed_tls_recipients_during_fanout(self):
        self.start("--sendq", "32m")
        lines = scaled(400, 80)
        def member(nick, **kw):
            c = self.tls(**kw)
            c.register(nick)
            c.send("JOIN #mix")
            c.expect(r" 366 %s #mix " % nick)
            return c
        senders = [member("s%d" % k) for k in range(scaled(3, 2))]
        fast = [member("f%d" % i) for i in range(scaled(4, 2))]
        cbc = [member("c%d" % i, tls12_cipher="ECDHE-ECDSA-AES128-SHA")
               for i in range(2)]
        for c in cbc:
            self.assertEqual(c.sock.cipher()[0], "ECDHE-ECDSA-AES128-SHA")
        slow = member("slow", rcvbuf=4096)
        leavers = [member("q%d" % i) for i in range(2)]
        for n in range(lines):
            for k, c in enumerate(senders):
                c.send("PRIVMSG #mix :s%d n%d %s" % (k, n, "w" * 300))
            if n == lines // 2:
                leavers[0].send("QUIT :bye")
                leavers[1].close()  # gone without a word
        rx = re.compile(r":s(\d+)!\S+ PRIVMSG #mix :s(\d+) n(\d+) ")
        for c in senders + fast + cbc + [slow]:
            mine = senders.index(c) if c in senders else -1
            expected = lines * (len(senders) - (1 if mine >= 0 else 0))
            for _ in range(expected):
                c.expect(rx.pattern)
            got = [(int(m.group(2)), int(m.group(3)))
                   for m in (rx.search(l) for l in c.lines) if m]
            self.assertEqual(len(got), expected)
            for k in range(len(senders)):
                if k != mine:
                    self.assertEqual([n for s, n in got if s == k], list(range(lines)))
        for q in ("q0", "q1"):  # seen during the burst, or still to come
            if not any(re.search(r":%s!\S+ QUIT " % q, l) for l in fast[0].lines):
                fast[0].expect(r":%s!\S+ QUIT " % q)
        slow.send("PING :done")
        slow.expect(r"PONG .*done")

    def test_shutdown_during_tls_fanout(self):
        """SIGTERM while senders' threads are writing TLS recipients: every
        worker says its goodbye under the same lock and the server exits 0
        (stop() checks the status and the sanitizers' reports)."""
        self.start()
        members = []
        for i in range(scaled(10, 4)):
            c = self.tls()
            c.register("m%d" % i)
            c.send("JOIN #down")
            c.expect(r" 366 m%d #down " % i)
            members.append(c)
        for n in range(scaled(300, 100)):
            for k in range(3):
                members[k].send("PRIVMSG #down :%d %d %s" % (k, n, "d" * 200))
        members[-1].expect(r" PRIVMSG #down :\d+ \d+ d+$")
        self.server.stop()
        for c in members:  # each connection ends (ERROR or close), none hangs
            try:
                c.expect(r"^ERROR ")
            except (AssertionError, OSError):
                pass


class TlsGenerated(ServerTestCase):
    """--tls without a certificate: parleyd makes one in its data directory."""

    start_server = False

    def setUp(self):
        super().setUp()
        skip_without_openssl(self)
        self.data = tempfile.mkdtemp(prefix="parley-tlsdata-")
        self.addCleanup(shutil.rmtree, self.data, True)

    def start(self):
        srv = Server(["--tls", "--tls-port", "0", "--data-dir", self.data]).start()
        return srv

    def test_generated_certificate_is_kept_and_fingerprinted(self):
        srv = self.start()
        try:
            port, printed = tls_port(srv)
            c = TlsLines(port)
            seen = c.peer_spki()
            c.register("henry")
            c.close()
            self.assertIn("sha256 " + printed, srv.stderr_text())
        finally:
            srv.stop()
        self.assertEqual(seen, printed)
        cert = os.path.join(self.data, "tls-cert.pem")
        key = os.path.join(self.data, "tls-key.pem")
        for path in (cert, key):
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, path)
        with open(cert, "rb") as f:
            first_cert = f.read()
        text = openssl("x509", "-in", cert, "-noout", "-ext", "subjectAltName").decode()
        for name in ("DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1",
                     "DNS:%s.local" % socket.gethostname().split(".")[0]):
            self.assertIn(name, text)
        status, out, err = run_parleyd(["--fingerprint", "--data-dir", self.data])
        self.assertEqual((status, out), (0, "sha256 %s\n" % printed), err)
        status, out, err = run_parleyd(["--fingerprint", "--tls-cert", cert])
        self.assertEqual((status, out), (0, "sha256 %s\n" % printed), err)
        srv = self.start()
        try:
            port, again = tls_port(srv)
            self.assertEqual(again, printed)
            c = TlsLines(port)
            self.assertEqual(c.peer_spki(), printed)
            c.close()
        finally:
            srv.stop()
        with open(cert, "rb") as f:
            self.assertEqual(f.read(), first_cert, "the certificate was made again")

    def test_fingerprint_without_certificate_fails(self):
        status, out, err = run_parleyd(["--fingerprint", "--data-dir", self.data])
        self.assertEqual((status, out), (1, ""))
        self.assertIn("no certificate", err)
        self.assertFalse(os.path.exists(os.path.join(self.data, "tls-key.pem")))


if __name__ == "__main__":
    main()
