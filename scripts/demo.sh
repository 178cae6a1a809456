#!/usr/bin/env bash
# `make demo` (interim): runs the built package against the fake Square in Node and prints every
# call and its result. The browser demo (issue 7) replaces this.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/demo-cli.mjs
