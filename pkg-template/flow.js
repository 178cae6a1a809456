// OAuth flow helpers: authorize URL, PKCE, state, callback, refresh timing. Thin wrappers over
// the wasm exports, which validate everything (input crosses as one JSON text, see
// transport.js); input errors become SquareError. Web Crypto failures (a runtime without the
// global `crypto`) are thrown as the runtime's own error.
import * as wasm from "./square_oauth_edge.js";
import { sync } from "./errors.js";
import { encodeArgs, encodeCallbackArgs, encodeRefreshArgs } from "./transport.js";

/** `{base}/oauth2/authorize?…` for the chosen environment; see index.d.ts. */
export function authorizeUrl(params, options) {
  return sync(() => wasm.authorizeUrl(encodeArgs(params, options)));
}

/** `{ code_verifier, code_challenge, code_challenge_method: "S256" }` from Web Crypto. */
export async function createPkce() {
  const code_verifier = sync(() => wasm.createVerifier());
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code_verifier));
  const code_challenge = sync(() => wasm.pkceChallenge(new Uint8Array(digest)));
  return { code_verifier, code_challenge, code_challenge_method: "S256" };
}

/** A random, URL-safe `state` (256 bits). */
export function createState() {
  return sync(() => wasm.createState());
}

/** `{ code, state }` of the authorization callback, after checking `state`. */
export function parseCallback(url, expectedState) {
  return JSON.parse(sync(() => wasm.parseCallback(encodeCallbackArgs(url, expectedState))));
}

/** Whether a token is due for a refresh under Square's 7-day guidance. */
export function shouldRefresh(token, options) {
  return sync(() => wasm.shouldRefresh(encodeRefreshArgs(token, options)));
}
