// Type tests of pkg-template/index.d.ts, the public declarations of "square-oauth-edge".
// Never run: `tsc -p tests/types` (and tsconfig.strictest.json) only type-checks it.
//
// Part 1 holds correct uses: each must compile. Part 2 holds wrong uses, each on the line after a
// `// @ts-expect-error`: tsc fails if that line compiles (TS2578, unused directive), and
// expect-errors.mjs checks that with the directives removed each of those lines, and no other,
// is an error. Keep every wrong use on a single line.

import {
  OAuthClient,
  SquareError,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
  type AuthorizationCallback,
  type AuthorizationCodeRequest,
  type AuthorizeParams,
  type AuthorizeUrlOptions,
  type CallOptions,
  type ClientOptions,
  type Environment,
  type ErrorCategory,
  type ErrorCode,
  type FetchLike,
  type GrantType,
  type Locale,
  type MigrationTokenRequest,
  type ObtainTokenRequest,
  type ObtainTokenResponse,
  type Pkce,
  type PkceAuthorizationCodeRequest,
  type RefreshTokenRequest,
  type RenewTokenRequest,
  type RenewTokenResponse,
  type RetrieveTokenStatusResponse,
  type RevokeByAccessTokenRequest,
  type RevokeByMerchantIdRequest,
  type RevokeTokenRequest,
  type RevokeTokenResponse,
  type Scope,
  type ShouldRefreshOptions,
  type SquareApiError,
  type SquareErrorCode,
  type SquareFlowErrorCode,
  type SquareTokenErrorCode,
  type SquareInputErrorCode,
  type SquareResponseErrorCode,
  type SquareTransportErrorCode,
  type SquareV1Error,
  type SquareV2Error,
} from "square-oauth-edge";

// ---- helpers ---------------------------------------------------------------------------------

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type IsAny<T> = 0 extends 1 & T ? true : false;
type NoAny<T> = IsAny<T> extends true ? false : true;
/** True when no property of T is `any`. */
type NoAnyProps<T> = false extends { [K in keyof T]-?: NoAny<T[K]> }[keyof T] ? false : true;

declare const env: { SQUARE_APP_ID: string; SQUARE_APP_SECRET: string };
declare const stored: { access_token: string; refresh_token: string; expires_at: string };
declare const request: Request;
declare const sessionState: string;
declare function use(...values: unknown[]): void;
declare const someCode: SquareErrorCode;

const clientId = env.SQUARE_APP_ID;
const secret = env.SQUARE_APP_SECRET;

// =============================================================================================
// Part 1: correct uses compile
// =============================================================================================

// ---- construction and options ------------------------------------------------------------------

const oauth = new OAuthClient({ environment: "sandbox" });
new OAuthClient();
new OAuthClient({});
new OAuthClient({ environment: "production" });
new OAuthClient({
  environment: "production",
  baseUrl: "http://127.0.0.1:8787",
  squareVersion: "2025-08-20",
  fetch: (input, init) => fetch(input, init),
  headers: { "User-Agent": "my-app/1.0", "X-Request-Id": "abc" },
  timeoutMs: 10_000,
  maxRetries: 0,
});
// The global fetch fits FetchLike, and explicit `undefined` is accepted (exactOptionalPropertyTypes).
new OAuthClient({ fetch, baseUrl: undefined, environment: undefined, headers: undefined });
const loggingFetch: FetchLike = async (input, init) => {
  const url: string = input;
  const method: string | undefined = init.method;
  use(url, method);
  return fetch(input, init);
};
const options: ClientOptions = { fetch: loggingFetch, maxRetries: 3 };
new OAuthClient(options);
const environments: Environment[] = ["production", "sandbox"];
use(environments);

const callOptions: CallOptions = {
  signal: AbortSignal.timeout(5_000),
  timeoutMs: 5_000,
  squareVersion: "2025-08-20",
  maxRetries: 1,
  retryUnsafe: false,
};
use(callOptions, { signal: undefined, retryUnsafe: undefined } satisfies CallOptions);

// ---- obtainToken: every grant type and flow ----------------------------------------------------------

