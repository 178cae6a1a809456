// Shared pieces of the reliability suites: the recognisable credentials, one call per operation,
// and a helper that turns a promise (or a throwing function) into the error it failed with.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";

// Recognisable values: any of them in an error, a log line or a stack is a leak.
export const APP_ID = "sq0idp-reliability-app";
export const SECRET = "sq0csp-RELIABILITY-SECRET-d41d8cd98f00b204e9800998ecf8427e";
export const ACCESS = "EAAA-RELIABILITY-ACCESS-TOKEN-5f4dcc3b5aa765d61d8327deb882cf99";
export const REFRESH = "EQAA-RELIABILITY-REFRESH-TOKEN-098f6bcd4621d373cade4e832627b4f6";
export const CODE = "sq0cgp-RELIABILITY-AUTH-CODE-7215ee9c7d9dc229d2921a40e899ec5f";
export const VERIFIER = "RELIABILITY-verifier-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
export const MIGRATION = "RELIABILITY-MIGRATION-TOKEN-0cc175b9c0f1b6a831c399e269772661";
export const SECRETS = [SECRET, ACCESS, REFRESH, CODE, VERIFIER, MIGRATION];

/** One call per operation and grant, each carrying secrets. */
export const OPS = {
  obtain: (c, o) => c.obtainToken({ grant_type: "authorization_code", client_id: APP_ID, client_secret: SECRET, code: CODE }, o),
  pkce: (c, o) => c.obtainToken({ grant_type: "authorization_code", client_id: APP_ID, code: CODE, code_verifier: VERIFIER }, o),
  refresh: (c, o) => c.obtainToken({ grant_type: "refresh_token", client_id: APP_ID, client_secret: SECRET, refresh_token: REFRESH }, o),
  pkceRefresh: (c, o) => c.obtainToken({ grant_type: "refresh_token", client_id: APP_ID, refresh_token: REFRESH }, o),
  migration: (c, o) => c.obtainToken({ grant_type: "migration_token", client_id: APP_ID, client_secret: SECRET, migration_token: MIGRATION }, o),
  revoke: (c, o) => c.revokeToken({ client_id: APP_ID, access_token: ACCESS }, SECRET, o),
  renew: (c, o) => c.renewToken(APP_ID, { access_token: ACCESS }, `Client ${SECRET}`, o),
  status: (c, o) => c.retrieveTokenStatus(ACCESS, o),
};

/** The error `p` (a promise or a function) rejects or throws with, and how long that took. */
export async function failure(p) {
  const t0 = performance.now();
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return { error: e, ms: performance.now() - t0 };
  }
  assert.fail("expected a rejection");
}

/** Runs `fn` and returns the milliseconds it took. */
export async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}
