#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the live-advice guest (scripts/check.sh): a workload of
# this boot is recorded, advised on, tuned for live, and run again.
#  1. The minix workload (scripts/guest-minix-workload.sh) runs under
#     tools/kalloc-record, which records its allocation stream.
#  2. kalloc_bench.ko only=REPLAY plays that stream through the std class,
#     every event on one CPU, in the stream's own time, with the options
#     kalloc was loaded with; of three runs, the median peak's counts.
#  3. The replay's search gives the advice: each option set of
#     tools/kalloc-replay --candidates --live (/lib/kalloc/candidates,
#     written on the host) is played by the user-space replay
#     (/lib/kalloc/ka_replay.static, -1), and the advice is chosen by
#     kalloc-replay --advise's rule (choose() below).
#  4. The advice is written to /sys/kernel/kalloc/options and read back
#     from each parameter's file.
#  5. The stream plays again.
# Prints both runs' figures (memory held at the peak and on average, the
# carriers and their utilization at the peak) and one
# "KALLOC-LIVE: ok|not ok NAME [why]" line per check.
M=/lib/kalloc
B=$M/kalloc_bench.ko
K=/sys/kernel/kalloc
S=/tmp/stream
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-LIVE: ok $1"
	else
		echo "KALLOC-LIVE: not ok $1 $2"
		failed=1
	fi
}

# 1. the workload, recorded
insmod $M/minix.ko
dd if=$M/minix.img of=/dev/ram0 bs=4096 2>/dev/null
sh $M/kalloc-record -- sh $M/guest-minix-workload.sh >$S
rmmod minix
# kmemleak's records of the workload's blocks are in the stream, but no
# longer needed: its bookkeeping would slow the replays below the stream's
# pace, and the decay would run at other points of the stream from run to run
if [ -w /sys/kernel/debug/kmemleak ]; then echo off >/sys/kernel/debug/kmemleak; fi
events=$(grep -c '^[af] ' $S)
echo "KALLOC-LIVE: recorded $events events"
why=
[ "$events" -gt 10000 ] || why="only $events events recorded"
result workload_recorded "$why"

replay() {	# label: one run of the stream, its figures in /tmp/$1
	dmesg -c >/dev/null
	insmod $B only=REPLAY stream=$S runs=3 || result "replay_$1" "insmod failed"
	rmmod kalloc_bench
	dmesg | sed -n 's/.*R REPLAY\.\([a-z_]*\) 0 std \([0-9]*\).*/\1 \2/p' >/tmp/$1
	echo "KALLOC-LIVE: figure $1 $(tr ' \n' '= ' </tmp/$1)"
}

get() {		# label, figure
	sed -n "s/^$2 //p" /tmp/$1
}

# 2. the workload on kalloc, with the options it was loaded with
replay before

# 3. the advice: "peak avg ns|flags" per option set, the defaults first
fig() {		# figure name, a line of ka_replay's results
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

play() {	# options
	r=$($M/ka_replay.static -1 -o "$1" <$S)
	echo "$(fig peak_held "$r") $(fig avg_held "$r") $(fig ns_per_op "$r")"
}

bound=$(sed -n 's/^# cost_bound //p' $M/candidates)
grep -v '^#' $M/candidates | while IFS='|' read -r flags opts; do
	if [ "$flags" = defaults ]; then
		# the time bound's base: the best of three, as on the host
		for i in 1 2 3; do
			play "$opts"
		done | sort -k3 -n | head -1 | sed 's/$/|defaults/'
	else
		echo "$(play "$opts")|$flags"
	fi
done >/tmp/rows

# kalloc-replay's advise(): among the option sets within cost_bound times the
# defaults' time per operation (all of them if none is), the least peak held,
# then the least time-averaged; written only if it held less than the defaults
choose() {
	awk -F'|' -v bound="$bound" '
		NR == 1 { split($1, d, " "); limit = d[3] * bound; next }
		{ n++; split($1, f, " "); peak[n] = f[1]; avg[n] = f[2]; ns[n] = f[3];
		  flags[n] = $2; if (f[3] <= limit) within++ }
		END {
			for (i = 1; i <= n; i++) {
				if (within && ns[i] > limit)
					continue;
				if (!b || peak[i] < peak[b] || (peak[i] == peak[b] && avg[i] < avg[b]))
					b = i;
			}
			printf "%s|%d|%d|%d|%d\n", flags[b], peak[b], d[1], n, within
		}' /tmp/rows
}
IFS='|' read -r advice peak base tried within <<EOF
$(choose)
EOF
echo "KALLOC-LIVE: search $tried option sets, $within within ${bound}x the defaults' time;" \
	"replayed peak $((base >> 10)) KiB at the defaults, $((peak >> 10)) KiB with the advice"
why=
[ "$tried" -gt 0 ] && [ -n "$advice" ] || why="no option set replayed"
result advice_found "$why"
[ "$peak" -lt "$base" ] || advice=
echo "KALLOC-LIVE: advice ${advice:-none: the defaults held the least}"

# 4. the advice, live
why=
if [ -n "$advice" ]; then
	echo "$advice" >$K/options || why="writing '$advice' to $K/options failed"
fi
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

# 5. the workload again
replay after
why=
b=$(get before peak_held)
a=$(get after peak_held)
if [ -z "$b" ] || [ -z "$a" ]; then
	why="no REPLAY figures"
elif [ -z "$advice" ]; then
	# nothing changed: the two runs differ only by the decay's timing
	echo "KALLOC-LIVE: advice none written, so the runs are not compared"
elif [ "$a" -gt "$b" ]; then
	why="peak held $a KiB after the advice, $b KiB before"
fi
result advice_does_not_hold_more "$why"
exit $failed
