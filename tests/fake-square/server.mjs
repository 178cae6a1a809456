// A stateful fake of Square's OAuth API (see README.md and shared/square/CONTRACT.md).
// Node 20, node: built-ins only. It never logs anything: tokens and secrets stay in memory.
import http from "node:http";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// ---------------------------------------------------------------------------------------------
// Constants of the contract
// ---------------------------------------------------------------------------------------------

/** The 59 scope names of SPEC `securitySchemes.oauth2.flows.authorizationCode.scopes`. */
export const SCOPES = Object.freeze(
  `ADDON_CONFIGURATIONS_READ ADDON_CONFIGURATIONS_WRITE APPOINTMENTS_ALL_READ APPOINTMENTS_ALL_WRITE
APPOINTMENTS_BUSINESS_SETTINGS_READ APPOINTMENTS_READ APPOINTMENTS_WRITE BANK_ACCOUNTS_READ CASH_DRAWER_READ
CHANNELS_CREATE CHANNELS_READ CHANNELS_UPDATE CUSTOMERS_READ CUSTOMERS_WRITE DEVICES_READ
DEVICE_CREDENTIAL_MANAGEMENT DISCOUNT_CODES_READ DISCOUNT_CODES_WRITE DISPUTES_READ DISPUTES_WRITE
EMPLOYEES_READ EMPLOYEES_WRITE GIFTCARDS_READ GIFTCARDS_WRITE INVENTORY_READ INVENTORY_WRITE INVOICES_READ
INVOICES_WRITE ITEMS_READ ITEMS_WRITE LOYALTY_READ LOYALTY_WRITE MERCHANT_PROFILE_READ MERCHANT_PROFILE_WRITE
ONLINE_STORE_SITE_READ ONLINE_STORE_SNIPPETS_READ ONLINE_STORE_SNIPPETS_WRITE ORDERS_READ ORDERS_WRITE
PAYMENTS_READ PAYMENTS_WRITE PAYMENTS_WRITE_ADDITIONAL_RECIPIENTS PAYMENTS_WRITE_IN_PERSON
PAYMENTS_WRITE_SHARED_ONFILE PAYOUTS_READ PERMISSION_SETS_READ PERMISSION_SETS_WRITE RESERVATIONS_READ
RESERVATIONS_WRITE RESTAURANT_CHECKS_READ SETTLEMENTS_READ SUBSCRIPTIONS_READ SUBSCRIPTIONS_WRITE
TIMECARDS_READ TIMECARDS_SETTINGS_READ TIMECARDS_SETTINGS_WRITE TIMECARDS_WRITE VENDOR_READ VENDOR_WRITE`.split(/\s+/),
);
const SCOPE_SET = new Set(SCOPES);

/** Scopes granted when the authorize URL has no `scope`. */
export const DEFAULT_SCOPES = Object.freeze([
  "MERCHANT_PROFILE_READ",
  "PAYMENTS_READ",
  "SETTLEMENTS_READ",
  "BANK_ACCOUNTS_READ",
]);

export const DEFAULT_APP = Object.freeze({
  client_id: "sq0idp-fake-application-id",
  client_secret: "sq0csp-fake-application-secret",
  name: "Fake Demo App",
  redirect_uris: Object.freeze([]),
});

export const DEFAULT_MERCHANT_ID = "MLFAKEMERCHANT01";

const MINUTE = 60_000;
const DAY = 86_400_000;
export const LIFETIMES = Object.freeze({
  code_ms: 5 * MINUTE,
  access_token_ms: 30 * DAY,
  short_lived_access_token_ms: DAY,
  pkce_refresh_token_ms: 90 * DAY,
  renew_grace_ms: 15 * DAY,
});

const MAX_BODY_BYTES = 1 << 20;
const DEFAULT_MAX_RECORDED = 50_000;
const PREFLIGHT_DEFAULT_HEADERS = "authorization, content-type, square-version, accept, user-agent";
const EXPOSE_HEADERS = "*, retry-after, deprecation";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const LOCALES = new Set(["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"]);

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const rand = (bytes) => randomBytes(bytes).toString("base64url");
const newAccessToken = () => "EAAA" + rand(45); // 60 url-safe chars
const newRefreshToken = () => "EQAA" + rand(45); // 60 url-safe chars
const newCode = () => "sq0cgb-" + rand(16); // 22 chars
const newMigrationToken = () => "sq0atp-" + rand(16); // legacy (pre-2019) token format

/** ISO 8601 without milliseconds, e.g. `2025-04-03T18:31:06Z`. */
export const isoSeconds = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

const s256 = (verifier) => createHash("sha256").update(verifier, "utf8").digest("base64url");

/** Constant-time comparison of two strings of any length. */
function secretEquals(a, b) {
  const ha = createHash("sha256").update(String(a)).digest();
  const hb = createHash("sha256").update(String(b)).digest();
  return timingSafeEqual(ha, hb);
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const codePoints = (s) => [...s].length;

function jsonResponse(status, obj, headers = {}) {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(obj) };
}

/** Square's error shape: `{"errors":[{category, code, detail, field?}]}`. */
function squareError(status, category, code, detail, field) {
  const e = { category, code, detail };
  if (field !== undefined) e.field = field;
  return jsonResponse(status, { errors: [e] });
}
const invalidRequest = (code, detail, field) => squareError(400, "INVALID_REQUEST_ERROR", code, detail, field);
const unauthorized = (detail, code = "UNAUTHORIZED") => squareError(401, "AUTHENTICATION_ERROR", code, detail);

/** The legacy (Connect v1) shape `{"message","type"}` that some OAuth failures still use. */
const legacyError = (status, message, type) => jsonResponse(status, { message, type });
const LEGACY_NOT_AUTHORIZED = () => legacyError(401, "Not Authorized", "service.not_authorized");
const LEGACY_BAD_AUTH_HEADER = () => legacyError(400, "bad authorization header", "bad_request.invalid_parameter");

