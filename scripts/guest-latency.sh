#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of `make bench`'s interrupts-off measurement (latency kernel,
# instruction-count mode, kalloc.ko loaded): the irqsoff tracer on, then
# phases that make kalloc work on large data (samples/kalloc_latency.c
# loaded, debugfs views read while a thread allocates and frees, reclaim,
# the workload unloaded, reclaim again; with two CPUs, the second taken
# offline and back). For each phase
# the longest interrupts-off section the tracer saw, where it began and
# ended, and the stack where it ended:
#   KALLOC-LATENCY: phase NAME max_us N start SYMBOL end SYMBOL
#   KALLOC-LATENCY: stack NAME SYMBOL
T=/sys/kernel/tracing
D=/sys/kernel/debug/kalloc
mount -t tracefs nodev $T 2>/dev/null
if ! echo irqsoff > $T/current_tracer; then
	echo "KALLOC-LATENCY: no irqsoff tracer"
	exit 1
fi
echo 1 > $T/tracing_on
# The page allocator's per-CPU lists as short as it allows: its bulk moves
# to and from them hold the zone lock with interrupts off for up to their
# length, which would hide kalloc's own sections behind the kernel's.
echo 100000 > /proc/sys/vm/percpu_pagelist_high_fraction 2>/dev/null ||
	echo "KALLOC-LATENCY: percpu_pagelist_high_fraction not set"

phase() {	# name, command...
	name=$1
	shift
	echo 0 > $T/tracing_max_latency
	"$@"
	us=$(cat $T/tracing_max_latency)
	start=$(sed -n 's/.*=> started at: *\([^ ]*\).*/\1/p' $T/trace | head -n 1)
	end=$(sed -n 's/.*=> ended at: *\([^ ]*\).*/\1/p' $T/trace | head -n 1)
	echo "KALLOC-LATENCY: phase $name max_us $us start ${start:-?} end ${end:-?}"
	sed -n 's/^ *=> *\([^ ]*\).*/\1/p' $T/trace | grep -v -e '^started' -e '^ended' |
		head -n 12 | while read -r f; do echo "KALLOC-LATENCY: stack $name $f"; done
}

read_views() {
	for i in 1 2 3; do
		for f in $D/*/info $D/*/carriers $D/allocations $D/memory $D/types; do
			[ -f "$f" ] && cat "$f" > /dev/null
		done
	done
}

cpu_offline() {
	echo 0 > /sys/devices/system/cpu/cpu1/online
}

reclaim() {
	echo 3 > /proc/sys/vm/drop_caches
}

# One vCPU: a section's length is its own instructions (with more, a vCPU
# waiting for its turn in QEMU's round robin counts the other's, so only the
# CPU going offline, which holds the live blocks, is measured with two).
if [ -f /sys/devices/system/cpu/cpu1/online ]; then
	insmod /lib/kalloc/kalloc_latency.ko live_cpu=1 stress=0
	phase offline cpu_offline
	# not measured: a CPU coming up starts with interrupts off from its idle
	# loop, which the tracer counts from the moment it went down
	echo 1 > /sys/devices/system/cpu/cpu1/online
	rmmod kalloc_latency
else
	phase load insmod /lib/kalloc/kalloc_latency.ko
	phase views read_views
	phase reclaim reclaim
	phase unload rmmod kalloc_latency
	phase reclaim_after reclaim
fi
echo nop > $T/current_tracer
