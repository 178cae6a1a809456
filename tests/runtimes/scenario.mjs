// The one scenario every runtime of the matrix runs: every endpoint call of the package against the
// fake Square, asserting both what the call returned and what the fake received.
//
// Plain, dependency-free JavaScript that uses only web-platform globals (fetch, crypto.subtle,
// TextEncoder, btoa), so the same file runs in Node, Deno, workerd and Chromium. The runtime's
// harness imports the package by its name and hands over what it imported:
//
//   const result = await runScenario({ OAuthClient, SquareError, authorizeUrl, createPkce, createState,
//                                      parseCallback, shouldRefresh, fakeUrl, clientId, clientSecret });
//   // → { passed, failed, total, calls: [{ name, ok, error? }] }
//
// Every call is checked in isolation: the fake's request log is cleared before it, and afterwards
// it must hold exactly the one request the call should have sent (for the flow helpers: the
// exchange, once the consent page has been through).

export const CALLS = [
  "obtainToken authorization_code (code flow, redirect_uri)",
  "obtainToken refresh_token (code flow, scopes)",
  "obtainToken authorization_code (PKCE S256)",
  "obtainToken refresh_token (PKCE, rotated)",
  "retrieveTokenStatus",
  "renewToken",
  "revokeToken",
  "error path: retrieveTokenStatus of a revoked token → SquareError",
  "flow helpers: createState, createPkce, authorizeUrl → consent → parseCallback → obtainToken, shouldRefresh",
];

const SQUARE_VERSION = "2025-08-20";
const MERCHANT_ID = "MLFAKEMERCHANT01";

class AssertionError extends Error {}
AssertionError.prototype.name = "AssertionError";

function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

function eq(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function deepEq(actual, expected, what) {
  eq(JSON.stringify(canon(actual)), JSON.stringify(canon(expected)), what);
}

function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  }
  return v;
}

function isToken(v, what) {
  assert(typeof v === "string" && v.length >= 2, `${what}: expected a token string, got ${JSON.stringify(v)}`);
}

function isIsoDate(v, what) {
  assert(typeof v === "string" && !Number.isNaN(Date.parse(v)), `${what}: expected an ISO 8601 date, got ${JSON.stringify(v)}`);
}

function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** RFC 7636 S256: BASE64URL(SHA-256(ASCII(code_verifier))), with Web Crypto. */
async function pkcePair() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48))); // 64 characters
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

