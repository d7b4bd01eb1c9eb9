#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the quality bar every change must clear.
#   checkpatch	checkpatch.pl --strict --no-tree on every C source and header
#   kernel-doc	kernel-doc -Werror over include/gosync/ and kmod/
#   exports	every EXPORT_SYMBOL_GOSYNC() symbol has its contract on its
#		prototype in include/gosync/: kerneldoc with Context: and,
#		unless it returns void, Return:; every
#		EXPORT_SYMBOL_GOSYNC_{INTERNAL,KUNIT,TEST}() one has kerneldoc somewhere
#   kunitconfig	every option of kmod/kunit/.kunitconfig is set by the debug
#		kernel's fragments
#   docs	tools/docs.sh (make docs) renders the man pages and the
#		reference page
#   readme	README.md is at most 15 KB, and its results table is what
#		tools/results_table.py prints for the committed docs/results/*.csv
#   build-w1	gosync.ko and the harness modules, then the consumer on its
#		own Kbuild against their Module.symvers, build with W=1
#		against the stock headers with zero warnings
#   library-only	gosync.ko links no parser, command, stress, bench or
#		inject symbol (nm)
#   sparse	the same build under sparse (C=2) prints nothing
#   build-newer	the same build with W=1 against the newest installed
#		linux-headers-6.12 (tools/deps.sh), for the version gates
#   selftests	the kselftest programs (selftests/gosync, lib.mk) build with
#		-Wall -Wextra -Werror
# Tools come from the linux-source-6.1 package (tools/linux-src.sh).
# Writes build/results/lint.txt; exits non-zero if any check failed.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
SRC=$(tools/linux-src.sh) || exit 1
KDIR=${KDIR:-$(make -s --no-print-directory -f Makefile print-kdir)}
OUT=build/results/lint.txt
LOGDIR=build/lint
mkdir -p build/results "$LOGDIR"
: > "$OUT"
failed=0

result() { # status name why
	echo "$1 lint/$2${3:+ $3}" >> "$OUT"
	printf '%-5s lint/%s%s\n' "$1" "$2" "${3:+  ($3)}"
	[ "$1" = PASS ] || failed=1
}

mapfile -t csrc < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '\.mod\.c$')
# The userspace shim (tools/native/{include,lib,kunit}) defines the kernel's
# own typedefs, barriers, attributes and macros: the rules about using
# those in kernel code do not apply to their definitions; every other rule
# does.
shim_re='^tools/native/(include|lib|kunit)/'
SHIM_IGNORE=MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE,COMPLEX_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO
SHIM_IGNORE+=,NEW_TYPEDEFS,MEMORY_BARRIER,BIT_MACRO,AVOID_EXTERNS,VOLATILE,USE_LOCKDEP
SHIM_IGNORE+=,EXPORT_SYMBOL,AVOID_BUG,CAMELCASE,DATA_RACE,IS_ENABLED_CONFIG
SHIM_IGNORE+=,LINUX_VERSION_CODE,IN_ATOMIC,YIELD,PRINTK_WITHOUT_KERN_LEVEL
mapfile -t ksrc < <(printf '%s\n' "${csrc[@]}" | grep -Ev "$shim_re")
mapfile -t shimsrc < <(printf '%s\n' "${csrc[@]}" | grep -E "$shim_re")
cp_ok=1
"$SRC/scripts/checkpatch.pl" --strict --no-tree --terse --show-types -f \
	"${ksrc[@]}" > "$LOGDIR/checkpatch.log" 2>&1 || cp_ok=0
