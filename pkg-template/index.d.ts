/**
 * square-oauth-edge: a client for Square's OAuth API (ObtainToken, RenewToken, RevokeToken,
 * RetrieveTokenStatus) and the OAuth flow helpers (authorize URL, PKCE, state, callback parsing),
 * compiled to WebAssembly and calling the runtime's own `fetch`. For edge runtimes (Cloudflare
 * Workers, Deno), Node and browsers.
 *
 * - Square's data keeps its snake_case wire names (`access_token`, `expires_at`); options and
 *   functions are camelCase.
 * - Every failure rejects (or throws) a {@link SquareError} with a stable {@link SquareErrorCode}.
 * - The application secret and OAuth tokens belong on a server (a Worker, a Deno or Node server).
 *   Square does not document CORS for its OAuth endpoints: from a browser, go through your server.
 *
 * These declarations are hand-written. The `ErrorCategory`, `ErrorCode` and `Scope` unions are
 * generated from Square's OpenAPI spec (Square API version 2025-08-20) by
 * `tests/types/gen-error-codes.mjs`; `tests/types/check-spec.mjs` checks the whole file against
 * the spec.
 *
 * @example
 * ```ts
 * import { OAuthClient, SquareError } from "square-oauth-edge";
 *
 * const oauth = new OAuthClient({ environment: "sandbox" });
 * const token = await oauth.obtainToken({
 *   grant_type: "authorization_code",
 *   client_id: env.SQUARE_APP_ID,
 *   client_secret: env.SQUARE_APP_SECRET,
 *   code,
 * });
 * ```
 *
 * @see https://developer.squareup.com/reference/square/oauth-api
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// Client configuration
// ---------------------------------------------------------------------------------------------

/**
 * Which Square servers to call.
 * - `"production"`: `https://connect.squareup.com` (the default)
 * - `"sandbox"`: `https://connect.squareupsandbox.com`
 */
export type Environment = "production" | "sandbox";

/**
 * A `fetch`-compatible function. The client calls it as `fetch(url, init)` with the absolute
 * request URL as a string; `init` asks for `redirect: "manual"` (redirects are never followed)
 * and carries the abort signal that enforces `timeoutMs` and the caller's `signal`.
 *
 * The global `fetch` of every supported runtime fits. The promise must resolve to a `Response`;
 * anything else fails with `INVALID_FETCH_RESULT`, and a rejection with `NETWORK_ERROR`.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link OAuthClient}. Every option is optional. */
export interface ClientOptions {
  /**
   * Square environment whose base URL the client calls. Default `"production"`.
   * Ignored when `baseUrl` is set.
   */
  environment?: Environment | undefined;
  /**
   * Base URL that overrides `environment`, for example a proxy or a mock server. It must be an
   * `https:` URL; `http:` is accepted only for the loopback hosts `127.0.0.1`, `localhost` and
   * `[::1]`. Anything else is rejected with a {@link SquareError} of code `INSECURE_URL` (field
   * `"options.baseUrl"`).
   */
  baseUrl?: string | undefined;
  /**
   * Square API version, `YYYY-MM-DD`, sent as the `Square-Version` header.
   * Default `"2025-08-20"`, the spec release these types describe.
   */
  squareVersion?: string | undefined;
  /**
   * The `fetch` to call. Default: the runtime's global `fetch`. Useful for tests, instrumentation
   * or a runtime-specific client.
   */
  fetch?: FetchLike | undefined;
  /**
   * Extra headers sent with every request (for example a `User-Agent` detail or a tracing ID).
   * They cannot override `Authorization`, `Content-Type` or `Square-Version`. A value that could
   * split or forge a header (CR, LF, NUL, …) is rejected with `UNSAFE_HEADER_VALUE`.
   */
  headers?: Record<string, string> | undefined;
  /**
   * Time limit of each attempt in milliseconds; every retry gets a fresh limit. Default `30000`.
   * When it runs out, the call fails with `TIMEOUT`.
   */
  timeoutMs?: number | undefined;
  /**
   * Time limit of the whole call in milliseconds: every attempt and every back-off wait between
   * attempts. Default `60000`. An attempt's own limit is cut to what is left of it, and a retry
   * whose wait would end after it is not started.
   */
  totalTimeoutMs?: number | undefined;
  /**
   * How many times a transient failure may be retried, so at most `maxRetries + 1` requests per
   * call. Default `2`; `0` disables retries. Retried: 429 (honouring `Retry-After`), 408, 5xx,
   * network errors and attempt timeouts, with exponential back-off. Single-use grants
   * (`authorization_code`, and `refresh_token` without `client_secret`, that is PKCE) are retried
   * only after a 429, which proves Square did not act on the request, unless the call sets
   * {@link CallOptions.retryUnsafe}.
   */
  maxRetries?: number | undefined;
}

