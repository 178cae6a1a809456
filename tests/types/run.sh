#!/usr/bin/env bash
# Type tests of the public declarations, pkg-template/index.d.ts. Exits non-zero on any failure.
#   1. the spec-generated unions are up to date          (gen-error-codes.mjs --check)
#   2. consumer.ts type-checks, default strict settings  (tsc -p tests/types/tsconfig.json)
#   3. ... and under the strictest settings, no DOM lib  (tsc -p tests/types/tsconfig.strictest.json)
#   4. every @ts-expect-error line fails without it      (expect-errors.mjs)
#   5. the declarations match Square's spec              (check-spec.mjs)
#   6. check-spec catches mutations of the declarations  (check-spec-selftest.mjs)
# Needs Node and the pinned TypeScript in tools/ (scripts/setup.sh node installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."

tsc=tools/node_modules/.bin/tsc
if [ ! -x "$tsc" ]; then
  echo "tests/types: $tsc not found; run scripts/setup.sh node" >&2
  exit 1
fi

step() { printf '\n== %s\n' "$*"; }

step "generated unions up to date"
node tests/types/gen-error-codes.mjs --check

step "tsc $("$tsc" --version) -p tests/types/tsconfig.json"
"$tsc" -p tests/types/tsconfig.json --pretty false
echo "ok"

step "tsc -p tests/types/tsconfig.strictest.json"
"$tsc" -p tests/types/tsconfig.strictest.json --pretty false
echo "ok"

step "@ts-expect-error lines do work"
node tests/types/expect-errors.mjs

step "index.d.ts vs Square's spec"
node tests/types/check-spec.mjs

step "check-spec self-test"
node tests/types/check-spec-selftest.mjs
