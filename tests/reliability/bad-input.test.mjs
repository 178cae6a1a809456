// Bad inputs (tests/reliability/bad-inputs.mjs) to the constructor and the four methods: each is
// a coded SquareError naming the problem, and the server records no request for what is refused
// before sending. client_id values that look like paths are percent-encoded into one segment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { OAuthClient, SquareError, authorizeUrl } from "../../pkg/node.js";
import { startScripted } from "./scripted-server.mjs";
import { badInputs, runBadInput } from "./bad-inputs.mjs";
import { failure, OPS } from "./common.mjs";
import { initSync } from "../../pkg/square_oauth_edge.js";

const INPUT_CODES = new Set(["MISSING_FIELD", "UNKNOWN_FIELD", "INVALID_TYPE", "INVALID_VALUE", "CONFLICTING_FIELDS", "UNSAFE_HEADER_VALUE", "INSECURE_URL", "INVALID_AUTHORIZATION"]);
let srv, ctx;
const cases = badInputs();
console.log(`bad inputs: ${cases.length}`);

before(async () => {
  srv = await startScripted();
  ctx = { url: srv.url, client: new OAuthClient({ baseUrl: srv.url, maxRetries: 0, timeoutMs: 2000 }) };
});
after(async () => {
  await srv.close();
});

test("the battery has at least 40 distinct bad inputs", () => {
  assert.ok(cases.length >= 40, `${cases.length}`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  test(`bad input: ${c.name}`, { timeout: 10_000 }, async () => {
    srv.reset();
    if (c.path) {
      // Not refused: sent, on exactly one encoded path segment, and the default answer comes back.
      const result = await runBadInput(c, ctx);
      assert.equal(typeof result.access_token, "string");
      assert.equal(srv.requests.length, 1);
      assert.equal(srv.requests[0].path, c.path);
      assert.equal(srv.requests[0].method, "POST");
      return;
    }
    // Methods reject (never throw synchronously); the constructor throws.
    let sync = null;
    let result;
    try {
      result = runBadInput(c, ctx);
    } catch (e) {
      sync = e;
    }
    const isCtor = c.name.startsWith("constructor:");
    if (isCtor) assert.ok(sync, "the constructor throws");
    else assert.equal(sync, null, `threw synchronously instead of rejecting: ${sync}`);
    const { error: e, ms } = isCtor ? { error: sync, ms: 0 } : await failure(result);
    assert.ok(e instanceof SquareError, `not a SquareError: ${e}`);
    assert.equal(e.code, c.code, e.message);
    if (INPUT_CODES.has(c.code)) {
      assert.equal(e.field, c.field, `field, message: ${e.message}`);
      assert.ok(e.message.startsWith(`${c.field}: `), e.message);
    }
    if (c.message) assert.match(e.message, c.message);
    assert.equal(e.statusCode, c.status, "statusCode");
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.equal(srv.requests.length, 0, "no request reached the server");
  });
}

test("a client survives the whole battery and still sends a normal request", async () => {
  srv.reset();
  const r = await ctx.client.renewToken("sq0idp-normal", { access_token: "EAAAnormal" }, "Client sq0csp-normal");
  assert.equal(r.access_token, "EAAArenewed");
  assert.equal(srv.requests[0].path, "/oauth2/clients/sq0idp-normal/access-token/renew");
});

async function externrefGrowth(run) {
  const table = initSync().__wbindgen_externrefs;
  await run(); // warm-up: the table may grow to its working size once
  const before = table.length;
  await run();
  return { before, after: table.length };
}

test("an injected fetch that throws, 10,000 times, leaves no wasm-bindgen externref slot behind", async () => {
  // The package's JavaScript calls an injected fetch (transport.js), so its exception never
  // reaches wasm.
  const throwing = new OAuthClient({ fetch: () => { throw new TypeError("sync"); }, maxRetries: 0 });
  const { before, after } = await externrefGrowth(async () => {
    for (let i = 0; i < 5000; i++) await OPS.revoke(throwing).catch(() => {});
  });
  assert.ok(after - before <= 256, `the externref table grew from ${before} to ${after} slots`);
});

// Caller input is read by the package's JavaScript (transport.js `encode`), never from wasm: a
// getter or Proxy trap that throws cannot reach a wasm-bindgen `catch` import (whose shim in
// wasm-bindgen 0.2.130 leaks one externref slot per caught exception).
test(
  "inputs whose getters throw, 5,000 times each through the client and the flow helpers, leave no externref slot behind",
  async () => {
    const { before, after } = await externrefGrowth(async () => {
      for (let i = 0; i < 5000; i++) {
        await ctx.client.obtainToken({ get code() { throw new Error("getter"); } }).catch(() => {});
        try {
          authorizeUrl({ get client_id() { throw new Error("getter"); } });
        } catch {}
      }
    });
    assert.ok(after - before <= 256, `the externref table grew from ${before} to ${after} slots`);
  },
);
