#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The native figures against the issues' targets, one table per primitive.

  tools/native/bench/ratios.py build/native/bench/results.csv [--env native]

map (issue 4): gosync_map's rate as a ratio against cds_lfht and rwlock,
per case and thread count; targets: load >= 1.5x cds_lfht, store and
delete >= 1.0x cds_lfht (churn_* is the delete case: each op deletes a
key and stores it back).

pool (issue 5): ns per op of gosync_pool, malloc and the mutex free list
(pair and batch16: one op is one get+put pair; xcpu: one get or one put),
and gosync_pool's rate as a ratio against the other two; target: a
get+put pair in under 5 ns (pair and batch16, each thread count).

breaker (issue 6): ns per op (one admitted call) of gosync_breaker, the
seed's breaker under a mutex and under a spinlock, a shared atomic_long
increment and a per-CPU counter increment, and gosync_breaker's rate as a
ratio against the mutex breaker, the per-CPU increment and the atomic;
targets, on the pair case (allow + done): >= 5x the mutex breaker at 4
threads (the VM's figures: --env stock), and >= 0.33x the rate of the
per-CPU increment (a pair costs at most 3 of them), each thread count.

barrier (issue 7): ns per round (one op is one thread's passage through
one round, so ns_per_op is a round's time) of gosync_barrier,
pthread_barrier, the completion barrier and the phaser, flat and tiered,
and the rate of gosync_barrier and of each phaser as a ratio against
pthread_barrier; target: gosync_barrier >= 1.0x pthread_barrier (and the
completion barrier, in the VM) natively. At 1 thread nobody sleeps; from 2
on, a round is mostly one futex wake-up across CPUs, which a shared
virtual machine makes noisy.

once (issue 17): ns per call of gosync_once_do() on a done once, of
pthread_once(), of a mutex around a flag and of a plain relaxed load (the
floor, and an upper bound of DO_ONCE()'s patched static key), and
gosync_once's rate as a ratio against each; no target.

sem (issue 17): ns per op (an acquire of 1 and its release; contended:
capacity 1, a shared increment between them) of gosync_sem and of every
peer in the rows (natively sem_t and a mutex+condvar counter; in the VM,
--env stock, try_acquire, struct semaphore and a mutex+wait-queue
counter), and gosync_sem's rate as a ratio against each; no target.

wpool: ns per op (throughput: one job submitted, WB_RING in
flight per thread; latency: one job submitted and waited for) of
gosync_wpool and its peers (natively a pthread pool with a mutex+condvar
bounded queue; in the VM, --env stock, queue_work() on an unbound
workqueue with max_active = the pool's workers), and gosync_wpool's rate
as a ratio against each; no target.

chan (issue: channels): ns per op (stream: one send or one receive;
pingpong: one round trip) of gosync_chan and of every peer in the rows
(natively a mutex+condvar ring and Go's own channels, go_chan; in the VM,
--env stock, ptr_ring and kfifo under a spinlock, each with wait queues),
and gosync_chan's rate as a ratio against each; no target.

Reads the rows of one env (default native); a later row of the same
(primitive, case, impl, threads) replaces an earlier one, as in
tools/bench/report.py. A primitive without rows is left out. Exit status
0 whether or not targets are met (the figures of a shared 2-core machine
are for reading, not for gating); 1 if there is no row at all.
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
POOL, MALLOC, MUTEX = "gosync_pool", "malloc", "mutex"
POOL_PAIR_NS = 5.0
POOL_PAIR_CASES = ("pair", "batch16")
BRK, BRK_MUTEX, BRK_SPIN, BRK_ATOMIC, BRK_PCPU = (
    "gosync_breaker", "mutex", "spinlock", "atomic_long", "percpu")
BRK_CASE, BRK_VS_MUTEX, BRK_MUTEX_THREADS, BRK_VS_PCPU = "pair", 5.0, 4, 0.33
BAR, BAR_PTHREAD, BAR_COMPL, BAR_FLAT, BAR_TIERED = (
    "gosync_barrier", "pthread_barrier", "completions", "phaser_flat",
    "phaser_tiered")
BAR_VS_PTHREAD = 1.0
PRIMITIVES = ("map", "pool", "breaker", "barrier", "once", "sem", "wpool",
              "chan")


def map_table(rate):
    """gosync_map against cds_lfht and rwlock; returns targets missed."""
    fmt = "%-12s %7s %11s %11s %11s %9s %10s  %s"
    print(fmt % ("case", "threads", MAP, LFHT, RW, "map/lfht", "map/rwlock",
                 "target (vs cds_lfht)"))
    missed = 0
    for (case, threads), by_impl in rate.items():
        m, l, w = (by_impl.get(i, (None, None))[0] for i in (MAP, LFHT, RW))
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
    return missed


def pool_table(rate):
    """gosync_pool against malloc and the mutex free list; targets missed."""
    fmt = "%-8s %7s %12s %10s %10s %12s %11s  %s"
    print(fmt % ("case", "threads", "pool ns/op", "malloc", "mutex",
                 "pool/malloc", "pool/mutex", "target (ns per get+put pair)"))
    missed = 0
    for (case, threads), by_impl in rate.items():
        (p, pns), (a, ans), (x, xns) = (by_impl.get(i, (None, None))
                                        for i in (POOL, MALLOC, MUTEX))
        ra = p / a if p and a else None
        rx = p / x if p and x else None
        if case not in POOL_PAIR_CASES or pns is None:
            verdict = "-"
        elif pns < POOL_PAIR_NS:
            verdict = "< %.0f ns: met" % POOL_PAIR_NS
        else:
            verdict = "< %.0f ns: MISSED" % POOL_PAIR_NS
            missed += 1
        print(fmt % (case, threads,
                     "%.1f" % pns if pns is not None else "-",
                     "%.1f" % ans if ans is not None else "-",
                     "%.1f" % xns if xns is not None else "-",
                     "%.2fx" % ra if ra else "-", "%.2fx" % rx if rx else "-",
                     verdict))
    return missed


def breaker_table(rate):
    """gosync_breaker against the seed's breaker and bare counters."""
    fmt = "%-9s %7s %8s %8s %8s %8s %8s %8s %8s %8s  %s"
    print(fmt % ("case", "threads", "gb ns/op", "mutex", "spinlock",
                 "atomic", "percpu", "gb/mutex", "gb/pcpu", "gb/atomic",
                 "targets (pair: >= 5x mutex at 4 threads, >= 0.33x percpu)"))
    missed = 0
    for (case, threads), by_impl in rate.items():
        (g, gns), (m, mns), (sp, sns), (a, ans), (p, pns) = (
            by_impl.get(i, (None, None))
            for i in (BRK, BRK_MUTEX, BRK_SPIN, BRK_ATOMIC, BRK_PCPU))
        rm = g / m if g and m else None
        rp = g / p if g and p else None
        ra = g / a if g and a else None
        verdict = []
        if case == BRK_CASE and threads == BRK_MUTEX_THREADS and rm:
            ok = rm >= BRK_VS_MUTEX
            verdict.append(">= %.0fx mutex: %s" % (BRK_VS_MUTEX, "met" if ok else "MISSED"))
            missed += not ok
        if case == BRK_CASE and rp:
            ok = rp >= BRK_VS_PCPU
            verdict.append(">= %.2fx percpu: %s" % (BRK_VS_PCPU, "met" if ok else "MISSED"))
            missed += not ok

        def ns(x):
            return "%.1f" % x if x is not None else "-"

        print(fmt % (case, threads, ns(gns), ns(mns), ns(sns), ns(ans), ns(pns),
                     "%.2fx" % rm if rm else "-", "%.2fx" % rp if rp else "-",
                     "%.2fx" % ra if ra else "-", "; ".join(verdict) or "-"))
    return missed


def barrier_table(rate):
    """gosync_barrier and the phaser against pthread_barrier; targets missed."""
    fmt = "%-6s %7s %9s %9s %9s %9s %9s %8s %8s %8s %8s  %s"
    print(fmt % ("case", "threads", "gb ns/rnd", "pthread", "compl",
                 "ph_flat", "ph_tier", "gb/pthr", "gb/compl", "flat/pth",
                 "tier/pth", "target (gb >= 1.0x pthread_barrier)"))
    missed = 0
    for (case, threads), by_impl in rate.items():
        (g, gns), (p, pns), (c, cns), (f, fns), (t, tns) = (
            by_impl.get(i, (None, None))
            for i in (BAR, BAR_PTHREAD, BAR_COMPL, BAR_FLAT, BAR_TIERED))

        def ratio(a, b):
            return "%.2fx" % (a / b) if a and b else "-"

        def ns(x):
            return "%.0f" % x if x is not None else "-"

        verdict = "-"
        if g and p:
            ok = g / p >= BAR_VS_PTHREAD
            verdict = ">= %.1fx: %s" % (BAR_VS_PTHREAD, "met" if ok else "MISSED")
            missed += not ok
        print(fmt % (case, threads, ns(gns), ns(pns), ns(cns), ns(fns), ns(tns),
                     ratio(g, p), ratio(g, c), ratio(f, p), ratio(t, p), verdict))
    return missed


def once_table(rate):
    """gosync_once's done path against its peers; no target: 0 missed."""
    impls = ("gosync_once", "pthread_once", "mutex_flag", "plain_load")
    fmt = "%-6s %7s %9s %9s %9s %9s %9s %9s %9s"
    print(fmt % ("case", "threads", "gonce ns", "pthr ns", "mutex ns",
                 "load ns", "vs pthr", "vs mutex", "vs load"))
    for (case, threads), by_impl in rate.items():
        (g, gns), (p, pns), (m, mns), (l, lns) = (
            by_impl.get(i, (None, None)) for i in impls)

        def ratio(a, b):
            return "%.2fx" % (a / b) if a and b else "-"

        def ns(x):
            return "%.2f" % x if x is not None else "-"

        print(fmt % (case, threads, ns(gns), ns(pns), ns(mns), ns(lns),
                     ratio(g, p), ratio(g, m), ratio(g, l)))
    return 0


def peers_table(rate, main):
    """@main against whichever peers the rows have; no target: 0."""
    peers = []
    for by_impl in rate.values():
        peers += [i for i in by_impl if i != main and i not in peers]
    fmt = "%-10s %7s" + " %16s" * (1 + 2 * len(peers))
    print(fmt % (("case", "threads", "%s ns" % main)
                 + tuple("%s ns" % p for p in peers)
                 + tuple("vs %s" % p for p in peers)))
    for (case, threads), by_impl in rate.items():
        g, gns = by_impl.get(main, (None, None))
        cols = [by_impl.get(p, (None, None)) for p in peers]
        print(fmt % ((case, threads, "%.2f" % gns if gns else "-")
                     + tuple("%.2f" % ns if ns else "-" for _, ns in cols)
                     + tuple(("%.2fx" if g / r >= 0.01 else "%.2gx")
                             % (g / r) if g and r else "-"
                             for r, _ in cols)))
    return 0


def sem_table(rate):
    """gosync_sem against its peers; no target: 0."""
    return peers_table(rate, "gosync_sem")


def wpool_table(rate):
    """gosync_wpool against its peers; no target: 0."""
    return peers_table(rate, "gosync_wpool")


def chan_table(rate):
    """gosync_chan against its peers; no target: 0."""
    return peers_table(rate, "gosync_chan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--env", default="native")
    args = ap.parse_args()

    # primitive -> (case, threads) -> impl -> (ops/s, ns/op)
    rate = collections.OrderedDict()
    with open(args.csv) as f:
        for r in csv.DictReader(f):
            if r["env"] != args.env or r["primitive"] not in PRIMITIVES:
                continue
            key = (r["case"], int(r["threads"]))
            ops = float(r["ops_per_sec"])
            # ns_per_op from the rate: the CSV's is rounded to whole ns.
            ns = key[1] * 1e9 / ops if ops > 0 else None
            rate.setdefault(r["primitive"], collections.OrderedDict()).setdefault(
                key, {})[r["impl"]] = (ops, ns)
    if not rate:
        sys.exit("ratios.py: no env=%s row of %s in %s"
                 % (args.env, ", ".join(PRIMITIVES), args.csv))

    missed, first = 0, True
    for prim, table in (("map", map_table), ("pool", pool_table),
                        ("breaker", breaker_table), ("barrier", barrier_table),
                        ("once", once_table), ("sem", sem_table),
                        ("wpool", wpool_table), ("chan", chan_table)):
        if prim not in rate:
            continue
        if not first:
            print()
        first = False
        missed += table(rate[prim])
    print("targets missed: %d" % missed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
