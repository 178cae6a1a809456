#!/usr/bin/env bash
# Packs pkg/ with `npm pack` into DEST (a folder outside the repo) and prints the tarball's path.
# Builds pkg/ first when it is missing (`make package` / scripts/build-package.sh build it).
#   tests/package/pack.sh DEST [--json FILE]   (--json: keep npm pack's JSON report in FILE)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DEST=${1:?usage: pack.sh DEST [--json FILE]}
JSON=/dev/null
[ "${2:-}" = "--json" ] && JSON=${3:?--json needs a file}
if [ ! -f "$REPO/pkg/package.json" ]; then
  echo "[pack] pkg/ is missing: building it (scripts/build-package.sh)" >&2
  "$REPO/scripts/build-package.sh"
fi
mkdir -p "$DEST"
# npm pack prints its JSON report on stdout; the tarball's file name is its "filename".
npm pack "$REPO/pkg" --pack-destination "$DEST" --json --loglevel=error > "$DEST/.pack.json"
cp "$DEST/.pack.json" "$JSON" 2>/dev/null || true
name=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(r[0].filename)' "$DEST/.pack.json")
[ -f "$DEST/$name" ] || { echo "[pack] npm pack wrote no $DEST/$name" >&2; exit 1; }
echo "$DEST/$name"