export async function runScenario(pkg) {
  const { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } = pkg;
  const { fakeUrl, clientId, clientSecret } = pkg;
  assert(typeof OAuthClient === "function", "OAuthClient is not exported as a class");
  assert(typeof SquareError === "function", "SquareError is not exported as a class");
  for (const name of ["authorizeUrl", "createPkce", "createState", "parseCallback", "shouldRefresh"]) {
    assert(typeof pkg[name] === "function", `${name} is not exported as a function`);
  }
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

  /** The requests the fake recorded since the last clear; exactly one is expected. */
  async function received(what) {
    const { requests } = await control("GET", "/__fake/requests");
    eq(requests.length, 1, `${what}: number of requests the fake received`);
    return requests[0];
  }

  function checkCommon(req, what, { method = "POST", path, authorization, json }) {
    eq(req.method, method, `${what}: method`);
    eq(req.path, path, `${what}: path`);
    eq(req.headers["square-version"], SQUARE_VERSION, `${what}: Square-Version header`);
    eq(req.headers.authorization, authorization, `${what}: Authorization header`);
    if (json === undefined) {
      assert(!req.body, `${what}: expected no body, got ${JSON.stringify(req.body)}`);
    } else {
      const ct = String(req.headers["content-type"] ?? "");
      assert(/^application\/json\b/i.test(ct), `${what}: Content-Type: expected application/json, got ${JSON.stringify(ct)}`);
      deepEq(req.json, json, `${what}: JSON body`);
    }
  }

  const client = new OAuthClient({ baseUrl: base });
  await control("POST", "/__fake/reset");

  const calls = [];
  const state = {};
  async function call(name, fn) {
    try {
      await control("DELETE", "/__fake/requests");
      await fn(name);
      calls.push({ name, ok: true });
    } catch (e) {
      calls.push({ name, ok: false, error: `${e?.name ?? "Error"}: ${e?.message ?? e}${e?.code ? ` (code ${e.code})` : ""}` });
    }
  }

  // 1. Code flow: exchange a code minted with a redirect_uri, which the exchange must repeat.
  await call(CALLS[0], async (what) => {
    const redirectUri = "http://127.0.0.1:8788/oauth/callback";
    const { code } = await control("POST", "/__fake/codes", { client_id: clientId, redirect_uri: redirectUri });
    await control("DELETE", "/__fake/requests");
    const body = { grant_type: "authorization_code", client_id: clientId, client_secret: clientSecret, code, redirect_uri: redirectUri };
    const t = await client.obtainToken(body);
    isToken(t.access_token, `${what}: access_token`);
    isToken(t.refresh_token, `${what}: refresh_token`);
    eq(t.token_type, "bearer", `${what}: token_type`);
    eq(t.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    isIsoDate(t.expires_at, `${what}: expires_at`);
    eq(t.refresh_token_expires_at, undefined, `${what}: refresh_token_expires_at (code flow has none)`);
    checkCommon(await received(what), what, { path: "/oauth2/token", authorization: undefined, json: body });
    state.code = t;
  });

  // 2. Code flow refresh, narrowing the scopes: the same (multi-use) refresh token comes back.
  await call(CALLS[1], async (what) => {
    assert(state.code, `${what}: skipped, no token from call 1`);
    const body = {
      grant_type: "refresh_token",
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: state.code.refresh_token,
      scopes: ["MERCHANT_PROFILE_READ"],
    };
    const t = await client.obtainToken(body);
    isToken(t.access_token, `${what}: access_token`);
    assert(t.access_token !== state.code.access_token, `${what}: expected a new access token`);
    eq(t.refresh_token, state.code.refresh_token, `${what}: refresh_token (code flow returns the same one)`);
    eq(t.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    checkCommon(await received(what), what, { path: "/oauth2/token", authorization: undefined, json: body });
    state.refreshed = t;
  });

  // 3. PKCE: a code minted with an S256 challenge computed here, exchanged with the verifier.
  await call(CALLS[2], async (what) => {
    const { verifier, challenge } = await pkcePair();
    const { code } = await control("POST", "/__fake/codes", { client_id: clientId, code_challenge: challenge, code_challenge_method: "S256" });
    await control("DELETE", "/__fake/requests");
    const body = { grant_type: "authorization_code", client_id: clientId, code, code_verifier: verifier };
    const t = await client.obtainToken(body);
    isToken(t.access_token, `${what}: access_token`);
    isToken(t.refresh_token, `${what}: refresh_token`);
    isIsoDate(t.refresh_token_expires_at, `${what}: refresh_token_expires_at (PKCE only)`);
    eq(t.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    const req = await received(what);
    checkCommon(req, what, { path: "/oauth2/token", authorization: undefined, json: body });
    assert(!("client_secret" in req.json), `${what}: PKCE must not send client_secret`);
    state.pkce = t;
  });

  // 4. PKCE refresh, no secret: the refresh token is single-use and rotated.
  await call(CALLS[3], async (what) => {
    assert(state.pkce, `${what}: skipped, no token from call 3`);
    const body = { grant_type: "refresh_token", client_id: clientId, refresh_token: state.pkce.refresh_token };
    const t = await client.obtainToken(body);
    isToken(t.access_token, `${what}: access_token`);
    isToken(t.refresh_token, `${what}: refresh_token`);
    assert(t.refresh_token !== state.pkce.refresh_token, `${what}: expected a rotated refresh token`);
    isIsoDate(t.refresh_token_expires_at, `${what}: refresh_token_expires_at`);
    checkCommon(await received(what), what, { path: "/oauth2/token", authorization: undefined, json: body });
    state.pkceRefreshed = t;
  });

  // 5. RetrieveTokenStatus of the narrowed token: Bearer header, no body.
  await call(CALLS[4], async (what) => {
    assert(state.refreshed, `${what}: skipped, no token from call 2`);
    const s = await client.retrieveTokenStatus(state.refreshed.access_token);
    deepEq(s.scopes, ["MERCHANT_PROFILE_READ"], `${what}: scopes`);
    eq(s.client_id, clientId, `${what}: client_id`);
    eq(s.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    isIsoDate(s.expires_at, `${what}: expires_at`);
    checkCommon(await received(what), what, {
      path: "/oauth2/token/status",
      authorization: `Bearer ${state.refreshed.access_token}`,
      json: undefined,
    });
  });

  // 6. RenewToken (deprecated): client_id in the path, `Client SECRET` header.
  await call(CALLS[5], async (what) => {
    assert(state.refreshed, `${what}: skipped, no token from call 2`);
    const body = { access_token: state.refreshed.access_token };
    const r = await client.renewToken(clientId, body, `Client ${clientSecret}`);
    isToken(r.access_token, `${what}: access_token`);
    assert(r.access_token !== state.refreshed.access_token, `${what}: expected a new access token`);
    eq(r.merchant_id, MERCHANT_ID, `${what}: merchant_id`);
    isIsoDate(r.expires_at, `${what}: expires_at`);
    checkCommon(await received(what), what, {
      path: `/oauth2/clients/${encodeURIComponent(clientId)}/access-token/renew`,
      authorization: `Client ${clientSecret}`,
      json: body,
    });
  });

  // 7. RevokeToken of the PKCE authorization by access token.
  await call(CALLS[6], async (what) => {
    assert(state.pkceRefreshed, `${what}: skipped, no token from call 4`);
    const body = { client_id: clientId, access_token: state.pkceRefreshed.access_token };
    const r = await client.revokeToken(body, `Client ${clientSecret}`);
    deepEq(r, { success: true }, `${what}: response`);
    checkCommon(await received(what), what, { path: "/oauth2/revoke", authorization: `Client ${clientSecret}`, json: body });
  });

  // 8. Error path: the revoked token's status is a 401 UNAUTHORIZED, rejected as a SquareError.
  await call(CALLS[7], async (what) => {
    assert(state.pkceRefreshed, `${what}: skipped, no token from call 4`);
    let error;
    try {
      await client.retrieveTokenStatus(state.pkceRefreshed.access_token);
    } catch (e) {
      error = e;
    }
    assert(error !== undefined, `${what}: expected a rejection, the call resolved`);
    assert(error instanceof SquareError, `${what}: expected instanceof SquareError, got ${error?.constructor?.name}: ${error?.message}`);
    assert(error instanceof Error, `${what}: SquareError must be an Error`);
    eq(error.name, "SquareError", `${what}: name`);
    eq(error.code, "SQUARE_ERROR", `${what}: code`);
    eq(error.statusCode, 401, `${what}: statusCode`);
    assert(Array.isArray(error.errors) && error.errors.length === 1, `${what}: errors: ${JSON.stringify(error.errors)}`);
    eq(error.errors[0].code, "UNAUTHORIZED", `${what}: errors[0].code`);
    eq(error.errors[0].category, "AUTHENTICATION_ERROR", `${what}: errors[0].category`);
    checkCommon(await received(what), what, {
      path: "/oauth2/token/status",
      authorization: `Bearer ${state.pkceRefreshed.access_token}`,
      json: undefined,
    });
  });

  // 9. The flow helpers around a PKCE exchange, as an app uses them: state and PKCE pair, the
  // authorize URL (the fake's consent page must accept it), Allow on that page, the callback URL
  // it redirects to (on the fake's own origin, so that a browser may read it after the redirect),
  // parseCallback, the exchange, and shouldRefresh on the new token.
  await call(CALLS[8], async (what) => {
    const st = createState();
    assert(/^[A-Za-z0-9_-]{43}$/.test(st), `${what}: createState(): expected 43 base64url characters, got ${JSON.stringify(st)}`);
    assert(createState() !== st, `${what}: createState() returned the same value twice`);
    const pkce = await createPkce();
    assert(/^[A-Za-z0-9_-]{64}$/.test(pkce.code_verifier), `${what}: code_verifier: ${JSON.stringify(pkce.code_verifier)}`);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pkce.code_verifier));
    eq(pkce.code_challenge, base64url(new Uint8Array(digest)), `${what}: code_challenge = BASE64URL(SHA-256(code_verifier))`);
    eq(pkce.code_challenge_method, "S256", `${what}: code_challenge_method`);

    const redirectUri = `${base}/app/oauth/callback`;
    const href = authorizeUrl(
      { client_id: clientId, scope: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], state: st, redirect_uri: redirectUri, code_challenge: pkce.code_challenge },
      { baseUrl: base },
    );
    const url = new URL(href);
    eq(`${url.origin}${url.pathname}`, `${base}/oauth2/authorize`, `${what}: authorizeUrl: page`);
    const q = url.searchParams;
    eq(q.get("client_id"), clientId, `${what}: authorizeUrl: client_id`);
    eq(q.get("scope"), "MERCHANT_PROFILE_READ PAYMENTS_READ", `${what}: authorizeUrl: scope`);
    eq(q.get("state"), st, `${what}: authorizeUrl: state`);
    eq(q.get("redirect_uri"), redirectUri, `${what}: authorizeUrl: redirect_uri`);
    eq(q.get("code_challenge"), pkce.code_challenge, `${what}: authorizeUrl: code_challenge`);

    const page = await fetch(href);
    const html = await page.text();
    eq(page.status, 200, `${what}: the consent page's status`);
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    assert(requestId, `${what}: the consent page has no request_id`);
    // Allow, as the page's form posts it (a simple request: no preflight); the redirect is followed.
    const decision = await fetch(`${base}/oauth2/authorize/decision`, {
      method: "POST",
      body: new URLSearchParams({ request_id: requestId, decision: "allow" }),
    });
    await decision.arrayBuffer();
    const callback = decision.url;
    assert(callback.startsWith(`${redirectUri}?`), `${what}: expected the redirect to ${redirectUri}, got ${callback}`);

    const parsed = parseCallback(callback, st);
    eq(parsed.state, st, `${what}: parseCallback: state`);
    assert(typeof parsed.code === "string" && parsed.code.length > 0, `${what}: parseCallback: code`);
    const rejects = (fn, code, label) => {
      let error;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      assert(error instanceof SquareError, `${what}: ${label}: expected a SquareError, got ${error}`);
      eq(error.code, code, `${what}: ${label}: code`);
    };
    rejects(() => parseCallback(callback, createState()), "STATE_MISMATCH", "parseCallback with another state");
    rejects(() => parseCallback(`${redirectUri}?error=access_denied&error_description=user_denied&state=${st}`, st), "ACCESS_DENIED", "parseCallback of a denial");

    await control("DELETE", "/__fake/requests");
    const body = { grant_type: "authorization_code", client_id: clientId, code: parsed.code, code_verifier: pkce.code_verifier, redirect_uri: redirectUri };
    const t = await client.obtainToken(body);
    isToken(t.access_token, `${what}: access_token`);
    isIsoDate(t.expires_at, `${what}: expires_at`);
    checkCommon(await received(what), what, { path: "/oauth2/token", authorization: undefined, json: body });
    const status = await client.retrieveTokenStatus(t.access_token);
    deepEq(status.scopes, ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], `${what}: the token's scopes (from the authorize URL)`);

    eq(shouldRefresh(t), false, `${what}: shouldRefresh of a new 30-day token`);
    const expires = Date.parse(t.expires_at);
    eq(shouldRefresh(t, { now: expires - 22 * 86400e3 }), true, `${what}: shouldRefresh 22 days before expiry`);
    eq(shouldRefresh(t.expires_at, { now: expires - 24 * 86400e3 }), false, `${what}: shouldRefresh 24 days before expiry`);
    eq(shouldRefresh(t, { now: expires - 26 * 86400e3, refreshAfterDays: 3 }), true, `${what}: shouldRefresh, refreshAfterDays 3`);
  });

  const passed = calls.filter((c) => c.ok).length;
  return { passed, failed: calls.length - passed, total: CALLS.length, calls };
}
