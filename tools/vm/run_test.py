#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the VM runner's judging code (tools/vm/run.py).

The planted-fault runs of `make check-harness` prove the runner on real
kernels; these cover the rest of its verdicts in a second: every splat
class on a sample line, TAP and KTAP parsing, a program that never ends,
a skip, and the initramfs format.
"""

import gzip
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


class Splats(unittest.TestCase):
    SAMPLES = {
        "KASAN": "[ 9.1] BUG: KASAN: slab-use-after-free in fault_kasan_init+0x5e/0x1000",
        "KCSAN": "[ 9.1] BUG: KCSAN: data-race in fault_kcsan_fn / fault_kcsan_fn",
        "UBSAN": "[ 9.1] UBSAN: shift-out-of-bounds in kmod/map.c:12:3",
        "lockdep": "[ 9.1] WARNING: possible circular locking dependency detected",
        "RCU": "[ 9.1] WARNING: suspicious RCU usage",
        "RCU stall": "[ 9.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
        "hung task": "[ 9.1] INFO: task insmod:53 blocked for more than 61 seconds.",
        "soft lockup": "[ 9.1] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [x:1]",
        "kmemleak": "unreferenced object 0xff11000006222600 (size 256):",
        "Oops": "[ 9.1] general protection fault, probably for non-canonical address",
        "BUG": "[ 9.1] BUG: sleeping function called from invalid context at x.c:1",
        "WARNING": "[ 9.1] WARNING: CPU: 1 PID: 55 at fault_warn.c:12 init+0x1/0x2",
        "panic": "[ 9.1] Kernel panic - not syncing: Fatal exception",
        "ODEBUG": "[ 9.1] ODEBUG: free active (active state 0) object type: timer_list",
    }

    def test_each_class(self):
        for cls, line in self.SAMPLES.items():
            frames = [" fault_kcsan_fn+0x1/0x2 [fault_kcsan]"] if cls == "KCSAN" else []
            found = run.find_splats(["[ 1.0] booting", line] + frames)
            self.assertEqual([(cls, 1, line.strip())], found, cls)

    KCSAN_REPORT = """==================================================================
BUG: KCSAN: data-race in {a} / {b}

write to 0xff11 of 8 bytes by interrupt on cpu 2:
 {a}+0xa1/0x180{ma}
 common_interrupt+0xa8/0xd0

read to 0xff11 of 8 bytes by task 6 on cpu 0:
 {b}+0x1e3/0x2b0{mb}
 kthread+0x15c/0x180

Reported by Kernel Concurrency Sanitizer on:
==================================================================
"""

    def test_kcsan_ours_and_foreign(self):
        ours = self.KCSAN_REPORT.format(a="gosync_run_threads", ma=" [gosync]",
                                        b="ps2_handle_ack", mb="").splitlines()
        self.assertEqual("KCSAN", run.find_splats(ours)[0][0])
        harness = self.KCSAN_REPORT.format(a="fault_kcsan_fn", ma=" [fault_kcsan]",
                                           b="fault_kcsan_fn", mb=" [fault_kcsan]")
        self.assertEqual("KCSAN", run.find_splats(harness.splitlines())[0][0])
        foreign = self.KCSAN_REPORT.format(a="ps2_do_sendbyte", ma="",
                                           b="ps2_handle_ack", mb="").splitlines()
        self.assertEqual([("KCSAN-foreign", 1, "BUG: KCSAN: data-race in ps2_do_sendbyte / "
                           "ps2_handle_ack")], run.find_splats(foreign))
        # Only the report's own lines count: a gosync line after it does not.
        later = foreign + ["[ 9.0] gosync_map_load+0x1/0x2 [gosync]"]
        self.assertEqual("KCSAN-foreign", run.find_splats(later)[0][0])

    def test_boot_splat(self):
        before = ["[    0.003255] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x110/0x240",
                  "[    4.538604] Run /init as init process"]
        self.assertEqual(run.boot_splat(before)[0], "KASAN")
        self.assertEqual(run.boot_splat(before)[1], 0)
        after = ["[    4.538604] Run /init as init process",
                 "[   20.000000] WARNING: CPU: 1 PID: 7 at kmod/map.c:1 x+0x1/0x2 [gosync]"]
        self.assertIsNone(run.boot_splat(after))
        self.assertIsNone(run.boot_splat(["[    0.1] Linux version 6.1"]))

    def test_quiet_log(self):
        self.assertEqual([], run.find_splats([
            "[ 1.0] gosync: version 0.1.0 loaded, 2 components",
            "[ 1.1] gosync: bench: unknown key 'speed'",
            "[ 1.2] tsc: Marking TSC unstable due to clocksource watchdog",
        ]))


class Results(unittest.TestCase):
    def parse(self, text):
        return run.parse_results(text.strip().splitlines())

    def test_kselftest(self):
        progs, checks, bench, shows, order, done = self.parse("""
