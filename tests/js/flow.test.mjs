// The OAuth flow helpers of the built package (pkg/), in Node: authorizeUrl, createPkce,
// createState, parseCallback and shouldRefresh, each on its own and together in end-to-end PKCE
// flows against the fake Square's consent page. Run by `make test-js`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  OAuthClient,
  SquareError,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
} from "../../pkg/node.js";
import { startFakeSquare } from "../fake-square/server.mjs";

const APP_ID = "sq0idp-fake-application-id";
const SECRET = "sq0csp-fake-application-secret";
const UNRESERVED = /^[A-Za-z0-9\-._~]+$/;
const DAY = 86_400_000;
let fake;

before(async () => {
  fake = await startFakeSquare({});
});
after(async () => {
  await fake.close();
});

function throws(fn, code, field) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SquareError, `not a SquareError: ${e}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, field, e.message);
    return e;
  }
  assert.fail("expected a throw");
}

const q = (url) => new URL(url).searchParams;

test("the helpers are exported from the package root, in ESM and CommonJS", () => {
  const cjs = createRequire(import.meta.url)("../../pkg/node.cjs");
  for (const name of ["authorizeUrl", "createPkce", "createState", "parseCallback", "shouldRefresh"]) {
    assert.equal(typeof cjs[name], "function", name);
  }
  assert.match(cjs.createState(), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(cjs.authorizeUrl({ client_id: "a" }), "https://connect.squareup.com/oauth2/authorize?client_id=a");
});

test("authorizeUrl: environments, order and encoding", () => {
  assert.equal(authorizeUrl({ client_id: APP_ID }), `https://connect.squareup.com/oauth2/authorize?client_id=${APP_ID}`);
  assert.ok(authorizeUrl({ client_id: "a" }, { environment: "sandbox" }).startsWith("https://connect.squareupsandbox.com/oauth2/authorize?"));
  assert.ok(authorizeUrl({ client_id: "a" }, { environment: "production" }).startsWith("https://connect.squareup.com/oauth2/authorize?"));
  assert.ok(authorizeUrl({ client_id: "a" }, { environment: "sandbox", baseUrl: `${fake.url}/` }).startsWith(`${fake.url}/oauth2/authorize?`));

  const url = authorizeUrl({
    client_id: APP_ID,
    scope: ["CUSTOMERS_WRITE", "CUSTOMERS_READ"],
    state: "a+b&c=d?e#f/g%h",
    redirect_uri: "https://example.com/cb?x=1&y=%20",
    locale: "es-US",
    session: false,
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  });
  assert.equal(
    url,
    `https://connect.squareup.com/oauth2/authorize?client_id=${APP_ID}&scope=CUSTOMERS_WRITE+CUSTOMERS_READ` +
      "&state=a%2Bb%26c%3Dd%3Fe%23f%2Fg%25h&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3D%2520" +
      "&locale=es-US&session=false&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
  // What a browser (and Square) reads back is exactly what went in.
  const p = q(url);
  assert.equal(p.get("scope"), "CUSTOMERS_WRITE CUSTOMERS_READ");
  assert.equal(p.get("state"), "a+b&c=d?e#f/g%h");
  assert.equal(p.get("redirect_uri"), "https://example.com/cb?x=1&y=%20");
  assert.equal(p.get("session"), "false");
  assert.equal(p.has("code_challenge_method"), false, "Square documents no code_challenge_method");
  assert.equal(p.has("response_type"), false);
  // Unicode and spaces in a value: UTF-8 percent-encoded, RFC 3986 unreserved kept.
  const odd = "id with spaces+plus/ü😀~._-";
  const u = authorizeUrl({ client_id: odd });
  assert.equal(q(u).get("client_id"), odd);
  assert.match(u.split("client_id=")[1], /^[A-Za-z0-9\-._~%]+$/);
  // A scope string is split on white space; duplicates go.
  assert.equal(q(authorizeUrl({ client_id: "a", scope: " PAYMENTS_READ  ORDERS_READ\tPAYMENTS_READ" })).get("scope"), "PAYMENTS_READ ORDERS_READ");
  // undefined members are absent.
  assert.equal(authorizeUrl({ client_id: "a", state: undefined, scope: undefined }), "https://connect.squareup.com/oauth2/authorize?client_id=a");
  assert.ok(authorizeUrl({ client_id: "a", session: true }).endsWith("&session=true"));
});

