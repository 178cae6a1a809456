// Tests of the fake Square itself: node --test tests/fake-square/
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startFakeSquare, DEFAULT_APP, DEFAULT_MERCHANT_ID, DEFAULT_SCOPES, SCOPES } from "./server.mjs";

const CLIENT_ID = DEFAULT_APP.client_id;
const SECRET = DEFAULT_APP.client_secret;
// 2025-03-04T18:31:06Z + 30 days = 2025-04-03T18:31:06Z, the spec's example expires_at.
const T0 = Date.UTC(2025, 2, 4, 18, 31, 6);
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const ACCESS_RE = /^EAAA[A-Za-z0-9_-]{60}$/;
const REFRESH_RE = /^EQAA[A-Za-z0-9_-]{60}$/;
const CODE_RE = /^sq0cgb-[A-Za-z0-9_-]{22}$/;

let fake;
let clock = T0;

async function req(method, path, { json, body, headers = {}, redirect } = {}) {
  const init = { method, headers: { ...headers }, redirect: redirect ?? "manual" };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    if (!Object.keys(init.headers).some((k) => k.toLowerCase() === "content-type")) {
      init.headers["content-type"] = "application/json";
    }
  } else if (body !== undefined) {
    init.body = body;
  }
  const res = await fetch(fake.url + path, init);
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = null;
  }
  return { status: res.status, headers: res.headers, text, data };
}

const obtain = (json, headers) => req("POST", "/oauth2/token", { json, headers });
const status = (token) => req("POST", "/oauth2/token/status", { headers: { authorization: `Bearer ${token}` } });
const revoke = (json, auth = `Client ${SECRET}`) =>
  req("POST", "/oauth2/revoke", { json, headers: auth === null ? {} : { authorization: auth } });
const renew = (json, auth = `Client ${SECRET}`, clientId = CLIENT_ID) =>
  req("POST", `/oauth2/clients/${encodeURIComponent(clientId)}/access-token/renew`, {
    json,
    headers: auth === null ? {} : { authorization: auth },
  });

function assertSquareError(r, httpStatus, code, { category, field } = {}) {
  assert.equal(r.status, httpStatus, r.text);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.ok(Array.isArray(r.data?.errors), `expected errors[] in ${r.text}`);
  const e = r.data.errors[0];
  assert.equal(e.code, code, r.text);
  assert.equal(typeof e.detail, "string");
  if (category) assert.equal(e.category, category);
  if (field !== undefined) assert.equal(e.field, field, r.text);
  return e;
}
const assertUnauthorized = (r) => assertSquareError(r, 401, "UNAUTHORIZED", { category: "AUTHENTICATION_ERROR" });

function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

async function codeFlowTokens(extra = {}) {
  const { code } = fake.issueCode(extra);
  const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
  assert.equal(r.status, 200, r.text);
  return r.data;
}

async function pkceTokens(scopes) {
  const { verifier, challenge } = pkcePair();
  const { code } = fake.issueCode({ code_challenge: challenge, scopes });
  const r = await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code, code_verifier: verifier });
  assert.equal(r.status, 200, r.text);
  return r.data;
}

before(async () => {
  fake = await startFakeSquare({ host: "127.0.0.1", port: 0, now: () => clock });
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  clock = T0;
  fake.reset();
});

describe("startFakeSquare", () => {
  test("exposes url, requests and close", () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(Array.isArray(fake.requests));
    assert.equal(typeof fake.close, "function");
  });

  test("apps option replaces the default app", async () => {
    const other = await startFakeSquare({
      port: 0,
      apps: [{ client_id: "sq0idp-other", client_secret: "sq0csp-other", name: "Other", redirect_uris: ["https://example.com/cb"] }],
    });
    try {
      const a = await fetch(`${other.url}/oauth2/authorize?client_id=${CLIENT_ID}`);
      assert.equal(a.status, 400);
      const b = await fetch(`${other.url}/oauth2/authorize?client_id=sq0idp-other`);
      assert.equal(b.status, 200);
      assert.match(await b.text(), /https:\/\/example\.com\/cb/);
    } finally {
      await other.close();
    }
  });
});

describe("ObtainToken: code flow", () => {
  test("authorization_code with client_secret returns the contract's shape", async () => {
    const { code } = fake.issueCode({ scopes: ["PAYMENTS_READ", "ITEMS_READ"] });
    assert.match(code, CODE_RE);
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.deepEqual(Object.keys(r.data), ["access_token", "token_type", "expires_at", "merchant_id", "refresh_token", "short_lived"]);
    assert.match(r.data.access_token, ACCESS_RE);
    assert.match(r.data.refresh_token, REFRESH_RE);
    assert.equal(r.data.token_type, "bearer");
    assert.equal(r.data.expires_at, "2025-04-03T18:31:06Z");
    assert.equal(r.data.merchant_id, DEFAULT_MERCHANT_ID);
    assert.equal(r.data.short_lived, false);
    assert.equal("refresh_token_expires_at" in r.data, false);

    const s = await status(r.data.access_token);
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.data, {
      scopes: ["PAYMENTS_READ", "ITEMS_READ"],
      expires_at: "2025-04-03T18:31:06Z",
      client_id: CLIENT_ID,
      merchant_id: DEFAULT_MERCHANT_ID,
    });
  });

  test("short_lived gives a 24 h token", async () => {
    const { code } = fake.issueCode();
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code, short_lived: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.data.expires_at, iso(T0 + DAY));
    assert.equal(r.data.short_lived, true);
  });

  test("use_jwt is accepted and recorded", async () => {
    const { code } = fake.issueCode();
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code, use_jwt: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(fake.requests.at(-1).json.use_jwt, true);
  });

  test("refresh_token with secret is multi-use and returns the same refresh token", async () => {
    const t = await codeFlowTokens();
    const body = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token };
    clock += DAY;
    const r1 = await obtain(body);
    const r2 = await obtain(body);
    for (const r of [r1, r2]) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.data.refresh_token, t.refresh_token);
      assert.equal("refresh_token_expires_at" in r.data, false);
      assert.equal(r.data.expires_at, iso(T0 + DAY + 30 * DAY));
    }
    assert.notEqual(r1.data.access_token, r2.data.access_token);
    assert.notEqual(r1.data.access_token, t.access_token);
    // all access tokens stay valid (concurrent access tokens)
    for (const a of [t.access_token, r1.data.access_token, r2.data.access_token]) assert.equal((await status(a)).status, 200);
  });

  test("refresh with scopes narrows to the intersection", async () => {
    const t = await codeFlowTokens({ scopes: ["PAYMENTS_READ", "ITEMS_READ", "ORDERS_READ"] });
    const r = await obtain({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: "refresh_token",
      refresh_token: t.refresh_token,
      scopes: ["ORDERS_READ", "PAYMENTS_READ", "CUSTOMERS_WRITE"],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((await status(r.data.access_token)).data.scopes, ["PAYMENTS_READ", "ORDERS_READ"]);
    // the refresh token keeps its original scopes
    const r2 = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token });
    assert.deepEqual((await status(r2.data.access_token)).data.scopes, ["PAYMENTS_READ", "ITEMS_READ", "ORDERS_READ"]);
    const none = await obtain({
      client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token, scopes: ["CUSTOMERS_WRITE"],
    });
    assertSquareError(none, 400, "INVALID_VALUE", { field: "scopes" });
  });

  test("code-flow refresh needs the right client_secret", async () => {
    const t = await codeFlowTokens();
    const missing = await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token });
    assertSquareError(missing, 400, "MISSING_REQUIRED_PARAMETER", { field: "client_secret" });
    const wrong = await obtain({ client_id: CLIENT_ID, client_secret: "sq0csp-wrong", grant_type: "refresh_token", refresh_token: t.refresh_token });
    assertUnauthorized(wrong);
    const unknown = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: "EQAAnot-a-real-token" });
    assertUnauthorized(unknown);
  });

  test("wrong client_secret and unknown client_id are 401 UNAUTHORIZED", async () => {
    const { code } = fake.issueCode();
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: "sq0csp-nope", grant_type: "authorization_code", code }));
    assertUnauthorized(await obtain({ client_id: "sq0idp-nope", client_secret: SECRET, grant_type: "authorization_code", code }));
    // the failed attempts did not consume the code
    const ok = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
    assert.equal(ok.status, 200, ok.text);
  });

  test("authorization codes are single-use", async () => {
    const { code } = fake.issueCode();
    const body = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code };
    assert.equal((await obtain(body)).status, 200);
    assertUnauthorized(await obtain(body));
  });

  test("authorization codes expire after 5 minutes of the fake's clock", async () => {
    const a = fake.issueCode().code;
    const b = fake.issueCode().code;
    const body = (code) => ({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
    const adv = await req("POST", "/__fake/clock", { json: { advance_ms: 5 * MIN - 1000 } });
    assert.equal(adv.status, 200);
    assert.equal(adv.data.now, T0 + 5 * MIN - 1000);
    assert.equal((await obtain(body(a))).status, 200);
    await req("POST", "/__fake/clock", { json: { advance_ms: 1000 } });
    assertUnauthorized(await obtain(body(b)));
  });

  test("missing code and unknown code", async () => {
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code" }),
      400, "MISSING_REQUIRED_PARAMETER", { field: "code", category: "INVALID_REQUEST_ERROR" },
    );
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code: "sq0cgb-unknown" }));
  });

  test("a code-flow code needs client_secret", async () => {
    const { code } = fake.issueCode();
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code }),
      400, "MISSING_REQUIRED_PARAMETER", { field: "client_secret" },
    );
  });

  test("redirect_uri given at authorize must be sent again, identically", async () => {
    const redirect_uri = "http://127.0.0.1:5173/callback";
    const { code } = fake.issueCode({ redirect_uri });
    const base = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code };
    assertSquareError(await obtain(base), 400, "MISSING_REQUIRED_PARAMETER", { field: "redirect_uri" });
    assertUnauthorized(await obtain({ ...base, redirect_uri: "http://127.0.0.1:5173/other" }));
    assert.equal((await obtain({ ...base, redirect_uri })).status, 200);
  });
});

