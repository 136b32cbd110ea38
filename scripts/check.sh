#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`, the README's test command: install what is missing, build the
# test kernels (cached: 6.12, 6.12 with PREEMPT_RT, 6.1) and the modules for
# each (and against Debian's 6.1 headers, directly and through DKMS), run the
# user-space tests, boot the VMs so every KUnit suite runs on each kernel, and
# judge the console logs strictly (scripts/ktap.py). Results: $KALLOC_BUILD/check/.
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$KALLOC_BUILD/check
rm -rf "$out"
mkdir -p "$out"

# A step that cannot even run still ends in a closing line, counted as failed.
fail_early() {
	echo "kalloc check: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

"$KALLOC_ROOT/scripts/deps.sh" || fail_early "could not install the required packages"
"$KALLOC_ROOT/scripts/build-modules.sh" 6.12 >/dev/null ||
	fail_early "modules do not build against the test kernel"
"$KALLOC_ROOT/scripts/build-modules.sh" 6.1 >/dev/null ||
	fail_early "modules do not build against Debian's 6.1 headers"
KALLOC_FLAVOR=rt "$KALLOC_ROOT/scripts/build-modules.sh" 6.12 >/dev/null ||
	fail_early "modules do not build against the PREEMPT_RT test kernel"
KALLOC_FLAVOR=6.1 "$KALLOC_ROOT/scripts/build-modules.sh" 6.1 >/dev/null ||
	fail_early "modules do not build against the 6.1 test kernel"

note "DKMS: kalloc.ko built against Debian's 6.1 headers, then modinfo"
"$KALLOC_ROOT/scripts/dkms-check.sh" | tee "$out/dkms.txt" | grep '^dkms:' | sed 's/^/  /'
cp "$KALLOC_BUILD/dkms/group.json" "$out/group-dkms.json" 2>/dev/null ||
	echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["dkms-check did not run"]}' \
		>"$out/group-dkms.json"

"$KALLOC_ROOT/scripts/style.sh"
style_rc=$?
"$KALLOC_ROOT/scripts/utest.sh"
utest_rc=$?

note "booting the test VM: every KUnit suite runs as kalloc_kunit.ko loads"
# The benchmark module too, with tiny counts: it must keep working; nothing is timed.
start=$SECONDS
# panic_on_warn=1, as fleets boot: a misuse must be a report, never a WARN().
"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out" --timeout "${KALLOC_VM_TIMEOUT:-1500}" \
	--append panic_on_warn=1 \
	--modules-dir "$KALLOC_BUILD/obj-6.12" "$KALLOC_BUILD/obj-6.12/kalloc_kunit.ko" \
	--insmod "$KALLOC_BUILD/obj-6.12/kalloc_bench.ko scale=1000"
vm_rc=$?
note "guest finished with status $vm_rc after $((SECONDS - start))s; console: $out/console.log"

# Memory exhaustion needs a guest of its own, small, so that loops end soon;
# without kmemleak, whose own records fail there and turn it off with a warning.
exhaust_guest() {	# flavor, modules dir, out dir, group name
	local flavor=$1 mods=$2 dir=$3 group=$4 start=$SECONDS
	note "booting a 512 MiB guest ($flavor kernel): allocation until failure with each driver's flags"
	KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" \
		--timeout "${KALLOC_VM_TIMEOUT:-1500}" --cpus 2 --mem 512 \
		--append "kmemleak=off panic_on_warn=1" \
		--modules-dir "$mods" "$mods/kalloc_exhaust_kunit.ko"
	note "exhaustion guest ($flavor) finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" \
		--expect $(kalloc_suite_files exhaust) --json "$dir/results.json" \
		--group "$out/$group.json" >"$dir/judge.txt"
	sed "s/^/  exhaust ($flavor): /" "$dir/judge.txt"
}
exhaust_guest test "$KALLOC_BUILD/obj-6.12" "$out/exhaust" group-exhaust

# tools/kalloc-replay's advice on a recorded stream, checked in the guest
# (Documentation/replay.rst): two boots of the test kernel, about two minutes.
note "replaying a recorded kernel workload in the guest: is kalloc-replay's advice right?"
start=$SECONDS
if KALLOC_REPLAY_MODDIR="$KALLOC_BUILD/obj-6.12" "$KALLOC_ROOT/scripts/replay-check.sh" \
	>"$out/replay-check.txt" 2>&1; then
	echo '{"passed": 1, "failed": 0, "skipped": 0, "problems": []}' >"$out/group-replaycheck.json"
