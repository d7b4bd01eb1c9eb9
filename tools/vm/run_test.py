#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the VM runner (tools/vm/run.py and its modules).

The planted-fault runs of `make check-harness` prove the runner on real
kernels; these cover the rest of its verdicts in a second: every splat
class on a sample line (klog), TAP and KUnit's KTAP from the kernel log
(ktap), a program that never ends, a skip, a crashed KUnit case, the
verdict (results), and the initramfs format and log following (qemu).
"""

import contextlib
import gzip
import io
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import klog  # noqa: E402
import ktap  # noqa: E402
import progress  # noqa: E402
import qemu  # noqa: E402
import results  # noqa: E402


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
            found = klog.find_splats(["[ 1.0] booting", line] + frames)
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
        self.assertEqual("KCSAN", klog.find_splats(ours)[0][0])
        harness = self.KCSAN_REPORT.format(a="fault_kcsan_fn", ma=" [fault_kcsan]",
                                           b="fault_kcsan_fn", mb=" [fault_kcsan]")
        self.assertEqual("KCSAN", klog.find_splats(harness.splitlines())[0][0])
        foreign = self.KCSAN_REPORT.format(a="ps2_do_sendbyte", ma="",
                                           b="ps2_handle_ack", mb="").splitlines()
        self.assertEqual([("KCSAN-foreign", 1, "BUG: KCSAN: data-race in ps2_do_sendbyte / "
                           "ps2_handle_ack")], klog.find_splats(foreign))
        # Only the report's own lines count: a gosync line after it does not.
        later = foreign + ["[ 9.0] gosync_map_load+0x1/0x2 [gosync]"]
        self.assertEqual("KCSAN-foreign", klog.find_splats(later)[0][0])

    def test_boot_splat(self):
        before = ["[    0.003255] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x110/0x240",
                  "[    4.538604] Run /init as init process"]
        self.assertEqual(klog.boot_splat(before)[0], "KASAN")
        self.assertEqual(klog.boot_splat(before)[1], 0)
        after = ["[    4.538604] Run /init as init process",
                 "[   20.000000] WARNING: CPU: 1 PID: 7 at kmod/map.c:1 x+0x1/0x2 [gosync]"]
        self.assertIsNone(klog.boot_splat(after))
        self.assertIsNone(klog.boot_splat(["[    0.1] Linux version 6.1"]))

    def test_quiet_log(self):
        self.assertEqual([], klog.find_splats([
            "[ 1.0] gosync: version 0.1.0 loaded, 2 components",
            "[ 1.1] gosync: bench: unknown key 'speed'",
            "[ 1.2] tsc: Marking TSC unstable due to clocksource watchdog",
        ]))


class Results(unittest.TestCase):
    def parse(self, text):
        return results.parse_results(text.strip().splitlines())

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
        cases = ktap.tap_cases("kselftest/core/a_test", progs["kselftest/core/a_test"]["lines"])
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


class Programs(unittest.TestCase):
    def test_exits(self):
        progs, _, _, _, order, _ = results.parse_results("""
GOSYNC-BEGIN kselftest/a/one_test
ok 1 x
GOSYNC-END kselftest/a/one_test rc=1
GOSYNC-BEGIN kselftest/a/skip_test
GOSYNC-END kselftest/a/skip_test rc=4
GOSYNC-BEGIN kselftest/a/quiet_test
GOSYNC-END kselftest/a/quiet_test rc=0
GOSYNC-BEGIN kselftest/a/hung_test
""".strip().splitlines())
        self.assertEqual([
            ("kselftest/a/one_test/x", "PASS", ""),
            ("kselftest/a/one_test", "FAIL", "exit code 1"),
            ("kselftest/a/skip_test", "SKIP", "skipped (exit 4)"),
            ("kselftest/a/quiet_test", "FAIL", "printed no test results"),
            ("kselftest/a/hung_test", "FAIL", "did not finish"),
            ("kselftest/a/never_test", "FAIL", "missing: never started"),
        ], results.program_results(progs, order, ["kselftest/a/one_test",
                                                  "kselftest/a/never_test"]))


def klines(text, t=100.0):
    """Kernel-log lines with printk's time prefix, as on the console."""
    return ["[%12.6f] %s" % (t + i / 1000, ln) for i, ln in enumerate(text.split("\n")[1:-1])]


