// Cloudflare Workers (workerd): the runtime hands a `.wasm` import over as a compiled
// WebAssembly.Module, so instantiation is synchronous and costs no extra fetch.
import module from "./square_oauth_edge_bg.wasm";
import { initSync } from "./square_oauth_edge.js";

initSync({ module });

export * from "./exports.js";
