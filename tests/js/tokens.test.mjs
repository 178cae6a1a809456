// Issue 13 in one Node process: the TokenManager over the in-memory store and over custom stores,
// against the fake Square (in-process). Single-flight refresh (PKCE and code flow), refresh
// failures (5xx, network, timeout), a refused refresh token, store failures, tampered and
// wrong-key records (also during another manager's refresh), key rotation, a lost put-if-unchanged
// race, a hostile Square, revoke/forget, option and argument checks, and that no error
// ever carries the secret, the key or a token. Run by `make test-js` (node --test tests/js/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import util from "node:util";
import {
  OAuthClient,
  TokenManager,
  MemoryTokenStore,
  SquareError,
  SquareTokenStore,
  createPkce,
  verifyWebhook,
} from "../../pkg/tokens/node.js";
import { startFakeSquare } from "../fake-square/server.mjs";

const APP_ID = "sq0idp-fake-application-id";
const SECRET = "sq0csp-fake-application-secret";
const KEY = randomBytes(32).toString("base64"); // standard base64, padded
const KEY_NEW = randomBytes(32).toString("base64url"); // url-safe, no padding
const KEY_OTHER = randomBytes(32).toString("base64");
const DAY = 86_400_000;
const INPUT_CODES = ["MISSING_FIELD", "UNKNOWN_FIELD", "INVALID_TYPE", "INVALID_VALUE", "CONFLICTING_FIELDS"];

let fake;
let setup; // an OAuthClient for the test's own calls (minting tokens, checking them)

before(async () => {
  fake = await startFakeSquare({});
  setup = new OAuthClient({ baseUrl: fake.url });
});
after(async () => {
  await fake.close();
});

// ---- secrets: every value that must never appear in an error ----------------------------------

const secrets = new Map([
  [SECRET, "the client secret"],
  [KEY, "the encryption key"],
  [KEY_NEW, "the new encryption key"],
  [KEY_OTHER, "another encryption key"],
]);
function remember(token) {
  if (token.access_token) secrets.set(token.access_token, "an access token");
  if (token.refresh_token) secrets.set(token.refresh_token, "a refresh token");
  return token;
}

/** Everything a user could print or log from an error. */
function dump(e) {
  const cause = e?.cause instanceof Error ? `${e.cause.message}\n${e.cause.stack}` : String(e?.cause ?? "");
  return [
    e?.message,
    String(e),
    JSON.stringify(e),
    util.inspect(e, { depth: 8, showHidden: true }),
    e?.field ?? "",
    e?.stack ?? "",
    JSON.stringify(e?.body ?? null),
    JSON.stringify(e?.errors ?? []),
    cause,
  ].join("\n");
}
function assertClean(e, what = "") {
  const text = dump(e);
  for (const [value, name] of secrets) {
    assert.ok(!text.includes(value), `${what} SquareError ${e?.code} contains ${name}`);
  }
}

/** The rejection of `promise` (fails if it resolves), checked to be a clean SquareError. */
async function rejects(promise, code, what = "") {
  let value;
  try {
    value = await promise;
  } catch (e) {
    assert.ok(e instanceof SquareError, `${what}: not a SquareError: ${e}`);
    if (code !== undefined) {
      const codes = Array.isArray(code) ? code : [code];
      assert.ok(codes.includes(e.code), `${what}: code ${e.code}, expected ${codes.join(" or ")} (${e.message})`);
    }
    assertClean(e, what);
    return e;
  }
  assert.fail(`${what}: expected a rejection, got ${typeof value === "string" ? "a string" : typeof value}`);
}
function throws(fn, what = "") {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail(`${what}: expected a throw`);
}

// ---- the fake: tokens, request counts ---------------------------------------------------------------

let merchantSeq = 0;
const newMerchant = () => `MLTOKENS${String(++merchantSeq).padStart(4, "0")}`;

async function control(path, body) {
  const r = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return r.json();
}

/** A real PKCE token from the fake: a code minted with a challenge from the package's createPkce. */
async function pkceToken(merchant_id) {
  const pkce = await createPkce();
  const { code } = await control("/__fake/codes", {
    merchant_id,
    code_challenge: pkce.code_challenge,
    code_challenge_method: "S256",
  });
  const token = await setup.obtainToken({
    grant_type: "authorization_code",
    client_id: APP_ID,
    code,
    code_verifier: pkce.code_verifier,
  });
  assert.equal(token.merchant_id, merchant_id);
  assert.ok(token.refresh_token_expires_at, "a PKCE token has refresh_token_expires_at");
  return remember(token);
}

/** A real code-flow token (with the secret) from the fake. */
async function codeToken(merchant_id) {
  const { code } = await control("/__fake/codes", { merchant_id });
  const token = await setup.obtainToken({ grant_type: "authorization_code", client_id: APP_ID, client_secret: SECRET, code });
  assert.equal(token.merchant_id, merchant_id);
  assert.equal(token.refresh_token_expires_at, undefined);
  return remember(token);
}

/** The token with expires_at rewritten to `ms` from now (default one day: due, still valid). */
const due = (token, ms = DAY) => ({ ...token, expires_at: new Date(Date.now() + ms).toISOString() });

/** The seq of the last recorded request: requests after it are new. */
const mark = () => (fake.requests.length ? fake.requests[fake.requests.length - 1].seq : 0);
const since = (m) => fake.requests.filter((r) => r.seq > m);
const refreshesSince = (m) =>
  since(m).filter((r) => r.path === "/oauth2/token" && r.json?.grant_type === "refresh_token");
const stats = () => (typeof fake.stats === "function" ? fake.stats() : null);

// ---- managers and stores ------------------------------------------------------------------------------

function client(options = {}) {
  return new OAuthClient({ baseUrl: fake.url, ...options });
}
function manager(options = {}) {
  return new TokenManager({
    client: client(),
    clientId: APP_ID,
    store: new MemoryTokenStore(),
    encryptionKey: KEY,
    ...options,
  });
}

/** A custom store over a Map (async, or plain values with sync: true), logging its calls. */
function mapStore({ sync = false } = {}) {
  const map = new Map();
  const log = [];
  const get = (key) => {
    log.push({ op: "get", key });
    return map.has(key) ? map.get(key) : null;
  };
  const put = (key, value, previous) => {
    log.push({ op: "put", key, value, previous });
    if ((map.has(key) ? map.get(key) : null) !== previous) return false;
    if (value === null) map.delete(key);
    else map.set(key, value);
    return true;
  };
  const store = sync
    ? { get, put }
    : {
        get: async (key) => (await null, get(key)),
        put: async (key, value, previous) => (await null, put(key, value, previous)),
      };
  return { store, map, log };
}

