# SPDX-License-Identifier: GPL-2.0
"""The kernel log (the guest's console, ttyS0): splats, and the stretches
between the guest's markers.

A splat fails the run: BUG, WARNING, Oops, KASAN, KCSAN, UBSAN, lockdep,
suspicious RCU usage, RCU stall, hung task, soft lockup, kmemleak, panic.
The one exception: a KCSAN report with no frame in a gosync or harness
module (not counting the code an interrupt interrupted) is a race inside
the kernel itself, "KCSAN-foreign", which the caller lists but does not
fail on.
"""

import re

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

OURS_RE = re.compile(r"\[(gosync\w*|fault_\w+)\]")
INTR_ENTRY_RE = re.compile(r"\basm_(sysvec_\w+|common_interrupt)\b")
# printk's "[    1.234567] ", with CONFIG_PRINTK_CALLER "[    1.234567][  T123] ".
PREFIX_RE = re.compile(r"^\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])? ?")
DROPPED_RE = re.compile(r"printk messages dropped")
MARK = "gosync-guest: "


def message(line):
    """A kernel-log line without printk's time (and caller) prefix."""
    return PREFIX_RE.sub("", line, count=1)


def between(console, begin, end):
    """The messages the guest bracketed with /dev/kmsg lines
    "gosync-guest: <begin>" and "gosync-guest: <end>...", as (messages,
    end line or None when the log stops first); None if begin is absent."""
    out = None
    for line in console:
        msg = message(line)
        if out is None:
            if msg.strip() == MARK + begin:
                out = []
        elif msg.startswith(MARK + end):
            return out, msg[len(MARK):].strip()
        else:
            out.append(msg)
    return None if out is None else (out, None)


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


def splat_class(line):
    for cls, rx in SPLAT_RES:
        if rx.search(line):
            return cls
    return None


def find_splats(console):
    """Splat lines as (class, index, line); foreign KCSAN reports as class
    "KCSAN-foreign", which the caller reports but does not fail on."""
    found = []
    for i, line in enumerate(console):
        cls = splat_class(line)
        if cls == "KCSAN" and not kcsan_is_ours(console, i):
            cls = "KCSAN-foreign"
        if cls:
            found.append((cls, i, line.strip()))
    return found


def boot_splat(console):
    """The first splat logged before the kernel starts /init, as (class,
    index, line), or None. Nothing of gosync is loaded yet then: such a
    splat is the kernel's or the emulator's (seen: a KASAN report from an
    interrupt taken during identify_cpu() under TCG)."""
    for i, line in enumerate(console):
        if "Run /init as init process" in line:
            return None
        cls = splat_class(line)
        if cls:
            return (cls, i, line.strip())
    return None
