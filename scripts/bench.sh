#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: kalloc against the kernel's allocators in the benchmark kernel
# (no KASAN, lockdep or SLUB debugging), booted twice in instruction-count mode
# (the reproducible witness; the second boot checks that it repeats) and once
# under ordinary TCG, every figure a ratio to the kernel's allocator of the
# same boot; then the allocator core natively against user-space allocators.
# Documentation/performance.rst explains the tables.
set -euo pipefail
# The benchmark kernel: no KASAN, lockdep or SLUB debugging to skew the ratios.
export KALLOC_FLAVOR=bench
. "$(dirname "$0")/common.sh"

"$KALLOC_ROOT/scripts/deps.sh" --bench
obj=$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
out=$KALLOC_BUILD/bench
mkdir -p "$out"
echo "Locked instructions and interrupt save/restore on the same-CPU 64 B pair (from kalloc.ko):"
python3 "$KALLOC_ROOT/scripts/fastpath_atomics.py" "$obj/kalloc.ko" |
	tee "$out/fastpath.txt"
echo
for run in icount icount-repeat tcg; do
	mode=()
	[ "$run" = tcg ] || mode=(--icount)
	note "benchmark boot: $run"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet "${mode[@]}" --out "$out/$run" --timeout 1800 \
		--modules-dir "$obj" "$obj/kalloc_bench.ko"
done
echo "In the benchmark VM (consoles: $out/{icount,icount-repeat,tcg}/console.log):"
python3 "$KALLOC_ROOT/scripts/bench_report.py" --icount "$out/icount/console.log" \
	--icount-repeat "$out/icount-repeat/console.log" --tcg "$out/tcg/console.log" |
	tee "$out/report.txt"

echo
# P2 and P3 at 1 to 16 vCPUs, instruction-count mode (Documentation/performance.rst,
# "Scaling with the CPU count"); 16 vCPUs on 4 nodes, fewer on up to 2.
scaling=()
for cpus in 1 2 4 8 16; do
	nodes=()
	[ "$cpus" -eq 16 ] && nodes=(--nodes 4)
	note "benchmark boot: P2 and P3 on $cpus vCPU(s)"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --icount --cpus "$cpus" "${nodes[@]}" \
		--append "lpj=4000000 tsc=reliable" \
		--out "$out/scale-$cpus" --timeout 1800 --modules-dir "$obj" \
		--insmod "$obj/kalloc_bench.ko only=P2,P3" >/dev/null ||
		echo "scaling boot with $cpus vCPU(s) failed"
	scaling+=("$cpus=$out/scale-$cpus/console.log")
done
python3 "$KALLOC_ROOT/scripts/bench_report.py" --scaling "${scaling[@]}" | tee "$out/scaling.txt"

echo
echo "Interrupts-off sections (irqsoff tracer, latency kernel, instruction-count mode:"
echo "1 guest us = 1,000 instructions; the longest section of each phase, where it began"
echo "and ended; consoles: $out/latency-{1,2}/console.log):"
latobj=$(KALLOC_FLAVOR=latency "$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
# Without the PS/2 probe, whose spinning once stalled a 2-vCPU boot in
# instruction-count mode.
for cpus in 1 2; do
	KALLOC_FLAVOR=latency "$KALLOC_ROOT/scripts/vm.sh" --quiet --icount --cpus "$cpus" \
		--append "i8042.noaux=1 i8042.nokbd=1" \
		--out "$out/latency-$cpus" --timeout 1800 --modules-dir "$latobj" \
		--file "$latobj/kalloc_latency.ko" --script "$KALLOC_ROOT/scripts/guest-latency.sh" \
		>/dev/null || echo "latency boot with $cpus vCPU(s) failed"
	sed -n "s/.*KALLOC-LATENCY: phase \(.*\)/  $cpus vCPU: \1/p" "$out/latency-$cpus/console.log"
done | tee "$out/latency.txt"

echo
echo "Natively, the core alone (user-space build, -O2, no sanitizers):"
make -s -C "$KALLOC_ROOT/tools/testing/kalloc" KTOOLS="$("$KALLOC_ROOT/scripts/ktools.sh")" ka_bench
bench=$KALLOC_ROOT/tools/testing/kalloc/ka_bench
"$bench" | tee "$out/native.txt"
echo
echo "Natively, instructions per operation (valgrind --tool=callgrind, small counts):"
rm -rf "$out/callgrind"
mkdir -p "$out/callgrind"
GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536 valgrind --tool=callgrind -q \
	--collect-atstart=no --callgrind-out-file="$out/callgrind/cg.%p" "$bench" -n >/dev/null
python3 "$KALLOC_ROOT/scripts/callgrind_ops.py" "$out/callgrind" | tee "$out/native-instructions.txt"
