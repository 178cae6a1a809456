// Issue 13: Square's webhook signature (x-square-hmacsha256-signature: base64 HMAC-SHA256, keyed by
// the subscription's signature key, of the notification URL followed by the raw body) checked by
// verifyWebhook, and TokenManager.handleWebhook on oauth.authorization.revoked. Node only, no
// network: the managers' client has a fetch that records and refuses every call.
// Run by `make test-js` (node --test tests/js/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import util from "node:util";
import { OAuthClient, TokenManager, MemoryTokenStore, SquareError, verifyWebhook } from "../../pkg/tokens/node.js";

const APP_ID = "sq0idp-fake-application-id";
const SECRET = "sq0csp-fake-application-secret";
const KEY = randomBytes(32).toString("base64");
const SIGNATURE_KEY = `wh-key-${randomBytes(16).toString("base64url")}`;
const URL_ = "https://example.com/square/webhooks";

const secrets = new Map([
  [SECRET, "the client secret"],
  [KEY, "the encryption key"],
  [SIGNATURE_KEY, "the signature key"],
]);

const sign = (body, { key = SIGNATURE_KEY, url = URL_ } = {}) =>
  createHmac("sha256", key).update(url + (typeof body === "string" ? body : Buffer.from(body).toString("utf8"))).digest("base64");

/** A Square `oauth.authorization.revoked` event (the shape Square documents). */
function revokedEvent(merchant_id, created_at = new Date(Date.now() + 1000).toISOString()) {
  return {
    merchant_id,
    type: "oauth.authorization.revoked",
    event_id: randomUUID(),
    created_at,
    data: {
      type: "revocation",
      id: randomUUID(),
      object: { revocation: { revoked_at: created_at, revoker_type: "MERCHANT" } },
    },
  };
}

function dump(e) {
  return [
    e?.message,
    String(e),
    JSON.stringify(e),
    util.inspect(e, { depth: 8, showHidden: true }),
    e?.field ?? "",
    e?.stack ?? "",
    JSON.stringify(e?.body ?? null),
    String(e?.cause ?? ""),
  ].join("\n");
}
async function rejects(promise, code, what = "") {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SquareError, `${what}: not a SquareError: ${e}`);
    const codes = Array.isArray(code) ? code : [code];
    assert.ok(codes.includes(e.code), `${what}: code ${e.code}, expected ${codes.join(" or ")} (${e.message})`);
    const text = dump(e);
    for (const [value, name] of secrets) assert.ok(!text.includes(value), `${what}: the error contains ${name}`);
    return e;
  }
  assert.fail(`${what}: expected a rejection`);
}

