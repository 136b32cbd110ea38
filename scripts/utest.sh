#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The user-space tests. Each group writes {passed, failed, skipped, problems}
# as JSON under $KALLOC_BUILD/check/, which `make check` adds to its count.
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$KALLOC_BUILD/check
mkdir -p "$out"
rc=0

note "user-space: harness tests (scripts/tests)"
python3 "$KALLOC_ROOT/scripts/tests/run.py" "$out/group-harness.json" || rc=1

exit $rc
