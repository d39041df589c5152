#!/usr/bin/env python3
"""e2e interop: the real irssi (Debian's package) in tmux against a real
parleyd, with a raw IRC client (tests/integration/harness.py) in the same
room: registration, JOIN with its NAMES, MODE and WHO queries, messages both
ways, TOPIC, NICK, WHOIS, PART and QUIT.

irssi runs with its own --home in a temporary directory and a config that
names no server, no autolog and no scripts, so nothing reaches anything but
the test's parleyd on 127.0.0.1. Its raw log (/rawlog save) is checked at the
end: the server must have sent irssi no error numeric it did not ask for.
Exits 77 (skipped) when irssi is not installed."""

import os
import re
import shutil
import tempfile

import e2e
import harness

IRSSI = shutil.which("irssi")

# cmd_queue_speed: irssi spaces its own commands 2.2 s apart by default (the
# channel queries after a JOIN would take ~10 s); the server here has
# --flood off. rawlog_lines: keep the whole session for the check at the end.
CONFIG = """\
servers = ( );
chatnets = { };
channels = ( );
settings = {
  core = {
    real_name = "irssi tester";
    user_name = "irssiu";
    nick = "irssiu";
    settings_autosave = "no";
    rawlog_lines = "5000";
  };
  "irc/core" = { cmd_queue_speed = "100msec"; cmds_max_at_once = "20"; };
  "fe-common/core" = { autolog = "no"; };
};
"""

# What irssi prints for an error numeric or a command it could not run.
SCREEN_ERRORS = re.compile(
    r"Unknown command|Not enough parameters|not registered|No such|"
    r"not synchronized|Unknown settings|Cannot|[Ee]rror", re.M)


