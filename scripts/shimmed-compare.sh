#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The shimmed kernel modules against the same modules on kmalloc: both
# builds of scripts/build-shimmed.sh run scripts/guest-shimmed-measure.sh in
# instruction-count mode on the test kernel, and the table of time (guest
# ms, a ns per instruction) and peak memory (largest MemFree drop) is
# printed. Not part of make check: it times things. Documentation/shim.rst
# records its latest output.
set -euo pipefail
. "$(dirname "$0")/common.sh"

obj=$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
out=$KALLOC_BUILD/shimmed-compare
mkdir -p "$out"
for how in shim plain; do
	flag=()
	[ $how = shim ] || flag=(--plain)
	dir=$("$KALLOC_ROOT/scripts/build-shimmed.sh" "${flag[@]}" "$obj")
	files=()
	for f in "$dir"/*.ko "$dir/minix.img"; do
		files+=(--file "$f")
	done
	note "instruction-count guest: the modules $([ $how = shim ] && echo on kalloc || echo on kmalloc)"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --icount --out "$out/$how" --timeout 1800 \
		--append init_on_alloc=1 --modules-dir "$obj" "${files[@]}" \
		--script "$KALLOC_ROOT/scripts/guest-shimmed-measure.sh" || true
done
python3 - "$out/shim/console.log" "$out/plain/console.log" <<'PY'
import re, sys
def read(path):
    r = {}
    for line in open(path, errors="replace"):
        m = re.search(r"KALLOC-MEASURE: (\S+) (\d+) (-?\d+)", line)
        if m:
            r[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return r
shim, plain = read(sys.argv[1]), read(sys.argv[2])
print(f"{'module':16} {'kalloc ms':>10} {'kmalloc ms':>10} {'ratio':>6} {'kalloc KiB':>10} {'kmalloc KiB':>11}")
for name in plain:
    if name not in shim:
        print(f"{name:16} missing in the shimmed run")
        continue
    (ts, ps), (tp, pp) = shim[name], plain[name]
    print(f"{name:16} {ts/1e3:10.2f} {tp/1e3:10.2f} {ts/tp:6.2f} {ps:10d} {pp:11d}")
PY