describe("ObtainToken: PKCE", () => {
  test("code_verifier exchange returns refresh_token_expires_at 90 days out", async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = fake.issueCode({ code_challenge: challenge, code_challenge_method: "S256" });
    const r = await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code, code_verifier: verifier });
    assert.equal(r.status, 200, r.text);
    assert.match(r.data.access_token, ACCESS_RE);
    assert.match(r.data.refresh_token, REFRESH_RE);
    assert.equal(r.data.refresh_token_expires_at, iso(T0 + 90 * DAY));
    assert.equal(r.data.expires_at, iso(T0 + 30 * DAY));
  });

  test("refresh rotates: a new refresh token each time, the old one is dead", async () => {
    const t = await pkceTokens();
    clock += 10 * DAY;
    const r1 = await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token });
    assert.equal(r1.status, 200, r1.text);
    assert.notEqual(r1.data.refresh_token, t.refresh_token);
    assert.match(r1.data.refresh_token, REFRESH_RE);
    assert.equal(r1.data.refresh_token_expires_at, iso(T0 + 100 * DAY));
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token }));
    const r2 = await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: r1.data.refresh_token });
    assert.equal(r2.status, 200, r2.text);
    assert.notEqual(r2.data.refresh_token, r1.data.refresh_token);
  });

  test("PKCE refresh tokens expire after 90 days", async () => {
    const t = await pkceTokens();
    clock += 90 * DAY;
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token }));
  });

  test("a wrong or missing code_verifier fails; so does a verifier on a non-PKCE code", async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = fake.issueCode({ code_challenge: challenge });
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code, code_verifier: pkcePair().verifier }));
    // a PKCE code cannot be exchanged with the secret alone
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code }));
    // and vice versa: a code-flow code cannot be exchanged with a verifier
    const plain = fake.issueCode().code;
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code: plain, code_verifier: verifier }));
    // failures do not burn the code
    const ok = await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code, code_verifier: verifier });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe("ObtainToken: migration_token (legacy)", () => {
  test("a legacy token from the control API is exchanged once", async () => {
    const m = await req("POST", "/__fake/tokens", { json: { legacy: true, scopes: ["ITEMS_READ"] } });
    assert.equal(m.status, 200, m.text);
    assert.equal(typeof m.data.migration_token, "string");
    const body = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: "migration_token", migration_token: m.data.migration_token };
    const r = await obtain(body);
    assert.equal(r.status, 200, r.text);
    assert.match(r.data.access_token, ACCESS_RE);
    assert.match(r.data.refresh_token, REFRESH_RE);
    assert.deepEqual((await status(r.data.access_token)).data.scopes, ["ITEMS_READ"]);
    assertUnauthorized(await obtain(body));
    const { client_secret, ...noSecret } = body;
    assertSquareError(await obtain(noSecret), 400, "MISSING_REQUIRED_PARAMETER", { field: "client_secret" });
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "migration_token" }),
      400, "MISSING_REQUIRED_PARAMETER", { field: "migration_token" },
    );
  });
});

