#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run gosync's suites on one kernel under QEMU and judge the run.

  tools/vm/run.py --kernel debug --suites "modules kselftest kunit"

Steps: get the kernel (tools/kernel/build.sh, cached), build the modules
against it in build/mod/<kernel>/, build the static test programs, pack an
initramfs (busybox, modules, tests, tools/vm/guest-init.sh as /init), boot
QEMU under TCG, follow the guest's results line (second serial port) and
print progress, then judge:

  * every test program and KUnit suite that was packed must report, and
    every TAP/KTAP case in them must pass (or skip);
  * the guest must reach the end (GOSYNC-DONE) before the timeout;
  * the kernel log must hold no splat: BUG, WARNING, Oops, KASAN, KCSAN,
    UBSAN, lockdep, suspicious RCU usage, RCU stall, hung task, soft lockup,
    kmemleak, panic. The one exception: a KCSAN report with no frame in a
    gosync or harness module (not counting the code an interrupt
    interrupted) is a race inside the kernel itself; it is
    listed as a SKIP line (kcsan-kernel-internal), not counted as a failure.

Logs stay in build/vm/<kernel>[-<tag>]/ (console.log = kernel log,
results.log = guest results). Results go to build/results/<name>.txt, one
"PASS|FAIL|SKIP <test> [why]" line per test, for tools/summary.sh.
Bench lines go to --bench-csv with the env column set to the kernel name.