/** Asserts that a stored value is an opaque record of this package that holds no token in clear. */
function assertOpaque(value, token) {
  assert.equal(typeof value, "string");
  assert.match(value, /^sqoe1\.[A-Za-z0-9_-]+$/, "sqoe1.<base64url>");
  const payload = Buffer.from(value.slice("sqoe1.".length), "base64url");
  assert.ok(payload.length >= 12 + 16 + 20, "IV, ciphertext and tag");
  for (const t of [token.access_token, token.refresh_token, token.merchant_id]) {
    if (!t) continue;
    assert.ok(!value.includes(t), "no token in the stored value");
    assert.ok(!payload.toString("latin1").includes(t), "no token in the decoded payload");
  }
}

// =======================================================================================================
// Single-flight refresh
// =======================================================================================================

/**
 * Two managers (each with its own OAuthClient) sharing one MemoryTokenStore, 200 concurrent
 * accessToken calls (100 each, interleaved) for one merchant whose token is due.
 */
async function concurrentRefresh(kind) {
  const merchant = newMerchant();
  const token = kind === "pkce" ? await pkceToken(merchant) : await codeToken(merchant);
  const store = new MemoryTokenStore();
  const secretOption = kind === "pkce" ? {} : { clientSecret: SECRET };
  const a = manager({ store, ...secretOption });
  const b = manager({ store, ...secretOption });
  assert.equal(await a.save(due(token)), merchant);
  assertOpaque(await store.get(merchant), token);

  const m = mark();
  const s0 = stats();
  const calls = [];
  for (let i = 0; i < 100; i++) calls.push(a.accessToken(merchant), b.accessToken(merchant));
  const results = await Promise.all(calls);

  const refreshes = refreshesSince(m);
  assert.equal(refreshes.length, 1, `exactly one refresh request reaches Square (got ${refreshes.length})`);
  const sent = refreshes[0].json;
  assert.equal(sent.client_id, APP_ID);
  assert.equal(sent.refresh_token, token.refresh_token, "the stored refresh token is the one sent");
  if (kind === "pkce") assert.equal(sent.client_secret, undefined, "a PKCE refresh goes without the secret");
  else assert.equal(sent.client_secret, SECRET, "a code-flow refresh carries the secret");
  assert.equal(results.length, 200);
  assert.equal(new Set(results).size, 1, "every caller gets the same token");
  const fresh = results[0];
  secrets.set(fresh, "an access token");
  assert.notEqual(fresh, token.access_token, "a new token, not the due one");
  assert.match(fresh, /^EAAA/);
  const status = await setup.retrieveTokenStatus(fresh);
  assert.equal(status.merchant_id, merchant, "the new token is valid at Square");

  // The new token (30 days) is not due: no more refreshes, from either manager.
  assert.equal(await a.accessToken(merchant), fresh);
  assert.equal(await b.accessToken(merchant), fresh);
  assert.equal(refreshesSince(m).length, 1);
  assertOpaque(await store.get(merchant), { ...token, access_token: fresh });

  // The new tokens were stored: a manager that refreshes at once (refreshAfterDays 0) refreshes with
  // the refresh token Square returned (for PKCE the rotated one; the spent one would be refused).
  const eager = manager({ store, refreshAfterDays: 0, ...secretOption });
  const next = await eager.accessToken(merchant);
  secrets.set(next, "an access token");
  const all = refreshesSince(m);
  assert.equal(all.length, 2);
  if (kind === "pkce") {
    secrets.set(all[1].json.refresh_token, "a refresh token");
    assert.notEqual(all[1].json.refresh_token, token.refresh_token, "the rotated refresh token was stored");
    const tokensSent = all.map((r) => r.json.refresh_token);
    assert.equal(new Set(tokensSent).size, tokensSent.length, "no PKCE refresh token is sent twice");
  }
  assert.notEqual(next, fresh);
  assert.equal((await setup.retrieveTokenStatus(next)).merchant_id, merchant);

  const s1 = stats();
  if (s0 && s1) {
    assert.equal(s1.refresh_requests - s0.refresh_requests, 2, "the fake's count: one refresh per due token");
    assert.equal(s1.refresh_successes - s0.refresh_successes, 2);
    assert.equal(s1.spent_refresh_token_reuses - s0.spent_refresh_token_reuses, 0, "no spent refresh token presented");
  }
}

test("PKCE: 200 concurrent accessToken calls over two managers sharing a MemoryTokenStore: one refresh, one new token for all", async () => {
  await concurrentRefresh("pkce");
});

test("code flow (clientSecret): 200 concurrent accessToken calls over two managers: one refresh, one new token for all", async () => {
  await concurrentRefresh("code");
});

test("two wasm instances (the ESM and the CommonJS builds, like two isolates) sharing a custom store: one refresh", async () => {
  const cjs = createRequire(import.meta.url)("../../pkg/tokens/node.cjs");
  assert.notEqual(cjs.TokenManager, TokenManager, "separate module instances");
  const merchant = newMerchant();
  const token = await pkceToken(merchant);
  const { store } = mapStore();
  const esm = manager({ store });
  const other = new cjs.TokenManager({
    client: new cjs.OAuthClient({ baseUrl: fake.url }),
    clientId: APP_ID,
    store,
    encryptionKey: KEY,
  });
  await esm.save(due(token));
  const m = mark();
  const s0 = stats();
  const calls = [];
  for (let i = 0; i < 100; i++) calls.push(esm.accessToken(merchant), other.accessToken(merchant));
  const settled = await Promise.allSettled(calls);
  const failed = settled.filter((r) => r.status === "rejected");
  assert.equal(failed.length, 0, `no caller fails (first: ${failed[0]?.reason?.code} ${failed[0]?.reason?.message})`);
  const refreshes = refreshesSince(m);
  assert.equal(refreshes.length, 1, `exactly one refresh request reaches Square (got ${refreshes.length})`);
  assert.equal(refreshes[0].json.refresh_token, token.refresh_token);
  const results = settled.map((r) => r.value);
  const fresh = results.find((t) => t !== token.access_token);
  assert.ok(fresh, "someone got the new token");
  secrets.set(fresh, "an access token");
  // A caller that found the refresh in flight elsewhere may get the old token while it is still
  // valid; nobody gets anything else.
  for (const t of results) assert.ok(t === fresh || t === token.access_token);
  assert.equal(await other.accessToken(merchant), fresh, "the other instance reads the new token");
  assert.equal(await esm.accessToken(merchant), fresh);
  assert.equal(refreshesSince(m).length, 1);
  const s1 = stats();
  if (s0 && s1) assert.equal(s1.spent_refresh_token_reuses - s0.spent_refresh_token_reuses, 0);
});

