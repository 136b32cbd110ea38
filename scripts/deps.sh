#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs, when any is missing.
set -euo pipefail
. "$(dirname "$0")/common.sh"

pkgs=(make gcc libc6-dev bc bison flex cpio xz-utils libelf-dev libssl-dev
      python3 python3-docutils sparse clang libclang-rt-14-dev busybox-static qemu-system-x86 "$KALLOC_KERNEL_PKG" linux-source-6.1 linux-headers-amd64
      dkms kmod)

# make bench also compares the core with these user-space allocators.
[ "${1:-}" = --bench ] && pkgs+=(libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 valgrind)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or install them)"
note "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
