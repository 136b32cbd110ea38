#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Real modules of the test kernel's own source tree, built out of tree with
# the kmalloc shim (include/kalloc_shim.h) taken in by every file, against
# the test kernel and kalloc's Module.symvers: lib/test_meminit.c,
# lib/test_memcat_p.c, lib/overflow_kunit.c, the minix, vfat and ext2 filesystems
# and, on 6.12, kernel/rcu/refscale.c with kernel/torture.c, as the kernel
# ships them. Also a minix image for the guest (mkfs.minix, util-linux).
# Prints the directory holding the .ko files and minix.img.
#
#   scripts/build-shimmed.sh [--plain] KALLOC_OBJ_DIR
#
# --plain builds the same modules without the shim, on kmalloc, for
# scripts/shimmed-compare.sh.
set -euo pipefail
. "$(dirname "$0")/common.sh"

plain=0
if [ "${1:-}" = --plain ]; then
	plain=1
	shift
fi
kobj=${1:?usage: build-shimmed.sh [--plain] KALLOC_OBJ_DIR (e.g. build/obj-6.12)}
[ -f "$kobj/Module.symvers" ] || die "no Module.symvers in $kobj: build kalloc first"
kdir=$("$KALLOC_ROOT/scripts/testkernel.sh")
out=$KALLOC_BUILD/shimmed-$(basename "$kobj")
[ $plain -eq 0 ] || out=$out-plain
log=$KALLOC_BUILD/logs/$(basename "$out").log
rm -rf "$out"
mkdir -p "$out/lib" "$out/minix" "$out/ext2" "$KALLOC_BUILD/logs"
: >"$log"

# the three lines of README.md: the shim's <linux/slab.h> comes first
shim="NOSTDINC_FLAGS += -I$KALLOC_ROOT/include/shim"
[ $plain -eq 0 ] || shim=
cp "$kdir"/lib/{test_meminit.c,test_memcat_p.c,overflow_kunit.c} "$out/lib/"
cat >"$out/lib/Kbuild" <<KBUILD
$shim
obj-m := test_meminit.o test_memcat_p.o overflow_kunit.o
KBUILD
cp "$kdir"/fs/minix/*.[ch] "$out/minix/"
{
	echo "$shim"
	sed -e 's/\$(CONFIG_MINIX_FS)/m/' "$kdir/fs/minix/Makefile" | grep -v '^#'
} >"$out/minix/Kbuild"

mkdir -p "$out/fat"
cp "$kdir"/fs/fat/*.[ch] "$out/fat/"
{
	echo "$shim"
	sed -e 's/\$(CONFIG_FAT_FS)/m/' -e 's/\$(CONFIG_VFAT_FS)/m/' "$kdir/fs/fat/Makefile" |
		grep -v '^#'
} >"$out/fat/Kbuild"
dirs="lib minix fat"
# 6.1's ext2 needs iomap_fiemap(), which its test kernel (no FS_IOMAP) lacks
if grep -q '^CONFIG_FS_IOMAP=y' "$kdir/.config" || ! grep -q iomap_ "$kdir/fs/ext2/inode.c"; then
	cp "$kdir"/fs/ext2/*.[ch] "$out/ext2/"
	{
		echo "$shim"
		sed -e 's/\$(CONFIG_EXT2_FS)/m/' "$kdir/fs/ext2/Makefile" | grep -v '^#'
	} >"$out/ext2/Kbuild"
	dirs="$dirs ext2"
fi
# refscale's RCU-type-safe cache (SLAB_TYPESAFE_BY_RCU with a constructor)
# exists from 6.10 on
if grep -q typesafe_kmem_cachep "$kdir/kernel/rcu/refscale.c"; then
	mkdir -p "$out/refscale/rcu"
	cp "$kdir/kernel/torture.c" "$kdir/kernel/rcu/refscale.c" "$out/refscale/"
	cp "$kdir/kernel/rcu/rcu.h" "$out/refscale/rcu/"	# torture.c's "rcu/rcu.h"
	cp "$kdir/kernel/rcu/rcu.h" "$out/refscale/"
	cat >"$out/refscale/Kbuild" <<KBUILD
$shim
obj-m := torture.o refscale.o
KBUILD
	dirs="$dirs refscale"
fi

for d in $dirs; do
	if ! make -C "$kdir" M="$out/$d" KBUILD_EXTRA_SYMBOLS="$(realpath "$kobj")/Module.symvers" \
		-j"$KALLOC_JOBS" modules >>"$log" 2>&1; then
		cat "$log" >&2
		die "shimmed $d modules do not build"
	fi
done

# The shim took: every module calls kalloc, and none calls kfree() itself.
for d in $dirs; do
	for ko in "$out/$d"/*.ko; do
		syms=$(nm -u "$ko")
		if [ $plain -eq 1 ]; then
			cp "$ko" "$out/"
			continue
		fi
		grep -qwE 'ka_shim_alloc|ka_shim_cache_alloc' <<<"$syms" ||
			die "$(basename "$ko"): no call to ka_shim_alloc or ka_shim_cache_alloc"
		if grep -qwE 'kfree|kvfree|kmem_cache_(alloc|alloc_noprof|alloc_lru_noprof|free|create|destroy)|__kmem_cache_create_args' <<<"$syms"; then
			die "$(basename "$ko"): calls the kernel's allocator past the shim"
		fi
		cp "$ko" "$out/"
	done
done

rm -f "$out/minix.img"
dd if=/dev/zero of="$out/minix.img" bs=1k count=4096 status=none
mkfs.minix -3 "$out/minix.img" >>"$log" 2>&1 || die "mkfs.minix failed (util-linux)"
note "shimmed kernel modules built: $(cd "$out" && ls ./*.ko | xargs -n1 basename | tr '\n' ' ')"
echo "$out"
