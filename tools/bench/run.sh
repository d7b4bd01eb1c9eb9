#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [BENCH_KERNEL=<a kernel of tools/kernel/build.sh --list>]: run every registered bench
# case at BENCH_THREADS threads for BENCH_MS ms each inside the VM, write
# build/bench/results.csv (env,primitive,case,impl,threads,ops_per_sec,
# ns_per_op), one PNG per case, and print a table with ratios against each
# case's named peer. QEMU here is TCG: compare figures only as ratios
# within one run.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
KERNEL=${1:-stock}
OUT=${BENCH_OUT:-build/bench}
mkdir -p "$OUT"
rm -f "$OUT/results.csv" "$OUT"/*.png

python3 tools/vm/run.py --kernel "$KERNEL" --suites bench --tag bench \
	--bench-threads "${BENCH_THREADS:-1 2 4}" --bench-ms "${BENCH_MS:-1000}" \
	--bench-filter "${BENCH_FILTER:-}" --bench-csv "$OUT/results.csv"
echo
python3 tools/bench/report.py "$OUT/results.csv" --out "$OUT"
echo "csv: $OUT/results.csv"