test("authorizeUrl accepts every scope of Square's spec and every documented locale", () => {
  const spec = JSON.parse(readFileSync(new URL("../contract/spec/square-oauth-openapi.json", import.meta.url), "utf8"));
  const scopes = Object.keys(spec.components.securitySchemes.oauth2.flows.authorizationCode.scopes);
  assert.equal(scopes.length, 59);
  assert.deepEqual(q(authorizeUrl({ client_id: "a", scope: scopes })).get("scope").split(" "), scopes);
  for (const locale of ["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"]) {
    assert.equal(q(authorizeUrl({ client_id: "a", locale })).get("locale"), locale);
  }
});

test("authorizeUrl refuses bad input with coded errors", () => {
  let e = throws(() => authorizeUrl({ clientId: APP_ID }), "UNKNOWN_FIELD", "params.clientId");
  assert.match(e.message, /did you mean "client_id"/);
  e = throws(() => authorizeUrl({ client_id: "a", codeChallenge: "x" }), "UNKNOWN_FIELD", "params.codeChallenge");
  assert.match(e.message, /"code_challenge"/);
  e = throws(() => authorizeUrl({ client_id: "a", scope: ["PAYMENTS_READ", "PAYMENT_WRITE"] }), "INVALID_VALUE", "params.scope");
  assert.match(e.message, /scope #2 .*did you mean "PAYMENTS_WRITE"/);
  assert.doesNotMatch(e.message, /PAYMENT_WRITE/, "no caller value in messages");
  throws(() => authorizeUrl({ client_id: "a", scope: "PAYMENTS_READ,ORDERS_READ" }), "INVALID_VALUE", "params.scope");
  throws(() => authorizeUrl({ client_id: "a", scope: [] }), "INVALID_VALUE", "params.scope");
  throws(() => authorizeUrl({ client_id: "a", scope: ["PAYMENTS_READ", 1] }), "INVALID_TYPE", "params.scope[1]");
  e = throws(() => authorizeUrl({ client_id: "a", locale: "en_US" }), "INVALID_VALUE", "params.locale");
  assert.match(e.message, /did you mean "en-US"/);
  throws(() => authorizeUrl({ client_id: "a", locale: "de-DE" }), "INVALID_VALUE", "params.locale");
  throws(() => authorizeUrl({}), "MISSING_FIELD", "params.client_id");
  throws(() => authorizeUrl(), "MISSING_FIELD", "params");
  throws(() => authorizeUrl("sq0idp-x"), "INVALID_TYPE", "params");
  throws(() => authorizeUrl({ client_id: "" }), "INVALID_VALUE", "params.client_id");
  throws(() => authorizeUrl({ client_id: "x".repeat(192) }), "INVALID_VALUE", "params.client_id");
  // state is RFC 6749's 1*VSCHAR (%x20-7E): a space is valid (it round-trips, see the PKCE flow
  // tests); control and non-ASCII characters are not.
  for (const state of ["tab\there", "nul\0", "line\nfeed", "caf\u00e9", "del\u007f"]) {
    throws(() => authorizeUrl({ client_id: "a", state }), "INVALID_VALUE", "params.state");
  }
  assert.equal(q(authorizeUrl({ client_id: "a", state: " has  spaces " })).get("state"), " has  spaces ");
  assert.match(authorizeUrl({ client_id: "a", state: "a b" }), /&state=a%20b$/);
  throws(() => authorizeUrl({ client_id: "a", state: "" }), "INVALID_VALUE", "params.state");
  throws(() => authorizeUrl({ client_id: "a", session: "false" }), "INVALID_TYPE", "params.session");
  throws(() => authorizeUrl({ client_id: "a", code_challenge: "too-short" }), "INVALID_VALUE", "params.code_challenge");
  throws(() => authorizeUrl({ client_id: "a", redirect_uri: "http://example.com/cb" }), "INSECURE_URL", "params.redirect_uri");
  throws(() => authorizeUrl({ client_id: "a", redirect_uri: "https://example.com/cb#x" }), "INVALID_VALUE", "params.redirect_uri");
  throws(() => authorizeUrl({ client_id: "a", redirect_uri: "/cb" }), "INVALID_VALUE", "params.redirect_uri");
  throws(() => authorizeUrl({ client_id: "a" }, { environment: "prod" }), "INVALID_VALUE", "options.environment");
  throws(() => authorizeUrl({ client_id: "a" }, { baseUrl: "http://example.com" }), "INSECURE_URL", "options.baseUrl");
  e = throws(() => authorizeUrl({ client_id: "a" }, { base_url: "https://x" }), "UNKNOWN_FIELD", "options.base_url");
  assert.match(e.message, /"baseUrl"/);
  throws(() => authorizeUrl({ client_id: "a" }, "sandbox"), "INVALID_TYPE", "options");
  const hostile = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
  throws(() => authorizeUrl(hostile), "INVALID_TYPE", "params");
});

function base64url(buf) {
  return Buffer.from(buf).toString("base64url");
}

test("createPkce: a random RFC 7636 verifier and its S256 challenge", async () => {
  const promise = createPkce();
  assert.ok(promise instanceof Promise);
  const seen = new Set();
  for (let i = 0; i < 50; i++) {
    const pkce = await createPkce();
    assert.deepEqual(Object.keys(pkce), ["code_verifier", "code_challenge", "code_challenge_method"]);
    assert.equal(pkce.code_challenge_method, "S256");
    assert.ok(pkce.code_verifier.length >= 43 && pkce.code_verifier.length <= 128);
    assert.equal(pkce.code_verifier.length, 64);
    assert.match(pkce.code_verifier, UNRESERVED);
    // An independent SHA-256 (node:crypto) agrees with the Web Crypto one.
    assert.equal(pkce.code_challenge, base64url(createHash("sha256").update(pkce.code_verifier).digest()));
    assert.match(pkce.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!seen.has(pkce.code_verifier));
    seen.add(pkce.code_verifier);
  }
  await promise;
});

test("createState: 256 random bits, URL-safe", () => {
  const seen = new Set();
  const counts = new Map();
  for (let i = 0; i < 1000; i++) {
    const s = createState();
    assert.match(s, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(s, "base64url").length, 32);
    assert.equal(base64url(Buffer.from(s, "base64url")), s, "canonical base64url");
    assert.ok(!seen.has(s));
    seen.add(s);
    for (const c of s.slice(0, 42)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  // 42,000 characters over 64 symbols: every symbol shows up, none dominates.
  assert.equal(counts.size, 64);
  for (const n of counts.values()) assert.ok(n > 400 && n < 950, `skewed: ${n}`);
  // It survives a round trip through authorizeUrl and parseCallback.
  const state = createState();
  assert.equal(q(authorizeUrl({ client_id: "a", state })).get("state"), state);
});

test("without Web Crypto, createState and createPkce fail with the runtime's error, and recover", async () => {
  const desc = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true, writable: true });
  try {
    assert.throws(() => createState(), TypeError);
    await assert.rejects(createPkce(), TypeError);
  } finally {
    Object.defineProperty(globalThis, "crypto", desc);
  }
  assert.match(createState(), /^[A-Za-z0-9_-]{43}$/);
  assert.equal((await createPkce()).code_challenge_method, "S256");
});

test("parseCallback: success, from a string or a URL", () => {
  const href = "https://app.example/cb?code=sq0cgb-AbC&response_type=code&state=st%2B1%20x";
  assert.deepEqual(parseCallback(href, "st+1 x"), { code: "sq0cgb-AbC", state: "st+1 x" });
  assert.deepEqual(parseCallback(new URL(href), "st+1 x"), { code: "sq0cgb-AbC", state: "st+1 x" });
  assert.deepEqual(parseCallback("https://app.example/cb?state=s+t&code=c#frag", "s t"), { code: "c", state: "s t" });
});

test("parseCallback: every failure is coded, and never leaks the code or the state", () => {
  let e = throws(() => parseCallback("https://app/cb?error=access_denied&error_description=user_denied&state=st", "st"), "ACCESS_DENIED", undefined);
  assert.match(e.message, /user_denied/);
  throws(() => parseCallback("https://app/cb?error=access_denied&error_description=user_denied", "st"), "ACCESS_DENIED", undefined);
  e = throws(() => parseCallback("https://app/cb?error=invalid_request&error_description=bad%0Ascope&state=st", "st"), "AUTHORIZATION_ERROR", undefined);
  assert.match(e.message, /invalid_request/);
  assert.doesNotMatch(e.message, /\n/);
  for (const [url, code] of [
    ["https://app/cb?code=sq0cgb-SECRETCODE", "STATE_MISMATCH"],
    ["https://app/cb?code=sq0cgb-SECRETCODE&state=", "STATE_MISMATCH"],
    ["https://app/cb?code=sq0cgb-SECRETCODE&state=expected-statX", "STATE_MISMATCH"],
    ["https://app/cb?code=sq0cgb-SECRETCODE&state=expected-state-and-more", "STATE_MISMATCH"],
    ["https://app/cb?code=sq0cgb-SECRETCODE&state=expected-stat", "STATE_MISMATCH"],
    ["https://app/cb?state=expected-state", "MISSING_CODE"],
    ["https://app/cb?state=expected-state&code=", "MISSING_CODE"],
    ["https://app/cb", "STATE_MISMATCH"],
  ]) {
    const err = throws(() => parseCallback(url, "expected-state"), code, undefined);
    assert.doesNotMatch(err.message, /SECRETCODE|expected-stat/, err.message);
  }
  throws(() => parseCallback("https://app/cb?code=c&state=", ""), "INVALID_VALUE", "expectedState");
  throws(() => parseCallback("https://app/cb?code=c"), "MISSING_FIELD", "expectedState");
  throws(() => parseCallback(undefined, "s"), "MISSING_FIELD", "url");
  throws(() => parseCallback(42, "s"), "INVALID_TYPE", "url");
  throws(() => parseCallback({ url: "https://x/?code=c&state=s" }, "s"), "INVALID_TYPE", "url");
});

test("shouldRefresh: Square's 7-day guidance", () => {
  const now = Date.parse("2025-04-03T18:31:06Z");
  const at = (days) => new Date(now + days * DAY).toISOString();
  assert.equal(shouldRefresh({ expires_at: at(30) }, { now }), false, "fresh");
  assert.equal(shouldRefresh({ expires_at: at(23) + "" }, { now }), true, "7 days old");
  assert.equal(shouldRefresh({ expires_at: new Date(now + 23 * DAY + 1000).toISOString() }, { now }), false);
  assert.equal(shouldRefresh({ expires_at: at(1) }, { now }), true, "short-lived");
  assert.equal(shouldRefresh({ expires_at: at(-1) }, { now }), true, "expired");
  assert.equal(shouldRefresh(at(29), { now: new Date(now) }), false, "a string and a Date");
  assert.equal(shouldRefresh({ expires_at: at(29) }, { now: now + 5.9 * DAY }), false);
  assert.equal(shouldRefresh({ expires_at: at(29) }, { now: now + 6 * DAY }), true);
  // Issued 4 days ago: due with refreshAfterDays 3, not with 5.
  assert.equal(shouldRefresh({ expires_at: at(26) }, { now, refreshAfterDays: 3 }), true);
  assert.equal(shouldRefresh({ expires_at: at(26) }, { now, refreshAfterDays: 5 }), false);
  // Offsets and fractions are honoured.
  assert.equal(shouldRefresh({ expires_at: "2025-04-26T20:31:06.000+02:00" }, { now }), true);
  assert.equal(shouldRefresh({ expires_at: "2025-04-26T18:31:06.001-00:00" }, { now }), false);
  // No usable expires_at: due.
  for (const token of [{}, { expires_at: null }, { expires_at: "next week" }]) {
    assert.equal(shouldRefresh(token, { now }), true, JSON.stringify(token));
  }
  // An empty expires_at is a token that never expires (CONTRACT §6, RetrieveTokenStatus): never due.
  assert.equal(shouldRefresh({ expires_at: "" }, { now }), false);
  assert.equal(shouldRefresh("", { now: now + 3650 * DAY }), false);
  // A date alone is read as ISO 8601 does (the runtime's Date.parse): midnight UTC.
  assert.equal(shouldRefresh("2025-04-26", { now }), true, "22.2 days left");
  assert.equal(shouldRefresh("2025-04-28", { now }), false, "24.2 days left");
  // Without `now`: the real clock.
  assert.equal(shouldRefresh({ expires_at: new Date(Date.now() + 29 * DAY).toISOString() }), false);
  assert.equal(shouldRefresh({ expires_at: new Date(Date.now() + 22 * DAY).toISOString() }), true);
  // A whole stored token response is fine, whatever else it holds.
  const stored = { access_token: "EAAA", refresh_token: "r", expires_at: at(30), merchant_id: "M", nested: { a: [1] } };
  assert.equal(shouldRefresh(stored, { now }), false);
});

test("shouldRefresh refuses bad input with coded errors", () => {
  throws(() => shouldRefresh(), "MISSING_FIELD", "token");
  throws(() => shouldRefresh(5), "INVALID_TYPE", "token");
  throws(() => shouldRefresh({ expires_at: 5 }), "INVALID_TYPE", "token.expires_at");
  throws(() => shouldRefresh("x", { now: new Date("nope") }), "INVALID_VALUE", "options.now");
  throws(() => shouldRefresh("x", { now: "2025-01-01" }), "INVALID_TYPE", "options.now");
  throws(() => shouldRefresh("x", { refreshAfterDays: 31 }), "INVALID_VALUE", "options.refreshAfterDays");
  throws(() => shouldRefresh("x", { refreshAfterDays: -1 }), "INVALID_VALUE", "options.refreshAfterDays");
  const e = throws(() => shouldRefresh("x", { refresh_after_days: 3 }), "UNKNOWN_FIELD", "options.refresh_after_days");
  assert.match(e.message, /"refreshAfterDays"/);
});

/** Opens the consent page, presses a button, and returns the redirect's Location. */
async function consent(url, decision) {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  const form = html.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/);
  assert.ok(form, "no form on the consent page");
  const fields = new URLSearchParams();
  for (const [, name, value] of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(name, value);
  assert.ok(form[2].includes(`name="decision" value="${decision}"`), `no ${decision} button`);
  fields.append("decision", decision);
  const answer = await fetch(new URL(form[1], fake.url), { method: "POST", body: fields, redirect: "manual" });
  assert.equal(answer.status, 302);
  return answer.headers.get("location");
}

test("end to end: the PKCE flow, with single-use rotating refresh tokens", async () => {
  const oauth = new OAuthClient({ baseUrl: fake.url, maxRetries: 0 });
  const pkce = await createPkce();
  const state = createState();
  const redirect_uri = "http://127.0.0.1:9/oauth/callback";
  const url = authorizeUrl(
    { client_id: APP_ID, scope: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], state, redirect_uri, code_challenge: pkce.code_challenge, locale: "en-US" },
    { baseUrl: fake.url },
  );
  const location = await consent(url, "allow");
  assert.ok(location.startsWith(redirect_uri), location);

  // The state is checked before the code is handed out.
  const forged = new URL(location);
  forged.searchParams.set("state", createState());
  const e = throws(() => parseCallback(forged, state), "STATE_MISMATCH", undefined);
  assert.ok(!e.message.includes(new URL(location).searchParams.get("code")));

  const { code, state: echoed } = parseCallback(location, state);
  assert.equal(echoed, state);
  const token = await oauth.obtainToken({ client_id: APP_ID, code, code_verifier: pkce.code_verifier, grant_type: "authorization_code", redirect_uri });
  assert.match(token.access_token, /^EAAA/);
  assert.ok(token.refresh_token && token.refresh_token_expires_at, "PKCE refresh tokens are single-use and expire");
  const status = await oauth.retrieveTokenStatus(token.access_token);
  assert.deepEqual(status.scopes, ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"]);

  // Timing against the fake's clock.
  const clock = fake.now();
  assert.equal(shouldRefresh(token, { now: clock }), false);
  assert.equal(shouldRefresh(token, { now: clock + 7 * DAY }), true);

  // The PKCE refresh pattern: store the new refresh token before anything else; the old one is spent.
  let stored = token;
  const fresh = await oauth.obtainToken({ client_id: APP_ID, grant_type: "refresh_token", refresh_token: stored.refresh_token });
  assert.notEqual(fresh.refresh_token, stored.refresh_token);
  const spent = stored.refresh_token;
  stored = fresh;
  const again = await oauth
    .obtainToken({ client_id: APP_ID, grant_type: "refresh_token", refresh_token: spent })
    .then(() => assert.fail("a spent PKCE refresh token worked again"), (err) => err);
  assert.ok(again instanceof SquareError);
  assert.equal(again.code, "SQUARE_ERROR");
  assert.equal(again.statusCode, 401);
  assert.equal(again.errors[0].code, "UNAUTHORIZED");
  const third = await oauth.obtainToken({ client_id: APP_ID, grant_type: "refresh_token", refresh_token: stored.refresh_token });
  assert.notEqual(third.refresh_token, stored.refresh_token);

  // What went over the wire: the challenge but no method on the authorize page.
  const authorize = fake.requests.find((r) => r.path === "/oauth2/authorize" && r.query.state === state);
  assert.equal(authorize.query.code_challenge, pkce.code_challenge);
  assert.equal(authorize.query.code_challenge_method, undefined);
  assert.equal(authorize.query.scope, "MERCHANT_PROFILE_READ PAYMENTS_READ");
});

test("end to end: a wrong verifier is refused, and the code flow works with the same helpers", async () => {
  const oauth = new OAuthClient({ baseUrl: fake.url, maxRetries: 0 });
  const pkce = await createPkce();
  const other = await createPkce();
  const state = createState();
  const location = await consent(authorizeUrl({ client_id: APP_ID, state, code_challenge: pkce.code_challenge, redirect_uri: "http://localhost:9/cb" }, { baseUrl: fake.url }), "allow");
  const { code } = parseCallback(location, state);
  const body = { client_id: APP_ID, code, grant_type: "authorization_code", redirect_uri: "http://localhost:9/cb" };
  const err = await oauth.obtainToken({ ...body, code_verifier: other.code_verifier }).then(() => assert.fail("accepted"), (x) => x);
  assert.equal(err.statusCode, 401);
  assert.match((await oauth.obtainToken({ ...body, code_verifier: pkce.code_verifier })).access_token, /^EAAA/);

  // Code flow (confidential client): no challenge, the secret instead.
  const state2 = createState();
  const loc2 = await consent(authorizeUrl({ client_id: APP_ID, state: state2, redirect_uri: "http://localhost:9/cb" }, { baseUrl: fake.url }), "allow");
  const { code: code2 } = parseCallback(new URL(loc2), state2);
  const tok = await oauth.obtainToken({ client_id: APP_ID, client_secret: SECRET, code: code2, grant_type: "authorization_code", redirect_uri: "http://localhost:9/cb" });
  assert.match(tok.access_token, /^EAAA/);
});

test("end to end: the seller denies", async () => {
  const state = createState();
  const location = await consent(authorizeUrl({ client_id: APP_ID, state, redirect_uri: "http://127.0.0.1:9/cb" }, { baseUrl: fake.url }), "deny");
  const e = throws(() => parseCallback(location, state), "ACCESS_DENIED", undefined);
  assert.match(e.message, /user_denied/);
});