--expect-failure CLASS inverts the verdict for the harness self-test: the
run passes only if it failed and CLASS is among the reasons.
"""

import argparse
import gzip
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, "build")

# (class, regex) in order of precedence; a line is charged to the first match.
SPLATS = [
    ("KASAN", r"BUG: KASAN: "),
    ("KCSAN", r"BUG: KCSAN: "),
    ("UBSAN", r"UBSAN: "),
    ("lockdep", r"WARNING: (possible circular locking|possible recursive locking|"
                r"inconsistent lock state|possible irq lock inversion|"
                r"bad unlock balance|held lock freed|lock held when returning|"
                r"Nested lock was not taken|.*-safe -> .*-unsafe lock order)"),
    ("lockdep", r"INFO: trying to register non-static key"),
    ("RCU", r"WARNING: suspicious RCU usage"),
    ("RCU stall", r"rcu: INFO: .* detected stalls|self-detected stall on CPU"),
    ("hung task", r"INFO: task .* blocked for more than"),
    ("soft lockup", r"BUG: soft lockup"),
    ("hard lockup", r"hard LOCKUP"),
    ("kmemleak", r"unreferenced object 0x|kmemleak: .* new suspected memory leaks"),
    ("ODEBUG", r"ODEBUG: "),
    ("list corruption", r"list_(add|del) corruption"),
    ("Oops", r"Oops: |general protection fault|kernel BUG at|"
             r"unable to handle (kernel|page)"),
    ("BUG", r"BUG: "),
    ("WARNING", r"WARNING: "),
    ("panic", r"Kernel panic - not syncing"),
]
SPLAT_RES = [(c, re.compile(r)) for c, r in SPLATS]
TAP_RE = re.compile(r"^(\s*)(not ok|ok) \d+ (?:- )?([^#]*?)\s*(#\s*(SKIP|skip)\b.*)?$")


class Progress:
    """Stage/kernel/test/elapsed lines; rewritten in place on a terminal."""

    def __init__(self, kernel, quiet=False):
        self.kernel = kernel
        self.t0 = time.time()
        self.tty = sys.stdout.isatty()
        self.quiet = quiet
        self.pending = False

    def _stamp(self):
        s = int(time.time() - self.t0)
        return "[%-6s %2d:%02d]" % (self.kernel, s // 60, s % 60)

    def status(self, text):
        if self.quiet:
            return
        if self.tty:
            sys.stdout.write("\r\033[K%s %s" % (self._stamp(), text))
            sys.stdout.flush()
            self.pending = True

    def line(self, text):
        if self.pending:
            sys.stdout.write("\r\033[K")
            self.pending = False
        print("%s %s" % (self._stamp(), text), flush=True)


def sh(cmd, log=None, env=None, cwd=REPO):
    """Run a command; output to log (appended) or inherited; raise on failure."""
    if log:
        with open(log, "a") as f:
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    else:
        r = subprocess.run(cmd, env=env, cwd=cwd)
    if r.returncode:
        if log:
            with open(log) as f:
                tail = f.readlines()[-30:]
            sys.stderr.write("".join(tail))
        raise SystemExit("run.py: %s failed (exit %d)%s" % (
            " ".join(shlex.quote(c) for c in cmd), r.returncode,
            "; log: " + log if log else ""))


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = shlex.split(v)[0] if v else ""
    return env


def matrix():
    """The kernels' names, in the matrix's order (tools/kernel/build.sh --list)."""
    out = subprocess.run([os.path.join(REPO, "tools/kernel/build.sh"), "--list"],
                         stdout=subprocess.PIPE, text=True, cwd=REPO, check=True)
    return out.stdout.split()


def prepare_kernel(kernel, prog, logdir):
    prog.line("stage kernel: tools/kernel/build.sh %s" % kernel)
    out = subprocess.run([os.path.join(REPO, "tools/kernel/build.sh"), kernel],
                         stdout=subprocess.PIPE, text=True, cwd=REPO)
    if out.returncode:
        raise SystemExit("run.py: kernel %s did not build" % kernel)
    envfile = out.stdout.strip().splitlines()[-1]
    return read_env(envfile)


def build_modules(kernel, kenv, harness, prog, logdir):
    """Copy the module sources to build/mod/<kernel> and build them there."""
    prog.line("stage modules: build against %s" % kenv["KDIR"])
    dst = os.path.join(BUILD, "mod", kernel)
    os.makedirs(dst, exist_ok=True)
    for item in ("Kbuild", "kmod", "include", "selftests/consumer", "selftests/harness"):
        src = os.path.join(REPO, item)
        d = os.path.join(dst, item)
        if os.path.isdir(src):
            os.makedirs(d, exist_ok=True)
            sh(["rsync", "-a", "--delete", "--exclude=*.o", "--exclude=*.ko",
                "--exclude=*.cmd", "--exclude=*.mod*", src + "/", d + "/"])
        else:
            shutil.copy2(src, d)
    log = os.path.join(logdir, "modules.log")
    open(log, "w").close()
    # W=1 and no warning at all: the KUnit files compile only here (lint's
    # kernels have no CONFIG_KUNIT), and a debug config adds its own checks
    # (the frame size under KASAN).
    cmd = ["make", "-C", kenv["KDIR"], "M=" + dst, "-j%d" % os.cpu_count(), "modules",
           "W=1", "CONFIG_DEBUG_INFO_BTF_MODULES="]
    if harness:
        cmd.append("GOSYNC_HARNESS=1")
    sh(cmd, log=log)
    with open(log, errors="replace") as f:
        warned = [ln.rstrip() for ln in f if "warning:" in ln]
    if warned:
        raise SystemExit("run.py: the module build against %s warned (%d lines; log: %s):\n%s"
                         % (kenv["KDIR"], len(warned), log, "\n".join(warned[:10])))
    kos = []
    for root, _, files in os.walk(dst):
        kos += [os.path.join(root, f) for f in files if f.endswith(".ko")]
    return kos


def build_tests(prog, logdir):
    prog.line("stage selftests: make selftests")
    log = os.path.join(logdir, "selftests.log")
    open(log, "w").close()
    sh(["make", "-s", "selftests"], log=log)
    tdir = os.path.join(BUILD, "selftests")
    tests = []
    for d in sorted(os.listdir(tdir)):
        p = os.path.join(tdir, d)
        if os.path.isdir(p):
            tests += [(d, f, os.path.join(p, f)) for f in sorted(os.listdir(p))
                      if f.endswith("_test")]
    return tests


class Cpio:
    """Minimal writer of the newc cpio format the kernel unpacks."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def _add(self, name, mode, body=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1],
            len(name_b), 0))
        self.ino += 1
        self.data += hdr.encode() + name_b
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += body
        self.data += b"\0" * (-len(self.data) % 4)

    def dir(self, name):
        self._add(name, 0o040755)

    def file(self, name, path=None, body=None, mode=0o644):
        if body is None:
            with open(path, "rb") as f:
                body = f.read()
        self._add(name, 0o100000 | mode, body)

    def chardev(self, name, major, minor):
        self._add(name, 0o020600, rdev=(major, minor))

    def finish(self):
        self._add("TRAILER!!!", 0)
        return bytes(self.data)


