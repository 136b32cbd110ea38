# SPDX-License-Identifier: GPL-2.0
# A filesystem workload for the test VM, run under tools/kalloc-record by
# scripts/record-streams.sh (the minix-ramdisk stream) and by the
# live-advice guest (scripts/guest-live-advice.sh): the kernel's mm/
# sources (/lib/kalloc/tree.tar) written to the minix filesystem on the RAM
# disk, read back after a remount, removed. The caller loads minix.ko and
# puts the empty filesystem on /dev/ram0.
M=/lib/kalloc
mkdir -p /mnt && mount -t minix /dev/ram0 /mnt && cd /mnt && tar xf $M/tree.tar && cd / && umount /mnt &&
	mount -t minix /dev/ram0 /mnt && find /mnt -type f | xargs cat >/dev/null &&
	rm -rf /mnt/mm && umount /mnt
