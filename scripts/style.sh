#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel style gate: checkpatch --strict on every C source and header of the
# project (one result per file), kernel-doc -Wall on the public header, and
# docutils over every Documentation/*.rst (one result per file).
# Writes {passed, failed} to $KALLOC_BUILD/check/group-style.json.
set -euo pipefail
. "$(dirname "$0")/common.sh"

checkpatch=$KALLOC_KERNEL_TREE/scripts/checkpatch.pl
[ -x "$checkpatch" ] || die "checkpatch not found in $KALLOC_KERNEL_TREE: run 'make testkernel'"
out=$KALLOC_BUILD/check
mkdir -p "$out"

cd "$KALLOC_ROOT"
passed=0
failed=0
while IFS= read -r f; do
	# The compat header is where an out-of-tree module asks the kernel's
	# version (checkpatch's rule is for code merged into one version).
	ignore=()
	[ "$f" = kalloc/compat.h ] && ignore=(--ignore LINUX_VERSION_CODE)
	if report=$("$checkpatch" --strict --no-tree --terse --show-types "${ignore[@]}" -f "$f" 2>&1) &&
	   ! grep -q "^$f:" <<<"$report"; then
		passed=$((passed + 1))
	else
		grep "^$f:" <<<"$report" || echo "$report"
		failed=$((failed + 1))
	fi
done < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build/')

# The public header's kernel-doc must be complete (kernel-doc -Wall).
kdoc=$("$KALLOC_KERNEL_TREE/scripts/kernel-doc" -none -Wall include/*.h 2>&1 || true)
if [ -n "$kdoc" ]; then
	echo "$kdoc"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi

# The documentation must be valid reStructuredText (docutils; one result per file).
rst=$(python3 "$KALLOC_ROOT/scripts/rstcheck.py" Documentation/*.rst)
echo "$rst" | sed '$d'
read -r rst_passed rst_failed <<<"$(echo "$rst" | tail -n 1)"
passed=$((passed + rst_passed))
failed=$((failed + rst_failed))

echo "{\"passed\": $passed, \"failed\": $failed, \"skipped\": 0, \"problems\": []}" \
	>"$out/group-style.json"
echo "style (checkpatch --strict, kernel-doc, reST): $passed clean, $failed with findings"
[ $failed -eq 0 ]
