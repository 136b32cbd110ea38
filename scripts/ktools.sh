#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print a directory holding the kernel's tools/include and tools/lib/rbtree.c
# for the user-space build of the core: the test kernel tree when it exists,
# otherwise just those parts, extracted once from Debian's linux-source-6.12.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ -f "$KALLOC_KERNEL_TREE/tools/lib/rbtree.c" ]; then
	echo "$KALLOC_KERNEL_TREE"
	exit 0
fi
dir=$KALLOC_CACHE/ktools-6.12
if [ ! -f "$dir/tools/lib/rbtree.c" ]; then
	"$KALLOC_ROOT/scripts/deps.sh" >&2
	mkdir -p "$KALLOC_CACHE"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xf "$KALLOC_KERNEL_SRC" -C "$dir.tmp" --strip-components=1 \
		--wildcards '*/tools/include' '*/tools/lib/rbtree.c' >&2
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
