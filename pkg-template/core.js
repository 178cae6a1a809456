// The runtime-independent part of the package: the JavaScript classes users see, over the wasm
// exports. Each entry file (node.js, workerd.js, deno.js, browser.js) initialises the wasm module
// its own way and re-exports everything from here.
import * as wasm from "./square_oauth_edge.js";
import { settle, sync } from "./errors.js";

export { SquareError } from "./errors.js";

/**
 * A client for Square's OAuth API. Options are validated once, here; every method returns a
 * promise of the response body exactly as Square sends it (snake_case), or rejects with a
 * SquareError.
 */
export class OAuthClient {
  #options;

  constructor(options) {
    this.#options = sync(() => wasm.normalizeOptions(options));
  }

  obtainToken(body, options) {
    return settle(wasm.obtainToken(this.#options, body, options));
  }

  renewToken(clientId, body, authorization, options) {
    return settle(wasm.renewToken(this.#options, clientId, body, authorization, options));
  }

  revokeToken(body, authorization, options) {
    return settle(wasm.revokeToken(this.#options, body, authorization, options));
  }

  retrieveTokenStatus(accessToken, options) {
    return settle(wasm.retrieveTokenStatus(this.#options, accessToken, options));
  }
}