class IrssiInterop(e2e.ClientTestCase):

    def setUp(self):
        if IRSSI is None:
            self.skipTest("irssi is not installed")
        super().setUp()

    def start_irssi(self, nick):
        """irssi in tmux with its own home and config, connecting to parleyd."""
        home = tempfile.mkdtemp(prefix="parley-irssi-")
        self.addCleanup(shutil.rmtree, home, True)
        with open(os.path.join(home, "config"), "w") as f:
            f.write(CONFIG)
        t = e2e.Term(["--home=" + home, "-c", "127.0.0.1", "-p", str(self.server.port),
                      "-n", nick], program=IRSSI, width=120, height=40,
                     env={"TERM": "screen-256color", "HOME": home})
        self.addCleanup(t.kill)
        return t, home

    def assert_no_screen_error(self, t):
        """Fails if irssi's current window shows an error message."""
        text = t.stable_screen()
        m = SCREEN_ERRORS.search(text)
        self.assertIsNone(m, "irssi shows an error:\n" + text)

    def sees(self, bob, t, pattern):
        """bob receives a line matching pattern (the failure shows irssi's screen too)."""
        try:
            return bob.expect(pattern)
        except AssertionError as e:
            raise AssertionError("%s\nirssi's screen:\n%s" % (e, t.screen())) from None

    def window(self, t, n):
        """Switches irssi to window n (1 is the status window)."""
        t.type("/window %d" % n)

    def test_irssi_session(self):
        """A whole irssi session beside a raw client, as the module doc says."""
        bob = self.irc("bob")
        t, home = self.start_irssi("irssiu")
        t.wait_for(r"Welcome to the parley network, irssiu!irssiu@127\.0\.0\.1",
                   what="irssi's welcome (001)")
        t.wait_for(r"MOTD File is missing")
        t.wait_for(r"Mode change \[\+i\] for user irssiu")
        self.assert_no_screen_error(t)

        # irssi creates the room (so it is op); bob joins; irssi's NAMES after
        # a /names shows both
        t.type("/join #room")
        t.wait_for(r"irssiu \[irssiu@127\.0\.0\.1\] has joined #room")
        t.wait_for(r"Total of 1 nicks \[1 ops, 0 halfops, 0 voices, 0 normal\]")
        # after JOIN irssi asks MODE #room, WHO #room (WHOX) and MODE #room b;
        # the channel is synced once every answer has arrived
        t.wait_for(r"Join to #room was synced in \d+ secs", what="the channel sync")
        t.wait_for(r"\[2:127/#room\(\+nt\)\]", what="the channel modes in the status bar")
        bob.join("#room")
        t.wait_for(r"bob \[bob@127\.0\.0\.1\] has joined #room")
        t.type("/names")
        t.wait_for(r"Total of 2 nicks \[1 ops, 0 halfops, 0 voices, 1 normal\]")
        t.wait_for(r"\[@irssiu\] \[ bob\s*\]|\[ bob\s*\] \[@irssiu\]", what="the nick list")

        # messages both ways
        bob.privmsg("#room", "hello from the raw client")
        t.wait_for(r"<\s?bob> hello from the raw client")
        t.type("hello from irssi")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!irssiu@127\.0\.0\.1 PRIVMSG #room :hello from irssi$")

        # op and voice given by irssi, seen by bob; a topic
        t.type("/op bob")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ MODE #room \+o :?bob$")
        t.wait_for(r"mode/#room \[\+o bob\] by irssiu")
        t.type("/topic the irssi topic")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ TOPIC #room :the irssi topic$")
        t.wait_for(r"irssiu changed the topic of #room to: the irssi topic")
        bob.send("TOPIC #room :bob's topic")
        t.wait_for(r"bob changed the topic of #room to: bob's topic")

        # WHOIS from irssi: its answer goes to the status window
        t.type("/whois bob")
        self.window(t, 1)
        t.wait_for(r"^\d\d:\d\d -!- bob \[bob@127\.0\.0\.1\]$", what="WHOIS bob's first line")
        t.wait_for(r"ircname\s+: Real bob")
        t.wait_for(r"End of WHOIS")
        self.assert_no_screen_error(t)
        self.window(t, 2)

        # a private message each way
        bob.privmsg("irssiu", "private hello")
        t.wait_for(r"Act: .*3", what="a query window for bob's message")
        t.type("/msg bob private reply")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ PRIVMSG bob :private reply$")

        # CTCP both ways: an action, and irssi answering bob's VERSION
        t.type("/me waves")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ PRIVMSG #room :\x01ACTION waves\x01$")
        bob.privmsg("irssiu", "\x01VERSION\x01")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ NOTICE bob :\x01VERSION .*[Ii]rssi.*\x01$")

        # channel modes from irssi's commands: a ban, a key; a kick
        t.type("/ban baduser!*@*")  # a bare nick not in the room: irssi sends nothing
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ MODE #room \+b :?baduser\S*$")
        t.type("/mode #room +k sesame")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ MODE #room \+k :?sesame$")
        t.wait_for(r"mode/#room \[\+k sesame\] by irssiu")
        t.type("/mode #room -k sesame")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ MODE #room -k :?\S+$")
        t.type("/kick bob enough")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ KICK #room bob :enough$")
        t.wait_for(r"bob was kicked from #room by irssiu \[enough\]")
        bob.join("#room")
        t.wait_until(lambda s: s.count("bob [bob@127.0.0.1] has joined #room") == 2,
                     "bob's second join")

        # away, irssi's own: the status bar shows it
        t.type("/away out for lunch")
        t.wait_for(r"\(zZzZ\)", what="the away marker in the status bar")
        t.type("/away")
        t.wait_until(lambda s: "(zZzZ)" not in s, "the away marker gone")

        # WHO and LIST typed in irssi: their answers go to the status window
        t.type("/who #room")
        t.type("/list -YES")
        self.window(t, 1)
        t.wait_for(r"#room\s+bob\s+H\s+0\s+bob@127\.0\.0\.1 \[Real bob\]", what="WHO's bob line")
        t.wait_for(r"End of /WHO list")
        t.wait_for(r"#room\s+2\s+\[\+nt\] bob's topic", what="LIST's #room line")
        t.wait_for(r"End of /LIST")
        self.assert_no_screen_error(t)
        self.window(t, 2)

        # nick change, part and rejoin
        t.type("/nick irssi2")
        self.sees(bob, t, r"^(@\S+ )?:irssiu!\S+ NICK :?irssi2$")
        t.wait_for(r"You're now known as irssi2")
        t.type("/part #room see you")
        self.sees(bob, t, r"^(@\S+ )?:irssi2!\S+ PART #room :see you$")
        t.type("/join #room")
        self.sees(bob, t, r"^(@\S+ )?:irssi2!\S+ JOIN #room")
        t.wait_for(r"irssi2 \[irssiu@127\.0\.0\.1\] has joined #room")
        t.wait_for(r"Join to #room was synced", what="the second channel sync")

        # nothing in the session made irssi print an error, here or in the
        # status window
        self.assert_no_screen_error(t)
        self.window(t, 1)
        t.wait_for(r"\[\(status\)\]")
        self.assert_no_screen_error(t)

        # the raw log: no error numeric but the 451 for the bare "JOIN :"
        # irssi sends before registering and the 422 (no MOTD configured)
        raw = os.path.join(home, "raw.log")
        t.type("/rawlog save " + raw)
        self.assertTrue(harness.poll_until(lambda: os.path.exists(raw)), "no raw log saved")
        t.type("/quit leaving now")
        self.sees(bob, t, r"^(@\S+ )?:irssi2!\S+ QUIT :.*leaving now")
        t.finish(quit_keys=())
        self.check_rawlog(raw)

    def check_rawlog(self, path):
        """Fails if the server sent irssi an error numeric (but the expected ones)."""
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        sent = [l for l in lines if l.startswith("<< ")]
        got = [l[3:] for l in lines if l.startswith(">> ")]
        self.assertTrue(sent and got, "raw log holds no traffic:\n" + "\n".join(lines[:20]))
        errors = []
        registered = False
        for line in got:
            registered = registered or re.match(r"^(?:@\S+ )?:\S+ 001 ", line) is not None
            m = re.match(r"^(?:@\S+ )?:\S+ ([45]\d\d) ", line)
            expected = (m and (m.group(1) == "422" or
                               m.group(1) == "451" and not registered))
            if m and not expected:
                errors.append(line)
        self.assertEqual(errors, [], "error numerics sent to irssi; irssi sent:\n" +
                         "\n".join(sent))


if __name__ == "__main__":
    e2e.main()
