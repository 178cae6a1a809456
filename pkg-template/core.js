// The runtime-independent part of the package: the JavaScript classes users see, over the wasm
// exports. Each entry file (node.js, workerd.js, deno.js, browser.js) initialises the wasm module
// its own way and re-exports everything from here.
import * as wasm from "./square_oauth_edge.js";

/**
 * The one error class of the package. `code` is stable; see index.d.ts for the list.
 */
export class SquareError extends Error {
  /** @param {{code: string, message: string, field?: string, statusCode?: number, errors?: unknown[], body?: unknown, cause?: unknown}} raw */
  constructor(raw) {
    super(raw.message, "cause" in raw ? { cause: raw.cause } : undefined);
    this.code = raw.code;
    if (raw.statusCode !== undefined) this.statusCode = raw.statusCode;
    this.errors = Array.isArray(raw.errors) ? raw.errors : [];
    if ("body" in raw) this.body = raw.body;
    if (raw.field !== undefined) this.field = raw.field;
  }
}
Object.defineProperty(SquareError.prototype, "name", {
  value: "SquareError",
  writable: true,
  configurable: true,
});

/** Turns the plain object the wasm side rejects with into a SquareError. */
function lift(raw) {
  return raw !== null && typeof raw === "object" && raw.name === "SquareError" && typeof raw.code === "string"
    ? new SquareError(raw)
    : raw;
}

async function settle(promise) {
  try {
    return await promise;
  } catch (e) {
    throw lift(e);
  }
}

/**
 * A client for Square's OAuth API. Options are validated once, here; every method returns a
 * promise of the response body exactly as Square sends it (snake_case), or rejects with a
 * SquareError.
 */
export class OAuthClient {
  #options;

  constructor(options) {
    try {
      this.#options = wasm.normalizeOptions(options);
    } catch (e) {
      throw lift(e);
    }
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
