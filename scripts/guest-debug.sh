#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the debugging tools' guest (scripts/check.sh), after
# kalloc_debug_kunit.ko has loaded: kalloc's trace events read back through
# tracefs, and kmemleak finding a leaked kalloc block, with its allocation's
# stack, but not a kmalloc object referenced only from a kalloc block.
# Prints one "KALLOC-DEBUG: ok|not ok NAME [why]" line per check.
T=/sys/kernel/tracing
CTL=/sys/kernel/debug/kalloc_debug/ctl
KML=/sys/kernel/debug/kmemleak
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-DEBUG: ok $1"
	else
		echo "KALLOC-DEBUG: not ok $1 $2"
		failed=1
	fi
}

# ---- trace events ----
why=
if [ ! -d $T/events/kalloc ]; then
	why="no $T/events/kalloc"
else
	echo > $T/trace
	echo 1 > $T/events/kalloc/enable
	echo churn > $CTL || why="churn failed"
	echo 0 > $T/events/kalloc/enable
	cat $T/trace > /tmp/trace
	for want in \
		"ka_alloc: call_site=debug_churn.* bytes_req=100 bytes_alloc=104 .* type=debug_churn class=std" \
		"ka_alloc: call_site=debug_churn.* bytes_req=2097152 .* type=debug_churn" \
		"ka_free: call_site=debug_churn.* type=debug_churn cached=1" \
		"ka_free: call_site=debug_churn.* type=debug_churn cached=0" \
		"ka_carrier_create: carrier=.* kind=sbc" \
		"ka_carrier_destroy: carrier=.* kind=sbc"; do
		grep -q "$want" /tmp/trace || why="$why; no record matching '$want'"
	done
fi
[ -n "$why" ] && sed 's/^/trace: /' /tmp/trace | tail -n 20
result trace_events_read_back "$why"

# ---- kmemleak ----
if [ ! -f $KML ]; then
	result kmemleak_reports_unreachable_block "no $KML"
	result kmemleak_no_false_leak "no $KML"
	exit 1
fi
echo clear > $KML
echo leak > $CTL || result kmemleak_set_up "writing leak failed"
cat $CTL > /tmp/leak
sleep 6		# kmemleak reports only objects older than 5 s
echo scan > $KML
echo scan > $KML	# a new object is reported on its second scan
cat $KML > /tmp/suspects

why=
n=0
while read -r kind addr size; do
	[ "$kind" = leaked ] || continue
	n=$((n + 1))
	# the suspect's record: from its line to the next "unreferenced object"
	awk -v a="unreferenced object 0x$addr (size $size)" '
		index($0, a) { on = 1; print; next }
		on && /unreferenced object/ { exit }
		on { print }' /tmp/suspects > /tmp/one
	if [ ! -s /tmp/one ]; then
		why="$why; block $addr not reported"
	elif ! grep -q "leak_blocks" /tmp/one || ! grep -q "ka_alloc" /tmp/one; then
		why="$why; block $addr reported without its allocation stack"
	fi
done < /tmp/leak
[ $n -eq 4 ] || why="$why; $n leaked blocks listed, not 4"
[ -n "$why" ] && head -n 40 /tmp/suspects
result kmemleak_reports_unreachable_block "$why"

why=
while read -r kind addr; do
	[ "$kind" = held ] || continue
	grep -q "unreferenced object 0x$addr " /tmp/suspects && why="$why; $addr reported"
done < /tmp/leak
[ "$(grep -c '^held ' /tmp/leak)" -eq 2 ] || why="$why; held addresses missing"
result kmemleak_no_false_leak "$why"
exit $failed
