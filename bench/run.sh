#!/usr/bin/env bash
# The benchmark (issue 6; bounds of issue 11): our packed package vs raw fetch, oauth4webapi,
# square 46 and square 39, all making the same ObtainToken call against one local fake Square,
# and what the token manager's separate entry, square-oauth-edge/tokens, adds (issue 13: size and
# cold start); writes BENCHMARKS.md.
# Called by `make bench` after `make package`. Not part of `make test`.
# Knobs (environment):
#   BENCH_QUICK=1     tiny counts, to try the harness (do not commit that BENCHMARKS.md)
#   BENCH_OUT=FILE    write the report there instead of BENCHMARKS.md (e.g. for a BENCH_QUICK try)
#   BENCH_RESULTS=FILE  keep the raw results there instead of target/bench-results.json
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export BENCH_T0=${BENCH_T0:-$(date +%s)}
BENCH_OUT=$(realpath -m "${BENCH_OUT:-$REPO/BENCHMARKS.md}")
BENCH_RESULTS=$(realpath -m "${BENCH_RESULTS:-$REPO/target/bench-results.json}")
log() { printf '[bench] %s\n' "$*" >&2; }

# scripts/build-package.sh builds two variants of the crate: the main entry (features js) and
# the token manager's entry, square-oauth-edge/tokens (features js,tokens), each with its
# wasm-bindgen output in target/bindgen/<variant>/.
BINDGEN_MAIN=target/bindgen/main
BINDGEN_TOKENS=target/bindgen/tokens
for f in pkg/workerd.js pkg/node.js pkg/square_oauth_edge.js pkg/errors.js pkg/square_oauth_edge_bg.wasm \
  pkg/tokens/workerd.js pkg/tokens/node.js pkg/tokens/square_oauth_edge.js pkg/tokens/square_oauth_edge_tokens_bg.wasm \
  "$BINDGEN_MAIN/square_oauth_edge_bg.wasm" "$BINDGEN_TOKENS/square_oauth_edge_bg.wasm"; do
  if [ ! -f "$f" ]; then
    log "pkg/ is not built ($f is missing): run 'make bench' (it builds the package first)"
    exit 1
  fi
done

# The pinned JS tools (esbuild, deno, workerd, wasm-opt): tools/package-lock.json, idempotent.
scripts/setup.sh node

# The peers, pinned by bench/package-lock.json; reinstalled only when the lock file changed.
if [ ! -f bench/node_modules/.package-lock.json ] || ! cmp -s bench/package-lock.json bench/node_modules/.bench-stamp; then
  log "installing the peers (npm ci in bench/)"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
  cp bench/package-lock.json bench/node_modules/.bench-stamp
fi

# twiggy 0.8.0 for the byte breakdown (0.7.0 panics on a module with a data count
# section, which the package's .wasm has): the first one found, else from crates.io into
# target/bench-tools (about 1.5 minutes, once; ~/.cargo/bin is left as it is). Without it the
# harness falls back to its own name-section parser (no retained sizes).
TWIGGY_VERSION=0.8.0
BENCH_TWIGGY=
for t in "$REPO/target/bench-tools/bin/twiggy" "$(command -v twiggy || true)" "$HOME/.cargo/bin/twiggy"; do
  if [ -n "$t" ] && [ -x "$t" ] && "$t" --version 2>/dev/null | grep -q " $TWIGGY_VERSION\$"; then
    BENCH_TWIGGY=$t
    break
  fi
done
if [ -z "$BENCH_TWIGGY" ]; then
  log "installing twiggy $TWIGGY_VERSION into target/bench-tools (cargo install, at most 4 minutes)"
  if timeout 240 cargo install twiggy --version "$TWIGGY_VERSION" --root "$REPO/target/bench-tools" --quiet; then
    BENCH_TWIGGY=$REPO/target/bench-tools/bin/twiggy
  else
    log "twiggy $TWIGGY_VERSION could not be installed; the breakdown uses the name-section parser"
  fi
