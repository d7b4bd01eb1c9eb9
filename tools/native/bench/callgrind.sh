#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/native/bench/callgrind.sh BIN OUTDIR (what `make -C tools/native
# callgrind` runs): instructions per operation of every bench case and
# implementation, counted by callgrind: deterministic, so a change of a
# few instructions shows even on a noisy machine.
#
# For each "case impl" of `BIN --list`, runs `BIN --ops N` and `--ops 2N`
# single-threaded under valgrind --tool=callgrind, counting only the
# instructions executed inside nb_measure() (the op loop, with everything
# it calls, on the measuring thread), and prints
#
#	case impl instr_per_op
#
# where instr_per_op = (Ir(2N) - Ir(N)) / N: the setup (preload), the
# first call and the loop's entry cancel out. What is not counted: work
# deferred to other threads, i.e. RCU callbacks (the frees after call_rcu()
# and kfree_rcu()) on liburcu's call_rcu thread, which the driver parks
# while it measures (see map_bench.c). Every op's own malloc() is counted.
#
# CALLGRIND_OPS (N, default 20000); NATIVE_BENCH_FILTER selects cases
# (comma-separated); CALLGRIND_JOBS parallel valgrinds (default: CPUs).
# The table also goes to OUTDIR/callgrind.txt; the callgrind output files
# stay in OUTDIR/callgrind/ for callgrind_annotate.
set -euo pipefail

BIN=${1:?usage: callgrind.sh BIN OUTDIR}
OUT=${2:?usage: callgrind.sh BIN OUTDIR}
N=${CALLGRIND_OPS:-20000}
JOBS=${CALLGRIND_JOBS:-$(nproc)}
FILTER=${NATIVE_BENCH_FILTER:-}
CG="$OUT/callgrind"

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not installed" >&2; exit 1; }
case "$N" in ''|*[!0-9]*|0) echo "callgrind.sh: CALLGRIND_OPS must be a positive integer" >&2; exit 1;; esac
mkdir -p "$CG"
rm -f "$CG"/*.out "$CG"/*.log

selected() {
	[ -z "$FILTER" ] && return 0
	case ",$FILTER," in *",$1,"*) return 0;; esac
	return 1
}

pairs=()
while read -r c i; do
	selected "$c" && pairs+=("$c $i")
done < <("$BIN" --list)
[ ${#pairs[@]} -gt 0 ] || { echo "callgrind.sh: no case matches '$FILTER'" >&2; exit 1; }

# One valgrind run: case impl ops.
run_one() {
	local c=$1 i=$2 n=$3 f="$CG/$1.$2.$3"

	if ! valgrind --tool=callgrind --toggle-collect=nb_measure \
		--callgrind-out-file="$f.out" \
		"$BIN" --ops "$n" --case "$c" --impl "$i" >"$f.log" 2>&1; then
		echo "callgrind.sh: $c $i --ops $n failed; see $f.log" >&2
		return 1
	fi
}
export -f run_one
export BIN CG

echo "callgrind: ${#pairs[@]} case/impl pairs, N=$N and 2N ops each, $JOBS at a time" >&2
for p in "${pairs[@]}"; do
	echo "$p $N"
	echo "$p $((2 * N))"
done | xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _

ir() {
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$CG/$1.$2.$3.out"
}

{
	printf '%-12s %-12s %12s\n' case impl instr_per_op
	for p in "${pairs[@]}"; do
		read -r c i <<< "$p"
		a=$(ir "$c" "$i" "$N")
		b=$(ir "$c" "$i" $((2 * N)))
		if [ -z "$a" ] || [ -z "$b" ]; then
			echo "callgrind.sh: no totals for $c $i" >&2
			exit 1
		fi
		awk -v c="$c" -v i="$i" -v a="$a" -v b="$b" -v n="$N" \
			'BEGIN { printf "%-12s %-12s %12.1f\n", c, i, (b - a) / n }'
	done
} | tee "$OUT/callgrind.txt"
