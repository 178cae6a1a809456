// Contract conformance: every request the package can make, sent by the packed package (installed
// from its tarball into a consumer project outside the repo, imported by its name) to Stoplight
// Prism serving Square's own OpenAPI documents with request validation on. Prism answers a
// request that does not match the spec with 422 (body), 401 (security), 415 (content type) or
// 400, and lists each violation in the problem+json body's `validation` (and, for violations it
// lets through, in the `sl-violations` header); a case passes only if Prism answered 200 with no
// violation at all and the client resolved.
//
// Specs served (each by its own Prism, on 127.0.0.1):
//   2025    spec/square-oauth-openapi.json, Square API 2025-08-20 (OpenAPI 3.0), the reference
//   2024    spec/square-oauth-swagger2-2024-03-20.json (Swagger 2.0): the last spec that has
//           RenewToken, which is validated here
//   strict  the 2025 spec with `additionalProperties: false` added to the three request schemas,
//           derived at run time: Square's schemas do not forbid unknown fields, so the published
//           spec cannot catch a misspelt or invented field; this copy does. `use_jwt` (sent by
//           Square's SDKs since 2026-01-22, not in the 2025-08-20 spec) is expected to be
//           flagged here, and only it.
// Control cases send known-bad requests with plain fetch and require Prism to reject them, so the
// suite cannot pass with validation off.
//
// Run by tests/contract/run.sh (TARBALL and WORK set).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TOOLS_BIN, freePort, makeConsumer, startServer } from "../runtimes/lib.mjs";

const HERE = new URL(".", import.meta.url).pathname;
const SPEC_DIR = join(HERE, "spec");
const CLIENT_ID = "sq0idp-contract-application-id";
const SECRET = "sq0csp-contract-application-secret";
const ACCESS = "EAAAEXAMPLEACCESSTOKENxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const REFRESH = "EQAAEXAMPLEREFRESHTOKENxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const CODE = "sq0cgb-EXAMPLEAUTHORIZATIONCODE";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 appendix B
const REDIRECT = "https://example.com/oauth/callback";
const MERCHANT = "MLQW2MYBY81PZ";

// ---- the cases: every endpoint, every grant type, every optional field -------------------------
const ALL = ["2025", "2024", "strict"];
const NEW = ["2025", "strict"];
const cases = [
  // ObtainToken, code flow
  { name: "ObtainToken authorization_code, code flow (minimum)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE }) },
  { name: "ObtainToken authorization_code + redirect_uri + short_lived", specs: ALL, run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, redirect_uri: REDIRECT, short_lived: true }) },
  { name: "ObtainToken authorization_code + null optionals (redirect_uri, short_lived, use_jwt)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, redirect_uri: null, short_lived: null, use_jwt: null }) },
  { name: "ObtainToken authorization_code + use_jwt", specs: ALL, strictRejects: "use_jwt", run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, use_jwt: true }) },
  // ObtainToken, PKCE
  { name: "ObtainToken authorization_code, PKCE (code_verifier)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, code: CODE, code_verifier: VERIFIER }) },
  { name: "ObtainToken authorization_code, PKCE + redirect_uri + short_lived", specs: ALL, run: (c) => c.obtainToken({ grant_type: "authorization_code", client_id: CLIENT_ID, code: CODE, code_verifier: VERIFIER, redirect_uri: REDIRECT, short_lived: false }) },
  // ObtainToken, refresh
  { name: "ObtainToken refresh_token, code flow (minimum)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, client_secret: SECRET, refresh_token: REFRESH }) },
  { name: "ObtainToken refresh_token + scopes + short_lived", specs: ALL, run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, client_secret: SECRET, refresh_token: REFRESH, scopes: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], short_lived: true }) },
  { name: "ObtainToken refresh_token + use_jwt", specs: ALL, strictRejects: "use_jwt", run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, client_secret: SECRET, refresh_token: REFRESH, use_jwt: false }) },
  { name: "ObtainToken refresh_token, PKCE (no secret)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, refresh_token: REFRESH }) },
  { name: "ObtainToken refresh_token, PKCE + scopes", specs: ALL, run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, refresh_token: REFRESH, scopes: ["ITEMS_READ"] }) },
  // ObtainToken, legacy migration
  { name: "ObtainToken migration_token (LEGACY)", specs: ALL, run: (c) => c.obtainToken({ grant_type: "migration_token", client_id: CLIENT_ID, client_secret: SECRET, migration_token: "sq0atp-EXAMPLELEGACYTOKEN" }) },
  { name: "ObtainToken migration_token + short_lived", specs: ALL, run: (c) => c.obtainToken({ grant_type: "migration_token", client_id: CLIENT_ID, client_secret: SECRET, migration_token: "sq0atp-EXAMPLELEGACYTOKEN", short_lived: true }) },
  { name: "ObtainToken with a per-call squareVersion", specs: ALL, run: (c) => c.obtainToken({ grant_type: "refresh_token", client_id: CLIENT_ID, client_secret: SECRET, refresh_token: REFRESH }, { squareVersion: "2024-03-20" }) },
  // RevokeToken
  { name: "RevokeToken by access_token", specs: ALL, run: (c) => c.revokeToken({ client_id: CLIENT_ID, access_token: ACCESS }, `Client ${SECRET}`) },
  { name: "RevokeToken by access_token + revoke_only_access_token", specs: ALL, run: (c) => c.revokeToken({ client_id: CLIENT_ID, access_token: ACCESS, revoke_only_access_token: true }, `Client ${SECRET}`) },
  { name: "RevokeToken by merchant_id", specs: ALL, run: (c) => c.revokeToken({ client_id: CLIENT_ID, merchant_id: MERCHANT }, `Client ${SECRET}`) },
  { name: "RevokeToken by merchant_id + revoke_only_access_token false", specs: ALL, run: (c) => c.revokeToken({ client_id: CLIENT_ID, merchant_id: MERCHANT, revoke_only_access_token: false }, `Client ${SECRET}`) },
  { name: "RevokeToken without client_id, bare secret", specs: ALL, run: (c) => c.revokeToken({ access_token: ACCESS }, SECRET) },
  // RenewToken (deprecated): the 2024-03-20 spec, and the copy transplanted into the 2025 file
  { name: "RenewToken", specs: ALL, run: (c) => c.renewToken(CLIENT_ID, { access_token: ACCESS }, `Client ${SECRET}`) },
  { name: "RenewToken, bare secret, Square-Version 2024-03-20", specs: ALL, run: (c) => c.renewToken(CLIENT_ID, { access_token: ACCESS }, SECRET, { squareVersion: "2024-03-20" }) },
  { name: "RenewToken, client_id needing percent-encoding", specs: ALL, run: (c) => c.renewToken("sq0idp-a/b c", { access_token: ACCESS }, `Client ${SECRET}`) },
  // RetrieveTokenStatus
  { name: "RetrieveTokenStatus", specs: ALL, run: (c) => c.retrieveTokenStatus(ACCESS) },
];