describe("ObtainToken: request validation", () => {
  test("grant_type must be known", async () => {
    assertSquareError(await obtain({ client_id: CLIENT_ID, grant_type: "client_credentials" }), 400, "INVALID_VALUE", { field: "grant_type" });
  });

  test("required fields", async () => {
    const r = await obtain({});
    assertSquareError(r, 400, "MISSING_REQUIRED_PARAMETER", { field: "client_id", category: "INVALID_REQUEST_ERROR" });
    assert.deepEqual(r.data.errors.map((e) => e.field), ["client_id", "grant_type"]);
  });

  test("types: EXPECTED_STRING, EXPECTED_BOOLEAN, EXPECTED_ARRAY", async () => {
    assertSquareError(await obtain({ client_id: 5, grant_type: "refresh_token" }), 400, "EXPECTED_STRING", { field: "client_id" });
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", short_lived: "yes" }), 400, "EXPECTED_BOOLEAN", { field: "short_lived" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", use_jwt: 1 }), 400, "EXPECTED_BOOLEAN", { field: "use_jwt" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", scopes: "PAYMENTS_READ" }), 400, "EXPECTED_ARRAY", { field: "scopes" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", scopes: [1] }), 400, "EXPECTED_STRING", { field: "scopes[0]" },
    );
  });

  test("lengths: VALUE_TOO_LONG and VALUE_TOO_SHORT", async () => {
    assertSquareError(await obtain({ client_id: "x".repeat(192), grant_type: "refresh_token" }), 400, "VALUE_TOO_LONG", { field: "client_id" });
    assertSquareError(await obtain({ client_id: CLIENT_ID, grant_type: "refresh" }), 400, "VALUE_TOO_SHORT", { field: "grant_type" });
    assertSquareError(await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code_xyz" }), 400, "VALUE_TOO_LONG", { field: "grant_type" });
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: "x" }), 400, "VALUE_TOO_SHORT", { field: "refresh_token" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, client_secret: "s", grant_type: "refresh_token" }), 400, "VALUE_TOO_SHORT", { field: "client_secret" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", code: "c".repeat(192) }), 400, "VALUE_TOO_LONG", { field: "code" },
    );
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "authorization_code", redirect_uri: "h".repeat(2049) }), 400, "VALUE_TOO_LONG", { field: "redirect_uri" },
    );
  });

  test("null counts as absent", async () => {
    const { code } = fake.issueCode();
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code, refresh_token: null, scopes: null });
    assert.equal(r.status, 200, r.text);
  });

  test("UNKNOWN_BODY_PARAMETER", async () => {
    assertSquareError(
      await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: "EQAAxx", clientSecret: SECRET }),
      400, "UNKNOWN_BODY_PARAMETER", { field: "clientSecret" },
    );
  });

  test("EXPECTED_JSON_BODY for unparseable or non-object bodies", async () => {
    for (const body of ["{not json", "", "[1,2]", "null", "42"]) {
      const r = await req("POST", "/oauth2/token", { body, headers: { "content-type": "application/json" } });
      assertSquareError(r, 400, "EXPECTED_JSON_BODY", { category: "INVALID_REQUEST_ERROR" });
    }
  });

  test("INVALID_CONTENT_TYPE when the body is not declared application/json", async () => {
    const json = JSON.stringify({ client_id: CLIENT_ID, grant_type: "refresh_token" });
    assertSquareError(await req("POST", "/oauth2/token", { body: json, headers: { "content-type": "text/plain;charset=UTF-8" } }), 400, "INVALID_CONTENT_TYPE");
    assertSquareError(await req("POST", "/oauth2/token", { body: new Blob([json]) }), 400, "INVALID_CONTENT_TYPE");
    // parameters on the media type are fine
    const ok = await req("POST", "/oauth2/token", { body: json, headers: { "content-type": "application/json; charset=utf-8" } });
    // got past content-type and parsing: fails on the missing refresh_token only
    assertSquareError(ok, 400, "MISSING_REQUIRED_PARAMETER", { field: "refresh_token" });
  });

  test("form-encoded ObtainToken gets the legacy 401 (and 400 without client_id)", async () => {
    const form = new URLSearchParams({ grant_type: "authorization_code", code: "x", client_id: CLIENT_ID, client_secret: SECRET });
    const r = await req("POST", "/oauth2/token", { body: form });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.deepEqual(r.data, { message: "Not Authorized", type: "service.not_authorized" });
    const noId = await req("POST", "/oauth2/token", {
      body: new URLSearchParams({ grant_type: "authorization_code", code: "x" }),
      headers: { authorization: "Basic " + Buffer.from(`${CLIENT_ID}:${SECRET}`).toString("base64") },
    });
    assert.equal(noId.status, 400);
    assert.deepEqual(noId.data, { message: "missing required parameter 'client_id'", type: "bad_request.missing_parameter" });
  });

  test("Square-Version must be YYYY-MM-DD when present", async () => {
    const body = { client_id: CLIENT_ID, grant_type: "refresh_token" };
    for (const v of ["2025-8-20", "latest", "20250820"]) {
      assertSquareError(await obtain(body, { "square-version": v }), 400, "INVALID_SQUARE_VERSION_FORMAT", { category: "INVALID_REQUEST_ERROR" });
    }
    const t = await codeFlowTokens();
    const ok = await req("POST", "/oauth2/token/status", { headers: { authorization: `Bearer ${t.access_token}`, "square-version": "2026-09-16" } });
    assert.equal(ok.status, 200);
    const bad = await req("POST", "/oauth2/token/status", { headers: { authorization: `Bearer ${t.access_token}`, "square-version": "v2" } });
    assertSquareError(bad, 400, "INVALID_SQUARE_VERSION_FORMAT");
  });
});