test("a token that is not due is returned as stored, without a request; records are opaque and never repeat", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant); // 30 days: not due
  const store = new MemoryTokenStore();
  const tm = manager({ store, clientSecret: SECRET });
  const m = mark();
  assert.equal(await tm.save(token), merchant);
  const first = await store.get(merchant);
  assertOpaque(first, token);
  assert.equal(await tm.accessToken(merchant), token.access_token);
  assert.equal(await tm.accessToken(merchant), token.access_token);
  assert.equal(since(m).length, 0, "no request to Square");
  await tm.save(token);
  const second = await store.get(merchant);
  assertOpaque(second, token);
  assert.notEqual(second, first, "a fresh IV per write");
  // refresh_token is optional at save
  const bare = newMerchant();
  const minted = remember(fake.issueToken({ merchant_id: bare }));
  assert.equal(await tm.save({ access_token: minted.access_token, merchant_id: bare, expires_at: minted.expires_at }), bare);
  assert.equal(await tm.accessToken(bare), minted.access_token);
  assert.equal(since(m).length, 0);
});

test("an unknown merchant is UNKNOWN_MERCHANT, without a request", async () => {
  const tm = manager({ clientSecret: SECRET });
  const m = mark();
  await rejects(tm.accessToken("MLNEVERSAVED01"), "UNKNOWN_MERCHANT", "accessToken");
  await tm.forget("MLNEVERSAVED01"); // nothing to forget is fine
  await rejects(tm.accessToken("MLNEVERSAVED01"), "UNKNOWN_MERCHANT", "after forget");
  assert.equal(since(m).length, 0);
});

// =======================================================================================================
// Refresh failures
// =======================================================================================================

/**
 * After a failed refresh the store holds the last good tokens. The stored string itself may differ
 * (the manager writes a lease into the record before refreshing and clears it after, each write
 * with a fresh IV), so this reads it back: the access token through a manager that refreshes only
 * expired tokens (when the token has not expired), and the refresh token by the recovery refresh
 * (checked by the caller).
 */
async function assertLastGood(store, merchant, token, expired, what) {
  const value = await store.get(merchant);
  assertOpaque(value, token);
  if (!expired) {
    const reader = manager({ store, refreshAfterDays: 30, client: client({ maxRetries: 0 }) });
    const m = mark();
    assert.equal(await reader.accessToken(merchant), token.access_token, `${what}: the stored access token is the last good one`);
    assert.equal(since(m).length, 0);
  }
}

const SERVICE_UNAVAILABLE = {
  status: 503,
  body: { errors: [{ category: "API_ERROR", code: "SERVICE_UNAVAILABLE", detail: "Try again later." }] },
};

for (const [name, queued, codes] of [
  ["503", SERVICE_UNAVAILABLE, ["SQUARE_ERROR", "HTTP_ERROR"]],
  ["a dropped connection", { drop: true }, ["NETWORK_ERROR"]],
]) {
  test(`a refresh that fails with ${name}: the old token while valid, else the refresh's error; the stored tokens stay the last good ones; the next call recovers`, async () => {
    for (const expired of [false, true]) {
      const what = expired ? "expired" : "still valid";
      const merchant = newMerchant();
      const token = await pkceToken(merchant);
      const store = new MemoryTokenStore();
      const tm = manager({ store, client: client({ maxRetries: 0 }) });
      await tm.save(expired ? due(token, -60 * 60_000) : due(token));
      const before = await store.get(merchant);

      fake.enqueue([queued]);
      const m = mark();
      const calls = Array.from({ length: 50 }, () => tm.accessToken(merchant).then((t) => t, (e) => e));
      const results = await Promise.all(calls);
      assert.equal(refreshesSince(m).length, 1, `${what}: one refresh request for 50 callers`);
      for (const r of results) {
        if (expired) {
          assert.ok(r instanceof SquareError, `${what}: a SquareError`);
          assert.ok(codes.includes(r.code), `${what}: code ${r.code}, expected ${codes}`);
          if (queued.status) assert.equal(r.statusCode, queued.status);
          assertClean(r, what);
        } else {
          assert.equal(r, token.access_token, `${what}: the old token while it has not expired`);
        }
      }
      await assertLastGood(store, merchant, token, expired, what);

      // another manager over the same store (another process) recovers at once: no lease is left
      const other = manager({ store, client: client({ maxRetries: 0 }) });
      const fresh = await other.accessToken(merchant);
      secrets.set(fresh, "an access token");
      assert.notEqual(fresh, token.access_token, `${what}: the next call refreshes`);
      const refreshes = refreshesSince(m);
      assert.equal(refreshes.length, 2, `${what}: one more refresh`);
      assert.equal(refreshes[1].json.refresh_token, token.refresh_token, "the last good refresh token");
      assert.equal(await tm.accessToken(merchant), fresh, "and the first manager reads it");
      assert.equal(refreshesSince(m).length, 2);
    }
  });
}

test("a refresh that times out: no caller waits past the time limit; the stored tokens stay the last good ones; the next call recovers", async () => {
  const LIMIT = 300;
  const MARGIN = 1500;
  for (const expired of [false, true]) {
    const what = expired ? "expired" : "still valid";
    const merchant = newMerchant();
    const token = await pkceToken(merchant);
    const store = new MemoryTokenStore();
    const tm = manager({ store, client: client({ timeoutMs: LIMIT, maxRetries: 0 }) });
    await tm.save(expired ? due(token, -60_000) : due(token));
    const before = await store.get(merchant);

    fake.enqueue([{ ...SERVICE_UNAVAILABLE, delay_ms: 5_000 }]);
    const m = mark();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        tm.accessToken(merchant).then(
          (t) => ({ t, ms: Date.now() - started }),
          (e) => ({ e, ms: Date.now() - started }),
        ),
      ),
    );
    const slowest = Math.max(...results.map((r) => r.ms));
    assert.ok(slowest < LIMIT + MARGIN, `${what}: the slowest caller waited ${slowest} ms (limit ${LIMIT} ms)`);
    assert.equal(refreshesSince(m).length, 1, `${what}: one refresh request`);
    for (const r of results) {
      if (expired) {
        assert.ok(r.e instanceof SquareError, `${what}: rejects`);
        assert.equal(r.e.code, "TIMEOUT");
        assertClean(r.e, what);
      } else {
        assert.equal(r.t, token.access_token, `${what}: the old token`);
      }
    }
    await assertLastGood(store, merchant, token, expired, what);
    const other = manager({ store, client: client({ timeoutMs: LIMIT, maxRetries: 0 }) });
    const fresh = await other.accessToken(merchant);
    secrets.set(fresh, "an access token");
    assert.notEqual(fresh, token.access_token, `${what}: the next call recovers`);
    assert.equal(refreshesSince(m).length, 2);
    assert.equal(refreshesSince(m)[1].json.refresh_token, token.refresh_token, "the last good refresh token");
    assert.equal(await tm.accessToken(merchant), fresh);
  }
});

