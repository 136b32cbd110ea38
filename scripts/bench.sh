#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: kalloc against kmalloc and kmem_cache in one boot of the
# benchmark kernel (ratios are what counts: TCG inflates every absolute
# number), then the allocator core natively in user space against glibc malloc.
set -euo pipefail
# The benchmark kernel: no KASAN, lockdep or SLUB debugging to skew the ratios.
export KALLOC_FLAVOR=bench
. "$(dirname "$0")/common.sh"

"$KALLOC_ROOT/scripts/deps.sh"
obj=$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
out=$KALLOC_BUILD/bench
mkdir -p "$out"
"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out" --timeout 900 --modules-dir "$obj" \
	"$obj/kalloc_bench.ko"
echo "In the benchmark VM (TCG, no debugging options; console: $out/console.log):"
sed -n 's/^\[ *[0-9.]*\] kalloc_bench: /  /p' "$out/console.log"

echo "Natively, the core alone (user-space build, -O2, no sanitizers):"
make -s -C "$KALLOC_ROOT/tools/testing/kalloc" KTOOLS="$("$KALLOC_ROOT/scripts/ktools.sh")" ka_bench
"$KALLOC_ROOT/tools/testing/kalloc/ka_bench"