describe("RevokeToken", () => {
  test("revoking by access_token ends every token of that merchant for the app", async () => {
    const a = await codeFlowTokens();
    const b = await codeFlowTokens();
    const r = await revoke({ client_id: CLIENT_ID, access_token: a.access_token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.data, { success: true });
    for (const t of [a, b]) {
      assertUnauthorized(await status(t.access_token));
      assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token }));
    }
  });

  test("other merchants are untouched; revoking by merchant_id", async () => {
    const mine = await codeFlowTokens();
    const other = await codeFlowTokens({ merchant_id: "MLOTHERMERCHANT" });
    const r = await revoke({ client_id: CLIENT_ID, merchant_id: "MLOTHERMERCHANT" });
    assert.deepEqual(r.data, { success: true });
    assertUnauthorized(await status(other.access_token));
    assert.equal((await status(mine.access_token)).status, 200);
  });

  test("revoke_only_access_token ends just that access token", async () => {
    const t = await codeFlowTokens();
    const second = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token });
    const r = await revoke({ client_id: CLIENT_ID, access_token: t.access_token, revoke_only_access_token: true });
    assert.deepEqual(r.data, { success: true });
    assertUnauthorized(await status(t.access_token));
    assert.equal((await status(second.data.access_token)).status, 200);
    const again = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: t.refresh_token });
    assert.equal(again.status, 200, again.text);
  });

  test("revoking twice is fine; an unknown token or merchant is 404 NOT_FOUND", async () => {
    const t = await codeFlowTokens();
    assert.equal((await revoke({ client_id: CLIENT_ID, access_token: t.access_token })).status, 200);
    assert.deepEqual((await revoke({ client_id: CLIENT_ID, access_token: t.access_token })).data, { success: true });
    assertSquareError(await revoke({ client_id: CLIENT_ID, access_token: "EAAAnever-issued" }), 404, "NOT_FOUND", { category: "INVALID_REQUEST_ERROR" });
    assertSquareError(await revoke({ client_id: CLIENT_ID, merchant_id: "MLNEVERSEEN01" }), 404, "NOT_FOUND");
  });

  test("body rules: CONFLICTING_PARAMETERS, missing fields", async () => {
    const t = await codeFlowTokens();
    assertSquareError(
      await revoke({ client_id: CLIENT_ID, access_token: t.access_token, merchant_id: DEFAULT_MERCHANT_ID }),
      400, "CONFLICTING_PARAMETERS", { category: "INVALID_REQUEST_ERROR" },
    );
    assertSquareError(await revoke({ client_id: CLIENT_ID }), 400, "MISSING_REQUIRED_PARAMETER", { field: "access_token" });
    assertSquareError(
      await revoke({ client_id: CLIENT_ID, merchant_id: DEFAULT_MERCHANT_ID, revoke_only_access_token: true }),
      400, "CONFLICTING_PARAMETERS", { field: "revoke_only_access_token" },
    );
    assertSquareError(await revoke({ client_id: CLIENT_ID, access_token: t.access_token, revoke_only_access_token: "true" }), 400, "EXPECTED_BOOLEAN");
    assertSquareError(await revoke({ client_id: CLIENT_ID, access_token: "x" }), 400, "VALUE_TOO_SHORT", { field: "access_token" });
    assertSquareError(await revoke({ client_id: CLIENT_ID, token: t.access_token }), 400, "UNKNOWN_BODY_PARAMETER", { field: "token" });
    assert.equal((await status(t.access_token)).status, 200, "nothing was revoked by the failed calls");
  });

  test("client_id is optional (CONTRACT §4): the `Client` secret identifies the application", async () => {
    const a = await codeFlowTokens();
    const r = await revoke({ access_token: a.access_token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.data, { success: true });
    assertUnauthorized(await status(a.access_token));
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "refresh_token", refresh_token: a.refresh_token }));
    // by merchant_id, and with an explicit null (null counts as absent)
    const b = await codeFlowTokens({ merchant_id: "MLOTHERMERCHANT" });
    assert.deepEqual((await revoke({ client_id: null, merchant_id: "MLOTHERMERCHANT" })).data, { success: true });
    assertUnauthorized(await status(b.access_token));
    // an unknown secret is still 401 UNAUTHORIZED, and revokes nothing
    const c = await codeFlowTokens();
    assertUnauthorized(await revoke({ access_token: c.access_token }, "Client sq0csp-wrong"));
    assertUnauthorized(await revoke({ merchant_id: DEFAULT_MERCHANT_ID }, "Client sq0csp-wrong"));
    assert.equal((await status(c.access_token)).status, 200);
  });

  test("without client_id, only the tokens of the secret's application are revoked; a sent client_id must match the secret", async () => {
    const A = { client_id: "sq0idp-app-a", client_secret: "sq0csp-secret-a", name: "A" };
    const B = { client_id: "sq0idp-app-b", client_secret: "sq0csp-secret-b", name: "B" };
    const f = await startFakeSquare({ port: 0, apps: [A, B], now: () => clock });
    const post = (json, secret) =>
      fetch(`${f.url}/oauth2/revoke`, { method: "POST", headers: { "content-type": "application/json", authorization: `Client ${secret}` }, body: JSON.stringify(json) })
        .then(async (r) => ({ status: r.status, data: await r.json() }));
    const st = (token) => fetch(`${f.url}/oauth2/token/status`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).then(async (r) => (await r.arrayBuffer(), r.status));
    try {
      const ta = f.issueToken({ client_id: A.client_id });
      const tb = f.issueToken({ client_id: B.client_id });
      // a client_id that does not belong to the secret: 401, as before
      assert.equal((await post({ client_id: A.client_id, merchant_id: DEFAULT_MERCHANT_ID }, B.client_secret)).status, 401);
      // B's secret cannot reach A's token: this application never received it
      const foreign = await post({ access_token: ta.access_token }, B.client_secret);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.data.errors[0].code, "NOT_FOUND");
      assert.equal(await st(ta.access_token), 200);
      // the same merchant authorized both apps: revoking with B's secret ends B's authorization only
      assert.deepEqual(await post({ merchant_id: DEFAULT_MERCHANT_ID }, B.client_secret), { status: 200, data: { success: true } });
      assert.equal(await st(tb.access_token), 401);
      assert.equal(await st(ta.access_token), 200);
      // and a matching client_id still works
      assert.deepEqual(await post({ client_id: A.client_id, access_token: ta.access_token }, A.client_secret), { status: 200, data: { success: true } });
      assert.equal(await st(ta.access_token), 401);
    } finally {
      await f.close();
    }
  });

  test("Authorization: wrong secret 401; no header legacy 401; no `Client ` prefix legacy 400", async () => {
    const t = await codeFlowTokens();
    assertUnauthorized(await revoke({ client_id: CLIENT_ID, access_token: t.access_token }, "Client sq0csp-wrong"));
    const none = await revoke({ client_id: CLIENT_ID, access_token: t.access_token }, null);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("content-type"), "application/json");
    assert.deepEqual(none.data, { message: "Not Authorized", type: "service.not_authorized" });
    for (const h of [SECRET, `Bearer ${t.access_token}`, "Client "]) {
      const bad = await revoke({ client_id: CLIENT_ID, access_token: t.access_token }, h);
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.data, { message: "bad authorization header", type: "bad_request.invalid_parameter" });
    }
    assert.equal((await status(t.access_token)).status, 200);
  });

  test("INVALID_CONTENT_TYPE and EXPECTED_JSON_BODY", async () => {
    const h = { authorization: `Client ${SECRET}` };
    assertSquareError(await req("POST", "/oauth2/revoke", { body: "client_id=x", headers: { ...h, "content-type": "application/x-www-form-urlencoded" } }), 400, "INVALID_CONTENT_TYPE");
    assertSquareError(await req("POST", "/oauth2/revoke", { body: "{", headers: { ...h, "content-type": "application/json" } }), 400, "EXPECTED_JSON_BODY");
  });
});