/** Per-call options of the {@link OAuthClient} methods. Every option is optional. */
export interface CallOptions {
  /**
   * Aborts the call, including a pending retry or back-off wait. The promise then rejects with a
   * {@link SquareError} of code `ABORTED` whose `cause` is the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /** Overrides {@link ClientOptions.timeoutMs} for this call (milliseconds per attempt). */
  timeoutMs?: number | undefined;
  /** Overrides {@link ClientOptions.totalTimeoutMs} for this call (milliseconds for all attempts). */
  totalTimeoutMs?: number | undefined;
  /** Overrides {@link ClientOptions.squareVersion} (`YYYY-MM-DD`) for this call. */
  squareVersion?: string | undefined;
  /** Overrides {@link ClientOptions.maxRetries} for this call. */
  maxRetries?: number | undefined;
  /**
   * Opt in to retrying a single-use grant (an `authorization_code` exchange, or a PKCE
   * `refresh_token` call) after a failure where the request may already have reached Square
   * (a timeout, a network error, a 408 or 5xx). Default `false`: such a retry could present
   * a code or refresh token that the first attempt already consumed, and fail, while the tokens
   * issued by the first attempt are lost.
   */
  retryUnsafe?: boolean | undefined;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/**
 * The `grant_type` of an ObtainToken request.
 * - `authorization_code`: exchange the `code` from the authorization redirect.
 * - `refresh_token`: get a new access token with a `refresh_token`.
 * - `migration_token`: LEGACY, for access tokens obtained with a Square API version before
 *   2019-03-13.
 */
export type GrantType = "authorization_code" | "refresh_token" | "migration_token";

/**
 * ObtainToken with the **code flow** (confidential clients): exchange the authorization `code`
 * from the redirect for an access token and a refresh token, authenticating with the application
 * secret. The response's refresh token is multi-use and never expires.
 *
 * Authorization codes are single-use and expire after 5 minutes, so this call is not retried
 * once the request may have reached Square (see {@link CallOptions.retryUnsafe}).
 */
export interface AuthorizationCodeRequest {
  /** `"authorization_code"`. */
  grant_type: "authorization_code";
  /** Your **Application ID** (OAuth page of the Developer Console). At most 191 characters. */
  client_id: string;
  /**
   * Your application secret (the **Application secret** on the OAuth page of the Developer
   * Console), 2–1024 characters. Not your personal access token. Keep it server-side.
   */
  client_secret: string;
  /** The authorization code that Square sent to your redirect URL. At most 191 characters. */
  code: string;
  /**
   * Your registered redirect URL. Required if the authorization URL had a `redirect_uri`, and
   * then it must be the same. At most 2048 characters.
   */
  redirect_uri?: string | null | undefined;
  /** `true` for an access token that expires in 24 hours instead of 30 days. Default `false`. */
  short_lived?: boolean | null | undefined;
  /**
   * `true` to get a JWT (JSON Web Token) as the access token. Default `false`. Not in the
   * 2025-08-20 spec: Square's SDKs send it since their 2026-01-22 release.
   */
  use_jwt?: boolean | null | undefined;
  /** Not sent with the code flow, which authenticates with `client_secret`: PKCE only. */
  code_verifier?: never;
  /** Belongs to the `refresh_token` grant. */
  refresh_token?: never;
  /** Belongs to the `migration_token` grant. */
  migration_token?: never;
  /** Belongs to the `refresh_token` grant. */
  scopes?: never;
}

/**
 * ObtainToken with the **PKCE flow** (public clients that cannot keep a secret): exchange the
 * authorization `code` for tokens, proving possession with the `code_verifier` from which the
 * authorization URL's `code_challenge` was derived. No `client_secret`.
 *
 * The response's refresh token is single-use and expires in 90 days (see
 * `refresh_token_expires_at`). The code is single-use too, so this call is not retried once the
 * request may have reached Square (see {@link CallOptions.retryUnsafe}).
 */
export interface PkceAuthorizationCodeRequest {
  /** `"authorization_code"`. */
  grant_type: "authorization_code";
  /** Your **Application ID** (OAuth page of the Developer Console). At most 191 characters. */
  client_id: string;
  /** The authorization code that Square sent to your redirect URL. At most 191 characters. */
  code: string;
  /**
   * The secret your application generated for this authorization, the source of the
   * `code_challenge` in the authorization URL (see {@link createPkce}).
   */
  code_verifier: string;
  /**
   * Your registered redirect URL. Required if the authorization URL had a `redirect_uri`, and
   * then it must be the same. At most 2048 characters.
   */
  redirect_uri?: string | null | undefined;
  /** `true` for an access token that expires in 24 hours instead of 30 days. Default `false`. */
  short_lived?: boolean | null | undefined;
  /**
   * `true` to get a JWT (JSON Web Token) as the access token. Default `false`. Not in the
   * 2025-08-20 spec: Square's SDKs send it since their 2026-01-22 release.
   */
  use_jwt?: boolean | null | undefined;
  /** The PKCE flow has no client secret; a request with both is the code flow's. */
  client_secret?: never;
  /** Belongs to the `refresh_token` grant. */
  refresh_token?: never;
  /** Belongs to the `migration_token` grant. */
  migration_token?: never;
  /** Belongs to the `refresh_token` grant. */
  scopes?: never;
}

/**
 * ObtainToken with the `refresh_token` grant: get a new access token.
 * - **Code flow**: send `client_secret`. The response returns the same (multi-use) refresh token.
 * - **PKCE flow**: omit `client_secret`. The response returns a **new** single-use refresh token
 *   (90 days) and the one sent is spent: store the new one. Such a call is not retried once the
 *   request may have reached Square (see {@link CallOptions.retryUnsafe}).
 *
 * Square recommends refreshing every 7 days or less (see {@link shouldRefresh}).
 */
export interface RefreshTokenRequest {
  /** `"refresh_token"`. */
  grant_type: "refresh_token";
  /** Your **Application ID** (OAuth page of the Developer Console). At most 191 characters. */
  client_id: string;
  /**
   * Your application secret, 2–1024 characters: required with the code flow, omitted (or `null`)
   * with the PKCE flow.
   */
  client_secret?: string | null | undefined;
  /** A refresh token returned by an earlier ObtainToken call. 2–1024 characters. */
  refresh_token: string;
  /**
   * Permissions requested for the new access token, which gets the intersection of these and the
   * permissions of the refresh token. Example: `["MERCHANT_PROFILE_READ", "PAYMENTS_READ"]`.
   */
  scopes?: readonly Scope[] | null | undefined;
  /** `true` for an access token that expires in 24 hours instead of 30 days. Default `false`. */
  short_lived?: boolean | null | undefined;
  /**
   * `true` to get a JWT (JSON Web Token) as the access token. Default `false`. Not in the
   * 2025-08-20 spec: Square's SDKs send it since their 2026-01-22 release.
   */
  use_jwt?: boolean | null | undefined;
  /** Belongs to the `authorization_code` grant. */
  code?: never;
  /** Belongs to the PKCE `authorization_code` grant; a PKCE refresh sends no verifier. */
  code_verifier?: never;
  /** Belongs to the `authorization_code` grant. */
  redirect_uri?: never;
  /** Belongs to the `migration_token` grant. */
  migration_token?: never;
}

/**
 * ObtainToken with the `migration_token` grant: exchange an access token obtained with a Square
 * API version before 2019-03-13 for a current access token and a refresh token.
 *
 * @deprecated LEGACY grant type, only for tokens from Square API versions before 2019-03-13.
 * See https://developer.squareup.com/docs/oauth-api/migrate-to-refresh-tokens
 */
export interface MigrationTokenRequest {
  /** `"migration_token"`. */
  grant_type: "migration_token";
  /** Your **Application ID** (OAuth page of the Developer Console). At most 191 characters. */
  client_id: string;
  /** Your application secret, 2–1024 characters. Keep it server-side. */
  client_secret: string;
  /**
   * The old access token (from a Square API version before 2019-03-13) to migrate.
   * 2–1024 characters.
   * @deprecated LEGACY.
   */
  migration_token: string;
  /** `true` for an access token that expires in 24 hours instead of 30 days. Default `false`. */
  short_lived?: boolean | null | undefined;
  /**
   * `true` to get a JWT (JSON Web Token) as the access token. Default `false`. Not in the
   * 2025-08-20 spec: Square's SDKs send it since their 2026-01-22 release.
   */
  use_jwt?: boolean | null | undefined;
  /** Belongs to the `authorization_code` grant. */
  code?: never;
  /** Belongs to the PKCE `authorization_code` grant. */
  code_verifier?: never;
  /** Belongs to the `authorization_code` grant. */
  redirect_uri?: never;
  /** Belongs to the `refresh_token` grant. */
  refresh_token?: never;
  /** Belongs to the `refresh_token` grant. */
  scopes?: never;
}

/**
 * The body of an ObtainToken request (`POST /oauth2/token`): one variant per grant type and
 * flow, discriminated by `grant_type` and by which credential is present (`client_secret` for the
 * code flow, `code_verifier` for PKCE). Fields of another variant are rejected.
 *
 * @see https://developer.squareup.com/reference/square/oauth-api/obtain-token
 */
export type ObtainTokenRequest =
  | AuthorizationCodeRequest
  | PkceAuthorizationCodeRequest
  | RefreshTokenRequest
  | MigrationTokenRequest;

/** RevokeToken by access token: revoke the authorization that `access_token` belongs to. */
export interface RevokeByAccessTokenRequest {
  /** Your application ID (the **Application ID** on the OAuth page). At most 191 characters. */
  client_id?: string | null | undefined;
  /** An access token of the seller whose authorization to revoke. 2–1024 characters. */
  access_token: string;
  /** Send either `access_token` or `merchant_id`, never both. */
  merchant_id?: never;
  /**
   * `true` to terminate only this access token and keep the authorization (and its other
   * tokens) alive. Default `false`.
   */
  revoke_only_access_token?: boolean | null | undefined;
}

/** RevokeToken by seller: revoke every token your application holds for `merchant_id`. */
export interface RevokeByMerchantIdRequest {
  /** Your application ID (the **Application ID** on the OAuth page). At most 191 characters. */
  client_id?: string | null | undefined;
  /** The ID of the seller (merchant) whose tokens to revoke. */
  merchant_id: string;
  /** Send either `access_token` or `merchant_id`, never both. */
  access_token?: never;
  /** Applies to a single access token only, so with `merchant_id` it can only be `false`. */
  revoke_only_access_token?: false | null | undefined;
}

/**
 * The body of a RevokeToken request (`POST /oauth2/revoke`): identify the authorization either by
 * one of its access tokens or by the seller's ID.
 *
 * @see https://developer.squareup.com/reference/square/oauth-api/revoke-token
 */
export type RevokeTokenRequest = RevokeByAccessTokenRequest | RevokeByMerchantIdRequest;

/**
 * The body of a RenewToken request.
 * @deprecated RenewToken is deprecated: refresh with {@link OAuthClient.obtainToken} and
 * `grant_type: "refresh_token"` instead.
 */
export interface RenewTokenRequest {
  /** The access token to renew. 2–1024 characters. */
  access_token: string;
}

// ---------------------------------------------------------------------------------------------
// Responses (every field optional, as in Square's spec; no index signatures)
// ---------------------------------------------------------------------------------------------

/**
 * The response of ObtainToken.
 * @see https://developer.squareup.com/reference/square/oauth-api/obtain-token
 */
export interface ObtainTokenResponse {
  /**
   * OAuth access token that authorizes Square API requests on behalf of the seller; send it as
   * `Authorization: Bearer …`. Expires in 30 days (24 hours when `short_lived`): refresh it well
   * before. 2–1024 characters.
   */
  access_token?: string;
  /** The type of access token: always `bearer`. */
  token_type?: string;
  /** When `access_token` expires, in ISO 8601 format (e.g. `2025-04-03T18:31:06Z`). */
  expires_at?: string;
  /** The ID of the authorizing seller (merchant), which represents a business. 8–191 characters. */
  merchant_id?: string;
  /**
   * The ID of the seller's subscription; only present if the seller signed up for a subscription
   * plan during authorization.
   * @deprecated LEGACY field.
   */
  subscription_id?: string;
  /**
   * The ID of the subscription plan the seller signed up for; only present if the seller signed up
   * for a subscription plan during authorization.
   * @deprecated LEGACY field.
   */
  plan_id?: string;
  /**
   * The OpenID token of this person, only present if the `OPENID` scope was requested.
   * @deprecated Deprecated at Square API version 2021-09-15: Square doesn't support OpenID or
   * other single sign-on (SSO) protocols on top of OAuth.
   */
  id_token?: string;
  /**
   * Refresh token for a later ObtainToken call with `grant_type: "refresh_token"`.
   * - Code flow: multi-use and never expires; a refresh returns the same refresh token.
   * - PKCE flow: single-use and expires in 90 days; each refresh returns a new one, which must
   *   replace the stored one.
   *
   * 2–1024 characters.
   */
  refresh_token?: string;
  /** Whether `access_token` is short-lived: `true` expires in 24 hours, `false` in 30 days. */
  short_lived?: boolean;
  /**
   * Errors Square reported. A call never resolves with a non-empty array: a successful status
   * with errors is rejected as `ERRORS_IN_SUCCESS`.
   */
  errors?: SquareV2Error[];
  /** When `refresh_token` expires, in ISO 8601 format. Returned only for the PKCE flow. */
  refresh_token_expires_at?: string;
}

/**
 * The response of the deprecated RenewToken.
 * @deprecated RenewToken is deprecated; see {@link OAuthClient.renewToken}.
 */
export interface RenewTokenResponse {
  /**
   * The renewed access token, which may differ from the one sent; send it as
   * `Authorization: Bearer …`. 2–1024 characters.
   */
  access_token?: string;
  /** The type of access token: always `bearer`. */
  token_type?: string;
  /** When `access_token` expires, in ISO 8601 format. */
  expires_at?: string;
  /** The ID of the authorizing seller's business. 8–191 characters. */
  merchant_id?: string;
  /**
   * The ID of the seller's subscription associated with the authorization; only present if the
   * seller signed up for a subscription during authorization.
   * @deprecated LEGACY field.
   */
  subscription_id?: string;
  /**
   * The ID of the subscription plan the seller signed up for; only present if the seller signed up
   * for a subscription plan during authorization.
   * @deprecated LEGACY field.
   */
  plan_id?: string;
  /**
   * Errors Square reported. A call never resolves with a non-empty array: a successful status
   * with errors is rejected as `ERRORS_IN_SUCCESS`.
   */
  errors?: SquareV2Error[];
}

/**
 * The response of RevokeToken.
 * @see https://developer.squareup.com/reference/square/oauth-api/revoke-token
 */
export interface RevokeTokenResponse {
  /** `true` if the request succeeded. */
  success?: boolean;
  /**
   * Errors Square reported. A call never resolves with a non-empty array: a successful status
   * with errors is rejected as `ERRORS_IN_SUCCESS`.
   */
  errors?: SquareV2Error[];
}

/**
 * The response of RetrieveTokenStatus.
 * @see https://developer.squareup.com/reference/square/oauth-api/retrieve-token-status
 */
export interface RetrieveTokenStatusResponse {
  /**
   * The permissions of the access token. Typed `string[]`, not {@link Scope}`[]`: Square may
   * return permissions newer than this package.
   */
  scopes?: string[];
  /**
   * When the access token expires, in RFC 3339 format. **Empty if the token never expires**
   * (a personal access token).
   */
  expires_at?: string;
  /** The application ID the token was obtained with. At most 191 characters. */
  client_id?: string;
  /** The ID of the authorizing seller's business. 8–191 characters. */
  merchant_id?: string;
  /**
   * Errors Square reported. A call never resolves with a non-empty array: a successful status
   * with errors is rejected as `ERRORS_IN_SUCCESS`.
   */
  errors?: SquareV2Error[];
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/**
 * A client for Square's OAuth API. It holds only plain options (no secret, no token): pass
 * credentials per call. Every method returns a promise that rejects with a {@link SquareError}.
 *
 * @example
 * ```ts
 * const oauth = new OAuthClient({ environment: "sandbox", timeoutMs: 10_000 });
 * ```
 */
export declare class OAuthClient {
  /**
   * @param options Environment or base URL, Square-Version, `fetch`, extra headers, timeout and
   * retries; all optional. Invalid options are reported as a {@link SquareError} with an input
   * code (`INSECURE_URL`, `INVALID_TYPE`, `INVALID_VALUE`, `UNSAFE_HEADER_VALUE`).
   */
  constructor(options?: ClientOptions);

