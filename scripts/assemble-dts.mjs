#!/usr/bin/env node
// Assembles the package's index.d.ts: the hand-written part (pkg-template/index.d.ts: the module
// documentation and the SquareError class, which lives in JavaScript) followed by the
// declarations wasm-bindgen generated from the Rust types, without the instantiation API
// (initSync, the default init, InitInput/InitOutput), which the entry files do not export.
//
//   node scripts/assemble-dts.mjs <wasm-bindgen .d.ts> <hand-written head> <out>
import { readFileSync, writeFileSync } from "node:fs";

const [generated, head, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: assemble-dts.mjs <generated.d.ts> <head.d.ts> <out.d.ts>");
  process.exit(2);
}
let body = readFileSync(generated, "utf8");
// wasm-bindgen's own header comments.
body = body.replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n/, "");
// The instantiation API starts at `export type InitInput` and runs to the end of the file.
const cut = body.indexOf("export type InitInput");
if (cut < 0) throw new Error(`${generated}: no "export type InitInput" (wasm-bindgen's output changed?)`);
body = body.slice(0, cut).trimEnd();
// wasm-bindgen declares two members of every exported class without a doc comment (every
// occurrence: each class has them).
const documented = {
  "free(): void;": "Frees the object's memory in the WebAssembly instance now; optional (a finalizer does it once the object is unreachable). The object cannot be used afterwards.",
  "[Symbol.dispose](): void;": "The same as `free()`, for `using` (e.g. `using client = new OAuthClient()`).",
};
for (const [member, doc] of Object.entries(documented)) {
  const re = new RegExp(`^( +)${member.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "gm");
  if (!re.test(body)) throw new Error(`${generated}: no \`${member}\` (wasm-bindgen's output changed?)`);
  body = body.replace(re, (_, indent) => `${indent}/** ${doc} */\n${indent}${member}`);
}
const banner = "// ---- generated from the Rust types by `make package`; do not edit ----\n\n";
writeFileSync(out, `${readFileSync(head, "utf8").trimEnd()}\n\n${banner}${body}\n`);
