# SPDX-License-Identifier: GPL-2.0
"""The initramfs, the QEMU command line, and the boot (with one retry).

The guest has two serial lines, each written to a file on the host:
ttyS0 the kernel log (console.log), ttyS1 the guest's results
(results.log, the line protocol in guest-init.sh).
"""

import gzip
import os
import shlex
import shutil
import subprocess
import time

import klog

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GUEST_INIT = os.path.join(HERE, "guest-init.sh")

# The whole kernel log reaches ttyS0: KUnit prints its KTAP at KERN_INFO
# (shown at loglevel 7), and a buffer far larger than a run logs means no
# line is lost while the console catches up ("printk messages dropped").
APPEND = ("console=ttyS0,115200 loglevel=7 log_buf_len=4M panic=-1 oops=panic "
          "printk.devkmsg=on hung_task_panic=0 softlockup_panic=0")


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
    """busybox, guest-init.sh as /init, the modules in /gosync/modules, the
    test programs ((dir, name, path) each) in /gosync/tests/<dir>/, and
    config as /gosync/config (shell assignments)."""
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "gosync",
              "gosync/modules", "gosync/tests"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.file("bin/busybox", "/bin/busybox", mode=0o755)
    c.file("init", GUEST_INIT, mode=0o755)
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


def command(bzimage, initrd, smp, mem, console_log, results_log, boot_args=""):
    """The QEMU command line; @boot_args (the kernel descriptor's
    BOOT_ARGS) go after APPEND."""
    append = APPEND + (" " + boot_args if boot_args else "")
    return ["qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max",
            "-smp", str(smp), "-m", mem, "-nodefaults", "-display", "none",
            "-no-reboot", "-kernel", bzimage, "-initrd", initrd,
            "-append", append, "-serial", "file:" + console_log,
            "-serial", "file:" + results_log]


class Tail:
    """The complete lines a growing file gains, call by call (the guest may
    be part way through writing the last one)."""

    def __init__(self, path):
        self.path = path
        self.pos = 0

    def lines(self):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.pos += end
        return data[:end].decode(errors="replace").splitlines()


def boot(cmd, timeout, boot_timeout, poll):
    """Run QEMU to the end. poll() is called every half second and says
    whether the guest is up. Returns (timed_out, boot_hung, qemu_out, secs)."""
    vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    t_boot = time.time()
    timed_out = boot_hung = False
    up = False
    while vm.poll() is None:
        elapsed = time.time() - t_boot
        if elapsed > timeout or (not up and elapsed > boot_timeout):
            timed_out = True
            boot_hung = not up
            vm.kill()
            vm.wait()
            break
        time.sleep(0.5)
        up = poll()
    qemu_out = vm.stdout.read().decode(errors="replace") if vm.stdout else ""
    return timed_out, boot_hung, qemu_out, time.time() - t_boot


def boot_retrying(cmd, console_log, results_log, timeout, boot_timeout, watch, say):
    """boot() with logs emptied first, and once more after a boot that hung
    or splatted before /init. watch() gives each boot its poll function.
    Returns boot()'s tuple and, for a retry, (what, why, kept log) else None.

    Seen rarely under TCG on a loaded host: the kernel stops early in boot,
    or logs a splat in early boot, before /init and before any gosync
    module is loaded. The log is kept and the VM boots once more; a second
    hang or boot splat fails the run, and a retry is reported as a SKIP
    result, never hidden."""
    retried = None
    for attempt in (1, 2):
        for p in (console_log, results_log):
            open(p, "w").close()
        ran = boot(cmd, timeout, boot_timeout, watch())
        boot_hung = ran[1]
        if attempt == 2:
            break
        with open(console_log, errors="replace") as f:
            early = None if boot_hung else klog.boot_splat(f.read().splitlines())
        if not boot_hung and not early:
            break
        what = "boot-hang" if boot_hung else "boot-splat"
        kept = os.path.join(os.path.dirname(console_log), "console.%s.log" % what)
        shutil.copy(console_log, kept)
        kept = os.path.relpath(kept, REPO)
        why = ("no /init after %d s" % boot_timeout if boot_hung
               else "%s before /init: %s" % (early[0], early[2]))
        say("WARNING: %s (kernel, early boot, nothing of gosync loaded yet); "
            "log kept in %s; booting again" % (why, kept))
        retried = (what, why, kept)
    return ran, retried
