// Drives the Rust Worker (examples/rust-worker/) served by workerd against the fake Square, as a
// browser and a test would: follows the authorize redirect to the fake's consent page, clicks
// Allow or Deny, comes back to the Worker's /callback with the cookies it set, then refreshes,
// renews, checks the status and revokes. Checks every answer, what Square received (the fake's
// recorded requests) and that no answer of the Worker ever holds a secret.
// Env: WORKER_URL, FAKE_URL, CLIENT_ID, CLIENT_SECRET (set by run.sh). Prints `N passed, M failed`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const { WORKER_URL, FAKE_URL, CLIENT_ID, CLIENT_SECRET, WORKERD_LOG } = process.env;
const DAY = 86_400_000;
const SCOPES = ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"];
const CALLBACK = `${WORKER_URL}/callback`;

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n  ")}`);
  }
}

// Every answer of the Worker (status, headers and body), for the secrets check at the end.
const answers = [];

/** A request to the Worker with the cookie jar `jar`; returns {status, headers, json, text}. */
async function worker(path, { method = "GET", jar } = {}) {
  const headers = {};
  if (jar?.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(path.startsWith("http") ? path : `${WORKER_URL}${path}`, {
    method,
    headers,
    redirect: "manual",
  });
  const text = await res.text();
  const setCookies = res.headers.getSetCookie();
  if (jar) {
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(";").map((s) => s.trim());
      const [k, v] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (v === "" || attrs.some((a) => /^max-age=0$/i.test(a))) jar.delete(k);
      else jar.set(k, v);
    }
  }
  answers.push({ path, status: res.status, headers: [...res.headers].map(([k, v]) => `${k}: ${v}`), text });
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, setCookies, json, text };
}

async function fake(path, init = {}) {
  const res = await fetch(`${FAKE_URL}${path}`, { redirect: "manual", ...init });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, json, text };
}

const control = (path, body) =>
  fake(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The requests the fake recorded after `seq`, on Square's paths. */
async function recordedSince(seq) {
  const { json } = await fake("/__fake/requests");
  return json.requests.filter((r) => r.seq > seq && r.path.startsWith("/oauth2/"));
}
async function lastSeq() {
  const { json } = await fake("/__fake/requests?last=1");
  return json.requests.at(-1)?.seq ?? 0;
}

/**
 * The seller's side of the authorization: GET /start on the Worker (302 to Square's authorize
 * page, with the state cookie), the consent page, the decision, and Square's redirect back.
 * Returns the authorize URL, the callback URL Square sent the browser to and the cookie jar.
 */
async function authorize({ pkce = false, decision = "allow" } = {}) {
  const jar = new Map();
  const start = await worker(pkce ? "/start?pkce=1" : "/start", { jar });
  assert.equal(start.status, 302, start.text);
  const authorizeUrl = new URL(start.headers.get("location"));
  const page = await fake(`${authorizeUrl.pathname}${authorizeUrl.search}`);
  assert.equal(page.status, 200, page.text);
  const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(requestId, "the consent page has a request_id");
  const answer = await fake("/oauth2/authorize/decision", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: requestId, decision }).toString(),
  });
  assert.equal(answer.status, 302, answer.text);
  return { authorizeUrl, callbackUrl: answer.headers.get("location"), jar, start };
}

function assertError(res, httpStatus, code) {
  assert.equal(res.status, httpStatus, res.text);
  assert.equal(res.json?.ok, false, res.text);
  assert.equal(res.json.error.code, code, res.text);
}

// ---------------------------------------------------------------------------------------------

await step("GET / answers with the routes and the configured Square", async () => {
  const res = await worker("/");
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ok, true);
  assert.equal(res.json.square, FAKE_URL);
  assert.ok(res.json.routes.includes("POST /revoke"));
});

// --- the code flow ---------------------------------------------------------------------------
let session; // the cookie jar holding the Worker's session id
let codeFlowSeq;
let firstExpiry;