  /**
   * **ObtainToken**, `POST /oauth2/token`: exchange an authorization code, refresh an access
   * token, or (LEGACY) migrate an old one. Sent with no `Authorization` header: the credential
   * is in the body (`client_secret` for the code flow, `code_verifier` for PKCE).
   *
   * `authorization_code` exchanges and PKCE refreshes are single-use and are not retried once the
   * request may have reached Square, unless `options.retryUnsafe` is set.
   *
   * @see https://developer.squareup.com/reference/square/oauth-api/obtain-token
   * @param body The request body, one of the {@link ObtainTokenRequest} variants.
   * @param options Per-call signal, timeout, Square-Version and retries.
   * @returns The tokens. Store them encrypted, server-side.
   * @throws {SquareError} An input code (nothing sent), a transport code, or a response code
   * such as `SQUARE_ERROR` with Square's `errors`.
   *
   * @example
   * ```ts
   * // Code flow, on your server, in the redirect handler:
   * const { code } = parseCallback(request.url, storedState);
   * const token = await oauth.obtainToken({
   *   grant_type: "authorization_code",
   *   client_id: env.SQUARE_APP_ID,
   *   client_secret: env.SQUARE_APP_SECRET,
   *   code,
   * });
   *
   * // Refresh (code flow; omit client_secret for PKCE and store the new refresh_token):
   * const fresh = await oauth.obtainToken({
   *   grant_type: "refresh_token",
   *   client_id: env.SQUARE_APP_ID,
   *   client_secret: env.SQUARE_APP_SECRET,
   *   refresh_token: stored.refresh_token,
   * });
   * ```
   */
  obtainToken(body: ObtainTokenRequest, options?: CallOptions): Promise<ObtainTokenResponse>;

  /**
   * **RenewToken**, `POST /oauth2/clients/{client_id}/access-token/renew`: renew an access token
   * before it expires, or within 15 days after. Sent with
   * `Authorization: Client APPLICATION_SECRET`.
   *
   * @deprecated Square deprecated RenewToken and dropped it from its API reference and SDKs after
   * Square API version 2024-03-20. Refresh with {@link OAuthClient.obtainToken} and
   * `grant_type: "refresh_token"` instead; see
   * https://developer.squareup.com/docs/oauth-api/migrate-to-refresh-tokens
   *
   * @see https://developer.squareup.com/reference/square/oauth-api/renew-token
   * @param clientId Your application ID, sent in the URL path.
   * @param body The access token to renew.
   * @param authorization `"Client APPLICATION_SECRET"`, or the bare secret (the `Client ` prefix
   * is then added). A `Bearer …` value is rejected with `INVALID_AUTHORIZATION`.
   * @param options Per-call signal, timeout, Square-Version and retries.
   * @throws {SquareError}
   *
   * @example
   * ```ts
   * const renewed = await oauth.renewToken(
   *   env.SQUARE_APP_ID,
   *   { access_token: stored.access_token },
   *   `Client ${env.SQUARE_APP_SECRET}`,
   * );
   * ```
   */
  renewToken(
    clientId: string,
    body: RenewTokenRequest,
    authorization: string,
    options?: CallOptions,
  ): Promise<RenewTokenResponse>;

  /**
   * **RevokeToken**, `POST /oauth2/revoke`: revoke the authorization of a seller. If the seller has
   * several access tokens for your application, all of them are revoked, whichever one you send,
   * unless `revoke_only_access_token` is `true`. Sent with
   * `Authorization: Client APPLICATION_SECRET`.
   *
   * @see https://developer.squareup.com/reference/square/oauth-api/revoke-token
   * @param body Either `access_token` or `merchant_id` (not both), usually with `client_id`.
   * @param authorization `"Client APPLICATION_SECRET"`, or the bare secret (the `Client ` prefix
   * is then added). A `Bearer …` value is rejected with `INVALID_AUTHORIZATION`.
   * @param options Per-call signal, timeout, Square-Version and retries.
   * @returns `{ success: true }` on success.
   * @throws {SquareError}
   *
   * @example
   * ```ts
   * await oauth.revokeToken(
   *   { client_id: env.SQUARE_APP_ID, access_token: stored.access_token },
   *   `Client ${env.SQUARE_APP_SECRET}`,
   * );
   * ```
   */
  revokeToken(
    body: RevokeTokenRequest,
    authorization: string,
    options?: CallOptions,
  ): Promise<RevokeTokenResponse>;

