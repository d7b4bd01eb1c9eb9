#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BIN NAME SECONDS OUTDIR [libFuzzer flags...]: run one fuzz target
# for SECONDS on its corpus (fuzz/corpus/NAME, with fuzz/NAME.dict if
# present) and print one result line:
#	PASS fuzz/NAME runs= cov= ft= corpus= exec/s=
#	FAIL fuzz/NAME <first report line> (see OUTDIR/NAME.log)
# New inputs go to OUTDIR/work/NAME (the repo's corpus is only read);
# crashes to OUTDIR/NAME-crash-*, leaks to OUTDIR/NAME-leak-*. Exits 0 on
# PASS, 1 on FAIL. Run from tools/native. FUZZ_CORPUS=dir replaces the
# corpus (make fuzz-selftest).
set -uo pipefail
bin=$1 name=$2 secs=$3 out=$4
shift 4
log=$out/$name.log work=$out/work/$name
rm -rf "$work" "$out/$name"-* && mkdir -p "$work"
dict=()
[ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")

if "$bin" "$work" "${FUZZ_CORPUS:-fuzz/corpus/$name}" "${dict[@]}" -max_total_time="$secs" \
	-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$out/$name-" "$@" > "$log" 2>&1; then
	stats=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*exec\/s: \([0-9]*\).*/runs=\1 cov=\2 ft=\3 corpus=\4 exec\/s=\5/p' "$log")
	echo "PASS fuzz/$name ${stats:-(see $log)}"
	exit 0
fi
why=$(grep -m1 -E 'check failed|SUMMARY|ERROR|WARNING|BUG' "$log")
echo "FAIL fuzz/$name ${why:-exit status $?} (see $log)"
exit 1
