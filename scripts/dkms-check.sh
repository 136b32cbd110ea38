#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds kalloc.ko with DKMS (dkms.conf) against Debian's installed 6.1
# headers, in a private source and DKMS tree (nothing is loaded, nothing
# installed; dkms keeps the module-signing key it makes on first use in
# /var/lib/dkms), and checks the result with
# modinfo: description, version (the one kalloc/internal.h, dkms.conf and
# the README state), license, author, every parameter with its help text.
# Prints "dkms: ok|not ok NAME" lines; exit status 0 when all are ok.
# usage: scripts/dkms-check.sh [HEADERS_DIR]
set -euo pipefail
. "$(dirname "$0")/common.sh"

headers=${1:-$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -1)}
[ -d "$headers" ] || die "no Debian 6.1 headers in /usr/src (scripts/deps.sh installs them)"
command -v dkms >/dev/null || die "dkms missing: run scripts/deps.sh"
command -v modinfo >/dev/null || die "modinfo missing (kmod): run scripts/deps.sh"
kver=${headers##*/linux-headers-}
version=$(sed -n 's/^#define KALLOC_VERSION[[:space:]]*"\(.*\)"/\1/p' "$KALLOC_ROOT/kalloc/internal.h")
work=$KALLOC_BUILD/dkms
rm -rf "$work"
mkdir -p "$work/src/kalloc-$version" "$work/tree"
fails=0
result() {	# $1 name, $2 why (empty: ok)
	if [ -z "$2" ]; then
		echo "dkms: ok $1"
	else
		echo "dkms: not ok $1: $2"
		fails=$((fails + 1))
	fi
}

# What a release tarball holds: the module's sources and dkms.conf.
(cd "$KALLOC_ROOT" && tar -cf - Kbuild Makefile dkms.conf include kalloc debugfs sysfs) |
	tar -C "$work/src/kalloc-$version" -xf -
dv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KALLOC_ROOT/dkms.conf")
why=
[ "$dv" = "$version" ] || why="dkms.conf says $dv, kalloc/internal.h $version"
grep -q "$version" "$KALLOC_ROOT/README.md" || why="$why; the README does not name $version"
result version_agrees "$why"

dkms_args=(-m kalloc -v "$version" --sourcetree "$work/src" --dkmstree "$work/tree"
	   -k "$kver" --kernelsourcedir "$headers")
why=
dkms add "${dkms_args[@]}" >"$work/add.log" 2>&1 || why="dkms add failed ($work/add.log)"
[ -n "$why" ] || dkms build "${dkms_args[@]}" >"$work/build.log" 2>&1 ||
	why="dkms build failed ($work/build.log)"
mods=$work/tree/kalloc/$version/$kver
ko=$(find "$mods" -name 'kalloc.ko*' 2>/dev/null | head -1 || true)
[ -n "$why" ] || [ -n "$ko" ] || why="no kalloc.ko in $mods"
extra=$(find "$mods" -name '*.ko*' ! -name 'kalloc.ko*' 2>/dev/null | head -1 || true)
[ -z "$extra" ] || why="$why; more than kalloc.ko built: ${extra##*/}"
result "build_against_$kver" "$why"

why=
if [ -n "$ko" ]; then
	info=$(modinfo "$ko")
	get() { printf '%s\n' "$info" | sed -n "s/^$1:[[:space:]]*//p"; }
	[ -n "$(get description)" ] || why="no description"
	[ "$(get version)" = "$version" ] || why="$why; version '$(get version)', not $version"
	[ "$(get license)" = GPL ] || why="$why; license '$(get license)'"
	[ -n "$(get author)" ] || why="$why; no author"
	[ "$(get vermagic | cut -d' ' -f1)" = "$kver" ] || why="$why; vermagic '$(get vermagic)'"
	for p in opts verify_pointers; do
		get parm | grep -q "^$p:[^(]" || why="$why; parameter $p without help text"
	done
	# every parameter the sources declare appears with its help
	for p in $(grep -rhoE 'module_param(_cb|_named)?\([a-z_]+' "$KALLOC_ROOT/kalloc" \
		   "$KALLOC_ROOT/debugfs" "$KALLOC_ROOT/sysfs" | sed 's/.*(//'); do
		get parm | grep -q "^$p:" || why="$why; parameter $p missing"
	done
	printf '%s\n' "$info" | grep -E '^(description|version|license|author|parm):' |
		sed 's/^/  /'
else
	why="no module to look at"
fi
result modinfo "$why"
echo "{\"passed\": $((3 - fails)), \"failed\": $fails, \"skipped\": 0, \"problems\": []}" \
	>"$work/group.json"
[ $fails -eq 0 ]