async function obtain(): Promise<void> {
  // (1) code flow, authorization_code
  const token = await oauth.obtainToken({
    client_id: clientId,
    client_secret: secret,
    code: "sq0cgb-abc",
    grant_type: "authorization_code",
  });
  await oauth.obtainToken(
    {
      grant_type: "authorization_code",
      client_id: clientId,
      client_secret: secret,
      code: "sq0cgb-abc",
      redirect_uri: "https://example.com/callback",
      short_lived: true,
      use_jwt: false,
    },
    { retryUnsafe: true, signal: new AbortController().signal },
  );
  // optional fields are nullable, as in the spec
  await oauth.obtainToken({
    grant_type: "authorization_code",
    client_id: clientId,
    client_secret: secret,
    code: "c",
    redirect_uri: null,
    short_lived: null,
    use_jwt: null,
  });

  // (2) PKCE, authorization_code
  const pkce = await createPkce();
  await oauth.obtainToken({
    grant_type: "authorization_code",
    client_id: clientId,
    code: "sq0cgb-abc",
    code_verifier: pkce.code_verifier,
    redirect_uri: "https://example.com/callback",
  });

  // (3) refresh_token, code flow (with secret) and PKCE (without), scopes optional
  const refreshed = await oauth.obtainToken({
    grant_type: "refresh_token",
    client_id: clientId,
    client_secret: secret,
    refresh_token: token.refresh_token ?? stored.refresh_token,
    scopes: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ", "BANK_ACCOUNTS_READ"],
    short_lived: false,
  });
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r" });
  await oauth.obtainToken({
    grant_type: "refresh_token",
    client_id: clientId,
    client_secret: null,
    refresh_token: "r",
    scopes: null,
    use_jwt: true,
  });
  const readonlyScopes = ["ITEMS_READ", "ORDERS_WRITE"] as const;
  await oauth.obtainToken({
    grant_type: "refresh_token",
    client_id: clientId,
    refresh_token: "r",
    scopes: readonlyScopes,
  });

  // (4) migration_token (deprecated, still typed)
  await oauth.obtainToken({
    grant_type: "migration_token",
    client_id: clientId,
    client_secret: secret,
    migration_token: "old-token",
  });

  // the named variants are assignable to the union, and a union value is accepted
  const variants: ObtainTokenRequest[] = [
    { grant_type: "authorization_code", client_id: "a", client_secret: "s", code: "c" } satisfies AuthorizationCodeRequest,
    { grant_type: "authorization_code", client_id: "a", code: "c", code_verifier: "v" } satisfies PkceAuthorizationCodeRequest,
    { grant_type: "refresh_token", client_id: "a", refresh_token: "r" } satisfies RefreshTokenRequest,
    { grant_type: "migration_token", client_id: "a", client_secret: "s", migration_token: "m" } satisfies MigrationTokenRequest,
  ];
  for (const body of variants) await oauth.obtainToken(body);
  const pkceFlow = Math.random() > 0.5;
  const body: ObtainTokenRequest = pkceFlow
    ? { grant_type: "refresh_token", client_id: clientId, refresh_token: "r" }
    : { grant_type: "refresh_token", client_id: clientId, client_secret: secret, refresh_token: "r" };
  await oauth.obtainToken(body, { retryUnsafe: pkceFlow });

  // narrowing the union on grant_type
  const narrowed = (b: ObtainTokenRequest): string => {
    switch (b.grant_type) {
      case "authorization_code":
        return b.code;
      case "refresh_token":
        return b.refresh_token;
      case "migration_token":
        return b.migration_token;
    }
  };
  use(narrowed);
  const grants: GrantType[] = ["authorization_code", "refresh_token", "migration_token"];
  type _grantTypes = Expect<Equal<ObtainTokenRequest["grant_type"], GrantType>>;

  // response types
  type _obtain = Expect<Equal<typeof token, ObtainTokenResponse>>;
  type _accessToken = Expect<Equal<ObtainTokenResponse["access_token"], string | undefined>>;
  type _shortLived = Expect<Equal<ObtainTokenResponse["short_lived"], boolean | undefined>>;
  type _errors = Expect<Equal<ObtainTokenResponse["errors"], SquareV2Error[] | undefined>>;
  const expiresAt: string | undefined = token.expires_at;
  const pkceExpiry: string | undefined = refreshed.refresh_token_expires_at;
  if (token.access_token !== undefined) use(token.access_token.length);
  use(grants, expiresAt, pkceExpiry, token.merchant_id, token.token_type, token.subscription_id);
  use(token.plan_id, token.id_token);
}