await step("code flow: /start redirects to Square's authorize page with state, scopes, redirect_uri", async () => {
  codeFlowSeq = await lastSeq();
  const { authorizeUrl, callbackUrl, jar, start } = await authorize();
  const q = authorizeUrl.searchParams;
  assert.equal(`${authorizeUrl.origin}${authorizeUrl.pathname}`, `${FAKE_URL}/oauth2/authorize`);
  assert.equal(q.get("client_id"), CLIENT_ID);
  assert.deepEqual(q.get("scope").split(" "), SCOPES);
  assert.equal(q.get("redirect_uri"), CALLBACK);
  assert.equal(q.get("code_challenge"), null, "no PKCE in the code flow");
  assert.match(q.get("state"), /^[A-Za-z0-9_-]{43}$/);
  const cookie = start.setCookies.find((c) => c.startsWith("oauth_state="));
  assert.match(cookie, /HttpOnly/);
  assert.equal(jar.get("oauth_state"), q.get("state"), "the cookie holds the state of the URL");
  const back = new URL(callbackUrl);
  assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
  assert.equal(back.searchParams.get("state"), q.get("state"));
  globalThis.codeFlow = { callbackUrl, jar };
});

await step("code flow: /callback checks state, exchanges the code, opens a session", async () => {
  const { callbackUrl, jar } = globalThis.codeFlow;
  const res = await worker(callbackUrl, { jar });
  assert.equal(res.status, 200, res.text);
  const b = res.json;
  assert.equal(b.ok, true);
  assert.equal(b.step, "obtain_token");
  assert.equal(b.pkce, false);
  assert.equal(b.merchant_id, "MLFAKEMERCHANT01");
  assert.equal(b.token_type.toLowerCase(), "bearer");
  assert.equal(b.has_refresh_token, true);
  assert.equal(b.should_refresh, false, "a fresh 30-day token is not due");
  const days = (Date.parse(b.expires_at) - Date.now()) / DAY;
  assert.ok(days > 29 && days <= 30.01, `expires in ${days} days`);
  firstExpiry = b.expires_at;
  assert.ok(jar.has("sid"), "the session cookie is set");
  assert.ok(!jar.has("oauth_state"), "the state cookie is cleared");
  session = jar;
});

await step("code flow: Square received authorization_code with the secret and the same redirect_uri", async () => {
  const token = (await recordedSince(codeFlowSeq)).filter((r) => r.path === "/oauth2/token");
  assert.equal(token.length, 1);
  const r = token[0];
  assert.equal(r.json.grant_type, "authorization_code");
  assert.equal(r.json.client_id, CLIENT_ID);
  assert.equal(r.json.client_secret, CLIENT_SECRET);
  assert.equal(r.json.redirect_uri, CALLBACK);
  assert.equal(r.json.code_verifier, undefined);
  assert.equal(r.headers["square-version"], "2025-08-20");
  assert.match(r.headers["content-type"], /^application\/json/);
});

await step("the callback's code is single-use: replaying it fails (no state cookie any more)", async () => {
  const res = await worker(globalThis.codeFlow.callbackUrl, { jar: new Map() });
  assertError(res, 400, "NO_STATE_COOKIE");
});

let bearers = [];
const bearerOf = (r) => r.headers.authorization?.replace(/^Bearer /, "");

await step("status: RetrieveTokenStatus answers the scopes, client, merchant and expiry", async () => {
  const seq = await lastSeq();
  const res = await worker("/status", { method: "POST", jar: session });
  assert.equal(res.status, 200, res.text);
  const b = res.json;
  assert.deepEqual([...b.scopes].sort(), [...SCOPES].sort());
  assert.equal(b.client_id, CLIENT_ID);
  assert.equal(b.merchant_id, "MLFAKEMERCHANT01");
  assert.equal(b.merchant_matches_session, true);
  assert.equal(b.expires_at_matches_session, true);
  assert.equal(Date.parse(b.expires_at), Date.parse(firstExpiry));
  assert.equal(b.should_refresh, false);
  const [r] = await recordedSince(seq);
  assert.equal(r.path, "/oauth2/token/status");
  bearers.push(bearerOf(r));
});

