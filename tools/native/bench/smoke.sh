#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/native/bench/smoke.sh OUTDIR BIN... (what `make -C tools/native
# bench-smoke` runs, as part of make check): the native bench path end to
# end in a few seconds, with no claim about the figures. For each
# benchmark binary (map_bench, pool_bench; <name> below is its primitive):
#
#	PASS native/bench-smoke-<name>	every case x impl x thread count ran
#				for 20 ms and left a CSV row (in-VM format)
#	PASS native/bench-count-<name>	count mode (--ops) runs every case x
#				impl
#	PASS native/callgrind-deterministic-<name>	two callgrind runs of
#				one case give the same instruction count
#				(SKIP without valgrind)
#
# go_chan_bench (Go's channels, go/chan_bench.go) has no count mode:
#
#	PASS native/bench-smoke-go_chan	every case x thread count ran for
#				20 ms and left a go_chan row of primitive chan
#				(SKIP if it was not built: no Go toolchain)
#
# and once, over all the rows:
#
#	PASS native/bench-report	tools/bench/report.py and ratios.py read them
#
# Lines go to stdout and, if NATIVE_RESULTS is set, are appended to it.
# Logs and the CSV: OUTDIR/smoke/.
set -uo pipefail

OUT=${1:?usage: smoke.sh OUTDIR BIN...}/smoke
shift
[ $# -gt 0 ] || { echo "usage: smoke.sh OUTDIR BIN..." >&2; exit 2; }
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
nthreads=$(wc -w <<< "$threads")

# The callgrind check's case and implementation, per primitive.
declare -A cg_case=([map]="churn_1k gosync_map" [pool]="pair gosync_pool"
	[barrier]="round gosync_barrier")

# Go's channels: rows of primitive chan, impl go_chan; no count mode.
smoke_go() {
	local bin=$1 npairs rows want
	if [ ! -x "$bin" ]; then
		emit "SKIP native/bench-smoke-go_chan no Go toolchain to build $bin (apt-get install golang-go)"
		return
	fi
	npairs=$("$bin" --list | wc -l)
	if NATIVE_BENCH_MS=20 NATIVE_BENCH_REPS=1 NATIVE_BENCH_THREADS="$threads" \
		"$bin" --csv "$csv" > "$OUT/bench-go_chan.log" 2>&1; then
		rows=$(grep -c '^native,chan,[^,]*,go_chan,' "$csv")
		want=$((npairs * nthreads))
		if [ "$rows" -ne "$want" ]; then
			fail "native/bench-smoke-go_chan $rows rows, want $want (see $csv)"
		else
			emit "PASS native/bench-smoke-go_chan $rows rows: $npairs cases, threads $threads"
		fi
	else
		fail "native/bench-smoke-go_chan $bin failed (see $OUT/bench-go_chan.log)"
	fi
}

for bin in "$@"; do
	name=$(basename "$bin")
	if [ "$name" = go_chan_bench ]; then
		smoke_go "$bin"
		continue
	fi
	prim=${name%_bench}
	npairs=$("$bin" --list | wc -l)
	if NATIVE_BENCH_MS=20 NATIVE_BENCH_REPS=1 NATIVE_BENCH_THREADS="$threads" \
		"$bin" --csv "$csv" > "$OUT/bench-$prim.log" 2>&1; then
		rows=$(tail -n +2 "$csv" | grep -c "^native,$prim,")
		want=$((npairs * nthreads))
		if [ "$(head -1 "$csv")" != "env,primitive,case,impl,threads,ops_per_sec,ns_per_op" ]; then
			fail "native/bench-smoke-$prim bad CSV header in $csv"
		elif [ "$rows" -ne "$want" ]; then
			fail "native/bench-smoke-$prim $rows rows, want $want (see $csv)"
		elif awk -F, -v p="$prim" 'NR > 1 && $2 == p && $6 <= 0 { bad = 1 } END { exit !bad }' "$csv"; then
			fail "native/bench-smoke-$prim a row with no ops (see $csv)"
		else
			emit "PASS native/bench-smoke-$prim $rows rows: $npairs case/impl pairs, threads $threads"
		fi
	else
		fail "native/bench-smoke-$prim $name failed (see $OUT/bench-$prim.log)"
	fi

	bad=
	while read -r c i; do
		if ! "$bin" --ops 2000 --case "$c" --impl "$i" >> "$OUT/count-$prim.log" 2>&1; then
			bad="$bad $c/$i"
		fi
	done < <("$bin" --list)
	if [ -z "$bad" ]; then
		emit "PASS native/bench-count-$prim --ops runs every case and impl"
	else
		fail "native/bench-count-$prim failed:$bad (see $OUT/count-$prim.log)"
	fi

	if ! command -v valgrind > /dev/null; then
		emit "SKIP native/callgrind-deterministic-$prim no valgrind"
		continue
	fi
	read -r c i <<< "${cg_case[$prim]:-$("$bin" --list | head -1)}"
	irs=()
	for k in 1 2; do
		f=$OUT/cg-$prim.$k.out
		valgrind --tool=callgrind --toggle-collect=nb_measure --callgrind-out-file="$f" \
			"$bin" --ops 2000 --case "$c" --impl "$i" > "$OUT/cg-$prim.$k.log" 2>&1
		irs+=("$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" 2>/dev/null)")
	done
	if [ -n "${irs[0]}" ] && [ "${irs[0]}" != 0 ] && [ "${irs[0]}" = "${irs[1]}" ]; then
		emit "PASS native/callgrind-deterministic-$prim $c $i: ${irs[0]} Ir twice"
	else
		fail "native/callgrind-deterministic-$prim $c $i: '${irs[0]}' then '${irs[1]}' Ir (see $OUT/cg-$prim.*.log)"
	fi
done

if [ -s "$csv" ] &&
   python3 "$REPO/tools/bench/report.py" "$csv" --no-plots > "$OUT/report.log" 2>&1 &&
   python3 "$HERE/ratios.py" "$csv" >> "$OUT/report.log" 2>&1; then
	emit "PASS native/bench-report report.py and ratios.py"
else
	fail "native/bench-report (see $OUT/report.log)"
fi
exit $status