// ---- renewToken (deprecated), revokeToken, retrieveTokenStatus ----------------------------------------------

async function others(): Promise<void> {
  const renewed = await oauth.renewToken(clientId, { access_token: stored.access_token }, `Client ${secret}`);
  await oauth.renewToken(clientId, { access_token: "t" }, secret, { timeoutMs: 1_000 });
  type _renew = Expect<Equal<typeof renewed, RenewTokenResponse>>;
  const renewBody: RenewTokenRequest = { access_token: "t" };
  use(renewed.access_token, renewed.expires_at, renewed.merchant_id, renewed.errors, renewBody);

  const revoked = await oauth.revokeToken({ client_id: clientId, access_token: stored.access_token }, `Client ${secret}`);
  await oauth.revokeToken({ access_token: "t", revoke_only_access_token: true }, secret);
  await oauth.revokeToken({ client_id: clientId, merchant_id: "MLQW2MYBY81PZ" }, secret, { maxRetries: 0 });
  await oauth.revokeToken({ client_id: null, merchant_id: "M", revoke_only_access_token: false }, secret);
  await oauth.revokeToken({ merchant_id: "M", revoke_only_access_token: null }, secret);
  const byToken: RevokeByAccessTokenRequest = { access_token: "t" };
  const byMerchant: RevokeByMerchantIdRequest = { merchant_id: "m" };
  const revokeBodies: RevokeTokenRequest[] = [byToken, byMerchant];
  type _revoke = Expect<Equal<typeof revoked, RevokeTokenResponse>>;
  const success: boolean | undefined = revoked.success;
  use(revokeBodies, success);

  const status = await oauth.retrieveTokenStatus(stored.access_token);
  await oauth.retrieveTokenStatus("t", { signal: AbortSignal.timeout(5_000), squareVersion: "2024-03-20" });
  type _status = Expect<Equal<typeof status, RetrieveTokenStatusResponse>>;
  type _scopes = Expect<Equal<RetrieveTokenStatusResponse["scopes"], string[] | undefined>>;
  use(status.scopes?.includes("PAYMENTS_READ"), status.client_id, status.merchant_id, status.expires_at);
}

// ---- errors: SquareError, narrowing on code, Square's two error shapes -----------------------------------------

