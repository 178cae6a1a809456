// The hostile and broken server behaviours, as data: what the server does, which call meets it,
// and the coded rejection it must produce. Used by hostile.test.mjs (the codes, the timing, the
// instance staying usable) and secrets.test.mjs (no secret in any of these failures).
//
// Every body that can carry text carries `@@ECHO@@`, which the scripted server replaces by the
// request's body and Authorization header: a server that echoes the credentials back.
import assert from "node:assert/strict";
import { ECHO } from "./scripted-server.mjs";
import { MAX_BODY } from "./limits.mjs";

const JSON_CT = { "content-type": "application/json" };
const HTML_CT = { "content-type": "text/html; charset=utf-8" };
const html = (title) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${ECHO}</p></body></html>`;
const squareError = (code, detail = ECHO) => ({ errors: [{ category: "INVALID_REQUEST_ERROR", code, detail }] });
const deep = (n) => "[".repeat(n) + "]".repeat(n);
const MB50 = 50 * 1024 * 1024;

/**
 * @param {{ other: { url: string, requests: unknown[] } }} ctx  a second server, the "other host"
 * @returns {Array<{ name: string, op: string, reply: object | Function | object[], code: string,
 *   status?: number, opts?: object, requests?: number, maxMs?: number, check?: Function }>}
 */
export function hostileCases(ctx) {
  return [
    // --- proxy and gateway pages ------------------------------------------------------------
    { name: "HTML 502 page from a gateway", op: "obtain", reply: { status: 502, headers: HTML_CT, body: html("502 Bad Gateway") }, code: "HTTP_ERROR", status: 502,
      check: (e) => assert.match(e.body, /502 Bad Gateway/) },
    { name: "HTML 503 page with Retry-After", op: "revoke", reply: { status: 503, headers: { ...HTML_CT, "retry-after": "0" }, body: html("503 Service Unavailable") }, code: "HTTP_ERROR", status: 503 },
    { name: "HTML page with 200 (captive portal)", op: "status", reply: { status: 200, headers: HTML_CT, body: html("Sign in to Wi-Fi") }, code: "UNEXPECTED_CONTENT_TYPE", status: 200 },
    { name: "HTML page labelled application/json", op: "renew", reply: { status: 200, headers: JSON_CT, body: html("oops") }, code: "INVALID_JSON", status: 200 },

    // --- empty bodies, every status class ---------------------------------------------------
    { name: "empty 200 (JSON content type)", op: "obtain", reply: { status: 200, headers: JSON_CT, body: "" }, code: "EMPTY_RESPONSE", status: 200 },
    { name: "empty 201 without content type", op: "revoke", reply: { status: 201, body: "" }, code: "EMPTY_RESPONSE", status: 201 },
    { name: "empty 204 No Content", op: "status", reply: { status: 204 }, code: "EMPTY_RESPONSE", status: 204 },
    { name: "white space only 200", op: "renew", reply: { status: 200, headers: JSON_CT, body: " \r\n\t " }, code: "EMPTY_RESPONSE", status: 200 },
    { name: "empty 301 without Location", op: "obtain", reply: { status: 301, body: "" }, code: "REDIRECT", status: 301 },
    { name: "empty 400", op: "revoke", reply: { status: 400, body: "" }, code: "HTTP_ERROR", status: 400,
      check: (e) => assert.equal(e.body, "") },
    { name: "empty 401", op: "status", reply: { status: 401, headers: JSON_CT, body: "" }, code: "HTTP_ERROR", status: 401 },
    { name: "empty 429 (no retries left)", op: "renew", reply: { status: 429, body: "" }, code: "HTTP_ERROR", status: 429 },
    { name: "empty 500", op: "refresh", reply: { status: 500, body: "" }, code: "HTTP_ERROR", status: 500 },
    { name: "status outside HTTP's classes (999)", op: "obtain", reply: { raw: "HTTP/1.1 999 Weird\r\ncontent-length: 0\r\n\r\n" }, code: "HTTP_ERROR", status: 999 },

    // --- broken JSON ------------------------------------------------------------------------
    { name: "truncated JSON", op: "obtain", reply: { headers: JSON_CT, body: `{"access_token":"EAAA${ECHO}` }, code: "INVALID_JSON", status: 200 },
    { name: "JSON with trailing garbage", op: "revoke", reply: { headers: JSON_CT, body: '{"success":true} <html>' }, code: "INVALID_JSON", status: 200 },
    { name: "JSON behind a byte-order mark", op: "status", reply: { headers: JSON_CT, body: '\ufeff{"scopes":[]}' }, code: "INVALID_JSON", status: 200 },
    { name: "body cut short by the connection closing (Content-Length larger than sent)", op: "renew",
      reply: { raw: `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{"access_token":"${ECHO}` }, code: "NETWORK_ERROR" },
    { name: "JSON array at the top", op: "obtain", reply: { json: [] }, code: "INVALID_RESPONSE", status: 200 },
    { name: "JSON string at the top", op: "revoke", reply: { json: `success ${ECHO}` }, code: "INVALID_RESPONSE", status: 200 },
    { name: "JSON number at the top", op: "status", reply: { json: 42 }, code: "INVALID_RESPONSE", status: 200 },
    { name: "JSON null at the top", op: "renew", reply: { headers: JSON_CT, body: "null" }, code: "INVALID_RESPONSE", status: 200 },

    // --- wrong field types and shapes -------------------------------------------------------
    { name: "access_token is a number", op: "obtain", reply: { json: { access_token: 12345, token_type: "bearer" } }, code: "INVALID_RESPONSE", status: 200,
      check: (e) => assert.equal(e.body.access_token, 12345) },
    { name: "success is the string \"true\"", op: "revoke", reply: { json: { success: "true" } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "success is false", op: "revoke", reply: { json: { success: false } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "scopes holds numbers", op: "status", reply: { json: { scopes: [1, 2], client_id: "x" } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "expires_at is an object", op: "renew", reply: { json: { access_token: "EAAAx", expires_at: { at: 1 } } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "access_token missing from a 200", op: "refresh", reply: { json: { token_type: "bearer", note: ECHO } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "access_token given twice (parsers disagree on which wins)", op: "obtain", reply: { headers: JSON_CT, body: '{"access_token":"EAAAone","access_token":"EAAAtwo"}' }, code: "INVALID_RESPONSE", status: 200 },

    // --- malformed errors -------------------------------------------------------------------
    { name: "400 whose errors is a string", op: "obtain", reply: { status: 400, json: { errors: `bad ${ECHO}` } }, code: "HTTP_ERROR", status: 400 },
    { name: "200 whose errors is an object", op: "revoke", reply: { json: { success: true, errors: { code: "X" } } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "400 whose errors holds non-objects", op: "status", reply: { status: 400, json: { errors: [1, "x", null, [ECHO]] } }, code: "HTTP_ERROR", status: 400 },
    { name: "200 whose errors holds strings", op: "renew", reply: { json: { access_token: "EAAAx", errors: [ECHO] } }, code: "INVALID_RESPONSE", status: 200 },
    { name: "401 whose error objects lack a code", op: "refresh", reply: { status: 401, json: { errors: [{ category: "AUTHENTICATION_ERROR", detail: ECHO }] } }, code: "HTTP_ERROR", status: 401 },
    { name: "2xx carrying well-formed errors", op: "obtain", reply: { json: { access_token: "EAAAx", ...squareError("INVALID_VALUE") } }, code: "ERRORS_IN_SUCCESS", status: 200,
      check: (e) => assert.equal(e.errors[0].code, "INVALID_VALUE") },
    { name: "400 Square error echoing the request", op: "revoke", reply: { status: 400, json: squareError("BAD_REQUEST") }, code: "SQUARE_ERROR", status: 400,
      check: (e) => assert.match(e.errors[0].detail, /\[redacted\]/) },
    { name: "401 legacy {type, message} error", op: "renew", reply: { status: 401, json: { type: "service.not_authorized", message: `Not Authorized ${ECHO}` } }, code: "SQUARE_ERROR", status: 401,
      check: (e) => assert.equal(e.errors[0].category, "V1_ERROR") },

    // --- redirects: never followed ------------------------------------------------------------
    { name: "302 to another host", op: "obtain", reply: () => ({ status: 302, headers: { location: `${ctx.other.url}/steal` }, body: "" }), code: "REDIRECT", status: 302,
      check: () => assert.equal(ctx.other.requests.length, 0, "the other host was never contacted") },
    { name: "307 to the same host", op: "revoke", reply: { status: 307, headers: { location: "/oauth2/revoke" }, body: "" }, code: "REDIRECT", status: 307 },
    { name: "308 to the same host with a success body", op: "status", reply: { status: 308, headers: { location: "/oauth2/token/status" }, json: { scopes: [] } }, code: "REDIRECT", status: 308 },
    { name: "303 See Other to another host", op: "renew", reply: () => ({ status: 303, headers: { location: `${ctx.other.url}/oauth2/revoke` }, body: "" }), code: "REDIRECT", status: 303,
      check: () => assert.equal(ctx.other.requests.length, 0) },

    // --- size and depth -----------------------------------------------------------------------
    { name: "50 MB body, chunked (no length announced)", op: "obtain", reply: { headers: JSON_CT, stream: { total: MB50 } }, code: "RESPONSE_TOO_LARGE", status: 200, maxMs: 3000, large: true },
    { name: "50 MB body with Content-Length", op: "revoke", reply: { headers: JSON_CT, stream: { total: MB50, contentLength: true } }, code: "RESPONSE_TOO_LARGE", status: 200, maxMs: 3000, large: true },
    { name: "one byte over the cap, chunked", op: "status", reply: { headers: JSON_CT, chunks: [`{"scopes":[]}${" ".repeat(MAX_BODY - 13)}`, " "] }, code: "RESPONSE_TOO_LARGE", status: 200 },
    { name: "JSON nested 100,000 deep", op: "obtain", reply: { headers: JSON_CT, body: `{"access_token":"EAAAx","x":${deep(100_000)}}` }, code: "INVALID_JSON", status: 200,
      check: (e) => assert.match(e.message, /nested deeper than 64/) },
    { name: "error body nested 100,000 deep", op: "revoke", reply: { status: 400, headers: JSON_CT, body: `{"errors":${deep(100_000)}}` }, code: "HTTP_ERROR", status: 400 },

    // --- encoding -----------------------------------------------------------------------------
    { name: "invalid UTF-8 inside a JSON string", op: "status",
      reply: { headers: JSON_CT, body: Buffer.concat([Buffer.from('{"scopes":["'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"]}')]) }, code: "INVALID_JSON", status: 200,
      check: (e) => assert.match(e.message, /UTF-8/) },
    { name: "invalid UTF-8 in an error body", op: "renew",
      reply: { status: 400, headers: { "content-type": "text/plain" }, body: Buffer.concat([Buffer.from("bad "), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf])]) }, code: "HTTP_ERROR", status: 400,
      check: (e) => assert.match(e.body, /^bad \ufffd/) },
    { name: "Content-Encoding: gzip over a plain body", op: "obtain", reply: { headers: { ...JSON_CT, "content-encoding": "gzip" }, body: '{"access_token":"EAAAx"}' }, code: "NETWORK_ERROR" },

    // --- content type -------------------------------------------------------------------------
    { name: "valid JSON as text/plain", op: "revoke", reply: { headers: { "content-type": "text/plain" }, body: '{"success":true}' }, code: "UNEXPECTED_CONTENT_TYPE", status: 200 },
    { name: "valid JSON without Content-Type", op: "status", reply: { body: '{"scopes":[]}' }, code: "UNEXPECTED_CONTENT_TYPE", status: 200 },
    { name: "valid JSON as application/jsonp", op: "renew", reply: { headers: { "content-type": "application/jsonp" }, body: '{"access_token":"EAAAx"}' }, code: "UNEXPECTED_CONTENT_TYPE", status: 200 },

    // --- stalls and broken connections --------------------------------------------------------
    { name: "stall mid-body", op: "obtain", opts: { timeoutMs: 300 }, reply: { headers: JSON_CT, chunks: ['{"access_token":"EAA'], stall: true }, code: "TIMEOUT", minMs: 250, maxMs: 1300 },
    { name: "stall before the status line", op: "pkce", opts: { timeoutMs: 300 }, reply: { delayMs: 60_000 }, code: "TIMEOUT", minMs: 250, maxMs: 1300 },
    { name: "stall between chunks longer than the time limit", op: "revoke", opts: { timeoutMs: 300, maxRetries: 0 },
      reply: { headers: JSON_CT, chunks: ['{"succ', 'ess":true}'], chunkDelayMs: 60_000 }, code: "TIMEOUT", minMs: 250, maxMs: 1300 },
    { name: "connection reset before any answer", op: "obtain", reply: { reset: true }, code: "NETWORK_ERROR" },
    { name: "connection closed without an answer", op: "revoke", reply: { end: true }, code: "NETWORK_ERROR" },
    { name: "connection destroyed mid-body", op: "status", reply: { headers: JSON_CT, chunks: ['{"scopes":['], destroy: "after-chunks" }, code: "NETWORK_ERROR" },
    { name: "not HTTP at all", op: "renew", reply: { raw: `SSH-2.0-OpenSSH_9.6 ${ECHO}\r\n\r\n` }, code: "NETWORK_ERROR" },
    { name: "response headers over 100 KB", op: "refresh", reply: { headers: { ...JSON_CT, "x-big": "a".repeat(100_000) }, json: { access_token: "EAAAx" } }, code: "NETWORK_ERROR" },

    // --- Retry-After --------------------------------------------------------------------------
    { name: "429 with a non-numeric Retry-After (falls back to back-off)", op: "obtain", opts: { maxRetries: 1 },
      reply: [{ status: 429, headers: { "retry-after": "soon" }, json: squareError("RATE_LIMITED") }, { status: 429, headers: { "retry-after": "soon" }, json: squareError("RATE_LIMITED") }],
      code: "SQUARE_ERROR", status: 429, requests: 2, check: (e) => assert.match(e.message, /after 2 attempts/) },
    { name: "429 with a huge Retry-After (a day: not waited for)", op: "revoke", opts: { maxRetries: 2 },
      reply: { status: 429, headers: { "retry-after": "86400" }, json: squareError("RATE_LIMITED") }, code: "SQUARE_ERROR", status: 429, maxMs: 1000 },
    { name: "503 with a negative Retry-After (falls back to back-off)", op: "status", opts: { maxRetries: 1 },
      reply: [{ status: 503, headers: { "retry-after": "-5" }, body: "" }, { status: 503, headers: { "retry-after": "-5" }, body: "" }], code: "HTTP_ERROR", status: 503, requests: 2 },
    { name: "503 with a Retry-After date a day ahead (not waited for)", op: "renew", opts: { maxRetries: 2 },
      reply: () => ({ status: 503, headers: { "retry-after": new Date(Date.now() + 86_400_000).toUTCString() }, body: html("maintenance") }), code: "HTTP_ERROR", status: 503, maxMs: 1000 },
  ];
}