const htmlResponse = (status, body) => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  body,
});

function mediaType(headers) {
  const ct = headers["content-type"];
  return ct === undefined ? undefined : ct.split(";")[0].trim().toLowerCase();
}

function queryObject(params) {
  const out = {};
  for (const [k, v] of params) {
    if (!(k in out)) out[k] = v;
    else if (Array.isArray(out[k])) out[k].push(v);
    else out[k] = [out[k], v];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Request body schemas (lengths from SPEC) and their validation
// ---------------------------------------------------------------------------------------------

const OBTAIN_TOKEN_SCHEMA = {
  client_id: { type: "string", max: 191, required: true },
  client_secret: { type: "string", min: 2, max: 1024 },
  code: { type: "string", max: 191 },
  redirect_uri: { type: "string", max: 2048 },
  grant_type: { type: "string", min: 10, max: 20, required: true },
  refresh_token: { type: "string", min: 2, max: 1024 },
  migration_token: { type: "string", min: 2, max: 1024 },
  scopes: { type: "array" },
  short_lived: { type: "boolean" },
  code_verifier: { type: "string" },
  use_jwt: { type: "boolean" },
};
const REVOKE_TOKEN_SCHEMA = {
  client_id: { type: "string", max: 191 },
  access_token: { type: "string", min: 2, max: 1024 },
  merchant_id: { type: "string" },
  revoke_only_access_token: { type: "boolean" },
};
const RENEW_TOKEN_SCHEMA = {
  access_token: { type: "string", min: 2, max: 1024 },
};

/**
 * Validates a parsed JSON object against a flat schema. `null` counts as absent (the fields are
 * nullable). Returns `{ value, errors }` where `value` has the present fields only.
 */
function validateBody(obj, schema) {
  const errors = [];
  const value = {};
  const err = (code, detail, field) => errors.push({ category: "INVALID_REQUEST_ERROR", code, detail, field });
  for (const key of Object.keys(obj)) {
    if (!(key in schema)) err("UNKNOWN_BODY_PARAMETER", `Unknown body parameter \`${key}\`.`, key);
  }
  for (const [key, rule] of Object.entries(schema)) {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (rule.required) err("MISSING_REQUIRED_PARAMETER", "Field must be set", key);
      continue;
    }
    if (rule.type === "string") {
      if (typeof v !== "string") {
        err("EXPECTED_STRING", "Expected a string value", key);
        continue;
      }
      const n = codePoints(v);
      if (rule.min !== undefined && n < rule.min) {
        err("VALUE_TOO_SHORT", `Field must not be less than ${rule.min} length`, key);
        continue;
      }
      if (rule.max !== undefined && n > rule.max) {
        err("VALUE_TOO_LONG", `Field must not be greater than ${rule.max} length`, key);
        continue;
      }
    } else if (rule.type === "boolean") {
      if (typeof v !== "boolean") {
        err("EXPECTED_BOOLEAN", "Expected a boolean value", key);
        continue;
      }
    } else if (rule.type === "array") {
      if (!Array.isArray(v)) {
        err("EXPECTED_ARRAY", "Expected an array value", key);
        continue;
      }
      const bad = v.findIndex((x) => typeof x !== "string");
      if (bad !== -1) {
        err("EXPECTED_STRING", "Expected a string value", `${key}[${bad}]`);
        continue;
      }
    }
    value[key] = v;
  }
  return { value, errors };
}

/**
 * Common front matter of the JSON endpoints: Content-Type, then JSON parsing, then the schema.
 * Returns `{ response }` on failure or `{ value }`.
 */
function parseJsonRequest(ctx, schema) {
  if (mediaType(ctx.headers) !== "application/json") {
    return {
      response: invalidRequest("INVALID_CONTENT_TYPE", "Content-Type must be application/json", "Content-Type"),
    };
  }
  let parsed;
  try {
    parsed = JSON.parse(ctx.body);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { response: invalidRequest("EXPECTED_JSON_BODY", "The request body must be a JSON object.") };
  }
  const { value, errors } = validateBody(parsed, schema);
  if (errors.length) return { response: jsonResponse(400, { errors }) };
  return { value };
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

function normalizeApp(a) {
  if (!a || typeof a.client_id !== "string" || typeof a.client_secret !== "string") {
    throw new TypeError("each app needs string client_id and client_secret");
  }
  return Object.freeze({
    client_id: a.client_id,
    client_secret: a.client_secret,
    name: typeof a.name === "string" ? a.name : a.client_id,
    redirect_uris: Object.freeze(Array.isArray(a.redirect_uris) ? a.redirect_uris.map(String) : []),
  });
}

/**
 * Starts the fake on `host:port` (port 0 = any free port).
 * @param {object} [options]
 * @param {string} [options.host="127.0.0.1"]
 * @param {number} [options.port=0]
 * @param {object[]} [options.apps] replaces the default app list when given
 * @param {string} [options.merchant_id="MLFAKEMERCHANT01"] merchant that approves on the consent page
 * @param {() => number} [options.now=Date.now] base clock in ms; `/__fake/clock` adds an offset
 * @param {number} [options.maxRecorded=50000] oldest recorded requests are dropped beyond this
 */
export async function startFakeSquare(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const baseNow = typeof options.now === "function" ? options.now : Date.now;
  const defaultMerchant = options.merchant_id ?? DEFAULT_MERCHANT_ID;
  const maxRecorded = options.maxRecorded ?? DEFAULT_MAX_RECORDED;
  const appList = (Array.isArray(options.apps) ? options.apps : [DEFAULT_APP]).map(normalizeApp);
  const apps = new Map(appList.map((a) => [a.client_id, a]));

  // ---- mutable state (everything `reset` forgets) ----
  let clockOffset = 0;
  let seq = 0;
  const requests = []; // kept as the same array object for the life of the server
  let queue = [];
  const codes = new Map(); // code -> record
  const grants = new Map(); // grant id -> { client_id, merchant_id, scopes, pkce, revoked }
  const accessTokens = new Map(); // token -> { grant, scopes, expires_at|null, revoked, ... }
  const refreshTokens = new Map(); // token -> { grant, expires_at|null, used, revoked }
  const migrationTokens = new Map(); // token -> { client_id, merchant_id, scopes, used }
  const pendingAuthorizations = new Map(); // consent-page request id -> authorize parameters
  let grantSeq = 0;
  // Counters of `GET /__fake/stats`: unlike the recorded requests, never trimmed by maxRecorded.
  const newStats = () => ({ refresh_requests: 0, refresh_successes: 0, spent_refresh_token_reuses: 0, revoke_requests: 0 });
  let stats = newStats();

  const now = () => baseNow() + clockOffset;

  function reset() {
    clockOffset = 0;
    requests.length = 0;
    queue = [];
    codes.clear();
    grants.clear();
    accessTokens.clear();
    refreshTokens.clear();
    migrationTokens.clear();
    pendingAuthorizations.clear();
    stats = newStats();
  }

  // ---- model operations ----

  function newGrant(client_id, merchant_id, scopes, pkce) {
    const g = { id: ++grantSeq, client_id, merchant_id, scopes: [...scopes], pkce, revoked: false };
    grants.set(g.id, g);
    return g;
  }

  function mintAccessToken(grant, { scopes = grant.scopes, ttl = LIFETIMES.access_token_ms, short_lived = false, use_jwt = false } = {}) {
    const token = newAccessToken();
    const rec = {
      grant,
      scopes: [...scopes],
      expires_at: ttl === null ? null : now() + ttl,
      revoked: false,
      short_lived,
      use_jwt,
    };
    accessTokens.set(token, rec);
    return { token, rec };
  }

  function mintRefreshToken(grant) {
    const token = newRefreshToken();
    const rec = {
      grant,
      expires_at: grant.pkce ? now() + LIFETIMES.pkce_refresh_token_ms : null,
      used: false,
      revoked: false,
    };
    refreshTokens.set(token, rec);
    return { token, rec };
  }

  function issueCode({ client_id, merchant_id, scopes, code_challenge, code_challenge_method, redirect_uri }) {
    const code = newCode();
    const issued = now();
    codes.set(code, {
      client_id,
      merchant_id,
      scopes: [...scopes],
      code_challenge: code_challenge ?? null,
      code_challenge_method: code_challenge ? code_challenge_method || "S256" : null,
      redirect_uri: redirect_uri ?? null, // non-null: the exchange must send the same value
      issued_at: issued,
      expires_at: issued + LIFETIMES.code_ms,
      used: false,
    });
    return code;
  }

  function revokeAuthorization(client_id, merchant_id) {
    for (const g of grants.values()) {
      if (g.client_id === client_id && g.merchant_id === merchant_id) g.revoked = true;
    }
    for (const rec of accessTokens.values()) {
      if (rec.grant.client_id === client_id && rec.grant.merchant_id === merchant_id) rec.revoked = true;
    }
    for (const rec of refreshTokens.values()) {
      if (rec.grant.client_id === client_id && rec.grant.merchant_id === merchant_id) rec.revoked = true;
    }
  }

  const accessTokenUsable = (rec) =>
    rec && !rec.revoked && !rec.grant.revoked && (rec.expires_at === null || rec.expires_at > now());

  function tokenResponse(grant, access, refresh, short_lived) {
    const out = {
      access_token: access.token,
      token_type: "bearer",
      expires_at: isoSeconds(access.rec.expires_at),
      merchant_id: grant.merchant_id,
      refresh_token: refresh.token,
      short_lived,
    };
    if (grant.pkce) out.refresh_token_expires_at = isoSeconds(refresh.rec.expires_at);
    return jsonResponse(200, out, { "cache-control": "no-store" });
  }

  // ---- Square endpoints ----

  function checkSquareVersion(ctx) {
    const v = ctx.headers["square-version"];
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      return invalidRequest(
        "INVALID_SQUARE_VERSION_FORMAT",
        "Square-Version must be a date in the form YYYY-MM-DD.",
        "Square-Version",
      );
    }
    return null;
  }

  /** `Authorization: Client <secret>` for RevokeToken and RenewToken: returns `{ secret }` or `{ response }`. */
  function clientAuthorization(ctx) {
    const h = ctx.headers.authorization;
    if (h === undefined) return { response: LEGACY_NOT_AUTHORIZED() };
    const m = /^Client +(\S+)\s*$/i.exec(h);
    if (!m) return { response: LEGACY_BAD_AUTH_HEADER() };
    return { secret: m[1] };
  }

  function obtainToken(ctx) {
    const mt = mediaType(ctx.headers);
    if (mt === "application/x-www-form-urlencoded") {
      // Observed (microsoft/PowerPlatformConnectors#1872): a standard OAuth2 client's form post.
      const form = new URLSearchParams(ctx.body);
      if (!form.get("client_id")) {
        return legacyError(400, "missing required parameter 'client_id'", "bad_request.missing_parameter");
      }
      return LEGACY_NOT_AUTHORIZED();
    }
    const parsed = parseJsonRequest(ctx, OBTAIN_TOKEN_SCHEMA);
    if (parsed.response) return parsed.response;
    const b = parsed.value;
    if (!["authorization_code", "refresh_token", "migration_token"].includes(b.grant_type)) {
      return invalidRequest(
        "INVALID_VALUE",
        "grant_type must be one of authorization_code, refresh_token, migration_token.",
        "grant_type",
      );
    }
    const app = apps.get(b.client_id);
    if (!app) return unauthorized("Unknown client_id.");
    if (b.client_secret !== undefined && !secretEquals(b.client_secret, app.client_secret)) {
      return unauthorized("Invalid client_secret.");
    }
    const short_lived = b.short_lived === true;
    const ttl = short_lived ? LIFETIMES.short_lived_access_token_ms : LIFETIMES.access_token_ms;
    const use_jwt = b.use_jwt === true;

    if (b.grant_type === "authorization_code") {
      if (b.code === undefined) return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "code");
      const c = codes.get(b.code);
      if (!c || c.client_id !== app.client_id) return unauthorized("Invalid authorization code.");
      if (c.used) return unauthorized("Authorization code has already been used.");
      if (c.expires_at <= now()) return unauthorized("Authorization code has expired.");
      if (c.code_challenge) {
        if (b.code_verifier === undefined) {
          return unauthorized("This code was issued for PKCE: code_verifier is required.");
        }
        if (!secretEquals(s256(b.code_verifier), c.code_challenge)) {
          return unauthorized("code_verifier does not match the code_challenge.");
        }
      } else {
        if (b.code_verifier !== undefined) {
          return unauthorized("code_verifier was sent but this code was not issued with a code_challenge.");
        }
        if (b.client_secret === undefined) {
          return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "client_secret");
        }
      }
      if (c.redirect_uri !== null) {
        if (b.redirect_uri === undefined) {
          return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "redirect_uri");
        }
        if (b.redirect_uri !== c.redirect_uri) {
          return unauthorized("redirect_uri does not match the one used in the authorization request.");
        }
      }
      c.used = true;
      const grant = newGrant(app.client_id, c.merchant_id, c.scopes, Boolean(c.code_challenge));
      const access = mintAccessToken(grant, { ttl, short_lived, use_jwt });
      const refresh = mintRefreshToken(grant);
      return tokenResponse(grant, access, refresh, short_lived);
    }

    if (b.grant_type === "refresh_token") {
      if (b.refresh_token === undefined) {
        return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "refresh_token");
      }
      const r = refreshTokens.get(b.refresh_token);
      if (!r || r.grant.client_id !== app.client_id) return unauthorized("Invalid refresh token.");
      if (r.revoked || r.grant.revoked) return unauthorized("Refresh token has been revoked.");
      if (r.used) return unauthorized("Refresh token has already been used.");
      if (r.expires_at !== null && r.expires_at <= now()) return unauthorized("Refresh token has expired.");
      if (!r.grant.pkce && b.client_secret === undefined) {
        return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "client_secret");
      }
      let scopes = r.grant.scopes;
      if (b.scopes !== undefined) {
        scopes = r.grant.scopes.filter((s) => b.scopes.includes(s));
        if (scopes.length === 0) {
          return invalidRequest("INVALID_VALUE", "None of the requested scopes were granted to this refresh token.", "scopes");
        }
      }
      const access = mintAccessToken(r.grant, { scopes, ttl, short_lived, use_jwt });
      let refresh = { token: b.refresh_token, rec: r };
      if (r.grant.pkce) {
        r.used = true; // single-use: rotate
        refresh = mintRefreshToken(r.grant);
      }
      return tokenResponse(r.grant, access, refresh, short_lived);
    }

    // migration_token (LEGACY)
    if (b.client_secret === undefined) {
      return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "client_secret");
    }
    if (b.migration_token === undefined) {
      return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "migration_token");
    }
    const m = migrationTokens.get(b.migration_token);
    if (!m || m.client_id !== app.client_id) return unauthorized("Invalid migration token.");
    if (m.used) return unauthorized("Migration token has already been used.");
    m.used = true;
    const grant = newGrant(app.client_id, m.merchant_id, m.scopes, false);
    const access = mintAccessToken(grant, { ttl, short_lived, use_jwt });
    const refresh = mintRefreshToken(grant);
    return tokenResponse(grant, access, refresh, short_lived);
  }

  /** The app whose secret is `secret`, or undefined. Compares with every app (no early exit). */
  function appBySecret(secret) {
    let found;
    for (const a of appList) {
      if (secretEquals(secret, a.client_secret) && found === undefined) found = a;
    }
    return found;
  }

  function revokeToken(ctx) {
    const auth = clientAuthorization(ctx);
    if (auth.response) return auth.response;
    const parsed = parseJsonRequest(ctx, REVOKE_TOKEN_SCHEMA);
    if (parsed.response) return parsed.response;
    const b = parsed.value;
    // CONTRACT §4: no field of RevokeTokenRequest is required (client_id is nullable). Without it,
    // the secret in `Authorization: Client <secret>` identifies the application; with it, the two
    // must belong to the same application.
    let app;
    if (b.client_id === undefined) {
      app = appBySecret(auth.secret);
      if (!app) return unauthorized("The application secret in the Authorization header is not valid.");
    } else {
      app = apps.get(b.client_id);
      if (!app || !secretEquals(auth.secret, app.client_secret)) {
        return unauthorized("The client_id and the application secret in the Authorization header do not match.");
      }
    }
    if (b.access_token !== undefined && b.merchant_id !== undefined) {
      return invalidRequest(
        "CONFLICTING_PARAMETERS",
        "Provide either access_token or merchant_id, not both.",
        "merchant_id",
      );
    }
    if (b.access_token === undefined && b.merchant_id === undefined) {
      return invalidRequest("MISSING_REQUIRED_PARAMETER", "Either access_token or merchant_id must be set", "access_token");
    }
    if (b.revoke_only_access_token === true && b.access_token === undefined) {
      return invalidRequest(
        "CONFLICTING_PARAMETERS",
        "revoke_only_access_token requires access_token, not merchant_id.",
        "revoke_only_access_token",
      );
    }
    if (b.access_token !== undefined) {
      const rec = accessTokens.get(b.access_token);
      if (!rec || rec.grant.client_id !== app.client_id) {
        return squareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "No access token of this application matches.");
      }
      if (b.revoke_only_access_token === true) rec.revoked = true;
      else revokeAuthorization(app.client_id, rec.grant.merchant_id);
      return jsonResponse(200, { success: true });
    }
    const known = [...grants.values()].some((g) => g.client_id === app.client_id && g.merchant_id === b.merchant_id);
    if (!known) {
      return squareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "This merchant has not authorized this application.");
    }
    revokeAuthorization(app.client_id, b.merchant_id);
    return jsonResponse(200, { success: true });
  }

  function renewToken(ctx, rawClientId) {
    const auth = clientAuthorization(ctx);
    if (auth.response) return auth.response;
    let clientId;
    try {
      clientId = decodeURIComponent(rawClientId);
    } catch {
      clientId = null;
    }
    const app = clientId === null ? undefined : apps.get(clientId);
    if (!app) return squareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", "Unknown client_id in the path.");
    if (!secretEquals(auth.secret, app.client_secret)) return unauthorized("Invalid application secret.");
    const parsed = parseJsonRequest(ctx, RENEW_TOKEN_SCHEMA);
    if (parsed.response) return parsed.response;
    const b = parsed.value;
    if (b.access_token === undefined) {
      return invalidRequest("MISSING_REQUIRED_PARAMETER", "Field must be set", "access_token");
    }
    const rec = accessTokens.get(b.access_token);
    if (!rec || rec.grant.client_id !== app.client_id) return unauthorized("Invalid access token.");
    if (rec.revoked || rec.grant.revoked) return unauthorized("The access token has been revoked.", "ACCESS_TOKEN_REVOKED");
    if (rec.expires_at !== null && rec.expires_at + LIFETIMES.renew_grace_ms <= now()) {
      return unauthorized(
        "The access token expired more than 15 days ago; the seller must authorize again.",
        "ACCESS_TOKEN_EXPIRED",
      );
    }
    // CONTRACT §5 says only that the answer's access_token "may differ from the token sent";
    // nothing says renewal revokes it. So the token sent is left alone (it works until its own
    // expiry), and a retried renewal of the same token succeeds again: RenewToken is replay-safe.
    const access = mintAccessToken(rec.grant, { scopes: rec.scopes });
    return jsonResponse(200, {
      access_token: access.token,
      token_type: "bearer",
      expires_at: isoSeconds(access.rec.expires_at),
      merchant_id: rec.grant.merchant_id,
    });
  }

  function retrieveTokenStatus(ctx) {
    const h = ctx.headers.authorization;
    const m = h === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(h);
    if (!m) return unauthorized("This request could not be authorized.");
    const rec = accessTokens.get(m[1]);
    if (!accessTokenUsable(rec)) return unauthorized("This request could not be authorized.");
    return jsonResponse(200, {
      scopes: [...rec.scopes],
      // CONTRACT §6: "empty if the token never expires" (an empty string, not absent, not null).
      expires_at: rec.expires_at === null ? "" : isoSeconds(rec.expires_at),
      client_id: rec.grant.client_id,
      merchant_id: rec.grant.merchant_id,
    });
  }

  // ---- the consent page ----

  function htmlPage(title, inner, lang = "en") {
    return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f3f4f6; color: #111827; }
  main { background: #fff; border-radius: 12px; box-shadow: 0 4px 24px rgb(0 0 0 / 0.08); padding: 32px; width: min(440px, 92vw); }
  .brand { font-weight: 700; letter-spacing: .02em; margin: 0 0 16px; }
  .brand span { font-weight: 400; color: #6b7280; }
  h1 { font-size: 1.25rem; margin: 0 0 12px; }
  p { line-height: 1.5; }
  ul { padding-left: 1.2em; margin: 8px 0 24px; }
  li { margin: 4px 0; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
  .muted { color: #6b7280; font-size: .875rem; word-break: break-all; }
  .actions { display: flex; gap: 12px; justify-content: flex-end; }
  button { font: inherit; border-radius: 8px; padding: 10px 20px; cursor: pointer; border: 1px solid #d1d5db; background: #fff; }
  button#allow { background: #006aff; border-color: #006aff; color: #fff; }
  .error h1 { color: #b91c1c; }
</style>
</head>
<body>
${inner}
</body>
</html>
`;
  }

  function authorizeErrorPage(status, message) {
    const body = htmlPage(
      "Authorization error - Square (fake)",
      `<main class="error">
<p class="brand">Square <span>(fake)</span></p>
<h1>Authorization error</h1>
<p id="error">${escapeHtml(message)}</p>
</main>`,
    );
    return htmlResponse(status, body);
  }

  function redirectAllowed(app, uri) {
    if (app.redirect_uris.length > 0) return app.redirect_uris.includes(uri);
    let u;
    try {
      u = new URL(uri);
    } catch {
      return false;
    }
    return (u.protocol === "http:" || u.protocol === "https:") && LOOPBACK_HOSTS.has(u.hostname);
  }

  function authorizePage(ctx) {
    const q = ctx.query;
    const app = apps.get(q.get("client_id") ?? "");
    if (!app) return authorizeErrorPage(400, "Unable to find client by that `client_id`");
    const given = q.get("redirect_uri");
    let redirect_uri;
    if (given !== null && given !== "") {
      if (!redirectAllowed(app, given)) {
        return authorizeErrorPage(400, "The redirect_uri does not match a redirect URL registered for this application.");
      }
      redirect_uri = given;
    } else if (app.redirect_uris.length > 0) {
      redirect_uri = app.redirect_uris[0];
    } else {
      return authorizeErrorPage(400, "No redirect_uri was given and this application has no registered redirect URL.");
    }
    const scopeParam = (q.get("scope") ?? "").trim();
    const scopes = scopeParam === "" ? [...DEFAULT_SCOPES] : [...new Set(scopeParam.split(/[\s]+/))];
    const unknown = scopes.filter((s) => !SCOPE_SET.has(s));
    if (unknown.length) return authorizeErrorPage(400, `Invalid scope: ${unknown.join(", ")}`);
    const code_challenge = q.get("code_challenge") || null;
    const methodParam = q.get("code_challenge_method");
    if (code_challenge !== null) {
      if (methodParam !== null && methodParam !== "S256") {
        return authorizeErrorPage(400, "Unsupported code_challenge_method: only S256 is supported.");
      }
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(code_challenge)) {
        return authorizeErrorPage(400, "Invalid code_challenge.");
      }
    }
    const id = rand(18);
    pendingAuthorizations.set(id, {
      client_id: app.client_id,
      merchant_id: defaultMerchant,
      scopes,
      state: q.has("state") ? q.get("state") : null,
      redirect_uri,
      redirect_uri_given: given !== null && given !== "",
      code_challenge,
      code_challenge_method: code_challenge ? "S256" : null,
    });
    const locale = q.get("locale");
    const body = htmlPage(
      `${app.name} - Authorize - Square (fake)`,
      `<main>
<p class="brand">Square <span>(fake)</span></p>
<h1><span id="app-name">${escapeHtml(app.name)}</span> would like to access your Square account</h1>
<p class="muted">Merchant <code id="merchant-id">${escapeHtml(defaultMerchant)}</code></p>
<p>It is asking for these permissions:</p>
<ul id="scopes">
${scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("\n")}
</ul>
<form method="post" action="/oauth2/authorize/decision">
<input type="hidden" name="request_id" value="${escapeHtml(id)}">
<div class="actions">
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
</div>
</form>
<p class="muted">You will be sent back to <code id="redirect-uri">${escapeHtml(redirect_uri)}</code></p>
</main>`,
      locale && LOCALES.has(locale) ? locale : "en",
    );
    return htmlResponse(200, body);
  }

  function authorizeDecision(ctx) {
    let fields;
    if (mediaType(ctx.headers) === "application/json") {
      try {
        fields = JSON.parse(ctx.body) ?? {};
      } catch {
        fields = {};
      }
    } else {
      fields = Object.fromEntries(new URLSearchParams(ctx.body));
    }
    const pending = pendingAuthorizations.get(String(fields.request_id ?? ""));
    if (!pending) return authorizeErrorPage(400, "This authorization request is unknown or was already answered.");
    if (fields.decision !== "allow" && fields.decision !== "deny") {
      return authorizeErrorPage(400, "Choose Allow or Deny.");
    }
    pendingAuthorizations.delete(String(fields.request_id));
    const target = new URL(pending.redirect_uri);
    if (fields.decision === "allow") {
      const code = issueCode({
        client_id: pending.client_id,
        merchant_id: pending.merchant_id,
        scopes: pending.scopes,
        code_challenge: pending.code_challenge,
        code_challenge_method: pending.code_challenge_method,
        redirect_uri: pending.redirect_uri_given ? pending.redirect_uri : null,
      });
      target.searchParams.append("code", code);
      target.searchParams.append("response_type", "code");
    } else {
      target.searchParams.append("error", "access_denied");
      target.searchParams.append("error_description", "user_denied");
    }
    if (pending.state !== null) target.searchParams.append("state", pending.state);
    return { status: 302, headers: { location: target.href, "cache-control": "no-store" }, body: "" };
  }

  // ---- routing of Square paths ----

  const RENEW_PATH = /^\/oauth2\/clients\/([^/]+)\/access-token\/renew$/;

  function route(ctx) {
    const p = ctx.path;
    const only = (method, fn) => {
      if (ctx.method !== method) {
        const r = squareError(405, "INVALID_REQUEST_ERROR", "METHOD_NOT_ALLOWED", `Use ${method} for ${p}.`);
        r.headers.allow = `${method}, OPTIONS`;
        return r;
      }
      return fn();
    };
    const api = (fn) => () => checkSquareVersion(ctx) ?? fn();
    if (p === "/oauth2/token") return only("POST", api(() => obtainToken(ctx)));
    if (p === "/oauth2/revoke") return only("POST", api(() => revokeToken(ctx)));
    if (p === "/oauth2/token/status") return only("POST", api(() => retrieveTokenStatus(ctx)));
    const renew = RENEW_PATH.exec(p);
    if (renew) {
      const r = only("POST", api(() => renewToken(ctx, renew[1])));
      r.headers.deprecation = "true";
      return r;
    }
    if (p === "/oauth2/authorize") return only("GET", () => authorizePage(ctx));
    if (p === "/oauth2/authorize/decision") return only("POST", () => authorizeDecision(ctx));
    return squareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", `No endpoint at ${ctx.method} ${p}.`);
  }

  // ---- control API (/__fake/...) ----

  function controlBody(ctx) {
    if (ctx.body.trim() === "") return { value: {} };
    try {
      const v = JSON.parse(ctx.body);
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error();
      return { value: v };
    } catch {
      return { response: invalidRequest("EXPECTED_JSON_BODY", "The control API expects a JSON object body.") };
    }
  }

  function controlGrantParams(b) {
    const client_id = b.client_id ?? appList[0]?.client_id;
    if (!apps.has(client_id)) return { response: invalidRequest("INVALID_VALUE", "Unknown client_id.", "client_id") };
    const merchant_id = b.merchant_id ?? defaultMerchant;
    if (typeof merchant_id !== "string" || merchant_id.length < 8 || merchant_id.length > 191) {
      return { response: invalidRequest("INVALID_VALUE", "merchant_id must be a string of 8..191 chars.", "merchant_id") };
    }
    const scopes = b.scopes ?? [...DEFAULT_SCOPES];
    if (!Array.isArray(scopes) || scopes.some((s) => !SCOPE_SET.has(s))) {
      return { response: invalidRequest("INVALID_VALUE", "scopes must be an array of Square scope names.", "scopes") };
    }
    return { client_id, merchant_id, scopes };
  }

  function controlIssueCode(b) {
    const g = controlGrantParams(b);
    if (g.response) return g;
    if (b.code_challenge !== undefined && typeof b.code_challenge !== "string") {
      return { response: invalidRequest("EXPECTED_STRING", "code_challenge must be a string.", "code_challenge") };
    }
    if (b.code_challenge_method !== undefined && b.code_challenge_method !== "S256") {
      return { response: invalidRequest("INVALID_VALUE", "Only S256 is supported.", "code_challenge_method") };
    }
    if (b.redirect_uri !== undefined && typeof b.redirect_uri !== "string") {
      return { response: invalidRequest("EXPECTED_STRING", "redirect_uri must be a string.", "redirect_uri") };
    }
    const code = issueCode({ ...g, code_challenge: b.code_challenge || null, redirect_uri: b.redirect_uri ?? null });
    return { code, expires_at: isoSeconds(codes.get(code).expires_at) };
  }

  function controlIssueToken(b) {
    const g = controlGrantParams(b);
    if (g.response) return g;
    if (b.legacy === true) {
      const migration_token = newMigrationToken();
      migrationTokens.set(migration_token, { ...g, used: false });
      return { migration_token, client_id: g.client_id, merchant_id: g.merchant_id };
    }
    let ttl = LIFETIMES.access_token_ms;
    if (b.expires_in_ms === null) ttl = null;
    else if (b.expires_in_ms !== undefined) {
      if (typeof b.expires_in_ms !== "number" || !Number.isFinite(b.expires_in_ms)) {
        return { response: invalidRequest("INVALID_VALUE", "expires_in_ms must be a number or null.", "expires_in_ms") };
      }
      ttl = b.expires_in_ms;
    }
    const grant = newGrant(g.client_id, g.merchant_id, g.scopes, false);
    const access = mintAccessToken(grant, { ttl });
    return {
      access_token: access.token,
      expires_at: ttl === null ? "" : isoSeconds(access.rec.expires_at), // "" = never expires, as in CONTRACT §6
      merchant_id: g.merchant_id,
      client_id: g.client_id,
      scopes: [...g.scopes],
    };
  }

  function enqueue(responses) {
    if (!Array.isArray(responses)) throw new TypeError("responses must be an array");
    for (const r of responses) {
      if (!r || typeof r !== "object") throw new TypeError("each queued response must be an object");
      if (!r.drop && !(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599)) {
        throw new TypeError("each queued response needs an integer status (100..599) unless drop is true");
      }
    }
    queue.push(...responses.map((r) => ({ ...r })));
    return queue.length;
  }

  function control(ctx) {
    const p = ctx.path;
    const m = ctx.method;
    const ok = (obj) => jsonResponse(200, obj);
    const notAllowed = () => squareError(405, "INVALID_REQUEST_ERROR", "METHOD_NOT_ALLOWED", `${m} is not allowed on ${p}.`);
    if (p === "/__fake/health") return m === "GET" ? ok({ ok: true, url: server.url }) : notAllowed();
    if (p === "/__fake/requests") {
      if (m === "GET") {
        const last = ctx.query.get("last");
        const path = ctx.query.get("path");
        let list = path ? requests.filter((r) => r.path === path) : requests;
        if (last !== null) {
          const n = Number(last);
          list = Number.isInteger(n) && n >= 0 ? (n === 0 ? [] : list.slice(-n)) : list;
        }
        return ok({ requests: list });
      }
      if (m === "DELETE") {
        requests.length = 0;
        return ok({ requests: [] });
      }
      return notAllowed();
    }
    if (p === "/__fake/codes") {
      if (m !== "POST") return notAllowed();
      const b = controlBody(ctx);
      if (b.response) return b.response;
      const r = controlIssueCode(b.value);
      return r.response ?? ok(r);
    }
    if (p === "/__fake/tokens") {
      if (m !== "POST") return notAllowed();
      const b = controlBody(ctx);
      if (b.response) return b.response;
      const r = controlIssueToken(b.value);
      return r.response ?? ok(r);
    }
    if (p === "/__fake/clock") {
      if (m === "GET") return ok({ now: now(), iso: isoSeconds(now()) });
      if (m !== "POST") return notAllowed();
      const b = controlBody(ctx);
      if (b.response) return b.response;
      const adv = b.value.advance_ms;
      if (typeof adv !== "number" || !Number.isFinite(adv)) {
        return invalidRequest("INVALID_VALUE", "advance_ms must be a number.", "advance_ms");
      }
      clockOffset += adv;
      return ok({ now: now(), iso: isoSeconds(now()) });
    }
    if (p === "/__fake/stats") return m === "GET" ? ok({ ...stats }) : notAllowed();
    if (p === "/__fake/reset") {
      if (m !== "POST") return notAllowed();
      reset();
      return ok({ ok: true });
    }
    if (p === "/__fake/queue") {
      if (m === "GET") return ok({ pending: queue.length });
      if (m === "DELETE") {
        queue = [];
        return ok({ pending: 0 });
      }
      if (m !== "POST") return notAllowed();
      const b = controlBody(ctx);
      if (b.response) return b.response;
      try {
        return ok({ pending: enqueue(b.value.responses) });
      } catch (e) {
        return invalidRequest("INVALID_VALUE", e.message, "responses");
      }
    }
    return squareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", `No control endpoint at ${m} ${p}.`);
  }

  // ---- HTTP plumbing ----

  function corsHeaders(req) {
    return {
      "access-control-allow-origin": req.headers.origin ?? "*",
      vary: "Origin",
      "access-control-expose-headers": EXPOSE_HEADERS,
    };
  }

  function send(req, res, out) {
    if (res.headersSent || res.destroyed) return;
    const headers = { ...corsHeaders(req), ...out.headers };
    const body = out.body ?? "";
    headers["content-length"] = Buffer.byteLength(body);
    res.writeHead(out.status, headers);
    res.end(body);
  }

  function queuedToResponse(q) {
    const headers = {};
    for (const [k, v] of Object.entries(q.headers ?? {})) headers[k.toLowerCase()] = String(v);
    let body = q.body ?? "";
    if (typeof body !== "string") body = JSON.stringify(body);
    if (body !== "" && headers["content-type"] === undefined) {
      let isJson = true;
      try {
        JSON.parse(body);
      } catch {
        isJson = false;
      }
      headers["content-type"] = isJson ? "application/json" : "text/plain; charset=utf-8";
    }
    return { status: q.status, headers, body };
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      let tooLarge = false;
      req.on("data", (c) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(c);
      });
      req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function handle(req, res) {
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const path = qi === -1 ? rawUrl : rawUrl.slice(0, qi);
    const query = new URLSearchParams(qi === -1 ? "" : rawUrl.slice(qi + 1));

    if (req.method === "OPTIONS") {
      req.resume();
      send(req, res, {
        status: 204,
        headers: {
          "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
          "access-control-allow-headers": req.headers["access-control-request-headers"] || PREFLIGHT_DEFAULT_HEADERS,
          "access-control-max-age": "600",
          ...(req.headers["access-control-request-private-network"] === "true"
            ? { "access-control-allow-private-network": "true" }
            : {}),
        },
        body: "",
      });
      return;
    }

    const body = await readBody(req);
    const ctx = { method: req.method, path, query, headers: req.headers, body: body ?? "" };

    if (path === "/__fake" || path.startsWith("/__fake/")) {
      send(req, res, body === null ? tooLargeResponse() : control(ctx));
      return;
    }

    let json = null;
    if (body) {
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
    }
    requests.push({
      seq: ++seq,
      method: req.method,
      path,
      url: rawUrl,
      query: queryObject(query),
      headers: { ...req.headers },
      body,
      json,
      at: now(),
    });
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    const isRefresh = countRequest(req.method, path, json);

    if (queue.length > 0) {
      const q = queue.shift();
      if (q.apply_model && body !== null) route(ctx); // state changes happen, the answer is replaced
      if (q.delay_ms > 0) await sleep(q.delay_ms);
      if (q.drop) {
        req.socket.destroy();
        return;
      }
      const out = queuedToResponse(q);
      if (isRefresh && out.status >= 200 && out.status < 300) stats.refresh_successes++;
      send(req, res, out);
      return;
    }
    const out = body === null ? tooLargeResponse() : route(ctx);
    if (isRefresh && out.status >= 200 && out.status < 300) stats.refresh_successes++;
    send(req, res, out);
  }

  /**
   * Counts a Square-path request in `stats` as it arrives, before the queue or the model answers
   * it (so a refresh presenting a spent PKCE token counts whatever it is answered). Returns whether
   * it is a refresh (POST /oauth2/token with grant_type refresh_token).
   */
  function countRequest(method, path, json) {
    if (method !== "POST") return false;
    if (path === "/oauth2/revoke") stats.revoke_requests++;
    if (path !== "/oauth2/token" || json?.grant_type !== "refresh_token") return false;
    stats.refresh_requests++;
    const r = typeof json.refresh_token === "string" ? refreshTokens.get(json.refresh_token) : undefined;
    if (r && r.grant.pkce && r.used) stats.spent_refresh_token_reuses++;
    return true;
  }

  const tooLargeResponse = () =>
    squareError(413, "INVALID_REQUEST_ERROR", "REQUEST_ENTITY_TOO_LARGE", "The request body is too large.");

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // Never echo the error: it could carry request data.
      send(req, res, squareError(500, "API_ERROR", "INTERNAL_SERVER_ERROR", "The fake failed to handle this request."));
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const urlHost = addr.family === "IPv6" || addr.family === 6 ? `[${addr.address}]` : addr.address;
  server.url = `http://${urlHost}:${addr.port}`;

  let closing = null;
  return {
    url: server.url,
    host: addr.address,
    port: addr.port,
    requests,
    apps: appList,
    merchant_id: defaultMerchant,
    /** The fake's clock in ms (base clock + offset). */
    now,
    /** Moves the fake's clock forward (or back, with a negative value). Returns the new now. */
    advance(ms) {
      clockOffset += ms;
      return now();
    },
    reset,
    /** Same as `GET /__fake/stats`: a snapshot of the counters. */
    stats() {
      return { ...stats };
    },
    /** Same as `POST /__fake/codes`; throws on invalid input. */
    issueCode(opts = {}) {
      const r = controlIssueCode(opts);
      if (r.response) throw new TypeError(JSON.parse(r.response.body).errors[0].detail);
      return r;
    },
    /** Same as `POST /__fake/tokens`; throws on invalid input. */
    issueToken(opts = {}) {
      const r = controlIssueToken(opts);
      if (r.response) throw new TypeError(JSON.parse(r.response.body).errors[0].detail);
      return r;
    },
    /** Same as `POST /__fake/queue`; returns the number of pending queued responses. */
    enqueue,
    clearQueue() {
      queue = [];
    },
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
