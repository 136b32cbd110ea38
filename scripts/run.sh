#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the VM, load kalloc and the demo client (which allocates
# through kalloc on every CPU), and show what kalloc publishes in debugfs.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$KALLOC_ROOT/scripts/deps.sh"
obj=$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
out=$KALLOC_BUILD/run
mkdir -p "$out"

show='for f in $(find /sys/kernel/debug/kalloc -type f | sort); do
	echo "----- $f"
	cat "$f"
done'

set +e
"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out" --timeout 600 --modules-dir "$obj" \
	"$obj/kalloc_demo.ko" --cmd "$show"
rc=$?
set -e
# The boot itself is noise here; show everything from the guest's first word.
sed -n '/KALLOC-VM: begin/,$p' "$out/console.log"
echo "(full console log: $out/console.log)"
exit $rc