class Ktap(unittest.TestCase):
    # 6.12: a header over the module's suites; the kernel's own messages
    # and the cases' "# " diagnostics in between.
    K612 = """
gosync-guest: begin kunit
KTAP version 1
1..2
    KTAP version 1
    # Subtest: gosync_barrier
    # module: gosync_kunit
    1..3
    ok 1 barrier_init_errors_test
gosync: gosync_barrier_wait*() called from the barrier's own action: refused
    ok 2 barrier_one_party_test # SKIP needs 2 CPUs
    # barrier_rounds_test: EXPECTATION FAILED at kmod/barrier_kunit.c:80
    Expected n == 4, but
        n == 3 (0x3)
    not ok 3 barrier_rounds_test
# gosync_barrier: pass:1 fail:1 skip:1 total:3
# Totals: pass:1 fail:1 skip:1 total:3
not ok 1 gosync_barrier
    KTAP version 1
    # Subtest: gosync_core
    # module: gosync_kunit
    1..1
    ok 1 gosync_version_test
# gosync_core: pass:1 fail:0 skip:0 total:1
ok 2 gosync_core
gosync-guest: end kunit rc=0
"""
    # 6.1: no header over a module's suites; a parameterised case prints
    # its parameters a level deeper, without a plan.
    K61 = """
gosync-guest: begin kunit
    KTAP version 1
    # Subtest: gosync_map
    1..3
    ok 1 map_basic_u64_test
        KTAP version 1
        # Subtest: map_param_test
        ok 1 small
        ok 2 large
    # map_param_test: pass:2 fail:0 skip:0 total:2
    ok 2 map_param_test
    ok 3 map_skip_test # SKIP no failslab
# gosync_map: pass:2 fail:0 skip:1 total:3
ok 1 gosync_map
gosync-guest: end kunit rc=0
"""

    def test_612(self):
        self.assertEqual([
            ("kunit/gosync_barrier/barrier_init_errors_test", "PASS", ""),
            ("kunit/gosync_barrier/barrier_one_party_test", "SKIP", "needs 2 CPUs"),
            ("kunit/gosync_barrier/barrier_rounds_test", "FAIL", ""),
            ("kunit/gosync_core/gosync_version_test", "PASS", ""),
        ], results.kunit_results(klines(self.K612)))

    def test_61_and_params(self):
        root = ktap.parse(klog.message(ln) for ln in klines(self.K61)[1:-1])
        suite = root.subtests[0]
        self.assertEqual(("gosync_map", 3, "PASS"), (suite.name, suite.plan, suite.status))
        self.assertEqual(["small", "large"], [p.name for p in suite.subtests[1].subtests])
        self.assertEqual([
            ("kunit/gosync_map/map_basic_u64_test", "PASS", ""),
            ("kunit/gosync_map/map_param_test", "PASS", ""),
            ("kunit/gosync_map/map_skip_test", "SKIP", "no failslab"),
        ], results.kunit_results(klines(self.K61)))

    def test_crash_inside_a_suite(self):
        # The kernel died in the third case: no result line, no suite line.
        log = klines(self.K612)[:9]
        self.assertEqual([
            ("kunit/gosync_barrier/barrier_init_errors_test", "PASS", ""),
            ("kunit/gosync_barrier", "FAIL",
             "KTAP has no suite result line; planned 3 cases, 1 reported"),
            ("kunit", "FAIL", "planned 2 suites, 1 reported"),
            ("kunit", "FAIL", "the kernel log ends inside the KUnit run"),
        ], results.kunit_results(log))

    def test_missing_case_line(self):
        # The suite ended but a case's line is missing: the plan says so.
        log = [ln for ln in klines(self.K61) if "map_basic" not in ln]
        self.assertIn(("kunit/gosync_map", "FAIL", "planned 3 cases, 2 reported"),
                      results.kunit_results(log))

    def test_not_ok_suite_without_failed_case(self):
        log = klines(self.K61.replace("ok 1 gosync_map", "not ok 1 gosync_map"))
        self.assertIn(("kunit/gosync_map", "FAIL", "suite reported not ok"),
                      results.kunit_results(log))

    def test_result_without_header(self):
        # Lost header lines: the cases still belong to the suite line after.
        root = ktap.parse(["    ok 1 a_test", "    not ok 2 b_test", "ok 1 gosync_x"])
        self.assertEqual([
            ("kunit/gosync_x/a_test", "PASS", ""),
            ("kunit/gosync_x/b_test", "FAIL", ""),
        ], ktap.kunit_results(root))

    def test_no_suite_dropped_lines_not_run(self):
        empty = klines("\ngosync-guest: begin kunit\ngosync-guest: end kunit rc=0\n")
        self.assertEqual([("kunit", "FAIL", "gosync_kunit.ko loaded but no suite "
                           "reported in the kernel log")], results.kunit_results(empty))
        # insmod failed: the guest says so itself.
        self.assertEqual([], results.kunit_results([empty[0], "[ 1.0] gosync-guest: "
                                                    "end kunit rc=1"]))
        dropped = klines(self.K61)
        dropped.insert(3, "[ 100.0] ** 12 printk messages dropped **")
        self.assertIn(("kunit", "FAIL", "the kernel log dropped lines inside the KUnit run"),
                      results.kunit_results(dropped))
        self.assertEqual([], results.kunit_results(["[ 1.0] KTAP version 1", "[ 1.0] 1..0"]))

    def test_prefixes(self):
        self.assertEqual("    ok 1 x", klog.message("[    1.234567]     ok 1 x"))
        self.assertEqual("    ok 1 x", klog.message("[    1.234567][  T123]     ok 1 x"))
        self.assertEqual("    ok 1 x", klog.message("    ok 1 x"))

    def test_guest_markers(self):
        # The guest brackets the KUnit run as kunit_results() expects.
        with open(os.path.join(HERE, "guest-init.sh")) as f:
            text = f.read()
        self.assertIn('kmsg "begin kunit"', text)
        self.assertIn('kmsg "end kunit rc=$rc"', text)