test("a hostile Square that echoes the refresh request back: errors never carry a token or the secret", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const echo = (status) => async (_url, init) =>
    new Response(
      JSON.stringify({ errors: [{ category: "API_ERROR", code: "BAD_REQUEST", detail: `got ${init.body} ${new Headers(init.headers).get("authorization")}` }] }),
      { status, headers: { "content-type": "application/json" } },
    );
  const cases = [
    [503, ["SQUARE_ERROR"]],
    [500, ["SQUARE_ERROR"]],
    [401, ["REAUTHORIZE_REQUIRED", "SQUARE_ERROR"]],
    [400, ["REAUTHORIZE_REQUIRED", "SQUARE_ERROR"]],
  ];
  for (const [status, codes] of cases) {
    const tm = manager({ clientSecret: SECRET, client: new OAuthClient({ fetch: echo(status), maxRetries: 0 }) });
    await tm.save(due(token, -60_000)); // expired: the refresh's error reaches the caller
    const e = await rejects(tm.accessToken(merchant), codes, `echo ${status}`);
    if (e.code === "SQUARE_ERROR") assert.equal(e.statusCode, status);
  }
  // a 2xx that is not a token answer
  const garbage = manager({
    clientSecret: SECRET,
    client: new OAuthClient({ fetch: async () => new Response(JSON.stringify({ merchant_id: merchant }), { headers: { "content-type": "application/json" } }), maxRetries: 0 }),
  });
  await garbage.save(due(token, -60_000));
  await rejects(garbage.accessToken(merchant), ["INVALID_RESPONSE", "REAUTHORIZE_REQUIRED"], "2xx without access_token");
});

test("a write that loses the put-if-unchanged race: the manager re-reads and never overwrites the newer record", async () => {
  const merchant = newMerchant();
  const old = await pkceToken(merchant);
  const newer = await pkceToken(merchant); // the seller authorized again meanwhile (another process saved it)
  const { store, map } = mapStore();
  await manager({ store }).save(due(old));
  let raced = false;
  const racing = {
    get: (k) => store.get(k),
    put: async (k, v, p) => {
      if (!raced) {
        raced = true;
        await manager({ store }).save(newer); // lands between this manager's read and its write
      }
      return store.put(k, v, p);
    },
  };
  const m = mark();
  const s0 = stats();
  const got = await manager({ store: racing }).accessToken(merchant);
  assert.ok(raced, "the store was raced");
  const reader = manager({ store, client: client({ maxRetries: 0 }) });
  assert.equal(await reader.accessToken(merchant), newer.access_token, "the newer authorization is what stays stored");
  if (got !== newer.access_token) {
    // it may have refreshed the old authorization before it saw the race; never a spent token
    secrets.set(got, "an access token");
    assert.notEqual(got, old.access_token);
  }
  const s1 = stats();
  if (s0 && s1) assert.equal(s1.spent_refresh_token_reuses - s0.spent_refresh_token_reuses, 0, "no spent refresh token presented");
  assert.ok(refreshesSince(m).every((r) => r.json.refresh_token !== newer.refresh_token), "the newer record was not refreshed behind its back");
  assert.ok(map.get(merchant).startsWith("sqoe1."));
});

// =======================================================================================================
// A refresh token Square refuses
// =======================================================================================================

/** Asserts REAUTHORIZE_REQUIRED now (after `expectedRequests` refresh requests), then fail-fast. */
async function assertReauthorize(tm, merchant, { expectedRequests, sharing, failFast = true }) {
  const m = mark();
  const first = await Promise.all(
    Array.from({ length: 20 }, () => rejects(tm.accessToken(merchant), "REAUTHORIZE_REQUIRED", "refused refresh")),
  );
  assert.equal(first.length, 20);
  assert.equal(refreshesSince(m).length, expectedRequests, `${expectedRequests} refresh request(s) for 20 callers`);
  const m2 = mark();
  for (let i = 0; i < 3; i++) await rejects(tm.accessToken(merchant), "REAUTHORIZE_REQUIRED", "fail fast");
  // the mark is in the record: another manager over the same store fails fast too
  await rejects(sharing.accessToken(merchant), "REAUTHORIZE_REQUIRED", "fail fast, other manager");
  if (failFast) assert.equal(since(m2).length, 0, "later calls fail fast without calling Square");
  else assert.ok(refreshesSince(m2).length <= 4, "at most one refresh request per later call");
}

test("a spent PKCE refresh token: REAUTHORIZE_REQUIRED, then fail-fast without a request", async () => {
  const merchant = newMerchant();
  const token = await pkceToken(merchant);
  // Someone else refreshes it once, outside the manager: the stored refresh token is now spent.
  remember(await setup.obtainToken({ grant_type: "refresh_token", client_id: APP_ID, refresh_token: token.refresh_token }));
  const store = new MemoryTokenStore();
  const tm = manager({ store });
  await tm.save(due(token));
  await assertReauthorize(tm, merchant, { expectedRequests: 1, sharing: manager({ store }) });
});

test("a refresh token revoked at Square (code flow): REAUTHORIZE_REQUIRED, one request for concurrent callers", async () => {
  // Square answers a revoked refresh token and a wrong application secret alike (401
  // UNAUTHORIZED, no field), so a code-flow refusal is not recorded in the store (a wrong secret
  // must not disconnect the seller for good: next test); later calls may ask Square again.
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  await setup.revokeToken({ client_id: APP_ID, merchant_id: merchant }, SECRET);
  const store = new MemoryTokenStore();
  const tm = manager({ store, clientSecret: SECRET });
  await tm.save(due(token));
  await assertReauthorize(tm, merchant, { expectedRequests: 1, sharing: manager({ store, clientSecret: SECRET }), failFast: false });
});

