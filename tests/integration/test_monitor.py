#!/usr/bin/env python3
"""IRCv3 MONITOR: MONITOR + / - / C / L / S with their numerics (730 online
as nick!user@host, 731 offline, 732 list, 733 end, 734 list full) and
parameters, MONITOR= in 005, the notifications a watcher gets when a watched
nick registers, changes nick (the old one offline, the new one online) or
leaves, the per-connection limit, and the hostile cases: a watcher of the
full 100 nicks, many watchers of a nick that changes in a loop, watchers
that disconnect (the index must keep no trace of them: ASan would see a
freed watcher being told)."""

from harness import ServerTestCase, main, parse_line, scaled

LIMIT = 100  # monitor.h MONITOR_MAX


def params_of(line):
    _, _, command, params = parse_line(line)
    return command, params


class Monitor(ServerTestCase):
    server_args = ("--flood", "off", "--max-per-ip", "0")

    def replies(self, c, command):
        """(numeric, params) of what c gets for command, up to a PING round trip."""
        c.send(command)
        return [params_of(l) for l in c.sync()]

    def test_isupport_advertises_the_limit(self):
        c = self.irc("isup", register=False)
        lines = c.register()
        tokens = [t for l in lines for t in params_of(l)[1] if params_of(l)[0] == "005"]
        self.assertIn("MONITOR=%d" % LIMIT, tokens)

    def test_add_tells_the_state_of_each_new_target(self):
        self.irc("present")
        w = self.irc("watcher")
        got = self.replies(w, "MONITOR + present,absent,PRESENT,bad*nick")
        self.assertEqual(got, [("730", ["watcher", "present!present@127.0.0.1"]),
                               ("731", ["watcher", "absent"])])
        # already on the list: nothing again
        self.assertEqual(self.replies(w, "MONITOR + absent"), [])

    def test_notified_on_connect_nick_change_and_quit(self):
        w = self.irc("watcher")
        self.assertEqual(self.replies(w, "MONITOR + late,renamed"),
                         [("731", ["watcher", "late,renamed"])])
        late = self.irc("late")
        w.expect(r"^:parley 730 watcher :late!late@127\.0\.0\.1$")
        late.send("NICK renamed")
        late.expect(r"^:late!\S+ NICK :?renamed$")
        w.expect(r"^:parley 731 watcher :late$")
        w.expect(r"^:parley 730 watcher :renamed!late@127\.0\.0\.1$")
        late.quit()
        w.expect(r"^:parley 731 watcher :renamed$")
        # someone who is not watching hears none of it
        other = self.irc("other")
        self.irc("late")
        self.assertFalse([l for l in other.sync() if " 73" in l])

    def test_case_change_is_the_same_nick(self):
        w = self.irc("watcher")
        self.replies(w, "MONITOR + casey")
        c = self.irc("casey")
        w.expect(r"^:parley 730 watcher :casey!")
        c.send("NICK CASEY")
        c.expect(r"NICK :?CASEY$")
        c.sync()
        self.assertFalse([l for l in w.sync() if " 73" in l])

    def test_plain_user_is_watched_too(self):
        w = self.irc("watcher")
        self.replies(w, "MONITOR + plainy")
        self.plain("plainy")
        w.expect(r"^:parley 730 watcher :plainy!\S+@\S+$")

    def test_list_status_remove_clear(self):
        self.irc("alpha")
        w = self.irc("watcher")
        self.replies(w, "MONITOR + alpha,Beta,gamma")
        got = self.replies(w, "MONITOR L")
        self.assertEqual(got[-1], ("733", ["watcher", "End of MONITOR list"]))
        listed = [n for num, p in got[:-1] for n in p[1].split(",")]
        self.assertEqual(sorted(listed), ["Beta", "alpha", "gamma"])
        got = self.replies(w, "MONITOR S")
        self.assertEqual(got[0], ("730", ["watcher", "alpha!alpha@127.0.0.1"]))
        self.assertEqual(got[1][0], "731")
        self.assertEqual(sorted(got[1][1][1].split(",")), ["Beta", "gamma"])
        self.assertEqual(self.replies(w, "MONITOR - BETA,nothere"), [])
        got = self.replies(w, "MONITOR L")
        self.assertEqual(sorted(got[0][1][1].split(",")), ["alpha", "gamma"])
        self.assertEqual(self.replies(w, "MONITOR C"), [])
        self.assertEqual(self.replies(w, "MONITOR L"),
                         [("733", ["watcher", "End of MONITOR list"])])
        # a removed nick is no longer told
        self.irc("gamma")
        self.assertFalse([l for l in w.sync() if " 73" in l])

    def test_errors(self):
        w = self.irc("watcher")
        for command in ("MONITOR", "MONITOR +", "MONITOR - :", "MONITOR X"):
            got = self.replies(w, command)
            self.assertEqual(len(got), 1, command)
            self.assertEqual(got[0][0], "461", command)
            self.assertEqual(got[0][1][:2], ["watcher", "MONITOR"], command)
        w.send("HELP MONITOR")
        w.expect(r"^:parley 704 watcher MONITOR :MONITOR \+")

    def fill(self, w, prefix, n):
        """Adds n nicks prefix0.. to w's list in lines of 20."""
        for start in range(0, n, 20):
            names = ",".join("%s%d" % (prefix, i) for i in range(start, min(n, start + 20)))
            w.send("MONITOR + " + names)
        w.sync()

    def test_limit_is_enforced_with_734(self):
        w = self.irc("watcher")
        self.fill(w, "n", LIMIT - 1)
        got = self.replies(w, "MONITOR + last,over1,over2")
        self.assertEqual(got, [("731", ["watcher", "last"]),
                               ("734", ["watcher", str(LIMIT), "over1,over2",
                                        "Monitor list is full."])])
        got = self.replies(w, "MONITOR L")
        listed = [n for num, p in got[:-1] for n in p[1].split(",")]
        self.assertEqual(len(listed), LIMIT)
        self.assertTrue(all(len(":parley 732 watcher :") + len(p[1]) < 512 for _, p in got))
        # the over ones are not watched; a freed slot can be used again
        self.irc("over1")
        self.assertFalse([l for l in w.sync() if " 730 " in l])
        self.replies(w, "MONITOR - n0")
        self.assertEqual(self.replies(w, "MONITOR + over2"), [("731", ["watcher", "over2"])])

    def test_many_watchers_of_a_nick_changing_in_a_loop(self):
        watchers = []
        for i in range(scaled(12, 3)):
            w = self.irc("w%d" % i)
            self.fill(w, "w%dx" % i, LIMIT - 2)
            self.replies(w, "MONITOR + flipa,flipb")
            watchers.append(w)
        f = self.irc("flipa")
        rounds = scaled(40, 10)
        for i in range(rounds):
            f.send("NICK flipb" if i % 2 == 0 else "NICK flipa")
        final = "flipb" if rounds % 2 else "flipa"
        f.sync()
        for w in watchers:
            lines = [l for l in w.sync() if " 73" in l]
            # the connect, then one offline and one online per change, in order
            self.assertEqual(len(lines), 1 + 2 * rounds, w.nick)
            self.assertRegex(lines[-1], r"^:parley 730 %s :%s!" % (w.nick, final))
        # watchers that leave leave nothing behind: the next change tells only the rest
        for w in watchers[1:]:
            w.quit()
        f.send("NICK gone")
        f.expect(r"NICK :?gone$")
        watchers[0].expect(r"^:parley 731 %s :%s$" % (watchers[0].nick, final))
        f.quit()
        self.assertTrue(self.server.alive())

    def test_a_nick_changing_hands_alternates_online_offline(self):
        """Two users grab one nick in turn as fast as they can: a watcher must
        hear it go online and offline strictly in turn (each change is told
        under the lock that hands the nick over, so a quick taker's 730 can
        never overtake the 731 of the one who let it go)."""
        w = self.irc("watcher")
        self.replies(w, "MONITOR + hot")
        a, b = self.irc("aa"), self.irc("bb")
        rounds = scaled(60, 15)
        for i in range(rounds):
            a.send("NICK hot")
            b.send("NICK hot")
            a.send("NICK aa")
            b.send("NICK bb")
        a.sync()
        b.sync()
        told = [params_of(l) for l in w.sync() if " 730 " in l or " 731 " in l]
        self.assertTrue(told)
        kinds = [n for n, _ in told]
        self.assertEqual(kinds, ["730", "731"] * (len(kinds) // 2), kinds)
        self.assertTrue(all(p[1].split("!")[0] == "hot" for _, p in told))


if __name__ == "__main__":
    main()
