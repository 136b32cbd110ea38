#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the VM, load kalloc and the demo client (which allocates
# through kalloc on every CPU and frees across CPUs), show what kalloc
# publishes in debugfs, and the report tools/kalloc-report makes of it.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$KALLOC_ROOT/scripts/deps.sh"
obj=$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12)
out=$KALLOC_BUILD/run
mkdir -p "$out"

show='cd /sys/kernel/debug/kalloc
for f in $(find . -type f | sort); do
	echo "===KFILE ${f#./}"
	cat "$f"
done
echo "===KEND"'

set +e
"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out" --timeout 600 --modules-dir "$obj" \
	"$obj/kalloc_demo.ko" --cmd "$show"
rc=$?
set -e
# The boot itself is noise here; show everything from the guest's first word.
sed -n '/KALLOC-VM: begin/,/===KEND/p' "$out/console.log" | sed 's/^===KFILE /----- /; /^===KEND/d'

# The files, saved as a copy of the debugfs directory, and the report on them.
rm -rf "$out/debugfs"
mkdir -p "$out/debugfs"
awk -v dir="$out/debugfs" '
	/^===KEND/ { file = ""; next }
	/^===KFILE / {
		file = dir "/" $2
		sub_dir = $2
		if (sub("/[^/]*$", "", sub_dir))
			system("mkdir -p \"" dir "/" sub_dir "\"")
		printf "" > file
		next
	}
	/^\[ *[0-9]+\.[0-9]+\]/ { next }
	file != "" { print >> file }
' "$out/console.log"
echo
"$KALLOC_ROOT/tools/kalloc-report" "$out/debugfs" || rc=1
echo "(full console log: $out/console.log; saved statistics: $out/debugfs)"
exit $rc
