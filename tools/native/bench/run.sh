#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/native/bench/run.sh OUTDIR BIN... (what `make -C tools/native
# bench` runs): run the native benchmarks (map_bench, pool_bench, ...; and
# go_chan_bench, Go's channels, skipped with a note if it was not built
# for want of a Go toolchain), write
# OUTDIR/results.csv in the in-VM format with env "native", then print
# tools/bench/report.py's table (one PNG per case in OUTDIR) and ratios.py's
# tables: the map against cds_lfht and rwlock, the pool against malloc and
# a mutex free list, with the issues' targets.
#
# NATIVE_BENCH_MS (300), NATIVE_BENCH_THREADS ("1 2"), NATIVE_BENCH_REPS
# (3; each row is the median-rate run of that many) are read by the driver;
# NATIVE_BENCH_FILTER selects cases (comma-separated, e.g. "load_1k,pair");
# a binary none of whose cases it names runs nothing.
# Native figures are real-CPU figures, but this machine has 2 cores shared
# with whatever else runs: the load average is printed as a warning sign.
set -euo pipefail

OUT=${1:?usage: run.sh OUTDIR BIN...}
shift
[ $# -gt 0 ] || { echo "usage: run.sh OUTDIR BIN..." >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

mkdir -p "$OUT"
rm -f "$OUT/results.csv" "$OUT"/map-*.png "$OUT"/pool-*.png "$OUT"/breaker-*.png \
	"$OUT"/barrier-*.png "$OUT"/once-*.png "$OUT"/sem-*.png "$OUT"/chan-*.png

read -r load _ < /proc/loadavg
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "run.sh: warning: load average $load before the run: other work" \
	     "competes for the CPUs and the figures will be noisy" >&2
fi

args=(--csv "$OUT/results.csv")
if [ -n "${NATIVE_BENCH_FILTER:-}" ]; then
	args+=(--case "$NATIVE_BENCH_FILTER")
fi
for bin in "$@"; do
	if [ "$(basename "$bin")" = go_chan_bench ] && [ ! -x "$bin" ]; then
		echo "run.sh: skipping Go's channels (go_chan rows): no Go" \
		     "toolchain to build $bin (apt-get install golang-go)" >&2
		continue
	fi
	"$bin" "${args[@]}"
done

echo
plots=(--out "$OUT")
command -v gnuplot >/dev/null || plots=(--no-plots)
python3 "$REPO/tools/bench/report.py" "$OUT/results.csv" "${plots[@]}"
echo
python3 "$HERE/ratios.py" "$OUT/results.csv"
echo "csv: $OUT/results.csv"
