// A front Worker of the token-manager proof (tests/tokens/): imports the package's token entry by
// its name, "square-oauth-edge/tokens" (bundled with the `workerd` condition, so
// pkg/tokens/workerd.js), and keeps one TokenManager per application kind in the isolate, as a
// real Worker would. Every setting comes from bindings:
//   FRONT               this front's name (answered by /health)
//   FAKE_URL            the fake Square's base URL
//   CLIENT_ID, CLIENT_SECRET, TIMEOUT_MS, MAX_RETRIES
//   TOKEN_KEY           encryptionKey; PREVIOUS_TOKEN_KEY (optional) previousEncryptionKey
//   SIGNATURE_KEY, NOTIFICATION_URL   the webhook subscription's key and URL
//   SQUARE_TOKENS       the Durable Object namespace of SquareTokenStore (worker "store")
//
// Routes (the driver calls them; each answers 200 with JSON `{ok}` or `{error:{code,message,…}}`):
//   GET  /health
//   POST /save?app=pkce|code            body: a token response            → {ok: merchant id}
//   GET  /access?app=&merchant=                                             → {ok: access token, ms}
//   GET  /burst?app=&merchant=&n=       n concurrent accessToken calls      → {results:[{ok|error, ms}], ms}
//   POST /forget?merchant=, /revoke?app=&merchant=                          → {ok: null}
//   POST /webhook[?as=text]             raw body + x-square-hmacsha256-signature → {ok: "forgotten"|…}
// `app=pkce` is a manager without clientSecret (a PKCE application), `app=code` one with it.
import { OAuthClient, SquareError, TokenManager, verifyWebhook } from "square-oauth-edge/tokens";

const managers = new Map();

function manager(env, app) {
  if (app !== "pkce" && app !== "code") throw new Error(`unknown app ${app}`);
  let m = managers.get(app);
  if (!m) {
    const client = new OAuthClient({
      baseUrl: env.FAKE_URL,
      timeoutMs: Number(env.TIMEOUT_MS),
      maxRetries: Number(env.MAX_RETRIES ?? 0),
    });
    const options = { client, clientId: env.CLIENT_ID, store: env.SQUARE_TOKENS, encryptionKey: env.TOKEN_KEY };
    if (app === "code") options.clientSecret = env.CLIENT_SECRET;
    if (env.PREVIOUS_TOKEN_KEY) options.previousEncryptionKey = env.PREVIOUS_TOKEN_KEY;
    m = new TokenManager(options);
    managers.set(app, m);
  }
  return m;
}

/** A thrown value as JSON: the package's errors are SquareErrors with a code. */
function describe(e) {
  if (e instanceof SquareError) {
    return {
      squareError: true,
      code: e.code,
      message: e.message,
      ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
      ...(e.field !== undefined ? { field: e.field } : {}),
    };
  }
  return { squareError: false, code: null, name: e?.name ?? typeof e, message: String(e?.message ?? e) };
}

async function attempt(fn) {
  const t0 = Date.now(); // advances on I/O in workerd, which is what ends every await here
  try {
    return { ok: await fn(), ms: Date.now() - t0 };
  } catch (e) {
    return { error: describe(e), ms: Date.now() - t0 };
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = (k) => url.searchParams.get(k);
    const json = (v) => Response.json(v, { headers: { "cache-control": "no-store" } });
    try {
      switch (`${request.method} ${url.pathname}`) {
        case "GET /health":
          return json({ ok: env.FRONT });
        case "POST /save": {
          const body = await request.json();
          return json(await attempt(() => manager(env, q("app")).save(body)));
        }
        case "GET /access":
          return json(await attempt(() => manager(env, q("app")).accessToken(q("merchant"))));
        case "GET /burst": {
          const m = manager(env, q("app"));
          const n = Number(q("n"));
          const merchant = q("merchant");
          const t0 = Date.now();
          const results = await Promise.all(Array.from({ length: n }, () => attempt(() => m.accessToken(merchant))));
          return json({ results, ms: Date.now() - t0 });
        }
        case "POST /forget":
          return json(await attempt(async () => (await manager(env, q("app") ?? "code").forget(q("merchant"))) ?? null));
        case "POST /revoke":
          return json(await attempt(async () => (await manager(env, q("app")).revoke(q("merchant"))) ?? null));
        case "POST /webhook": {
          // The raw body, as bytes (default) or as text (?as=text): verifyWebhook takes either.
          const body = q("as") === "text" ? await request.text() : new Uint8Array(await request.arrayBuffer());
          const signature = request.headers.get("x-square-hmacsha256-signature");
          return json(
            await attempt(async () => {
              const event = await verifyWebhook({
                body,
                signature,
                signatureKey: env.SIGNATURE_KEY,
                notificationUrl: env.NOTIFICATION_URL,
              });
              return manager(env, "code").handleWebhook(event);
            }),
          );
        }
        default:
          return new Response("not found", { status: 404 });
      }
    } catch (e) {
      // A bug of this Worker or an option the manager refused: still JSON, never a secret.
      return json({ error: describe(e) });
    }
  },
};