test("a wrong application secret does not disconnect the seller: once the secret is right, the next call refreshes", async () => {
  const WRONG = "sq0csp-not-the-application-secret";
  secrets.set(WRONG, "a (wrong) client secret");
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const store = new MemoryTokenStore();
  await manager({ store, clientSecret: SECRET }).save(due(token));
  const m = mark();
  const wrong = manager({ store, clientSecret: WRONG });
  const out = await wrong.accessToken(merchant).then((t) => t, (e) => e);
  if (out instanceof SquareError) {
    assert.equal(out.code, "REAUTHORIZE_REQUIRED", `${out.code}: ${out.message}`);
    assertClean(out, "wrong secret");
  } else {
    assert.equal(out, token.access_token, "the still valid token");
  }
  assert.equal(refreshesSince(m).length, 1);
  const right = manager({ store, clientSecret: SECRET });
  const fresh = await right.accessToken(merchant);
  secrets.set(fresh, "an access token");
  assert.notEqual(fresh, token.access_token, "refreshed with the right secret");
  assert.equal(refreshesSince(m).length, 2);
});

test("an expired PKCE refresh token: REAUTHORIZE_REQUIRED", async () => {
  const merchant = newMerchant();
  const token = await pkceToken(merchant);
  const store = new MemoryTokenStore();
  const tm = manager({ store });
  await tm.save(due(token, -DAY));
  fake.advance(91 * DAY); // past refresh_token_expires_at at the fake
  try {
    await assertReauthorize(tm, merchant, { expectedRequests: 1, sharing: manager({ store }) });
  } finally {
    fake.advance(-91 * DAY);
  }
});

test("no refresh token stored: the access token while it is valid, then REAUTHORIZE_REQUIRED without a request", async () => {
  const merchant = newMerchant();
  const minted = remember(fake.issueToken({ merchant_id: merchant }));
  const store = new MemoryTokenStore();
  const tm = manager({ store, clientSecret: SECRET });
  const bare = { access_token: minted.access_token, merchant_id: merchant };
  await tm.save({ ...bare, expires_at: new Date(Date.now() + DAY).toISOString() });
  const m = mark();
  assert.equal(await tm.accessToken(merchant), minted.access_token, "due, nothing to refresh with, still valid");
  assert.equal(since(m).length, 0);
  await tm.save({ ...bare, expires_at: new Date(Date.now() - 60_000).toISOString() });
  await assertReauthorize(tm, merchant, { expectedRequests: 0, sharing: manager({ store, clientSecret: SECRET }) });
});

// =======================================================================================================
// Custom stores
// =======================================================================================================

for (const sync of [false, true]) {
  test(`a custom store (plain object, ${sync ? "plain values" : "promises"}) over a Map works end to end`, async () => {
    const merchant = newMerchant();
    const token = await pkceToken(merchant);
    const { store, map, log } = mapStore({ sync });
    const tm = manager({ store });
    assert.equal(await tm.save(token), merchant);
    assert.deepEqual([...map.keys()], [merchant], "keyed by merchant id");
    assertOpaque(map.get(merchant), token);
    const firstPut = log.find((c) => c.op === "put");
    assert.equal(firstPut.previous, null, "the first write expects no value");
    assert.equal(await tm.accessToken(merchant), token.access_token);

    await tm.save(due(token));
    const m = mark();
    const fresh = await tm.accessToken(merchant);
    secrets.set(fresh, "an access token");
    assert.notEqual(fresh, token.access_token);
    assert.equal(refreshesSince(m).length, 1);
    assertOpaque(map.get(merchant), { ...token, access_token: fresh });
    for (const c of log.filter((c) => c.op === "put")) {
      assert.equal(c.key, merchant);
      assert.ok(c.value === null || c.value.startsWith("sqoe1."));
    }
    assert.equal(await tm.accessToken(merchant), fresh);
    await tm.forget(merchant);
    assert.equal(map.has(merchant), false, "forget deletes the key");
    await rejects(tm.accessToken(merchant), "UNKNOWN_MERCHANT");
  });
}

test("a store that throws, rejects or answers the wrong type: STORE_ERROR", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const good = mapStore();
  await manager({ store: good.store }).save(token);
  const value = good.map.get(merchant);
  const okGet = () => value;
  const okPut = () => true;
  const boom = () => {
    throw new Error("the store is down");
  };
  const reject = async () => {
    throw new Error("the store is down");
  };
  const getCases = {
    "get throws": { get: boom, put: okPut },
    "get rejects": { get: reject, put: okPut },
    "get returns a number": { get: () => 42, put: okPut },
    "get resolves a number": { get: async () => 42, put: okPut },
    "get returns an object": { get: () => ({ value }), put: okPut },
    "get rejects with a non-Error": { get: () => Promise.reject("nope"), put: okPut },
  };
  for (const [name, store] of Object.entries(getCases)) {
    const tm = manager({ store, clientSecret: SECRET });
    await rejects(tm.accessToken(merchant), "STORE_ERROR", name);
  }
  const putCases = {
    "put throws": { get: () => null, put: boom },
    "put rejects": { get: () => null, put: reject },
    "put returns a number": { get: () => null, put: () => 1 },
    "put resolves a string": { get: () => null, put: async () => "true" },
  };
  for (const [name, store] of Object.entries(putCases)) {
    const tm = manager({ store, clientSecret: SECRET });
    await rejects(tm.save(token), "STORE_ERROR", `save, ${name}`);
  }
  // a failing write during a refresh: a coded error or the old token, never a crash
  const refreshing = {
    get: okGet,
    put: boom,
  };
  const tm = manager({ store: refreshing, clientSecret: SECRET, refreshAfterDays: 0 });
  const out = await tm.accessToken(merchant).then((t) => t, (e) => e);
  if (out instanceof SquareError) {
    assert.equal(out.code, "STORE_ERROR");
    assertClean(out);
  } else {
    assert.equal(out, token.access_token, "only the stored (still valid) token, never an unstored new one");
  }
});

test("a store that never answers: STORE_ERROR once the client's attempt time limit has passed, not a hang", async () => {
  const merchant = newMerchant();
  const never = () => new Promise(() => {});
  for (const [name, store, call] of [
    ["get never settles", { get: never, put: () => true }, (tm) => tm.accessToken(merchant)],
    ["put never settles", { get: () => null, put: never }, (tm) => tm.forget(merchant).then(() => tm.save({ access_token: "EAAA-x", merchant_id: merchant }))],
  ]) {
    const tm = new TokenManager({ client: client({ timeoutMs: 300 }), clientId: APP_ID, store, encryptionKey: KEY });
    const started = performance.now();
    await rejects(call(tm), "STORE_ERROR", name);
    const took = performance.now() - started;
    assert.ok(took >= 250 && took < 2_000, `${name}: settled after ${took} ms (limit 300 ms)`);
  }
});

// =======================================================================================================
// Tampered, moved, foreign and wrong-key records; rotation
// =======================================================================================================

