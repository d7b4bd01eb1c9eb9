#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run gosync's suites on one kernel under QEMU and judge the run.

  tools/vm/run.py --kernel debug --suites "modules kselftest kunit"

Steps: get the kernel, build the modules against it and the static test
programs (builds.py), pack an initramfs with tools/vm/guest-init.sh as
/init, boot QEMU under TCG (qemu.py), follow the guest's results line
(second serial port) and its kernel log, print progress, then judge
(results.py):

  * every test program that was packed must report, and every TAP case in
    it must pass (or skip); so must every KUnit case, read as KTAP from the
    kernel log (ktap.py), with as many cases as each suite planned;
  * the guest must reach the end (GOSYNC-DONE) before the timeout;
  * the kernel log must hold no splat (klog.py); a KCSAN report with no
    frame in a gosync or harness module is a race inside the kernel itself,
    listed as a SKIP line (kcsan-kernel-internal), not counted as a failure.

Logs stay in build/vm/<kernel>[-<tag>]/ (console.log = kernel log,
results.log = guest results). Results go to build/results/<name>.txt, one
"PASS|FAIL|SKIP <test> [why]" line per test, for tools/summary.sh.
Bench lines go to --bench-csv with the env column set to the kernel name.

--expect-failure CLASS inverts the verdict for the harness self-test: the
run passes only if it failed and CLASS is among the reasons.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time

