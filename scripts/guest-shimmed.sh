#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of the shimmed kernel modules' guest (scripts/check.sh): real
# modules of the kernel tree, built with include/kalloc_shim.h
# (scripts/build-shimmed.sh), loaded one by one. Each must pass its own
# test, have had its allocations served by its kalloc type, and leave no
# block behind when it unloads (its type is then destroyed). The minix
# filesystem is exercised here: files written, read back across an unmount
# and a reload of the module, its live allocations seen in the allocations
# view with their call sites, and with its inodes dropped between writing and
# reading (constructed objects freed and reused); so is ext2, with its
# usercopy cache and a fast symlink; refscale's lock-free readers of an
# RCU-type-safe cache run where the kernel has it. Each module's caches must
# be kalloc types that served its allocations, and gone after rmmod.
# Prints one "KALLOC-SHIM: ok|not ok NAME [why]"
# line per check. The guest boots with init_on_alloc=1, which test_meminit
# needs, so kalloc's blocks must come zeroed as kmalloc's do.
D=/sys/kernel/debug/kalloc
T=/sys/kernel/tracing
M=/lib/kalloc
failed=0

result() {	# name, empty or the reason it failed
	if [ -z "$2" ]; then
		echo "KALLOC-SHIM: ok $1"
	else
		echo "KALLOC-SHIM: not ok $1 $2"
		failed=1
	fi
}

# "allocs live" of type $1 from kalloc's [types] view; empty if it has none
type_counts() {
	sed -n '/^\[types\]/,/^$/p' $D/info | awk -v t="$1" '$1 == t { print $3, $6 }'
}

# check that type $1 has served allocations
served() {
	counts=$(type_counts "$1")
	allocs=${counts% *}
	if [ -z "$counts" ]; then
		why="$why; no kalloc type $1 (nothing served by kalloc)"
	elif [ "$allocs" -eq 0 ]; then
		why="$why; type $1 served no allocation"
	fi
	echo "shimmed $1: kalloc type $1 allocs/live: ${counts:-none}"
}

# insmod $1 (args $2) and check that its type served it
load() {
	dmesg -c >/dev/null
	insmod $M/$1.ko $2 || why="insmod failed"
	served "$1"
}