test("tampered, moved, foreign and wrong-key records are UNREADABLE_RECORD, and nothing stored changes", async () => {
  const a = newMerchant();
  const b = newMerchant();
  const tokenA = await codeToken(a);
  const { store, map } = mapStore();
  const tm = manager({ store, clientSecret: SECRET });
  await tm.save(tokenA);
  const good = map.get(a);

  const m = mark();
  const check = async (what, merchant, value) => {
    map.set(merchant, value);
    await rejects(tm.accessToken(merchant), "UNREADABLE_RECORD", what);
    assert.equal(map.get(merchant), value, `${what}: the store is untouched`);
  };
  // flip one character in several places of the payload (IV, ciphertext, tag)
  const body = good.length - "sqoe1.".length;
  for (const at of [0, 5, Math.floor(body / 2), body - 3, body - 1]) {
    const i = "sqoe1.".length + at;
    const c = good[i] === "A" ? "B" : "A";
    await check(`flipped char at ${at}`, a, good.slice(0, i) + c + good.slice(i + 1));
  }
  await check("truncated", a, good.slice(0, -4));
  await check("empty payload", a, "sqoe1.");
  await check("another version prefix", a, `sqoe2.${good.slice("sqoe1.".length)}`);
  await check("not ours", a, "hello");
  await check("empty string", a, "");
  await check("not base64url", a, "sqoe1.!!!!");
  await check("JSON of the token", a, JSON.stringify(tokenA));
  // merchant A's record moved under merchant B
  map.set(a, good);
  await check("A's record under B", b, good);
  assert.equal(map.get(a), good);
  assert.equal(await tm.accessToken(a), tokenA.access_token, "A's own record still reads");
  // the wrong key
  const wrong = manager({ store, clientSecret: SECRET, encryptionKey: KEY_OTHER });
  await rejects(wrong.accessToken(a), "UNREADABLE_RECORD", "wrong key");
  assert.equal(map.get(a), good, "wrong key: the store is untouched");
  assert.equal(since(m).length, 0, "no request to Square");
});

test("a manager with the wrong key gets UNREADABLE_RECORD even while another manager's refresh is in flight", async () => {
  const merchant = newMerchant();
  const token = await pkceToken(merchant);
  const store = new MemoryTokenStore();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const slowFetch = async (url, init) => (await sleep(400), fetch(url, init));
  const right = manager({ store, client: client({ maxRetries: 0, fetch: slowFetch }) });
  const wrong = manager({ store, encryptionKey: KEY_OTHER, client: client({ maxRetries: 0 }) });
  await right.save(due(token));
  for (const outcome of ["failing (503)", "succeeding"]) {
    if (outcome !== "succeeding") fake.enqueue([SERVICE_UNAVAILABLE]);
    const m = mark();
    const inFlight = right.accessToken(merchant).then((t) => t, (e) => e);
    await sleep(100); // the refresh is in flight (its fetch waits 400 ms)
    assert.equal(refreshesSince(m).length, 0, "still in flight");
    await rejects(wrong.accessToken(merchant), "UNREADABLE_RECORD", `wrong key during a ${outcome} refresh`);
    const out = await inFlight;
    assert.equal(typeof out, "string", `the right manager gets a token (${out?.code})`);
    secrets.set(out, "an access token");
    assert.equal(refreshesSince(m).length, 1);
  }
});

test("key rotation: previousEncryptionKey reads old records, seals them again under the new key; then the new key alone reads them", async () => {
  for (const via of ["read", "save", "refresh"]) {
    const merchant = newMerchant();
    const token = await pkceToken(merchant);
    const { store, map } = mapStore();
    await manager({ store, encryptionKey: KEY }).save(via === "refresh" ? due(token) : token);
    const oldValue = map.get(merchant);

    const newOnly = manager({ store, encryptionKey: KEY_NEW });
    await rejects(newOnly.accessToken(merchant), "UNREADABLE_RECORD", `${via}: the new key alone`);
    assert.equal(map.get(merchant), oldValue, `${via}: a failed read changes nothing`);
    const rotating = manager({ store, encryptionKey: KEY_NEW, previousEncryptionKey: KEY });
    let current = token.access_token;
    if (via === "read") {
      // a record opened with the previous key is sealed again under the current one on read
      assert.equal(await rotating.accessToken(merchant), token.access_token, "reads under the previous key");
    } else if (via === "save") {
      await rotating.save(token);
    } else {
      current = await rotating.accessToken(merchant); // due: refreshes, writes under the new key
      secrets.set(current, "an access token");
      assert.notEqual(current, token.access_token);
    }
    assert.notEqual(map.get(merchant), oldValue);
    assert.equal(await newOnly.accessToken(merchant), current, `${via}: the record decrypts under the new key alone`);
    await rejects(manager({ store, encryptionKey: KEY }).accessToken(merchant), "UNREADABLE_RECORD", `${via}: the old key alone`);
  }
});

// =======================================================================================================
// revoke and forget
// =======================================================================================================

test("revoke: RevokeToken {client_id, merchant_id} with the secret reaches Square, then the merchant is forgotten", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const store = new MemoryTokenStore();
  const tm = manager({ store, clientSecret: SECRET });
  await tm.save(token);
  const m = mark();
  const s0 = stats();
  assert.equal(await tm.revoke(merchant), undefined);
  const revokes = since(m).filter((r) => r.path === "/oauth2/revoke");
  assert.equal(revokes.length, 1);
  assert.deepEqual(revokes[0].json, { client_id: APP_ID, merchant_id: merchant });
  assert.equal(revokes[0].headers.authorization, `Client ${SECRET}`);
  const s1 = stats();
  if (s0 && s1) assert.equal(s1.revoke_requests - s0.revoke_requests, 1);
  await rejects(tm.accessToken(merchant), "UNKNOWN_MERCHANT", "after revoke");
  assert.equal(await store.get(merchant) ?? null, null, "nothing stored");
  const e = await rejects(setup.retrieveTokenStatus(token.access_token), "SQUARE_ERROR", "revoked at Square");
  assert.equal(e.statusCode, 401);
});

test("revoke without clientSecret is an input error and sends nothing; the record stays", async () => {
  const merchant = newMerchant();
  const token = await pkceToken(merchant);
  const tm = manager();
  await tm.save(token);
  const m = mark();
  const e = await rejects(tm.revoke(merchant), INPUT_CODES, "revoke without the secret");
  assert.ok(e.field, "names the missing input");
  assert.equal(since(m).length, 0, "nothing sent");
  assert.equal(await tm.accessToken(merchant), token.access_token, "still stored");
});