else
	echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["replay-check failed"]}' \
		>"$out/group-replaycheck.json"
fi
tail -n 1 "$out/replay-check.txt" | sed 's/^/  replay: /'
note "replay check finished after $((SECONDS - start))s"

# The replay's advice, restricted to what a running kernel can change, on a
# workload recorded in the guest and applied live in the same boot
# (scripts/guest-live-advice.sh, Documentation/replay.rst): the peak held
# must not grow. The host gives the search (the candidates), the static
# user-space replay plays them in the guest. kalloc is loaded with carrier
# migration off, as the replay has no carrier pool to stand for the kernel's.
live_advice_guest() {	# out dir
	local dir=$1 start=$SECONDS stress=$KALLOC_ROOT/tools/testing/kalloc
	note "a workload recorded, advised on, tuned for live and run again in one boot"
	mkdir -p "$dir"
	make -s -C "$stress" KTOOLS="$("$KALLOC_ROOT/scripts/ktools.sh")" ka_replay.static \
		>"$dir/build.log" 2>&1 || cat "$dir/build.log"
	python3 "$KALLOC_ROOT/tools/kalloc-replay" --candidates --live --no-migration \
		>"$dir/candidates"
	kalloc_minix_inputs "$dir"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" --timeout "${KALLOC_VM_TIMEOUT:-1500}" \
		--append "brd.rd_size=32768 no_hash_pointers" --no-kalloc \
		--insmod "$KALLOC_BUILD/obj-6.12/kalloc.ko opts=\"+MDacul 0\"" \
		--modules-dir "$KALLOC_BUILD/obj-6.12" --file "$dir/candidates" \
		--file "$stress/ka_replay.static" --file "$KALLOC_ROOT/tools/kalloc-record" \
		--file "$dir/tree.tar" --file "$dir/minix.img" \
		--file "$KALLOC_KERNEL_TREE/fs/minix/minix.ko" \
		--file "$KALLOC_ROOT/scripts/guest-minix-workload.sh" \
		--file "$KALLOC_BUILD/obj-6.12/kalloc_bench.ko" \
		--script "$KALLOC_ROOT/scripts/guest-live-advice.sh"
	python3 "$KALLOC_ROOT/scripts/guest_checks.py" "$dir/console.log" KALLOC-LIVE \
		"$out/group-liveadvice.json" | sed "s/^/  live advice: /"
	grep -hE "KALLOC-LIVE: (recorded|figure|search|advice) " "$dir/console.log" |
		sed "s/^.*KALLOC-LIVE: /  live advice: /"
	note "live-advice guest finished after $((SECONDS - start))s"
}
live_advice_guest "$out/live-advice"

