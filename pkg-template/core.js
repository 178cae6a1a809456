// The runtime-independent part of the package: the JavaScript classes users see, over the wasm
// exports. Each entry file (node.js, workerd.js, deno.js, browser.js) initialises the wasm module
// its own way and re-exports everything from here.
import * as wasm from "./square_oauth_edge.js";
import { lift } from "./errors.js";
import { normalize, run } from "./transport.js";

export { SquareError } from "./errors.js";
export { authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "./flow.js";

// What transport.js calls: the wasm's synchronous exports, and the error class's lift.
const w = {
  normalizeOptions: wasm.normalizeOptions,
  prepare: wasm.prepare,
  judge: wasm.judge,
  reject: wasm.reject,
  failure: wasm.failure,
  nextDelay: wasm.nextDelay,
  lift,
};

/**
 * A client for Square's OAuth API. Options are validated once, here; every method returns a
 * promise of the response body exactly as Square sends it (snake_case), or rejects with a
 * SquareError.
 */
export class OAuthClient {
  #options;

  constructor(options) {
    this.#options = normalize(w, options);
  }

  // One entry for the four operations: run(w, op, options, a, b, c, callOptions) with op
  // 0 ObtainToken, 1 RenewToken, 2 RevokeToken, 3 RetrieveTokenStatus (see transport.js).

  obtainToken(body, options) {
    return run(w, 0, this.#options, body, undefined, undefined, options);
  }

  renewToken(clientId, body, authorization, options) {
    return run(w, 1, this.#options, clientId, body, authorization, options);
  }

  revokeToken(body, authorization, options) {
    return run(w, 2, this.#options, body, authorization, undefined, options);
  }

  retrieveTokenStatus(accessToken, options) {
    return run(w, 3, this.#options, accessToken, undefined, undefined, options);
  }
}
