#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a gosync bench CSV into a terminal table and one PNG plot per case.

  tools/bench/report.py build/bench/results.csv [--out build/bench]

CSV columns: env,primitive,case,impl,threads,ops_per_sec,ns_per_op.
Each row of one (env, primitive, case, threads) is compared with every other
implementation of that group, by name: "3.10x atomic_long" means 3.10 times
the ops per second of atomic_long in the same run. Figures from different
envs are never compared with each other.
"""

import argparse
import collections
import csv
import os
import subprocess
import sys


def human(x):
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= div:
            return "%.2f%s" % (x / div, unit)
    return "%.0f" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--out", help="directory for the PNG plots (default: next to the CSV)")
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args()

    with open(args.csv) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit("report.py: %s has no rows" % args.csv)

    # (env, primitive, case) -> impl -> threads -> row, keeping first-seen order.
    groups = collections.OrderedDict()
    for r in rows:
        key = (r["env"], r["primitive"], r["case"])
        groups.setdefault(key, collections.OrderedDict()).setdefault(
            r["impl"], {})[int(r["threads"])] = r

    print("%-7s %-10s %-14s %-16s %7s %12s %10s %s" % (
        "env", "primitive", "case", "impl", "threads", "ops/s", "ns/op", "ratio vs peers"))
    for (env, prim, case), impls in groups.items():
        for impl, by_threads in sorted(impls.items()):
            for t in sorted(by_threads):
                r = by_threads[t]
                rate = float(r["ops_per_sec"])
                ratio = []
                for other, theirs in sorted(impls.items()):
                    ref = theirs.get(t)
                    if other != impl and ref and float(ref["ops_per_sec"]) > 0:
                        ratio.append("%.2fx %s" % (rate / float(ref["ops_per_sec"]), other))
                ratio = ", ".join(ratio)
                print("%-7s %-10s %-14s %-16s %7d %12s %10s %s" % (
                    env, prim, case, impl, t, human(rate), r["ns_per_op"], ratio))

    if args.no_plots:
        return 0
    out = args.out or os.path.dirname(os.path.abspath(args.csv))
    os.makedirs(out, exist_ok=True)
    cases = collections.OrderedDict()
    for (env, prim, case), impls in groups.items():
        cases.setdefault((prim, case), []).append((env, impls))
    for (prim, case), series in cases.items():
        png = os.path.join(out, "%s-%s.png" % (prim, case))
        script = ["set terminal pngcairo size 800,500 noenhanced",
                  "set output '%s'" % png,
                  "set title 'gosync bench: %s / %s (higher is better)'" % (prim, case),
                  "set xlabel 'threads'", "set ylabel 'ops per second'",
                  "set key outside right", "set grid", "set logscale y",
                  "set format y '%.1s%c'"]
        plots, data = [], []
        n = 0
        for env, impls in series:
            for impl, by_threads in impls.items():
                name = "$d%d" % n
                n += 1
                data.append("%s << EOD" % name)
                data += ["%d %s" % (t, by_threads[t]["ops_per_sec"]) for t in sorted(by_threads)]
                data.append("EOD")
                plots.append("%s using 1:2 with linespoints lw 2 title '%s (%s)'" % (
                    name, impl, env))
        threads = sorted({t for _, impls in series for b in impls.values() for t in b})
        script.append("set xtics (%s)" % ", ".join(str(t) for t in threads))
        script.append("set xrange [%g:%g]" % (threads[0] - 0.5, threads[-1] + 0.5))
        text = "\n".join(data + script + ["plot " + ", ".join(plots)]) + "\n"
        r = subprocess.run(["gnuplot"], input=text, text=True, capture_output=True)
        if r.returncode or not os.path.exists(png):
            sys.exit("report.py: gnuplot failed for %s: %s" % (png, r.stderr))
        print("plot: %s" % os.path.relpath(png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
