#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest script of scripts/shimmed-compare.sh: the shimmed kernel modules'
# work (or the same modules built without the shim) timed in the guest's
# clock (instructions, in instruction-count mode) and its peak memory, the
# largest drop of MemFree a sampler on another CPU saw. One line per module:
# "KALLOC-MEASURE: NAME MICROSECONDS PEAK_KIB".
M=/lib/kalloc

memfree() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }
# the kernel's clock, in microseconds, through a line in the log
us() {
	echo "kalloc-measure mark" > /dev/kmsg
	dmesg | grep "kalloc-measure mark" | tail -n 1 | sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/'
}

# run "$@" with a sampler of MemFree beside it; sets took (us) and peak (KiB)
measure() {
	sync
	base=$(memfree)
	rm -f /tmp/stop
	(low=$base; while [ ! -f /tmp/stop ]; do
		m=$(memfree); [ "$m" -lt "$low" ] && low=$m
	done; echo "$low" > /tmp/low) &
	t0=$(us)
	"$@"
	t1=$(us)
	m=$(memfree); touch /tmp/stop; wait
	low=$(cat /tmp/low); [ "$m" -lt "$low" ] && low=$m
	took=$((t1 - t0))
	peak=$((base - low))
}

minix_work() {
	mount -t minix /dev/ram0 /mnt
	i=1
	while [ $i -le 40 ]; do
		dd if=/dev/zero of=/mnt/f$i bs=512 count=$i 2>/dev/null
		i=$((i + 1))
	done
	mkdir -p /mnt/d/e
	cat /mnt/f* > /dev/null
	# inodes freed into their cache and taken again
	echo 2 > /proc/sys/vm/drop_caches
	cat /mnt/f* > /dev/null
	umount /mnt
}

ext2_work() {
	mount -t ext2 /dev/ram1 /mnt
	i=1
	while [ $i -le 30 ]; do
		mkdir -p /mnt/d$((i % 5))
		dd if=/dev/zero of=/mnt/d$((i % 5))/f$i bs=700 count=$i 2>/dev/null
		i=$((i + 1))
	done
	ln -s d1/f1 /mnt/fast
	echo 2 > /proc/sys/vm/drop_caches
	cat /mnt/d*/f* /mnt/fast > /dev/null
	umount /mnt
}

vfat_work() {
	mount -t vfat /dev/ram2 /mnt
	i=1
	while [ $i -le 30 ]; do
		mkdir -p "/mnt/Long Directory Name $((i % 4))"
		dd if=/dev/zero of="/mnt/Long Directory Name $((i % 4))/file number $i.data" \
			bs=1000 count=$i 2>/dev/null
		i=$((i + 1))
	done
	echo 2 > /proc/sys/vm/drop_caches
	cat /mnt/Long*/* > /dev/null
	umount /mnt
}

refscale_work() {
	insmod $M/refscale.ko scale_type=typesafe_ref nreaders=4 loops=2000 nruns=3 shutdown=0
	while ! dmesg | grep -q "END OF TEST"; do
		sleep 1
	done
	rmmod refscale
}

for mod in test_memcat_p overflow_kunit test_meminit; do
	measure insmod $M/$mod.ko
	echo "KALLOC-MEASURE: $mod $took $peak"
done
dd if=$M/minix.img of=/dev/ram0 bs=4096 2>/dev/null
mkdir -p /mnt
insmod $M/minix.ko
measure minix_work
echo "KALLOC-MEASURE: minix $took $peak"
dd if=/dev/zero of=/dev/ram2 bs=4096 count=1024 2>/dev/null
mkdosfs /dev/ram2 >/dev/null 2>&1
insmod $M/fat.ko
insmod $M/vfat.ko
measure vfat_work
echo "KALLOC-MEASURE: vfat $took $peak"
rmmod vfat fat
if [ -e $M/ext2.ko ]; then
	dd if=/dev/zero of=/dev/ram1 bs=4096 count=1024 2>/dev/null
	mke2fs -q /dev/ram1 >/dev/null 2>&1
	insmod $M/ext2.ko
	measure ext2_work
	echo "KALLOC-MEASURE: ext2 $took $peak"
	rmmod ext2
fi
if [ -e $M/refscale.ko ]; then
	insmod $M/torture.ko
	dmesg -c >/dev/null
	measure refscale_work
	echo "KALLOC-MEASURE: refscale $took $peak"
	rmmod torture
fi
rmmod minix test_memcat_p overflow_kunit
rmmod -f test_meminit
