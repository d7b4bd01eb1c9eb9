#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of gosync's test initramfs (busybox). Runs the suites named in
# /gosync/config and powers the VM off.
#
# Two serial lines: ttyS0 carries the kernel log (the host scans it for
# splats); ttyS1 carries results in this line protocol, parsed by
# tools/vm/run.py:
#	GOSYNC-BOOT key=value...	once, after mounting
#	GOSYNC-CHECK <name> PASS|FAIL|SKIP [why]
#	GOSYNC-BEGIN <name>		then the program's TAP output
#	GOSYNC-END <name> rc=<exit code>
#	GOSYNC-BENCH <csv line from bench/run>
#	GOSYNC-SHOW <text>		demo output for the terminal
#	GOSYNC-DONE			all suites ran
# Each BEGIN is also written to /dev/kmsg so splats in the kernel log can be
# matched to the test that was running. KUnit's results are read from the
# kernel log, where its suites print KTAP, between "gosync-guest: begin
# kunit" and "gosync-guest: end kunit rc=<insmod's exit code>".

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
/bin/busybox --install -s /bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

. /gosync/config

exec 3>/dev/ttyS1
res() { echo "$*" >&3; }
kmsg() { echo "gosync-guest: $*" > /dev/kmsg; }
show() { while IFS= read -r l; do res "GOSYNC-SHOW $l"; done; }
check() { res "GOSYNC-CHECK $*"; }

DBG=/sys/kernel/debug
MODS=/gosync/modules
TESTS=/gosync/tests
export GOSYNC_MODDIR=$MODS

res "GOSYNC-BOOT kernel=$(uname -r) cpus=$(nproc) suites=$GOSYNC_SUITES"

if [ "$(nproc)" = "$GOSYNC_EXPECT_CPUS" ]; then
	check guest/cpus PASS
else
	check guest/cpus FAIL "expected $GOSYNC_EXPECT_CPUS CPUs, guest sees $(nproc)"
fi

# kmemleak: report and forget what the kernel leaked while booting, so the
# final scan shows only what happened after. Objects must be 5 s old to be
# reported, and it takes two scans to see one. A planted-fault run other
# than the leak is judged by its own splat: no scans (a minute under TCG).
KMEMLEAK=
[ -w $DBG/kmemleak ] && { [ -z "$GOSYNC_FAULT" ] || [ "$GOSYNC_FAULT" = leak ]; } && KMEMLEAK=1
if [ -n "$KMEMLEAK" ]; then
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 1; done
	echo scan > $DBG/kmemleak
	echo scan > $DBG/kmemleak
	echo clear > $DBG/kmemleak
fi

load() { insmod "$MODS/$1.ko" || check "load/$1" FAIL "insmod $1 failed"; }
unload_all() {
	for m in $(cut -d' ' -f1 /proc/modules); do
		case $m in gosync_consumer | gosync_kunit | fault_*) rmmod "$m" ;; esac
	done
	[ -d /sys/module/gosync_test ] && rmmod gosync_test
	[ -d /sys/module/gosync ] && rmmod gosync
}

# A program still running after GOSYNC_DUMP_AFTER seconds is probably
# stuck: the kernel stacks of the test programs and gosync's threads, and
# the blocked tasks (sysrq w), go to the kernel log, so that a hang the run
# then times out on says where it hangs. Informational: not a splat.
GOSYNC_DUMP_AFTER=240
dump_stuck() { # name
	kmsg "$1 still running after $GOSYNC_DUMP_AFTER s: kernel stacks follow"
	for d in /proc/[0-9]*; do
		comm=$(cat "$d/comm" 2>/dev/null) || continue
		case $comm in *_test | gosync*) ;; *) continue ;; esac
		kmsg "stack of ${d#/proc/} ($comm, state $(cut -d' ' -f3 "$d/stat" 2>/dev/null)):"
		while IFS= read -r l; do kmsg "  $l"; done < "$d/stack"
	done 2>/dev/null
	echo w > /proc/sysrq-trigger
}

run_prog() { # name path
	res "GOSYNC-BEGIN $1"
	kmsg "begin $1"
	(sleep "$GOSYNC_DUMP_AFTER" && dump_stuck "$1") &
	dumper=$!
	timeout -s KILL "$GOSYNC_TEST_TIMEOUT" "$2" >&3 2>&3
	rc=$?
	kill "$dumper" 2>/dev/null
	kmsg "end $1 rc=$rc"
	res "GOSYNC-END $1 rc=$rc"
}

suite_modules() {
	unload_all
	run_prog kselftest/core/module_test $TESTS/core/module_test
	# Without gosync.ko, a program that needs it must skip (exit code 4).
	unload_all
	$TESTS/core/debugfs_test > /tmp/skip.out 2>&1
	rc=$?
	if [ $rc -eq 4 ]; then
		check kselftest/skips-without-module PASS
	else
		check kselftest/skips-without-module FAIL "debugfs_test exited $rc without gosync.ko"
	fi
}

