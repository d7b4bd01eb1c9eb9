#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/native/bench/callgrind.sh OUTDIR BIN... (what `make -C
# tools/native callgrind` runs): instructions per operation of every bench
# case and implementation of each benchmark binary (map_bench, pool_bench),
# counted by callgrind: deterministic, so a change of a few instructions
# shows even on a noisy machine.
#
# For each "case impl" of `BIN --list`, runs `BIN --ops N` and `--ops 2N`
# single-threaded under valgrind --tool=callgrind, counting only the
# instructions executed inside nb_measure() (the op loop, with everything
# it calls, on the measuring thread), and prints
#
#	primitive case impl instr_per_op
#
# where instr_per_op = (Ir(2N) - Ir(N)) / N: the setup (preload), the
# first call and the loop's entry cancel out. What is not counted: work
# deferred to other threads, i.e. RCU callbacks (the frees after call_rcu()
# and kfree_rcu()) on liburcu's call_rcu thread, which the driver parks
# while it measures (see map_bench.c). Every op's own malloc() is counted.
# A pool op is one get+put pair (pair, batch16) or one get or put (xcpu,
# whose count mode is its one-thread form; see pool_bench.c).
#
# CALLGRIND_OPS (N, default 20000); NATIVE_BENCH_FILTER selects cases
# (comma-separated); CALLGRIND_JOBS parallel valgrinds (default: CPUs).
# The table also goes to OUTDIR/callgrind.txt; the callgrind output files
# stay in OUTDIR/callgrind/ for callgrind_annotate.
set -euo pipefail

OUT=${1:?usage: callgrind.sh OUTDIR BIN...}
shift
[ $# -gt 0 ] || { echo "usage: callgrind.sh OUTDIR BIN..." >&2; exit 1; }
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

# "binary case impl" triples.
pairs=()
for bin in "$@"; do
	while read -r c i; do
		selected "$c" && pairs+=("$bin $c $i")
	done < <("$bin" --list)
done
[ ${#pairs[@]} -gt 0 ] || { echo "callgrind.sh: no case matches '$FILTER'" >&2; exit 1; }

prim() { local n; n=$(basename "$1"); echo "${n%_bench}"; }

# One valgrind run: binary case impl ops.
run_one() {
	local bin=$1 c=$2 i=$3 n=$4 p f

	p=$(basename "$bin")
	f="$CG/${p%_bench}.$c.$i.$n"
	if ! valgrind --tool=callgrind --toggle-collect=nb_measure \
		--callgrind-out-file="$f.out" \
		"$bin" --ops "$n" --case "$c" --impl "$i" >"$f.log" 2>&1; then
		echo "callgrind.sh: $c $i --ops $n failed; see $f.log" >&2
		return 1
	fi
}
export -f run_one
export CG

echo "callgrind: ${#pairs[@]} case/impl pairs, N=$N and 2N ops each, $JOBS at a time" >&2
for p in "${pairs[@]}"; do
	echo "$p $N"
	echo "$p $((2 * N))"
done | xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _

ir() {
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$CG/$1.$2.$3.$4.out"
}

{
	printf '%-9s %-12s %-12s %12s\n' primitive case impl instr_per_op
	for p in "${pairs[@]}"; do
		read -r bin c i <<< "$p"
		pr=$(prim "$bin")
		a=$(ir "$pr" "$c" "$i" "$N")
		b=$(ir "$pr" "$c" "$i" $((2 * N)))
		if [ -z "$a" ] || [ -z "$b" ]; then
			echo "callgrind.sh: no totals for $pr $c $i" >&2
			exit 1
		fi
		awk -v p="$pr" -v c="$c" -v i="$i" -v a="$a" -v b="$b" -v n="$N" \
			'BEGIN { printf "%-9s %-12s %-12s %12.1f\n", p, c, i, (b - a) / n }'
	done
} | tee "$OUT/callgrind.txt"