test("a revoke that Square answers with 503 rejects with its error and keeps the record", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const tm = manager({ clientSecret: SECRET, client: client({ maxRetries: 0 }) });
  await tm.save(token);
  fake.enqueue([SERVICE_UNAVAILABLE]);
  await rejects(tm.revoke(merchant), ["SQUARE_ERROR", "HTTP_ERROR"], "revoke 503");
  assert.equal(await tm.accessToken(merchant), token.access_token, "not forgotten");
});

test("forget removes the record locally, without a request", async () => {
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const store = new MemoryTokenStore();
  const tm = manager({ store, clientSecret: SECRET });
  await tm.save(token);
  const m = mark();
  assert.equal(await tm.forget(merchant), undefined);
  assert.equal(await store.get(merchant) ?? null, null);
  await rejects(tm.accessToken(merchant), "UNKNOWN_MERCHANT");
  assert.equal(since(m).length, 0);
  assert.equal((await setup.retrieveTokenStatus(token.access_token)).merchant_id, merchant, "still valid at Square");
});

// =======================================================================================================
// Options and arguments
// =======================================================================================================

test("bad constructor options throw a SquareError with an input code and the option's field", async () => {
  const base = () => ({ client: client(), clientId: APP_ID, store: new MemoryTokenStore(), encryptionKey: KEY });
  const without = (name) => {
    const o = base();
    delete o[name];
    return o;
  };
  const short = randomBytes(16).toString("base64");
  const long = randomBytes(33).toString("base64");
  const nonBase64 = `${KEY.slice(0, 40)}!!!!`;
  const cases = [
    ["missing client", without("client"), "MISSING_FIELD", "options.client"],
    ["client is a plain object", { ...base(), client: {} }, "INVALID_TYPE", "options.client"],
    ["client is a string", { ...base(), client: "oauth" }, "INVALID_TYPE", "options.client"],
    ["missing clientId", without("clientId"), "MISSING_FIELD", "options.clientId"],
    ["clientId a number", { ...base(), clientId: 42 }, "INVALID_TYPE", "options.clientId"],
    ["clientId empty", { ...base(), clientId: "" }, "INVALID_VALUE", "options.clientId"],
    ["clientSecret a number", { ...base(), clientSecret: 42 }, "INVALID_TYPE", "options.clientSecret"],
    ["missing store", without("store"), "MISSING_FIELD", "options.store"],
    ["store without get/put", { ...base(), store: {} }, ["INVALID_TYPE", "INVALID_VALUE", "MISSING_FIELD"], /^options\.store(\.get|\.put)?$/],
    ["store without put", { ...base(), store: { get: () => null } }, ["INVALID_TYPE", "INVALID_VALUE", "MISSING_FIELD"], /^options\.store(\.put)?$/],
    ["store a string", { ...base(), store: "kv" }, "INVALID_TYPE", "options.store"],
    ["missing encryptionKey", without("encryptionKey"), "MISSING_FIELD", "options.encryptionKey"],
    ["short encryptionKey", { ...base(), encryptionKey: short }, "INVALID_VALUE", "options.encryptionKey"],
    ["33-byte encryptionKey", { ...base(), encryptionKey: long }, "INVALID_VALUE", "options.encryptionKey"],
    ["non-base64 encryptionKey", { ...base(), encryptionKey: nonBase64 }, "INVALID_VALUE", "options.encryptionKey"],
    ["encryptionKey a number", { ...base(), encryptionKey: 42 }, "INVALID_TYPE", "options.encryptionKey"],
    ["short previousEncryptionKey", { ...base(), previousEncryptionKey: short }, "INVALID_VALUE", "options.previousEncryptionKey"],
    ["unknown option", { ...base(), encryptionKeys: [KEY] }, "UNKNOWN_FIELD", "options.encryptionKeys"],
    ["refreshAfterDays 99", { ...base(), refreshAfterDays: 99 }, "INVALID_VALUE", "options.refreshAfterDays"],
    ["refreshAfterDays -1", { ...base(), refreshAfterDays: -1 }, "INVALID_VALUE", "options.refreshAfterDays"],
    ["refreshAfterDays a string", { ...base(), refreshAfterDays: "7" }, "INVALID_TYPE", "options.refreshAfterDays"],
    ["options a string", "sandbox", "INVALID_TYPE", "options"],
    ["no options", undefined, ["MISSING_FIELD", "INVALID_TYPE"], "options"],
  ];
  const problems = []; // every case is checked; the mismatches are reported together
  for (const [what, options, code, field] of cases) {
    const e = throws(() => new TokenManager(options), what);
    assert.ok(e instanceof SquareError, `${what}: a SquareError (${e})`);
    const codes = Array.isArray(code) ? code : [code];
    if (!codes.includes(e.code)) problems.push(`${what}: code ${e.code}, expected ${codes.join(" or ")}`);
    if (field instanceof RegExp ? !field.test(String(e.field)) : e.field !== field) {
      problems.push(`${what}: field ${JSON.stringify(e.field)}, expected ${field} (message: ${e.message})`);
    }
    assertClean(e, what);
    for (const k of [short, long, nonBase64]) assert.ok(!dump(e).includes(k), `${what}: the given key is not echoed`);
  }
  // An OAuthClient from the main entry is another wasm instance's: refused with a pointer to the right import.
  const mainEntry = await import("../../pkg/node.js");
  const e = throws(() => new TokenManager({ ...base(), client: new mainEntry.OAuthClient() }), "main-entry client");
  assert.ok(e instanceof SquareError);
  assert.equal(e.code, "INVALID_TYPE");
  assert.equal(e.field, "options.client");
  assert.match(e.message, /square-oauth-edge\/tokens/);
  assert.deepEqual(problems, [], `constructor errors:\n  ${problems.join("\n  ")}`);
  // accepted: url-safe, unpadded, a previous key, refreshAfterDays at the bounds, explicit undefined
  const rawKey = randomBytes(32);
  for (const encryptionKey of [rawKey.toString("base64"), rawKey.toString("base64url"), rawKey.toString("base64").replace(/=+$/, "")]) {
    assert.doesNotThrow(() => new TokenManager({ ...base(), encryptionKey }), "key forms");
  }
  assert.doesNotThrow(() => new TokenManager({ ...base(), previousEncryptionKey: KEY_NEW, refreshAfterDays: 0 }));
  assert.doesNotThrow(() => new TokenManager({ ...base(), refreshAfterDays: 30, clientSecret: SECRET }));
  assert.doesNotThrow(() => new TokenManager({ ...base(), clientSecret: undefined, previousEncryptionKey: undefined }));
});

