#!/usr/bin/env python3
"""parley-bench against a real parleyd: tiny paced and as-fast-as-possible
scenarios must deliver everything, in order, the same order for every member
of a room; and the tool must refuse a target that is not on loopback."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

from harness import ServerTestCase, main, scaled  # noqa: E402


def bench_path():
    path = os.environ.get("PARLEY_BENCH")
    if path:
        return path
    repo = os.path.dirname(os.path.dirname(HERE))
    return os.path.join(repo, "build", "bench", "parley-bench")


def run_bench(args, timeout=120):
    """Runs parley-bench; returns (exit status, RESULT fields, whole output)."""
    proc = subprocess.run([bench_path()] + [str(a) for a in args],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    out = proc.stdout.decode("utf-8", "replace")
    fields = {}
    for line in out.splitlines():
        if line.startswith("RESULT "):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    return proc.returncode, fields, out


class BenchSmoke(ServerTestCase):

    server_args = ("--max-clients", "1000", "--sendq", "4m", "--max-per-ip", "0")

    def check_clean(self, rc, r, out, rooms):
        self.assertTrue(r, "no RESULT line:\n" + out)
        self.assertEqual(r["status"], "clean", out)
        self.assertEqual(rc, 0, out)
        self.assertEqual(int(r["joined"]), int(r["clients"]), out)
        self.assertEqual(int(r["lost"]), 0, out)
        self.assertEqual(int(r["out_of_order"]), 0, out)
        self.assertEqual(int(r["gaps"]), 0, out)
        self.assertEqual(int(r["disconnects"]), 0, out)
        self.assertEqual(int(r["order_rooms_checked"]), rooms, out)
        self.assertEqual(int(r["order_mismatch_rooms"]), 0, out)
        self.assertGreater(int(r["deliveries"]), 0, out)
        self.assertEqual(int(r["deliveries"]), int(r["expected"]), out)
        self.assertEqual(int(r["foreign_lines"]), 0, out)
        self.assertGreater(float(r["srv_cpu_s"]), -1, out)  # /proc was readable
        self.assertGreater(int(r["srv_threads"]), 0, out)

    def test_paced_rooms(self):
        rc, r, out = run_bench([
            "--port", self.server.port, "--server-pid", self.server.pid,
            "--clients", scaled(30, 6), "--senders", scaled(10, 3), "--rooms", 3,
            "--rate", 20, "--duration", 2, "--drain", 10, "--nick-prefix", "pa"])
        self.check_clean(rc, r, out, rooms=3)
        self.assertEqual(int(r["senders"]), scaled(10, 3))

    def test_as_fast_as_possible(self):
        rc, r, out = run_bench([
            "--port", self.server.port, "--server-pid", self.server.pid,
            "--clients", scaled(20, 5), "--senders", scaled(5, 2), "--rate", 0,
            "--window", 8, "--duration", 1, "--drain", 10, "--payload", 200,
            "--nick-prefix", "fa"])
        self.check_clean(rc, r, out, rooms=1)

    def test_idle(self):
        rc, r, out = run_bench([
            "--port", self.server.port, "--server-pid", self.server.pid,
            "--clients", scaled(40, 10), "--rooms", 4, "--idle", "--duration", 1,
            "--nick-prefix", "id"])
        self.assertEqual(rc, 0, out)
        self.assertEqual(r["status"], "clean", out)
        self.assertEqual(int(r["joined"]), scaled(40, 10), out)
        self.assertGreaterEqual(int(r["srv_threads"]), scaled(40, 10), out)

    def test_join_storm(self):
        # A storm of joiners in a room of their own while senders chat: the
        # chat stays clean, every joiner gets in, and the window (from
        # --storm-after until the storm is complete) has measured deliveries.
        storm = scaled(60, 15)
        rc, r, out = run_bench([
            "--port", self.server.port, "--server-pid", self.server.pid,
            "--clients", scaled(8, 4), "--senders", scaled(8, 4), "--rate", 20,
            "--duration", 4, "--drain", 10, "--storm", storm, "--storm-after", 0.5,
            "--nick-prefix", "js"])
        self.check_clean(rc, r, out, rooms=1)
        self.assertEqual(int(r["storm_clients"]), storm, out)
        self.assertEqual(int(r["storm_joined"]), storm, out)
        self.assertEqual(int(r["storm_disconnects"]), 0, out)
        self.assertEqual(int(r["storm_errors"]), 0, out)
        self.assertGreaterEqual(float(r["storm_s"]), 0, out)
        self.assertGreater(int(r["win_deliveries"]), 0, out)
        self.assertLess(int(r["win_deliveries"]), int(r["deliveries"]), out)
        self.assertGreaterEqual(int(r["srv_threads_peak"]), storm, out)

    def test_window_without_storm(self):
        rc, r, out = run_bench([
            "--port", self.server.port, "--server-pid", self.server.pid,
            "--clients", scaled(6, 3), "--senders", scaled(6, 3), "--rate", 20,
            "--duration", 2, "--drain", 10, "--storm-after", 1, "--nick-prefix", "wn"])
        self.check_clean(rc, r, out, rooms=1)
        self.assertEqual(int(r["storm_clients"]), 0, out)
        self.assertAlmostEqual(float(r["win_s"]), 1.0, delta=0.5)
        self.assertGreater(int(r["win_deliveries"]), 0, out)
        self.assertLess(int(r["win_deliveries"]), int(r["deliveries"]), out)

    def test_refuses_non_loopback(self):
        for host in ("192.0.2.1", "8.8.8.8", "2001:db8::1"):
            rc, r, out = run_bench(["--host", host, "--port", self.server.port,
                                    "--clients", 1, "--duration", 1])
            self.assertEqual(rc, 2, out)
            self.assertIn("loopback", out)
            self.assertFalse(r, out)


if __name__ == "__main__":
    main()
