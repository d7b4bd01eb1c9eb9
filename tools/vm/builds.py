# SPDX-License-Identifier: GPL-2.0
"""What a run packs: the kernel (tools/kernel/build.sh, cached), the modules
built against it in build/mod/<kernel>/, the static test programs."""

import os
import shlex
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, "build")
BUILD_SH = os.path.join(REPO, "tools/kernel/build.sh")


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
    out = subprocess.run([BUILD_SH, "--list"], stdout=subprocess.PIPE, text=True,
                         cwd=REPO, check=True)
    return out.stdout.split()


def prepare_kernel(kernel, prog):
    prog.line("stage kernel: tools/kernel/build.sh %s" % kernel)
    out = subprocess.run([BUILD_SH, kernel], stdout=subprocess.PIPE, text=True, cwd=REPO)
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
                "--exclude=*.cmd", "--exclude=*.mod*", "--exclude=Module.symvers",
                "--exclude=modules.order", src + "/", d + "/"])
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
    # The consumer as an outside module: its own Kbuild, against the
    # Module.symvers just written (selftests/consumer/Kbuild).
    cmd = ["make", "-C", kenv["KDIR"], "M=" + os.path.join(dst, "selftests/consumer"),
           "modules", "W=1", "CONFIG_DEBUG_INFO_BTF_MODULES="]
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


def kselftest_timeout():
    """The kselftests' timeout in seconds, from their settings file (runner.sh's)."""
    with open(os.path.join(REPO, "selftests/gosync/settings")) as f:
        for line in f:
            if line.startswith("timeout="):
                return int(line.split("=", 1)[1])
    return 45  # runner.sh's default


def build_tests(prog, logdir):
    """The static kselftest programs (selftests/gosync/<area>/), as (area, name, path)."""
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
