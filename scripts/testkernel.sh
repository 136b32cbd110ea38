#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the test kernel: Debian's linux-source-6.12 over x86-64
# tinyconfig plus scripts/testkernel.config (or, with KALLOC_FLAVOR=bench,
# scripts/benchkernel.config). The tree lives in the cache
# ($KALLOC_CACHE, default ~/.cache/kalloc) and is rebuilt only when the source
# package version, the fragment or this recipe changes.
#
#   scripts/testkernel.sh              build if needed, print the tree's path
#   scripts/testkernel.sh --print-dir  print the path only
set -euo pipefail
. "$(dirname "$0")/common.sh"

tree=$KALLOC_KERNEL_TREE
if [ "${1:-}" = "--print-dir" ]; then
	echo "$tree"
	exit 0
fi

"$KALLOC_ROOT/scripts/deps.sh"

fragment=$KALLOC_FRAGMENT
if [ -n "${KALLOC_FRAGMENT_OVER:-}" ]; then
	# the base fragment without the options the overlay names, then the overlay
	mkdir -p "$KALLOC_CACHE"
	merged=$KALLOC_CACHE/fragment-$KALLOC_FLAVOR.config
	opts=$(sed -n -e 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' \
		-e 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1/p' "$KALLOC_FRAGMENT_OVER")
	grep -v -w -F "$opts" "$fragment" >"$merged.tmp" || true
	cat "$KALLOC_FRAGMENT_OVER" >>"$merged.tmp"
	mv "$merged.tmp" "$merged"
	fragment=$merged
fi
srcver=$(dpkg-query -W -f='${Version}' "$KALLOC_KERNEL_PKG")
recipe=2 # bump when the build steps below change
key="$srcver $(sha256sum "$fragment" | cut -d' ' -f1) $recipe"

mkdir -p "$KALLOC_CACHE" "$KALLOC_BUILD/logs"
exec 9>"$KALLOC_CACHE/.lock"
flock 9

if [ -f "$tree/.kalloc-stamp" ] && [ "$(cat "$tree/.kalloc-stamp")" = "$key" ] &&
   [ -f "$tree/arch/x86/boot/bzImage" ] && [ -f "$tree/Module.symvers" ]; then
	note "test kernel: cached ($srcver) in $tree"
	echo "$tree"
	exit 0
fi

if [ ! -f "$tree/.kalloc-srcver" ] || [ "$(cat "$tree/.kalloc-srcver")" != "$srcver" ]; then
	note "test kernel: extracting $KALLOC_KERNEL_SRC ($srcver)"
	rm -rf "$tree" "$KALLOC_CACHE/extract"
	mkdir -p "$KALLOC_CACHE/extract"
	tar -xf "$KALLOC_KERNEL_SRC" -C "$KALLOC_CACHE/extract"
	mv "$KALLOC_CACHE/extract"/linux-source-* "$tree"
	rmdir "$KALLOC_CACHE/extract"
	echo "$srcver" >"$tree/.kalloc-srcver"
fi

log=$KALLOC_BUILD/logs/kernel-build.log
[ "$KALLOC_FLAVOR" = test ] || log=$KALLOC_BUILD/logs/kernel-build-$KALLOC_FLAVOR.log
note "test kernel: configuring and building in $tree (log: $log)"
cd "$tree"
rm -f .kalloc-stamp
{
	make ARCH=x86_64 tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	make ARCH=x86_64 olddefconfig
} >"$log" 2>&1 || { tail -n 30 "$log"; die "kernel configuration failed"; }

# A fragment line that did not survive olddefconfig is a configuration error.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" .config || { echo "not in force: $line" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" .config && { echo "not in force: $line" >&2; bad=1; } ;;
	esac
done <"$fragment"
[ $bad -eq 0 ] || die "config fragment not satisfied (see above)"

if ! make ARCH=x86_64 -j"$KALLOC_JOBS" bzImage modules_prepare >>"$log" 2>&1 ||
   ! make ARCH=x86_64 -j"$KALLOC_JOBS" modules >>"$log" 2>&1; then
	tail -n 40 "$log"
	die "kernel build failed"
fi

echo "$key" >.kalloc-stamp
note "test kernel: built"
echo "$tree"
