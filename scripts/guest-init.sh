#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the VM runner's initramfs: load the listed modules, run the script,
# unload, report "KALLOC-VM: status N" and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null

status=0
loaded=
echo "KALLOC-VM: begin, $(grep -c ^processor /proc/cpuinfo) cpus, $(ls -d /sys/devices/system/node/node* | wc -l) nodes"
while read -r ko args; do
	[ -n "$ko" ] || continue
	echo "KALLOC-VM: insmod $ko $args"
	if insmod "/lib/kalloc/$ko" $args; then
		loaded="$ko $loaded"
	else
		echo "KALLOC-VM: insmod $ko failed"
		status=1
	fi
done </etc/kalloc-vm/modules

if [ -f /etc/kalloc-vm/script ]; then
	echo "KALLOC-VM: script begin"
	sh /etc/kalloc-vm/script
	rc=$?
	echo "KALLOC-VM: script end, rc $rc"
	[ $rc -eq 0 ] || status=$rc
fi

for ko in $loaded; do
	mod=${ko%.ko}
	if ! rmmod "$mod"; then
		echo "KALLOC-VM: rmmod $mod failed"
		status=1
	fi
done

echo "KALLOC-VM: status $status"
reboot -f
