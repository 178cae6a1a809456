// Deno 2: a source phase import hands over the .wasm as a compiled WebAssembly.Module through the
// module graph, like workerd's .wasm modules: no file read at run time, so no --allow-read, and
// instantiation is synchronous. (A plain `import * from "….wasm"` cannot serve here: it would link
// the wasm's imports to a "./square_oauth_edge_bg.js" module that the web-target glue does not
// have; initSync supplies them instead.)
import source module from "./square_oauth_edge_bg.wasm";
import { initSync } from "./square_oauth_edge.js";

initSync({ module });

export * from "./exports.js";
