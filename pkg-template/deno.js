// Deno: read the .wasm next to this file and instantiate it synchronously on import.
import { initSync } from "./square_oauth_edge.js";

initSync({ module: Deno.readFileSync(new URL("./square_oauth_edge_bg.wasm", import.meta.url)) });

export * from "./exports.js";
