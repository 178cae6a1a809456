#!/usr/bin/env bash
# Package quality: npm pack of pkg/, then publint --strict, attw, the tarball's size and file list
# against the `files` allow-list, and the committed index.d.ts snapshot (see check.mjs).
# Closing line: N passed, M failed.
#   UPDATE_SNAPSHOTS=1 tests/package/run.sh   rewrites tests/package/index.d.ts.snap (then commit it)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/square-oauth-edge-package.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if ! TARBALL=$("$HERE/pack.sh" "$WORK" --json "$WORK/pack.json"); then
  echo "FAIL pack: npm pack of pkg/ failed"
  echo "0 passed, 1 failed"
  exit 1
fi
TARBALL="$TARBALL" PACK_JSON="$WORK/pack.json" WORK="$WORK" node "$HERE/check.mjs"
