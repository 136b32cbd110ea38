#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the fault-injection guest (scripts/check.sh), with kalloc.ko
# loaded: fail_page_alloc set up to fail 1 % of the requests of the tasks that
# ask for it (the stress threads of the kalloc_fault suite set make-it-fail;
# the suite sets kalloc's own fail_kalloc the same way), then
# kalloc_fault_kunit.ko loaded, which runs the stress; then the faults each
# attribute injected, and kmemleak after the stress.
# Prints one "KALLOC-FAULT: ok|not ok NAME [why]" line per check.
F=/sys/kernel/debug/fail_page_alloc
K=/sys/kernel/debug/fail_kalloc
KML=/sys/kernel/debug/kmemleak
TIMES=1000000
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-FAULT: ok $1"
	else
		echo "KALLOC-FAULT: not ok $1 $2"
		failed=1
	fi
}

why=
[ -d $F ] || why="no $F"
[ -d $K ] || why="$why; no $K"
result fault_attributes_in_debugfs "$why"
[ -z "$why" ] || exit 1

echo Y > $F/task-filter
echo N > $F/ignore-gfp-wait
echo N > $F/ignore-gfp-highmem
echo 0 > $F/min-order
echo 0 > $F/space
echo 1 > $F/interval
echo 0 > $F/verbose
echo $TIMES > $F/times
echo 1 > $F/probability

[ -f $KML ] && echo clear > $KML
insmod /lib/kalloc/kalloc_fault_kunit.ko || result kalloc_fault_kunit_loaded "insmod failed"
echo 0 > $F/probability
page_faults=$((TIMES - $(cat $F/times)))
echo "KALLOC-FAULT: fail_page_alloc injected $page_faults faults"
rmmod kalloc_fault_kunit

why=
[ "$page_faults" -gt 0 ] || why="fail_page_alloc injected nothing"
result page_allocator_faults_injected "$why"

if [ -f $KML ]; then
	sleep 6		# kmemleak reports only objects older than 5 s
	echo scan > $KML
	echo scan > $KML
	n=$(grep -c "unreferenced object" $KML)
	why=
	if [ "$n" -ne 0 ]; then
		head -n 40 $KML
		why="$n unreferenced object(s)"
	fi
	result kmemleak_clean_after_faults "$why"
else
	result kmemleak_clean_after_faults "no $KML"
fi
exit $failed
