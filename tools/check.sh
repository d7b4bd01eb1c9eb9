#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every stage, in order, even after a failure; then one summary.
#   lint		tools/lint.sh (checkpatch, kernel-doc, W=1, sparse, selftests)
#   native		the library code built in userspace (tools/native): KUnit
#			suites under TSan and ASan+UBSan, the fuzzers for a
#			bounded time, a native benchmark smoke run
#   dkms		dkms builds and installs gosync.ko (tools/dkms.sh) for
#			the headers of each Debian kernel of the matrix
#   then, for each kernel of the matrix (tools/kernel/*.kernel, in ORDER):
#   kernel-NAME		build (or reuse from the machine-wide cache) a kernel
#			that is built, then dkms builds gosync.ko against it;
#			Debian's kernels need no stage
#   vm-NAME		its CHECK_SUITES under QEMU (tools/vm/run.py); on
#			stock with the gosync.ko dkms built, and a short
#			bench smoke
#   harness		the runner's unit tests, then planted faults must each fail
#			a run for the expected reason (check-harness)
# `tools/check.sh harness` runs only the harness stage.
# Results: build/results/*.txt; wall times: build/results/timing.txt.
# The last line is "N passed, N failed, N skipped".
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
RES=build/results
mkdir -p "$RES"
if [ "${1:-all}" = harness ]; then
	rm -f "$RES"/*harness*.txt
	stages=(harness)
else
	rm -rf "$RES" && mkdir -p "$RES"
	stages=(lint native dkms)
	for k in $(tools/kernel/build.sh --list); do
		[ "$(tools/kernel/build.sh --get "$k" KIND)" = build ] && stages+=("kernel-$k")
		stages+=("vm-$k")
	done
	stages+=(harness)
fi
: > "$RES/timing.txt"
t_all=$SECONDS
built_kernels=0
# The time budget on a 2-core machine: 35 minutes with every kernel
# cached, 75 when kernels had to be built.
BUDGET_CACHED=$((35 * 60)) BUDGET_BUILT=$((75 * 60))

run_vm() { python3 tools/vm/run.py "$@"; }

stage_lint() { tools/lint.sh; }

stage_native() {
	make -k -C tools/native test fuzz bench-smoke NATIVE_RESULTS="$REPO/$RES/native.txt"
}

# A kernel's CHECK_SUITES on it; on stock, the bench path end to end too.
stage_vm() { # name
	local suites sel
	suites=$(tools/kernel/build.sh --get "$1" CHECK_SUITES)
	sel=$(tools/kernel/build.sh --get "$1" KSELFTESTS)
	if [ "$1" = stock ]; then
		stage_stock "$suites"
	else
		run_vm --kernel "$1" --suites "$suites" ${sel:+--kselftests "$sel"}
	fi
}

stage_stock() { # suites
	local csv=build/bench/smoke/results.csv ok=0 ko
	rm -rf build/bench/smoke && mkdir -p build/bench/smoke
	# The gosync.ko that dkms built for this kernel (stage dkms).
	ko=build/dkms/$(sed -n 's/^KVER=//p' build/kernels/stock.env)/gosync.ko
	if [ ! -f "$ko" ]; then
		echo "FAIL stock/dkms-module no $ko (stage dkms)" >> "$RES/dkms.txt"
		return 1
	fi
	run_vm --kernel stock --suites "$1 bench" --gosync-ko "$ko" \
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

# dkms build and install of gosync.ko for kernel build trees; results to
# dkms.txt, the modules to build/dkms/<kver>/.
run_dkms() { # kdir...
	GOSYNC_DKMS_OUT=build/dkms tools/dkms.sh "$@" | tee -a "$RES/dkms.txt"
	return "${PIPESTATUS[0]}"
}

kdir_of() { # name: its KDIR, from the .env build.sh wrote
	sed -n 's/^KDIR=//p' "build/kernels/$1.env"
}

stage_dkms() {
	local k kdirs=()
	rm -rf build/dkms
	for k in $(tools/kernel/build.sh --list); do
		[ "$(tools/kernel/build.sh --get "$k" KIND)" = debian ] || continue
		tools/kernel/build.sh "$k" > /dev/null || return 1
		kdirs+=("$(kdir_of "$k")")
	done
	run_dkms "${kdirs[@]}"
}

stage_kernel() { # name
	local log=build/logs/check-kernel-$1.log
	mkdir -p build/logs
	if tools/kernel/build.sh "$1" > /dev/null 2> "$log"; then
		if grep -q '] cached: ' "$log"; then
			echo "PASS kernel/$1 cached" >> "$RES/kernels.txt"
		else
			echo "PASS kernel/$1 built" >> "$RES/kernels.txt"
			built_kernels=$((built_kernels + 1))
		fi
	else
		cat "$log"
		echo "FAIL kernel/$1 build failed (build/logs/kernel-$1.log)" >> "$RES/kernels.txt"
		return 1
	fi
	run_dkms "$(kdir_of "$1")"
}

# fault kernel class: each planted fault must make its run fail for its reason.
HARNESS=(
	"warn stock WARNING"
	"lockdep debug lockdep"
	"kasan debug KASAN"
	"leak debug kmemleak"
	"kcsan kcsan KCSAN"
	"rtsleep rtdebug BUG"
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

run_stage() {
	case $1 in
	kernel-*) stage_kernel "${1#kernel-}" ;;
	vm-*) stage_vm "${1#vm-}" ;;
	*) "stage_$1" ;;
	esac
}

for s in "${stages[@]}"; do
	echo
	echo "=== stage $s ==="
	t0=$SECONDS
	if run_stage "$s"; then st=ok; else st=FAILED; fi
	dt=$((SECONDS - t0))
	# A stage that fails before it writes a FAIL line (a build error, a
	# crashed script) must still fail the run.
	rm -f "$RES/stage-$s.txt"
	[ $st = ok ] || echo "FAIL stage/$s exited non-zero (see its log above)" > "$RES/stage-$s.txt"
	printf 'stage %-14s %-6s %4d s\n' "$s" "$st" "$dt" | tee -a "$RES/timing.txt"
done
total=$((SECONDS - t_all))
if [ "${stages[*]}" = harness ]; then
	budget=
elif [ $built_kernels -gt 0 ]; then
	budget=$BUDGET_BUILT why="$built_kernels kernel(s) built"
else
	budget=$BUDGET_CACHED why="kernels cached"
fi
printf 'total %-14s %-6s %4d s\n' "" "" "$total" >> "$RES/timing.txt"
if [ -n "$budget" ]; then
	if [ $total -le "$budget" ]; then verdict=within; else verdict=OVER; fi
	printf 'budget %-13s %-6s %4d s (%s; %d min %02d s used)\n' "" "$verdict" "$budget" \
		"$why" $((total / 60)) $((total % 60)) >> "$RES/timing.txt"
fi

echo
echo "=== summary ==="
cat "$RES/timing.txt"
exec tools/summary.sh "$RES"