describe("RenewToken (deprecated)", () => {
  test("renews a live token: new token, +30 days, deprecation header", async () => {
    const t = await codeFlowTokens({ scopes: ["ITEMS_READ"] });
    clock += 29 * DAY;
    const r = await renew({ access_token: t.access_token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("deprecation"), "true");
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.deepEqual(Object.keys(r.data), ["access_token", "token_type", "expires_at", "merchant_id"]);
    assert.match(r.data.access_token, ACCESS_RE);
    assert.notEqual(r.data.access_token, t.access_token);
    assert.equal(r.data.token_type, "bearer");
    assert.equal(r.data.expires_at, iso(T0 + 59 * DAY));
    assert.equal(r.data.merchant_id, DEFAULT_MERCHANT_ID);
    const s = await status(r.data.access_token);
    assert.deepEqual(s.data.scopes, ["ITEMS_READ"]);
    // Renewal does not revoke the token sent (CONTRACT §5 says only that the answer "may differ"):
    // it stays valid until its own expiry, then the renewed one carries on.
    const old = await status(t.access_token);
    assert.equal(old.status, 200, old.text);
    assert.equal(old.data.expires_at, iso(T0 + 30 * DAY));
    clock = T0 + 30 * DAY;
    assertUnauthorized(await status(t.access_token));
    assert.equal((await status(r.data.access_token)).status, 200);
  });

  test("replay-safe: renewing the same token twice succeeds both times (CONTRACT §5)", async () => {
    const t = await codeFlowTokens();
    clock += 20 * DAY;
    const r1 = await renew({ access_token: t.access_token });
    clock += MIN;
    const r2 = await renew({ access_token: t.access_token });
    for (const [r, at] of [[r1, T0 + 50 * DAY], [r2, T0 + 50 * DAY + MIN]]) {
      assert.equal(r.status, 200, r.text);
      assert.match(r.data.access_token, ACCESS_RE);
      assert.equal(r.data.expires_at, iso(at));
    }
    assert.notEqual(r1.data.access_token, r2.data.access_token);
    for (const a of [t.access_token, r1.data.access_token, r2.data.access_token]) assert.equal((await status(a)).status, 200);
    // the same holds for an expired token inside the 15-day window
    const late = fake.issueToken({ expires_in_ms: -DAY });
    assert.equal((await renew({ access_token: late.access_token })).status, 200);
    assert.equal((await renew({ access_token: late.access_token })).status, 200);
  });

  test("a renewal whose answer was lost (dropped connection, 5xx) can be retried with the same token", async () => {
    const t = await codeFlowTokens();
    fake.enqueue([{ status: 500, apply_model: true, drop: true }]);
    await assert.rejects(renew({ access_token: t.access_token }));
    fake.enqueue([{ status: 503, apply_model: true, body: { errors: [{ category: "API_ERROR", code: "SERVICE_UNAVAILABLE" }] } }]);
    assert.equal((await renew({ access_token: t.access_token })).status, 503);
    // both renewals happened server-side; the retry with the old token still succeeds
    const retry = await renew({ access_token: t.access_token });
    assert.equal(retry.status, 200, retry.text);
    assert.equal((await status(retry.data.access_token)).status, 200);
    assert.equal(fake.requests.filter((q) => q.path.endsWith("/access-token/renew")).length, 3);
  });

  test("an expired token renews within 15 days of expiry, not after", async () => {
    const a = fake.issueToken({ expires_in_ms: -14 * DAY });
    const b = fake.issueToken({ expires_in_ms: -15 * DAY });
    assertUnauthorized(await status(a.access_token));
    const ok = await renew({ access_token: a.access_token });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.data.expires_at, iso(T0 + 30 * DAY));
    assert.equal((await status(ok.data.access_token)).status, 200);
    const late = await renew({ access_token: b.access_token });
    assertSquareError(late, 401, "ACCESS_TOKEN_EXPIRED", { category: "AUTHENTICATION_ERROR" });
    assert.equal(late.headers.get("deprecation"), "true");
  });

  test("the expiry boundary follows the fake's clock", async () => {
    const t = await req("POST", "/__fake/tokens", { json: { expires_in_ms: 1000 } });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.data.expires_at, iso(T0 + 1000));
    await req("POST", "/__fake/clock", { json: { advance_ms: 1000 + 15 * DAY - 1 } });
    assert.equal((await renew({ access_token: t.data.access_token })).status, 200);
    const t2 = fake.issueToken({ expires_in_ms: 0 });
    await req("POST", "/__fake/clock", { json: { advance_ms: 15 * DAY } });
    assertSquareError(await renew({ access_token: t2.access_token }), 401, "ACCESS_TOKEN_EXPIRED");
  });

  test("path client_id is percent-decoded and must be a known app", async () => {
    const t = await codeFlowTokens();
    const raw = await req("POST", `/oauth2/clients/sq0idp%2Dfake%2Dapplication%2Did/access-token/renew`, {
      json: { access_token: t.access_token },
      headers: { authorization: `Client ${SECRET}` },
    });
    assert.equal(raw.status, 200, raw.text);
    assert.equal(fake.requests.at(-1).path, "/oauth2/clients/sq0idp%2Dfake%2Dapplication%2Did/access-token/renew");
    const unknown = await renew({ access_token: raw.data.access_token }, `Client ${SECRET}`, "sq0idp-unknown");
    assertSquareError(unknown, 404, "NOT_FOUND");
    assert.equal(unknown.headers.get("deprecation"), "true");
  });

  test("auth and body errors", async () => {
    const t = await codeFlowTokens();
    assertUnauthorized(await renew({ access_token: t.access_token }, "Client sq0csp-wrong"));
    const none = await renew({ access_token: t.access_token }, null);
    assert.equal(none.status, 401);
    assert.deepEqual(none.data, { message: "Not Authorized", type: "service.not_authorized" });
    const bad = await renew({ access_token: t.access_token }, SECRET);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.data, { message: "bad authorization header", type: "bad_request.invalid_parameter" });
    assertSquareError(await renew({}), 400, "MISSING_REQUIRED_PARAMETER", { field: "access_token" });
    assertSquareError(await renew({ access_token: "EAAAnever" }), 401, "UNAUTHORIZED");
    assertSquareError(await renew({ access_token: t.access_token, extra: 1 }), 400, "UNKNOWN_BODY_PARAMETER", { field: "extra" });
    await revoke({ client_id: CLIENT_ID, access_token: t.access_token });
    assertSquareError(await renew({ access_token: t.access_token }), 401, "ACCESS_TOKEN_REVOKED");
  });
});

describe("RetrieveTokenStatus", () => {
  test("missing, malformed, unknown and expired tokens are 401 UNAUTHORIZED", async () => {
    assertUnauthorized(await req("POST", "/oauth2/token/status"));
    assertUnauthorized(await req("POST", "/oauth2/token/status", { headers: { authorization: `Client ${SECRET}` } }));
    assertUnauthorized(await status("EAAAnot-issued"));
    const t = fake.issueToken({ expires_in_ms: 60_000 });
    assert.equal((await status(t.access_token)).status, 200);
    fake.advance(60_000);
    const r = await status(t.access_token);
    assert.deepEqual(Object.keys(r.data.errors[0]).sort(), ["category", "code", "detail"]);
    assertUnauthorized(r);
  });

  test("a never-expiring token answers expires_at \"\" (CONTRACT §6)", async () => {
    const t = await req("POST", "/__fake/tokens", { json: { expires_in_ms: null, merchant_id: "MLPERSONAL0001" } });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.data.expires_at, "", "the control API uses the same convention");
    const s = await status(t.data.access_token);
    assert.equal(s.status, 200, s.text);
    // present, a string, empty: not absent, not null
    assert.deepEqual(Object.keys(s.data), ["scopes", "expires_at", "client_id", "merchant_id"]);
    assert.strictEqual(s.data.expires_at, "");
    assert.match(s.text, /"expires_at":""/);
    assert.deepEqual(s.data, { scopes: [...DEFAULT_SCOPES], expires_at: "", client_id: CLIENT_ID, merchant_id: "MLPERSONAL0001" });
    // it really never expires
    clock += 3650 * DAY;
    const later = await status(t.data.access_token);
    assert.equal(later.status, 200, later.text);
    assert.strictEqual(later.data.expires_at, "");
    // the in-process helper does the same
    const p = fake.issueToken({ expires_in_ms: null });
    assert.strictEqual(p.expires_at, "");
    assert.strictEqual((await status(p.access_token)).data.expires_at, "");
  });
});

describe("routing", () => {
  test("unknown paths are 404 NOT_FOUND, wrong methods 405 METHOD_NOT_ALLOWED", async () => {
    assertSquareError(await req("GET", "/v2/locations"), 404, "NOT_FOUND", { category: "INVALID_REQUEST_ERROR" });
    assertSquareError(await req("POST", "/oauth2/token/"), 404, "NOT_FOUND");
    for (const [m, p] of [["GET", "/oauth2/token"], ["PUT", "/oauth2/revoke"], ["GET", "/oauth2/token/status"], ["POST", "/oauth2/authorize"], ["DELETE", "/oauth2/token"]]) {
      const r = await req(m, p);
      assertSquareError(r, 405, "METHOD_NOT_ALLOWED", { category: "INVALID_REQUEST_ERROR" });
      assert.match(r.headers.get("allow"), /OPTIONS/);
    }
  });
});

