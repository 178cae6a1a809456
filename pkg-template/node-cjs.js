// Source of node.cjs (Node, `require`): bundled to CommonJS by `make package`. `__dirname` is
// the CommonJS module's own folder at run time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "./square_oauth_edge.js";

initSync({ module: readFileSync(join(__dirname, "square_oauth_edge_bg.wasm")) });

export * from "./exports.js";
