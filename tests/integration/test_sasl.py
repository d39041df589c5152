#!/usr/bin/env python3
"""SASL PLAIN (IRCv3 sasl-3.1) on parleyd: the sasl capability (sasl=PLAIN
to CAP LS 302, only while accounts exist), AUTHENTICATE before and after
registration, and every answer: 900/903 for the right password, 904 for a
wrong one (and with a reason when throttled, or when passwords are not
accepted over this connection), 905 for a response that is too long, 906
for an abort (and for registration completing mid-exchange), 907 once
logged in, 908 + 904 for a mechanism other than PLAIN. Responses come in
400-byte chunks; one of exactly 400 bytes is ended by "AUTHENTICATE +".
A connection gets SASL_FAILURES_MAX (3) failures, then 904 unchecked; the
accounts' per-account throttle refuses even the right password after
enough failures; an exchange that never finishes is ended by the registration
timeout. Accounts are made with REGISTER (draft/account-registration)."""

import base64
import re

from harness import ServerTestCase, main
from test_tls import TlsCaBase, tls_port

PASSWORD = "correct-horse-battery"


def plain_b64(authcid, password, authzid=""):
    """The base64 of a PLAIN message."""
    msg = authzid.encode() + b"\0" + authcid.encode() + b"\0" + password.encode()
    return base64.b64encode(msg).decode()


def chunks(b64):
    """AUTHENTICATE parameters for a response: 400-byte pieces, "+" after a
    last piece of exactly 400 bytes (or for an empty response)."""
    out = [b64[i:i + 400] for i in range(0, len(b64), 400)]
    if not out or len(out[-1]) == 400:
        out.append("+")
    return out


def authenticate(c, authcid, password, authzid=""):
    """AUTHENTICATE PLAIN and the response; returns the first answer numeric
    line's match (900 or 90x)."""
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    for part in chunks(plain_b64(authcid, password, authzid)):
        c.send("AUTHENTICATE " + part)
    return c.expect(r"^:\S+ (90[0-8]) (.*)$")


class SaslBase(ServerTestCase):

    def make_account(self, name, password=PASSWORD):
        """Registers account name with REGISTER on a connection of its own."""
        c = self.irc(name)
        c.send("REGISTER %s * %s" % (name, password))
        c.expect(r"REGISTER SUCCESS %s " % re.escape(name))
        c.send("QUIT")
        c.expect_closed()

    def unregistered(self, name="client"):
        """A connection that negotiated the sasl capability, not registered."""
        c = self.irc(name=name, register=False)
        c.send("CAP LS 302")
        c.expect(r"^:\S+ CAP \* LS :.*\bsasl=PLAIN\b")
        c.send("CAP REQ :sasl")
        c.expect(r"^:\S+ CAP \* ACK :?sasl$")
        return c


