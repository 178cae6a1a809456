// Bad inputs across the constructor and the four methods, as data. Each `run(ctx)` makes one call
// (or constructs one client) and must fail with `code` naming `field`; `ctx.client` is a client
// whose base URL is the scripted server, so a request that escapes validation is recorded there.
// Cases with `path` are not refused: they must reach the server on exactly that path.
//
// Values carry the recognisable secrets wherever a secret fits, for secrets.test.mjs.
import { OAuthClient } from "../../pkg/node.js";
import { APP_ID, SECRET, ACCESS, REFRESH, CODE, VERIFIER } from "./common.mjs";

const revocable = () => {
  const r = Proxy.revocable({ client_id: APP_ID }, {});
  r.revoke();
  return r.proxy;
};
const thrower = () => {
  throw new Error(`getter saw ${SECRET}`);
};
const code = (extra = {}) => ({ grant_type: "authorization_code", client_id: APP_ID, client_secret: SECRET, code: CODE, ...extra });
const refresh = (extra = {}) => ({ grant_type: "refresh_token", client_id: APP_ID, client_secret: SECRET, refresh_token: REFRESH, ...extra });
const nested = (depth) => (depth === 0 ? "x" : [nested(depth - 1)]);

/** @returns {Array<{ name: string, run: (ctx: {client: OAuthClient, url: string}) => unknown,
 *   code: string, field?: string, path?: string, status?: number, fetch?: Function }>} */
