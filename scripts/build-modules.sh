#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the modules out of the source tree, in $KALLOC_BUILD/obj-<kernel>, with
# W=1 (and sparse on 6.12); any warning fails the build.
#
#   scripts/build-modules.sh 6.12   against the test kernel (built if needed)
#   scripts/build-modules.sh 6.1    against Debian's 6.1 headers (compile only)
#   KALLOC_FLAVOR=6.1 scripts/build-modules.sh 6.1
#                                   against the 6.1 test kernel (built if needed)
set -euo pipefail
. "$(dirname "$0")/common.sh"

which=${1:?usage: build-modules.sh 6.12|6.1}
# sparse runs on the primary target; its warnings fail the build like the compiler's.
check=()
case "$which" in
6.12) kdir=$("$KALLOC_ROOT/scripts/testkernel.sh"); check=(C=2) ;;
6.1)
	if [ "$KALLOC_FLAVOR" = 6.1 ]; then
		kdir=$("$KALLOC_ROOT/scripts/testkernel.sh"); check=(C=2)
	else
		kdir=$(kalloc_headers_61) || die "no linux-headers-6.1.*-amd64: run scripts/deps.sh"
	fi ;;
*) die "unknown kernel '$which'" ;;
esac

obj=$KALLOC_BUILD/obj-$which
case "$KALLOC_FLAVOR" in
test) ;;
6.1) obj=$obj-test ;;
*) obj=$obj-$KALLOC_FLAVOR ;;
esac
log=$KALLOC_BUILD/logs/modules-$(basename "$obj").log
mkdir -p "$KALLOC_BUILD/logs"
rm -rf "$obj"
mkdir -p "$obj"
(cd "$KALLOC_ROOT" && cp -a Kbuild include kalloc debugfs sysfs kunit samples "$obj/")

if ! make -C "$kdir" M="$obj" W=1 "${check[@]}" -j"$KALLOC_JOBS" modules >"$log" 2>&1; then
	cat "$log" >&2
	die "module build against $which ($kdir) failed"
fi
# Our sources must be clean. sparse also reports inside the kernel's own
# headers (rb_link_node_rcu() in rbtree.h trips it for every user of
# rbtree_latch.h); those lines name ./include/ and are shown, not counted.
if grep -E "^$obj/.*(warning|error):" "$log" >/dev/null; then
	grep -E -B2 -A4 "^$obj/.*(warning|error):" "$log" >&2
	die "module build against $which has warnings (W=1 and sparse must be clean)"
fi
if grep -E "(warning|error):" "$log" | grep -vE "^\./include/" | grep -q .; then
	grep -E "(warning|error):" "$log" >&2
	die "module build against $which has warnings outside the kernel's headers"
fi
note "modules built against $which: $(cd "$obj" && ls ./*.ko | xargs -n1 basename | tr '\n' ' ')"
echo "$obj"