function describe(code: SquareErrorCode): string {
  switch (code) {
    case "MISSING_FIELD":
    case "UNKNOWN_FIELD":
    case "INVALID_TYPE":
    case "INVALID_VALUE":
    case "CONFLICTING_FIELDS":
    case "UNSAFE_HEADER_VALUE":
    case "INSECURE_URL":
    case "INVALID_AUTHORIZATION":
      return "input";
    case "NETWORK_ERROR":
    case "TIMEOUT":
    case "ABORTED":
    case "INVALID_FETCH_RESULT":
      return "transport";
    case "SQUARE_ERROR":
    case "HTTP_ERROR":
    case "REDIRECT":
    case "ERRORS_IN_SUCCESS":
    case "EMPTY_RESPONSE":
    case "INVALID_JSON":
    case "UNEXPECTED_CONTENT_TYPE":
    case "INVALID_RESPONSE":
    case "RESPONSE_TOO_LARGE":
      return "response";
    case "ACCESS_DENIED":
    case "AUTHORIZATION_ERROR":
    case "MISSING_CODE":
    case "STATE_MISMATCH":
      return "flow";
    case "REAUTHORIZE_REQUIRED":
    case "UNKNOWN_MERCHANT":
    case "UNREADABLE_RECORD":
    case "STORE_ERROR":
    case "INVALID_WEBHOOK_SIGNATURE":
    case "INVALID_WEBHOOK_EVENT":
    case "STALE_WEBHOOK":
    case "CRYPTO_ERROR":
      return "tokens";
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}
use(describe);

type _codeGroups = Expect<
  Equal<
    SquareErrorCode,
    | SquareInputErrorCode
    | SquareTransportErrorCode
    | SquareResponseErrorCode
    | SquareFlowErrorCode
    | SquareTokenErrorCode
  >
>;

function describeApiError(e: SquareApiError): string {
  if (e.category === "V1_ERROR") {
    type _v1 = Expect<Equal<typeof e, SquareV1Error>>;
    const legacyType: string = e.code;
    return legacyType;
  }
  type _v2 = Expect<Equal<typeof e, SquareV2Error>>;
  const code: ErrorCode = e.code;
  const category: ErrorCategory = e.category;
  return `${category}/${code}: ${e.detail ?? ""} ${e.field ?? ""}`;
}
use(describeApiError);

async function handleErrors(): Promise<void> {
  try {
    await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r" });
  } catch (err: unknown) {
    if (!(err instanceof SquareError)) throw err;
    const asError: Error = err;
    const name: "SquareError" = err.name;
    const message: string = err.message;
    const statusCode: number | undefined = err.statusCode;
    const errors: SquareApiError[] = err.errors;
    const body: unknown = err.body;
    const field: string | undefined = err.field;
    const cause: unknown = err.cause;
    use(asError, name, message, statusCode, errors, body, field, cause);
    if (err.code === "SQUARE_ERROR" && err.errors.some((e) => e.code === "UNAUTHORIZED")) return;
    if (err.code === "TIMEOUT" || err.code === "NETWORK_ERROR") return;
    if (err.statusCode !== undefined && err.statusCode >= 500) return;
    const first = err.errors[0];
    if (first && first.category !== "V1_ERROR" && first.code === "ACCESS_TOKEN_EXPIRED") return;
  }
}

// ---- OAuth flow helpers --------------------------------------------------------------------------------

async function flow(): Promise<void> {
  const state: string = createState();
  const pkce: Pkce = await createPkce();
  const method: "S256" = pkce.code_challenge_method;
  const challenge: string = pkce.code_challenge;

  const url: string = authorizeUrl({ client_id: clientId });
  authorizeUrl(
    {
      client_id: clientId,
      scope: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"],
      state,
      redirect_uri: "https://example.com/callback",
      locale: "fr-CA",
      session: false,
      code_challenge: challenge,
    },
    { environment: "sandbox" },
  );
  authorizeUrl({ client_id: clientId, scope: "CUSTOMERS_READ CUSTOMERS_WRITE" }, { baseUrl: "https://proxy.example.com" });
  const params: AuthorizeParams = { client_id: clientId, locale: "ja-JP" };
  const where: AuthorizeUrlOptions = { environment: "production" };
  authorizeUrl(params, where);
  const locales: Locale[] = ["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"];

  const cb: AuthorizationCallback = parseCallback(request.url, sessionState);
  const cb2 = parseCallback(new URL("https://example.com/cb?code=c&state=s"), "s");
  type _cb = Expect<Equal<typeof cb2, AuthorizationCallback>>;
  await oauth.obtainToken({
    grant_type: "authorization_code",
    client_id: clientId,
    code: cb.code,
    code_verifier: pkce.code_verifier,
  });

  const token = await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, client_secret: secret, code: cb.code });
  const due: boolean = shouldRefresh(token);
  shouldRefresh(stored);
  shouldRefresh(stored.expires_at);
  shouldRefresh(await oauth.retrieveTokenStatus("t"));
  shouldRefresh({});
  shouldRefresh(token, { now: new Date() });
  shouldRefresh(token, { now: Date.now(), refreshAfterDays: 5 });
  const refreshOptions: ShouldRefreshOptions = { refreshAfterDays: 1 };
  shouldRefresh("2025-04-03T18:31:06Z", refreshOptions);
  use(url, method, locales, due, cb.state);
}

// ---- no `any` leaks out of the declarations ------------------------------------------------------------------