  /**
   * **RetrieveTokenStatus**, `POST /oauth2/token/status`: the scopes, expiry, application and
   * seller of an OAuth access token or a personal access token. Sent with
   * `Authorization: Bearer ACCESS_TOKEN` and no body. An expired or invalid token fails with
   * `SQUARE_ERROR` whose `errors` hold `UNAUTHORIZED`.
   *
   * @see https://developer.squareup.com/reference/square/oauth-api/retrieve-token-status
   * @param accessToken The token to inspect, without the `Bearer ` prefix.
   * @param options Per-call signal, timeout, Square-Version and retries.
   * @throws {SquareError}
   *
   * @example
   * ```ts
   * const status = await oauth.retrieveTokenStatus(stored.access_token, {
   *   signal: AbortSignal.timeout(5_000),
   * });
   * if (!status.scopes?.includes("PAYMENTS_READ")) throw new Error("re-authorize");
   * ```
   */
  retrieveTokenStatus(
    accessToken: string,
    options?: CallOptions,
  ): Promise<RetrieveTokenStatusResponse>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Codes of errors raised before any request was sent: the arguments were rejected. */
export type SquareInputErrorCode =
  /** A required field or argument is absent or empty (e.g. `body.client_id`). */
  | "MISSING_FIELD"
  /** The body has a field that the endpoint does not take (e.g. a misspelt name). */
  | "UNKNOWN_FIELD"
  /** A value has the wrong JavaScript type (e.g. a number where a string goes). */
  | "INVALID_TYPE"
  /** A value has the right type but is not acceptable (e.g. too long, or a bad `squareVersion`). */
  | "INVALID_VALUE"
  /** Fields that exclude each other were given together (e.g. `access_token` and `merchant_id`). */
  | "CONFLICTING_FIELDS"
  /** A value that goes into a header contains characters that could split or forge headers. */
  | "UNSAFE_HEADER_VALUE"
  /** `baseUrl` is not `https:` (`http:` is allowed only for 127.0.0.1, localhost and [::1]). */
  | "INSECURE_URL"
  /** `authorization` is neither `"Client SECRET"` nor a bare secret (e.g. a `Bearer …` value). */
  | "INVALID_AUTHORIZATION";

/** Codes of errors where no usable response arrived. `cause` holds the original error. */
export type SquareTransportErrorCode =
  /** `fetch` rejected (DNS, connection, TLS or CORS failure); `cause` is its error. */
  | "NETWORK_ERROR"
  /** The last attempt ran out of `timeoutMs`, or the call ran out of `totalTimeoutMs`. */
  | "TIMEOUT"
  /** The caller's `signal` aborted the call; `cause` is the abort reason. */
  | "ABORTED"
  /** The injected `fetch` resolved to something that is not a `Response`. */
  | "INVALID_FETCH_RESULT";

/** Codes of errors decided from a response; `statusCode` is set. */
export type SquareResponseErrorCode =
  /** An error status with Square's errors in the body (`errors[]` or legacy `{type, message}`). */
  | "SQUARE_ERROR"
  /** An error status whose body is not a Square error (e.g. a proxy's HTML page); see `body`. */
  | "HTTP_ERROR"
  /** A 3xx response: redirects are never followed. */
  | "REDIRECT"
  /** A 2xx response whose body carries a non-empty `errors` array; see `errors`. */
  | "ERRORS_IN_SUCCESS"
  /** A response without a body where JSON was expected. */
  | "EMPTY_RESPONSE"
  /** A body that does not parse as JSON; `body` holds the text. */
  | "INVALID_JSON"
  /** A response whose `Content-Type` is not JSON. */
  | "UNEXPECTED_CONTENT_TYPE"
  /** JSON whose top level is not an object, or with a field of the wrong type. */
  | "INVALID_RESPONSE"
  /** A body larger than the client's size limit. */
  | "RESPONSE_TOO_LARGE";

/** Codes thrown by {@link parseCallback} (the OAuth flow helpers). */
export type SquareFlowErrorCode =
  /** The seller declined the authorization (`error=access_denied` in the callback). */
  | "ACCESS_DENIED"
  /** The callback carries another `error` (with `error_description`) from Square. */
  | "AUTHORIZATION_ERROR"
  /** The callback has neither `code` nor `error`. */
  | "MISSING_CODE"
  /** The callback's `state` is absent or differs from the expected one (possible CSRF). */
  | "STATE_MISMATCH";

/**
 * The stable `code` of a {@link SquareError}. A `switch` over it narrows, and one that handles
 * every code can end with an exhaustive `never` check.
 */
export type SquareErrorCode =
  | SquareInputErrorCode
  | SquareTransportErrorCode
  | SquareResponseErrorCode
  | SquareFlowErrorCode;

/** An error object of Square's `errors` array (the spec's `Error` schema). */
export interface SquareV2Error {
  /** The high-level category of the error. */
  category: ErrorCategory;
  /** The specific code of the error. */
  code: ErrorCode;
  /** A human-readable description of the error, for debugging. */
  detail?: string;
  /** The name of the request field the error is about, if any. */
  field?: string;
}

/**
 * Square's legacy Connect v1 error body, `{ "type": …, "message": … }`, which some OAuth
 * failures still return, normalised: `code` ← `type`, `detail` ← `message`.
 */
export interface SquareV1Error {
  /** Always `"V1_ERROR"`: tells this shape apart from {@link SquareV2Error}. */
  category: "V1_ERROR";
  /** The legacy `type`, e.g. `"service.not_authorized"` or `"bad_request.invalid_parameter"`. */
  code: string;
  /** The legacy `message`, e.g. `"Not Authorized"`. */
  detail?: string;
  /** The request field the error is about, if the body named one. */
  field?: string;
}

/** One of Square's errors, in either shape; `category === "V1_ERROR"` tells them apart. */
export type SquareApiError = SquareV2Error | SquareV1Error;

/**
 * The only error this package throws or rejects with. `message` is for humans; branch on `code`.
 *
 * @example
 * ```ts
 * try {
 *   await oauth.obtainToken(body);
 * } catch (err) {
 *   if (!(err instanceof SquareError)) throw err;
 *   if (err.code === "SQUARE_ERROR" && err.errors.some((e) => e.code === "UNAUTHORIZED")) {
 *     // ask the seller to authorize again
 *   }
 * }
 * ```
 */
export declare class SquareError extends Error {
  /** Instances are created by the package only. */
  private constructor();
  /** Always `"SquareError"`. */
  readonly name: "SquareError";
  /** What went wrong, as a stable code. */
  readonly code: SquareErrorCode;
  /** The HTTP status, whenever a response arrived (never for input errors). */
  readonly statusCode?: number;
  /** Square's errors from the response, in either shape; an empty array when there are none. */
  readonly errors: SquareApiError[];
  /** The parsed JSON body, or the raw text when it is not JSON, with secrets redacted. */
  readonly body?: unknown;
  /**
   * The offending input for input errors, e.g. `"body.client_id"`, `"options.baseUrl"`,
   * `"clientId"` or `"authorization"`.
   */
  readonly field?: string;
  /** The original error of a transport failure: the abort reason, or the `TypeError` of `fetch`. */
  readonly cause?: unknown;
}

// ---------------------------------------------------------------------------------------------
// OAuth flow helpers
// ---------------------------------------------------------------------------------------------

/** A language of Square's authorization page. */
export type Locale = "en-IE" | "en-US" | "en-CA" | "es-US" | "fr-CA" | "ja-JP";

/** Query parameters of Square's authorization page, for {@link authorizeUrl}. */
export interface AuthorizeParams {
  /** Your application ID. */
  client_id: string;
  /**
   * Permissions to request: scope names (joined with spaces), or a ready space-separated string.
   * Square's default: `MERCHANT_PROFILE_READ PAYMENTS_READ SETTLEMENTS_READ BANK_ACCOUNTS_READ`.
   */
  scope?: readonly Scope[] | string | undefined;
  /**
   * Opaque value echoed to your redirect URL, to tie the callback to this browser session and
   * prevent CSRF: create it with {@link createState} and check it with {@link parseCallback}.
   */
  state?: string | undefined;
  /** Your registered redirect URL. If given, ObtainToken must then send the same `redirect_uri`. */
  redirect_uri?: string | undefined;
  /** The language of the authorization page. */
  locale?: Locale | undefined;
  /**
   * `false` makes the seller log in again even with a valid Square session. Default `true`.
   * No effect in the Sandbox.
   */
  session?: boolean | undefined;
  /**
   * PKCE: the `code_challenge` of {@link createPkce}. The code then has to be exchanged with the
   * matching `code_verifier`.
   */
  code_challenge?: string | undefined;
}

/** Where {@link authorizeUrl} points: the same choices as {@link ClientOptions}. */
export interface AuthorizeUrlOptions {
  /** Default `"production"`. Ignored when `baseUrl` is set. */
  environment?: Environment | undefined;
  /** Overrides `environment`; the same `https:` rule as {@link ClientOptions.baseUrl}. */
  baseUrl?: string | undefined;
}

/**
 * Builds the URL of Square's authorization page, `GET {base}/oauth2/authorize?…`, where the
 * seller approves your application. Redirect the seller's browser there.
 *
 * @see https://developer.squareup.com/reference/square/oauth-api/authorize
 * @throws {SquareError} For invalid input (e.g. an empty `client_id`, an insecure `baseUrl`).
 *
 * @example
 * ```ts
 * const state = createState();
 * const url = authorizeUrl(
 *   { client_id: env.SQUARE_APP_ID, scope: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], state },
 *   { environment: "sandbox" },
 * );
 * return Response.redirect(url, 302);
 * ```
 */
export declare function authorizeUrl(
  params: AuthorizeParams,
  options?: AuthorizeUrlOptions,
): string;

/** A PKCE verifier and its challenge (RFC 7636), from {@link createPkce}. */
export interface Pkce {
  /**
   * The secret to keep (server-side, or in the session) until the code is exchanged: send it as
   * `code_verifier` to {@link OAuthClient.obtainToken}.
   */
  code_verifier: string;
  /** `BASE64URL(SHA-256(code_verifier))`, for the `code_challenge` of {@link authorizeUrl}. */
  code_challenge: string;
  /** Always `"S256"`: the challenge is the SHA-256 of the verifier. */
  code_challenge_method: "S256";
}

/**
 * Creates a PKCE verifier from cryptographically random bytes, and its `S256` challenge.
 * Square's documentation does not name the challenge method; S256 is RFC 7636's.
 *
 * @example
 * ```ts
 * const pkce = await createPkce();
 * const url = authorizeUrl({ client_id, code_challenge: pkce.code_challenge, state });
 * // … later, in the callback:
 * const token = await oauth.obtainToken({
 *   grant_type: "authorization_code",
 *   client_id,
 *   code,
 *   code_verifier: pkce.code_verifier,
 * });
 * ```
 */
export declare function createPkce(): Promise<Pkce>;

/**
 * Creates a cryptographically random, URL-safe `state` for {@link authorizeUrl}. Store it with
 * the seller's session and pass it to {@link parseCallback}.
 */
export declare function createState(): string;

/** The parameters of a successful authorization callback, from {@link parseCallback}. */
export interface AuthorizationCallback {
  /** The authorization code: single-use, valid for 5 minutes. Exchange it with ObtainToken. */
  code: string;
  /** The `state` Square echoed, equal to the expected one. */
  state: string;
}

/**
 * Reads the callback that Square redirects the seller to (`?code=…&state=…`, or
 * `?error=access_denied&error_description=…`) and checks its `state`.
 *
 * @param url The full callback URL, e.g. `request.url`.
 * @param expectedState The `state` stored when the authorization URL was built.
 * @throws {SquareError} `ACCESS_DENIED` (the seller declined), `AUTHORIZATION_ERROR` (another
 * `error`), `MISSING_CODE` or `STATE_MISMATCH`.
 *
 * @example
 * ```ts
 * const { code } = parseCallback(request.url, session.oauthState);
 * ```
 */
export declare function parseCallback(
  url: string | URL,
  expectedState: string,
): AuthorizationCallback;

/** Options of {@link shouldRefresh}. */
export interface ShouldRefreshOptions {
  /** The current time, as a `Date` or epoch milliseconds. Default: now. */
  now?: Date | number | undefined;
  /** Refresh tokens issued at least this many days ago. Default `7`, as Square recommends. */
  refreshAfterDays?: number | undefined;
}

/**
 * Whether an access token is due for a refresh. Square recommends refreshing every 7 days or
 * less; a token lives 30 days, so it was issued `refreshAfterDays` or more days ago exactly when
 * it expires in at most `30 − refreshAfterDays` days.
 *
 * Returns `true` when `expires_at − now ≤ (30 − refreshAfterDays)` days: with the default of 7,
 * when `expires_at` is 23 days away or less, including already expired and short-lived (24 h)
 * tokens. Also `true` when `expires_at` is absent, empty or not a parseable timestamp, so a
 * personal access token's empty `expires_at` (RetrieveTokenStatus) reads as due.
 *
 * @param token An ObtainToken/RetrieveTokenStatus response (its `expires_at`), or `expires_at`
 * itself as an ISO 8601 string.
 *
 * @example
 * ```ts
 * if (shouldRefresh(stored)) {
 *   stored = await oauth.obtainToken({
 *     grant_type: "refresh_token",
 *     client_id,
 *     client_secret,
 *     refresh_token: stored.refresh_token,
 *   });
 * }
 * ```
 */
export declare function shouldRefresh(
  token: { expires_at?: string | undefined } | string,
  options?: ShouldRefreshOptions,
): boolean;

// ---------------------------------------------------------------------------------------------
// Unions generated from Square's spec by tests/types/gen-error-codes.mjs (do not edit by hand)
// ---------------------------------------------------------------------------------------------

// #region generated: ErrorCategory
/**
 * High-level category of a Square API error (`Error.category`): the spec's
 * `ErrorCategory` enum, Square API version 2025-08-20.
 */
export type ErrorCategory =
  /** An error occurred with the Connect API itself. */
  | "API_ERROR"
  /**
   * An authentication error occurred. Most commonly, the request had a missing, malformed, or
   * otherwise invalid `Authorization` header.
   */
  | "AUTHENTICATION_ERROR"
  /**
   * The request was invalid. Most commonly, a required parameter was missing, or a provided
   * parameter had an invalid value.
   */
  | "INVALID_REQUEST_ERROR"
  /**
   * Your application reached the Square API rate limit. You might receive this error if your
   * application sends a high number of requests to Square APIs in a short period of time. Your
   * application should monitor responses for `429 RATE_LIMITED` errors and use a retry mechanism
   * with an exponential backoff schedule to resend the requests at an increasingly slower rate. It
   * is also a good practice to use a randomized delay (jitter) in your retry schedule.
   */
  | "RATE_LIMIT_ERROR"
  /**
   * An error occurred while processing a payment method. Most commonly, the details of the payment
   * method were invalid (such as a card's CVV or expiration date).
   */
  | "PAYMENT_METHOD_ERROR"
  /** An error occurred while attempting to process a refund. */
  | "REFUND_ERROR"
  /** An error occurred when checking a merchant subscription status */
  | "MERCHANT_SUBSCRIPTION_ERROR"
  /** An error that is returned from an external vendor's API */
  | "EXTERNAL_VENDOR_ERROR";
// #endregion

// #region generated: ErrorCode
/**
 * Specific code of a Square API error (`Error.code`): every value of the spec's `ErrorCode`
 * enum (153 values, Square API version 2025-08-20), each with the first sentence of
 * Square's description and its category. Most concern other Square APIs; the ones OAuth calls
 * typically return are `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED`, `ACCESS_TOKEN_REVOKED`,
 * `CLIENT_DISABLED`, `FORBIDDEN`, `BAD_REQUEST`, `MISSING_REQUIRED_PARAMETER`, `INVALID_VALUE`,
 * `RATE_LIMITED`, `INTERNAL_SERVER_ERROR` and `SERVICE_UNAVAILABLE`.
 *
 * Square adds codes over time. A newer code than this list still arrives as a string at run
 * time, so give a `switch` over it a `default` branch.
 */
export type ErrorCode =
  /** A general server error occurred. (API_ERROR) */
  | "INTERNAL_SERVER_ERROR"
  /** A general authorization error occurred. (AUTHENTICATION_ERROR) */
  | "UNAUTHORIZED"
  /** The provided access token has expired. (AUTHENTICATION_ERROR) */
  | "ACCESS_TOKEN_EXPIRED"
  /** The provided access token has been revoked. (AUTHENTICATION_ERROR) */
  | "ACCESS_TOKEN_REVOKED"
  /** The provided client has been disabled. (AUTHENTICATION_ERROR) */
  | "CLIENT_DISABLED"
  /** A general access error occurred. (AUTHENTICATION_ERROR) */
  | "FORBIDDEN"
  /**
   * The provided access token does not have permission to execute the requested action.
   * (AUTHENTICATION_ERROR)
   */
  | "INSUFFICIENT_SCOPES"
  /** The calling application was disabled. (INVALID_REQUEST_ERROR) */
  | "APPLICATION_DISABLED"
  /**
   * The calling application was created prior to 2016-03-30 and is not compatible with v2 Square
   * API calls. (INVALID_REQUEST_ERROR)
   */
  | "V1_APPLICATION"
  /**
   * The calling application is using an access token created prior to 2016-03-30 and is not
   * compatible with v2 Square API calls. (INVALID_REQUEST_ERROR)
   */
  | "V1_ACCESS_TOKEN"
  /**
   * The location provided in the API call is not enabled for credit card processing.
   * (INVALID_REQUEST_ERROR)
   */
  | "CARD_PROCESSING_NOT_ENABLED"
  /** A required subscription was not found for the merchant (MERCHANT_SUBSCRIPTION_ERROR) */
  | "MERCHANT_SUBSCRIPTION_NOT_FOUND"
  /** A general error occurred with the request. (INVALID_REQUEST_ERROR) */
  | "BAD_REQUEST"
  /** The request is missing a required path, query, or body parameter. (INVALID_REQUEST_ERROR) */
  | "MISSING_REQUIRED_PARAMETER"
  /** The value provided in the request is the wrong type. (INVALID_REQUEST_ERROR) */
  | "INCORRECT_TYPE"
  /** Formatting for the provided time value is incorrect. (INVALID_REQUEST_ERROR) */
  | "INVALID_TIME"
  /** The time range provided in the request is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_TIME_RANGE"
  /** The provided value is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_VALUE"
  /** The pagination cursor included in the request is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_CURSOR"
  /**
   * The query parameters provided is invalid for the requested endpoint. (INVALID_REQUEST_ERROR)
   */
  | "UNKNOWN_QUERY_PARAMETER"
  /** One or more of the request parameters conflict with each other. (INVALID_REQUEST_ERROR) */
  | "CONFLICTING_PARAMETERS"
  /** The request body is not a JSON object. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_JSON_BODY"
  /** The provided sort order is not a valid key. (INVALID_REQUEST_ERROR) */
  | "INVALID_SORT_ORDER"
  /** The provided value does not match an expected regular expression. (INVALID_REQUEST_ERROR) */
  | "VALUE_REGEX_MISMATCH"
  /**
   * The provided string value is shorter than the minimum length allowed. (INVALID_REQUEST_ERROR)
   */
  | "VALUE_TOO_SHORT"
  /**
   * The provided string value is longer than the maximum length allowed. (INVALID_REQUEST_ERROR)
   */
  | "VALUE_TOO_LONG"
  /** The provided value is less than the supported minimum. (INVALID_REQUEST_ERROR) */
  | "VALUE_TOO_LOW"
  /** The provided value is greater than the supported maximum. (INVALID_REQUEST_ERROR) */
  | "VALUE_TOO_HIGH"
  /**
   * The provided value has a default (empty) value such as a blank string. (INVALID_REQUEST_ERROR)
   */
  | "VALUE_EMPTY"
  /** The provided array has too many elements. (INVALID_REQUEST_ERROR) */
  | "ARRAY_LENGTH_TOO_LONG"
  /** The provided array has too few elements. (INVALID_REQUEST_ERROR) */
  | "ARRAY_LENGTH_TOO_SHORT"
  /** The provided array is empty. (INVALID_REQUEST_ERROR) */
  | "ARRAY_EMPTY"
  /** The endpoint expected the provided value to be a boolean. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_BOOLEAN"
  /** The endpoint expected the provided value to be an integer. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_INTEGER"
  /** The endpoint expected the provided value to be a float. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_FLOAT"
  /** The endpoint expected the provided value to be a string. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_STRING"
  /** The endpoint expected the provided value to be a JSON object. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_OBJECT"
  /** The endpoint expected the provided value to be an array or list. (INVALID_REQUEST_ERROR) */
  | "EXPECTED_ARRAY"
  /**
   * The endpoint expected the provided value to be a map or associative array.
   * (INVALID_REQUEST_ERROR)
   */
  | "EXPECTED_MAP"
  /**
   * The endpoint expected the provided value to be an array encoded in base64.
   * (INVALID_REQUEST_ERROR)
   */
  | "EXPECTED_BASE64_ENCODED_BYTE_ARRAY"
  /** One or more objects in the array does not match the array type. (INVALID_REQUEST_ERROR) */
  | "INVALID_ARRAY_VALUE"
  /** The provided static string is not valid for the field. (INVALID_REQUEST_ERROR) */
  | "INVALID_ENUM_VALUE"
  /** Invalid content type header. (INVALID_REQUEST_ERROR) */
  | "INVALID_CONTENT_TYPE"
  /** Only relevant for applications created prior to 2016-03-30. (INVALID_REQUEST_ERROR) */
  | "INVALID_FORM_VALUE"
  /**
   * The provided customer id can't be found in the merchant's customers list.
   * (INVALID_REQUEST_ERROR)
   */
  | "CUSTOMER_NOT_FOUND"
  /** A general error occurred. (INVALID_REQUEST_ERROR) */
  | "ONE_INSTRUMENT_EXPECTED"
  /** A general error occurred. (INVALID_REQUEST_ERROR) */
  | "NO_FIELDS_SET"
  /** Too many entries in the map field. (INVALID_REQUEST_ERROR) */
  | "TOO_MANY_MAP_ENTRIES"
  /** The length of one of the provided keys in the map is too short. (INVALID_REQUEST_ERROR) */
  | "MAP_KEY_LENGTH_TOO_SHORT"
  /** The length of one of the provided keys in the map is too long. (INVALID_REQUEST_ERROR) */
  | "MAP_KEY_LENGTH_TOO_LONG"
  /** The provided customer does not have a recorded name. (INVALID_REQUEST_ERROR) */
  | "CUSTOMER_MISSING_NAME"
  /** The provided customer does not have a recorded email. (INVALID_REQUEST_ERROR) */
  | "CUSTOMER_MISSING_EMAIL"
  /**
   * The subscription cannot be paused longer than the duration of the current phase.
   * (INVALID_REQUEST_ERROR)
   */
  | "INVALID_PAUSE_LENGTH"
  /** The subscription cannot be paused/resumed on the given date. (INVALID_REQUEST_ERROR) */
  | "INVALID_DATE"
  /** The API request references an unsupported country. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_COUNTRY"
  /** The API request references an unsupported currency. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_CURRENCY"
  /**
   * The payment was declined by the card issuer during an Apple Tap to Pay (TTP) transaction with a
   * request for the card's PIN. (PAYMENT_METHOD_ERROR)
   */
  | "APPLE_TTP_PIN_TOKEN"
  /** The card issuer declined the request because the card is expired. (PAYMENT_METHOD_ERROR) */
  | "CARD_EXPIRED"
  /** The expiration date for the payment card is invalid. (PAYMENT_METHOD_ERROR) */
  | "INVALID_EXPIRATION"
  /** The expiration year for the payment card is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_EXPIRATION_YEAR"
  /** The expiration date for the payment card is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_EXPIRATION_DATE"
  /** The credit card provided is not from a supported issuer. (PAYMENT_METHOD_ERROR) */
  | "UNSUPPORTED_CARD_BRAND"
  /**
   * The entry method for the credit card (swipe, dip, tap) is not supported. (PAYMENT_METHOD_ERROR)
   */
  | "UNSUPPORTED_ENTRY_METHOD"
  /** The encrypted card information is invalid. (PAYMENT_METHOD_ERROR) */
  | "INVALID_ENCRYPTED_CARD"
  /** The credit card cannot be validated based on the provided details. (PAYMENT_METHOD_ERROR) */
  | "INVALID_CARD"
  /**
   * The payment was declined because there was a payment amount mismatch. (PAYMENT_METHOD_ERROR)
   */
  | "PAYMENT_AMOUNT_MISMATCH"
  /** Square received a decline without any additional information. (PAYMENT_METHOD_ERROR) */
  | "GENERIC_DECLINE"
  /**
   * The card issuer declined the request because the CVV value is invalid. (PAYMENT_METHOD_ERROR)
   */
  | "CVV_FAILURE"
  /**
   * The card issuer declined the request because the postal code is invalid. (PAYMENT_METHOD_ERROR)
   */
  | "ADDRESS_VERIFICATION_FAILURE"
  /** The issuer was not able to locate the account on record. (PAYMENT_METHOD_ERROR) */
  | "INVALID_ACCOUNT"
  /**
   * The currency associated with the payment is not valid for the provided funding source.
   * (PAYMENT_METHOD_ERROR)
   */
  | "CURRENCY_MISMATCH"
  /** The funding source has insufficient funds to cover the payment. (PAYMENT_METHOD_ERROR) */
  | "INSUFFICIENT_FUNDS"
  /**
   * The Square account does not have the permissions to accept this payment. (PAYMENT_METHOD_ERROR)
   */
  | "INSUFFICIENT_PERMISSIONS"
  /**
   * The card issuer has declined the transaction due to restrictions on where the card can be used.
   * (PAYMENT_METHOD_ERROR)
   */
  | "CARDHOLDER_INSUFFICIENT_PERMISSIONS"
  /** The Square account cannot take payments in the specified region. (PAYMENT_METHOD_ERROR) */
  | "INVALID_LOCATION"
  /**
   * The card issuer has determined the payment amount is either too high or too low.
   * (PAYMENT_METHOD_ERROR)
   */
  | "TRANSACTION_LIMIT"
  /**
   * The card issuer declined the request because the issuer requires voice authorization from the
   * cardholder. (PAYMENT_METHOD_ERROR)
   */
  | "VOICE_FAILURE"
  /** The specified card number is invalid. (PAYMENT_METHOD_ERROR) */
  | "PAN_FAILURE"
  /**
   * The card expiration date is either invalid or indicates that the card is expired.
   * (PAYMENT_METHOD_ERROR)
   */
  | "EXPIRATION_FAILURE"
  /**
   * The card is not supported either in the geographic region or by the merchant category code
   * (MCC). (PAYMENT_METHOD_ERROR)
   */
  | "CARD_NOT_SUPPORTED"
  /** The Square Card Reader declined the payment for an unknown reason. (PAYMENT_METHOD_ERROR) */
  | "READER_DECLINED"
  /** The card issuer declined the request because the PIN is invalid. (PAYMENT_METHOD_ERROR) */
  | "INVALID_PIN"
  /** The payment is missing a required PIN. (PAYMENT_METHOD_ERROR) */
  | "MISSING_PIN"
  /** The payment is missing a required ACCOUNT_TYPE parameter. (PAYMENT_METHOD_ERROR) */
  | "MISSING_ACCOUNT_TYPE"
  /** The postal code is incorrectly formatted. (PAYMENT_METHOD_ERROR) */
  | "INVALID_POSTAL_CODE"
  /** The app_fee_money on a payment is too high. (PAYMENT_METHOD_ERROR) */
  | "INVALID_FEES"
  /** The card must be swiped, tapped, or dipped. (PAYMENT_METHOD_ERROR) */
  | "MANUALLY_ENTERED_PAYMENT_NOT_SUPPORTED"
  /**
   * Square declined the request because the payment amount exceeded the processing limit for this
   * merchant. (PAYMENT_METHOD_ERROR)
   */
  | "PAYMENT_LIMIT_EXCEEDED"
  /**
   * When a Gift Card is a payment source, you can allow taking a partial payment by adding the
   * `accept_partial_authorization` parameter in the request. (PAYMENT_METHOD_ERROR)
   */
  | "GIFT_CARD_AVAILABLE_AMOUNT"
  /** The account provided cannot carry out transactions. (PAYMENT_METHOD_ERROR) */
  | "ACCOUNT_UNUSABLE"
  /** Bank account rejected or was not authorized for the payment. (PAYMENT_METHOD_ERROR) */
  | "BUYER_REFUSED_PAYMENT"
  /**
   * The application tried to update a delayed-capture payment that has expired.
   * (INVALID_REQUEST_ERROR)
   */
  | "DELAYED_TRANSACTION_EXPIRED"
  /**
   * The application tried to cancel a delayed-capture payment that was already cancelled.
   * (INVALID_REQUEST_ERROR)
   */
  | "DELAYED_TRANSACTION_CANCELED"
  /**
   * The application tried to capture a delayed-capture payment that was already captured.
   * (INVALID_REQUEST_ERROR)
   */
  | "DELAYED_TRANSACTION_CAPTURED"
  /**
   * The application tried to update a delayed-capture payment that failed. (INVALID_REQUEST_ERROR)
   */
  | "DELAYED_TRANSACTION_FAILED"
  /** The provided card token (nonce) has expired. (INVALID_REQUEST_ERROR) */
  | "CARD_TOKEN_EXPIRED"
  /**
   * The provided card token (nonce) was already used to process the payment or refund.
   * (INVALID_REQUEST_ERROR)
   */
  | "CARD_TOKEN_USED"
  /**
   * The requested payment amount is too high for the provided payment source.
   * (INVALID_REQUEST_ERROR)
   */
  | "AMOUNT_TOO_HIGH"
  /** The API request references an unsupported instrument type. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_INSTRUMENT_TYPE"
  /** The requested refund amount exceeds the amount available to refund. (REFUND_ERROR) */
  | "REFUND_AMOUNT_INVALID"
  /** The payment already has a pending refund. (REFUND_ERROR) */
  | "REFUND_ALREADY_PENDING"
  /** The payment is not refundable. (REFUND_ERROR) */
  | "PAYMENT_NOT_REFUNDABLE"
  /** The payment is not refundable because it has been disputed. (REFUND_ERROR) */
  | "PAYMENT_NOT_REFUNDABLE_DUE_TO_DISPUTE"
  /**
   * The payment is not refundable because the payment is approved and needs to be completed first
   * before the refund is issued. (REFUND_ERROR)
   */
  | "REFUND_ERROR_PAYMENT_NEEDS_COMPLETION"
  /** Request failed - The card issuer declined the refund. (REFUND_ERROR) */
  | "REFUND_DECLINED"
  /** The Square account does not have the permissions to process this refund. (REFUND_ERROR) */
  | "INSUFFICIENT_PERMISSIONS_FOR_REFUND"
  /** Generic error - the provided card data is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_CARD_DATA"
  /** The provided source id was already used to create a card. (INVALID_REQUEST_ERROR) */
  | "SOURCE_USED"
  /** The provided source id has expired. (INVALID_REQUEST_ERROR) */
  | "SOURCE_EXPIRED"
  /** The referenced loyalty program reward tier is not supported. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_LOYALTY_REWARD_TIER"
  /**
   * Generic error - the given location does not matching what is expected. (INVALID_REQUEST_ERROR)
   */
  | "LOCATION_MISMATCH"
  /**
   * The order attempting to be returned is not yet paid and cannot be returned.
   * (INVALID_REQUEST_ERROR)
   */
  | "ORDER_UNPAID_NOT_RETURNABLE"
  /** The provided idempotency key has already been used. (INVALID_REQUEST_ERROR) */
  | "IDEMPOTENCY_KEY_REUSED"
  /** General error - the value provided was unexpected. (INVALID_REQUEST_ERROR) */
  | "UNEXPECTED_VALUE"
  /** The API request is not supported in sandbox. (INVALID_REQUEST_ERROR) */
  | "SANDBOX_NOT_SUPPORTED"
  /** The provided email address is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_EMAIL_ADDRESS"
  /** The provided phone number is invalid. (INVALID_REQUEST_ERROR) */
  | "INVALID_PHONE_NUMBER"
  /** The provided checkout URL has expired. (INVALID_REQUEST_ERROR) */
  | "CHECKOUT_EXPIRED"
  /** Bad certificate. (INVALID_REQUEST_ERROR) */
  | "BAD_CERTIFICATE"
  /** The provided Square-Version is incorrectly formatted. (INVALID_REQUEST_ERROR) */
  | "INVALID_SQUARE_VERSION_FORMAT"
  /**
   * The provided Square-Version is incompatible with the requested action. (INVALID_REQUEST_ERROR)
   */
  | "API_VERSION_INCOMPATIBLE"
  /** The transaction requires that a card be present. (INVALID_REQUEST_ERROR) */
  | "CARD_PRESENCE_REQUIRED"
  /** The API request references an unsupported source type. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_SOURCE_TYPE"
  /** The provided card does not match what is expected. (REFUND_ERROR) */
  | "CARD_MISMATCH"
  /** Generic plaid error (EXTERNAL_VENDOR_ERROR) */
  | "PLAID_ERROR"
  /** Plaid error - ITEM_LOGIN_REQUIRED (EXTERNAL_VENDOR_ERROR) */
  | "PLAID_ERROR_ITEM_LOGIN_REQUIRED"
  /** Plaid error - RATE_LIMIT (EXTERNAL_VENDOR_ERROR) */
  | "PLAID_ERROR_RATE_LIMIT"
  /** The card was declined. (PAYMENT_METHOD_ERROR) */
  | "CARD_DECLINED"
  /** The CVV could not be verified. (PAYMENT_METHOD_ERROR) */
  | "VERIFY_CVV_FAILURE"
  /** The AVS could not be verified. (PAYMENT_METHOD_ERROR) */
  | "VERIFY_AVS_FAILURE"
  /**
   * The payment card was declined with a request for the card holder to call the issuer.
   * (PAYMENT_METHOD_ERROR)
   */
  | "CARD_DECLINED_CALL_ISSUER"
  /**
   * The payment card was declined with a request for additional verification.
   * (PAYMENT_METHOD_ERROR)
   */
  | "CARD_DECLINED_VERIFICATION_REQUIRED"
  /** The card expiration date is either missing or incorrectly formatted. (PAYMENT_METHOD_ERROR) */
  | "BAD_EXPIRATION"
  /** The card issuer requires that the card be read using a chip reader. (PAYMENT_METHOD_ERROR) */
  | "CHIP_INSERTION_REQUIRED"
  /**
   * The card has exhausted its available pin entry retries set by the card issuer.
   * (PAYMENT_METHOD_ERROR)
   */
  | "ALLOWABLE_PIN_TRIES_EXCEEDED"
  /** The card issuer declined the refund. (REFUND_ERROR) */
  | "RESERVATION_DECLINED"
  /** The body parameter is not recognized by the requested endpoint. (INVALID_REQUEST_ERROR) */
  | "UNKNOWN_BODY_PARAMETER"
  /** Not Found - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "NOT_FOUND"
  /** Square could not find the associated Apple Pay certificate. (INVALID_REQUEST_ERROR) */
  | "APPLE_PAYMENT_PROCESSING_CERTIFICATE_HASH_NOT_FOUND"
  /** Method Not Allowed - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "METHOD_NOT_ALLOWED"
  /** Not Acceptable - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "NOT_ACCEPTABLE"
  /** Request Timeout - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "REQUEST_TIMEOUT"
  /** Conflict - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "CONFLICT"
  /**
   * The target resource is no longer available and this condition is likely to be permanent.
   * (INVALID_REQUEST_ERROR)
   */
  | "GONE"
  /** Request Entity Too Large - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "REQUEST_ENTITY_TOO_LARGE"
  /** Unsupported Media Type - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "UNSUPPORTED_MEDIA_TYPE"
  /** Unprocessable Entity - a general error occurred. (INVALID_REQUEST_ERROR) */
  | "UNPROCESSABLE_ENTITY"
  /** Rate Limited - a general error occurred. (RATE_LIMIT_ERROR) */
  | "RATE_LIMITED"
  /** Not Implemented - a general error occurred. (API_ERROR) */
  | "NOT_IMPLEMENTED"
  /** Bad Gateway - a general error occurred. (API_ERROR) */
  | "BAD_GATEWAY"
  /** Service Unavailable - a general error occurred. (API_ERROR) */
  | "SERVICE_UNAVAILABLE"
  /** A temporary internal error occurred. (PAYMENT_METHOD_ERROR) */
  | "TEMPORARY_ERROR"
  /** Gateway Timeout - a general error occurred. (API_ERROR) */
  | "GATEWAY_TIMEOUT";
// #endregion

// #region generated: Scope
/**
 * An OAuth permission (scope) name: the 59 scopes of the spec's
 * `securitySchemes.oauth2.flows.authorizationCode.scopes` (Square API version 2025-08-20),
 * each with the HTTP methods it covers and Square's description.
 * See https://developer.squareup.com/docs/oauth-api/square-permissions
 */
export type Scope =
  /**
   * GET: Grants write access for third-party Add-ons to read configurations of their Add-ons, for
   * example, when calling `RetrieveConfiguration` endpoint.
   */
  | "ADDON_CONFIGURATIONS_READ"
  /**
   * POST, PUT, DELETE: Grants write access for third-party Add-ons to store configurations of their
   * Add-ons, for example, when calling `CreateConfiguration` endpoint.
   */
  | "ADDON_CONFIGURATIONS_WRITE"
  /**
   * GET, POST: Grants read access to all of a seller's booking information, calendar, and business
   * details. This permission must be accompanied by the `APPOINTMENTS_READ` permission.
   */
  | "APPOINTMENTS_ALL_READ"
  /**
   * POST, PUT, DELETE: Grants write access to all booking details, including double-booking a
   * seller. This permission must be accompanied by the `APPOINTMENTS_WRITE` permission.
   */
  | "APPOINTMENTS_ALL_WRITE"
  /**
   * GET: Grants read access to booking business settings. For example, to call the
   * ListTeamMemberBookingProfiles endpoint.
   */
  | "APPOINTMENTS_BUSINESS_SETTINGS_READ"
  /**
   * GET, POST: Grants read access to booking information. For example, to call the RetrieveBooking
   * endpoint.
   */
  | "APPOINTMENTS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to booking information. For example, to call the
   * CreateBooking endpoint.
   */
  | "APPOINTMENTS_WRITE"
  /**
   * GET: Grants read access to bank account information associated with the targeted Square
   * account. For example, to call the Connect v1 ListBankAccounts endpoint.
   */
  | "BANK_ACCOUNTS_READ"
  /**
   * GET: Grants read access to cash drawer shift information. For example, to call the
   * ListCashDrawerShifts endpoint.
   */
  | "CASH_DRAWER_READ"
  /**
   * POST: Grants write access to create channels, for example, when calling the `CreateChannel`
   * endpoint.
   */
  | "CHANNELS_CREATE"
  /**
   * GET: Grants read access to view channels, for example, when calling the `RetrieveChannel`
   * endpoint.
   */
  | "CHANNELS_READ"
  /**
   * PUT: Grants write access to update channels, for example, when calling the `UpdateChannel`
   * endpoint.
   */
  | "CHANNELS_UPDATE"
  /**
   * GET: Grants read access to customer information. For example, to call the ListCustomers
   * endpoint.
   */
  | "CUSTOMERS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to customer information. For example, to create and
   * update customer profiles.
   */
  | "CUSTOMERS_WRITE"
  /**
   * GET: Grants read access to device information. For example, to call the `GetDevice` and
   * `ListDevices` endpoints.
   */
  | "DEVICES_READ"
  /**
   * POST, GET: Grants read/write access to device credentials information. For example, to call the
   * CreateDeviceCode endpoint.
   */
  | "DEVICE_CREDENTIAL_MANAGEMENT"
  /**
   * GET: Grants read access to Discount Codes API. For example, to call the `RetrieveDiscountCode`
   * and `RetrieveRedemption` endpoints.
   */
  | "DISCOUNT_CODES_READ"
  /** POST: Grants write access to Discount Codes API. */
  | "DISCOUNT_CODES_WRITE"
  /**
   * GET: Grants read access to dispute information. For example, to call the RetrieveDispute
   * endpoint.
   */
  | "DISPUTES_READ"
  /**
   * POST, PUT, DELETE: Grants write access to dispute information. For example, to call the
   * SubmitEvidence endpoint.
   */
  | "DISPUTES_WRITE"
  /**
   * GET: Grants read access to employee profile information. For example, to call the Connect v1
   * Employees API.
   */
  | "EMPLOYEES_READ"
  /**
   * POST, PUT, DELETE: Grants write access to employee profile information. For example, to create
   * and modify employee profiles.
   */
  | "EMPLOYEES_WRITE"
  /**
   * GET, POST: Grants read access to gift card information. For example, to call the
   * RetrieveGiftCard endpoint.
   */
  | "GIFTCARDS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to gift card information. For example, to call the
   * CreateGiftCard endpoint.
   */
  | "GIFTCARDS_WRITE"
  /**
   * GET: Grants read access to inventory information. For example, to call the
   * RetrieveInventoryCount endpoint.
   */
  | "INVENTORY_READ"
  /**
   * POST, PUT, DELETE: Grants write access to inventory information. For example, to call the
   * BatchChangeInventory endpoint.
   */
  | "INVENTORY_WRITE"
  /**
   * GET, POST: Grants read access to invoice information. For example, to call the ListInvoices
   * endpoint.
   */
  | "INVOICES_READ"
  /**
   * POST, PUT, DELETE: Grants write access to invoice information. For example, to call the
   * CreateInvoice endpoint.
   */
  | "INVOICES_WRITE"
  /**
   * GET: Grants read access to product catalog information. For example, to obtain objects in a
   * product catalog.
   */
  | "ITEMS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to product catalog information. For example, to modify
   * or add to a product catalog.
   */
  | "ITEMS_WRITE"
  /**
   * GET: Grants read access to loyalty information. For example, to call the ListLoyaltyPrograms
   * endpoint.
   */
  | "LOYALTY_READ"
  /**
   * POST, PUT, DELETE: Grants write access to loyalty information. For example, to call the
   * CreateLoyaltyAccount endpoint.
   */
  | "LOYALTY_WRITE"
  /**
   * GET: Grants read access to business and location information. For example, to obtain a location
   * ID for subsequent activity.
   */
  | "MERCHANT_PROFILE_READ"
  /**
   * POST, PUT: Grants write access to business and location information. For example, to create a
   * new location or update the business hours at an existing location.
   */
  | "MERCHANT_PROFILE_WRITE"
  /** GET, POST: Read access to ECOM online store site details. */
  | "ONLINE_STORE_SITE_READ"
  /** GET, POST: Read access to ECOM online store snippets on published websites. */
  | "ONLINE_STORE_SNIPPETS_READ"
  /** POST, PUT, DELETE: Write access to ECOM online store snippets on published websites. */
  | "ONLINE_STORE_SNIPPETS_WRITE"
  /**
   * GET: Grants read access to order information. For example, to call the BatchRetrieveOrders
   * endpoint.
   */
  | "ORDERS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to order information. For example, to call the
   * CreateCheckout endpoint.
   */
  | "ORDERS_WRITE"
  /**
   * GET: Grants read access to transaction and refund information. For example, to call the
   * RetrieveTransaction endpoint.
   */
  | "PAYMENTS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to transaction and refunds information. For example, to
   * process payments with the Payments or Checkout API.
   */
  | "PAYMENTS_WRITE"
  /**
   * POST, PUT, DELETE: Allow third party applications to deduct a portion of each transaction
   * amount. Required to use multiparty transaction functionality with the Payments API.
   */
  | "PAYMENTS_WRITE_ADDITIONAL_RECIPIENTS"
  /**
   * POST, PUT, DELETE: Grants write access to payments and refunds information. For example, to
   * process in-person payments.
   */
  | "PAYMENTS_WRITE_IN_PERSON"
  /**
   * POST, PUT, DELETE: Allows the developer to process payments on behalf of a seller using a
   * shared on file payment method.
   */
  | "PAYMENTS_WRITE_SHARED_ONFILE"
  /**
   * GET: Grants read access to payouts and payout entries information. For example, to call the
   * Connect v2 `ListPayouts` endpoint.
   */
  | "PAYOUTS_READ"
  /**
   * GET: Grants read access to Permission Sets. For example, to call the `ListPermissionSets` and
   * `RetrievePermissionSet` endpoints.
   */
  | "PERMISSION_SETS_READ"
  /** PUT: Grants write access to Permission Sets. */
  | "PERMISSION_SETS_WRITE"
  /**
   * GET: Grants read access to reservation information, for example, when calling the
   * `RetrieveReservation` endpoint.
   */
  | "RESERVATIONS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to reservation information, for example, when calling
   * the `CreateReservation` endpoint.
   */
  | "RESERVATIONS_WRITE"
  /**
   * GET: Grants read access to check information, for example, when calling the `RetrieveCheck`
   * endpoint.
   */
  | "RESTAURANT_CHECKS_READ"
  /**
   * GET: Grants read access to settlement (deposit) information. For example, to call the Connect
   * v1 ListSettlements endpoint.
   */
  | "SETTLEMENTS_READ"
  /**
   * GET, POST: Grants read access to subscription information. For example, to call the
   * RetrieveSubscription endpoint.
   */
  | "SUBSCRIPTIONS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to subscription information. For example, to call the
   * CreateSubscription endpoint.
   */
  | "SUBSCRIPTIONS_WRITE"
  /**
   * GET: Grants read access to employee timecard information. For example, to call the Connect v2
   * SearchShifts endpoint.
   */
  | "TIMECARDS_READ"
  /**
   * GET: Grants read access to employee timecard settings information. For example, to call the
   * GetBreakType endpoint.
   */
  | "TIMECARDS_SETTINGS_READ"
  /**
   * POST, PUT, DELETE: Grants write access to employee timecard settings information. For example,
   * to call the UpdateBreakType endpoint.
   */
  | "TIMECARDS_SETTINGS_WRITE"
  /**
   * POST, PUT, DELETE: Grants write access to employee shift information. For example, to create
   * and modify employee shifts.
   */
  | "TIMECARDS_WRITE"
  /**
   * GET, POST: Grants read access to vendor information, for example, when calling the
   * `RetrieveVendor` endpoint.
   */
  | "VENDOR_READ"
  /**
   * POST, PUT, DELETE: Grants write access to vendor information, for example, when calling the
   * `BulkUpdateVendors` endpoint.
   */
  | "VENDOR_WRITE";
// #endregion
