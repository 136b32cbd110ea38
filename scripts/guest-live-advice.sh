#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the live-advice guest (scripts/check.sh): a workload of
# this boot is recorded, advised on, tuned for live, and run again. kalloc
# is loaded with carrier migration off (+MDacul 0): the user-space replay
# that gives the advice has no carrier pool.
#  1. The minix workload (scripts/guest-minix-workload.sh) runs under
#     tools/kalloc-record, which records its allocation stream.
#  2. kalloc_bench.ko only=REPLAY plays that stream through the std class,
#     every event on one CPU, in the stream's own time, with the options
#     kalloc was loaded with; of three runs, the median peak's counts.
#  3. The replay's search gives the advice: each option set of
#     tools/kalloc-replay --candidates --live (/lib/kalloc/candidates,
#     written on the host) is played by the user-space replay
#     (/lib/kalloc/ka_replay.static, -1), those that may hold less than
#     the defaults again in other phases of the decay, and the advice is
#     chosen by kalloc-replay --advise's rule (below).
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

# 3. the advice: "peak avg ns|flags|options" per option set, the defaults first
fig() {		# figure name, a line of ka_replay's results
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

play() {	# options, the decay's phase in ms
	r=$($M/ka_replay.static -1 -p "$2" -o "$1" <$S)
	echo "$(fig peak_held "$r") $(fig avg_held "$r") $(fig ns_per_op "$r")"
}

bound=$(sed -n 's/^# cost_bound //p' $M/candidates)
phases=$(sed -n 's/^# phases //p' $M/candidates)
first=${phases%% *}
others=${phases#"$first"}

peaks() {	# options, its peak held in the first phase: that and the others'
	echo "$2"
	for ph in $others; do
		play "$1" "$ph" | cut -d' ' -f1
	done
}

grep -v '^#' $M/candidates | while IFS='|' read -r flags opts; do
	if [ "$flags" = defaults ]; then
		# the time bound's base: the best of three, as on the host
		for i in 1 2 3; do
			play "$opts" "$first"
		done | sort -k3 -n | head -1 | sed "s/\$/|defaults|$opts/"
	else
		echo "$(play "$opts" "$first")|$flags|$opts"
	fi
done >/tmp/rows

# kalloc-replay's advise(): among the option sets within cost_bound times the
# defaults' time per operation (all of them if none is), those that held less
# in every phase of the decay than the defaults did in their best; of them the
# least peak in its worst phase, then the least time-averaged
IFS='|' read -r dfig dflags dopts </tmp/rows
set -- $dfig
floor=$(peaks "$dopts" "$1" | sort -n | head -1)
limit=$(awk -v ns="$3" -v b="$bound" 'BEGIN { print ns * b }')
tried=$(($(wc -l </tmp/rows) - 1))
within=$(tail -n +2 /tmp/rows |
	awk -F'|' -v l="$limit" '{ split($1, f, " "); if (f[3] <= l) n++ } END { print n + 0 }')
tail -n +2 /tmp/rows | while IFS='|' read -r f flags opts; do
	set -- $f
	if [ "$within" -gt 0 ] && awk -v ns="$3" -v l="$limit" 'BEGIN { exit !(ns > l) }'; then
		continue
	fi
	[ "$1" -lt "$floor" ] || continue
	worst=$(peaks "$opts" "$1" | sort -n | tail -1)
	[ "$worst" -lt "$floor" ] && echo "$worst $2|$flags"
done >/tmp/robust
IFS='|' read -r best advice <<EOF
$(sort -n -k1,1 -k2,2 /tmp/robust | head -1)
EOF
peak=${best%% *}
echo "KALLOC-LIVE: search $tried option sets, $within within ${bound}x the defaults' time," \
	"$(wc -l </tmp/robust) below the defaults in each decay phase ($phases ms);" \
	"replayed peak $((floor >> 10)) KiB at the defaults (their least)," \
	"$((${peak:-0} >> 10)) KiB with the advice (its most)"
why=
[ "$tried" -gt 0 ] && [ -n "$floor" ] || why="no option set replayed"
result advice_found "$why"
echo "KALLOC-LIVE: advice ${advice:-none: no option set held less than the defaults in every decay phase}"

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