let requestsSent = 0;
function manager(store = new MemoryTokenStore()) {
  const client = new OAuthClient({
    fetch: async () => {
      requestsSent++;
      throw new TypeError("no network in this test");
    },
    maxRetries: 0,
  });
  return new TokenManager({ client, clientId: APP_ID, clientSecret: SECRET, store, encryptionKey: KEY });
}
let merchantSeq = 0;
function storedToken() {
  const merchant_id = `MLWEBHOOK${String(++merchantSeq).padStart(4, "0")}`;
  const token = {
    access_token: `EAAA${randomBytes(45).toString("base64url")}`,
    refresh_token: `EQAA${randomBytes(45).toString("base64url")}`,
    merchant_id,
    token_type: "bearer",
    expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
  secrets.set(token.access_token, "an access token");
  secrets.set(token.refresh_token, "a refresh token");
  return token;
}

// ---- verifyWebhook --------------------------------------------------------------------------------

test("a correctly signed event verifies and resolves to the parsed event", async () => {
  const event = revokedEvent("MLWEBHOOKMERCH1");
  const body = JSON.stringify(event);
  const got = await verifyWebhook({ body, signature: sign(body), signatureKey: SIGNATURE_KEY, notificationUrl: URL_ });
  assert.deepEqual(got, event);
  // Square's own formatting (spaces, nanosecond timestamps) and any other event type verify too
  const spaced = `{ "merchant_id": "M", "type": "payment.created", "event_id": "${randomUUID()}", "created_at": "2020-08-14T15:51:04.246373287Z", "data": {} }`;
  assert.deepEqual(
    await verifyWebhook({ body: spaced, signature: sign(spaced), signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }),
    JSON.parse(spaced),
  );
});

test("the raw body as a Uint8Array (or Buffer) verifies the same, non-ASCII included", async () => {
  const event = { ...revokedEvent("MLWEBHOOKMERCH2"), note: "café ☕ 日本" };
  const body = JSON.stringify(event);
  const bytes = new TextEncoder().encode(body);
  const signature = sign(body);
  assert.deepEqual(await verifyWebhook({ body: bytes, signature, signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }), event);
  assert.deepEqual(await verifyWebhook({ body: Buffer.from(body), signature, signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }), event);
  assert.deepEqual(await verifyWebhook({ body, signature, signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }), event);
  // a sub-view of a larger buffer: only its own bytes count
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  assert.deepEqual(
    await verifyWebhook({ body: padded.subarray(4, 4 + bytes.length), signature, signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }),
    event,
  );
});

test("forged, wrong-URL, altered-body, missing and malformed signatures are INVALID_WEBHOOK_SIGNATURE", async () => {
  const event = revokedEvent("MLWEBHOOKMERCH3");
  const body = JSON.stringify(event);
  const good = sign(body);
  const altered = body.replace("MLWEBHOOKMERCH3", "MLWEBHOOKMERCH4");
  const cases = [
    ["forged (another key)", { signature: sign(body, { key: "another-key" }) }],
    ["signed for another URL", { signature: sign(body, { url: "https://evil.example/hook" }) }],
    ["verified against another URL", { notificationUrl: `${URL_}/` }],
    ["verified with another key", { signatureKey: `${SIGNATURE_KEY}x` }],
    ["altered body", { body: altered }],
    ["body with a trailing newline", { body: `${body}\n` }],
    ["signature missing", { signature: undefined }],
    ["signature null", { signature: null }],
    ["signature empty", { signature: "" }],
    ["signature not base64", { signature: "!!!! not base64 !!!!" }],
    ["signature truncated", { signature: good.slice(0, -8) }],
    ["signature of the body alone", { signature: createHmac("sha256", SIGNATURE_KEY).update(body).digest("base64") }],
    ["signature as hex", { signature: createHmac("sha256", SIGNATURE_KEY).update(URL_ + body).digest("hex") }],
    ["SHA-1 signature", { signature: createHmac("sha1", SIGNATURE_KEY).update(URL_ + body).digest("base64") }],
    ["one flipped bit", { signature: Buffer.from(good, "base64").map((b, i) => (i === 5 ? b ^ 1 : b)).toString("base64") }],
  ];
  for (const [what, change] of cases) {
    const options = { body, signature: good, signatureKey: SIGNATURE_KEY, notificationUrl: URL_, ...change };
    if ("signature" in change && change.signature === undefined) delete options.signature;
    const e = await rejects(verifyWebhook(options), "INVALID_WEBHOOK_SIGNATURE", what);
    // the signature the package computed would let anyone forge this body: it must not be told
    const expected = createHmac("sha256", options.signatureKey).update(options.notificationUrl + options.body).digest();
    for (const form of [expected.toString("base64"), expected.toString("hex"), expected.toString("base64url")]) {
      assert.ok(!dump(e).includes(form), `${what}: the error reveals the expected signature`);
    }
  }
  // ...and the untouched one still verifies
  assert.equal((await verifyWebhook({ body, signature: good, signatureKey: SIGNATURE_KEY, notificationUrl: URL_ })).event_id, event.event_id);
});

test("a correctly signed body that is not JSON, or not a Square event, is INVALID_WEBHOOK_EVENT", async () => {
  const event = revokedEvent("MLWEBHOOKMERCH5");
  const without = (k) => {
    const e = { ...event };
    delete e[k];
    return JSON.stringify(e);
  };
  const bodies = [
    ["not JSON", "merchant_id=M&type=oauth.authorization.revoked"],
    ["truncated JSON", JSON.stringify(event).slice(0, -1)],
    ["empty", ""],
    ["an array", JSON.stringify([event])],
    ["a string", JSON.stringify("oauth.authorization.revoked")],
    ["null", "null"],
    ["missing type", without("type")],
    ["missing event_id", without("event_id")],
    ["missing created_at", without("created_at")],
    ["type a number", JSON.stringify({ ...event, type: 1 })],
    ["event_id null", JSON.stringify({ ...event, event_id: null })],
    ["created_at an object", JSON.stringify({ ...event, created_at: {} })],
  ];
  for (const [what, body] of bodies) {
    await rejects(
      verifyWebhook({ body, signature: sign(body), signatureKey: SIGNATURE_KEY, notificationUrl: URL_ }),
      "INVALID_WEBHOOK_EVENT",
      what,
    );
  }
});

test("bad verifyWebhook arguments are input errors", async () => {
  const body = JSON.stringify(revokedEvent("MLWEBHOOKMERCH6"));
  const base = { body, signature: sign(body), signatureKey: SIGNATURE_KEY, notificationUrl: URL_ };
  const INPUT = ["MISSING_FIELD", "INVALID_TYPE", "INVALID_VALUE", "UNKNOWN_FIELD"];
  const omit = (k) => {
    const o = { ...base };
    delete o[k];
    return o;
  };
  const cases = [
    ["no options", undefined, "input"],
    ["body missing", omit("body"), "input.body"],
    ["body a number", { ...base, body: 42 }, "input.body"],
    ["body an object", { ...base, body: JSON.parse(body) }, "input.body"],
    ["signatureKey missing", omit("signatureKey"), "input.signatureKey"],
    ["signatureKey a number", { ...base, signatureKey: 42 }, "input.signatureKey"],
    ["signatureKey empty", { ...base, signatureKey: "" }, "input.signatureKey"],
    ["notificationUrl missing", omit("notificationUrl"), "input.notificationUrl"],
    ["notificationUrl a number", { ...base, notificationUrl: 1 }, "input.notificationUrl"],
    ["unknown option", { ...base, url: URL_ }, "input.url"],
  ];
  const problems = []; // every case is checked; wrong fields are reported together
  for (const [what, options, field] of cases) {
    let promise;
    try {
      promise = verifyWebhook(options);
    } catch (e) {
      assert.fail(`${what}: threw synchronously (${e?.code}) instead of rejecting`);
    }
    const e = await rejects(promise, INPUT, what);
    if (e.field !== field) problems.push(`${what}: field ${JSON.stringify(e.field)}, expected ${field} (message: ${e.message})`);
  }
  assert.deepEqual(problems, [], `verifyWebhook input errors:\n  ${problems.join("\n  ")}`);
});

// ---- handleWebhook ----------------------------------------------------------------------------------

async function verified(event) {
  const body = JSON.stringify(event);
  return verifyWebhook({ body, signature: sign(body), signatureKey: SIGNATURE_KEY, notificationUrl: URL_ });
}

test("handleWebhook: a revocation forgets the merchant ('forgotten'), then 'not-stored'; other types are 'ignored'", async () => {
  const store = new MemoryTokenStore();
  const tm = manager(store);
  const token = storedToken();
  const other = storedToken();
  await tm.save(token);
  await tm.save(other);
  const sent = requestsSent;

  assert.equal(await tm.handleWebhook(await verified({ ...revokedEvent(token.merchant_id), type: "payment.created" })), "ignored");
  assert.equal(await tm.handleWebhook(await verified({ ...revokedEvent(token.merchant_id), type: "oauth.authorization.revoked.extra" })), "ignored");
  assert.equal(await tm.accessToken(token.merchant_id), token.access_token, "ignored: still stored");

  const event = await verified(revokedEvent(token.merchant_id));
  assert.equal(await tm.handleWebhook(event), "forgotten");
  await rejects(tm.accessToken(token.merchant_id), "UNKNOWN_MERCHANT", "after the revocation");
  assert.equal((await store.get(token.merchant_id)) ?? null, null);
  assert.equal(await tm.accessToken(other.merchant_id), other.access_token, "the other merchant is untouched");
  assert.equal(await tm.handleWebhook(event), "not-stored", "the same event again");
  assert.equal(await tm.handleWebhook(await verified(revokedEvent("MLWEBHOOKNEVERSAVED"))), "not-stored");
  assert.equal(requestsSent, sent, "handleWebhook calls nobody (Square already revoked)");
});

test("handleWebhook: Square's nanosecond created_at is understood", async () => {
  const tm = manager();
  const token = storedToken();
  await tm.save(token);
  const later = new Date(Date.now() + 60_000).toISOString().replace(/\.(\d{3})Z$/, ".$1456789Z");
  assert.match(later, /\.\d{9}Z$/);
  assert.equal(await tm.handleWebhook(await verified(revokedEvent(token.merchant_id, later))), "forgotten");
});

test("handleWebhook: a replayed revocation older than the latest save is STALE_WEBHOOK, and nothing is forgotten", async () => {
  const store = new MemoryTokenStore();
  const tm = manager(store);
  const token = storedToken();
  const old = await verified(revokedEvent(token.merchant_id, new Date(Date.now() - 60 * 60_000).toISOString()));
  const oldNanos = await verified(
    revokedEvent(token.merchant_id, new Date(Date.now() - 60_000).toISOString().replace(/Z$/, "123456Z")),
  );
  await tm.save(token); // the seller authorized again after those revocations
  const before = await store.get(token.merchant_id);
  await rejects(tm.handleWebhook(old), "STALE_WEBHOOK", "replayed revocation");
  await rejects(tm.handleWebhook(oldNanos), "STALE_WEBHOOK", "replayed revocation (nanoseconds)");
  assert.equal(await store.get(token.merchant_id), before, "the record is unchanged");
  assert.equal(await tm.accessToken(token.merchant_id), token.access_token, "nothing forgotten");
  // a revocation newer than the save still works
  assert.equal(await tm.handleWebhook(await verified(revokedEvent(token.merchant_id))), "forgotten");
});

test("handleWebhook on something that is not an event is a coded error, and nothing is forgotten", async () => {
  const tm = manager();
  const token = storedToken();
  await tm.save(token);
  const cases = [
    ["undefined", undefined],
    ["a string", "oauth.authorization.revoked"],
    ["the raw body", JSON.stringify(revokedEvent(token.merchant_id))],
    ["missing type", { merchant_id: token.merchant_id, event_id: "e", created_at: new Date().toISOString() }, /^event\.type$/],
    ["type a number", { ...revokedEvent(token.merchant_id), type: 1 }, /^event\.type$/],
    ["event_id a number", { ...revokedEvent(token.merchant_id), event_id: 7 }, /^event\.event_id$/],
  ];
  const problems = [];
  for (const [what, value, field] of cases) {
    let promise;
    try {
      promise = tm.handleWebhook(value);
    } catch (e) {
      assert.fail(`${what}: threw synchronously (${e?.code}) instead of rejecting`);
    }
    const e = await rejects(promise, ["INVALID_WEBHOOK_EVENT", "MISSING_FIELD", "INVALID_TYPE", "INVALID_VALUE"], what);
    // an input error names the member
    if (field && e.code !== "INVALID_WEBHOOK_EVENT" && !field.test(String(e.field))) {
      problems.push(`${what}: ${e.code} with field ${JSON.stringify(e.field)}, expected ${field} (message: ${e.message})`);
    }
  }
  // a revocation that is no use: no merchant_id, or a created_at that is not a date
  const undated = { ...revokedEvent(token.merchant_id), created_at: "yesterday" };
  await rejects(tm.handleWebhook(undated), ["INVALID_WEBHOOK_EVENT", "INVALID_VALUE"], "created_at not a date");
  const { merchant_id: _m, ...anonymous } = revokedEvent(token.merchant_id);
  await rejects(tm.handleWebhook(anonymous), ["INVALID_WEBHOOK_EVENT", "MISSING_FIELD"], "revocation without merchant_id");
  assert.equal(await tm.accessToken(token.merchant_id), token.access_token, "nothing forgotten");
  assert.deepEqual(problems, [], `handleWebhook input errors:\n  ${problems.join("\n  ")}`);
});