import builds
import qemu
import results
from builds import BUILD, REPO
from progress import Progress, Watch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True, choices=builds.matrix(),
                    help="a kernel of the matrix (tools/kernel/*.kernel)")
    ap.add_argument("--suites", default="modules kselftest kunit")
    ap.add_argument("--smp", type=int, default=int(os.environ.get("GOSYNC_SMP", 4)))
    ap.add_argument("--mem", default="2G")
    ap.add_argument("--timeout", type=int, default=900, help="seconds for the whole VM run")
    ap.add_argument("--boot-timeout", type=int, default=180,
                    help="seconds for the guest to reach /init (one retry)")
    ap.add_argument("--test-timeout", type=int, default=builds.kselftest_timeout(),
                    help="seconds per test program (default: selftests/gosync/settings)")
    ap.add_argument("--tag", default="", help="suffix of the log and results names")
    ap.add_argument("--bench-threads", default="1 2 4")
    ap.add_argument("--bench-ms", type=int, default=1000)
    ap.add_argument("--bench-filter", default="", help="primitives to bench (default all)")
    ap.add_argument("--bench-csv", help="append bench rows to this CSV")
    ap.add_argument("--fault", help="harness fault module to load (suite 'fault')")
    ap.add_argument("--expect-failure", help="pass only if the run fails with this class")
    ap.add_argument("--show", action="store_true", help="print the guest's demo output")
    ap.add_argument("--kselftests", default="",
                    help="the selftests/gosync/<area>s whose programs the kselftest suite "
                    "runs (default: all)")
    ap.add_argument("--gosync-ko", help="boot this gosync.ko (a dkms build, say) "
                    "instead of the one built here")
    ap.add_argument("--no-kernel-build", action="store_true",
                    help="use build/kernels/<kernel>.env as it is")
    args = ap.parse_args()

    name = args.kernel + ("-" + args.tag if args.tag else "")
    prog = Progress(name)
    vmdir = os.path.join(BUILD, "vm", name)
    resdir = os.path.join(BUILD, "results")
    os.makedirs(vmdir, exist_ok=True)
    os.makedirs(resdir, exist_ok=True)
    t_start = time.time()

    suites = args.suites.split()
    # Each suite is a suite_<name> function of guest-init.sh: a name it
    # lacks would only print "not found" in the guest and judge nothing.
    with open(qemu.GUEST_INIT) as f:
        known = set(re.findall(r"^suite_([a-z]+)\(\)", f.read(), re.M))
    unknown = [s for s in suites if s not in known]
    if unknown or not suites:
        sys.exit("run.py: unknown suite(s) %s; known: %s (space-separated)" %
                 (" ".join(unknown) or "(none given)", " ".join(sorted(known))))
    if args.no_kernel_build:
        kenv = builds.read_env(os.path.join(BUILD, "kernels", args.kernel + ".env"))
    else:
        kenv = builds.prepare_kernel(args.kernel, prog)
    kos = builds.build_modules(args.kernel, kenv, bool(args.fault), prog, vmdir)
    if args.gosync_ko:
        if not os.path.isfile(args.gosync_ko):
            raise SystemExit("run.py: --gosync-ko %s: no such file" % args.gosync_ko)
        kos = [k for k in kos if os.path.basename(k) != "gosync.ko"] + [args.gosync_ko]
        prog.line("stage modules: gosync.ko is %s" % args.gosync_ko)
    tests = builds.build_tests(prog, vmdir)
    if args.kselftests:
        dirs = set(args.kselftests.split())
        unknown = dirs - {d for d, _, _ in tests}
        if unknown:
            raise SystemExit("run.py: --kselftests: no selftests/gosync/%s"
                             % " ".join(sorted(unknown)))
        # The modules suite needs module_test, and debugfs_test for its
        # skips-without-module check, whatever the selection.
        tests = [t for t in tests if t[0] in dirs or
                 t[:2] in (("core", "module_test"), ("core", "debugfs_test"))]
        prog.line("stage selftests: only %s" % " ".join(sorted(dirs)))
    if args.fault:
        kos = [k for k in kos if "/harness/" not in k or
               os.path.basename(k) == "fault_%s.ko" % args.fault]

    config = {
        "GOSYNC_KERNEL": args.kernel,
        "GOSYNC_SUITES": " ".join(suites),
        "GOSYNC_EXPECT_CPUS": args.smp,
        "GOSYNC_TEST_TIMEOUT": args.test_timeout,
        "GOSYNC_BENCH_THREADS": args.bench_threads,
        "GOSYNC_BENCH_MS": args.bench_ms,
        "GOSYNC_BENCH_FILTER": args.bench_filter,
        "GOSYNC_FAULT": args.fault or "",
    }
    initrd = os.path.join(vmdir, "initramfs.cpio.gz")
    qemu.make_initramfs(initrd, kos, tests, config)

    # What must report: each packed program in the suites that run it.
    expected = []
    if "modules" in suites:
        expected.append("kselftest/core/module_test")
    if "kselftest" in suites:
        expected += ["kselftest/%s/%s" % (d, n) for d, n, _ in tests
                     if (d, n) != ("core", "module_test")]
    if args.fault:
        expected.append("fault/" + args.fault)

    console_log = os.path.join(vmdir, "console.log")
    results_log = os.path.join(vmdir, "results.log")
    boot_args = subprocess.run(
        [os.path.join(REPO, "tools/kernel/build.sh"), "--get", args.kernel, "BOOT_ARGS"],
        check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    cmd = qemu.command(kenv["BZIMAGE"], initrd, args.smp, args.mem, console_log, results_log,
                       boot_args)
    prog.line("stage boot: %s (%s), %d vCPUs, TCG; logs in %s" % (
        args.kernel, kenv.get("KVER", "?"), args.smp, os.path.relpath(vmdir, REPO)))
    with open(os.path.join(vmdir, "qemu.cmd"), "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
    ran, retried = qemu.boot_retrying(
        cmd, console_log, results_log, args.timeout, args.boot_timeout,
        lambda: Watch(prog, console_log, results_log).poll, prog.line)
    qemu_out, vm_secs = ran[2], ran[3]

    with open(console_log, errors="replace") as f:
        console = f.read().splitlines()
    with open(results_log, errors="replace") as f:
        progs, checks, bench, shows, order, done = results.parse_results(f.read().splitlines())
    found = (checks + results.program_results(progs, order, expected)
             + results.kunit_results(console))
    final, splats, reasons = results.judge(
        found, ran, done, console, args.kernel, name, args.boot_timeout, args.timeout,
        args.expect_failure, args.fault, retried)
    results.write_results(os.path.join(resdir, name + ".txt"), final)
    if bench and args.bench_csv:
        results.write_bench(args.bench_csv, args.kernel, bench)

    if args.show:
        for line in shows:
            print("    " + line)
    npass, nfail, nskip = results.counts(final)
    for n, s, w in final:
        if s != "PASS":
            prog.line("%s %s %s" % (s, n, w))
    if splats and not args.expect_failure:
        i = splats[0][1]
        prog.line("first splat, kernel log lines %d-%d:" % (i + 1, i + 30))
        for line in console[max(0, i - 2):i + 28]:
            print("    " + line)
    if qemu_out.strip() and reasons:
        prog.line("qemu said: " + qemu_out.strip()[-500:])
    prog.line("%s on %s: %d passed, %d failed, %d skipped (VM %.0f s, total %.0f s)" % (
        "run" if not args.expect_failure else "harness " + args.fault,
        name, npass, nfail, nskip, vm_secs, time.time() - t_start))
    return 0 if nfail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
