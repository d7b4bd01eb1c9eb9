#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the PASS/FAIL/SKIP lines of build/results/*.txt (or of the files in
# $1), list what failed or skipped, end with "N passed, N failed, N skipped"
# and exit non-zero if anything failed or nothing ran.
set -uo pipefail
dir=${1:-build/results}
files=$(ls "$dir"/*.txt 2>/dev/null | grep -v '/timing.txt$')
[ -n "$files" ] || { echo "no results in $dir"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2086
all=$(cat $files)
pass=$(grep -c '^PASS ' <<< "$all")
fail=$(grep -c '^FAIL ' <<< "$all")
skip=$(grep -c '^SKIP ' <<< "$all")
grep -E '^(FAIL|SKIP) ' <<< "$all" | sed 's/^/  /'
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
