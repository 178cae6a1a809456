// The token manager's part of the runtime matrix: a short scenario of the "square-oauth-edge/tokens"
// entry against the fake Square, run by every row after the main scenario (scenario.mjs) and
// reported as extra calls of that row.
//
// Plain, dependency-free JavaScript with web-platform globals only (fetch, crypto, TextEncoder,
// btoa), like scenario.mjs, so that it runs in Node, Bun, Deno, workerd, edge-runtime and Chromium.
// The row's consumer imports both entries by the package's name and hands over what it imported:
//
//   const tokensResult = await runTokensScenario({
//     tokens: { OAuthClient, SquareError, TokenManager, MemoryTokenStore, SquareTokenStore, verifyWebhook, createPkce },
//     main: { OAuthClient, SquareError },      // the same names from "square-oauth-edge"
//     format: "esm" | "cjs",                   // how the consumer imported them (import or require)
//     fakeUrl, clientId,
//   });
//   const result = combine(mainResult, tokensResult);   // one row: its calls, then these
//
// → { passed, failed, total, calls: [{ name, ok, error? }], notes: [string] }. A note is an
// observation printed under the row's line, never a failure.

export const TOKENS_CALLS = [
  "tokens entry: exports, SquareError shared with the main entry, a main-entry OAuthClient refused (INVALID_TYPE options.client)",
  "tokens: PKCE authorization from the fake → TokenManager.save, expires_at rewritten to 1 day from now (due)",
  "tokens: 20 concurrent accessToken over two managers sharing a MemoryTokenStore → 1 refresh, 20 equal new tokens",
  "tokens: verifyWebhook with a forged signature → INVALID_WEBHOOK_SIGNATURE, nothing forgotten",
  "tokens: verifyWebhook of a signed oauth.authorization.revoked → handleWebhook \"forgotten\" → accessToken UNKNOWN_MERCHANT",
];

const MERCHANT_ID = "MLFAKEMERCHANT01"; // the fake's merchant that approves
const DAY = 86_400_000;
const CONCURRENT = 20;

class AssertionError extends Error {}
AssertionError.prototype.name = "AssertionError";

function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

function eq(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function base64(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Square's x-square-hmacsha256-signature: base64 HMAC-SHA256(key, notificationUrl + body). */
async function squareSignature(signatureKey, notificationUrl, body) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(signatureKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(notificationUrl + body))));
}

function describe(e) {
  return `${e?.name ?? "Error"}: ${e?.message ?? e}${e?.code ? ` (code ${e.code})` : ""}`;
}

/** Combines the main scenario's result and this one's into the row's one result. */
export function combine(mainResult, tokensResult) {
  const calls = [...mainResult.calls, ...tokensResult.calls];
  const passed = calls.filter((c) => c.ok).length;
  return {
    passed,
    failed: calls.length - passed,
    total: mainResult.total + tokensResult.total,
    calls,
    notes: [...(mainResult.notes ?? []), ...(tokensResult.notes ?? [])],
  };
}

/**
 * The result of a row whose tokens entry could not even be loaded (a failed dynamic import, say):
 * every call of this scenario fails with that error, so that the row shows it.
 */
export function tokensNotRun(error) {
  const msg = `the tokens entry did not load: ${describe(error)}`;
  return { passed: 0, failed: TOKENS_CALLS.length, total: TOKENS_CALLS.length, calls: TOKENS_CALLS.map((name) => ({ name, ok: false, error: msg })), notes: [] };
}

