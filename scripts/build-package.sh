#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm → wasm-bindgen (web target) → wasm-opt -Oz →
# the hand-written entry files and package.json from pkg-template/, each entry bundled by esbuild
# into one module (node.cjs: CommonJS, glue included).
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
cp "$GEN/square_oauth_edge_bg.opt.wasm" "$OUT/square_oauth_edge_bg.wasm"
cp pkg-template/{package.json,index.d.ts} "$OUT/"
cp pkg-template/index.d.ts "$OUT/index.d.cts"
cp pkg-template/{node.js,workerd.js,deno.js,browser.js,node-cjs.js,core.js,errors.js,flow.js,transport.js} "$GEN/"
# Each entry is one ES module (core, transport, errors and flow bundled in) over the wasm-bindgen
# glue, its own module so that tests and the benchmark can reach the instance's memory: a cold
# start loads two JS files, not six. The .wasm stays its own file beside them. Comments and white space go
# (every KB ships to every cold start); names are kept, so stack traces and `SquareError` read the
# same. The readable sources are pkg-template/ and the wasm-bindgen output in target/bindgen/.
for entry in node.js workerd.js deno.js browser.js; do
  "$TOOLS/esbuild" "$GEN/$entry" --bundle --format=esm --platform=neutral --target=es2022 \
    --external:./square_oauth_edge_bg.wasm --external:./square_oauth_edge.js --external:'node:*' \
    --minify-whitespace --minify-syntax --log-level=error --outfile="$OUT/$entry"
done
"$TOOLS/esbuild" "$GEN/square_oauth_edge.js" --minify-whitespace --minify-syntax --log-level=error \
  --outfile="$OUT/square_oauth_edge.js"
"$TOOLS/esbuild" "$GEN/node-cjs.js" --bundle --format=cjs --platform=node \
  --minify-whitespace --minify-syntax --log-level=error --outfile="$OUT/node.cjs"
cp README.md LICENSE "$OUT/" 2>/dev/null || true
total=0
for f in workerd.js square_oauth_edge.js square_oauth_edge_bg.wasm; do
  total=$((total + $(gzip -9c "$OUT/$f" | wc -c)))
done
printf '[package] pkg/ built: %s bytes wasm; %s bytes gzip -9 shipped to a Worker (wasm + glue + JS, file by file)\n' \
  "$(wc -c < "$OUT/square_oauth_edge_bg.wasm")" "$total" >&2