// Known-bad requests (plain fetch): Prism must reject each, or validation is not on.
const json = { "content-type": "application/json" };
const controls = [
  { name: "control: ObtainToken without grant_type → rejected", specs: ALL, path: "/oauth2/token", headers: json, body: { client_id: CLIENT_ID, client_secret: SECRET, code: CODE }, expect: [422] },
  { name: "control: ObtainToken short_lived \"yes\" → rejected", specs: ALL, path: "/oauth2/token", headers: json, body: { grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, short_lived: "yes" }, expect: [422] },
  { name: "control: ObtainToken form-encoded → rejected", specs: ALL, path: "/oauth2/token", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=authorization_code", expect: [415, 422, 400] },
  { name: "control: RevokeToken without Authorization → rejected", specs: ALL, path: "/oauth2/revoke", headers: json, body: { client_id: CLIENT_ID, access_token: ACCESS }, expect: [401] },
  { name: "control: RetrieveTokenStatus without Authorization → rejected", specs: ALL, path: "/oauth2/token/status", headers: {}, body: undefined, expect: [401] },
  { name: "control: RenewToken access_token too short → rejected", specs: ALL, path: `/oauth2/clients/${CLIENT_ID}/access-token/renew`, headers: { ...json, authorization: `Client ${SECRET}` }, body: { access_token: "x" }, expect: [422] },
  { name: "control: ObtainToken with an unknown field → rejected", specs: ["strict"], path: "/oauth2/token", headers: json, body: { grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, bogus: 1 }, expect: [422] },
  { name: "control: ObtainToken with an unknown field → accepted (no additionalProperties: false upstream)", specs: ["2025", "2024"], path: "/oauth2/token", headers: json, body: { grant_type: "authorization_code", client_id: CLIENT_ID, client_secret: SECRET, code: CODE, bogus: 1 }, expect: [200] },
];

// ---- Prism ----------------------------------------------------------------------------------------
function strictSpec(dest) {
  const spec = JSON.parse(readFileSync(join(SPEC_DIR, "square-oauth-openapi.json"), "utf8"));
  for (const name of ["ObtainTokenRequest", "RevokeTokenRequest", "RenewTokenRequest"]) {
    const schema = spec.components.schemas[name];
    if (!schema?.properties) throw new Error(`the 2025 spec has no ${name} schema`);
    schema.additionalProperties = false;
  }
  writeFileSync(dest, JSON.stringify(spec));
  return dest;
}

async function startPrism(label, file) {
  let last;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    try {
      const server = await startServer(join(TOOLS_BIN, "prism"), ["mock", file, "-h", "127.0.0.1", "-p", String(port), "--errors"], {
        env: { NO_COLOR: "1", FORCE_COLOR: "0" },
        ready: (out) => out.includes("Prism is listening"),
        timeoutMs: 60000,
      });
      return { label, url: `http://127.0.0.1:${port}`, server };
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`Prism (${label}) did not start: ${last?.message}`);
}

// ---- running ------------------------------------------------------------------------------------
/** A fetch that records what Prism answered, for the verdict (the client never shows headers). */
function recordingFetch(log) {
  return async (input, init) => {
    const res = await fetch(input, init);
    const body = await res.clone().text();
    log.push({ url: String(input), status: res.status, violations: res.headers.get("sl-violations"), body });
    return res;
  };
}

function violationsOf(rec) {
  const out = [];
  if (rec.violations) {
    try {
      for (const v of JSON.parse(rec.violations)) out.push(`${v.severity} ${(v.location ?? v.path ?? []).join(".")}: ${v.message}`);
    } catch {
      out.push(`sl-violations: ${rec.violations}`);
    }
  }
  try {
    const b = JSON.parse(rec.body);
    for (const v of b.validation ?? []) out.push(`${v.severity} ${(v.location ?? []).join(".")}: ${v.message}`);
    if (rec.status >= 400 && !b.validation) out.push(`${b.title ?? ""}: ${b.detail ?? rec.body}`);
  } catch {}
  return out;
}

export async function main() {
  const work = process.env.WORK;
  const dir = await makeConsumer("contract");
  writeFileSync(join(dir, "load.mjs"), 'export * from "square-oauth-edge";\n');
  const { OAuthClient, SquareError } = await import(pathToFileURL(join(dir, "load.mjs")).href);
  mkdirSync(join(work, "spec"), { recursive: true });

  const prisms = {};
  try {
    const started = await Promise.all([
      startPrism("2025", join(SPEC_DIR, "square-oauth-openapi.json")),
      startPrism("2024", join(SPEC_DIR, "square-oauth-swagger2-2024-03-20.json")),
      startPrism("strict", strictSpec(join(work, "spec/square-oauth-openapi.strict.json"))),
    ]);
    for (const p of started) prisms[p.label] = p;
    const version = JSON.parse(readFileSync(join(TOOLS_BIN, "../@stoplight/prism-cli/package.json"), "utf8")).version;
    console.log(`[contract] Prism ${version}, request validation on (--errors): 2025 ${prisms["2025"].url}, 2024 ${prisms["2024"].url}, strict ${prisms.strict.url}`);

    let passed = 0;
    let failed = 0;
    const verdict = (ok, label, details = []) => {
      ok ? passed++ : failed++;
      console.log(`${ok ? "PASS" : "FAIL"} ${label}`);
      for (const d of details) console.log(`    ${d}`);
    };

    for (const c of cases) {
      for (const spec of c.specs) {
        const log = [];
        const client = new OAuthClient({ baseUrl: prisms[spec].url, fetch: recordingFetch(log), maxRetries: 0, timeoutMs: 10000 });
        let error;
        try {
          await c.run(client);
        } catch (e) {
          error = e;
        }
        const label = `[${spec}] ${c.name}`;
        if (log.length !== 1) {
          verdict(false, label, [`expected exactly one request, the client sent ${log.length}`, ...(error ? [`${error.code}: ${error.message}`] : [])]);
          continue;
        }
        const rec = log[0];
        const v = violationsOf(rec);
        if (spec === "strict" && c.strictRejects) {
          // Expected: rejected for that one unknown field, and nothing else.
          const ok = rec.status === 422 && v.length === 1 && v[0].includes(c.strictRejects) && error instanceof SquareError;
          verdict(ok, `${label}: rejected for "${c.strictRejects}" only (not in the 2025-08-20 spec)`, ok ? [`Prism: ${v[0]}`] : [`status ${rec.status}`, ...v]);
          continue;
        }
        const ok = rec.status === 200 && v.length === 0 && error === undefined;
        const details = [];
        if (rec.status !== 200 || v.length) details.push(`Prism answered ${rec.status} for ${rec.url}`, ...v);
        if (error) details.push(`client: ${error.code ?? error.name}: ${error.message}`);
        verdict(ok, label, details);
      }
    }

    for (const c of controls) {
      for (const spec of c.specs) {
        const res = await fetch(prisms[spec].url + c.path, {
          method: "POST",
          headers: c.headers,
          body: c.body === undefined ? undefined : typeof c.body === "string" ? c.body : JSON.stringify(c.body),
        });
        const body = await res.text();
        const ok = c.expect.includes(res.status);
        verdict(ok, `[${spec}] ${c.name}`, ok ? [] : [`expected ${c.expect.join("/")}, Prism answered ${res.status}: ${body.slice(0, 300)}`]);
      }
    }
    return { passed, failed };
  } finally {
    await Promise.all(Object.values(prisms).map((p) => p.server.stop()));
  }
}

try {
  const { passed, failed } = await main();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
} catch (e) {
  console.log(`FAIL contract suite: ${e.stack ?? e}`);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
}