export async function runTokensScenario({ tokens, main, format, fakeUrl, clientId }) {
  const calls = [];
  const notes = [];
  const state = {};
  const base = String(fakeUrl).replace(/\/+$/, "");

  async function control(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new AssertionError(`fake control ${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  const requests = async () => (await control("GET", "/__fake/requests")).requests;
  const stats = () => control("GET", "/__fake/stats");

  async function call(name, fn) {
    try {
      await control("DELETE", "/__fake/requests");
      await fn(name);
      calls.push({ name, ok: true });
    } catch (e) {
      calls.push({ name, ok: false, error: describe(e) });
    }
  }

  /** The SquareError (of the tokens entry) that `promise` rejects with; fails if it resolves. */
  async function rejection(promise, code, what) {
    let error;
    try {
      await promise;
    } catch (e) {
      error = e;
    }
    assert(error !== undefined, `${what}: expected a rejection with ${code}, it resolved`);
    assert(error instanceof tokens.SquareError, `${what}: expected a SquareError of the tokens entry, got ${describe(error)}`);
    eq(error.code, code, `${what}: code`);
    return error;
  }

  const { OAuthClient, SquareError, TokenManager, MemoryTokenStore, SquareTokenStore, verifyWebhook, createPkce } = tokens;
  const encryptionKey = base64(crypto.getRandomValues(new Uint8Array(32)));
  const managerOptions = (client, store) => ({ client, clientId, store, encryptionKey }); // PKCE: no secret
  let client;
  try {
    await control("POST", "/__fake/reset");
  } catch (e) {
    return tokensNotRun(e);
  }

  // 1. What the entry exports, the SquareError class it shares with the main entry (one
  //    errors.js for the ES modules, one errors.cjs for the CommonJS ones), and the refusal of a
  //    client from the main entry.
  await call(TOKENS_CALLS[0], async (what) => {
    for (const name of ["OAuthClient", "SquareError", "TokenManager", "MemoryTokenStore", "SquareTokenStore", "verifyWebhook", "createPkce"]) {
      assert(typeof tokens[name] === "function", `${what}: ${name} is not exported by square-oauth-edge/tokens (${typeof tokens[name]})`);
    }
    client = new OAuthClient({ baseUrl: base, maxRetries: 0 });
    let error;
    try {
      new TokenManager(managerOptions(new main.OAuthClient({ baseUrl: base, maxRetries: 0 }), new MemoryTokenStore()));
    } catch (e) {
      error = e;
    }
    assert(error instanceof SquareError, `${what}: a TokenManager over the main entry's OAuthClient: expected a SquareError, got ${error === undefined ? "no error" : describe(error)}`);
    eq(error.code, "INVALID_TYPE", `${what}: a TokenManager over the main entry's OAuthClient: code`);
    eq(error.field, "options.client", `${what}: a TokenManager over the main entry's OAuthClient: field`);
    eq((await requests()).length, 0, `${what}: requests the fake received`);
    // Last, so that a failure here leaves the other calls their client.
    // Both entries share one SquareError: errors.js (ESM) or errors.cjs (CommonJS) at the
    // package's root.
    assert(SquareError === main.SquareError, `${what}: the SquareError of "square-oauth-edge/tokens" is not the one of "square-oauth-edge" (${format}: two copies of the error class in this build)`);
    assert(error instanceof main.SquareError, `${what}: the tokens entry's error is no instanceof the main entry's SquareError`);
  });

  // 2. A real PKCE authorization: a code minted by the fake for a challenge from the entry's
  //    createPkce, exchanged with the verifier, saved with expires_at one day away (due: the
  //    manager refreshes 7 days or less before).
  await call(TOKENS_CALLS[1], async (what) => {
    assert(client, `${what}: skipped, no OAuthClient from call 1`);
    const pkce = await createPkce();
    const { code } = await control("POST", "/__fake/codes", { client_id: clientId, code_challenge: pkce.code_challenge, code_challenge_method: "S256" });
    const token = await client.obtainToken({ grant_type: "authorization_code", client_id: clientId, code, code_verifier: pkce.code_verifier });
    eq(token.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    assert(typeof token.refresh_token_expires_at === "string", `${what}: refresh_token_expires_at (a PKCE authorization)`);
    const store = new MemoryTokenStore();
    state.managers = [new TokenManager(managerOptions(client, store)), new TokenManager(managerOptions(client, store))];
    const due = new Date(Date.now() + DAY).toISOString();
    eq(await state.managers[0].save({ ...token, expires_at: due }), MERCHANT_ID, `${what}: save → the merchant_id`);
    state.token = token;
    const got = await requests();
    eq(got.length, 1, `${what}: requests the fake received (the exchange only)`);
  });

  // 3. Both managers, 20 concurrent callers: one refresh at the fake, its new token for everyone.
  await call(TOKENS_CALLS[2], async (what) => {
    assert(state.managers, `${what}: skipped, nothing saved by call 2`);
    const before = await stats();
    const got = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => state.managers[i % 2].accessToken(MERCHANT_ID)));
    const after = await stats();
    eq(after.refresh_requests - before.refresh_requests, 1, `${what}: refresh requests at the fake (/__fake/stats)`);
    eq(after.refresh_successes - before.refresh_successes, 1, `${what}: successful refreshes at the fake`);
    eq(after.spent_refresh_token_reuses - before.spent_refresh_token_reuses, 0, `${what}: spent refresh tokens sent again`);
    const log = await requests();
    eq(log.length, 1, `${what}: requests the fake received`);
    eq(log[0].path, "/oauth2/token", `${what}: the refresh's path`);
    eq(log[0].json?.grant_type, "refresh_token", `${what}: the refresh's grant_type`);
    eq(log[0].json?.refresh_token, state.token.refresh_token, `${what}: the refresh token sent`);
    assert(!("client_secret" in (log[0].json ?? {})), `${what}: a PKCE refresh must not send client_secret`);
    const distinct = [...new Set(got)];
    eq(distinct.length, 1, `${what}: distinct access tokens among the ${CONCURRENT} answers`);
    assert(typeof distinct[0] === "string" && distinct[0].length > 2, `${what}: expected a token string, got ${typeof distinct[0]}`);
    assert(distinct[0] !== state.token.access_token, `${what}: the answers are the old (due) access token`);
    // The new token is stored: another call, on either manager, needs no request.
    eq(await state.managers[1].accessToken(MERCHANT_ID), distinct[0], `${what}: a later accessToken`);
    eq((await requests()).length, 1, `${what}: requests the fake received after a later accessToken`);
    state.fresh = distinct[0];
  });

  const signatureKey = `wh-${base64(crypto.getRandomValues(new Uint8Array(18)))}`;
  const notificationUrl = "https://example.com/webhooks/square";
  const revokedBody = () =>
    JSON.stringify({
      merchant_id: MERCHANT_ID,
      type: "oauth.authorization.revoked",
      event_id: crypto.randomUUID(),
      // after the save: an event older than the stored authorization would be STALE_WEBHOOK
      created_at: new Date(Date.now() + 1000).toISOString(),
      data: { type: "revocation", id: crypto.randomUUID(), object: { revocation: { revoked_at: new Date().toISOString(), revoker_type: "MERCHANT" } } },
    });

  // 4. The same event signed with another key: refused before anything is parsed or forgotten.
  await call(TOKENS_CALLS[3], async (what) => {
    const body = revokedBody();
    const forged = await squareSignature(`${signatureKey}-not`, notificationUrl, body);
    await rejection(verifyWebhook({ body, signature: forged, signatureKey, notificationUrl }), "INVALID_WEBHOOK_SIGNATURE", what);
    if (state.fresh) eq(await state.managers[0].accessToken(MERCHANT_ID), state.fresh, `${what}: accessToken afterwards`);
    eq((await requests()).length, 0, `${what}: requests the fake received`);
  });

  // 5. The seller revokes: Square's signed event, verified from the raw bytes, forgets the merchant
  //    for every manager of the store; nothing is sent to Square.
  await call(TOKENS_CALLS[4], async (what) => {
    assert(state.managers, `${what}: skipped, nothing saved by call 2`);
    const body = revokedBody();
    const signature = await squareSignature(signatureKey, notificationUrl, body);
    const event = await verifyWebhook({ body: new TextEncoder().encode(body), signature, signatureKey, notificationUrl });
    eq(event?.type, "oauth.authorization.revoked", `${what}: the verified event's type`);
    eq(event?.merchant_id, MERCHANT_ID, `${what}: the verified event's merchant_id`);
    eq(await state.managers[1].handleWebhook(event), "forgotten", `${what}: handleWebhook`);
    for (const [i, m] of state.managers.entries()) {
      await rejection(m.accessToken(MERCHANT_ID), "UNKNOWN_MERCHANT", `${what}: accessToken on manager ${i + 1}`);
    }
    eq((await requests()).length, 0, `${what}: requests the fake received`);
  });

  const passed = calls.filter((c) => c.ok).length;
  return { passed, failed: calls.length - passed, total: TOKENS_CALLS.length, calls, notes };
}
