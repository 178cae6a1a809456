// The JavaScript surface of the built package (pkg/), in Node: the OAuthClient class, SquareError,
// options, injected fetch, abort, and that errors never carry a secret. Run by `make test-js`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { OAuthClient, SquareError } from "../../pkg/node.js";
import { startFakeSquare } from "../fake-square/server.mjs";

const APP_ID = "sq0idp-fake-application-id";
const SECRET = "sq0csp-fake-application-secret";
let fake;

before(async () => {
  fake = await startFakeSquare({});
});
after(async () => {
  await fake.close();
});

async function mintCode() {
  const r = await fetch(`${fake.url}/__fake/codes`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return (await r.json()).code;
}

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

function throws(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

test("a full code flow through the class API", async () => {
  const oauth = new OAuthClient({ baseUrl: fake.url });
  const code = await mintCode();
  const token = await oauth.obtainToken({ client_id: APP_ID, client_secret: SECRET, code, grant_type: "authorization_code" });
  assert.equal(token.token_type, "bearer");
  assert.equal(Object.getPrototypeOf(token), Object.prototype, "plain objects, not Maps");
  const status = await oauth.retrieveTokenStatus(token.access_token);
  assert.deepEqual(status.scopes, ["MERCHANT_PROFILE_READ", "PAYMENTS_READ", "SETTLEMENTS_READ", "BANK_ACCOUNTS_READ"]);
  const renewed = await oauth.renewToken(APP_ID, { access_token: token.access_token }, `Client ${SECRET}`);
  assert.match(renewed.access_token, /^EAAA/);
  assert.deepEqual(await oauth.revokeToken({ client_id: APP_ID, access_token: renewed.access_token }, SECRET), { success: true });
  const e = await rejects(oauth.retrieveTokenStatus(renewed.access_token));
  assert.ok(e instanceof SquareError);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "SquareError");
  assert.equal(e.code, "SQUARE_ERROR");
  assert.equal(e.statusCode, 401);
  assert.equal(e.errors[0].code, "UNAUTHORIZED");
  assert.equal(e.errors[0].category, "AUTHENTICATION_ERROR");
  assert.ok(String(e).startsWith("SquareError: "));
});

test("the environment picks Square's hosts; baseUrl overrides it", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url, init });
    return new Response('{"success":true}', { headers: { "content-type": "application/json" } });
  };
  await new OAuthClient({ fetch }).revokeToken({ access_token: "EAAAx" }, SECRET);
  await new OAuthClient({ environment: "sandbox", fetch }).revokeToken({ access_token: "EAAAx" }, SECRET);
  await new OAuthClient({ environment: "sandbox", baseUrl: "https://proxy.example/sq/", fetch }).revokeToken({ access_token: "EAAAx" }, SECRET);
  assert.deepEqual(seen.map((s) => s.url), [
    "https://connect.squareup.com/oauth2/revoke",
    "https://connect.squareupsandbox.com/oauth2/revoke",
    "https://proxy.example/sq/oauth2/revoke",
  ]);
  const init = seen[0].init;
  assert.equal(init.method, "POST");
  assert.equal(init.redirect, "manual", "redirects are never followed");
  assert.ok(init.signal instanceof AbortSignal);
  const headers = new Headers(init.headers);
  assert.equal(headers.get("authorization"), `Client ${SECRET}`);
  assert.equal(headers.get("content-type"), "application/json");
  assert.equal(headers.get("square-version"), "2025-08-20");
  assert.equal(init.body, '{"access_token":"EAAAx"}');
});

test("extra headers go out; reserved ones cannot be overridden", async () => {
  let headers;
  const fetch = async (_url, init) => {
    headers = new Headers(init.headers);
    return new Response('{"success":true}', { headers: { "content-type": "application/json" } });
  };
  await new OAuthClient({ fetch, headers: { "X-Request-Id": "r-1" } }).revokeToken({ access_token: "EAAAx" }, SECRET);
  assert.equal(headers.get("x-request-id"), "r-1");
  for (const name of ["Authorization", "content-type", "Square-Version"]) {
    const e = throws(() => new OAuthClient({ headers: { [name]: "x" } }));
    assert.ok(e instanceof SquareError);
    assert.equal(e.code, "INVALID_VALUE");
    assert.equal(e.field, `options.headers.${name}`);
  }
});

test("constructor options are validated with coded errors", () => {
  const cases = [
    [{ environment: "prod" }, "INVALID_VALUE", "options.environment"],
    [{ baseUrl: "http://example.com" }, "INSECURE_URL", "options.baseUrl"],
    [{ baseUrl: "https://a.example/?q=1" }, "INVALID_VALUE", "options.baseUrl"],
    [{ squareVersion: "2025-8-20" }, "INVALID_VALUE", "options.squareVersion"],
    [{ timeoutMs: -1 }, "INVALID_VALUE", "options.timeoutMs"],
    [{ timeoutMs: NaN }, "INVALID_VALUE", "options.timeoutMs"],
    [{ maxRetries: 100 }, "INVALID_VALUE", "options.maxRetries"],
    [{ fetch: "fetch" }, "INVALID_TYPE", "options.fetch"],
    [{ timeout: 5 }, "UNKNOWN_FIELD", "options.timeout"],
    [{ headers: { "X-A": "a\r\nB: c" } }, "UNSAFE_HEADER_VALUE", "options.headers.X-A"],
    ["sandbox", "INVALID_TYPE", "options"],
  ];
  for (const [options, code, field] of cases) {
    const e = throws(() => new OAuthClient(options));
    assert.ok(e instanceof SquareError, JSON.stringify(options));
    assert.equal(e.code, code, JSON.stringify(options));
    assert.equal(e.field, field, JSON.stringify(options));
  }
  assert.doesNotThrow(() => new OAuthClient());
  assert.doesNotThrow(() => new OAuthClient({ environment: undefined, baseUrl: null }));
});