if [ ${#shimsrc[@]} -gt 0 ]; then
	"$SRC/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore "$SHIM_IGNORE" -f "${shimsrc[@]}" >> "$LOGDIR/checkpatch.log" 2>&1 || cp_ok=0
fi
if [ $cp_ok = 1 ]; then
	result PASS checkpatch "${#csrc[@]} files"
else
	grep -E 'ERROR|WARNING|CHECK' "$LOGDIR/checkpatch.log" | head -20
	result FAIL checkpatch "see $LOGDIR/checkpatch.log"
fi

# kmod/ and its subfolders, however the sources are arranged there.
mapfile -t kmodsrc < <(printf '%s\n' "${csrc[@]}" | grep -E '^kmod/')
if "$SRC/scripts/kernel-doc" -none -Werror include/gosync/*.h "${kmodsrc[@]}" \
	> "$LOGDIR/kernel-doc.log" 2>&1 && ! grep -q warning "$LOGDIR/kernel-doc.log"; then
	result PASS kernel-doc
else
	head -20 "$LOGDIR/kernel-doc.log"
	result FAIL kernel-doc "see $LOGDIR/kernel-doc.log"
fi

# The contracts as kernel-doc renders them from include/gosync/: one line
# per documented function, "name context return void" (1 or 0 each).
"$SRC/scripts/kernel-doc" -rst -sphinx-version 3.0 include/gosync/*.h 2> /dev/null |
	awk 'function flush() { if (fn != "") print fn, ctx, ret, isvoid; fn = "" }
	     /^\.\. (c:|_)/ { flush() }
	     /^\.\. c:function:: / { line = $0; sub(/ \(.*/, "", line);
				   fn = line; sub(/.* /, "", fn); ctx = ret = 0;
				   isvoid = ($3 == "void" && $4 !~ /^\*/) }
	     /^\*\*Context\*\*$/ { ctx = 1 }
	     /^\*\*Return\*\*$/ { ret = 1 }
	     END { flush() }' > "$LOGDIR/contracts.txt"
missing=""
for sym in $(printf '%s\n' "${kmodsrc[@]}" | grep '\.c$' |
	     xargs sed -n 's/^EXPORT_SYMBOL_GOSYNC(\([a-z0-9_]*\));.*/\1/p' | sort -u); do
	read -r ctx ret isvoid < <(awk -v s="$sym" '$1 == s { print $2, $3, $4 }' "$LOGDIR/contracts.txt")
	if [ -z "${ctx:-}" ]; then
		missing="$missing $sym(no kerneldoc in include/gosync/)"
	elif [ "$ctx" = 0 ]; then
		missing="$missing $sym(no Context:)"
	elif [ "$ret" = 0 ] && [ "$isvoid" = 0 ]; then
		missing="$missing $sym(no Return:)"
	fi
	ctx=""
