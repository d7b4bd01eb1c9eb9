#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the native KUnit binaries (build/native/<variant>/kunit) for each
# sanitizer variant, every case NATIVE_REPEAT times (default 3), and turn
# their KTAP into PASS/FAIL/SKIP lines:
#	PASS native/<variant>/<suite>.<case>
# A variant with a sanitizer report, a WARN splat or a non-zero exit gets a
# FAIL line of its own even if every case passed. Lines go to stdout and,
# if NATIVE_RESULTS is set, are appended to that file. Logs:
# build/native/<variant>/kunit.log.
#
# run-tests.sh --self-test BUILD_DIR: run each planted fault of
# kunit/planted.c in the variant that must catch it; each run must fail
# with its marker in the log (PASS native/harness/<fault>-<variant>).
set -uo pipefail
self_test=0
if [ "${1:-}" = --self-test ]; then
	self_test=1
	shift
fi
BUILD=${1:?usage: run-tests.sh [--self-test] BUILD_DIR [variant...]}
shift
variants=("${@:-tsan asan}")
# shellcheck disable=SC2206
variants=(${variants[*]})
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 abort_on_error=0 ${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"
out=${NATIVE_RESULTS:-/dev/null}
status=0

emit() { echo "$1"; echo "$1" >> "$out"; }

# fault variant marker
PLANTS=(
	"plant_race tsan WARNING: ThreadSanitizer: data race"
	"plant_use_after_free asan ERROR: AddressSanitizer: heap-use-after-free"
	"plant_leak asan ERROR: LeakSanitizer"
	"plant_warn tsan WARNING: at "
	"plant_warn asan WARNING: at "
	"plant_sleep_in_atomic asan BUG: sleeping function called from invalid context"
	"plant_failed_expectation asan not ok 6 plant_failed_expectation"
	"plant_gp_in_preempt_off tsan synchronize_rcu() waits for a preempt-disabled section"
	"plant_gp_in_preempt_off asan synchronize_rcu() waits for a preempt-disabled section"
	"plant_assert_then_gp tsan not ok 8 plant_assert_then_gp"
	"plant_assert_then_gp asan not ok 8 plant_assert_then_gp"
)
if [ $self_test = 1 ]; then
	for p in "${PLANTS[@]}"; do
		read -r fault v marker <<< "$p"
		log=$BUILD/$v/planted-$fault.log
		timeout 120 "$BUILD/$v/kunit-planted" "native_planted.$fault" > "$log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] && grep -qF "$marker" "$log"; then
			emit "PASS native/harness/$fault-$v failed as it must: $marker"
		else
			emit "FAIL native/harness/$fault-$v exit $rc, no '$marker' (see $log)"
			status=1
		fi
	done
	exit $status
fi

for v in "${variants[@]}"; do
	bin=$BUILD/$v/kunit log=$BUILD/$v/kunit.log
	t0=$SECONDS
	KUNIT_REPEAT=${NATIVE_REPEAT:-3} timeout 600 "$bin" > "$log" 2>&1
	rc=$?
	dt=$((SECONDS - t0))
	suite=
	while IFS= read -r line; do
		case $line in
		*"# Subtest: "*) suite=${line##*# Subtest: } ;;
		"    ok "*"# SKIP"*)
			name=${line#    ok * }; emit "SKIP native/$v/$suite.${name%% # SKIP*} #${line##*# SKIP}" ;;
		"    ok "*)
			name=${line#    ok * }; emit "PASS native/$v/$suite.${name%% #*}" ;;
		"    not ok "*)
			name=${line#    not ok * }; emit "FAIL native/$v/$suite.${name%% #*}"; status=1 ;;
		esac
	done < "$log"
	reports=$(grep -cE 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$log")
	splats=$(grep -c '^WARNING: at ' "$log")
	if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ] || [ "$splats" -ne 0 ]; then
		emit "FAIL native/$v/run exit $rc, $reports sanitizer reports, $splats WARN splats in ${dt} s (see $log)"
		grep -E -A12 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|^WARNING: at ' "$log" | head -60
		status=1
	else
		emit "PASS native/$v/run no sanitizer report, no splat, ${dt} s"
	fi
done
exit $status
