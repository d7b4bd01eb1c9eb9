#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every stage, in order, even after a failure; then one summary.
#   lint		tools/lint.sh (checkpatch, kernel-doc, W=1, sparse, selftests)
#   native		the library code built in userspace (tools/native): KUnit
#			suites under TSan and ASan+UBSan, the fuzzers for a
#			bounded time, a native benchmark smoke run
#   stock		Debian's kernel: module, kselftest and a short bench smoke
#   kernel-debug	build (or reuse) the KASAN + lockdep debug kernel
#   debug		module, kselftest and KUnit suites on it
#   kernel-kcsan	build (or reuse) the KCSAN kernel
#   kcsan		module, kselftest and KUnit suites on it
#   harness		the runner's unit tests, then planted faults must each fail
#			a run for the expected reason (check-harness)
# `tools/check.sh harness` runs only the harness stage.
# Results: build/results/*.txt; wall times: build/results/timing.txt.
# The last line is "N passed, N failed, N skipped".
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
RES=build/results
mkdir -p "$RES"
if [ "${1:-all}" = harness ]; then
	rm -f "$RES"/*harness*.txt
	stages=(harness)
else
	rm -rf "$RES" && mkdir -p "$RES"
	stages=(lint native stock kernel-debug debug kernel-kcsan kcsan harness)
fi
: > "$RES/timing.txt"
t_all=$SECONDS

run_vm() { python3 tools/vm/run.py "$@"; }

stage_lint() { tools/lint.sh; }

stage_native() {
	make -k -C tools/native test fuzz bench-smoke NATIVE_RESULTS="$REPO/$RES/native.txt"
}

stage_stock() {
	local csv=build/bench/smoke/results.csv ok=0
	rm -rf build/bench/smoke && mkdir -p build/bench/smoke
	run_vm --kernel stock --suites "modules kselftest kunit bench" \
		--bench-threads "1 4" --bench-ms 100 --bench-csv "$csv" || ok=1
	# The bench path end to end: CSV rows and a plot per case.
	if python3 tools/bench/report.py "$csv" --out build/bench/smoke > build/bench/smoke/report.txt &&
		[ "$(tail -n +2 "$csv" | wc -l)" -ge 4 ] && ls build/bench/smoke/*.png > /dev/null 2>&1; then
		echo "PASS stock/bench-smoke $(tail -n +2 "$csv" | wc -l) rows, $(ls build/bench/smoke/*.png | wc -l) plots" >> "$RES/bench.txt"
	else
		echo "FAIL stock/bench-smoke no complete CSV or plots in build/bench/smoke" >> "$RES/bench.txt"
		ok=1
	fi
	return $ok
}

stage_kernel() { # variant
	if tools/kernel/build.sh "$1" > /dev/null; then
		echo "PASS kernel/$1 built or cached" >> "$RES/kernels.txt"
	else
		echo "FAIL kernel/$1 build failed (build/logs/kernel-$1.log)" >> "$RES/kernels.txt"
		return 1
	fi
}
stage_kernel-debug() { stage_kernel debug; }
stage_kernel-kcsan() { stage_kernel kcsan; }

stage_debug() { run_vm --kernel debug --suites "modules kselftest kunit"; }
stage_kcsan() { run_vm --kernel kcsan --suites "modules kselftest kunit"; }

# fault kernel class: each planted fault must make its run fail for its reason.
HARNESS=(
	"warn stock WARNING"
	"lockdep debug lockdep"
	"kasan debug KASAN"
	"leak debug kmemleak"
	"kcsan kcsan KCSAN"
)
stage_harness() {
	local ok=0 f k c
	if python3 tools/vm/run_test.py > build/results/run_test.log 2>&1; then
		echo "PASS harness/runner-unit-tests $(grep -o 'Ran [0-9]* tests' build/results/run_test.log)" \
			> "$RES/harness-runner.txt"
	else
		cat build/results/run_test.log
		echo "FAIL harness/runner-unit-tests see build/results/run_test.log" > "$RES/harness-runner.txt"
		ok=1
	fi
	for h in "${HARNESS[@]}"; do
		read -r f k c <<< "$h"
		run_vm --kernel "$k" --suites fault --fault "$f" --expect-failure "$c" \
			--tag "harness-$f" --timeout 300 || ok=1
	done
	return $ok
}

for s in "${stages[@]}"; do
	echo
	echo "=== stage $s ==="
	t0=$SECONDS
	if "stage_$s"; then st=ok; else st=FAILED; fi
	dt=$((SECONDS - t0))
	# A stage that fails before it writes a FAIL line (a build error, a
	# crashed script) must still fail the run.
	rm -f "$RES/stage-$s.txt"
	[ $st = ok ] || echo "FAIL stage/$s exited non-zero (see its log above)" > "$RES/stage-$s.txt"
	printf 'stage %-14s %-6s %4d s\n' "$s" "$st" "$dt" | tee -a "$RES/timing.txt"
done
printf 'total %-14s %-6s %4d s\n' "" "" "$((SECONDS - t_all))" >> "$RES/timing.txt"

echo
echo "=== summary ==="
cat "$RES/timing.txt"
exec tools/summary.sh "$RES"