done
for sym in $(printf '%s\n' "${kmodsrc[@]}" | grep '\.c$' |
	     xargs sed -n 's/^EXPORT_SYMBOL_GOSYNC_[A-Z]*(\([a-z0-9_]*\));.*/\1/p' | sort -u); do
	grep -qE "^ \* $sym\(\) - " include/gosync/*.h "${kmodsrc[@]}" ||
		missing="$missing $sym(no kerneldoc)"
done
if [ -z "$missing" ]; then
	result PASS exports "$(wc -l < "$LOGDIR/contracts.txt") documented functions in include/gosync/"
else
	result FAIL exports "missing contracts:$missing"
fi

if tools/docs.sh > "$LOGDIR/docs.log" 2>&1; then
	result PASS docs "$(tail -1 "$LOGDIR/docs.log")"
else
	tail -20 "$LOGDIR/docs.log"
	result FAIL docs "see $LOGDIR/docs.log"
fi

# The README's results table is generated, never edited by hand; the
# README stays an overview (15 KB at most; the rest lives next to the code).
readme_bytes=$(wc -c < README.md)
if [ "$readme_bytes" -gt 15360 ]; then
	result FAIL readme "README.md is $readme_bytes bytes, more than 15360"
elif python3 tools/results_table.py --check README.md > "$LOGDIR/readme.log" 2>&1; then
	result PASS readme "$readme_bytes bytes; results table matches $(ls docs/results/*.csv | wc -l) committed CSV(s)"
else
	cat "$LOGDIR/readme.log"
	result FAIL readme "see $LOGDIR/readme.log"
fi

# What KUnit needs (kmod/kunit/.kunitconfig) is what the debug kernel has.
kcfg_missing=""
for opt in $(grep '^CONFIG_' kmod/kunit/.kunitconfig); do
	# Not cat | grep -q under pipefail: grep -q exits at the first match,
	# and cat's SIGPIPE would fail the pipeline.
	grep -qxF "$opt" tools/kernel/common.config tools/kernel/debug.config ||
		kcfg_missing="$kcfg_missing $opt"
done
if [ -z "$kcfg_missing" ]; then
	result PASS kunitconfig "$(grep -c '^CONFIG_' kmod/kunit/.kunitconfig) options in the debug kernel"
else
	result FAIL kunitconfig "not in tools/kernel/{common,debug}.config:$kcfg_missing"
fi

# Build a fresh copy so every file is compiled (and checked) again.
mod=build/mod/lint
rm -rf "$mod" && mkdir -p "$mod/selftests"
for d in Kbuild kmod include selftests/consumer selftests/harness; do
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' --exclude='*.mod*' \
		--exclude='modules.order' "$d" "$mod/$(dirname "$d")/"
done
# gosync's modules, then the consumer as an outside module (its own Kbuild,
# gosync's Module.symvers): kmake KDIR MAKE-ARGS...
kmake() {
	local k=$1

	shift
	make -C "$k" M="$REPO/$mod" CONFIG_DEBUG_INFO_BTF_MODULES= \
		-j"$(nproc)" "$@" modules &&
		make -C "$k" M="$REPO/$mod/selftests/consumer" CONFIG_DEBUG_INFO_BTF_MODULES= \
			"$@" modules
}
if kmake "$KDIR" GOSYNC_HARNESS=1 W=1 > "$LOGDIR/build.log" 2>&1; then
	if grep -E 'warning:|error:' "$LOGDIR/build.log" > "$LOGDIR/w1.txt"; then
		head -20 "$LOGDIR/w1.txt"
		result FAIL build-w1 "see $LOGDIR/build.log"
	else
		result PASS build-w1 "$(grep -c 'CC \[M\]' "$LOGDIR/build.log") objects against $KDIR"
	fi
	# gosync.ko is the library only: no parser, command, stress, bench or
	# inject symbol may be linked into it (those live in gosync_test.ko).
	testsyms=$(nm "$mod/gosync.ko" | awk '{print $NF}' |
		grep -iE 'parse|_cmd|stress|bench|inject|violation|runner|fuzz' || true)
	if [ -n "$testsyms" ]; then
		echo "$testsyms" | head -10
		result FAIL library-only "test symbols in gosync.ko"
	else
		result PASS library-only "$(nm "$mod/gosync.ko" | grep -c ' [Tt] ') functions in gosync.ko, none of the test module's"
	fi
	# C=2 checks every source again without recompiling: what it prints is sparse's.
	kmake "$KDIR" GOSYNC_HARNESS=1 C=2 CHECK=sparse > "$LOGDIR/sparse.log" 2>&1
	if grep -E 'warning:|error:' "$LOGDIR/sparse.log" > "$LOGDIR/sparse.txt" ||
		! grep -q 'CHECK ' "$LOGDIR/sparse.log"; then
		head -20 "$LOGDIR/sparse.txt"
		result FAIL sparse "see $LOGDIR/sparse.log"
	else
		result PASS sparse "$(grep -c 'CHECK ' "$LOGDIR/sparse.log") files"
	fi
else
	tail -20 "$LOGDIR/build.log"
	result FAIL build-w1 "build failed, see $LOGDIR/build.log"
	result FAIL sparse "build failed"
fi

# The other side of every version gate (shrinker_alloc() from 6.7, ...).
KNEW=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -1)
if [ -z "$KNEW" ]; then
	result FAIL build-newer "no /usr/src/linux-headers-6.12.*-amd64 (run make deps)"
elif make -C "$KNEW" M="$REPO/$mod" clean > "$LOGDIR/build-newer.log" 2>&1 &&
	kmake "$KNEW" W=1 >> "$LOGDIR/build-newer.log" 2>&1 &&
	! grep -E 'warning:|error:' "$LOGDIR/build-newer.log" > "$LOGDIR/build-newer.txt"; then
	result PASS build-newer "$(grep -c 'CC \[M\]' "$LOGDIR/build-newer.log") objects against $KNEW"
else
	head -20 "$LOGDIR/build-newer.txt" 2>/dev/null
	tail -5 "$LOGDIR/build-newer.log"
	result FAIL build-newer "see $LOGDIR/build-newer.log"
fi

if make -s selftests > "$LOGDIR/selftests.log" 2>&1; then
	result PASS selftests "$(ls build/selftests/*/*_test | wc -l) programs, -Werror"
else
	tail -20 "$LOGDIR/selftests.log"
	result FAIL selftests "see $LOGDIR/selftests.log"
fi

exit $failed