class Sasl(SaslBase):

    def test_cap_values(self):
        c = self.irc(name="c", register=False)
        c.send("CAP LS 302")
        c.expect(r"^:\S+ CAP \* LS :.*\bsasl=PLAIN\b")
        d = self.irc(name="d", register=False)  # CAP LS 302 stays on for c
        d.send("CAP LS")
        m = d.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertIn("sasl", m.group(1).split())

    def test_success_before_registration(self):
        self.make_account("alice")
        c = self.unregistered()
        c.send("NICK alice")
        c.send("USER alice 0 * :Alice")
        m = authenticate(c, "alice", PASSWORD)
        self.assertEqual(m.group(1), "900")
        self.assertRegex(m.group(2), r"^alice alice!alice@127\.0\.0\.1 alice "
                                     r":You are now logged in as alice$")
        c.expect(r"^:\S+ 903 alice :SASL authentication successful$")
        c.send("CAP END")
        c.expect(r"^:\S+ 001 alice ")
        c.send("WHOIS alice")
        c.expect(r"^:\S+ 330 alice alice alice :")
        # Logged in: another AUTHENTICATE is refused.
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^:\S+ 907 alice :")

    def test_sasl_then_pass_login_is_not_checked_again(self):
        """A client that logged in with SASL and also sent PASS
        account:password (some send both) stays logged in: the PASS login is
        not checked a second time (a stale password there closed the
        connection with 464)."""
        self.make_account("carol")
        c = self.unregistered()
        c.send("PASS carol:an-old-password")
        c.send("NICK carol")
        c.send("USER carol 0 * :Carol")
        self.assertEqual(authenticate(c, "carol", PASSWORD).group(1), "900")
        c.send("CAP END")
        c.expect(r"^:\S+ 001 carol ")
        c.send("WHOIS carol")
        c.expect(r"^:\S+ 330 carol carol carol :")

    def test_wrong_password_then_right(self):
        self.make_account("bob")
        c = self.unregistered()
        m = authenticate(c, "bob", "not the password")
        self.assertEqual(m.group(1), "904")
        self.assertRegex(m.group(2), r"^\* :SASL authentication failed$")
        m = authenticate(c, "nobody", PASSWORD)  # no such account: the same answer
        self.assertEqual(m.groups(), ("904", "* :SASL authentication failed"))
        m = authenticate(c, "Bob", PASSWORD, authzid="bob")
        self.assertEqual(m.group(1), "900")
        self.assertRegex(m.group(2), r" bob :You are now logged in as bob$")

    def test_other_mechanism_and_abort(self):
        c = self.unregistered()
        c.send("AUTHENTICATE EXTERNAL")
        c.expect(r"^:\S+ 908 \* PLAIN :are available SASL mechanisms$")
        c.expect(r"^:\S+ 904 \* :SASL authentication failed$")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE *")
        c.expect(r"^:\S+ 906 \* :SASL authentication aborted$")
        # A response that is not PLAIN: refused with the reason.
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE " + base64.b64encode(b"no nul here").decode())
        c.expect(r"^:\S+ 904 \* :SASL authentication failed: the response is not a PLAIN")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE !!!!")
        c.expect(r"^:\S+ 904 \* :SASL authentication failed: .*base64")

    def test_400_byte_boundary_and_too_long(self):
        name = "n" * 22
        password = "p" * 254  # 22 + 1 + 22 + 1 + 254 = 300 bytes: 400 of base64
        self.make_account(name, password)
        c = self.unregistered()
        self.assertEqual(len(plain_b64(name, password, name)), 400)
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE " + plain_b64(name, password, name))
        c.sync()  # nothing yet: the response goes on
        c.send("AUTHENTICATE +")
        c.expect(r"^:\S+ 900 \* \S+ %s :You are now logged in as %s$" % (name, name))
        c.expect(r"^:\S+ 903 ")

        d = self.unregistered("d")
        d.send("AUTHENTICATE PLAIN")
        d.expect(r"^AUTHENTICATE \+$")
        d.send("AUTHENTICATE " + "A" * 401)
        d.expect(r"^:\S+ 905 \* :SASL message too long")
        # Two full chunks are more than any PLAIN message we accept.
        d.send("AUTHENTICATE PLAIN")
        d.expect(r"^AUTHENTICATE \+$")
        d.send("AUTHENTICATE " + "A" * 400)
        d.send("AUTHENTICATE " + "A" * 400)
        d.expect(r"^:\S+ 905 \* :SASL message too long")

    def test_failures_per_connection_and_throttle(self):
        self.make_account("carol")
        c = self.unregistered()
        for _ in range(3):
            self.assertEqual(authenticate(c, "carol", "wrong password")[1], "904")
        # The fourth attempt is refused before the password is asked for.
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^:\S+ 904 \* :SASL authentication failed: too many failed attempts")
        # More failures from other connections reach the account's throttle:
        # then even the right password is refused, saying why.
        d = self.unregistered("d")
        for _ in range(3):
            self.assertEqual(authenticate(d, "carol", "wrong password")[1], "904")
        e = self.unregistered("e")
        m = authenticate(e, "carol", PASSWORD)
        self.assertEqual(m.group(1), "904")
        self.assertRegex(m.group(2), r"^\* :SASL authentication failed: too many attempts .*"
                                     r"try again later$")

    def test_registration_ends_exchange(self):
        c = self.unregistered()
        c.send("NICK dave")
        c.send("USER dave 0 * :Dave")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("CAP END")
        c.expect(r"^:\S+ 906 dave :SASL authentication aborted$")
        c.expect(r"^:\S+ 001 dave ")

    def test_after_registration(self):
        self.make_account("erin")
        c = self.irc("erin")
        m = authenticate(c, "erin", PASSWORD)
        self.assertEqual(m.group(1), "900")
        self.assertRegex(m.group(2), r"^erin erin!erin@127\.0\.0\.1 erin ")
        c.expect(r"^:\S+ 903 erin ")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^:\S+ 907 erin :You have already authenticated using SASL$")