fi
export BENCH_TWIGGY

WORK=$(mktemp -d "${TMPDIR:-/tmp}/square-oauth-edge-bench.XXXXXX")
FAKE_PGID=
cleanup() {
  if [ -n "$FAKE_PGID" ]; then kill -TERM -- "-$FAKE_PGID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Our package as a user gets it: npm pack, then install the tarball into a consumer project
# outside the repo. The peers are linked from bench/node_modules (installed from the lock file).
log "packing pkg/ and installing it into $WORK/consumer"
mkdir -p "$WORK/consumer" "$WORK/artifacts"
TARBALL=$(cd pkg && npm pack --pack-destination "$WORK" --silent | tail -1)
# The inputs of the byte breakdowns, taken right after the tarball (the harness checks that they
# reproduce the packed .wasm files): wasm-bindgen's output of each variant, and the optimised
# .wasm each variant's build produced (the main one is the build without the `tokens` feature).
# cargo's own output is that of the last variant built (the harness tells which by its exports).
cp "$BINDGEN_MAIN/square_oauth_edge_bg.wasm" "$WORK/artifacts/square_oauth_edge_bg.bindgen.wasm"
mkdir -p "$WORK/artifacts/tokens"
cp "$BINDGEN_TOKENS/square_oauth_edge_bg.wasm" "$WORK/artifacts/tokens/square_oauth_edge_bg.bindgen.wasm"
for v in main tokens; do
  opt=target/bindgen/$v/square_oauth_edge_bg.opt.wasm
  if [ -f "$opt" ]; then cp "$opt" "$WORK/artifacts/$v.build.opt.wasm"; fi
done
if [ -f target/wasm32-unknown-unknown/release/square_oauth_edge.wasm ]; then
  cp target/wasm32-unknown-unknown/release/square_oauth_edge.wasm "$WORK/artifacts/square_oauth_edge.release.wasm"
fi
(
  cd "$WORK/consumer"
  printf '{ "name": "bench-consumer", "private": true, "type": "module" }\n' > package.json
  npm install --no-audit --no-fund --loglevel=error "../$TARBALL"
  # One link per package (scopes are real folders here), so that nothing run in this folder can
  # reach through a linked scope into bench/node_modules. No npm command runs here after this.
  for d in "$REPO"/bench/node_modules/* "$REPO"/bench/node_modules/@*/*; do
    n=${d#"$REPO"/bench/node_modules/}
    case "$n" in @*/*) mkdir -p "node_modules/${n%%/*}" ;; @*) continue ;; esac
    [ -e "node_modules/$n" ] || ln -s "$d" "node_modules/$n"
  done
)

# The fake Square, pinned to core 1, in its own process group (stopped by that id in cleanup).
setsid taskset -c 1 node tests/fake-square/cli.mjs --port 0 --max-recorded 16 > "$WORK/fake.out" 2>&1 &
FAKE_PGID=$!
for _ in $(seq 100); do grep -q '^FAKE_SQUARE_URL=' "$WORK/fake.out" && break; sleep 0.1; done
FAKE_URL=$(sed -n 's/^FAKE_SQUARE_URL=//p' "$WORK/fake.out")
[ -n "$FAKE_URL" ] || { log "the fake did not start: $(cat "$WORK/fake.out")"; exit 1; }
log "fake Square at $FAKE_URL (core 1); clients on core 0"

status=0
taskset -c 0 node bench/harness.mjs --work "$WORK" --fake "$FAKE_URL" --out "$BENCH_OUT" || status=$?
# The raw numbers of the last run, for bench/render.mjs (target/ is not committed).
if [ -f "$WORK/results.json" ]; then mkdir -p "$(dirname "$BENCH_RESULTS")" && cp "$WORK/results.json" "$BENCH_RESULTS"; fi
[ "$status" -eq 0 ] || exit "$status"
log "done in $(( $(date +%s) - BENCH_T0 )) s"