# for a module that has no exit function and cannot be unloaded
none_live() {
	live=${counts#* }
	[ "$live" = 0 ] || why="$why; $live blocks of $1 still allocated after its init"
}

# type $1 (a cache's) must be gone
gone() {
	left=$(type_counts "$1")
	[ -n "$left" ] && why="$why; cache type $1 still registered (allocs/live $left)"
}

# no warning or bug report since the last dmesg -c
no_splat() {
	dmesg | grep -qE "WARNING:|BUG:|kalloc: .*(not destroyed|double free|of type)" &&
		why="$why; a splat: $(dmesg | grep -m1 -E 'WARNING:|BUG:|kalloc:')"
}

# fs type $1 on $2, mounted on /mnt with the sums of its files in $3: read
# back after its inodes are dropped (freed into their cache, constructed ones
# taken again) and after a remount; left mounted
reread() {
	echo 2 > /proc/sys/vm/drop_caches
	md5sum -c "$3" >/dev/null || why="$why; files differ after drop_caches"
	umount /mnt || why="$why; umount failed"
	mount -t "$1" "$2" /mnt || why="$why; second mount failed"
	md5sum -c "$3" >/dev/null || why="$why; files differ after remount"
}

unload() {	# module [rmmod flag]
	rmmod $2 "$1" || why="$why; rmmod failed"
	left=$(type_counts "$1")
	[ -n "$left" ] && why="$why; type $1 still registered after unload (allocs/live $left)"
	dmesg | grep -q "unloaded with blocks" && why="$why; blocks left behind"
}

# ---- lib/test_memcat_p.c: it frees the core kernel's memcat_p() array ----
why=
load test_memcat_p
dmesg | grep -q "test_memcat_p: test passed" || why="$why; its test did not pass"
unload test_memcat_p
result test_memcat_p "$why"

# ---- lib/overflow_kunit.c: its KTAP is judged with the console; here the kalloc side ----
# (not given to the 6.1 guest, see scripts/check.sh; on 6.12 the judge
# requires its suite, so a module missing there fails all the same)
why=
if [ ! -e $M/overflow_kunit.ko ]; then
	echo "KALLOC-SHIM: skip overflow_kunit its suite cannot run as a module on this kernel"
else
	echo > $T/trace
	echo 'type == "overflow_kunit"' > $T/events/kalloc/ka_alloc/filter
	echo 1 > $T/events/kalloc/ka_alloc/enable
	load overflow_kunit
	echo 0 > $T/events/kalloc/ka_alloc/enable
	echo 0 > $T/events/kalloc/ka_alloc/filter
	# the module's own functions as call sites, read while it is loaded
	# (its test_kmalloc() and the like are inlined into the one case that calls them)
	n=$(grep -c "ka_alloc: call_site=overflow_allocation_test+0x[0-9a-f]*/0x[0-9a-f]* \[overflow_kunit\]" $T/trace)
	[ "$n" -ge 8 ] || why="$why; $n allocations traced from overflow_allocation_test, not 8 or more"
	[ -n "$why" ] && grep ka_alloc $T/trace | head -n 5
	unload overflow_kunit
	result overflow_kunit "$why"
fi

# ---- fs/minix: a filesystem on the shim ----
why=
dd if=$M/minix.img of=/dev/ram0 bs=4096 2>/dev/null || why="no /dev/ram0"
mkdir -p /mnt
insmod $M/minix.ko || why="$why; insmod failed"
mount -t minix /dev/ram0 /mnt || why="$why; mount failed"
served minix		# it allocates when it mounts
i=1
while [ $i -le 40 ]; do
	dd if=/dev/urandom of=/mnt/f$i bs=512 count=$i 2>/dev/null || why="$why; write f$i failed"
	i=$((i + 1))
done
mkdir -p /mnt/d/e && echo kalloc > /mnt/d/e/name || why="$why; mkdir failed"
rm /mnt/f7 /mnt/f9
md5sum /mnt/f* /mnt/d/e/name > /tmp/sums
served minix_inode_cache
# its inodes freed into their cache and constructed ones taken again
echo 2 > /proc/sys/vm/drop_caches
md5sum -c /tmp/sums >/dev/null || why="$why; files differ after drop_caches"
# while mounted its superblock and bitmaps are live, each under its call site
grep "^minix driver " $D/allocations > /tmp/allocs
grep -q "^minix driver minix_fill_super minix [1-9]" /tmp/allocs ||
	why="$why; minix_fill_super's blocks not in the allocations view"
cat /tmp/allocs
umount /mnt || why="$why; umount failed"
unload minix
# the data survives the module: read back by a new load
insmod $M/minix.ko || why="$why; second insmod failed"
mount -t minix /dev/ram0 /mnt || why="$why; second mount failed"
md5sum -c /tmp/sums >/dev/null || why="$why; files differ after remount"
[ -e /mnt/f7 ] && why="$why; removed file is back"
umount /mnt
unload minix
gone minix_inode_cache
no_splat
result minix_files_survive_remount "$why"

# ---- fs/fat: vfat's inode cache and its fat_cache, a cache of cluster chains ----
why=
dmesg -c >/dev/null
dd if=/dev/zero of=/dev/ram2 bs=4096 count=1024 2>/dev/null || why="no /dev/ram2"
mkdosfs /dev/ram2 >/dev/null 2>&1 || why="$why; mkdosfs failed"
insmod $M/fat.ko && insmod $M/vfat.ko || why="$why; insmod failed"
mount -t vfat /dev/ram2 /mnt || why="$why; mount failed"
i=1
while [ $i -le 30 ]; do
	mkdir -p "/mnt/Long Directory Name $((i % 4))"
	dd if=/dev/urandom of="/mnt/Long Directory Name $((i % 4))/file number $i.data" \
		bs=1000 count=$i 2>/dev/null || why="$why; write $i failed"
	i=$((i + 1))
done
md5sum /mnt/Long*/* > /tmp/sums3
served fat_inode_cache
served fat_cache
reread vfat /dev/ram2 /tmp/sums3
umount /mnt
unload vfat
unload fat
gone fat_inode_cache
gone fat_cache
no_splat
result vfat_files_survive_remount "$why"

# ---- fs/ext2: a usercopy cache with a constructor, a fast symlink ----
if [ ! -e $M/ext2.ko ]; then
	echo "KALLOC-SHIM: skip ext2_files_survive_remount its ext2 needs iomap, which this kernel lacks"
else
	why=
	dmesg -c >/dev/null
	dd if=/dev/zero of=/dev/ram1 bs=4096 count=1024 2>/dev/null || why="no /dev/ram1"
	mke2fs -q /dev/ram1 >/dev/null 2>&1 || why="$why; mke2fs failed"
	insmod $M/ext2.ko || why="$why; insmod failed"
	mount -t ext2 /dev/ram1 /mnt || why="$why; mount failed"
	i=1
	while [ $i -le 30 ]; do
		mkdir -p /mnt/d$((i % 5))
		dd if=/dev/urandom of=/mnt/d$((i % 5))/f$i bs=700 count=$i 2>/dev/null ||
			why="$why; write f$i failed"
		i=$((i + 1))
	done
	ln -s d1/f1 /mnt/fast	# short: the target lives in the inode's i_data
	md5sum /mnt/d*/f* > /tmp/sums2
	served ext2_inode_cache
	reread ext2 /dev/ram1 /tmp/sums2
	[ "$(readlink /mnt/fast)" = d1/f1 ] || why="$why; fast symlink reads '$(readlink /mnt/fast)'"
	cmp -s /mnt/fast /mnt/d1/f1 || why="$why; the symlink does not lead to its file"
	umount /mnt
	unload ext2
	gone ext2_inode_cache
	no_splat
	result ext2_files_survive_remount "$why"
fi

# ---- kernel/rcu/refscale.c: lock-free readers of RCU-type-safe objects ----
if [ -e $M/refscale.ko ]; then
	insmod $M/torture.ko || echo "KALLOC-SHIM: not ok refscale torture.ko did not load"
	for t in typesafe_ref typesafe_lock typesafe_seqlock; do
		why=
		dmesg -c >/dev/null
		insmod $M/refscale.ko scale_type=$t nreaders=4 loops=2000 nruns=3 shutdown=0 ||
			why="insmod failed"
		n=0
		while ! dmesg | grep -q "END OF TEST" && [ $n -lt 300 ]; do
			sleep 1
			n=$((n + 1))
		done
		dmesg | grep -q "END OF TEST" || why="$why; no END OF TEST after ${n}s"
		served refscale_typesafe
		rmmod refscale || why="$why; rmmod failed"
		gone refscale_typesafe
		no_splat
		result refscale_$t "$why"
	done
	rmmod torture
else
	echo "KALLOC-SHIM: skip refscale this kernel's refscale has no RCU-type-safe cache"
fi

# ---- lib/test_meminit.c: kmalloc memory initialised as init_on_alloc says ----
why=
echo > $T/trace
echo 'type ~ "test_cache*"' > $T/events/kalloc/ka_alloc/filter
echo 1 > $T/events/kalloc/ka_alloc/enable
load test_meminit
echo 0 > $T/events/kalloc/ka_alloc/enable
echo 0 > $T/events/kalloc/ka_alloc/filter
dmesg | grep -q "test_meminit: all [0-9]* tests passed" || why="$why; its tests did not all pass"
none_live test_meminit
# its cache cases (constructor, RCU, bulk, align = size) on kalloc types
n=$(grep -c "ka_alloc: .*type=test_cache" $T/trace)
echo "shimmed test_meminit: $n allocations of its test_cache types traced"
[ "$n" -ge 100 ] || why="$why; only $n allocations from its caches were kalloc's"
gone test_cache
no_splat
unload test_meminit -f	# it has no module_exit; last, as a forced unload turns lockdep off
result test_meminit "$why"

exit $failed