await step("refresh: a new access token; the code-flow refresh token comes back unchanged", async () => {
  const seq = await lastSeq();
  const res = await worker("/refresh", { method: "POST", jar: session });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.step, "refresh");
  assert.equal(res.json.pkce, false);
  assert.equal(res.json.access_token_changed, true);
  assert.equal(res.json.refresh_token_rotated, false);
  const [r] = await recordedSince(seq);
  assert.equal(r.json.grant_type, "refresh_token");
  assert.equal(r.json.client_secret, CLIENT_SECRET, "the code flow refreshes with the secret");
  assert.ok(r.json.refresh_token);
});

await step("renew (deprecated RenewToken): a new access token, Client <secret> on the renew path", async () => {
  const seq = await lastSeq();
  const res = await worker("/renew", { method: "POST", jar: session });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.step, "renew");
  assert.equal(res.json.access_token_changed, true);
  assert.equal(res.json.merchant_id, "MLFAKEMERCHANT01");
  const [r] = await recordedSince(seq);
  assert.equal(r.path, `/oauth2/clients/${CLIENT_ID}/access-token/renew`);
  assert.equal(r.headers.authorization, `Client ${CLIENT_SECRET}`);
  assert.ok(r.json.access_token);
});

await step("status after refresh and renew: the Worker calls with the renewed token", async () => {
  const seq = await lastSeq();
  const res = await worker("/status", { method: "POST", jar: session });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.expires_at_matches_session, true);
  const [r] = await recordedSince(seq);
  bearers.push(bearerOf(r));
  assert.notEqual(bearers[1], bearers[0], "a different access token than the first");
});

let revokedToken;
await step("revoke: RevokeToken by access token, session forgotten", async () => {
  const seq = await lastSeq();
  const res = await worker("/revoke", { method: "POST", jar: session });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.ok(!session.has("sid"), "the session cookie is cleared");
  const [r] = await recordedSince(seq);
  assert.equal(r.path, "/oauth2/revoke");
  assert.equal(r.headers.authorization, `Client ${CLIENT_SECRET}`);
  assert.equal(r.json.client_id, CLIENT_ID);
  assert.equal(r.json.access_token, bearers[1]);
  revokedToken = r.json.access_token;
});

