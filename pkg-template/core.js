// The runtime-independent part of the package: the JavaScript classes users see, over the wasm
// exports. Each entry file (node.js, workerd.js, deno.js, browser.js) initialises the wasm module
// its own way and re-exports everything from here.
import * as wasm from "./square_oauth_edge.js";
import { settle, sync } from "./errors.js";

export { SquareError } from "./errors.js";
export { authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "./flow.js";

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

  // The wasm side has one entry for the four operations: wasm.call(op, options, a, b, c,
  // callOptions) with op 0 ObtainToken, 1 RenewToken, 2 RevokeToken, 3 RetrieveTokenStatus.

  obtainToken(body, options) {
    return settle(wasm.call(0, this.#options, body, undefined, undefined, options));
  }

  renewToken(clientId, body, authorization, options) {
    return settle(wasm.call(1, this.#options, clientId, body, authorization, options));
  }

  revokeToken(body, authorization, options) {
    return settle(wasm.call(2, this.#options, body, authorization, undefined, options));
  }

  retrieveTokenStatus(accessToken, options) {
    return settle(wasm.call(3, this.#options, accessToken, undefined, undefined, options));
  }
}
