#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/native/bench/smoke.sh BIN OUTDIR (what `make -C tools/native
# bench-smoke` runs, as part of make check): the native bench path end to
# end in a few seconds, with no claim about the figures.
#
#	PASS native/bench-smoke	every case x impl x thread count ran for
#				20 ms and left a CSV row (in-VM format)
#	PASS native/bench-report	tools/bench/report.py and ratios.py read it
#	PASS native/bench-count	count mode (--ops) runs every case x impl
#	PASS native/callgrind-deterministic	two callgrind runs of one
#				case give the same instruction count
#				(SKIP without valgrind)
#
# Lines go to stdout and, if NATIVE_RESULTS is set, are appended to it.
# Logs and the CSV: OUTDIR/smoke/.
set -uo pipefail

BIN=${1:?usage: smoke.sh BIN OUTDIR}
OUT=${2:?usage: smoke.sh BIN OUTDIR}/smoke
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
res=${NATIVE_RESULTS:-/dev/null}
status=0

emit() { echo "$1"; echo "$1" >> "$res"; }
fail() { emit "FAIL $1"; status=1; }

rm -rf "$OUT"
mkdir -p "$OUT"
csv=$OUT/results.csv

# Threads: 1, and 2 if there are 2 CPUs.
threads="1"
[ "$(nproc)" -ge 2 ] && threads="1 2"
npairs=$("$BIN" --list | wc -l)
nthreads=$(wc -w <<< "$threads")
if NATIVE_BENCH_MS=20 NATIVE_BENCH_REPS=1 NATIVE_BENCH_THREADS="$threads" \
	"$BIN" --csv "$csv" > "$OUT/bench.log" 2>&1; then
	rows=$(tail -n +2 "$csv" | grep -c '^native,map,')
	want=$((npairs * nthreads))
	if [ "$(head -1 "$csv")" != "env,primitive,case,impl,threads,ops_per_sec,ns_per_op" ]; then
		fail "native/bench-smoke bad CSV header in $csv"
	elif [ "$rows" -ne "$want" ]; then
		fail "native/bench-smoke $rows rows, want $want (see $csv)"
	elif awk -F, 'NR > 1 && $6 <= 0 { bad = 1 } END { exit !bad }' "$csv"; then
		fail "native/bench-smoke a row with no ops (see $csv)"
	else
		emit "PASS native/bench-smoke $rows rows: $npairs case/impl pairs, threads $threads"
	fi
else
	fail "native/bench-smoke map_bench failed (see $OUT/bench.log)"
fi

if [ -s "$csv" ] &&
   python3 "$REPO/tools/bench/report.py" "$csv" --no-plots > "$OUT/report.log" 2>&1 &&
   python3 "$HERE/ratios.py" "$csv" >> "$OUT/report.log" 2>&1; then
	emit "PASS native/bench-report report.py and ratios.py"
else
	fail "native/bench-report (see $OUT/report.log)"
fi

bad=
while read -r c i; do
	if ! "$BIN" --ops 2000 --case "$c" --impl "$i" >> "$OUT/count.log" 2>&1; then
		bad="$bad $c/$i"
	fi
done < <("$BIN" --list)
if [ -z "$bad" ]; then
	emit "PASS native/bench-count --ops runs every case and impl"
else
	fail "native/bench-count failed:$bad (see $OUT/count.log)"
fi

if command -v valgrind > /dev/null; then
	irs=()
	for k in 1 2; do
		f=$OUT/cg.$k.out
		valgrind --tool=callgrind --toggle-collect=nb_measure --callgrind-out-file="$f" \
			"$BIN" --ops 2000 --case churn_1k --impl gosync_map > "$OUT/cg.$k.log" 2>&1
		irs+=("$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" 2>/dev/null)")
	done
	if [ -n "${irs[0]}" ] && [ "${irs[0]}" = "${irs[1]}" ]; then
		emit "PASS native/callgrind-deterministic churn_1k gosync_map: ${irs[0]} Ir twice"
	else
		fail "native/callgrind-deterministic churn_1k gosync_map: '${irs[0]}' then '${irs[1]}' Ir (see $OUT/cg.*.log)"
	fi
else
	emit "SKIP native/callgrind-deterministic no valgrind"
fi
exit $status