describe("CORS", () => {
  const ORIGIN = "http://127.0.0.1:4173";

  test("preflight: 204 with methods, echoed headers, max-age; not recorded", async () => {
    const r = await fetch(fake.url + "/oauth2/token", {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type,square-version" },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), ORIGIN);
    assert.equal(r.headers.get("access-control-allow-methods"), "GET, POST, DELETE, OPTIONS");
    assert.equal(r.headers.get("access-control-allow-headers"), "content-type,square-version");
    assert.equal(r.headers.get("access-control-max-age"), "600");
    assert.equal(r.headers.get("vary"), "Origin");
    const d = await fetch(fake.url + "/oauth2/revoke", { method: "OPTIONS", headers: { origin: ORIGIN } });
    assert.equal(d.status, 204);
    const allowed = d.headers.get("access-control-allow-headers").split(/,\s*/);
    for (const h of ["authorization", "content-type", "square-version", "accept"]) assert.ok(allowed.includes(h), h);
    assert.equal(fake.requests.length, 0);
  });

  test("every response carries the CORS headers: success, errors, 404, control API, HTML", async () => {
    const t = fake.issueToken();
    const responses = [
      await fetch(fake.url + "/oauth2/token/status", { method: "POST", headers: { origin: ORIGIN, authorization: `Bearer ${t.access_token}` } }),
      await fetch(fake.url + "/oauth2/token", { method: "POST", headers: { origin: ORIGIN }, body: "{" }),
      await fetch(fake.url + "/oauth2/revoke", { method: "POST", headers: { origin: ORIGIN } }),
      await fetch(fake.url + "/nope", { headers: { origin: ORIGIN } }),
      await fetch(fake.url + "/__fake/requests", { headers: { origin: ORIGIN } }),
      await fetch(fake.url + "/__fake/nope", { headers: { origin: ORIGIN } }),
      await fetch(`${fake.url}/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=http://localhost/cb`, { headers: { origin: ORIGIN } }),
    ];
    for (const r of responses) {
      await r.arrayBuffer();
      assert.equal(r.headers.get("access-control-allow-origin"), ORIGIN, r.url);
      assert.equal(r.headers.get("vary"), "Origin");
      const expose = r.headers.get("access-control-expose-headers").split(/,\s*/);
      for (const h of ["*", "retry-after", "deprecation"]) assert.ok(expose.includes(h), h);
    }
    const noOrigin = await fetch(fake.url + "/nope");
    assert.equal(noOrigin.headers.get("access-control-allow-origin"), "*");
  });
});

describe("consent page", () => {
  const REDIRECT = "http://127.0.0.1:8787/callback";

  async function openPage(params) {
    const r = await req("GET", "/oauth2/authorize?" + params);
    return { ...r, requestId: /name="request_id" value="([^"]+)"/.exec(r.text)?.[1] };
  }
  const decide = (requestId, decision) =>
    req("POST", "/oauth2/authorize/decision", { body: new URLSearchParams({ request_id: requestId, decision }) });

  test("renders the app name, the scopes and the two buttons", async () => {
    const p = await openPage(`client_id=${CLIENT_ID}&scope=CUSTOMERS_WRITE+CUSTOMERS_READ&state=s1&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    assert.equal(p.status, 200);
    assert.match(p.headers.get("content-type"), /^text\/html/);
    assert.match(p.text, /<title>[^<]*Fake Demo App[^<]*<\/title>/);
    assert.match(p.text, /<li><code>CUSTOMERS_WRITE<\/code><\/li>\s*<li><code>CUSTOMERS_READ<\/code><\/li>/);
    assert.match(p.text, /<form method="post" action="\/oauth2\/authorize\/decision">/);
    assert.match(p.text, /<button[^>]*id="allow"[^>]*>Allow<\/button>/);
    assert.match(p.text, /<button[^>]*id="deny"[^>]*>Deny<\/button>/);
    assert.match(p.text, /<style>/);
    assert.doesNotMatch(p.text, /<script|<link|src=/, "self-contained");
    assert.ok(p.requestId);
  });

  test("Allow redirects with code, response_type and state; the code exchanges", async () => {
    const p = await openPage(`client_id=${CLIENT_ID}&scope=ITEMS_READ%20ORDERS_READ&state=xyz%20123&redirect_uri=${encodeURIComponent(REDIRECT + "?keep=1")}`);
    const d = await decide(p.requestId, "allow");
    assert.equal(d.status, 302);
    const loc = new URL(d.headers.get("location"));
    assert.equal(loc.origin + loc.pathname, REDIRECT);
    assert.equal(loc.searchParams.get("keep"), "1");
    assert.match(loc.searchParams.get("code"), CODE_RE);
    assert.equal(loc.searchParams.get("response_type"), "code");
    assert.equal(loc.searchParams.get("state"), "xyz 123");
    const body = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code: loc.searchParams.get("code") };
    assertSquareError(await obtain(body), 400, "MISSING_REQUIRED_PARAMETER", { field: "redirect_uri" });
    const r = await obtain({ ...body, redirect_uri: REDIRECT + "?keep=1" });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((await status(r.data.access_token)).data.scopes, ["ITEMS_READ", "ORDERS_READ"]);
    // the page's request id is single-use
    assert.equal((await decide(p.requestId, "allow")).status, 400);
  });

  test("Deny redirects with error=access_denied&error_description=user_denied", async () => {
    const p = await openPage(`client_id=${CLIENT_ID}&state=abc&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    const d = await decide(p.requestId, "deny");
    assert.equal(d.status, 302);
    const loc = new URL(d.headers.get("location"));
    assert.equal(loc.searchParams.get("error"), "access_denied");
    assert.equal(loc.searchParams.get("error_description"), "user_denied");
    assert.equal(loc.searchParams.get("state"), "abc");
    assert.equal(loc.searchParams.get("code"), null);
  });

  test("PKCE through the page: code_challenge binds the code", async () => {
    const { verifier, challenge } = pkcePair();
    const p = await openPage(`client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${challenge}&code_challenge_method=S256`);
    const d = await decide(p.requestId, "allow");
    const code = new URL(d.headers.get("location")).searchParams.get("code");
    assert.equal(new URL(d.headers.get("location")).searchParams.has("state"), false);
    const base = { client_id: CLIENT_ID, grant_type: "authorization_code", code, redirect_uri: REDIRECT };
    assertUnauthorized(await obtain({ ...base, client_secret: SECRET }));
    const r = await obtain({ ...base, code_verifier: verifier });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.data.refresh_token_expires_at);
    const bad = await openPage(`client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${challenge}&code_challenge_method=plain`);
    assert.equal(bad.status, 400);
  });

  test("default scopes when scope is absent", async () => {
    const p = await openPage(`client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    for (const s of DEFAULT_SCOPES) assert.match(p.text, new RegExp(`<code>${s}</code>`));
    const code = new URL((await decide(p.requestId, "allow")).headers.get("location")).searchParams.get("code");
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    assert.deepEqual((await status(r.data.access_token)).data.scopes, [...DEFAULT_SCOPES]);
  });

  test("error pages: unknown client_id, unknown scope, bad or missing redirect_uri", async () => {
    const unknown = await req("GET", `/oauth2/authorize?client_id=sq0idp-nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    assert.equal(unknown.status, 400);
    assert.match(unknown.headers.get("content-type"), /^text\/html/);
    assert.match(unknown.text, /Unable to find client by that `client_id`/);
    const noClient = await req("GET", "/oauth2/authorize");
    assert.match(noClient.text, /Unable to find client by that `client_id`/);
    const scope = await req("GET", `/oauth2/authorize?client_id=${CLIENT_ID}&scope=PAYMENTS_READ+MerchantProfileRead&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    assert.equal(scope.status, 400);
    assert.match(scope.text, /MerchantProfileRead/);
    const remote = await req("GET", `/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`);
    assert.equal(remote.status, 400);
    const missing = await req("GET", `/oauth2/authorize?client_id=${CLIENT_ID}`);
    assert.equal(missing.status, 400);
    for (const ok of ["http://localhost:3000/cb", "https://[::1]:8443/cb", "http://127.0.0.1/cb"]) {
      assert.equal((await req("GET", `/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(ok)}`)).status, 200, ok);
    }
  });

  test("registered redirect_uris: exact match, first one by default", async () => {
    const f = await startFakeSquare({
      port: 0,
      apps: [{ client_id: "sq0idp-reg", client_secret: "sq0csp-reg", name: "Registered <App>", redirect_uris: ["https://app.example/cb", "https://app.example/cb2"] }],
    });
    try {
      const page = await fetch(`${f.url}/oauth2/authorize?client_id=sq0idp-reg&state=q`);
      const html = await page.text();
      assert.equal(page.status, 200);
      assert.match(html, /Registered &lt;App&gt;/, "escaped");
      const id = /name="request_id" value="([^"]+)"/.exec(html)[1];
      const d = await fetch(`${f.url}/oauth2/authorize/decision`, { method: "POST", body: new URLSearchParams({ request_id: id, decision: "allow" }), redirect: "manual" });
      const loc = new URL(d.headers.get("location"));
      assert.equal(loc.origin + loc.pathname, "https://app.example/cb");
      // no redirect_uri at authorize: none needed at the exchange
      const r = await fetch(`${f.url}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: "sq0idp-reg", client_secret: "sq0csp-reg", grant_type: "authorization_code", code: loc.searchParams.get("code") }),
      });
      assert.equal(r.status, 200);
      assert.equal((await fetch(`${f.url}/oauth2/authorize?client_id=sq0idp-reg&redirect_uri=${encodeURIComponent("https://app.example/cb2")}`)).status, 200);
      assert.equal((await fetch(`${f.url}/oauth2/authorize?client_id=sq0idp-reg&redirect_uri=${encodeURIComponent("http://localhost/cb")}`)).status, 400);
    } finally {
      await f.close();
    }
  });
});