class Verdict(unittest.TestCase):
    CONSOLE = ["[ 1.0] Run /init as init process", "[ 2.0] gosync: loaded"]

    def judge(self, found, console=None, ran=(False, False), done=True, **kw):
        final, splats, reasons = results.judge(found, ran, done, console or self.CONSOLE,
                                               "debug", "debug", 180, 900, **kw)
        return final, reasons

    def test_pass_and_fail(self):
        final, reasons = self.judge([("a", "PASS", "")])
        self.assertEqual([("debug/a", "PASS", ""),
                          ("debug/kernel-log", "PASS", "no splats")], final)
        self.assertEqual([], reasons)
        final, reasons = self.judge([("a", "FAIL", "x")], done=False)
        self.assertEqual(("debug/kernel-log", "FAIL",
                          "incomplete: guest stopped before the end of its suites"), final[-1])
        self.assertEqual((0, 2, 0), results.counts(final))

    def test_splat_and_expected_failure(self):
        console = self.CONSOLE + ["[ 3.0] WARNING: CPU: 1 PID: 5 at x.c:1 f+0x1/0x2 [fault_warn]"]
        final, reasons = self.judge([], console)
        self.assertEqual("FAIL", final[-1][1])
        final, _ = self.judge([], console, expect_failure="WARNING", fault="warn")
        self.assertEqual([("harness/debug/warn", "PASS",
                           "run failed as expected: WARNING")], final)
        final, _ = self.judge([], expect_failure="WARNING", fault="warn")
        self.assertEqual("FAIL", final[0][1])


class Tail(unittest.TestCase):
    def test_complete_lines_only(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "log")
            tail = qemu.Tail(path)
            with open(path, "w") as f:
                f.write("one\ntw")
            self.assertEqual(["one"], tail.lines())
            with open(path, "a") as f:
                f.write("o\nthree\n")
            self.assertEqual(["two", "three"], tail.lines())
            self.assertEqual([], tail.lines())


class Watch(unittest.TestCase):
    def test_progress_lines(self):
        with tempfile.TemporaryDirectory() as d:
            console, res = os.path.join(d, "c"), os.path.join(d, "r")
            with open(console, "w") as f:
                f.write("\n".join(klines(Ktap.K612)) + "\n")
            with open(res, "w") as f:
                f.write("GOSYNC-BOOT kernel=6.1\nGOSYNC-BEGIN kselftest/a/b_test\n"
                        "GOSYNC-END kselftest/a/b_test rc=1\nGOSYNC-CHECK kmemleak PASS\n")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                up = progress.Watch(progress.Progress("debug"), console, res).poll()
        self.assertTrue(up)
        lines = [ln.split("] ", 1)[1].split() for ln in out.getvalue().splitlines()]
        self.assertEqual([["guest", "up:", "kernel=6.1"], ["kselftest/a/b_test", "exit", "1"],
                          ["check", "kmemleak", "PASS"], ["kunit/gosync_barrier", "not", "ok"],
                          ["kunit/gosync_core", "done"]], lines)


class Initramfs(unittest.TestCase):
    def test_newc(self):
        c = qemu.Cpio()
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
