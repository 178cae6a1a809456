// Vercel's edge runtime (the `edge-light` condition: Edge Functions, Next.js `runtime: "edge"`,
// `vercel dev`): Vercel's edge build turns `import x from "….wasm?module"` into a compiled
// WebAssembly.Module bound to the function, like workerd's .wasm modules, so instantiation is
// synchronous, with no fetch of a URL and no top-level await (which the CommonJS bundle of an
// Edge Function cannot hold). Any bundler that strips `?module` and hands over a
// WebAssembly.Module works too.
import module from "./square_oauth_edge_bg.wasm?module";
import { initSync } from "./square_oauth_edge.js";

// `vercel dev` runs the function in edge-runtime, a Node vm context, and compiles the bound module
// outside it: a WebAssembly.Module of another realm, which the engine instantiates but the glue's
// `instanceof WebAssembly.Module` refuses (it would then try to compile it again, as bytes). Such
// a module gets this realm's prototype; on Vercel's edge it is already of this realm.
if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) === "[object WebAssembly.Module]") {
  Object.setPrototypeOf(module, WebAssembly.Module.prototype);
}
initSync({ module });

export * from "./exports.js";
