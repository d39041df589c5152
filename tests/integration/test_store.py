#!/usr/bin/env python3
"""The SQLite store (the default --history-store): what survives a restart
(history, topic, modes, key, limit, bans), what a kill -9 may lose (at most
the last commit window), retention, and the faults — a corrupt file, a
schema from a newer parleyd, a data directory that cannot be used, and a
disk that fills up while the server runs."""

import os
import re
import shutil
import signal
import sqlite3
import tempfile
import time

from harness import Server, ServerTestCase, main, run_parleyd, strip_tags

HISTORY_CAPS = ["batch", "message-tags", "server-time", "draft/chathistory"]


class Store(ServerTestCase):
    start_server = False

    def setUp(self):
        super().setUp()
        self.data = tempfile.mkdtemp(prefix="parley-store-")
        self.addCleanup(shutil.rmtree, self.data, True)

    def start(self, *extra, env=None):
        return self.make_server(("--data-dir", self.data) + extra, env=env)

    def say(self, srv, room, texts, nick="alice"):
        """nick joins room and says each text; returns the client once the
        server has taken them all."""
        c = self.irc(nick, server=srv)
        c.join(room)
        for text in texts:
            c.send("PRIVMSG %s :%s" % (room, text))
        c.sync()
        return c

    def latest(self, srv, room, nick="reader", n=1000):
        """The message texts a fresh reader gets for LATEST n in room."""
        c = self.irc(nick, caps=HISTORY_CAPS, server=srv)
        c.join(room)
        c.send("CHATHISTORY LATEST %s * %d" % (room, n))
        lines = c.collect_until(r"^:\S+ BATCH -")
        c.close()
        return [strip_tags(l).split(" :", 1)[1] for l in lines
                if re.search(r" PRIVMSG %s :" % re.escape(room), strip_tags(l))]

    def test_restart_keeps_room_state(self):
        srv = self.start()
        alice = self.irc("alice", server=srv)
        alice.join("#keep")
        alice.send("TOPIC #keep :the kept topic")
        alice.send("MODE #keep +ikl sesame 25")
        alice.send("MODE #keep +b bad!*@*")
        alice.send("MODE #keep -t")
        alice.sync()
        srv.stop()

        srv2 = self.start()
        bad = self.irc("bad", server=srv2)
        bad.send("JOIN #keep sesame")
        bad.expect(r"^:\S+ 474 bad #keep ")           # the ban holds
        bob = self.irc("bob", server=srv2)
        bob.send("JOIN #keep")
        bob.expect(r"^:\S+ 475 bob #keep ")           # so does the key
        # The first one back with the key gets in (+i needs someone inside
        # to invite, so an empty room does not hold it) and gets op, as in
        # any new room until accounts own rooms.
        lines = bob.join("#keep", key="sesame")
        self.assertTrue(any(re.search(r" 332 bob #keep :the kept topic$", l) for l in lines))
        bob.send("MODE #keep")
        m = bob.expect(r"^:\S+ 324 bob #keep (\S+) ?(.*)$")
        self.assertEqual(sorted(m.group(1)), sorted("+ikln"))
        self.assertEqual(m.group(2).split(), ["sesame", "25"])
        bob.send("MODE #keep +b")
        bob.expect(r"^:\S+ 367 bob #keep bad!\*@\* alice ")
        # Now that someone is inside, +i holds again.
        carol = self.irc("carol", server=srv2)
        carol.send("JOIN #keep sesame")
        carol.expect(r"^:\S+ 473 carol #keep ")

    def test_restart_keeps_history(self):
        srv = self.start()
        self.say(srv, "#keep", ["line %d" % i for i in range(120)])
        srv.stop()
        srv2 = self.start()
        self.assertEqual(self.latest(srv2, "#keep"), ["line %d" % i for i in range(120)])
        # And the join replay of a client without the cap comes from it too.
        plainish = self.irc("eve", server=srv2, caps=["server-time"])
        plainish.send("JOIN #keep")
        plainish.expect(r"PRIVMSG #keep :line 119$")

    def test_msgids_go_on_after_a_restart(self):
        srv = self.start()
        alice = self.irc("alice", server=srv, caps=HISTORY_CAPS)
        alice.join("#ids")
        alice.send("PRIVMSG #ids :first life")
        alice.sync()
        alice.send("CHATHISTORY LATEST #ids * 1")
        first = alice.collect_until(r"BATCH -")
        old_id = [re.search(r"msgid=([^;\s]+)", l).group(1) for l in first if "first life" in l][0]
        srv.stop()
        srv2 = self.start()
        bob = self.irc("bob", server=srv2, caps=HISTORY_CAPS)
        bob.join("#ids")
        bob.send("PRIVMSG #ids :second life")
        bob.sync()
        bob.send("CHATHISTORY AFTER #ids msgid=%s 10" % old_id)
        lines = bob.collect_until(r"BATCH -")
        texts = [l for l in lines if "PRIVMSG" in l]
        self.assertEqual(len(texts), 1, lines)
        self.assertIn("second life", texts[0])
        self.assertNotIn("msgid=%s" % old_id, texts[0])

    def test_kill_9_loses_at_most_the_commit_window(self):
        srv = self.start()
        alice = self.say(srv, "#crash", ["safe %d" % i for i in range(200)])
        # Ten commit windows (STORE_COMMIT_MS is 100 ms) pass: all of it is
        # on disk. What is said after that may be lost, nothing before.
        time.sleep(1.0)
        for i in range(50):
            alice.send("PRIVMSG #crash :late %d" % i)
        alice.sync()
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(10)
        srv.stopped = True
        srv2 = self.start()
        texts = self.latest(srv2, "#crash")
        self.assertEqual(texts[:200], ["safe %d" % i for i in range(200)])
        late = texts[200:]
        self.assertEqual(late, ["late %d" % i for i in range(len(late))])

    def test_a_burst_faster_than_the_disk_loses_nothing(self):
        """With a queue of 500 (PARLEYD_STORE_PENDING_MAX, a test knob) a
        burst of 20,000 lines outruns the store thread; the server reads its
        clients more slowly until the queue is short again, so every line is
        kept (the fan-out never waited: bob got them all as they came)."""
        srv = self.start(env={"PARLEYD_STORE_PENDING_MAX": "500"})
        bob = self.irc("bob", server=srv)
        bob.join("#burst")
        alice = self.say(srv, "#burst", ["b %d" % i for i in range(20000)])
        bob.expect(r"PRIVMSG #burst :b 19999$", timeout=120)
        alice.close()
        srv.stop()
        db = sqlite3.connect(os.path.join(self.data, "parleyd.db"))
        n = db.execute("SELECT count(*) FROM messages WHERE target = '#burst'").fetchone()[0]
        db.close()
        self.assertEqual(n, 20000)
        self.assertNotRegex(srv.stderr_text(), r"(?i)dropped")

    def test_history_max_prunes_oldest(self):
        srv = self.start("--history-max", "30")
        self.say(srv, "#small", ["n %d" % i for i in range(100)])
        srv.stop()
        # Pruning runs at start: the file keeps only the newest 30.
        srv2 = self.start("--history-max", "30")
        texts = self.latest(srv2, "#small")
        self.assertEqual(texts, ["n %d" % i for i in range(70, 100)])

    def refused_start(self, expect_rx):
        status, _, err = run_parleyd(["--bind", "127.0.0.1", "--port", "0", "--data-dir",
                                      self.data])
        self.assertEqual(status, 1, err)
        self.assertRegex(err, expect_rx)
        return err

    def test_corrupt_file_is_refused_with_its_name(self):
        with open(os.path.join(self.data, "parleyd.db"), "wb") as f:
            f.write(b"this is not a database, it is a shopping list\n" * 200)
        self.refused_start(re.escape(os.path.join(self.data, "parleyd.db")))

    def test_newer_schema_is_refused(self):
        srv = self.start()
        srv.stop()
        db = sqlite3.connect(os.path.join(self.data, "parleyd.db"))
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
        self.refused_start(r"(?i)newer")

    def test_unusable_data_dir_is_refused(self):
        blocker = os.path.join(self.data, "file")
        open(blocker, "w").close()
        status, _, err = run_parleyd(["--bind", "127.0.0.1", "--port", "0", "--data-dir",
                                      os.path.join(blocker, "data")])
        self.assertEqual(status, 1, err)
        self.assertIn(blocker, err)

    def test_one_server_per_data_dir(self):
        """A second parleyd on the same data directory would number messages
        as the first does; it is refused, naming the first one's pid."""
        srv = self.start()
        status, _, err = run_parleyd(["--bind", "127.0.0.1", "--port", "0", "--data-dir",
                                      self.data])
        self.assertEqual(status, 1, err)
        self.assertIn("in use by another parleyd (pid %d)" % srv.proc.pid, err)
        self.assertServerAlive(srv)
        srv.stop()
        # Once it is gone, the directory is free again.
        self.start().stop()

    def test_missing_database_is_created(self):
        srv = self.start()
        srv.stop()
        self.assertTrue(os.path.exists(os.path.join(self.data, "parleyd.db")))
        self.assertEqual(os.stat(self.data).st_mode & 0o777, 0o700)

    def test_disk_full_chat_goes_on_and_recovers(self):
        """The store cannot grow past a few pages (PARLEYD_STORE_MAX_PAGES,
        a test knob): commits fail, chat goes on, history is served from
        memory, the log says so once."""
        srv = self.start(env={"PARLEYD_STORE_MAX_PAGES": "40"})
        alice = self.irc("alice", server=srv)
        bob = self.irc("bob", server=srv, caps=HISTORY_CAPS)
        alice.join("#full")
        bob.join("#full")
        text = "x" * 400
        for i in range(400):
            alice.send("PRIVMSG #full :%d %s" % (i, text))
        alice.sync()
        bob.expect(r"PRIVMSG #full :399 x")
        time.sleep(0.5)  # a few commit attempts
        bob.send("CHATHISTORY LATEST #full * 5")
        lines = bob.collect_until(r"BATCH -")
        self.assertTrue(any(":399 x" in l for l in lines), lines)
        log = srv.stderr_text()
        failures = [l for l in log.splitlines() if re.search(r"(?i)store.*(full|cannot|fail)", l)]
        self.assertGreaterEqual(len(failures), 1, log[-2000:])
        self.assertLessEqual(len(failures), 2, "one line per outage, not one per message:\n" +
                             "\n".join(failures[:10]))
        self.assertServerAlive(srv)


if __name__ == "__main__":
    main()
