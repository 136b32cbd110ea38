#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the live-advice guest (scripts/check.sh): a recorded
# workload (the stream in /lib/kalloc, played by kalloc_bench.ko
# only=REPLAY through the std class, every event on one CPU) runs with the
# options kalloc was loaded with; the advice tools/kalloc-replay --advise
# --live gave for it on the host (/lib/kalloc/advice) is then written to
# /sys/kernel/kalloc/options, and the workload runs again in the same boot.
# Prints both runs' figures (memory held at the peak and on average, the
# carriers and their utilization at the peak) and one
# "KALLOC-LIVE: ok|not ok NAME [why]" line per check: the advice is taken,
# the files read it back, and the peak held is not larger after it.
B=/lib/kalloc/kalloc_bench.ko
K=/sys/kernel/kalloc
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-LIVE: ok $1"
	else
		echo "KALLOC-LIVE: not ok $1 $2"
		failed=1
	fi
}

replay() {	# label: one run of the workload, its figures in /tmp/$1
	dmesg -c >/dev/null
	insmod $B only=REPLAY || result "replay_$1" "insmod failed"
	rmmod kalloc_bench
	dmesg | sed -n 's/.*R REPLAY\.\([a-z_]*\) 0 std \([0-9]*\).*/\1 \2/p' >/tmp/$1
	echo "KALLOC-LIVE: figure $1 $(tr ' \n' '= ' </tmp/$1)"
}

get() {		# label, figure
	sed -n "s/^$2 //p" /tmp/$1
}

advice=$(cat /lib/kalloc/advice)
echo "KALLOC-LIVE: advice $advice"
replay before

why=
echo "$advice" >$K/options || why="writing '$advice' to $K/options failed"
# each flag is read back from its own file
set -- $advice
while [ $# -ge 2 ]; do
	flag=$1 value=$2
	shift 2
	case $flag in
	+MDas) file=std/strategy ;;
	+MDsbct) file=std/sbc_threshold ;;
	+MDlmbcs) file=std/largest_carrier_size ;;
	*) why="$why; no file known for $flag"; continue ;;
	esac
	got=$(cat $K/$file)
	[ "$got" = "$value" ] || why="$why; $file reads $got, not $value"
done
result advice_taken_live "$why"

replay after
why=
b=$(get before peak_held)
a=$(get after peak_held)
if [ -z "$b" ] || [ -z "$a" ]; then
	why="no REPLAY figures"
elif [ "$a" -gt "$b" ]; then
	why="peak held $a KiB after the advice, $b KiB before"
fi
result advice_does_not_hold_more "$why"
exit $failed
