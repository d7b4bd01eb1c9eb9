# SPDX-License-Identifier: GPL-2.0
"""What a run shows while it goes: stage and progress lines, and the
following of both logs during a boot."""

import sys
import time

import klog
import ktap
import qemu


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


class Watch:
    """Follows both logs during a boot: prints each program's end, checks,
    bench rows and KUnit suites' results; poll() says whether the guest is up."""

    def __init__(self, prog, console_log, results_log):
        self.prog = prog
        self.results = qemu.Tail(results_log)
        self.console = qemu.Tail(console_log)
        self.up = self.kunit = False
        self.current = "booting"

    def poll(self):
        for line in self.results.lines():
            parts = line.split()
            if line.startswith("GOSYNC-BOOT"):
                self.up = True
                self.prog.line("guest up: " + line[len("GOSYNC-BOOT "):])
            elif line.startswith(("GOSYNC-SUITE ", "GOSYNC-BEGIN ")) and len(parts) > 1:
                self.current = ("suite " if parts[0] == "GOSYNC-SUITE" else "") + parts[1]
            elif line.startswith("GOSYNC-END ") and len(parts) >= 3:
                self.prog.line("%-44s %s" % (parts[1], "done" if parts[2] == "rc=0"
                                             else "exit " + parts[2][3:]))
            elif line.startswith(("GOSYNC-BENCH ", "GOSYNC-CHECK ")):
                self.prog.line("%s %s" % (parts[0][7:].lower(), line.split(" ", 1)[1]))
        for line in self.console.lines():
            msg = klog.message(line)
            if msg.startswith(klog.MARK):
                self.kunit = msg[len(klog.MARK):].strip() == "begin kunit"
            elif self.kunit and not msg.startswith(" ") and ktap.result(msg):
                status, suite, _ = ktap.result(msg)
                self.prog.line("%-44s %s" % ("kunit/" + suite, "done" if status != "FAIL"
                                             else "not ok"))
        self.prog.status("running " + self.current)
        return self.up
