# SPDX-License-Identifier: GPL-2.0
# Shared paths and helpers for kalloc's harness scripts; sourced, not run.

KALLOC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KALLOC_CACHE=${KALLOC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kalloc}
KALLOC_BUILD=${KALLOC_BUILD:-$KALLOC_ROOT/build}
KALLOC_KERNEL_SRC=${KALLOC_KERNEL_SRC:-/usr/src/linux-source-6.12.tar.xz}
KALLOC_KERNEL_PKG=${KALLOC_KERNEL_PKG:-linux-source-6.12}
# The test kernel (KUnit, KASAN, lockdep), with KALLOC_FLAVOR=rt the same
# kernel with PREEMPT_RT, or with KALLOC_FLAVOR=bench the benchmark kernel (no
# debugging options; KALLOC_FLAVOR=latency: with the irqsoff tracer), or with KALLOC_FLAVOR=6.1 the test kernel built from
# linux-source-6.1, each in its own cached tree. KALLOC_FRAGMENT_OVER holds
# lines that replace the base fragment's lines for the same options.
KALLOC_FLAVOR=${KALLOC_FLAVOR:-test}
case "$KALLOC_FLAVOR" in
bench)
	KALLOC_KERNEL_TREE=${KALLOC_KERNEL_TREE:-$KALLOC_CACHE/linux-6.12-bench}
	KALLOC_FRAGMENT=$KALLOC_ROOT/scripts/benchkernel.config ;;
latency)
	# the benchmark kernel with the interrupts-off latency tracer
	KALLOC_KERNEL_TREE=${KALLOC_KERNEL_TREE:-$KALLOC_CACHE/linux-6.12-latency}
	KALLOC_FRAGMENT=$KALLOC_ROOT/scripts/benchkernel.config
	KALLOC_FRAGMENT_OVER=$KALLOC_ROOT/scripts/latencykernel.config ;;
6.1)
	# the same test kernel from Debian's older LTS source
	KALLOC_KERNEL_TREE=${KALLOC_KERNEL_TREE:-$KALLOC_CACHE/linux-6.1}
	KALLOC_KERNEL_SRC=/usr/src/linux-source-6.1.tar.xz
	KALLOC_KERNEL_PKG=linux-source-6.1
	KALLOC_FRAGMENT=$KALLOC_ROOT/scripts/testkernel.config
	KALLOC_FRAGMENT_OVER=$KALLOC_ROOT/scripts/kernel61.config ;;
rt)
	KALLOC_KERNEL_TREE=${KALLOC_KERNEL_TREE:-$KALLOC_CACHE/linux-6.12-rt}
	KALLOC_FRAGMENT=$KALLOC_ROOT/scripts/testkernel.config
	KALLOC_FRAGMENT_OVER=$KALLOC_ROOT/scripts/rtkernel.config ;;
*)
	KALLOC_KERNEL_TREE=${KALLOC_KERNEL_TREE:-$KALLOC_CACHE/linux-6.12}
	KALLOC_FRAGMENT=$KALLOC_ROOT/scripts/testkernel.config ;;
esac
KALLOC_JOBS=${KALLOC_JOBS:-$(nproc)}

die() {
	echo "kalloc: $*" >&2
	exit 1
}

note() {
	echo "==> $*" >&2
}

# Newest Debian 6.1 headers tree, for the compile-only check against the older LTS.
kalloc_headers_61() {
	local d
	d=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && echo "$d"
}

# The files whose KUnit suites a guest must run: "main" for kalloc_kunit.ko
# (the black-box suites in kunit/ and the white-box ones built into
# kalloc.ko from the tests/ folders), "exhaust" for kalloc_exhaust_kunit.ko.
# The minix workload's inputs (scripts/guest-minix-workload.sh) in $1: the
# test kernel's mm/ sources as tree.tar, an empty minix filesystem as
# minix.img (32 MiB, the guest's brd.rd_size=32768).
kalloc_minix_inputs() {
	tar -C "$KALLOC_KERNEL_TREE" -cf "$1/tree.tar" --exclude='*.o' --exclude='*.cmd' \
		--exclude='*.a' --exclude='.*' mm
	dd if=/dev/zero of="$1/minix.img" bs=1k count=32768 status=none
	mkfs.minix -3 "$1/minix.img" >/dev/null
}

kalloc_suite_files() {
	case "$1" in
	exhaust) echo "$KALLOC_ROOT/kalloc/tests/exhaust_kunit.c" ;;
	fault) echo "$KALLOC_ROOT/kalloc/pcpu/tests/fault_kunit.c" ;;
	main)
		ls "$KALLOC_ROOT"/kunit/*_kunit.c "$KALLOC_ROOT"/kalloc/tests/*_kunit.c \
			"$KALLOC_ROOT"/kalloc/*/tests/*_kunit.c |
			grep -v -e '/exhaust_kunit\.c$' -e '/fault_kunit\.c$' ;;
	*) die "no suite group '$1'" ;;
	esac
}
