#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm → wasm-bindgen (web target) → wasm-opt -Oz →
# the hand-written entry files and package.json from pkg-template/ → node.cjs bundled by esbuild.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=tools/node_modules/.bin
OUT=pkg
GEN=target/bindgen

cargo build --quiet --release --target wasm32-unknown-unknown
rm -rf "$GEN" && mkdir -p "$GEN"
wasm-bindgen target/wasm32-unknown-unknown/release/square_oauth_edge.wasm \
  --out-dir "$GEN" --target web --no-typescript
"$TOOLS/wasm-opt" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$GEN/square_oauth_edge_bg.wasm" -o "$GEN/square_oauth_edge_bg.opt.wasm"

rm -rf "$OUT" && mkdir -p "$OUT"
cp "$GEN/square_oauth_edge.js" "$OUT/"
cp "$GEN/square_oauth_edge_bg.opt.wasm" "$OUT/square_oauth_edge_bg.wasm"
cp pkg-template/{package.json,core.js,errors.js,flow.js,transport.js,node.js,workerd.js,deno.js,browser.js,index.d.ts} "$OUT/"
cp pkg-template/index.d.ts "$OUT/index.d.cts"
cp pkg-template/{node-cjs.js,core.js,errors.js,flow.js,transport.js} "$GEN/"
"$TOOLS/esbuild" "$GEN/node-cjs.js" --bundle --format=cjs --platform=node \
  --log-level=error --outfile="$OUT/node.cjs"
# Every KB ships to every cold start: the ES modules go out without comments and white space
# (names are kept, so stack traces and `SquareError` read the same; the readable sources are in
# pkg-template/ and the wasm-bindgen output in target/bindgen/).
for f in "$OUT"/*.js; do
  "$TOOLS/esbuild" "$f" --minify-whitespace --minify-syntax --log-level=error --outfile="$f" --allow-overwrite
done
cp README.md LICENSE "$OUT/" 2>/dev/null || true
total=0
for f in workerd.js core.js errors.js flow.js transport.js square_oauth_edge.js square_oauth_edge_bg.wasm; do
  total=$((total + $(gzip -9c "$OUT/$f" | wc -c)))
done
printf '[package] pkg/ built: %s bytes wasm; %s bytes gzip -9 shipped to a Worker (wasm + glue + JS, file by file)\n' \
  "$(wc -c < "$OUT/square_oauth_edge_bg.wasm")" "$total" >&2
