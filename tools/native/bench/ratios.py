#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gosync_map's rate as a ratio against cds_lfht and rwlock, per case and
thread count, with the targets of issue 4 (map load >= 1.5x cds_lfht,
store and delete >= 1.0x cds_lfht; churn_* is the delete case: each op
deletes a key and stores it back).

  tools/native/bench/ratios.py build/native/bench/results.csv [--env native]

Reads the rows of one env (default native) and primitive "map"; a later
row of the same (case, impl, threads) replaces an earlier one, as in
tools/bench/report.py. Exit status 0 whether or not targets are met: the
figures of a shared 2-core machine are for reading, not for gating.
"""

import argparse
import collections
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "bench"))
from report import human  # noqa: E402  (tools/bench/report.py)

MAP, LFHT, RW = "gosync_map", "cds_lfht", "rwlock"
TARGETS = (("load_", 1.5), ("store_", 1.0), ("churn_", 1.0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--env", default="native")
    args = ap.parse_args()

    rate = collections.OrderedDict()    # (case, threads) -> impl -> ops/s
    with open(args.csv) as f:
        for r in csv.DictReader(f):
            if r["env"] != args.env or r["primitive"] != "map":
                continue
            key = (r["case"], int(r["threads"]))
            rate.setdefault(key, {})[r["impl"]] = float(r["ops_per_sec"])
    if not rate:
        sys.exit("ratios.py: no env=%s map rows in %s" % (args.env, args.csv))

    fmt = "%-12s %7s %11s %11s %11s %9s %10s  %s"
    print(fmt % ("case", "threads", MAP, LFHT, RW, "map/lfht", "map/rwlock",
                 "target (vs cds_lfht)"))
    missed = 0
    for (case, threads), by_impl in rate.items():
        m, l, w = (by_impl.get(i) for i in (MAP, LFHT, RW))
        rl = m / l if m and l else None
        rw = m / w if m and w else None
        want = next((t for p, t in TARGETS if case.startswith(p)), None)
        if want is None or rl is None:
            verdict = "-"
        elif rl >= want:
            verdict = ">= %.1fx: met" % want
        else:
            verdict = ">= %.1fx: MISSED" % want
            missed += 1
        print(fmt % (case, threads,
                     human(m) if m else "-", human(l) if l else "-",
                     human(w) if w else "-",
                     "%.2fx" % rl if rl else "-", "%.2fx" % rw if rw else "-",
                     verdict))
    print("targets missed: %d" % missed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
