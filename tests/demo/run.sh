#!/usr/bin/env bash
# The demo's browser test (tests/demo/demo.test.mjs): starts the demo as `make demo` does and
# drives headless Chromium through it. Needs pkg/ built (make package) and the tools installed.
# Ends with one line, "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp "${TMPDIR:-/tmp}/demo-test.XXXXXX")
trap 'rm -f "$log"' EXIT
node --test --test-reporter=spec tests/demo/demo.test.mjs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# The spec reporter's summary: "ℹ pass N" / "ℹ fail M".
passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log" | tail -n1)
failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log" | tail -n1)
passed=${passed:-0}
failed=${failed:-0}
# A crash before any test counts as a failure.
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
