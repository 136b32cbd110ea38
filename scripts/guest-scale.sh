#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the many-CPU guests (scripts/check.sh), with kalloc.ko
# loaded and nothing else: every byte kalloc took (the memory view's
# [taken] section) per possible CPU right after the load, then after the
# kalloc_cpu_scale suite had every CPU allocate and free one block of each
# class and waited for the decay (and the segment cache its trim). With
# kalloc_scale=full on the kernel command line, kalloc_kunit.ko is loaded
# again for what needs many CPUs and nodes: ka_alloc_node() on every
# node (kalloc_cpu.alloc_on_each_node), the carrier pool's node rule
# (kalloc_pool.migration_after_a_peak), and the concurrent stress on every CPU
# with the last one going offline and back and every statistics file read
# meanwhile (kalloc_cpu.concurrent_stress_with_hotplug).
# Prints one "KALLOC-SCALE: ok|not ok NAME [why]" line per check and
# "KALLOC-SCALE: figure ..." lines for the closing table.
M=/sys/kernel/debug/kalloc/memory
GLOB=/sys/module/kunit/parameters/filter_glob
IDLE_MAX=8192		# bytes per possible CPU after the load
WARM_MAX=16384		# ... after one pass of every class on every CPU and the decay
# The warm bound is the target on a machine of 64 CPUs and more: below that,
# what does not grow with the CPU count (the registry's table pages, a
# depot per node and class) is shared by fewer CPUs (Documentation/cpu.rst).
WARM_CPUS=64
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-SCALE: ok $1"
	else
		echo "KALLOC-SCALE: not ok $1 $2"
		failed=1
	fi
}

field() {	# name in the memory view's [taken] section
	sed -n "/^\[taken\]/,/^$/s/^$1 //p" $M
}

# The 64-vCPU guest boots with a few online (maxcpus=): under TCG on a small
# host, every stop_machine() of a boot with all of them online stalls for
# minutes. The others come online here, one at a time.
for c in /sys/devices/system/cpu/cpu*/online; do
	[ "$(cat "$c")" = 1 ] || echo 1 > "$c"
done
cpus=$(field possible_cpus)
idle=$(field per_possible_cpu)
echo "KALLOC-SCALE: figure idle possible_cpus=$cpus online=$(grep -c ^processor /proc/cpuinfo) nodes=$(ls -d /sys/devices/system/node/node* | wc -l) total=$(field total) per_possible_cpu=$idle"
why=
[ -n "$idle" ] || why="no [taken] section in $M"
[ -n "$idle" ] && [ "$idle" -gt $IDLE_MAX ] && why="$idle bytes per possible CPU > $IDLE_MAX"
result memory_after_load_per_cpu "$why"

printf %s kalloc_cpu_scale > $GLOB
insmod /lib/kalloc/kalloc_kunit.ko || result scale_suite_loaded "insmod failed"
# the segment cache gives back a segment unused for a second each second
i=0
while [ "$(field segment_cache)" != 0 ] && [ $i -lt 60 ]; do
	sleep 1
	i=$((i + 1))
done
warm=$(field per_possible_cpu)
echo "KALLOC-SCALE: figure warm possible_cpus=$cpus total=$(field total) per_possible_cpu=$warm carriers=$(field carriers) own=$(field own)"
sed -n '/^\[own\]/,/^$/p' $M | sed 's/^/KALLOC-SCALE: own /'
rmmod kalloc_kunit
why=
[ -n "$warm" ] || why="no [taken] section in $M"
[ -n "$warm" ] && [ "$cpus" -ge $WARM_CPUS ] && [ "$warm" -gt $WARM_MAX ] &&
	why="$warm bytes per possible CPU > $WARM_MAX"
[ "$(field segment_cache)" = 0 ] || why="$why; the segment cache kept $(field segment_cache) bytes"
result memory_after_one_pass_per_cpu "$why"

if grep -q kalloc_scale=full /proc/cmdline; then
	# one load per suite (a suite run twice is a harness error): the first
	# glob takes alloc_on_each_node and concurrent_stress_with_hotplug of
	# kalloc_cpu, the second the pool's node rule after a peak on 16 CPUs
	# (the pool's churn cases run in the 4-vCPU guests: Documentation/testing.rst)
	for glob in 'kalloc_cpu.[ac][lo][ln][oc]*' 'kalloc_pool.migration_a*'; do
		printf %s "$glob" > $GLOB
		insmod /lib/kalloc/kalloc_kunit.ko || result "suites_${glob%%.*}_loaded" "insmod failed"
		rmmod kalloc_kunit
	done
fi
exit $failed
