#!/usr/bin/env bash
# Contract conformance of every request the packed package can make, against Square's OpenAPI
# documents served by Stoplight Prism with request validation on (see contract.mjs).
# Closing line: N passed, M failed.   KEEP_WORK=1 keeps the temporary folder.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/square-oauth-edge-contract.XXXXXX")
PGID=""
cleanup() {
  # contract.mjs stops its Prism servers itself (each in its own process group); if it is still
  # running here (interrupted run), its group, recorded at start, is stopped.
  [ -n "$PGID" ] && kill -TERM -- "-$PGID" 2>/dev/null
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "[contract] kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! TARBALL=$("$REPO/tests/package/pack.sh" "$WORK"); then
  echo "FAIL pack: npm pack of pkg/ failed"
  echo "0 passed, 1 failed"
  exit 1
fi
export TARBALL WORK
setsid node "$HERE/contract.mjs" &
PGID=$!
wait "$PGID"
rc=$?
PGID=""
exit $rc
