// Browsers and other runtimes with `fetch` for module-relative URLs: instantiate asynchronously
// (browsers refuse synchronous compilation of large modules on the main thread) with top-level
// await, so that importing is still all it takes.
import init from "./square_oauth_edge.js";

await init({ module_or_path: new URL("./square_oauth_edge_bg.wasm", import.meta.url) });

export * from "./exports.js";