type _noAny = [
  Expect<NoAnyProps<ClientOptions>>,
  Expect<NoAnyProps<CallOptions>>,
  Expect<NoAnyProps<AuthorizationCodeRequest>>,
  Expect<NoAnyProps<PkceAuthorizationCodeRequest>>,
  Expect<NoAnyProps<RefreshTokenRequest>>,
  Expect<NoAnyProps<MigrationTokenRequest>>,
  Expect<NoAnyProps<RevokeByAccessTokenRequest>>,
  Expect<NoAnyProps<RevokeByMerchantIdRequest>>,
  Expect<NoAnyProps<RenewTokenRequest>>,
  Expect<NoAnyProps<ObtainTokenResponse>>,
  Expect<NoAnyProps<RenewTokenResponse>>,
  Expect<NoAnyProps<RevokeTokenResponse>>,
  Expect<NoAnyProps<RetrieveTokenStatusResponse>>,
  Expect<NoAnyProps<SquareV2Error>>,
  Expect<NoAnyProps<SquareV1Error>>,
  Expect<NoAnyProps<AuthorizeParams>>,
  Expect<NoAnyProps<AuthorizeUrlOptions>>,
  Expect<NoAnyProps<Pkce>>,
  Expect<NoAnyProps<AuthorizationCallback>>,
  Expect<NoAnyProps<ShouldRefreshOptions>>,
  Expect<NoAnyProps<SquareError>>,
  Expect<NoAnyProps<OAuthClient>>,
  Expect<NoAny<ErrorCode>>,
  Expect<NoAny<ErrorCategory>>,
  Expect<NoAny<Scope>>,
  Expect<NoAny<FetchLike>>,
  Expect<NoAny<ReturnType<OAuthClient["obtainToken"]>>>,
  Expect<NoAny<ReturnType<OAuthClient["renewToken"]>>>,
  Expect<NoAny<ReturnType<OAuthClient["revokeToken"]>>>,
  Expect<NoAny<ReturnType<OAuthClient["retrieveTokenStatus"]>>>,
  Expect<NoAny<ReturnType<typeof authorizeUrl>>>,
  Expect<NoAny<ReturnType<typeof createPkce>>>,
  Expect<NoAny<ReturnType<typeof createState>>>,
  Expect<NoAny<ReturnType<typeof parseCallback>>>,
  Expect<NoAny<ReturnType<typeof shouldRefresh>>>,
  Expect<NoAny<Parameters<typeof shouldRefresh>[0]>>,
  Expect<NoAny<Parameters<FetchLike>[1]>>,
];

use(obtain, others, handleErrors, flow);

// =============================================================================================
// Part 2: wrong uses are rejected (one per line, each after a @ts-expect-error)
// =============================================================================================