# KASAN's and kmemleak's view and the trace events, in a guest of their own on
# each test kernel: a provoked KASAN report turns lockdep off for the rest
# of the boot. ktap.py excuses exactly the reports the cases bracket; the
# guest script's checks (scripts/guest-debug.sh) are counted beside them.
debug_guest() {	# flavor, modules dir, out dir
	local flavor=$1 mods=$2 dir=$3 start=$SECONDS
	note "booting the debugging tools' guest ($flavor kernel): KASAN, kmemleak, trace events"
	KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" \
		--timeout "${KALLOC_VM_TIMEOUT:-900}" --append kasan_multi_shot \
		--modules-dir "$mods" "$mods/kalloc_debug_kunit.ko" \
		--script "$KALLOC_ROOT/scripts/guest-debug.sh"
	note "debugging tools' guest ($flavor) finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" --expected-reports \
		--expect "$KALLOC_ROOT"/kunit/debug/*.c --group "$out/group-debug-$flavor.json" \
		>"$dir/judge.txt"
	sed "s/^/  debug ($flavor): /" "$dir/judge.txt"
	python3 "$KALLOC_ROOT/scripts/guest_checks.py" "$dir/console.log" KALLOC-DEBUG \
		"$out/group-debugscript-$flavor.json" | sed "s/^/  debug script ($flavor): /"
}
debug_guest test "$KALLOC_BUILD/obj-6.12" "$out/debug"

# Real modules of the kernel's own tree, built with the kmalloc shim, in a
# guest of their own (init_on_alloc=1, which test_meminit needs): their
# tests, their allocations served by kalloc, nothing left when they unload.
# On 6.1 without lib/overflow_kunit.c: 6.1 runs a module's suites before the
# module has its sysfs entry, so its allocation case fails there unshimmed
# too (root_device_register()); the guest script counts it as skipped.
shimmed_guest() {	# flavor, kalloc modules dir, out dir, group suffix
	local flavor=$1 mods=$2 dir=$3 sfx=$4 start=$SECONDS shimmed f files=() expect=()
	local skip=none what="test_meminit, test_memcat_p, overflow_kunit, minix, vfat, ext2, refscale"
	[ "$flavor" = 6.1 ] && skip=overflow_kunit.ko what="test_meminit, test_memcat_p, minix, vfat"
	note "booting the shimmed kernel modules' guest ($flavor kernel): $what"
	if ! shimmed=$(KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/build-shimmed.sh" "$mods"); then
		echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["shimmed modules did not build"]}' \
			>"$out/group-shimmed$sfx.json"
		return
	fi
	for f in "$shimmed"/*.ko "$shimmed/minix.img"; do
		[ "$(basename "$f")" = "$skip" ] || files+=(--file "$f")
	done
	[ "$skip" = overflow_kunit.ko ] || expect=(--expect "$shimmed/lib/overflow_kunit.c")
	KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" \
		--timeout "${KALLOC_VM_TIMEOUT:-900}" --append init_on_alloc=1 \
		--modules-dir "$mods" "${files[@]}" --script "$KALLOC_ROOT/scripts/guest-shimmed.sh"
	note "shimmed kernel modules' guest ($flavor) finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" "${expect[@]}" \
		--group "$out/group-shimmed$sfx.json" >"$dir/judge.txt"
	sed "s/^/  shimmed ($flavor): /" "$dir/judge.txt"
	python3 "$KALLOC_ROOT/scripts/guest_checks.py" "$dir/console.log" KALLOC-SHIM \
		"$out/group-shimscript$sfx.json" | sed "s/^/  shimmed script ($flavor): /"
}
shimmed_guest test "$KALLOC_BUILD/obj-6.12" "$out/shimmed" ""

# Faults injected into kalloc's allocations and the page allocator's, in a
# guest of its own: the page allocator's reach whatever the filter lets in.
fault_guest() {	# flavor, modules dir, out dir, group suffix
	local flavor=$1 mods=$2 dir=$3 sfx=$4 start=$SECONDS
	note "booting the fault-injection guest ($flavor kernel): the stress with 1 % of allocations failing"
	KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" \
		--timeout "${KALLOC_VM_TIMEOUT:-1500}" --append panic_on_warn=1 \
		--modules-dir "$mods" --file "$mods/kalloc_fault_kunit.ko" \
		--script "$KALLOC_ROOT/scripts/guest-fault.sh"
	note "fault-injection guest ($flavor) finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" \
		--expect $(kalloc_suite_files fault) --group "$out/group-fault$sfx.json" \
		>"$dir/judge.txt"
	sed "s/^/  fault ($flavor): /" "$dir/judge.txt"
	python3 "$KALLOC_ROOT/scripts/guest_checks.py" "$dir/console.log" KALLOC-FAULT \
		"$out/group-faultscript$sfx.json" | sed "s/^/  fault script ($flavor): /"
	grep -h "KALLOC-FAULT: ops\|KALLOC-FAULT: fail_page_alloc" "$dir/console.log" |
		sed "s/^.*KALLOC-FAULT: /  fault ($flavor): /"
}
fault_guest test "$KALLOC_BUILD/obj-6.12" "$out/fault" ""

# Many CPUs and four nodes (Documentation/cpu.rst): what kalloc costs per
# possible CPU after the load and after one pass of every class on every
# CPU, at 4, 16 and 64 vCPUs; the 16-vCPU, 4-node guest also runs the
# suites that need CPUs and nodes (scripts/guest-scale.sh). The 64-vCPU
# guest boots with 4 online and the script brings the rest up (TCG on two
# host cores stalls for minutes in a boot's stop_machine() with 64 online);
# the delay loop is not calibrated on each vCPU (lpj=, tsc=reliable).
scale_guest() {	# vCPUs, nodes, out dir, "full" or ""
	local cpus=$1 nodes=$2 dir=$3 full=$4 start=$SECONDS
	local expect=("$KALLOC_ROOT/kalloc/pcpu/tests/scale_kunit.c") boot=
	[ "$cpus" -gt 16 ] && boot=maxcpus=4
	# 16 vCPU threads on two host cores: a vCPU can wait its host thread's
	# turn for over a minute, which RCU's stall detector (60 s) reports.
	# kmemleak is off here (the main and debugging guests run it): its one
	# global lock, taken by every kernel allocation, queues every vCPU
	# behind whichever host thread is not running, for minutes at a time
	local stall="rcupdate.rcu_cpu_stall_timeout=300 kmemleak=off"
	[ "$full" = full ] && expect+=("$KALLOC_ROOT/kalloc/pcpu/tests/cpu_kunit.c"
				       "$KALLOC_ROOT/kalloc/tests/pool_kunit.c")
	note "booting a $cpus-vCPU, $nodes-node guest: kalloc's memory per CPU${full:+, the many-CPU suites}"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" --cpus "$cpus" --nodes "$nodes" \
		--timeout "${KALLOC_VM_TIMEOUT:-1500}" \
		--append "panic_on_warn=1 kalloc_scale=$full $boot lpj=4000000 tsc=reliable $stall" \
		--modules-dir "$KALLOC_BUILD/obj-6.12" --file "$KALLOC_BUILD/obj-6.12/kalloc_kunit.ko" \
		--script "$KALLOC_ROOT/scripts/guest-scale.sh"
	note "$cpus-vCPU guest finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" --expect "${expect[@]}" \
		--group "$out/group-scale-$cpus.json" >"$dir/judge.txt"
	sed "s/^/  $cpus vCPUs: /" "$dir/judge.txt"
	python3 "$KALLOC_ROOT/scripts/guest_checks.py" "$dir/console.log" KALLOC-SCALE \
		"$out/group-scalescript-$cpus.json" | sed "s/^/  $cpus-vCPU script: /"
	grep -h "KALLOC-SCALE: figure" "$dir/console.log" | sed "s/^.*KALLOC-SCALE: figure /  $cpus vCPUs: /"
}
scale_guest 4 2 "$out/scale-4" ""
scale_guest 16 4 "$out/scale-16" full
scale_guest 64 4 "$out/scale-64" ""

# The whole KUnit run again on another test kernel, judged as its group.
suites_guest() {	# flavor, modules dir, out dir, group name, label, kernel command line
	local flavor=$1 mods=$2 dir=$3 group=$4 label=$5 append=$6 start=$SECONDS
	note "booting the $label test kernel: every KUnit suite again ($append)"
	KALLOC_FLAVOR=$flavor "$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$dir" \
		--timeout "${KALLOC_VM_TIMEOUT:-1500}" --append "$append" \
		--modules-dir "$mods" "$mods/kalloc_kunit.ko" \
		--insmod "$mods/kalloc_bench.ko scale=1000"
	note "$label guest finished with status $? after $((SECONDS - start))s"
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$dir/console.log" --expected-reports \
		--expect $(kalloc_suite_files main) --json "$dir/results.json" \
		--group "$out/$group.json" >"$dir/judge.txt"
	sed "s/^/  $label: /" "$dir/judge.txt"
}

# PREEMPT_RT: sleeping spinlocks, local_lock_t as a per-CPU lock, threaded
# interrupts.
# The PREEMPT_RT guest also hardens memory as kmalloc users may ask
# (init_on_alloc, init_on_free): the cases that need them run there.
suites_guest rt "$KALLOC_BUILD/obj-6.12-rt" "$out/rt" group-rt PREEMPT_RT \
	"panic_on_warn=1 init_on_alloc=1 init_on_free=1"
debug_guest rt "$KALLOC_BUILD/obj-6.12-rt" "$out/debug-rt"

# The test kernel built from Debian's 6.1 source: the other side of
# kalloc/compat.h, run rather than only compiled.
suites_guest 6.1 "$KALLOC_BUILD/obj-6.1-test" "$out/k61" group-61 6.1 panic_on_warn=1
exhaust_guest 6.1 "$KALLOC_BUILD/obj-6.1-test" "$out/exhaust-61" group-exhaust-61
debug_guest 6.1 "$KALLOC_BUILD/obj-6.1-test" "$out/debug-61"
shimmed_guest 6.1 "$KALLOC_BUILD/obj-6.1-test" "$out/shimmed-61" -61

extra=()
for j in "$out"/group-*.json; do
	[ -f "$j" ] && extra+=(--extra "$(basename "$j" .json)=$j")
done

echo "Results (parsed: $out/results.json):"
python3 "$KALLOC_ROOT/scripts/ktap.py" "$out/console.log" --expected-reports \
	--expect $(kalloc_suite_files main) "${extra[@]}" --json "$out/results.json"
judge_rc=$?

[ $judge_rc -eq 0 ] && [ $vm_rc -eq 0 ] && [ $utest_rc -eq 0 ] && [ $style_rc -eq 0 ]
