//! The OAuth flow helpers as `#[wasm_bindgen]` exports: `authorizeUrl`, `createPkce`,
//! `createState`, `parseCallback` and `shouldRefresh`, thin over [`crate::flow`].
//!
//! Arguments are read with the guard ([`crate::js::read`]) or with catching property reads, so a
//! hostile getter or Proxy becomes a coded input error instead of a throw through the wasm.
//! Input errors are thrown (or, for `createPkce`, rejected) as `SquareError`s. Randomness and
//! SHA-256 come from the **global** Web Crypto (`crypto.getRandomValues`,
//! `crypto.subtle.digest`), never `window`, which Workers, Deno and Node lack; a runtime without
//! it fails with its own error (e.g. a `TypeError`), passed through unchanged.

use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{Error, ErrorCode};
use crate::flow::{authorize, callback, refresh, web_crypto};
use crate::flow::{AuthorizeParams, AuthorizeUrlOptions, ShouldRefreshOptions};
use crate::js::{read, read_optional, to_js_error, Shape};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

const PARAMS: Shape = Shape {
    field: "params",
    unknown: "unknown parameter",
    opaque: &[],
};
const OPTIONS: Shape = Shape {
    field: "options",
    unknown: "unknown option",
    opaque: &[],
};

/// What a JavaScript value is, for messages (`typeof`, with `null` and `array` told apart).
/// Never throws, even on a revoked Proxy.
fn type_name(v: &JsValue) -> &'static str {
    if v.is_null() {
        return "null";
    }
    match v.js_typeof().as_string().as_deref() {
        Some("undefined") => "undefined",
        Some("string") => "string",
        Some("number") => "number",
        Some("boolean") => "boolean",
        Some("bigint") => "bigint",
        Some("symbol") => "symbol",
        Some("function") => "function",
        _ if is_array(v).unwrap_or(false) => "array",
        _ => "object",
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn unreadable(field: &str) -> Error {
    Error::input(
        ErrorCode::InvalidType,
        field,
        "could not be read (a getter or Proxy trap threw)",
    )
}

/// Fails with a coded error for an object that `Array.isArray` throws on (a revoked Proxy),
/// before the guard looks at it.
fn check_readable(v: &JsValue, field: &str) -> Result<(), Error> {
    if v.is_object() || v.is_function() {
        is_array(v).map_err(|_| unreadable(field))?;
    }
    Ok(())
}

/// `value` as a plain JavaScript object (`json_compatible`: objects, not `Map`s).
fn to_plain<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

/// Builds the URL of Square's authorization page, `GET {base}/oauth2/authorize?…`, where the
/// seller approves your application. Redirect the seller's browser there.
///
/// Scope names are joined with `+`; every other value is percent-encoded. Neither
/// `response_type` nor `code_challenge_method` is sent (Square documents neither on this page).
///
/// @see <https://developer.squareup.com/reference/square/oauth-api/authorize>
/// @throws {SquareError} For invalid input (e.g. an empty `client_id`, an unknown scope, an
/// insecure `redirect_uri` or `baseUrl`).
///
/// @example
/// ```ts
/// const state = createState();
/// const url = authorizeUrl(
///   { client_id: env.SQUARE_APP_ID, scope: ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"], state },
///   { environment: "sandbox" },
/// );
/// return Response.redirect(url, 302);
/// ```
#[wasm_bindgen(js_name = authorizeUrl)]
pub fn authorize_url(
    #[wasm_bindgen(unchecked_param_type = "AuthorizeParams")] params: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "AuthorizeUrlOptions")] options: JsValue,
) -> Result<String, JsValue> {
    build_authorize_url(&params, &options).map_err(|e| to_js_error(&e))
}

fn build_authorize_url(params: &JsValue, options: &JsValue) -> Result<String, Error> {
    if absent(params) {
        return Err(Error::input(
            ErrorCode::MissingField,
            "params",
            "is required",
        ));
    }
    check_readable(params, "params")?;
    let params: AuthorizeParams = read(params, &PARAMS)?;
    let options = check_readable(options, "options")
        .and_then(|()| read_optional::<AuthorizeUrlOptions>(options, &OPTIONS));
    match options {
        Ok(options) => authorize::authorize_url(&params, &options),
        Err(e) => {
            // The parameters are checked before the options: report their problem first.
            authorize::authorize_url(&params, &AuthorizeUrlOptions::default())?;
            Err(e)
        }
    }
}

/// Creates a PKCE verifier from cryptographically random bytes (48 bytes: 64 characters), and
/// its `S256` challenge from Web Crypto's SHA-256. Square's documentation does not name the
/// challenge method; S256 is RFC 7636's.
///
/// @example
/// ```ts
/// const pkce = await createPkce();
/// const url = authorizeUrl({ client_id, code_challenge: pkce.code_challenge, state });
/// // … later, in the callback:
/// const token = await oauth.obtainToken({
///   grant_type: "authorization_code",
///   client_id,
///   code,
///   code_verifier: pkce.code_verifier,
/// });
/// ```
#[wasm_bindgen(js_name = createPkce, unchecked_return_type = "Promise<Pkce>")]
pub fn create_pkce() -> Promise {
    future_to_promise(async { to_plain(&web_crypto::create_pkce().await?) })
}

/// Creates a cryptographically random, URL-safe `state` for {@link authorizeUrl} (32 random
/// bytes: 43 base64url characters). Store it with the seller's session and pass it to
/// {@link parseCallback}.
#[wasm_bindgen(js_name = createState)]
pub fn create_state() -> Result<String, JsValue> {
    web_crypto::create_state()
}

/// Reads the callback that Square redirects the seller to (`?code=…&state=…`, or
/// `?error=access_denied&error_description=…`) and checks its `state` (in constant time)
/// before it hands out the code.
///
/// @param url The full callback URL, e.g. `request.url`, or a `URL`.
/// @param expectedState The `state` stored when the authorization URL was built.
/// @throws {SquareError} `ACCESS_DENIED` (the seller declined), `AUTHORIZATION_ERROR` (another
/// `error`), `STATE_MISMATCH` or `MISSING_CODE`; an input error for a missing or mistyped
/// argument or an empty `expectedState`.
///
/// @example
/// ```ts
/// const { code } = parseCallback(request.url, session.oauthState);
/// ```
#[wasm_bindgen(js_name = parseCallback, unchecked_return_type = "AuthorizationCallback")]
pub fn parse_callback(
    #[wasm_bindgen(unchecked_param_type = "string | URL")] url: JsValue,
    #[wasm_bindgen(js_name = expectedState, unchecked_param_type = "string")]
    expected_state: JsValue,
) -> Result<JsValue, JsValue> {
    let parsed = url_arg(&url)
        .and_then(|url| Ok((url, expected_state_arg(&expected_state)?)))
        .and_then(|(url, expected)| callback::parse_callback(&url, &expected))
        .map_err(|e| to_js_error(&e))?;
    to_plain(&parsed)
}

/// `url`: a string, or an object with a string `href` (a `URL`, `location`).
fn url_arg(url: &JsValue) -> Result<String, Error> {
    if let Some(s) = url.as_string() {
        return Ok(s);
    }
    if absent(url) {
        return Err(Error::input(ErrorCode::MissingField, "url", "is required"));
    }
    if url.is_object() {
        let href = reflect_get(url, &JsValue::from_str("href")).map_err(|_| unreadable("url"))?;
        if let Some(s) = href.as_string() {
            return Ok(s);
        }
    }
    Err(Error::input(
        ErrorCode::InvalidType,
        "url",
        format!("expected a string or a URL, got {}", type_name(url)),
    ))
}

fn expected_state_arg(expected: &JsValue) -> Result<String, Error> {
    if let Some(s) = expected.as_string() {
        return Ok(s);
    }
    if absent(expected) {
        return Err(Error::input(
            ErrorCode::MissingField,
            "expectedState",
            "is required: pass the state stored when the authorization URL was built",
        ));
    }
    Err(Error::input(
        ErrorCode::InvalidType,
        "expectedState",
        format!("expected a string, got {}", type_name(expected)),
    ))
}

/// Whether an access token is due for a refresh. Square recommends refreshing every 7 days or
/// less; a token lives 30 days, so it was issued `refreshAfterDays` or more days ago exactly when
/// it expires in at most `30 − refreshAfterDays` days.
///
/// Returns `true` when `expires_at − now ≤ (30 − refreshAfterDays)` days: with the default of 7,
/// when `expires_at` is 23 days away or less, including already expired and short-lived (24 h)
/// tokens. Also `true` when `expires_at` is absent, `null` or not a timestamp `Date.parse`
/// understands. An **empty** `expires_at` is RetrieveTokenStatus's "never expires" (a personal
/// access token): `false`.
///
/// @param token An ObtainToken/RetrieveTokenStatus response (only its `expires_at` is read, so a
/// stored token object with anything else in it is fine), or `expires_at` itself as an ISO 8601
/// string.
/// @throws {SquareError} For a missing or mistyped `token` or `expires_at`, or bad options.
///
/// @example
/// ```ts
/// if (shouldRefresh(stored)) {
///   stored = await oauth.obtainToken({
///     grant_type: "refresh_token",
///     client_id,
///     client_secret,
///     refresh_token: stored.refresh_token,
///   });
/// }
/// ```
#[wasm_bindgen(js_name = shouldRefresh)]
pub fn should_refresh(
    #[wasm_bindgen(unchecked_param_type = "{ expires_at?: string | null | undefined } | string")]
    token: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ShouldRefreshOptions")] options: JsValue,
) -> Result<bool, JsValue> {
    decide_refresh(&token, &options).map_err(|e| to_js_error(&e))
}

fn decide_refresh(token: &JsValue, options: &JsValue) -> Result<bool, Error> {
    let expires_at = expires_at_arg(token)?;
    check_readable(options, "options")?;
    let options = read_optional::<ShouldRefreshOptions>(options, &OPTIONS)?.validate()?;
    let now = options.now_ms.unwrap_or_else(js_sys::Date::now);
    Ok(refresh::should_refresh_expires_at(
        expires_at.as_deref(),
        js_sys::Date::parse,
        now,
        options.refresh_after_days,
    ))
}

/// The token's `expires_at` (`None` when absent or `null`), or the string itself.
fn expires_at_arg(token: &JsValue) -> Result<Option<String>, Error> {
    if let Some(s) = token.as_string() {
        return Ok(Some(s));
    }
    if absent(token) {
        return Err(Error::input(
            ErrorCode::MissingField,
            "token",
            "is required: a token response or its expires_at",
        ));
    }
    if token.is_object() && !is_array(token).map_err(|_| unreadable("token"))? {
        let value = reflect_get(token, &JsValue::from_str("expires_at"))
            .map_err(|_| unreadable("token.expires_at"))?;
        if absent(&value) {
            return Ok(None);
        }
        return value.as_string().map(Some).ok_or_else(|| {
            Error::input(
                ErrorCode::InvalidType,
                "token.expires_at",
                format!("expected a string, got {}", type_name(&value)),
            )
        });
    }
    Err(Error::input(
        ErrorCode::InvalidType,
        "token",
        format!(
            "expected a token response or its expires_at string, got {}",
            type_name(token)
        ),
    ))
}