def make_initramfs(path, kos, tests, config):
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "gosync",
              "gosync/modules", "gosync/tests"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.file("bin/busybox", "/bin/busybox", mode=0o755)
    c.file("init", os.path.join(REPO, "tools/vm/guest-init.sh"), mode=0o755)
    for ko in kos:
        c.file("gosync/modules/" + os.path.basename(ko), ko)
    for d in sorted({t[0] for t in tests}):
        c.dir("gosync/tests/" + d)
    for d, name, p in tests:
        c.file("gosync/tests/%s/%s" % (d, name), p, mode=0o755)
    c.file("gosync/config", body="".join(
        "%s=%s\n" % (k, shlex.quote(str(v))) for k, v in config.items()).encode())
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(c.finish())


def parse_results(lines):
    """Group the guest's results lines into programs, checks, bench rows."""
    progs, checks, bench, shows, order = {}, [], [], [], []
    cur = None
    done = False
    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("GOSYNC-BEGIN "):
            cur = line.split()[1]
            progs[cur] = {"lines": [], "rc": None}
            order.append(cur)
        elif line.startswith("GOSYNC-END "):
            parts = line.split()
            if len(parts) >= 3 and parts[1] in progs and parts[2][3:].isdigit():
                progs[parts[1]]["rc"] = int(parts[2][3:])
            cur = None
        elif line.startswith("GOSYNC-CHECK "):
            parts = line.split(" ", 3)
            checks.append((parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        elif line.startswith("GOSYNC-BENCH "):
            bench.append(line.split(" ", 1)[1])
        elif line.startswith("GOSYNC-SHOW "):
            shows.append(line[len("GOSYNC-SHOW "):])
        elif line.startswith("GOSYNC-DONE"):
            done = True
        elif cur:
            progs[cur]["lines"].append(line)
    return progs, checks, bench, shows, order, done


def tap_cases(name, prog):
    """Leaf results of one program's TAP (kselftest) or KTAP (KUnit) output."""
    cases = []
    kunit = name.startswith("kunit/")
    suite_ok = None
    running = ""
    for line in prog["lines"]:
        r = RUN_RE.match(line)
        if r:
            running = r.group(1)
        m = TAP_RE.match(line)
        if not m:
            continue
        indent, verdict, case, skip = m.group(1), m.group(2), m.group(3), m.group(4)
        if kunit and not indent:
            suite_ok = verdict == "ok"
            continue
        if kunit and len(indent) > 4:
            continue  # parameterized sub-subtests: counted by their parent
        status = "SKIP" if skip else ("PASS" if verdict == "ok" else "FAIL")
        # 6.1's kselftest harness prints "ok N # SKIP why" without the
        # test's name: take it from the "#  RUN  name ..." line before.
        case = case.strip() or running
        why = re.sub(r"^#\s*(SKIP|skip)\s*", "", skip) if skip else ""
        cases.append(("%s/%s" % (name, case), status, why))
    if kunit and suite_ok is None:
        cases.append((name, "FAIL", "KTAP has no suite result line"))
    elif kunit and suite_ok is False and all(s != "FAIL" for _, s, _ in cases):
        cases.append((name, "FAIL", "suite reported not ok"))
    return cases


RUN_RE = re.compile(r"^#\s+RUN\s+(\S+) \.\.\.")


OURS_RE = re.compile(r"\[(gosync\w*|fault_\w+)\]")
INTR_ENTRY_RE = re.compile(r"\basm_(sysvec_\w+|common_interrupt)\b")


def kcsan_is_ours(console, i):
    """Whether the KCSAN report starting at line i has a frame in our modules.

    KCSAN finds races in the kernel itself too; those are not gosync's to
    fix. A report counts against gosync if any frame of either access lies
    in gosync.ko, gosync_kunit.ko, gosync_consumer.ko or a harness module
    ("func+0x1/0x2 [gosync]").

    An access made in an interrupt shows, below the interrupt entry
    ("asm_sysvec_*", "asm_common_interrupt"), the code it interrupted:
    those frames did not make the access, so they are not counted.
    """
    interrupted = False
    for line in console[i + 1:i + 100]:
        if "=======" in line:
            break
        text = line.split("]", 1)[-1].strip() if line.startswith("[") else line.strip()
        if not text or text.startswith(("race at", "read to", "write to", "read (marked)",
                                        "write (marked)", "read-write")):
            interrupted = False     # the next access's stack
        elif INTR_ENTRY_RE.search(text):
            interrupted = True
        elif not interrupted and OURS_RE.search(text):
            return True
    return False


def find_splats(console):
    """Splat lines as (class, index, line); foreign KCSAN reports as class
    "KCSAN-foreign", which the caller reports but does not fail on."""
    found = []
    for i, line in enumerate(console):
        for cls, rx in SPLAT_RES:
            if rx.search(line):
                if cls == "KCSAN" and not kcsan_is_ours(console, i):
                    cls = "KCSAN-foreign"
                found.append((cls, i, line.strip()))
                break
    return found


def boot_splat(console):
    """The first splat logged before the kernel starts /init, as (class,
    index, line), or None. Nothing of gosync is loaded yet then: such a
    splat is the kernel's or the emulator's (seen: a KASAN report from an
    interrupt taken during identify_cpu() under TCG)."""
    for i, line in enumerate(console):
        if "Run /init as init process" in line:
            return None
        for cls, rx in SPLAT_RES:
            if rx.search(line):
                return (cls, i, line.strip())
    return None


def boot(qemu, args, prog, results_log):
    """Run QEMU to the end; returns (timed_out, boot_hung, qemu_out, secs)."""
    vm = subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    t_boot = time.time()
    timed_out = boot_hung = False
    up = False
    seen = 0
    current = "booting"
    while vm.poll() is None:
        elapsed = time.time() - t_boot
        if elapsed > args.timeout or (not up and elapsed > args.boot_timeout):
            timed_out = True
            boot_hung = not up
            vm.kill()
            vm.wait()
            break
        time.sleep(0.5)
        with open(results_log, errors="replace") as f:
            text = f.read()
        # Only complete lines: the guest may be part way through writing one.
        lines = text[:text.rfind("\n") + 1].splitlines()
        for line in lines[seen:]:
            if line.startswith("GOSYNC-BOOT"):
                up = True
                prog.line("guest up: " + line[len("GOSYNC-BOOT "):])
            elif line.startswith("GOSYNC-SUITE "):
                current = "suite " + line.split()[1]
            elif line.startswith("GOSYNC-BEGIN "):
                current = line.split()[1]
            elif line.startswith("GOSYNC-END ") and len(line.split()) >= 3:
                parts = line.split()
                prog.line("%-44s %s" % (parts[1], "done" if parts[2] == "rc=0"
                                        else "exit " + parts[2][3:]))
            elif line.startswith("GOSYNC-BENCH "):
                prog.line("bench " + line.split(" ", 1)[1])
            elif line.startswith("GOSYNC-CHECK "):
                prog.line("check " + line.split(" ", 1)[1])
        seen = len(lines)
        prog.status("running " + current)
    qemu_out = vm.stdout.read().decode(errors="replace") if vm.stdout else ""
    return timed_out, boot_hung, qemu_out, time.time() - t_boot


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True, choices=matrix(),
                    help="a kernel of the matrix (tools/kernel/*.kernel)")
    ap.add_argument("--suites", default="modules kselftest kunit")
    ap.add_argument("--smp", type=int, default=int(os.environ.get("GOSYNC_SMP", 4)))
    ap.add_argument("--mem", default="2G")
    ap.add_argument("--timeout", type=int, default=900, help="seconds for the whole VM run")
    ap.add_argument("--boot-timeout", type=int, default=180,
                    help="seconds for the guest to reach /init (one retry)")
    ap.add_argument("--test-timeout", type=int, default=600, help="seconds per test program")
    ap.add_argument("--tag", default="", help="suffix of the log and results names")
    ap.add_argument("--bench-threads", default="1 2 4")
    ap.add_argument("--bench-ms", type=int, default=1000)
    ap.add_argument("--bench-filter", default="", help="primitives to bench (default all)")
    ap.add_argument("--bench-csv", help="append bench rows to this CSV")
    ap.add_argument("--fault", help="harness fault module to load (suite 'fault')")
    ap.add_argument("--expect-failure", help="pass only if the run fails with this class")
    ap.add_argument("--show", action="store_true", help="print the guest's demo output")
    ap.add_argument("--kselftests", default="",
                    help="the selftests/<dir>s whose programs the kselftest suite "
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
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "guest-init.sh")) as f:
        known = set(re.findall(r"^suite_([a-z]+)\(\)", f.read(), re.M))
    unknown = [s for s in suites if s not in known]
    if unknown or not suites:
        sys.exit("run.py: unknown suite(s) %s; known: %s (space-separated)" %
                 (" ".join(unknown) or "(none given)", " ".join(sorted(known))))
    if args.no_kernel_build:
        kenv = read_env(os.path.join(BUILD, "kernels", args.kernel + ".env"))
    else:
        kenv = prepare_kernel(args.kernel, prog, vmdir)
    kos = build_modules(args.kernel, kenv, bool(args.fault), prog, vmdir)
    if args.gosync_ko:
        if not os.path.isfile(args.gosync_ko):
            raise SystemExit("run.py: --gosync-ko %s: no such file" % args.gosync_ko)
        kos = [k for k in kos if os.path.basename(k) != "gosync.ko"] + [args.gosync_ko]
        prog.line("stage modules: gosync.ko is %s" % args.gosync_ko)
    tests = build_tests(prog, vmdir)
    if args.kselftests:
        dirs = set(args.kselftests.split())
        unknown = dirs - {d for d, _, _ in tests}
        if unknown:
            raise SystemExit("run.py: --kselftests: no selftests/%s" % " ".join(sorted(unknown)))
        tests = [t for t in tests if t[0] in dirs or t[:2] == ("core", "module_test")]
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
    make_initramfs(initrd, kos, tests, config)

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
    append = ("console=ttyS0,115200 panic=-1 oops=panic printk.devkmsg=on "
              "hung_task_panic=0 softlockup_panic=0")
    qemu = ["qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max",
            "-smp", str(args.smp), "-m", args.mem, "-nodefaults", "-display", "none",
            "-no-reboot", "-kernel", kenv["BZIMAGE"], "-initrd", initrd,
            "-append", append, "-serial", "file:" + console_log,
            "-serial", "file:" + results_log]
    prog.line("stage boot: %s (%s), %d vCPUs, TCG; logs in %s" % (
        args.kernel, kenv.get("KVER", "?"), args.smp, os.path.relpath(vmdir, REPO)))
    with open(os.path.join(vmdir, "qemu.cmd"), "w") as f:
        f.write(" ".join(shlex.quote(c) for c in qemu) + "\n")
    retried = None     # why the first boot was retried, for a SKIP result
    for attempt in (1, 2):
        for p in (console_log, results_log):
            open(p, "w").close()
        timed_out, boot_hung, qemu_out, vm_secs = boot(qemu, args, prog, results_log)
        if attempt == 2:
            break
        # Seen rarely under TCG on a loaded host: the kernel stops early in
        # boot, or logs a splat in early boot, before /init and before any
        # gosync module is loaded. Keep the log and boot once more; a second
        # hang or boot splat fails the run, and a retry is reported as a
        # SKIP result, never hidden.
        with open(console_log, errors="replace") as f:
            early = None if boot_hung else boot_splat(f.read().splitlines())
        if not boot_hung and not early:
            break
        what = "boot-hang" if boot_hung else "boot-splat"
        kept = os.path.join(vmdir, "console.%s.log" % what)
        shutil.copy(console_log, kept)
        if boot_hung:
            retried = "no /init after %d s" % args.boot_timeout
        else:
            retried = "%s before /init: %s" % (early[0], early[2])
        prog.line("WARNING: %s (kernel, early boot, nothing of gosync loaded yet); "
                  "log kept in %s; booting again" % (retried, os.path.relpath(kept, REPO)))
        retried = (what, retried, os.path.relpath(kept, REPO))

    with open(console_log, errors="replace") as f:
        console = f.read().splitlines()
    with open(results_log, errors="replace") as f:
        progs, checks, bench, shows, order, done = parse_results(f.read().splitlines())

    results = []  # (name, status, why)
    for cname, status, why in checks:
        results.append((cname, status, why))
    for pname in order:
        p = progs[pname]
        cases = tap_cases(pname, p) if not pname.startswith("fault/") else []
        results += cases
        if p["rc"] is None:
            results.append((pname, "FAIL", "did not finish"))
        elif p["rc"] == 4 and not cases:
            results.append((pname, "SKIP", "skipped (exit 4)"))
        elif p["rc"] not in (0, 4):
            if not any(s == "FAIL" for _, s, _ in cases):
                results.append((pname, "FAIL", "exit code %d" % p["rc"]))
        elif not cases and not pname.startswith("fault/"):
            results.append((pname, "FAIL", "printed no test results"))
    for e in expected:
        if e not in progs:
            results.append((e, "FAIL", "missing: never started"))

    reasons = []
    if timed_out:
        reasons.append(("timeout", "no /init after %d s" % args.boot_timeout if boot_hung
                        else "no end after %d s" % args.timeout))
    elif not done:
        reasons.append(("incomplete", "guest stopped before the end of its suites"))
    splats = find_splats(console)
    foreign = [x for x in splats if x[0] == "KCSAN-foreign"]
    splats = [x for x in splats if x[0] != "KCSAN-foreign"]
    for cls, i, line in splats:
        reasons.append((cls, line))
    for rname, status, why in results:
        if status == "FAIL":
            reasons.append(("test", "%s %s" % (rname, why)))

    tag = ("%s/" % name)
    ok = not reasons
    if args.expect_failure:
        classes = {c for c, _ in reasons}
        hit = args.expect_failure in classes
        verdict = "PASS" if hit else "FAIL"
        why = ("run failed as expected: " + ", ".join(sorted(classes))) if hit else \
            ("expected a %s failure, got: %s" % (args.expect_failure,
                                                 ", ".join(sorted(classes)) or "a passing run"))
        final = [("harness/%s/%s" % (args.kernel, args.fault), verdict, why)]
    else:
        final = [(tag + n, s, w) for n, s, w in results]
        if splats or timed_out or not done:
            final.append((tag + "kernel-log", "FAIL",
                          "; ".join("%s: %s" % r for r in reasons if r[0] != "test")))
        else:
            final.append((tag + "kernel-log", "PASS", "no splats"))
        for _, i, line in foreign:
            final.append((tag + "kcsan-kernel-internal", "SKIP",
                          "not gosync's (no gosync frame), log line %d: %s" % (i + 1, line)))
        if retried:
            final.append((tag + "kernel-" + retried[0], "SKIP",
                          "first boot retried: %s (log: %s)" % (retried[1], retried[2])))

    with open(os.path.join(resdir, name + ".txt"), "w") as f:
        for n, s, w in final:
            f.write("%s %s%s\n" % (s, n, " " + w if w else ""))

    if bench and args.bench_csv:
        new = not os.path.exists(args.bench_csv)
        with open(args.bench_csv, "a") as f:
            if new:
                f.write("env,primitive,case,impl,threads,ops_per_sec,ns_per_op\n")
            for row in bench:
                p = row.split(",")  # primitive,case,impl,threads,ops,ops_per_sec,ns_per_op
                f.write(",".join([args.kernel] + p[:4] + p[5:7]) + "\n")

    if args.show:
        for line in shows:
            print("    " + line)

    npass = sum(1 for _, s, _ in final if s == "PASS")
    nfail = sum(1 for _, s, _ in final if s == "FAIL")
    nskip = sum(1 for _, s, _ in final if s == "SKIP")
    for n, s, w in final:
        if s != "PASS":
            prog.line("%s %s %s" % (s, n, w))
    if splats and not args.expect_failure:
        i = splats[0][1]
        prog.line("first splat, kernel log lines %d-%d:" % (i + 1, i + 30))
        for line in console[max(0, i - 2):i + 28]:
            print("    " + line)
    if qemu_out.strip() and not ok:
        prog.line("qemu said: " + qemu_out.strip()[-500:])
    prog.line("%s on %s: %d passed, %d failed, %d skipped (VM %.0f s, total %.0f s)" % (
        "run" if not args.expect_failure else "harness " + args.fault,
        name, npass, nfail, nskip, vm_secs, time.time() - t_start))
    return 0 if nfail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
