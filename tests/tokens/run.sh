#!/usr/bin/env bash
# The token manager (issue 13) in workerd against the fake Square: one workerd process with the
# `store` Worker (the package's SquareTokenStore Durable Object on local disk) and front Workers in
# separate isolates bound to its namespace, driven by drive.mjs (which runs the fake in-process and
# starts/stops workerd in its own process group). Needs pkg/ built (make package) and the tools
# (workerd and esbuild; Bun for bun:sqlite, to tamper with the objects' storage on disk).
# Ends with one line, "tokens: N passed, M failed" (plus "(K todo: known package bugs)" when a
# check of a known bug fails: reported, not counted); exits non-zero on any failure.
#
#   tests/tokens/run.sh
#   SQUARE_OAUTH_EDGE_PKG=/path/to/pkg tests/tokens/run.sh   another copy of the built package
set -uo pipefail
cd "$(dirname "$0")/../.."
TOOLS="tools/node_modules/.bin"
[ -x "$TOOLS/workerd" ] && [ -x "$TOOLS/esbuild" ] && [ -x "$TOOLS/bun" ] || scripts/setup.sh node || exit 1
PKG=${SQUARE_OAUTH_EDGE_PKG:-pkg}
if [ ! -f "$PKG/tokens/workerd.js" ] || [ ! -f "$PKG/node.js" ]; then
  echo "tokens: $PKG/ is not built (make package)"
  echo "tokens: 0 passed, 1 failed"
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tokens-test.XXXXXX")
# drive.mjs records the process group of every workerd it starts in $WORK/pgids and stops them
# itself; if it was killed before it could, stop what is left of exactly those groups.
cleanup() {
  if [ -f "$WORK/pgids" ]; then
    while read -r g; do
      [ -n "$g" ] && kill -KILL -- "-$g" 2>/dev/null
    done <"$WORK/pgids"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
WORK="$WORK" node tests/tokens/drive.mjs 2>&1 | tee "$WORK/drive.log"
rc=${PIPESTATUS[0]}
# A crash before the summary line counts as a failure.
if ! grep -qE '^tokens: [0-9]+ passed, [0-9]+ failed( \(.*\))?$' "$WORK/drive.log"; then
  passed=$(grep -c '^ok - ' "$WORK/drive.log")
  echo "tokens: $passed passed, 1 failed (the driver stopped early, exit $rc)"
  rc=1
fi
exit "$rc"