GOSYNC-CHECK guest/cpus PASS
GOSYNC-BEGIN kselftest/core/a_test
TAP version 13
1..4
ok 1 global.good
not ok 2 global.bad
ok 3 global.later # SKIP no hardware
#  RUN           global.nameless ...
#      SKIP      no failslab
ok 4 # SKIP no failslab
GOSYNC-END kselftest/core/a_test rc=1
GOSYNC-BENCH counter,inc,percpu,1,10,20,50
GOSYNC-DONE
""")
        self.assertTrue(done)
        self.assertEqual([("guest/cpus", "PASS", "")], checks)
        self.assertEqual(["counter,inc,percpu,1,10,20,50"], bench)
        self.assertEqual(1, progs["kselftest/core/a_test"]["rc"])
        cases = run.tap_cases("kselftest/core/a_test", progs["kselftest/core/a_test"])
        self.assertEqual([
            ("kselftest/core/a_test/global.good", "PASS", ""),
            ("kselftest/core/a_test/global.bad", "FAIL", ""),
            ("kselftest/core/a_test/global.later", "SKIP", "no hardware"),
            # 6.1's harness leaves the name out of a SKIP's result line.
            ("kselftest/core/a_test/global.nameless", "SKIP", "no failslab"),
        ], cases)

    def test_unfinished_program(self):
        progs, _, _, _, order, done = self.parse("""
GOSYNC-BEGIN kselftest/core/a_test
ok 1 global.good
""")
        self.assertFalse(done)
        self.assertIsNone(progs["kselftest/core/a_test"]["rc"])

    def test_truncated_end_line(self):
        # A guest killed mid-write leaves "GOSYNC-END <name>" without rc=.
        for tail in ("GOSYNC-END kselftest/core/a_test",
                     "GOSYNC-END kselftest/core/a_test rc="):
            progs, *_ = self.parse("GOSYNC-BEGIN kselftest/core/a_test\n" + tail + "\n")
            self.assertIsNone(progs["kselftest/core/a_test"]["rc"])

    def test_kunit(self):
        progs, *_ = self.parse("""
GOSYNC-BEGIN kunit/gosync_core
KTAP version 1
1..1
    KTAP version 1
    # Subtest: gosync_core
    1..2
    ok 1 gosync_a_test
    not ok 2 gosync_b_test
not ok 1 gosync_core
GOSYNC-END kunit/gosync_core rc=0
""")
        cases = run.tap_cases("kunit/gosync_core", progs["kunit/gosync_core"])
        self.assertEqual([
            ("kunit/gosync_core/gosync_a_test", "PASS", ""),
            ("kunit/gosync_core/gosync_b_test", "FAIL", ""),
        ], cases)

    def test_kunit_without_suite_line(self):
        progs, *_ = self.parse("""
GOSYNC-BEGIN kunit/gosync_core
    ok 1 gosync_a_test
GOSYNC-END kunit/gosync_core rc=0
""")
        cases = run.tap_cases("kunit/gosync_core", progs["kunit/gosync_core"])
        self.assertIn(("kunit/gosync_core", "FAIL", "KTAP has no suite result line"), cases)


class Initramfs(unittest.TestCase):
    def test_newc(self):
        c = run.Cpio()
        c.dir("bin")
        c.file("bin/x", body=b"hello", mode=0o755)
        c.chardev("dev/console", 5, 1)
        data = c.finish()
        self.assertEqual(0, len(data) % 4)
        self.assertTrue(data.startswith(b"070701"))
        self.assertIn(b"bin/x\0", data)
        self.assertIn(b"hello", data)
        self.assertIn(b"TRAILER!!!\0", data)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "i.gz")
            with gzip.open(path, "wb") as f:
                f.write(data)
            with gzip.open(path) as f:
                self.assertEqual(data, f.read())


if __name__ == "__main__":
    unittest.main(verbosity=1)