export function badInputs() {
  const ctor = (options) => () => new OAuthClient(options);
  return [
    // --- the constructor -----------------------------------------------------------------------
    { name: "constructor: options is a number", run: ctor(42), code: "INVALID_TYPE", field: "options" },
    { name: "constructor: options is an array", run: ctor([{ baseUrl: "https://x" }]), code: "INVALID_TYPE", field: "options" },
    { name: "constructor: options is a function", run: ctor(() => ({})), code: "INVALID_TYPE", field: "options" },
    { name: "constructor: environment is a symbol", run: ctor({ environment: Symbol("sandbox") }), code: "INVALID_TYPE", field: "options.environment" },
    { name: "constructor: timeoutMs is a BigInt", run: ctor({ timeoutMs: 1000n }), code: "INVALID_TYPE", field: "options.timeoutMs" },
    { name: "constructor: timeoutMs is a numeric string", run: ctor({ timeoutMs: "1000" }), code: "INVALID_TYPE", field: "options.timeoutMs" },
    { name: "constructor: timeoutMs is Infinity", run: ctor({ timeoutMs: Infinity }), code: "INVALID_VALUE", field: "options.timeoutMs" },
    { name: "constructor: totalTimeoutMs is 0", run: ctor({ totalTimeoutMs: 0 }), code: "INVALID_VALUE", field: "options.totalTimeoutMs" },
    { name: "constructor: maxRetries is fractional", run: ctor({ maxRetries: 1.5 }), code: "INVALID_VALUE", field: "options.maxRetries" },
    { name: "constructor: a getter that throws", run: ctor({ get baseUrl() { return thrower(); } }), code: "INVALID_TYPE", field: "options.baseUrl" },
    { name: "constructor: a Proxy whose ownKeys trap throws", run: ctor(new Proxy({}, { ownKeys: thrower })), code: "INVALID_TYPE", field: "options" },
    { name: "constructor: a revoked Proxy", run: ctor(revocable()), code: "INVALID_TYPE", field: "options",
      message: /could not be read/ },
    { name: "constructor: __proto__ key from JSON.parse", run: ctor(JSON.parse('{"__proto__":{"baseUrl":"http://evil.example"}}')), code: "UNKNOWN_FIELD", field: "options.__proto__" },
    { name: "constructor: constructor key", run: ctor({ constructor: { baseUrl: "http://evil.example" } }), code: "UNKNOWN_FIELD", field: "options.constructor" },
    { name: "constructor: NUL in an extra header", run: ctor({ headers: { "X-Trace": "a\0b" } }), code: "UNSAFE_HEADER_VALUE", field: "options.headers.X-Trace" },
    { name: "constructor: LF in an extra header", run: ctor({ headers: { "X-Trace": "a\nSet-Cookie: x=1" } }), code: "UNSAFE_HEADER_VALUE", field: "options.headers.X-Trace" },
    { name: "constructor: a header name with a space", run: ctor({ headers: { "X Trace": "a" } }), code: "UNSAFE_HEADER_VALUE", field: "options.headers.X Trace" },
    { name: "constructor: headers is an array", run: ctor({ headers: [["X-A", "b"]] }), code: "INVALID_TYPE", field: "options.headers" },
    { name: "constructor: non-https base URL (ftp:)", run: ctor({ baseUrl: "ftp://connect.squareup.com" }), code: "INSECURE_URL", field: "options.baseUrl" },
    { name: "constructor: http: to a non-loopback address", run: ctor({ baseUrl: "http://10.0.0.1:8080" }), code: "INSECURE_URL", field: "options.baseUrl" },
    { name: "constructor: http: to a host that merely starts with localhost", run: ctor({ baseUrl: "http://localhost.evil.example" }), code: "INSECURE_URL", field: "options.baseUrl" },
    { name: "constructor: base URL with user info", run: ctor({ baseUrl: `https://user:${SECRET}@connect.squareup.com` }), code: "INVALID_VALUE", field: "options.baseUrl" },
    { name: "constructor: base URL with CR/LF", run: ctor({ baseUrl: "https://connect.squareup.com\r\nHost: evil" }), code: "INVALID_VALUE", field: "options.baseUrl" },
    { name: "constructor: fetch is an object", run: ctor({ fetch: { fetch: globalThis.fetch } }), code: "INVALID_TYPE", field: "options.fetch" },
    { name: "constructor: fetch is a number", run: ctor({ fetch: 42 }), code: "INVALID_TYPE", field: "options.fetch" },
    { name: "constructor: nested too deeply", run: ctor({ headers: { a: nested(12) } }), code: "INVALID_VALUE", field: "options.headers.a[0][0][0][0][0][0]" },
    { name: "constructor: more than 256 members", run: ctor(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 1]))), code: "INVALID_VALUE", field: "options" },

    // --- obtainToken ---------------------------------------------------------------------------
    { name: "obtainToken: no body (undefined)", run: ({ client }) => client.obtainToken(), code: "INVALID_TYPE", field: "body" },
    { name: "obtainToken: body is a string", run: ({ client }) => client.obtainToken(`grant_type=authorization_code&code=${CODE}`), code: "INVALID_TYPE", field: "body" },
    { name: "obtainToken: missing client_id", run: ({ client }) => client.obtainToken({ grant_type: "authorization_code", client_secret: SECRET, code: CODE }), code: "MISSING_FIELD", field: "body.client_id" },
    { name: "obtainToken: missing grant_type", run: ({ client }) => client.obtainToken({ client_id: APP_ID, client_secret: SECRET, code: CODE }), code: "MISSING_FIELD", field: "body.grant_type" },
    { name: "obtainToken: unknown grant_type", run: ({ client }) => client.obtainToken(code({ grant_type: "client_credentials" })), code: "INVALID_VALUE", field: "body.grant_type" },
    { name: "obtainToken: client_id is a number", run: ({ client }) => client.obtainToken(code({ client_id: 12345 })), code: "INVALID_TYPE", field: "body.client_id" },
    { name: "obtainToken: code is NaN", run: ({ client }) => client.obtainToken(code({ code: NaN })), code: "INVALID_TYPE", field: "body.code" },
    { name: "obtainToken: code is a BigInt", run: ({ client }) => client.obtainToken(code({ code: 10n })), code: "INVALID_TYPE", field: "body.code" },
    { name: "obtainToken: client_id is a symbol", run: ({ client }) => client.obtainToken(code({ client_id: Symbol(APP_ID) })), code: "INVALID_TYPE", field: "body.client_id" },
    { name: "obtainToken: client_id is a Date", run: ({ client }) => client.obtainToken(code({ client_id: new Date() })), code: "INVALID_TYPE", field: "body.client_id" },
    { name: "obtainToken: short_lived is \"true\"", run: ({ client }) => client.obtainToken(code({ short_lived: "true" })), code: "INVALID_TYPE", field: "body.short_lived" },
    { name: "obtainToken: extra camelCase field", run: ({ client }) => client.obtainToken(code({ clientSecret: SECRET })), code: "UNKNOWN_FIELD", field: "body.clientSecret" },
    { name: "obtainToken: __proto__ key from JSON.parse", run: ({ client }) => client.obtainToken(JSON.parse(JSON.stringify(code()).replace("{", '{"__proto__":{"grant_type":"x"},'))), code: "UNKNOWN_FIELD", field: "body.__proto__" },
    { name: "obtainToken: constructor key", run: ({ client }) => client.obtainToken(code({ constructor: "Object" })), code: "UNKNOWN_FIELD", field: "body.constructor" },
    { name: "obtainToken: a getter that throws", run: ({ client }) => client.obtainToken({ ...code(), get code() { return thrower(); } }), code: "INVALID_TYPE", field: "body.code" },
    { name: "obtainToken: a Proxy whose get trap throws", run: ({ client }) => client.obtainToken(new Proxy(code(), { get: thrower })), code: "INVALID_TYPE", field: "body.grant_type" },
    { name: "obtainToken: a revoked Proxy", run: ({ client }) => client.obtainToken(revocable()), code: "INVALID_TYPE", field: "body" },
    { name: "obtainToken: client_secret and code_verifier together", run: ({ client }) => client.obtainToken(code({ code_verifier: VERIFIER })), code: "CONFLICTING_FIELDS", field: "body.code_verifier" },
    { name: "obtainToken: code_verifier with a character outside RFC 7636", run: ({ client }) => client.obtainToken({ grant_type: "authorization_code", client_id: APP_ID, code: CODE, code_verifier: `${VERIFIER}/` }), code: "INVALID_VALUE", field: "body.code_verifier" },
    { name: "obtainToken: code together with refresh_token", run: ({ client }) => client.obtainToken(code({ refresh_token: REFRESH })), code: "CONFLICTING_FIELDS", field: "body.refresh_token" },
    { name: "obtainToken: client_id of 192 characters", run: ({ client }) => client.obtainToken(code({ client_id: "a".repeat(192) })), code: "INVALID_VALUE", field: "body.client_id" },
    { name: "obtainToken: client_secret of 1 MiB", run: ({ client }) => client.obtainToken(code({ client_secret: SECRET.repeat(20_000) })), code: "INVALID_VALUE", field: "body.client_secret" },
    { name: "obtainToken: redirect_uri of 3000 characters", run: ({ client }) => client.obtainToken(code({ redirect_uri: `https://app.example/${"a".repeat(3000)}` })), code: "INVALID_VALUE", field: "body.redirect_uri" },
    { name: "obtainToken: scopes is a string", run: ({ client }) => client.obtainToken(refresh({ scopes: "PAYMENTS_READ ITEMS_READ" })), code: "INVALID_TYPE", field: "body.scopes" },
    { name: "obtainToken: scopes holds a number", run: ({ client }) => client.obtainToken(refresh({ scopes: ["PAYMENTS_READ", 7] })), code: "INVALID_TYPE", field: "body.scopes[1]" },
    { name: "obtainToken: scopes is a sparse array", run: ({ client }) => client.obtainToken(refresh({ scopes: new Array(3) })), code: "INVALID_TYPE", field: "body.scopes[0]" },
    { name: "obtainToken: scopes of a million items", run: ({ client }) => client.obtainToken(refresh({ scopes: new Array(1_000_000).fill("PAYMENTS_READ") })), code: "INVALID_VALUE", field: "body.scopes" },
    { name: "obtainToken: options is a string", run: ({ client }) => client.obtainToken(code(), "fast"), code: "INVALID_TYPE", field: "options" },
    { name: "obtainToken: unknown call option", run: ({ client }) => client.obtainToken(code(), { timeout: 5 }), code: "UNKNOWN_FIELD", field: "options.timeout" },
    { name: "obtainToken: retryUnsafe is a string", run: ({ client }) => client.obtainToken(code(), { retryUnsafe: "yes" }), code: "INVALID_TYPE", field: "options.retryUnsafe" },
    { name: "obtainToken: signal is a look-alike object", run: ({ client }) => client.obtainToken(code(), { signal: { aborted: false, addEventListener() {} } }), code: "INVALID_TYPE", field: "options.signal" },
    { name: "obtainToken: maxRetries is -1", run: ({ client }) => client.obtainToken(code(), { maxRetries: -1 }), code: "INVALID_VALUE", field: "options.maxRetries" },
    { name: "obtainToken: CR/LF in squareVersion", run: ({ client }) => client.obtainToken(code(), { squareVersion: "2025-08-20\r\nX-Evil: 1" }), code: "INVALID_VALUE", field: "options.squareVersion" },

    // --- revokeToken ---------------------------------------------------------------------------
    { name: "revokeToken: no authorization", run: ({ client }) => client.revokeToken({ access_token: ACCESS }), code: "MISSING_FIELD", field: "authorization" },
    { name: "revokeToken: authorization is a number", run: ({ client }) => client.revokeToken({ access_token: ACCESS }, 42), code: "INVALID_TYPE", field: "authorization" },
    { name: "revokeToken: a Bearer token as authorization", run: ({ client }) => client.revokeToken({ access_token: ACCESS }, `Bearer ${ACCESS}`), code: "INVALID_AUTHORIZATION", field: "authorization" },
    { name: "revokeToken: CR/LF in authorization (header injection)", run: ({ client }) => client.revokeToken({ access_token: ACCESS }, `Client ${SECRET}\r\nX-Evil: 1`), code: "UNSAFE_HEADER_VALUE", field: "authorization" },
    { name: "revokeToken: non-ASCII in authorization", run: ({ client }) => client.revokeToken({ access_token: ACCESS }, `Client ${SECRET}é`), code: "UNSAFE_HEADER_VALUE", field: "authorization" },
    { name: "revokeToken: access_token and merchant_id together", run: ({ client }) => client.revokeToken({ access_token: ACCESS, merchant_id: "MLX" }, SECRET), code: "CONFLICTING_FIELDS", field: "body.merchant_id" },
    { name: "revokeToken: empty body", run: ({ client }) => client.revokeToken({}, SECRET), code: "MISSING_FIELD", field: "body.access_token" },
    { name: "revokeToken: body is null", run: ({ client }) => client.revokeToken(null, SECRET), code: "INVALID_TYPE", field: "body" },

    // --- renewToken ----------------------------------------------------------------------------
    { name: "renewToken: clientId undefined", run: ({ client }) => client.renewToken(undefined, { access_token: ACCESS }, SECRET), code: "MISSING_FIELD", field: "clientId" },
    { name: "renewToken: clientId is a number", run: ({ client }) => client.renewToken(123, { access_token: ACCESS }, SECRET), code: "INVALID_TYPE", field: "clientId" },
    { name: "renewToken: clientId is empty", run: ({ client }) => client.renewToken("", { access_token: ACCESS }, SECRET), code: "INVALID_VALUE", field: "clientId" },
    { name: "renewToken: clientId is a dot segment", run: ({ client }) => client.renewToken("..", { access_token: ACCESS }, SECRET), code: "INVALID_VALUE", field: "clientId" },
    { name: "renewToken: clientId of 192 characters", run: ({ client }) => client.renewToken("a".repeat(192), { access_token: ACCESS }, SECRET), code: "INVALID_VALUE", field: "clientId" },
    { name: "renewToken: NUL in authorization", run: ({ client }) => client.renewToken(APP_ID, { access_token: ACCESS }, `Client ${SECRET}\0`), code: "UNSAFE_HEADER_VALUE", field: "authorization" },
    { name: "renewToken: a field of another request", run: ({ client }) => client.renewToken(APP_ID, { access_token: ACCESS, refresh_token: REFRESH }, SECRET), code: "UNKNOWN_FIELD", field: "body.refresh_token" },
    { name: "renewToken: clientId ../revoke stays one encoded segment", run: ({ client }) => client.renewToken("../revoke", { access_token: ACCESS }, SECRET),
      path: "/oauth2/clients/..%2Frevoke/access-token/renew" },
    { name: "renewToken: clientId a/b?c#d stays one encoded segment", run: ({ client }) => client.renewToken("a/b?c#d", { access_token: ACCESS }, SECRET),
      path: "/oauth2/clients/a%2Fb%3Fc%23d/access-token/renew" },
    { name: "renewToken: clientId with %2F and spaces is encoded again", run: ({ client }) => client.renewToken("x%2F..%2F y", { access_token: ACCESS }, SECRET),
      path: "/oauth2/clients/x%252F..%252F%20y/access-token/renew" },

    // --- retrieveTokenStatus -------------------------------------------------------------------
    { name: "retrieveTokenStatus: no token", run: ({ client }) => client.retrieveTokenStatus(), code: "MISSING_FIELD", field: "accessToken" },
    { name: "retrieveTokenStatus: token is an object", run: ({ client }) => client.retrieveTokenStatus({ access_token: ACCESS }), code: "INVALID_TYPE", field: "accessToken" },
    { name: "retrieveTokenStatus: token is an array", run: ({ client }) => client.retrieveTokenStatus([ACCESS]), code: "INVALID_TYPE", field: "accessToken" },
    { name: "retrieveTokenStatus: token is NaN", run: ({ client }) => client.retrieveTokenStatus(NaN), code: "INVALID_TYPE", field: "accessToken" },
    { name: "retrieveTokenStatus: CR/LF in the token (header injection)", run: ({ client }) => client.retrieveTokenStatus(`${ACCESS}\r\nX-Evil: 1`), code: "UNSAFE_HEADER_VALUE", field: "accessToken" },
    { name: "retrieveTokenStatus: NUL in the token", run: ({ client }) => client.retrieveTokenStatus(`${ACCESS}\0`), code: "UNSAFE_HEADER_VALUE", field: "accessToken" },
    { name: "retrieveTokenStatus: token of 5000 characters", run: ({ client }) => client.retrieveTokenStatus(ACCESS.repeat(80)), code: "INVALID_VALUE", field: "accessToken" },
    { name: "retrieveTokenStatus: just \"Bearer \"", run: ({ client }) => client.retrieveTokenStatus("Bearer "), code: "INVALID_VALUE", field: "accessToken" },

    // --- a fetch that returns garbage ------------------------------------------------------------
    { name: "fetch resolves to null", fetch: async () => null, code: "INVALID_FETCH_RESULT" },
    { name: "fetch returns a string synchronously", fetch: () => "HTTP/1.1 200 OK", code: "INVALID_FETCH_RESULT" },
    { name: "fetch resolves to a Response look-alike", fetch: async () => ({ status: 200, ok: true, headers: new Headers(), json: async () => ({ success: true }) }), code: "INVALID_FETCH_RESULT" },
    { name: "fetch body stream yields strings, not bytes", fetch: async () => new Response(new ReadableStream({ start(c) { c.enqueue(`{"success":true,"x":"${SECRET}"}`); c.close(); } }), { headers: { "content-type": "application/json" } }), code: "NETWORK_ERROR", status: 200 },
    { name: "fetch body stream errors", fetch: async () => new Response(new ReadableStream({ pull(c) { c.error(new Error(`stream broke ${SECRET}`)); } }), { headers: { "content-type": "application/json" } }), code: "NETWORK_ERROR" },
    { name: "fetch rejects with a string", fetch: () => Promise.reject(`no route ${SECRET}`), code: "NETWORK_ERROR" },
    { name: "fetch resolves to Response.error()", fetch: async () => Response.error(), code: "HTTP_ERROR", status: 0 },
    { name: "fetch never settles (and ignores its signal)", fetch: () => new Promise(() => {}), code: "TIMEOUT", opts: { timeoutMs: 100 } },
  ];
}

/** Runs one bad input: its own call, or (for `fetch` cases) a revokeToken through a client with
 * that fetch. Returns what the call returned (a promise for the methods). */
export function runBadInput(c, ctx) {
  if (c.fetch) {
    const client = new OAuthClient({ baseUrl: ctx.url, fetch: c.fetch, maxRetries: 0 });
    return client.revokeToken({ client_id: APP_ID, access_token: ACCESS }, SECRET, c.opts);
  }
  return c.run(ctx);
}