class SaslStalled(ServerTestCase):
    """An exchange started before registration and never finished is ended
    by the registration timeout, like any unregistered connection."""

    server_args = ("--reg-timeout", "1")

    def test_unfinished_exchange_times_out(self):
        c = self.irc(name="c", register=False)
        c.send("CAP LS 302")
        c.expect(r"^:\S+ CAP \* LS ")
        c.send("NICK gina")
        c.send("USER gina 0 * :Gina")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE " + "A" * 400)  # more would follow; it never does
        c.expect_closed()
        self.assertFalse(any(re.search(r" 001 ", line) for line in c.received))


class SaslNoAccounts(ServerTestCase):
    server_args = ("--history-store", "memory")

    def test_not_offered(self):
        c = self.irc(name="c", register=False)
        c.send("CAP LS 302")
        m = c.expect(r"^:\S+ CAP \* LS :(.*)$")
        self.assertNotIn("sasl", " ".join(m.group(1).split()).replace("=", " ").split())
        c.send("CAP REQ :sasl")
        c.expect(r"^:\S+ CAP \* NAK :?sasl$")
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^:\S+ 904 \* :SASL authentication failed: \S")


class SaslNoLoopback(ServerTestCase):
    """With loopback not counting as safe, PLAIN over plain TCP is refused
    before the password is sent."""

    start_server = False

    def test_refused_in_clear(self):
        self.server = self.make_server(env={"PARLEYD_TEST_NO_LOOPBACK_AUTH": "1"})
        c = self.irc(name="c", register=False)
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^:\S+ 904 \* :SASL authentication failed: .*TLS")


class SaslOverTls(TlsCaBase):
    """Over TLS, PLAIN works even where loopback does not count."""

    def test_tls_allowed(self):
        self.start()
        c = self.tls()
        c.expect(r"Welcome to parley|NOTICE")
        c.send("NICK frank")
        c.send("USER frank 0 * :Frank")
        c.expect(r" (376|422) ")
        c.send("REGISTER frank * %s" % PASSWORD)
        c.expect(r"REGISTER SUCCESS frank ")
        d = self.tls()
        d.send("CAP LS 302")
        d.expect(r"CAP \* LS :.*\bsasl=PLAIN\b")
        d.send("AUTHENTICATE PLAIN")
        d.expect(r"^AUTHENTICATE \+$")
        d.send("AUTHENTICATE " + plain_b64("frank", PASSWORD))
        d.expect(r"^:\S+ 900 \* \S+ frank :You are now logged in as frank$")
        d.expect(r"^:\S+ 903 ")

    def start(self):
        self.server = self.make_server(["--tls-port", "0", "--tls-cert", self.cert,
                                        "--tls-key", self.key],
                                       env={"PARLEYD_TEST_NO_LOOPBACK_AUTH": "1"})
        self.tport, self.fingerprint = tls_port(self.server)
        return self.server


if __name__ == "__main__":
    main()