describe("queue", () => {
  test("queued responses answer the next requests verbatim, then the model resumes", async () => {
    const q = await req("POST", "/__fake/queue", {
      json: {
        responses: [
          { status: 503, headers: { "Retry-After": "2" }, body: '{"errors":[{"category":"API_ERROR","code":"SERVICE_UNAVAILABLE"}]}' },
          { status: 502, headers: { "content-type": "text/html" }, body: "<html>Bad gateway</html>" },
        ],
      },
    });
    assert.equal(q.status, 200);
    assert.equal(q.data.pending, 2);
    const { code } = fake.issueCode();
    const r1 = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
    assert.equal(r1.status, 503);
    assert.equal(r1.headers.get("retry-after"), "2");
    assert.equal(r1.headers.get("content-type"), "application/json");
    assert.equal(r1.text, '{"errors":[{"category":"API_ERROR","code":"SERVICE_UNAVAILABLE"}]}');
    assert.equal(fake.requests.at(-1).path, "/oauth2/token");
    const r2 = await status("EAAAwhatever");
    assert.equal(r2.status, 502);
    assert.equal(r2.text, "<html>Bad gateway</html>");
    assert.equal(r2.headers.get("content-type"), "text/html");
    assert.equal(r2.headers.get("access-control-allow-origin"), "*");
    assertUnauthorized(await status("EAAAwhatever"));
    assert.equal(fake.requests.length, 3, "queued requests are recorded too");
    // the queued answer did not touch the model: the code is still unused
    const r4 = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code });
    assert.equal(r4.status, 200, r4.text);
  });

  test("headers, default content-type, delay_ms", async () => {
    fake.enqueue([{ status: 429, headers: { "retry-after": "1" }, body: '{"errors":[]}', delay_ms: 150 }]);
    const t0 = performance.now();
    const r = await status("x");
    assert.ok(performance.now() - t0 >= 140);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get("retry-after"), "1");
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(r.text, '{"errors":[]}');
  });

  test("drop closes the connection; apply_model lets the request take effect", async () => {
    const t = await pkceTokens();
    fake.enqueue([{ status: 500, apply_model: true, drop: true }]);
    await assert.rejects(obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token }));
    // the refresh happened server-side, so the single-use token is gone
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token }));
  });

  test("DELETE /__fake/queue clears it; bad entries are rejected", async () => {
    fake.enqueue([{ status: 500 }]);
    assert.equal((await req("GET", "/__fake/queue")).data.pending, 1);
    assert.deepEqual((await req("DELETE", "/__fake/queue")).data, { pending: 0 });
    assertUnauthorized(await status("x"));
    assert.equal((await req("POST", "/__fake/queue", { json: { responses: [{ body: "x" }] } })).status, 400);
    assert.equal((await req("POST", "/__fake/queue", { json: { responses: "nope" } })).status, 400);
  });
});