test("an injected fetch that returns garbage or throws gets a coded error", async () => {
  const garbage = new OAuthClient({ fetch: async () => ({ status: 200 }) });
  const e = await rejects(garbage.revokeToken({ access_token: "EAAAx" }, SECRET));
  assert.equal(e.code, "INVALID_FETCH_RESULT");
  const cause = new TypeError("boom");
  const failing = new OAuthClient({ fetch: () => { throw cause; }, maxRetries: 0 });
  const e2 = await rejects(failing.revokeToken({ access_token: "EAAAx" }, SECRET));
  assert.equal(e2.code, "NETWORK_ERROR");
  assert.equal(e2.cause, cause);
});

test("a caller's signal aborts a slow call at once, with its reason as cause", async () => {
  const oauth = new OAuthClient({ fetch: (_u, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason))) });
  const ctl = new AbortController();
  const started = Date.now();
  const p = oauth.revokeToken({ access_token: "EAAAx" }, SECRET, { signal: ctl.signal });
  setTimeout(() => ctl.abort(new Error("navigated away")), 20);
  const e = await rejects(p);
  assert.equal(e.code, "ABORTED");
  assert.equal(e.cause.message, "navigated away");
  assert.ok(Date.now() - started < 1000);
  const e2 = await rejects(oauth.revokeToken({ access_token: "EAAAx" }, SECRET, { signal: "nope" }));
  assert.equal(e2.code, "INVALID_TYPE");
});

test("whatever else throws around fetch is a coded NETWORK_ERROR with its cause, and nothing is sent", async () => {
  let sent = 0;
  const oauth = new OAuthClient({ fetch: async () => { sent++; return new Response("{}"); }, maxRetries: 0 });
  const signal = new AbortController().signal;
  const boom = new Error("listener refused");
  signal.addEventListener = () => { throw boom; };
  const e = await rejects(oauth.revokeToken({ access_token: "EAAAx" }, SECRET, { signal }));
  assert.ok(e instanceof SquareError);
  assert.equal(e.code, "NETWORK_ERROR");
  assert.equal(e.cause, boom);
  assert.equal(sent, 0);
});

test("a fetch that ignores its signal still times out", async () => {
  const oauth = new OAuthClient({ fetch: () => new Promise(() => {}), timeoutMs: 50, maxRetries: 0 });
  const e = await rejects(oauth.revokeToken({ access_token: "EAAAx" }, SECRET));
  assert.equal(e.code, "TIMEOUT");
});

test("no secret or token appears in any error", async () => {
  const secret = "sq0csp-TOPSECRET-VALUE-1234";
  const token = "EAAA-TOKEN-SHOULD-NOT-LEAK-99";
  // A hostile server echoes everything it received.
  const echo = async (_url, init) =>
    new Response(JSON.stringify({ errors: [{ category: "API_ERROR", code: "BAD_REQUEST", detail: `got ${init.body} ${new Headers(init.headers).get("authorization")}` }] }), {
      status: 400,
      headers: { "content-type": "application/json" },
    });
  const oauth = new OAuthClient({ fetch: echo });
  const errors = [
    await rejects(oauth.revokeToken({ access_token: token }, secret)),
    await rejects(oauth.revokeToken({ access_token: token }, `Bearer ${token}`)),
    await rejects(oauth.retrieveTokenStatus(`${token}\n`)),
    await rejects(oauth.obtainToken({ client_id: "a", client_secret: secret, grant_type: "authorization_code", code: token })),
  ];
  for (const e of errors) {
    const dump = [e.message, String(e), JSON.stringify(e), e.stack, JSON.stringify(e.errors), JSON.stringify(e.body)].join("\n");
    assert.ok(!dump.includes(secret), dump);
    assert.ok(!dump.includes(token), dump);
  }
  assert.equal(errors[0].code, "SQUARE_ERROR");
  assert.match(errors[0].errors[0].detail, /\[redacted\]/);
});

test("require() gives the same API (CommonJS build)", async () => {
  const require = createRequire(import.meta.url);
  const cjs = require("../../pkg/node.cjs");
  assert.equal(typeof cjs.OAuthClient, "function");
  const oauth = new cjs.OAuthClient({ baseUrl: fake.url });
  const e = await rejects(oauth.retrieveTokenStatus("EAAAunknown"));
  assert.ok(e instanceof cjs.SquareError);
  assert.equal(e.code, "SQUARE_ERROR");
});