test("bad arguments to save, accessToken, revoke and forget reject with input errors; nothing is stored", async () => {
  const { store, map } = mapStore();
  const tm = manager({ store, clientSecret: SECRET });
  const merchant = newMerchant();
  const token = await codeToken(merchant);
  const omit = (name) => {
    const t = { ...token };
    delete t[name];
    return t;
  };
  const cases = [
    ["save without merchant_id", () => tm.save(omit("merchant_id")), "MISSING_FIELD"],
    ["save without access_token", () => tm.save(omit("access_token")), "MISSING_FIELD"],
    ["save with an empty merchant_id", () => tm.save({ ...token, merchant_id: "" }), "INVALID_VALUE"],
    ["save with a numeric access_token", () => tm.save({ ...token, access_token: 42 }), "INVALID_TYPE"],
    ["save of a string", () => tm.save("token"), "INVALID_TYPE"],
    ["save of nothing", () => tm.save(), ["MISSING_FIELD", "INVALID_TYPE"]],
    ["accessToken(123)", () => tm.accessToken(123), "INVALID_TYPE"],
    ["accessToken()", () => tm.accessToken(), ["MISSING_FIELD", "INVALID_TYPE"]],
    ["accessToken('')", () => tm.accessToken(""), "INVALID_VALUE"],
    ["forget(null)", () => tm.forget(null), ["MISSING_FIELD", "INVALID_TYPE"]],
    ["revoke(42)", () => tm.revoke(42), "INVALID_TYPE"],
  ];
  for (const [what, call, code] of cases) {
    let promise;
    try {
      promise = call();
    } catch (e) {
      assert.fail(`${what}: threw synchronously (${e?.code}) instead of returning a rejected promise`);
    }
    const e = await rejects(promise, code, what);
    assert.ok(e.field, `${what}: names the field`);
  }
  assert.equal(map.size, 0, "nothing stored");
});

test("hostile values (revoked Proxies, throwing getters, fake clients, broken namespaces and objects) give coded errors, and the instance keeps working", async () => {
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const base = () => ({ client: client(), clientId: APP_ID, store: new MemoryTokenStore(), encryptionKey: KEY });
  const throwing = (k) => ({ ...base(), get [k]() { throw new Error(`boom ${k}`); } });
  const namespace = (get) => ({ idFromName: () => 1, get });
  const cases = [
    ["options revoked proxy", () => new TokenManager(revoked), "INVALID_TYPE", "options"],
    ["options null", () => new TokenManager(null), "INVALID_TYPE", "options"],
    ["client getter throws", () => new TokenManager(throwing("client")), "INVALID_TYPE", "options.client"],
    ["store getter throws", () => new TokenManager(throwing("store")), "INVALID_TYPE", "options.store"],
    ["store revoked proxy", () => new TokenManager({ ...base(), store: revoked }), "INVALID_TYPE", "options.store"],
    ["store whose get getter throws", () => new TokenManager({ ...base(), store: { get get() { throw 1; }, put() {} } }), "INVALID_TYPE", "options.store"],
    ["client Proxy that throws", () => new TokenManager({ ...base(), client: new Proxy({}, { get() { throw new Error("x"); } }) }), "INVALID_TYPE", "options.client"],
    ["client whose __shareClient lies", () => new TokenManager({ ...base(), client: { __shareClient: () => ({}) } }), "INVALID_TYPE", "options.client"],
    ["namespace idFromName throws", () => new TokenManager({ ...base(), store: { idFromName() { throw new Error("x"); }, get() {} } }).accessToken("MLHOSTILE1"), "STORE_ERROR"],
    ["namespace stub without fetch", () => new TokenManager({ ...base(), store: namespace(() => ({})) }).accessToken("MLHOSTILE1"), "STORE_ERROR"],
    ["namespace fetch answers 42", () => new TokenManager({ ...base(), store: namespace(() => ({ fetch: () => 42 })) }).accessToken("MLHOSTILE1"), "STORE_ERROR"],
    ["namespace fetch answers text", () => new TokenManager({ ...base(), store: namespace(() => ({ fetch: () => new Response("nope") })) }).accessToken("MLHOSTILE1"), "STORE_ERROR"],
    ["namespace answers an unknown code", () => new TokenManager({ ...base(), store: namespace(() => ({ fetch: () => new Response('{"error":{"code":"ZZZ","message":"m"}}') })) }).accessToken("MLHOSTILE1"), "STORE_ERROR"],
    ["event revoked proxy", () => new TokenManager(base()).handleWebhook(revoked), "INVALID_TYPE", "event"],
    ["event getter throws", () => new TokenManager(base()).handleWebhook({ get type() { throw new Error("x"); } }), "INVALID_TYPE", "event.type"],
    ["merchantId revoked proxy", () => new TokenManager(base()).accessToken(revoked), "INVALID_TYPE", "merchantId"],
    ["save revoked proxy", () => new TokenManager(base()).save(revoked), "INVALID_TYPE", "token"],
    ["verifyWebhook revoked proxy", () => verifyWebhook(revoked), "INVALID_TYPE", "input"],
    ["verifyWebhook body revoked proxy", () => verifyWebhook({ body: revoked, signature: "x", signatureKey: "k", notificationUrl: "https://a" }), "INVALID_TYPE", "input.body"],
    ["SquareTokenStore over a state without storage", () => new SquareTokenStore({}, {}), "INVALID_TYPE", "ctx"],
  ];
  for (const [name, run, code, field] of cases) {
    const out = await (async () => run())().then((v) => v, (e) => e);
    assert.ok(out instanceof SquareError, `${name}: expected a SquareError, got ${util.inspect(out)}`);
    assert.equal(out.code, code, name);
    if (field) assert.equal(out.field, field, name);
  }
  // The Durable Object class answers junk requests with a coded error in its JSON, not a throw.
  const storage = new Map();
  const object = new SquareTokenStore({ storage: { get: async (k) => storage.get(k), put: async (k, v) => void storage.set(k, v), delete: async (k) => storage.delete(k) } });
  for (const request of [{}, new Request("https://x/", { method: "POST", body: '{"op":"access_token"}' }), new Request("https://x/", { method: "POST", body: "[" })]) {
    const answer = await (await object.fetch(request)).json();
    assert.equal(answer.error?.code, "STORE_ERROR", JSON.stringify(answer));
  }
  // Nothing panicked: the same instance still saves and answers.
  const tm = new TokenManager(base());
  const merchant = newMerchant();
  await tm.save({ access_token: "EAAA-still-alive", merchant_id: merchant, expires_at: new Date(Date.now() + 20 * DAY).toISOString() });
  assert.equal(await tm.accessToken(merchant), "EAAA-still-alive");
});