describe("recording and control API", () => {
  test("requests are recorded with the documented fields", async () => {
    clock = T0 + 1234;
    const body = JSON.stringify({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: "EQAAabc" });
    await req("POST", "/oauth2/token?x=1&y=a%20b&x=2", { body, headers: { "Content-Type": "application/json", "Square-Version": "2026-09-16" } });
    await req("POST", "/oauth2/token", { body: "{bad", headers: { "content-type": "application/json" } });
    const all = await req("GET", "/__fake/requests");
    assert.equal(all.data.requests.length, 2);
    const [a, b] = all.data.requests;
    assert.equal(a.seq + 1, b.seq);
    assert.equal(a.method, "POST");
    assert.equal(a.path, "/oauth2/token");
    assert.deepEqual(a.query, { x: ["1", "2"], y: "a b" });
    assert.equal(a.headers["square-version"], "2026-09-16");
    assert.equal(a.headers["content-type"], "application/json");
    assert.equal(a.body, body);
    assert.deepEqual(a.json, JSON.parse(body));
    assert.equal(a.at, T0 + 1234);
    assert.equal(b.body, "{bad");
    assert.equal(b.json, null);
    const last = await req("GET", "/__fake/requests?last=1");
    assert.deepEqual(last.data.requests, [b]);
    assert.deepEqual(fake.requests, all.data.requests);
    const filtered = await req("GET", "/__fake/requests?path=/nothing");
    assert.deepEqual(filtered.data.requests, []);
    assert.equal((await req("DELETE", "/__fake/requests")).status, 200);
    assert.equal((await req("GET", "/__fake/requests")).data.requests.length, 0);
    assert.equal(fake.requests.length, 0);
  });

  test("raw percent-encoded paths are kept; control requests are not recorded", async () => {
    await req("GET", "/oauth2/clients/a%2Fb/access-token/renew");
    await req("GET", "/__fake/health");
    await req("POST", "/__fake/clock", { json: { advance_ms: 1 } });
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].path, "/oauth2/clients/a%2Fb/access-token/renew");
  });

  test("POST /__fake/codes and /__fake/tokens validate their input", async () => {
    const c = await req("POST", "/__fake/codes", { json: { scopes: ["ITEMS_READ"], merchant_id: "MLCUSTOM0001" } });
    assert.equal(c.status, 200);
    assert.match(c.data.code, CODE_RE);
    const r = await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code: c.data.code });
    assert.equal(r.data.merchant_id, "MLCUSTOM0001");
    assert.equal((await req("POST", "/__fake/codes", { json: { client_id: "nope" } })).status, 400);
    assert.equal((await req("POST", "/__fake/codes", { json: { scopes: ["NOT_A_SCOPE"] } })).status, 400);
    assert.equal((await req("POST", "/__fake/codes", { json: { merchant_id: "short" } })).status, 400);
    assert.equal((await req("POST", "/__fake/tokens", { body: "{" })).status, 400);
    const tok = await req("POST", "/__fake/tokens", { json: { scopes: ["ORDERS_READ"] } });
    assert.deepEqual(Object.keys(tok.data).slice(0, 3), ["access_token", "expires_at", "merchant_id"]);
    assert.equal(tok.data.expires_at, iso(T0 + 30 * DAY));
    assert.equal(SCOPES.length, 59);
  });

  test("POST /__fake/reset forgets tokens, codes, requests, clock and queue", async () => {
    const t = await codeFlowTokens();
    const { code } = fake.issueCode();
    fake.enqueue([{ status: 500 }]);
    await req("POST", "/__fake/clock", { json: { advance_ms: 10 * DAY } });
    assert.equal((await req("POST", "/__fake/reset")).status, 200);
    assert.equal(fake.requests.length, 0);
    assert.equal((await req("GET", "/__fake/clock")).data.now, T0);
    assert.equal((await req("GET", "/__fake/queue")).data.pending, 0);
    assertUnauthorized(await status(t.access_token));
    assertUnauthorized(await obtain({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: "authorization_code", code }));
  });

  test("control API errors and 404", async () => {
    assert.equal((await req("POST", "/__fake/clock", { json: { advance_ms: "1" } })).status, 400);
    assertSquareError(await req("GET", "/__fake/unknown"), 404, "NOT_FOUND");
    assertSquareError(await req("GET", "/__fake/reset"), 405, "METHOD_NOT_ALLOWED");
  });
});

describe("stats", () => {
  const ZERO = { refresh_requests: 0, refresh_successes: 0, spent_refresh_token_reuses: 0, revoke_requests: 0 };
  const stats = async () => {
    const r = await req("GET", "/__fake/stats");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.data, fake.stats(), "the control API and the in-process helper agree");
    return r.data;
  };
  const refresh = (refresh_token, extra = {}) =>
    obtain({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token, ...extra });

  test("counts refreshes, their successes, spent PKCE refresh tokens sent again, and revokes", async () => {
    assert.deepEqual(await stats(), ZERO);
    const p = await pkceTokens();
    const c = await codeFlowTokens();
    assert.deepEqual(await stats(), ZERO, "authorization_code exchanges are not refreshes");
    const r1 = await refresh(p.refresh_token);
    assert.equal(r1.status, 200, r1.text);
    assertUnauthorized(await refresh(p.refresh_token)); // spent
    assertUnauthorized(await refresh(p.refresh_token)); // spent again
    assert.equal((await refresh(r1.data.refresh_token)).status, 200);
    // code flow: the same refresh token works again; that is not a reuse of a spent token
    assert.equal((await refresh(c.refresh_token, { client_secret: SECRET })).status, 200);
    assert.equal((await refresh(c.refresh_token, { client_secret: SECRET })).status, 200);
    assertUnauthorized(await refresh("EQAAunknown")); // unknown: a failed refresh, not a reuse
    assert.equal((await revoke({ access_token: c.access_token })).status, 200);
    assert.equal((await revoke({ merchant_id: "MLNOBODY0000" })).status, 404);
    assert.equal((await req("GET", "/oauth2/revoke")).status, 405); // not a POST: not counted
    assert.deepEqual(await stats(), {
      refresh_requests: 7,
      refresh_successes: 4,
      spent_refresh_token_reuses: 2,
      revoke_requests: 2,
    });
  });

  test("queued answers count too: a queued 5xx is a refresh but not a success; apply_model spends the token", async () => {
    const p = await pkceTokens();
    fake.enqueue([{ status: 503, body: "{}" }, { status: 200, apply_model: true, drop: true }]);
    assert.equal((await refresh(p.refresh_token)).status, 503); // the model never saw it
    await assert.rejects(refresh(p.refresh_token)); // spent server-side, the answer lost
    assertUnauthorized(await refresh(p.refresh_token));
    fake.enqueue([{ status: 500 }]);
    assert.equal((await refresh(p.refresh_token)).status, 500); // spent token, queued answer: still a reuse
    assert.deepEqual(await stats(), {
      refresh_requests: 4,
      refresh_successes: 0,
      spent_refresh_token_reuses: 2,
      revoke_requests: 0,
    });
  });

  test("reset zeroes the counters; clearing the recorded requests does not; GET only", async () => {
    const p = await pkceTokens();
    await refresh(p.refresh_token);
    assert.equal((await req("DELETE", "/__fake/requests")).status, 200);
    assert.equal((await stats()).refresh_requests, 1, "stats outlive the recorded requests");
    assertSquareError(await req("POST", "/__fake/stats"), 405, "METHOD_NOT_ALLOWED");
    assert.equal((await req("POST", "/__fake/reset")).status, 200);
    assert.deepEqual(await stats(), ZERO);
    assert.equal(fake.requests.length, 0, "control calls are not recorded");
    const snapshot = fake.stats();
    snapshot.refresh_requests = 99;
    assert.equal(fake.stats().refresh_requests, 0, "stats() returns a copy");
  });
});

describe("cli.mjs", () => {
  test("prints exactly one FAKE_SQUARE_URL line, honours FAKE_SQUARE_APPS, exits cleanly on SIGTERM", async () => {
    const cli = fileURLToPath(new URL("./cli.mjs", import.meta.url));
    const apps = [{ client_id: "sq0idp-cli", client_secret: "sq0csp-cli", name: "CLI App", redirect_uris: [] }];
    const child = spawn(process.execPath, [cli, "--port", "0", "--host", "127.0.0.1"], {
      env: { ...process.env, FAKE_SQUARE_APPS: JSON.stringify(apps) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const url = await new Promise((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const m = /^FAKE_SQUARE_URL=(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`cli exited early (${code}): ${err}`)));
    });
    const page = await fetch(`${url}/oauth2/authorize?client_id=sq0idp-cli&redirect_uri=http://localhost/cb`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /CLI App/);
    const def = await fetch(`${url}/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=http://localhost/cb`);
    assert.equal(def.status, 400, "FAKE_SQUARE_APPS replaced the default app");
    await def.arrayBuffer();
    const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.kill("SIGTERM");
    assert.deepEqual(await exit, { code: 0, signal: null });
    assert.equal(out, `FAKE_SQUARE_URL=${url}\n`);
    assert.equal(err, "");
  });
});