suite_kselftest() {
	unload_all
	load gosync
	load gosync_test
	load gosync_consumer
	for t in $TESTS/*/*_test; do
		case $t in */core/module_test) continue ;; esac
		d=${t%/*}
		run_prog "kselftest/${d##*/}/${t##*/}" "$t"
	done
}

suite_kunit() {
	if [ ! -d $DBG/kunit ]; then
		check kunit SKIP "kernel without KUnit"
		return
	fi
	[ -d /sys/module/gosync ] || load gosync
	[ -d /sys/module/gosync_test ] || load gosync_test
	# The suites run while the module loads, and print KTAP to the kernel
	# log: run.py reads it there, between these two markers.
	kmsg "begin kunit"
	insmod $MODS/gosync_kunit.ko
	rc=$?
	kmsg "end kunit rc=$rc"
	if [ $rc -ne 0 ]; then
		check kunit FAIL "insmod gosync_kunit failed"
		return
	fi
	rmmod gosync_kunit
}

suite_bench() {
	[ -d /sys/module/gosync ] || load gosync
	[ -d /sys/module/gosync_test ] || load gosync_test
	kmsg "begin bench"
	while read -r prim name impl; do
		if [ -n "$GOSYNC_BENCH_FILTER" ]; then
			case " $GOSYNC_BENCH_FILTER " in *" $prim "*) ;; *) continue ;; esac
		fi
		for t in $GOSYNC_BENCH_THREADS; do
			[ "$t" -le "$(nproc)" ] || continue
			if echo "primitive=$prim case=$name impl=$impl threads=$t duration_ms=$GOSYNC_BENCH_MS" \
				> $DBG/gosync_test/bench/run; then
				res "GOSYNC-BENCH $(cat $DBG/gosync_test/bench/run)"
			else
				check "bench/$prim/$name/$impl/$t" FAIL "$(cat $DBG/gosync_test/bench/run)"
			fi
		done
	done < $DBG/gosync_test/bench/cases
	kmsg "end bench"
}

suite_demo() {
	unload_all
	echo "# insmod gosync.ko && insmod gosync_consumer.ko && insmod gosync_test.ko" | show
	load gosync
	load gosync_consumer
	load gosync_test
	grep gosync /proc/modules | show
	echo "# find /sys/kernel/debug/gosync /sys/kernel/debug/gosync_test -maxdepth 1" | show
	find $DBG/gosync $DBG/gosync_test -maxdepth 1 | sort | show
	echo "# cat /sys/kernel/debug/gosync/version" | show
	show < $DBG/gosync/version
	echo "# cat /sys/kernel/debug/gosync_consumer/status" | show
	show < $DBG/gosync_consumer/status
	echo "# echo threads=$(nproc) duration_ms=1000 > .../counter/stress; cat .../counter/stress" | show
	if echo "threads=$(nproc) duration_ms=1000" > $DBG/gosync_test/counter/stress; then
		check demo/stress PASS
	else
		check demo/stress FAIL "stress command failed"
	fi
	show < $DBG/gosync_test/counter/stress
	grep -q result=PASS $DBG/gosync_test/counter/stress || check demo/stress-result FAIL "$(cat $DBG/gosync_test/counter/stress)"
	echo "# echo threads=0 > .../counter/stress   (bad input: refused with an errno and a message)" | show
	echo threads=0 > $DBG/gosync_test/counter/stress 2>/tmp/err
	show < /tmp/err
	show < $DBG/gosync_test/counter/stress
}

# Deliberately broken modules for `make check-harness`.
suite_fault() {
	kmsg "begin fault $GOSYNC_FAULT"
	res "GOSYNC-BEGIN fault/$GOSYNC_FAULT"
	insmod "$MODS/fault_$GOSYNC_FAULT.ko"
	# Report-based faults are probabilistic (KCSAN samples accesses): give
	# the kernel up to GOSYNC_FAULT_WAIT seconds to print a splat, and stop
	# early once it has. The leak fault is found by the final kmemleak scan.
	i=0
	max=${GOSYNC_FAULT_WAIT:-30}
	[ "$GOSYNC_FAULT" = leak ] && max=1
	while [ $i -lt "$max" ]; do
		sleep 1
		i=$((i + 1))
		# Only a splat naming the planted module ends the wait (the KCSAN
		# kernel may report races of its own at any time).
		dmesg | grep -A40 -E '(BUG|WARNING): ' | grep -q 'fault_' && break
	done
	rmmod "fault_$GOSYNC_FAULT"
	res "GOSYNC-END fault/$GOSYNC_FAULT rc=0"
}

for s in $GOSYNC_SUITES; do
	res "GOSYNC-SUITE $s"
	"suite_$s"
done

unload_all
if [ -n "$KMEMLEAK" ]; then
	sleep 6
	echo scan > $DBG/kmemleak
	echo scan > $DBG/kmemleak
	# debugfs files report size 0: copy before testing for content.
	cat $DBG/kmemleak > /tmp/kmemleak
	if [ -s /tmp/kmemleak ]; then
		cat /tmp/kmemleak > /dev/console
		check kmemleak FAIL "unreferenced objects after unload"
	else
		check kmemleak PASS
	fi
fi
res "GOSYNC-DONE"
sync
poweroff -f
