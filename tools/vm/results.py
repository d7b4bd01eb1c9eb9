# SPDX-License-Identifier: GPL-2.0
"""From the two logs to results: the guest's results lines, each program's
TAP, KUnit's KTAP in the kernel log, then the run's verdict, written as
"PASS|FAIL|SKIP <test> [why]" lines."""

import os

import klog
import ktap


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


def program_results(progs, order, expected):
    """(name, status, why) for each program's cases and exit, and for each
    expected program that never started."""
    results = []
    for pname in order:
        p = progs[pname]
        fault = pname.startswith("fault/")
        cases = [] if fault else ktap.tap_cases(pname, p["lines"])
        results += cases
        if p["rc"] is None:
            results.append((pname, "FAIL", "did not finish"))
        elif p["rc"] == 4 and not cases:
            results.append((pname, "SKIP", "skipped (exit 4)"))
        elif p["rc"] not in (0, 4):
            if not any(s == "FAIL" for _, s, _ in cases):
                results.append((pname, "FAIL", "exit code %d" % p["rc"]))
        elif not cases and not fault:
            results.append((pname, "FAIL", "printed no test results"))
    for e in expected:
        if e not in progs:
            results.append((e, "FAIL", "missing: never started"))
    return results


def kunit_results(console):
    """The KUnit results: the KTAP that gosync_kunit.ko's suites print to the
    kernel log while it loads, between the guest's "begin kunit" and "end
    kunit rc=N" (none if the suite did not run). Beyond ktap's judgement,
    a log that ends or lost lines inside the run, or holds no suite, fails."""
    span = klog.between(console, "begin kunit", "end kunit")
    if span is None:
        return []
    lines, end = span
    root = ktap.parse(lines)
    out = ktap.kunit_results(root)
    if end is None:
        out.append(("kunit", "FAIL", "the kernel log ends inside the KUnit run"))
    if any(klog.DROPPED_RE.search(ln) for ln in lines):
        out.append(("kunit", "FAIL", "the kernel log dropped lines inside the KUnit run"))
    if end == "end kunit rc=0" and not root.subtests:
        out.append(("kunit", "FAIL", "gosync_kunit.ko loaded but no suite "
                    "reported in the kernel log"))
    return out


def judge(results, ran, done, console, kernel, name, boot_timeout, timeout,
          expect_failure=None, fault=None, retried=None):
    """The run's final (name, status, why) lines, its splats (no foreign
    KCSAN report) and the reasons it failed, as (class, text)."""
    timed_out, boot_hung = ran[0], ran[1]
    reasons = []
    if timed_out:
        reasons.append(("timeout", "no /init after %d s" % boot_timeout if boot_hung
                        else "no end after %d s" % timeout))
    elif not done:
        reasons.append(("incomplete", "guest stopped before the end of its suites"))
    splats = klog.find_splats(console)
    foreign = [x for x in splats if x[0] == "KCSAN-foreign"]
    splats = [x for x in splats if x[0] != "KCSAN-foreign"]
    for cls, i, line in splats:
        reasons.append((cls, line))
    for rname, status, why in results:
        if status == "FAIL":
            reasons.append(("test", "%s %s" % (rname, why)))

    if expect_failure:
        classes = {c for c, _ in reasons}
        hit = expect_failure in classes
        why = ("run failed as expected: " + ", ".join(sorted(classes))) if hit else \
            ("expected a %s failure, got: %s" % (expect_failure,
                                                 ", ".join(sorted(classes)) or "a passing run"))
        return ([("harness/%s/%s" % (kernel, fault), "PASS" if hit else "FAIL", why)],
                splats, reasons)
    tag = name + "/"
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
    return final, splats, reasons


def write_results(path, final):
    with open(path, "w") as f:
        for n, s, w in final:
            f.write("%s %s%s\n" % (s, n, " " + w if w else ""))


def write_bench(path, kernel, bench):
    """Append the guest's bench rows to a CSV, env column = the kernel."""
    new = not os.path.exists(path)
    with open(path, "a") as f:
        if new:
            f.write("env,primitive,case,impl,threads,ops_per_sec,ns_per_op\n")
        for row in bench:
            p = row.split(",")  # primitive,case,impl,threads,ops,ops_per_sec,ns_per_op
            f.write(",".join([kernel] + p[:4] + p[5:7]) + "\n")


def counts(final):
    return tuple(sum(1 for _, s, _ in final if s == k) for k in ("PASS", "FAIL", "SKIP"))
