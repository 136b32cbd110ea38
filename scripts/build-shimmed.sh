#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Real modules of the test kernel's own source tree, built out of tree with
# the kmalloc shim (include/kalloc_shim.h) taken in by every file, against
# the test kernel and kalloc's Module.symvers: lib/test_meminit.c,
# lib/test_memcat_p.c, lib/overflow_kunit.c and the minix filesystem, as the
# kernel ships them. Also a minix image for the guest (mkfs.minix, util-linux).
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
mkdir -p "$out/lib" "$out/minix" "$KALLOC_BUILD/logs"
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

for d in lib minix; do
	if ! make -C "$kdir" M="$out/$d" KBUILD_EXTRA_SYMBOLS="$(realpath "$kobj")/Module.symvers" \
		-j"$KALLOC_JOBS" modules >>"$log" 2>&1; then
		cat "$log" >&2
		die "shimmed $d modules do not build"
	fi
done

# The shim took: every module calls kalloc, and none calls kfree() itself.
for ko in "$out"/lib/*.ko "$out"/minix/*.ko; do
	syms=$(nm -u "$ko")
	if [ $plain -eq 1 ]; then
		cp "$ko" "$out/"
		continue
	fi
	grep -qw ka_shim_alloc <<<"$syms" || die "$(basename "$ko"): no call to ka_shim_alloc"
	if grep -qwE 'kfree|kvfree' <<<"$syms"; then
		die "$(basename "$ko"): calls kfree/kvfree past the shim"
	fi
	cp "$ko" "$out/"
done

rm -f "$out/minix.img"
dd if=/dev/zero of="$out/minix.img" bs=1k count=4096 status=none
mkfs.minix -3 "$out/minix.img" >>"$log" 2>&1 || die "mkfs.minix failed (util-linux)"
note "shimmed kernel modules built: $(cd "$out" && ls ./*.ko | xargs -n1 basename | tr '\n' ' ')"
echo "$out"