await step("after revoke: Square refuses the token, the Worker has no session", async () => {
  const direct = await fake("/oauth2/token/status", {
    method: "POST",
    headers: { authorization: `Bearer ${revokedToken}`, "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(direct.status, 401, direct.text);
  const res = await worker("/status", { method: "POST", jar: session });
  assertError(res, 401, "NO_SESSION");
});

// --- PKCE --------------------------------------------------------------------------------------
let pkceSession;
await step("PKCE: /start?pkce=1 sends an S256 challenge; the exchange sends the verifier, no secret", async () => {
  // Issue this authorization 10 days in the past (the fake's clock), so that its access token
  // expires in 20 days and is due for a refresh (Square: refresh every 7 days or less).
  await control("/__fake/clock", { advance_ms: -10 * DAY });
  try {
    const seq = await lastSeq();
    const { authorizeUrl, callbackUrl, jar } = await authorize({ pkce: true });
    assert.match(authorizeUrl.searchParams.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
    const res = await worker(callbackUrl, { jar });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.pkce, true);
    assert.equal(res.json.has_refresh_token, true);
    assert.ok(res.json.refresh_token_expires_at, "PKCE refresh tokens expire");
    assert.equal(res.json.should_refresh, true, "a token issued 10 days ago is due");
    const [r] = (await recordedSince(seq)).filter((x) => x.path === "/oauth2/token");
    assert.match(r.json.code_verifier, /^[A-Za-z0-9_-]{64}$/);
    assert.equal(r.json.client_secret, undefined);
    assert.equal(r.json.redirect_uri, CALLBACK);
    pkceSession = jar;
  } finally {
    await control("/__fake/clock", { advance_ms: 10 * DAY });
  }
});

await step("PKCE: refresh rotates the single-use refresh token, without the secret", async () => {
  const seq = await lastSeq();
  const res = await worker("/refresh", { method: "POST", jar: pkceSession });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.pkce, true);
  assert.equal(res.json.access_token_changed, true);
  assert.equal(res.json.refresh_token_rotated, true);
  const [r] = await recordedSince(seq);
  assert.equal(r.json.grant_type, "refresh_token");
  assert.equal(r.json.client_secret, undefined);
  const again = await worker("/refresh", { method: "POST", jar: pkceSession });
  assert.equal(again.status, 200, `the rotated refresh token was stored: ${again.text}`);
  const status = await worker("/status", { method: "POST", jar: pkceSession });
  assert.equal(status.json.should_refresh, false, "a freshly refreshed token is not due");
});

await step("PKCE: revoke", async () => {
  const res = await worker("/revoke", { method: "POST", jar: pkceSession });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
});

// --- coded errors ---------------------------------------------------------------------------------
await step("coded error: an unknown client_id → SQUARE_ERROR, status 401, Square's UNAUTHORIZED", async () => {
  const res = await worker("/errors/unknown-client");
  assertError(res, 502, "SQUARE_ERROR");
  assert.equal(res.json.step, "obtain_token");
  assert.equal(res.json.error.status, 401);
  assert.deepEqual(res.json.error.square_errors.map((e) => e.code), ["UNAUTHORIZED"]);
});

await step("coded error: a plain-http Square → INSECURE_URL on options.baseUrl, nothing sent", async () => {
  const seq = await lastSeq();
  const res = await worker("/errors/insecure-url");
  assertError(res, 500, "INSECURE_URL");
  assert.equal(res.json.error.field, "options.baseUrl");
  assert.equal(res.json.error.status, null);
  assert.equal((await recordedSince(seq)).length, 0);
});

await step("coded error: the seller denies → ACCESS_DENIED", async () => {
  const { callbackUrl, jar } = await authorize({ decision: "deny" });
  const res = await worker(callbackUrl, { jar });
  assertError(res, 400, "ACCESS_DENIED");
});

await step("coded error: a callback whose state is not the browser's → STATE_MISMATCH, code not spent", async () => {
  const seq = await lastSeq();
  const victim = await authorize();
  const attacker = await authorize();
  // The attacker's callback (their code) arrives in the victim's browser (the victim's state cookie).
  const res = await worker(attacker.callbackUrl, { jar: victim.jar });
  assertError(res, 400, "STATE_MISMATCH");
  assert.equal((await recordedSince(seq)).filter((r) => r.path === "/oauth2/token").length, 0);
});

await step("no session → NO_SESSION on refresh, renew, status and revoke", async () => {
  for (const path of ["/refresh", "/renew", "/status", "/revoke"]) {
    assertError(await worker(path, { method: "POST", jar: new Map() }), 401, "NO_SESSION");
  }
});

// --- secrets ---------------------------------------------------------------------------------------
await step("no answer of the Worker holds a secret (application secret, codes, tokens, verifiers)", async () => {
  const { json } = await fake("/__fake/requests");
  const secrets = new Set([CLIENT_SECRET]);
  for (const r of json.requests) {
    for (const k of ["client_secret", "code", "refresh_token", "access_token", "code_verifier", "migration_token"]) {
      if (typeof r.json?.[k] === "string") secrets.add(r.json[k]);
    }
    const auth = r.headers.authorization?.replace(/^(Bearer|Client) /, "");
    if (auth) secrets.add(auth);
    for (const k of ["code"]) if (typeof r.query?.[k] === "string") secrets.add(r.query[k]);
  }
  for (const a of answers) {
    // Codes also travel in the callback URLs the browser requests; the Worker's answers must not.
    const text = `${a.status}\n${a.headers.join("\n")}\n${a.text}`;
    for (const s of secrets) {
      if (s.length >= 8 && text.includes(s)) throw new Error(`${a.path} answered a secret (${s.slice(0, 6)}…)`);
    }
  }
  assert.ok(secrets.size > 10, `checked ${secrets.size} secrets`);
  console.log(`  checked ${answers.length} answers against ${secrets.size} secrets`);
});

await step("workerd logged no panic", async () => {
  const log = WORKERD_LOG ? readFileSync(WORKERD_LOG, "utf8") : "";
  assert.ok(!/panicked|RuntimeError|unreachable/.test(log), log);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
