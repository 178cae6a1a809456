// A terminal walk through the whole API against the fake Square: code flow, status, refresh,
// renew, revoke, and the errors that follow. Tokens are shortened when printed.
import { OAuthClient, SquareError } from "../pkg/node.js";
import { startFakeSquare } from "../tests/fake-square/server.mjs";

const fake = await startFakeSquare({});
const APP_ID = "sq0idp-fake-application-id";
const SECRET = "sq0csp-fake-application-secret";
const short = (v) => (typeof v === "string" && /^(EAAA|EQAA|sq0)/.test(v) ? `${v.slice(0, 6)}…${v.slice(-4)}` : v);
const show = (o) => JSON.stringify(o, (k, v) => short(v), 2);

async function step(title, fn) {
  process.stdout.write(`\n== ${title}\n`);
  try {
    const r = await fn();
    process.stdout.write(`${show(r)}\n`);
    return r;
  } catch (e) {
    if (!(e instanceof SquareError)) throw e;
    process.stdout.write(`SquareError ${e.code}${e.statusCode ? ` (HTTP ${e.statusCode})` : ""}: ${e.message}\n`);
  }
}

const oauth = new OAuthClient({ baseUrl: fake.url });
const { code } = await (await fetch(`${fake.url}/__fake/codes`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).json();
const token = await step("ObtainToken (authorization_code)", () =>
  oauth.obtainToken({ client_id: APP_ID, client_secret: SECRET, code, grant_type: "authorization_code" }));
await step("RetrieveTokenStatus", () => oauth.retrieveTokenStatus(token.access_token));
const refreshed = await step("ObtainToken (refresh_token)", () =>
  oauth.obtainToken({ client_id: APP_ID, client_secret: SECRET, refresh_token: token.refresh_token, grant_type: "refresh_token" }));
const renewed = await step("RenewToken (deprecated)", () => oauth.renewToken(APP_ID, { access_token: refreshed.access_token }, SECRET));
await step("RevokeToken", () => oauth.revokeToken({ client_id: APP_ID, access_token: renewed.access_token }, `Client ${SECRET}`));
await step("RetrieveTokenStatus after revoke (fails)", () => oauth.retrieveTokenStatus(renewed.access_token));
await step("Bad input: a Bearer credential for RevokeToken (nothing sent)", () =>
  oauth.revokeToken({ access_token: renewed.access_token }, `Bearer ${renewed.access_token}`));
await step("Bad input: camelCase field (nothing sent)", () => oauth.obtainToken({ clientId: APP_ID, grant_type: "refresh_token" }));
process.stdout.write(`\nThe fake Square received ${fake.requests.length} requests.\n`);
await fake.close();
