#!/usr/bin/env python3
"""Interop with a real IRC client: WeeChat (weechat-headless, Debian's
package) against parleyd, with a raw IRC client in the same room.

WeeChat runs with --dir a temporary directory and only the irc, logger and
fifo plugins (no scripts, no relay), configured by -r commands to connect to
127.0.0.1 on the test's port without TLS and to autojoin #room. It is driven
through its FIFO and observed through the files its logger plugin writes.
WeeChat asks for most IRCv3 caps (message-tags, server-time, multi-prefix,
extended-join, away-notify, account-notify, cap-notify, setname,
invite-notify, userhost-in-names); its logs must show no error line ("=!=").
Skipped (exit 77) if weechat-headless is not installed."""

import errno
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from harness import TIMEOUT as HARNESS_TIMEOUT, ServerTestCase, main, poll_until, read_text

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "e2e"))
from e2e import CutProxy  # noqa: E402  (a line relay: sees what parleyd sends WeeChat)

WEECHAT = shutil.which("weechat-headless")
# WeeChat is a big program driven through a FIFO: on a machine busy with a
# sanitizer build it answers late, so its waits are longer than a raw
# client's (a bound, not a timing assertion).
TIMEOUT = 3 * HARNESS_TIMEOUT


def weechat_major():
    """WeeChat's major version (its TLS option was "ssl" before 4.0)."""
    out = subprocess.run([WEECHAT, "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, timeout=TIMEOUT).stdout
    m = re.search(r"(\d+)\.", out)
    return int(m.group(1)) if m else 0


class InteropWeechat(ServerTestCase):

    def setUp(self):
        if WEECHAT is None:
            self.skipTest("weechat-headless is not installed")
        super().setUp()

    def start_weechat(self, nicks):
        """WeeChat connected to parleyd through a relay that records every
        line parleyd sends it (self.from_server)."""
        self.from_server = []
        lock = threading.Lock()

        def record(line):
            with lock:
                self.from_server.append(line)
            return line
        proxy = CutProxy(self.server.port, server_filter=record)
        self.addCleanup(proxy.close)
        d = tempfile.mkdtemp(prefix="parley-weechat-")
        self.addCleanup(shutil.rmtree, d, True)
        self.dir = d
        notls = "-notls" if weechat_major() >= 4 else "-nossl"
        commands = ";".join([
            "/set logger.file.flush_delay 0",
            # WeeChat spaces its own lines 2 s apart; the server has --flood off
            "/set irc.server_default.anti_flood_prio_high 0",
            "/set irc.server_default.anti_flood_prio_low 0",
            "/set irc.server_default.nicks " + nicks,
            "/set irc.server_default.username " + nicks.split(",")[0],
            "/set irc.server_default.realname WeeChat tester",
            "/server add parley 127.0.0.1/%d %s -autojoin=#room" % (proxy.port, notls),
            "/connect parley",
        ])
        out = open(os.path.join(d, "output"), "wb")
        proc = subprocess.Popen([WEECHAT, "--dir", d, "--plugins", "irc,logger,fifo",
                                 "--no-script", "--run-command", commands],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                env=dict(os.environ, HOME=d, LANG="C.UTF-8"))

        def stop():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            out.close()
        # registered before the server stops (cleanups run last-in first-out)
        self.addCleanup(stop)
        return proc

    def log(self, name):
        """The logger's file for WeeChat buffer name (e.g. irc.parley.#room)."""
        return os.path.join(self.dir, "logs", name + ".weechatlog")

    def wait_log(self, name, pattern, what):
        """Waits (bounded) until buffer name's log has a line matching pattern."""
        rx = re.compile(pattern, re.M)
        path = self.log(name)
        if not poll_until(lambda: rx.search(read_text(path)), timeout=TIMEOUT):
            self.fail("WeeChat: expected %s (/%s/) in %s; it holds:\n%s" % (
                what, pattern, path, read_text(path)[-3000:]))

    def fifo(self, buffer, text):
        """Runs text (a /command or a message) in WeeChat's buffer, through
        its FIFO; waits (bounded) for the FIFO to exist and be open."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            paths = glob.glob(os.path.join(self.dir, "weechat_fifo*"))
            try:
                if not paths:
                    raise OSError(errno.ENOENT, "no FIFO yet")
                fd = os.open(paths[0], os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as e:
                if e.errno not in (errno.ENOENT, errno.ENXIO) or time.monotonic() > deadline:
                    raise AssertionError("cannot open WeeChat's FIFO: %s" % e)
                time.sleep(0.05)
        try:
            os.write(fd, ("%s *%s\n" % (buffer, text)).encode())
        finally:
            os.close(fd)

    def server_errors(self, allowed=()):
        """Error numerics parleyd sent WeeChat, but 422 (no MOTD) and allowed."""
        out = []
        for line in list(self.from_server):
            m = re.match(r"^(?:@\S+ )?:\S+ ([45]\d\d) ", line)
            if m and m.group(1) != "422" and m.group(1) not in allowed:
                out.append(line)
        return out

    def error_lines(self):
        """Every error line WeeChat logged, in any buffer."""
        errors = []
        for path in sorted(glob.glob(os.path.join(self.dir, "logs", "*.weechatlog"))):
            for line in read_text(path).splitlines():
                if "\t=!=\t" in line:
                    errors.append("%s: %s" % (os.path.basename(path), line))
        return errors

    def test_weechat_session(self):
        """A whole WeeChat session beside a raw client, as the module doc says."""
        bob = self.irc("bob")
        bob.timeout = TIMEOUT
        bob.join("#room")
        proc = self.start_weechat("wcuser")
        chan, srv = "irc.parley.#room", "irc.server.parley"

        # registration, caps and the autojoin
        self.wait_log(srv, r"Welcome to the parley network, wcuser!wcuser@127\.0\.0\.1",
                      "the welcome")
        self.wait_log(srv, r"client capability, enabled: .*message-tags", "the caps")
        bob.expect(r"^(@\S+ )?:wcuser!wcuser@127\.0\.0\.1 JOIN #room")
        self.wait_log(chan, r"wcuser \(WeeChat tester\) \(wcuser@127\.0\.0\.1\) has joined #room",
                      "the JOIN (extended-join)")
        self.wait_log(chan, r"Channel #room: 2 nicks \(1 op, 0 voices, 1 normal\)",
                      "the NAMES count")
        self.wait_log(chan, r"Channel created on ", "the MODE query's 329")

        # messages both ways
        bob.privmsg("#room", "hello from the raw client")
        self.wait_log(chan, r"\t@bob\thello from the raw client$", "bob's message")
        self.fifo(chan, "hello from weechat")
        bob.expect(r"^(@\S+ )?:wcuser!wcuser@127\.0\.0\.1 PRIVMSG #room :hello from weechat$")

        # op given by bob, a topic set by WeeChat, a topic set by bob
        bob.send("MODE #room +o wcuser")
        self.wait_log(chan, r"Mode #room \[\+o wcuser\] by bob", "the op")
        self.fifo(chan, "/topic the weechat topic")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ TOPIC #room :the weechat topic$")
        bob.send("TOPIC #room :bob's topic")
        self.wait_log(chan, r"bob has changed topic for #room from \"the weechat topic\" "
                      r"to \"bob's topic\"", "bob's topic")

        # queries WeeChat sends by hand: WHO, WHOIS, the ban list, NAMES
        self.fifo(chan, "/who #room")
        self.wait_log(srv, r"End of /WHO list", "the WHO reply")
        self.fifo(chan, "/whois bob")
        self.wait_log(srv, r"\[bob\] End of /?WHOIS", "the WHOIS reply")
        self.fifo(chan, "/mode #room +b")
        self.wait_log(chan, r"End of channel ban list|No bans", "the ban list")
        self.fifo(chan, "/names")
        self.wait_log(chan, r"Nicks #room: \[@bob @wcuser\]", "the NAMES list")

        # a private message each way
        bob.privmsg("wcuser", "private hello")
        self.wait_log("irc.parley.bob", r"\tbob\tprivate hello$", "bob's query")
        self.fifo(srv, "/msg bob private reply")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ PRIVMSG bob :private reply$")

        # away-notify: bob going away and back reaches WeeChat without an error
        bob.send("AWAY :gone fishing")
        bob.expect_numeric("306")
        bob.send("AWAY")
        bob.expect_numeric("305")

        # CTCP both ways: an action, and WeeChat answering bob's VERSION
        self.fifo(chan, "/me waves")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ PRIVMSG #room :\x01ACTION waves\x01$")
        bob.privmsg("wcuser", "\x01VERSION\x01")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ NOTICE bob :\x01VERSION .*WeeChat.*\x01$")
        self.fifo(chan, "/notice #room a notice")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ NOTICE #room :a notice$")

        # channel modes from WeeChat's commands: a ban, a key, a limit
        self.fifo(chan, "/ban baduser")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ MODE #room \+b :?baduser\S*$")
        self.fifo(chan, "/mode +kl sesame 10")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ MODE #room \+kl sesame :?10$")
        self.wait_log(chan, r"Mode #room \[\+kl sesame 10\] by wcuser", "the key and limit")
        self.fifo(chan, "/mode -kl sesame")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ MODE #room -kl :?\S+$")

        # setname (WeeChat has the cap) and away, WeeChat's own
        self.fifo(srv, "/setname The New Name")
        self.wait_log(srv, r"Your real name has been set to \"The New Name\"", "the SETNAME echo")
        self.fifo(srv, "/away out for lunch")
        self.wait_log(srv, r"You have been marked as being away", "the 306")
        self.fifo(srv, "/away")
        self.wait_log(srv, r"You are no longer marked as being away", "the 305")

        # the room list
        self.fifo(srv, "/list")
        self.wait_log(srv, r"\t#room\(2\): \[\+nt\] bob's topic$", "the LIST entry")
        self.wait_log(srv, r"\tEnd of /LIST$", "the LIST end")

        # nick change, part and rejoin, quit
        self.fifo(srv, "/nick wc2")
        bob.expect(r"^(@\S+ )?:wcuser!\S+ NICK :?wc2$")
        self.fifo(chan, "/part see you")
        bob.expect(r"^(@\S+ )?:wc2!\S+ PART #room :see you$")
        self.fifo(srv, "/join #room")
        bob.expect(r"^(@\S+ )?:wc2!\S+ JOIN #room")
        self.wait_log(chan, r"wc2 \(The New Name\) \(wcuser@127\.0\.0\.1\) has joined #room",
                      "the rejoin")
        self.fifo(srv, "/disconnect parley leaving now")
        bob.expect(r"^(@\S+ )?:wc2!\S+ QUIT :.*leaving now")
        self.wait_log(srv, r"irc: disconnected from server", "the disconnect")

        self.assertEqual(self.error_lines(), [], "WeeChat logged errors")
        # and parleyd sent it no error numeric (but 422: no MOTD configured)
        self.assertEqual(self.server_errors(), [], "error numerics sent to WeeChat")
        self.fifo("core.weechat", "/quit")
        self.assertTrue(poll_until(lambda: proc.poll() is not None, timeout=TIMEOUT),
                        "WeeChat did not exit after /quit")
        self.assertEqual(proc.returncode, 0, read_text(os.path.join(self.dir, "output")))

    def test_weechat_nick_in_use(self):
        """WeeChat's first nick is taken: the 433 before registration makes it
        register with its next one, and it works as usual."""
        bob = self.irc("wcuser")
        bob.timeout = TIMEOUT
        bob.join("#room")
        self.start_weechat("wcuser,wcother")
        srv = "irc.server.parley"
        self.wait_log(srv, r"Welcome to the parley network, wcother!wcuser@127\.0\.0\.1",
                      "the welcome to the second nick")
        bob.expect(r"^(@\S+ )?:wcother!wcuser@127\.0\.0\.1 JOIN #room")
        self.fifo("irc.parley.#room", "hello as wcother")
        bob.expect(r"^(@\S+ )?:wcother!\S+ PRIVMSG #room :hello as wcother$")
        self.assertEqual(self.error_lines(), [], "WeeChat logged errors")
        self.assertEqual([l for l in self.from_server if " 433 " in l],
                         [":parley 433 * wcuser :Nickname is already in use"])
        self.assertEqual(self.server_errors(allowed=("433",)), [],
                         "error numerics sent to WeeChat")


if __name__ == "__main__":
    main()