async function rejected(): Promise<void> {
  // ---- obtainToken bodies ----
  // @ts-expect-error missing client_id
  await oauth.obtainToken({ grant_type: "authorization_code", client_secret: secret, code: "c" });
  // @ts-expect-error grant_type typo
  await oauth.obtainToken({ grant_type: "authorisation_code", client_id: clientId, client_secret: secret, code: "c" });
  // @ts-expect-error grant_type missing
  await oauth.obtainToken({ client_id: clientId, client_secret: secret, code: "c" });
  // @ts-expect-error code belongs to authorization_code, not refresh_token
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, client_secret: secret, refresh_token: "r", code: "c" });
  // @ts-expect-error client_secret together with code_verifier
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, client_secret: secret, code: "c", code_verifier: "v" });
  // @ts-expect-error authorization_code without any credential (neither client_secret nor code_verifier)
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, code: "c" });
  // @ts-expect-error authorization_code without code
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, client_secret: secret });
  // @ts-expect-error PKCE without code
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, code_verifier: "v" });
  // @ts-expect-error PKCE: client_secret may not even be null
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, code: "c", code_verifier: "v", client_secret: null });
  // @ts-expect-error refresh_token grant without refresh_token
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, client_secret: secret });
  // @ts-expect-error code_verifier with refresh_token
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", code_verifier: "v" });
  // @ts-expect-error redirect_uri belongs to authorization_code
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", redirect_uri: "https://x" });
  // @ts-expect-error refresh_token with authorization_code
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, client_secret: secret, code: "c", refresh_token: "r" });
  // @ts-expect-error scopes only go with refresh_token
  await oauth.obtainToken({ grant_type: "authorization_code", client_id: clientId, client_secret: secret, code: "c", scopes: ["ITEMS_READ"] });
  // @ts-expect-error a bad scope name
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", scopes: ["PAYMENT_READ"] });
  // @ts-expect-error scopes is an array, not a space-separated string
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", scopes: "ITEMS_READ" });
  // @ts-expect-error migration_token grant without client_secret
  await oauth.obtainToken({ grant_type: "migration_token", client_id: clientId, migration_token: "m" });
  // @ts-expect-error migration_token grant without migration_token
  await oauth.obtainToken({ grant_type: "migration_token", client_id: clientId, client_secret: secret });
  // @ts-expect-error migration_token with the refresh_token grant
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", migration_token: "m" });
  // @ts-expect-error a number where a string goes
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: 42, refresh_token: "r" });
  // @ts-expect-error a string where a boolean goes
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", short_lived: "yes" });
  // @ts-expect-error an unknown field
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r", expires_in: 3600 });
  // @ts-expect-error camelCase field names are not Square's
  await oauth.obtainToken({ grant_type: "refresh_token", clientId, refresh_token: "r" });
  // @ts-expect-error a bare string is no body
  await oauth.obtainToken("grant_type=refresh_token");
  // @ts-expect-error a grant_type widened to string does not discriminate
  await oauth.obtainToken({ grant_type: String("refresh_token"), client_id: clientId, refresh_token: "r" });

  // ---- revokeToken, renewToken, retrieveTokenStatus ----
  // @ts-expect-error access_token together with merchant_id
  await oauth.revokeToken({ client_id: clientId, access_token: "t", merchant_id: "m" }, secret);
  // @ts-expect-error neither access_token nor merchant_id
  await oauth.revokeToken({ client_id: clientId }, secret);
  // @ts-expect-error revoke_only_access_token: true needs an access_token
  await oauth.revokeToken({ merchant_id: "m", revoke_only_access_token: true }, secret);
  // @ts-expect-error revoke_only_access_token is a boolean
  await oauth.revokeToken({ access_token: "t", revoke_only_access_token: "true" }, secret);
  // @ts-expect-error the authorization argument is required
  await oauth.revokeToken({ access_token: "t" });
  // @ts-expect-error authorization is a string
  await oauth.revokeToken({ access_token: "t" }, { authorization: secret });
  // @ts-expect-error renewToken takes the client ID first
  await oauth.renewToken({ access_token: "t" }, `Client ${secret}`);
  // @ts-expect-error renewToken body needs access_token
  await oauth.renewToken(clientId, {}, `Client ${secret}`);
  // @ts-expect-error retrieveTokenStatus needs the access token
  await oauth.retrieveTokenStatus();
  // @ts-expect-error a number where the access token goes
  await oauth.retrieveTokenStatus(123);

  // ---- client and call options ----
  // @ts-expect-error unknown option (it is timeoutMs)
  new OAuthClient({ timeout: 1_000 });
  // @ts-expect-error unknown environment
  new OAuthClient({ environment: "staging" });
  // @ts-expect-error an environment widened to string
  new OAuthClient({ environment: String("sandbox") });
  // @ts-expect-error timeoutMs is a number
  new OAuthClient({ timeoutMs: "30s" });
  // @ts-expect-error header values are strings
  new OAuthClient({ headers: { "X-Retry": 1 } });
  // @ts-expect-error fetch with the wrong signature
  new OAuthClient({ fetch: (input: number) => fetch(String(input)) });
  // @ts-expect-error fetch must return a promise of a Response
  new OAuthClient({ fetch: async (input: string) => input });
  // @ts-expect-error unknown call option (it is signal)
  await oauth.retrieveTokenStatus("t", { abortSignal: AbortSignal.timeout(1) });
  // @ts-expect-error retryUnsafe is a boolean
  await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r" }, { retryUnsafe: "yes" });
  // @ts-expect-error signal is an AbortSignal, not a controller
  await oauth.retrieveTokenStatus("t", { signal: new AbortController() });

  // ---- responses ----
  const token = await oauth.obtainToken({ grant_type: "refresh_token", client_id: clientId, refresh_token: "r" });
  // @ts-expect-error no index signature: unknown fields are not typed
  use(token.expires_in);
  // @ts-expect-error response fields are optional
  use(token.access_token.length);
  // @ts-expect-error short_lived is a boolean
  const shortLived: string | undefined = token.short_lived;
  // @ts-expect-error RetrieveTokenStatus has no access_token
  use((await oauth.retrieveTokenStatus("t")).access_token);

  // ---- errors ----
  const err = new Error("x") as unknown as SquareError;
  // @ts-expect-error instances come from the package only
  new SquareError("boom");
  // @ts-expect-error not a SquareErrorCode (that is one of Square's ErrorCode values)
  if (err.code === "UNAUTHORIZED") use(err);
  // @ts-expect-error code is readonly
  err.code = "TIMEOUT";
  // @ts-expect-error statusCode may be absent
  const status: number = err.statusCode;
  // @ts-expect-error not one of Square's error codes
  const badCode: ErrorCode = "NOT_A_CODE";
  // @ts-expect-error V1_ERROR is not one of the spec's categories
  const badCategory: ErrorCategory = "V1_ERROR";
  // @ts-expect-error a legacy V1 error code is any string, but its category is V1_ERROR only
  const badV1: SquareV1Error = { category: "API_ERROR", code: "x" };
  const apiError = err.errors[0];
  // @ts-expect-error without narrowing on category, code is only a string
  if (apiError) { const c: ErrorCode = apiError.code; use(c); }
  use(shortLived, status, badCode, badCategory, badV1);

  // ---- exhaustiveness: a switch that misses a code does not reach never ----
  const code = someCode;
  switch (code) {
    case "TIMEOUT":
    case "ABORTED":
      break;
    default: {
      // @ts-expect-error codes remain, so code is not never
      const rest: never = code;
      use(rest);
    }
  }

  // ---- flow helpers ----
  // @ts-expect-error a bad scope name
  authorizeUrl({ client_id: clientId, scope: ["PAYMENT_READ"] });
  // @ts-expect-error a bad locale
  authorizeUrl({ client_id: clientId, locale: "en-GB" });
  // @ts-expect-error client_id is required
  authorizeUrl({ scope: ["ITEMS_READ"] });
  // @ts-expect-error session is a boolean
  authorizeUrl({ client_id: clientId, session: "false" });
  // @ts-expect-error unknown authorize parameter
  authorizeUrl({ client_id: clientId, response_mode: "query" });
  // @ts-expect-error unknown option
  authorizeUrl({ client_id: clientId }, { environment: "sandbox", squareVersion: "2025-08-20" });
  // @ts-expect-error createPkce is async
  const verifier: string = createPkce().code_verifier;
  const pkce = await createPkce();
  // @ts-expect-error the challenge method is always S256
  if (pkce.code_challenge_method === "plain") use(pkce);
  // @ts-expect-error createState takes no argument
  createState(32);
  // @ts-expect-error parseCallback needs the expected state
  parseCallback("https://example.com/cb?code=c&state=s");
  // @ts-expect-error parseCallback takes a string or a URL
  parseCallback(123, "s");
  // @ts-expect-error shouldRefresh takes a token or its expires_at
  shouldRefresh(123);
  // @ts-expect-error now is a Date or a number
  shouldRefresh("2025-04-03T18:31:06Z", { now: "2025-01-01" });
  // @ts-expect-error unknown option
  shouldRefresh("2025-04-03T18:31:06Z", { days: 7 });
  // @ts-expect-error not a scope
  const badScope: Scope = "PAYMENTS";
  // @ts-expect-error not a locale
  const badLocale: Locale = "en-GB";
  // @ts-expect-error not a grant type
  const badGrant: GrantType = "client_credentials";
  use(verifier, badScope, badLocale, badGrant);
}
use(rejected);
