//! The OAuth flow around the four endpoints (pure): the authorization URL, the callback, the
//! encoding of PKCE and `state` values, and Square's refresh guidance.
//!
//! Nothing here performs I/O or needs randomness: the wasm layer (`flow_api`) draws the random
//! bytes and the SHA-256 digest from Web Crypto and hands them to [`base64url`].
//!
//! # Decisions where Square is silent (CONTRACT §7–§8)
//! - **`code_challenge_method` is not sent.** Square documents `code_challenge` on the authorize
//!   page but no `code_challenge_method`, and no public Square source names one. [`authorize_url`]
//!   therefore sends only `code_challenge`, and the challenge is always RFC 7636's `S256`
//!   (`BASE64URL(SHA-256(code_verifier))`, unpadded), the method a server assumes when none is
//!   named alongside a SHA-256-sized challenge (the fake Square assumes `S256` when it is absent).
//! - **`scope` is joined with `+`**, the form-encoded space that Square's own examples use
//!   (`scope=CUSTOMERS_WRITE+CUSTOMERS_READ`); scope names are `[A-Z_]` and need no escaping.
//!   Every other value is percent-encoded with only RFC 3986's unreserved characters kept.
//! - **`response_type=code` is not sent**: Square's sample code sends it, the reference page does
//!   not list it, and the page works without it.
//! - [`parse_callback`] reports an `error` before it looks at `state`: an error callback carries
//!   nothing usable, and Square's documented deny callback shows no `state`. A `code` is only ever
//!   returned after its `state` matched, compared in constant time.
//!
//! # PKCE refresh tokens are single-use
//! With PKCE, every refresh (`grant_type: "refresh_token"` without `client_secret`) answers with
//! a **new** refresh token and spends the old one: store the new `refresh_token` (and its
//! `refresh_token_expires_at`, 90 days) before doing anything else with the response, and never
//! run two refreshes of the same token at once. Code-flow refresh tokens are multi-use and come
//! back unchanged.
//!
//! ```text
//! if shouldRefresh(stored):
//!     fresh = obtainToken({ grant_type: "refresh_token", client_id, refresh_token: stored.refresh_token })
//!     save(fresh)            // first: the old refresh token no longer works
//!     stored = fresh
//! ```

use crate::config::{base_url_checked, PRODUCTION_URL, SANDBOX_URL};
use crate::error::{Error, ErrorCode};
use crate::json::Value;
use crate::request::encode_segment;
use crate::response::days_from_civil;
use crate::secret::Secret;
use crate::validate::{expect_object, join, suggest};

/// The 59 OAuth scope names of Square's spec (`securitySchemes.oauth2.flows.authorizationCode`).
pub const SCOPES: [&str; 59] = [
    "ADDON_CONFIGURATIONS_READ",
    "ADDON_CONFIGURATIONS_WRITE",
    "APPOINTMENTS_ALL_READ",
    "APPOINTMENTS_ALL_WRITE",
    "APPOINTMENTS_BUSINESS_SETTINGS_READ",
    "APPOINTMENTS_READ",
    "APPOINTMENTS_WRITE",
    "BANK_ACCOUNTS_READ",
    "CASH_DRAWER_READ",
    "CHANNELS_CREATE",
    "CHANNELS_READ",
    "CHANNELS_UPDATE",
    "CUSTOMERS_READ",
    "CUSTOMERS_WRITE",
    "DEVICES_READ",
    "DEVICE_CREDENTIAL_MANAGEMENT",
    "DISCOUNT_CODES_READ",
    "DISCOUNT_CODES_WRITE",
    "DISPUTES_READ",
    "DISPUTES_WRITE",
    "EMPLOYEES_READ",
    "EMPLOYEES_WRITE",
    "GIFTCARDS_READ",
    "GIFTCARDS_WRITE",
    "INVENTORY_READ",
    "INVENTORY_WRITE",
    "INVOICES_READ",
    "INVOICES_WRITE",
    "ITEMS_READ",
    "ITEMS_WRITE",
    "LOYALTY_READ",
    "LOYALTY_WRITE",
    "MERCHANT_PROFILE_READ",
    "MERCHANT_PROFILE_WRITE",
    "ONLINE_STORE_SITE_READ",
    "ONLINE_STORE_SNIPPETS_READ",
    "ONLINE_STORE_SNIPPETS_WRITE",
    "ORDERS_READ",
    "ORDERS_WRITE",
    "PAYMENTS_READ",
    "PAYMENTS_WRITE",
    "PAYMENTS_WRITE_ADDITIONAL_RECIPIENTS",
    "PAYMENTS_WRITE_IN_PERSON",
    "PAYMENTS_WRITE_SHARED_ONFILE",
    "PAYOUTS_READ",
    "PERMISSION_SETS_READ",
    "PERMISSION_SETS_WRITE",
    "RESERVATIONS_READ",
    "RESERVATIONS_WRITE",
    "RESTAURANT_CHECKS_READ",
    "SETTLEMENTS_READ",
    "SUBSCRIPTIONS_READ",
    "SUBSCRIPTIONS_WRITE",
    "TIMECARDS_READ",
    "TIMECARDS_SETTINGS_READ",
    "TIMECARDS_SETTINGS_WRITE",
    "TIMECARDS_WRITE",
    "VENDOR_READ",
    "VENDOR_WRITE",
];

/// The documented languages of the authorization page.
pub const LOCALES: [&str; 6] = ["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"];

/// The parameters [`authorize_url`] accepts, in the order they appear in the URL.
pub const PARAMS: [&str; 7] = [
    "client_id",
    "scope",
    "state",
    "redirect_uri",
    "locale",
    "session",
    "code_challenge",
];

const URL_OPTIONS: [&str; 2] = ["environment", "baseUrl"];
const REFRESH_OPTIONS: [&str; 2] = ["now", "refreshAfterDays"];

/// Random bytes behind a PKCE `code_verifier`: base64url makes them 64 characters (RFC 7636
/// allows 43 to 128), 384 bits.
pub const VERIFIER_BYTES: u32 = 48;
/// Random bytes behind a `state`: 43 base64url characters, 256 bits.
pub const STATE_BYTES: u32 = 32;
/// Longest accepted `state`.
pub const MAX_STATE: usize = 1024;
/// Longest accepted `redirect_uri` (the spec's limit on ObtainToken's `redirect_uri`).
pub const MAX_REDIRECT_URI: usize = 2048;
/// Lifetime of an access token, in days (CONTRACT §8).
pub const ACCESS_TOKEN_DAYS: f64 = 30.0;
/// Square's advice: refresh every 7 days or less.
pub const DEFAULT_REFRESH_AFTER_DAYS: f64 = 7.0;
const DAY_MS: f64 = 86_400_000.0;

fn wrong_type(field: &str, expected: &str, got: &Value) -> Error {
    let mut message = String::from("expected ");
    message.push_str(expected);
    message.push_str(", got ");
    message.push_str(got.type_name());
    Error::input(ErrorCode::InvalidType, field, message)
}

fn string<'a>(v: &'a Value, field: &str) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| wrong_type(field, "a string", v))
}

fn did_you_mean(message: &mut String, hint: Option<&str>) {
    if let Some(h) = hint {
        message.push_str("; did you mean \"");
        message.push_str(h);
        message.push_str("\"?");
    }
}

/// An `UNKNOWN_FIELD` error for `parent.key`, with a did-you-mean or the list of known names.
fn unknown(parent: &str, key: &str, known: &[&str], what: &str) -> Error {
    let mut message = String::from("unknown ");
    message.push_str(what);
    match suggest(key, known) {
        Some(s) => did_you_mean(&mut message, Some(s)),
        None => {
            message.push_str("; known: ");
            message.push_str(&join(known, ", "));
        }
    }
    let mut field = String::from(parent);
    field.push('.');
    field.push_str(key);
    Error::input(ErrorCode::UnknownField, field, message)
}

/// Appends `n` in decimal (without the formatting machinery, which costs wasm bytes).
fn push_decimal(out: &mut String, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~".contains(&c)
}

/// The base URL of the authorization page from `{ environment?, baseUrl? }`, with the client's
/// rules: `baseUrl` wins and must be `https:` (or `http:` on loopback); the default is production.
pub fn authorize_base(options: &Value) -> Result<String, Error> {
    let members = match options {
        Value::Null => return Ok(PRODUCTION_URL.to_owned()),
        v => expect_object(v, "options")?,
    };
    let mut sandbox = false;
    let mut base_url = None;
    for (key, value) in members {
        if matches!(value, Value::Null) {
            continue;
        }
        match key.as_str() {
            "environment" => match string(value, "options.environment")? {
                "production" => sandbox = false,
                "sandbox" => sandbox = true,
                _ => {
                    return Err(Error::input(
                        ErrorCode::InvalidValue,
                        "options.environment",
                        "must be \"production\" or \"sandbox\"",
                    ))
                }
            },
            "baseUrl" => base_url = Some(string(value, "options.baseUrl")?),
            other => return Err(unknown("options", other, &URL_OPTIONS, "option")),
        }
    }
    match base_url {
        Some(url) => base_url_checked(url, "options.baseUrl"),
        None if sandbox => Ok(SANDBOX_URL.to_owned()),
        None => Ok(PRODUCTION_URL.to_owned()),
    }
}

#[derive(Default)]
struct Params<'a> {
    client_id: Option<&'a Value>,
    scope: Option<&'a Value>,
    state: Option<&'a Value>,
    redirect_uri: Option<&'a Value>,
    locale: Option<&'a Value>,
    session: Option<&'a Value>,
    code_challenge: Option<&'a Value>,
}

/// Builds `{base}/oauth2/authorize?client_id=…[&scope=A+B][&state=…][&redirect_uri=…]
/// [&locale=…][&session=true|false][&code_challenge=…]` from the caller's parameters
/// (`null` members count as absent) and `{ environment?, baseUrl? }` options.
///
/// Checks: `client_id` 1 to 191 characters; every scope one of [`SCOPES`] (an array of names or
/// a space-separated string, at least one, duplicates dropped); `state` 1 to [`MAX_STATE`]
/// visible ASCII characters; `redirect_uri` an absolute `https:` URL (`http:` only on loopback)
/// without a fragment; `locale` one of [`LOCALES`]; `session` a boolean; `code_challenge` 43 to
/// 128 characters of RFC 7636's alphabet. See the module docs for what is deliberately not sent.
pub fn authorize_url(params: &Value, options: &Value) -> Result<String, Error> {
    let members = match params {
        Value::Null => {
            return Err(Error::input(
                ErrorCode::MissingField,
                "params",
                "is required",
            ))
        }
        v => expect_object(v, "params")?,
    };
    let mut p = Params::default();
    for (key, value) in members {
        let slot = match key.as_str() {
            "client_id" => &mut p.client_id,
            "scope" => &mut p.scope,
            "state" => &mut p.state,
            "redirect_uri" => &mut p.redirect_uri,
            "locale" => &mut p.locale,
            "session" => &mut p.session,
            "code_challenge" => &mut p.code_challenge,
            other => return Err(unknown("params", other, &PARAMS, "parameter")),
        };
        if !matches!(value, Value::Null) {
            *slot = Some(value);
        }
    }

    let client_id = match p.client_id {
        Some(v) => string(v, "params.client_id")?,
        None => {
            return Err(Error::input(
                ErrorCode::MissingField,
                "params.client_id",
                "is required (your application ID)",
            ))
        }
    };
    if !(1..=191).contains(&client_id.chars().count()) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "params.client_id",
            "must be 1 to 191 characters long",
        ));
    }
    let scopes = p.scope.map(scopes).transpose()?;
    let state = p.state.map(state).transpose()?;
    let redirect_uri = p.redirect_uri.map(redirect_uri).transpose()?;
    let locale = p.locale.map(locale).transpose()?;
    let session = match p.session {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => return Err(wrong_type("params.session", "a boolean", v)),
    };
    let challenge = p.code_challenge.map(code_challenge).transpose()?;

    let mut url = authorize_base(options)?;
    url.push_str("/oauth2/authorize?client_id=");
    url.push_str(&encode_segment(client_id));
    if let Some(names) = scopes {
        url.push_str("&scope=");
        url.push_str(&join(&names, "+"));
    }
    let mut push = |name: &str, value: &str| {
        url.push('&');
        url.push_str(name);
        url.push('=');
        url.push_str(&encode_segment(value));
    };
    if let Some(s) = state {
        push("state", s);
    }
    if let Some(r) = redirect_uri {
        push("redirect_uri", r);
    }
    if let Some(l) = locale {
        push("locale", l);
    }
    if let Some(s) = session {
        push("session", if s { "true" } else { "false" });
    }
    if let Some(c) = challenge {
        push("code_challenge", c);
    }
    Ok(url)
}

fn scopes(v: &Value) -> Result<Vec<&str>, Error> {
    const FIELD: &str = "params.scope";
    let mut names: Vec<&str> = Vec::new();
    match v {
        Value::String(s) => names.extend(s.split_ascii_whitespace()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => names.push(s),
                    other => {
                        let mut field = String::from(FIELD);
                        field.push('[');
                        push_decimal(&mut field, i);
                        field.push(']');
                        return Err(wrong_type(&field, "a scope name (string)", other));
                    }
                }
            }
        }
        other => {
            return Err(wrong_type(
                FIELD,
                "an array of scope names or a space-separated string",
                other,
            ))
        }
    }
    if names.is_empty() {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "names no scope; leave it out to get Square's default scopes",
        ));
    }
    let mut out: Vec<&str> = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        if !SCOPES.contains(&name) {
            let mut message = String::from("scope #");
            push_decimal(&mut message, i + 1);
            message.push_str(" is not one of Square's scope names");
            if name.contains(['+', ',']) {
                message.push_str(" (separate names with spaces, or pass an array)");
            }
            did_you_mean(&mut message, suggest(name, &SCOPES));
            return Err(Error::input(ErrorCode::InvalidValue, FIELD, message));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// `state`: 1 to [`MAX_STATE`] visible ASCII characters.
fn state(v: &Value) -> Result<&str, Error> {
    const FIELD: &str = "params.state";
    let s = string(v, FIELD)?;
    if !s.bytes().all(|c| (0x21..0x7f).contains(&c)) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must hold only visible ASCII characters (no spaces, control or non-ASCII characters)",
        ));
    }
    if s.is_empty() || s.len() > MAX_STATE {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must be 1 to 1024 characters long",
        ));
    }
    Ok(s)
}

fn code_challenge(v: &Value) -> Result<&str, Error> {
    const FIELD: &str = "params.code_challenge";
    let s = string(v, FIELD)?;
    if !(43..=128).contains(&s.len()) || !s.bytes().all(is_unreserved) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636), e.g. the code_challenge of createPkce()",
        ));
    }
    Ok(s)
}

fn locale(v: &Value) -> Result<&str, Error> {
    const FIELD: &str = "params.locale";
    let s = string(v, FIELD)?;
    if LOCALES.contains(&s) {
        return Ok(s);
    }
    let mut message = String::from("must be one of ");
    message.push_str(&join(&LOCALES, ", "));
    did_you_mean(&mut message, suggest(s, &LOCALES));
    Err(Error::input(ErrorCode::InvalidValue, FIELD, message))
}

/// Checks a redirect URL: absolute, `https:` (or `http:` on a loopback host, as the Sandbox
/// allows), no user info, no fragment, only visible ASCII.
fn redirect_uri(v: &Value) -> Result<&str, Error> {
    const FIELD: &str = "params.redirect_uri";
    let uri = string(v, FIELD)?;
    let invalid = |why: &str| Error::input(ErrorCode::InvalidValue, FIELD, why.to_owned());
    if uri.is_empty() || uri.len() > MAX_REDIRECT_URI {
        return Err(invalid("must be 1 to 2048 characters long"));
    }
    if uri
        .bytes()
        .any(|c| !(0x21..0x7f).contains(&c) || c == b'\\')
    {
        return Err(invalid(
            "must not contain spaces, control characters, backslashes or non-ASCII characters (percent-encode them)",
        ));
    }
    if uri.contains('#') {
        return Err(invalid("must not have a fragment"));
    }
    let (scheme, rest) = crate::validate::split_once_sub(uri, "://")
        .ok_or_else(|| invalid("must be an absolute URL such as https://example.com/callback"))?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    let mut origin = String::with_capacity(scheme.len() + 3 + authority.len());
    origin.push_str(scheme);
    origin.push_str("://");
    origin.push_str(authority);
    base_url_checked(&origin, FIELD)?;
    Ok(uri)
}

/// A successful callback. `Debug` does not show the code.
#[derive(Clone, Debug, PartialEq)]
pub struct Callback {
    /// The authorization code (single-use, valid 5 minutes).
    pub code: Secret,
    /// The `state` Square echoed, equal to the expected one.
    pub state: String,
}

/// Reads the callback URL Square redirects the seller to and checks it, in this order:
/// 1. an `error` → `ACCESS_DENIED` for `access_denied`, else `AUTHORIZATION_ERROR` (the message
///    quotes Square's `error` and `error_description`, cleaned of anything but printable ASCII);
/// 2. `state` absent or different from `expected_state` (compared in constant time) →
///    `STATE_MISMATCH`;
/// 3. no `code`, or an empty one → `MISSING_CODE`.
///
/// `url` is the full callback URL (the query is read; a fragment is ignored). Parameters are
/// decoded as `application/x-www-form-urlencoded` (`+` is a space, malformed `%` escapes stay as
/// they are) and the first occurrence of a repeated one counts, as `URLSearchParams.get` does.
/// `expected_state` must be a non-empty string: an empty or missing one would let a callback
/// without `state` pass. Messages never contain the code or either state.
pub fn parse_callback(url: &Value, expected_state: &Value) -> Result<Callback, Error> {
    let url = match url {
        Value::String(s) => s.as_str(),
        Value::Null => return Err(Error::input(ErrorCode::MissingField, "url", "is required")),
        other => return Err(wrong_type("url", "a string or a URL", other)),
    };
    let expected = match expected_state {
        Value::String(s) if !s.is_empty() => s.as_str(),
        Value::String(_) => {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "expectedState",
                "must not be empty: pass the state stored when the authorization URL was built",
            ))
        }
        Value::Null => {
            return Err(Error::input(
                ErrorCode::MissingField,
                "expectedState",
                "is required: pass the state stored when the authorization URL was built",
            ))
        }
        other => return Err(wrong_type("expectedState", "a string", other)),
    };

    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for pair in query_of(url).split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match form_decode(name).as_deref() {
            Some("code") => &mut code,
            Some("state") => &mut state,
            Some("error") => &mut error,
            Some("error_description") => &mut description,
            _ => continue,
        };
        if slot.is_none() {
            // A value that is not UTF-8 once decoded reads as empty: it can match no state
            // and is no code.
            *slot = Some(form_decode(value).unwrap_or_default());
        }
    }

    if let Some(error) = error {
        let (code, mut message) = if error == "access_denied" {
            (
                ErrorCode::AccessDenied,
                String::from("the seller denied access on Square's authorization page"),
            )
        } else {
            let mut m = String::from("Square's authorization page answered with error \"");
            m.push_str(&printable(&error));
            m.push('"');
            (ErrorCode::AuthorizationError, m)
        };
        if let Some(d) = description {
            message.push_str(" (error_description: \"");
            message.push_str(&printable(&d));
            message.push_str("\")");
        }
        return Err(Error::new(code, message));
    }
    let state = match state {
        None => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "the callback has no state parameter, so it cannot be tied to this session (possible CSRF)",
            ))
        }
        Some(s) if !constant_time_eq(s.as_bytes(), expected.as_bytes()) => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "the callback's state differs from the expected one (possible CSRF, or a stale session)",
            ))
        }
        Some(s) => s,
    };
    match code {
        Some(c) if !c.is_empty() => Ok(Callback {
            code: Secret::new(c),
            state,
        }),
        _ => Err(Error::new(
            ErrorCode::MissingCode,
            "the callback has neither a code nor an error",
        )),
    }
}

/// The query of a URL: after the first `?`, before any `#`. Empty without a `?`.
fn query_of(url: &str) -> &str {
    let url = url.split('#').next().unwrap_or("");
    url.split_once('?').map_or("", |(_, q)| q)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes one name or value of an `application/x-www-form-urlencoded` query as the WHATWG URL
/// standard does (`+` is a space, `%XX` a byte, a malformed `%` stays as it is), except that a
/// result that is not UTF-8 is `None` instead of being repaired with U+FFFD.
pub fn form_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let escaped = match c {
            b'%' => b
                .get(i + 1)
                .and_then(|&h| hex_value(h))
                .zip(b.get(i + 2).and_then(|&l| hex_value(l))),
            _ => None,
        };
        match (c, escaped) {
            (_, Some((h, l))) => {
                out.push(h << 4 | l);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (c, None) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// At most 120 characters of `s` for a message: printable ASCII kept, anything else as `?`.
fn printable(s: &str) -> String {
    s.chars()
        .take(120)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Compares two byte strings in time that depends only on their lengths, never on where they
/// first differ: every byte pair is combined, and a length difference is folded into the same
/// accumulator instead of returning early.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// Base64url without padding (RFC 4648 §5), as RFC 7636 uses for verifiers and challenges.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = byte(0) << 16 | byte(1) << 8 | byte(2);
        // 1 byte → 2 characters, 2 → 3, 3 → 4.
        for k in 0..=chunk.len() {
            let index = (n >> (18 - 6 * k)) & 63;
            out.push(char::from(
                ALPHABET.get(index as usize).copied().unwrap_or(b'A'),
            ));
        }
    }
    out
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Parses an RFC 3339 timestamp (the ISO 8601 profile Square uses, e.g.
/// `2025-04-03T18:31:06Z`) to Unix epoch milliseconds: `T`, `t` or a space between date and
/// time; optional fractional seconds (`.` or `,`, cut to milliseconds); a `Z`/`z` or `±HH:MM`
/// (or `±HHMM`) offset, which is required. Returns `None` for anything else, including
/// impossible dates such as February 30.
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, chars: &[u8]| b.get(i).is_some_and(|c| chars.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut i = 19;
    let mut millis: i64 = 0;
    if at(i, b".,") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b.get(i).copied().unwrap_or(b'0') - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes: i64 = match b.get(i) {
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let h = num(i + 1, 2)?;
            let (m, len) = if at(i + 3, b":") {
                (num(i + 4, 2)?, 6)
            } else {
                (num(i + 3, 2)?, 5)
            };
            if h > 23 || m > 59 {
                return None;
            }
            i += len;
            let minutes = i64::from(h * 60 + m);
            if sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    if i != b.len() || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let seconds =
        days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Validated options of [`should_refresh`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RefreshOptions {
    /// The current time in Unix epoch milliseconds; `None` means the caller's clock.
    pub now_ms: Option<f64>,
    /// Refresh tokens issued at least this many days ago (0 to 30).
    pub refresh_after_days: f64,
}

/// Validates `{ now?, refreshAfterDays? }`. The wasm layer has already turned a `Date` in `now`
/// into its epoch milliseconds (an invalid `Date` into `NaN`).
pub fn refresh_options(options: &Value) -> Result<RefreshOptions, Error> {
    let mut out = RefreshOptions {
        now_ms: None,
        refresh_after_days: DEFAULT_REFRESH_AFTER_DAYS,
    };
    let members = match options {
        Value::Null => return Ok(out),
        v => expect_object(v, "options")?,
    };
    for (key, value) in members {
        match (key.as_str(), value) {
            (_, Value::Null) if REFRESH_OPTIONS.contains(&key.as_str()) => {}
            ("now", Value::Number(n)) if n.is_finite() => out.now_ms = Some(*n),
            ("now", Value::Number(_)) => {
                return Err(Error::input(
                    ErrorCode::InvalidValue,
                    "options.now",
                    "must be a valid Date or a finite number of milliseconds since 1970",
                ))
            }
            ("now", v) => return Err(wrong_type("options.now", "a Date or a number", v)),
            ("refreshAfterDays", Value::Number(n)) if (0.0..=ACCESS_TOKEN_DAYS).contains(n) => {
                out.refresh_after_days = *n;
            }
            ("refreshAfterDays", Value::Number(_)) => {
                return Err(Error::input(
                    ErrorCode::InvalidValue,
                    "options.refreshAfterDays",
                    "must be a number of days from 0 to 30",
                ))
            }
            ("refreshAfterDays", v) => {
                return Err(wrong_type("options.refreshAfterDays", "a number", v))
            }
            (other, _) => return Err(unknown("options", other, &REFRESH_OPTIONS, "option")),
        }
    }
    Ok(out)
}

/// The `expires_at` of a token response, or the string itself. `None` when the response has
/// none (`null` counts as none).
pub fn expires_at_of(token: &Value) -> Result<Option<&str>, Error> {
    match token {
        Value::String(s) => Ok(Some(s)),
        Value::Object(_) => match token.get("expires_at") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(wrong_type("token.expires_at", "a string", v)),
        },
        Value::Null => Err(Error::input(
            ErrorCode::MissingField,
            "token",
            "is required: a token response or its expires_at",
        )),
        other => Err(wrong_type(
            "token",
            "a token response or its expires_at string",
            other,
        )),
    }
}

/// Square's refresh guidance: access tokens live 30 days and should be refreshed every 7 days
/// or less, so a token is due once it was issued `refresh_after_days` ago, that is once
/// `expires_at − now ≤ 30 − refresh_after_days` days. Also due when `expires_at` is absent or
/// does not parse ([`parse_timestamp_ms`]), and when it has passed.
pub fn should_refresh(expires_at: Option<&str>, now_ms: f64, refresh_after_days: f64) -> bool {
    let Some(at) = expires_at.and_then(parse_timestamp_ms) else {
        return true;
    };
    let remaining = at as f64 - now_ms;
    remaining <= (ACCESS_TOKEN_DAYS - refresh_after_days) * DAY_MS
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn v(s: &str) -> Value {
        parse(s.as_bytes()).unwrap()
    }

    fn url(params: &str) -> Result<String, Error> {
        authorize_url(&v(params), &Value::Null)
    }

    fn err(r: Result<String, Error>) -> Error {
        r.unwrap_err()
    }

    #[test]
    fn scope_list_matches_the_spec() {
        // Square's spec, as copied into the repository (tests/contract/spec, with its NOTICE).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/contract/spec/square-oauth-openapi.json"
        );
        let text = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let spec = parse(&text).unwrap();
        let scopes = [
            "components",
            "securitySchemes",
            "oauth2",
            "flows",
            "authorizationCode",
            "scopes",
        ]
        .iter()
        .try_fold(&spec, |v, k| v.get(k))
        .unwrap();
        let Value::Object(members) = scopes else {
            panic!("scopes is not an object")
        };
        let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        let mut ours = SCOPES.to_vec();
        ours.sort_unstable();
        ours.dedup();
        assert_eq!(names, ours);
        assert_eq!(ours.len(), 59);
    }

    #[test]
    fn minimal_and_full_urls() {
        assert_eq!(
            url(r#"{"client_id":"sq0idp-abc"}"#).unwrap(),
            "https://connect.squareup.com/oauth2/authorize?client_id=sq0idp-abc"
        );
        let full = url(
            r#"{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","session":false,
                "locale":"fr-CA","redirect_uri":"https://example.com/cb?x=1&y=a b",
                "state":"s&t=a?b#c/d%e+f","scope":["CUSTOMERS_WRITE","CUSTOMERS_READ"],
                "client_id":"sq0idp-abc"}"#,
        );
        // The space in redirect_uri is refused; take it out.
        assert_eq!(err(full).field.as_deref(), Some("params.redirect_uri"));
        let full = url(
            r#"{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","session":false,
                "locale":"fr-CA","redirect_uri":"https://example.com/cb?x=1&y=a%20b",
                "state":"s&t=a?b#c/d%e+f","scope":["CUSTOMERS_WRITE","CUSTOMERS_READ"],
                "client_id":"sq0idp-abc"}"#,
        )
        .unwrap();
        assert_eq!(
            full,
            "https://connect.squareup.com/oauth2/authorize?client_id=sq0idp-abc\
             &scope=CUSTOMERS_WRITE+CUSTOMERS_READ\
             &state=s%26t%3Da%3Fb%23c%2Fd%25e%2Bf\
             &redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3Da%2520b\
             &locale=fr-CA&session=false\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(!full.contains("code_challenge_method"));
        assert!(!full.contains("response_type"));
        assert!(url(r#"{"client_id":"a","session":true}"#)
            .unwrap()
            .ends_with("&session=true"));
    }

    #[test]
    fn values_are_percent_encoded_and_decode_back() {
        // Unicode, spaces, '+' and reserved characters in client_id: all escaped, unreserved kept.
        let id = "a b+c&d=e?f#g/h%i~j.k_l-m é😀";
        let u = authorize_url(
            &Value::Object(vec![("client_id".into(), Value::String(id.into()))]),
            &Value::Null,
        )
        .unwrap();
        let q = u.split_once("client_id=").unwrap().1;
        assert_eq!(
            q,
            "a%20b%2Bc%26d%3De%3Ff%23g%2Fh%25i~j.k_l-m%20%C3%A9%F0%9F%98%80"
        );
        assert_eq!(
            form_decode(q).unwrap(),
            id,
            "the callback decoder is the inverse"
        );
        assert!(q.bytes().all(|c| is_unreserved(c) || c == b'%'));
    }

    #[test]
    fn scopes_string_array_and_errors() {
        let u = url(
            r#"{"client_id":"a","scope":"  PAYMENTS_READ\tMERCHANT_PROFILE_READ PAYMENTS_READ "}"#,
        )
        .unwrap();
        assert!(
            u.ends_with("&scope=PAYMENTS_READ+MERCHANT_PROFILE_READ"),
            "{u}"
        );
        for s in SCOPES {
            let u = authorize_url(
                &Value::Object(vec![
                    ("client_id".into(), Value::String("a".into())),
                    ("scope".into(), Value::Array(vec![Value::String(s.into())])),
                ]),
                &Value::Null,
            )
            .unwrap();
            assert!(u.ends_with(&format!("&scope={s}")));
        }
        let e = err(url(
            r#"{"client_id":"a","scope":["PAYMENTS_READ","payments_write"]}"#,
        ));
        assert_eq!(e.code, ErrorCode::InvalidValue);
        assert_eq!(e.field.as_deref(), Some("params.scope"));
        assert!(e.message.contains("scope #2"), "{}", e.message);
        assert!(
            e.message.contains("did you mean \"PAYMENTS_WRITE\""),
            "{}",
            e.message
        );
        assert!(
            !e.message.contains("payments_write"),
            "no caller value in messages"
        );
        let e = err(url(r#"{"client_id":"a","scope":"MerchantProfileRead"}"#));
        assert!(e.message.contains("MERCHANT_PROFILE_READ"), "{}", e.message);
        let e = err(url(
            r#"{"client_id":"a","scope":"PAYMENTS_READ+ORDERS_READ"}"#,
        ));
        assert!(
            e.message.contains("separate names with spaces"),
            "{}",
            e.message
        );
        let e = err(url(r#"{"client_id":"a","scope":[" PAYMENTS_READ"]}"#));
        assert_eq!(e.code, ErrorCode::InvalidValue);
        for empty in [r#""""#, r#""   ""#, "[]"] {
            let e = err(url(&format!(r#"{{"client_id":"a","scope":{empty}}}"#)));
            assert_eq!(e.code, ErrorCode::InvalidValue, "{empty}");
        }
        let e = err(url(r#"{"client_id":"a","scope":["PAYMENTS_READ",3]}"#));
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidType, Some("params.scope[1]"))
        );
        // Positions past 9 (the decimal writer).
        let mut many: Vec<Value> = SCOPES[..11]
            .iter()
            .map(|s| Value::String((*s).into()))
            .collect();
        many.push(Value::String("NOPE".into()));
        let e = authorize_url(
            &Value::Object(vec![
                ("client_id".into(), Value::String("a".into())),
                ("scope".into(), Value::Array(many.clone())),
            ]),
            &Value::Null,
        )
        .unwrap_err();
        assert!(e.message.contains("scope #12 "), "{}", e.message);
        many[10] = Value::Bool(true);
        let e = authorize_url(
            &Value::Object(vec![
                ("client_id".into(), Value::String("a".into())),
                ("scope".into(), Value::Array(many)),
            ]),
            &Value::Null,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.scope[10]"));
        let e = err(url(r#"{"client_id":"a","scope":true}"#));
        assert_eq!(e.code, ErrorCode::InvalidType);
        // null is absent: Square's default scopes.
        assert!(!url(r#"{"client_id":"a","scope":null}"#)
            .unwrap()
            .contains("scope"));
    }

    #[test]
    fn params_are_checked() {
        let cases = [
            ("null", ErrorCode::MissingField, "params"),
            ("[]", ErrorCode::InvalidType, "params"),
            (r#""sq0idp-a""#, ErrorCode::InvalidType, "params"),
            ("{}", ErrorCode::MissingField, "params.client_id"),
            (
                r#"{"client_id":null}"#,
                ErrorCode::MissingField,
                "params.client_id",
            ),
            (
                r#"{"client_id":""}"#,
                ErrorCode::InvalidValue,
                "params.client_id",
            ),
            (
                r#"{"client_id":5}"#,
                ErrorCode::InvalidType,
                "params.client_id",
            ),
            (
                r#"{"clientId":"a"}"#,
                ErrorCode::UnknownField,
                "params.clientId",
            ),
            (
                r#"{"client_id":"a","response_type":"code"}"#,
                ErrorCode::UnknownField,
                "params.response_type",
            ),
            (
                r#"{"client_id":"a","state":""}"#,
                ErrorCode::InvalidValue,
                "params.state",
            ),
            (
                r#"{"client_id":"a","state":"a b"}"#,
                ErrorCode::InvalidValue,
                "params.state",
            ),
            (
                r#"{"client_id":"a","state":"é"}"#,
                ErrorCode::InvalidValue,
                "params.state",
            ),
            (
                r#"{"client_id":"a","state":"a\nb"}"#,
                ErrorCode::InvalidValue,
                "params.state",
            ),
            (
                r#"{"client_id":"a","state":1}"#,
                ErrorCode::InvalidType,
                "params.state",
            ),
            (
                r#"{"client_id":"a","locale":"en_US"}"#,
                ErrorCode::InvalidValue,
                "params.locale",
            ),
            (
                r#"{"client_id":"a","locale":"de-DE"}"#,
                ErrorCode::InvalidValue,
                "params.locale",
            ),
            (
                r#"{"client_id":"a","session":"false"}"#,
                ErrorCode::InvalidType,
                "params.session",
            ),
            (
                r#"{"client_id":"a","code_challenge":"short"}"#,
                ErrorCode::InvalidValue,
                "params.code_challenge",
            ),
            (
                r#"{"client_id":"a","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"}"#,
                ErrorCode::InvalidValue,
                "params.code_challenge",
            ),
        ];
        for (params, code, field) in cases {
            let e = err(url(params));
            assert_eq!(
                (e.code, e.field.as_deref()),
                (code, Some(field)),
                "{params}"
            );
            assert!(e.message.starts_with(field), "{}", e.message);
        }
        let e = err(url(r#"{"clientId":"a"}"#));
        assert!(
            e.message.contains("did you mean \"client_id\""),
            "{}",
            e.message
        );
        let e = err(url(r#"{"codeChallenge":"x","client_id":"a"}"#));
        assert!(e.message.contains("\"code_challenge\""), "{}", e.message);
        let e = err(url(r#"{"client_id":"a","locale":"en_US"}"#));
        assert!(
            e.message.contains("did you mean \"en-US\""),
            "{}",
            e.message
        );
        let long = "x".repeat(192);
        let e = err(url(&format!(r#"{{"client_id":"{long}"}}"#)));
        assert_eq!(e.code, ErrorCode::InvalidValue);
        assert!(
            url(&format!(r#"{{"client_id":"{}"}}"#, "é".repeat(191))).is_ok(),
            "characters, not bytes"
        );
        let e = err(url(&format!(
            r#"{{"client_id":"a","state":"{}"}}"#,
            "s".repeat(MAX_STATE + 1)
        )));
        assert_eq!(e.code, ErrorCode::InvalidValue);
        assert!(url(&format!(
            r#"{{"client_id":"a","state":"{}"}}"#,
            "~".repeat(MAX_STATE)
        ))
        .is_ok());
        assert!(url(&format!(
            r#"{{"client_id":"a","code_challenge":"{}"}}"#,
            "A-._~".repeat(25)
        ))
        .is_ok());
        assert!(url(&format!(
            r#"{{"client_id":"a","code_challenge":"{}"}}"#,
            "a".repeat(129)
        ))
        .is_err());
        for l in LOCALES {
            assert!(url(&format!(r#"{{"client_id":"a","locale":"{l}"}}"#))
                .unwrap()
                .ends_with(l));
        }
    }

    #[test]
    fn redirect_uris() {
        for ok in [
            "https://example.com/callback",
            "https://example.com",
            "https://example.com?x=1",
            "https://example.com:8443/a/b?c=d&e=%20",
            "http://localhost:3000/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:9/cb",
        ] {
            let u = url(&format!(r#"{{"client_id":"a","redirect_uri":"{ok}"}}"#)).unwrap();
            assert!(
                u.ends_with(&format!("&redirect_uri={}", encode_segment(ok))),
                "{ok}"
            );
        }
        for (bad, code) in [
            ("http://example.com/cb", ErrorCode::InsecureUrl),
            ("http://127.0.0.1.evil.com/cb", ErrorCode::InsecureUrl),
            ("javascript://alert(1)", ErrorCode::InsecureUrl),
            ("myapp://callback", ErrorCode::InsecureUrl),
            ("/callback", ErrorCode::InvalidValue),
            ("", ErrorCode::InvalidValue),
            ("https://", ErrorCode::InvalidValue),
            ("https://?x", ErrorCode::InvalidValue),
            ("https://user:pw@example.com/cb", ErrorCode::InvalidValue),
            ("https://example.com/cb#frag", ErrorCode::InvalidValue),
            ("https://example.com/c b", ErrorCode::InvalidValue),
            ("https://example.com/cb\r\n", ErrorCode::InvalidValue),
            ("https://example.com/é", ErrorCode::InvalidValue),
            ("https://example.com\\@evil.com", ErrorCode::InvalidValue),
        ] {
            let e = authorize_url(
                &Value::Object(vec![
                    ("client_id".into(), Value::String("a".into())),
                    ("redirect_uri".into(), Value::String(bad.into())),
                ]),
                &Value::Null,
            )
            .unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (code, Some("params.redirect_uri")),
                "{bad}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_REDIRECT_URI));
        let e = err(url(&format!(
            r#"{{"client_id":"a","redirect_uri":"{long}"}}"#
        )));
        assert_eq!(e.code, ErrorCode::InvalidValue);
    }

    #[test]
    fn environments_and_base_urls() {
        let p = v(r#"{"client_id":"a"}"#);
        let at = |o: &str| authorize_url(&p, &v(o));
        assert!(at("{}")
            .unwrap()
            .starts_with("https://connect.squareup.com/oauth2/authorize?"));
        assert!(at(r#"{"environment":"production"}"#)
            .unwrap()
            .starts_with(PRODUCTION_URL));
        assert!(at(r#"{"environment":"sandbox"}"#)
            .unwrap()
            .starts_with("https://connect.squareupsandbox.com/oauth2/authorize?client_id=a"));
        assert!(
            at(r#"{"environment":"sandbox","baseUrl":"http://127.0.0.1:8080/"}"#)
                .unwrap()
                .starts_with("http://127.0.0.1:8080/oauth2/authorize?")
        );
        assert!(at(r#"{"baseUrl":"https://proxy.example/sq"}"#)
            .unwrap()
            .starts_with("https://proxy.example/sq/oauth2/authorize?"));
        assert!(at(r#"{"environment":null}"#)
            .unwrap()
            .starts_with(PRODUCTION_URL));
        for (o, code, field) in [
            (
                r#"{"environment":"prod"}"#,
                ErrorCode::InvalidValue,
                "options.environment",
            ),
            (
                r#"{"environment":1}"#,
                ErrorCode::InvalidType,
                "options.environment",
            ),
            (
                r#"{"baseUrl":"http://example.com"}"#,
                ErrorCode::InsecureUrl,
                "options.baseUrl",
            ),
            (
                r#"{"baseUrl":"https://x/?q"}"#,
                ErrorCode::InvalidValue,
                "options.baseUrl",
            ),
            (
                r#"{"base_url":"https://x"}"#,
                ErrorCode::UnknownField,
                "options.base_url",
            ),
            (
                r#"{"timeoutMs":5}"#,
                ErrorCode::UnknownField,
                "options.timeoutMs",
            ),
            ("[]", ErrorCode::InvalidType, "options"),
        ] {
            let e = at(o).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{o}");
        }
        assert!(at(r#"{"base_url":"https://x"}"#)
            .unwrap_err()
            .message
            .contains("\"baseUrl\""));
        // Params are checked before options; both report their own field.
        let e = authorize_url(&v("{}"), &v(r#"{"environment":"x"}"#)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("params.client_id"));
    }

    fn cb(url: &str) -> Result<Callback, Error> {
        parse_callback(&Value::String(url.into()), &Value::String("st-123".into()))
    }

    fn cb_err(url: &str) -> Error {
        match cb(url) {
            Ok(_) => panic!("expected an error for {url}"),
            Err(e) => e,
        }
    }

    #[test]
    fn callback_success() {
        let c = cb("https://app.example/cb?code=sq0cgb-AB%2Bc+d&response_type=code&state=st-123")
            .unwrap();
        assert_eq!(c.code.expose(), "sq0cgb-AB+c d");
        assert_eq!(c.state, "st-123");
        assert!(!format!("{c:?}").contains("sq0cgb"), "Debug hides the code");
        // Order, fragments, repeated parameters (the first counts), encoded names.
        let c = cb("/cb?st%61te=st-123&code=first&code=second#state=other").unwrap();
        assert_eq!(c.code.expose(), "first");
        let c = cb("?state=st-123&code=x").unwrap();
        assert_eq!(c.code.expose(), "x");
        // A state with reserved characters survives the round trip through authorize_url.
        let state = "a b+c&d=e?f#g/%é";
        let built = url(r#"{"client_id":"a","state":"a+b"}"#).unwrap();
        let echoed = built.split_once("&state=").unwrap().1;
        let got = parse_callback(
            &Value::String(format!("https://x/cb?code=c&state={echoed}")),
            &Value::String("a+b".into()),
        )
        .unwrap();
        assert_eq!(got.state, "a+b");
        let got = parse_callback(
            &Value::String(format!(
                "https://x/cb?code=c&state={}",
                encode_segment(state)
            )),
            &Value::String(state.into()),
        )
        .unwrap();
        assert_eq!(got.state, state);
    }

    #[test]
    fn callback_errors() {
        let e =
            cb_err("https://app/cb?error=access_denied&error_description=user_denied&state=st-123");
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert!(e.message.contains("user_denied"), "{}", e.message);
        assert_eq!(e.field, None);
        // Square's documented deny callback has no state; it is still ACCESS_DENIED.
        let e = cb_err("https://app/cb?error=access_denied&error_description=user_denied");
        assert_eq!(e.code, ErrorCode::AccessDenied);
        let e = cb_err("https://app/cb?error=access_denied");
        assert_eq!(e.code, ErrorCode::AccessDenied);
        let e = cb_err(
            "https://app/cb?error=invalid_scope&error_description=bad+scope%0A%1b[31m&state=st-123",
        );
        assert_eq!(e.code, ErrorCode::AuthorizationError);
        assert!(e.message.contains("\"invalid_scope\""), "{}", e.message);
        assert!(e.message.contains("bad scope??[31m"), "{}", e.message);
        assert!(!e.message.contains(['\n', '\u{1b}']));
        let e = cb_err(&format!("https://app/cb?error={}", "x".repeat(500)));
        assert!(e.message.len() < 300);
        // An error wins over a code.
        let e = cb_err("https://app/cb?code=c&error=server_error&state=st-123");
        assert_eq!(e.code, ErrorCode::AuthorizationError);

        for (u, code) in [
            (
                "https://app/cb?code=sq0cgb-secret",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-124",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-1234",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-12",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=ST-123",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb#code=sq0cgb-secret&state=st-123",
                ErrorCode::StateMismatch,
            ),
            ("https://app/cb?state=st-123", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&code=", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&code", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&Code=x", ErrorCode::MissingCode),
            // State is checked before the code is looked at.
            ("https://app/cb", ErrorCode::StateMismatch),
            ("", ErrorCode::StateMismatch),
            ("?&&=&%&%zz", ErrorCode::StateMismatch),
        ] {
            let e = cb_err(u);
            assert_eq!(e.code, code, "{u}");
            assert!(
                !e.message.contains("sq0cgb-secret") && !e.message.contains("st-12"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn callback_arguments() {
        let s = |x: &str| Value::String(x.into());
        let e = parse_callback(&Value::Null, &s("a")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::MissingField, Some("url"))
        );
        let e = parse_callback(&Value::Number(1.0), &s("a")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidType, Some("url"))
        );
        // An empty or missing expected state must not let a callback without state through.
        let e = parse_callback(&s("https://x/cb?code=c&state="), &s("")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidValue, Some("expectedState"))
        );
        let e = parse_callback(&s("https://x/cb?code=c"), &Value::Null).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::MissingField, Some("expectedState"))
        );
        let e = parse_callback(&s("https://x/cb?code=c"), &Value::Bool(true)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidType);
    }

    #[test]
    fn form_decoding() {
        for (raw, decoded) in [
            ("a+b", Some("a b")),
            ("a%2Bb", Some("a+b")),
            ("a%2bb", Some("a+b")),
            ("%41%42", Some("AB")),
            ("%", Some("%")),
            ("%4", Some("%4")),
            ("%zz", Some("%zz")),
            ("%%41", Some("%A")),
            ("%C3%A9", Some("é")),
            ("é", Some("é")),
            ("", Some("")),
            ("%FF", None),
            ("a%C3", None),
        ] {
            assert_eq!(form_decode(raw).as_deref(), decoded, "{raw}");
        }
        // A state that is not UTF-8 matches nothing, not even a state holding U+FFFD.
        let e = parse_callback(
            &Value::String("https://x/cb?code=c&state=%FF".into()),
            &Value::String("\u{FFFD}".into()),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::StateMismatch);
        let e = parse_callback(
            &Value::String("https://x/cb?code=%FF&state=s".into()),
            &Value::String("s".into()),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::MissingCode);
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"xbc"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"ab", b"abc"));
        assert!(!constant_time_eq(b"", b"a"));
        // Same content but a trailing NUL: the length difference alone must decide.
        assert!(!constant_time_eq(b"abc", b"abc\0"));
        // Lengths whose XOR would wrap into equal bytes still differ.
        assert!(!constant_time_eq(&[0; 256], &[0; 0]));
    }

    #[test]
    fn base64url_vectors() {
        // RFC 4648 §10 vectors, in the URL-safe alphabet without padding.
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(raw.as_bytes()), enc);
        }
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(base64url(&[0xff; 48]).len(), 64);
        assert_eq!(base64url(&[0; 32]).len(), 43);
    }

    #[test]
    fn rfc7636_appendix_b() {
        // The verifier's 32 random octets and the SHA-256 of the verifier, from RFC 7636
        // Appendix B.
        let random = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(
            base64url(&random),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        let digest = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120,
            173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
        ];
        assert_eq!(
            base64url(&digest),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        // The challenge is accepted by authorize_url as is.
        assert!(url(
            r#"{"client_id":"a","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}"#
        )
        .is_ok());
    }

    #[test]
    fn timestamps() {
        let base = 1_743_705_066_000; // 2025-04-03T18:31:06Z
        for (s, ms) in [
            ("2025-04-03T18:31:06Z", base),
            ("2025-04-03t18:31:06z", base),
            ("2025-04-03 18:31:06Z", base),
            ("2025-04-03T18:31:06.5Z", base + 500),
            ("2025-04-03T18:31:06,25Z", base + 250),
            ("2025-04-03T18:31:06.123456789Z", base + 123),
            ("2025-04-03T20:31:06+02:00", base),
            ("2025-04-03T20:31:06+0200", base),
            ("2025-04-03T13:01:06-05:30", base),
            ("2025-04-03T18:31:06+00:00", base),
            ("2025-04-03T18:31:06-00:00", base),
            ("1970-01-01T00:00:00Z", 0),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("2000-02-29T00:00:00Z", 951_782_400_000),
            ("2016-12-31T23:59:60Z", 1_483_228_800_000),
        ] {
            assert_eq!(parse_timestamp_ms(s), Some(ms), "{s}");
        }
        for bad in [
            "",
            "2025-04-03",
            "2025-04-03T18:31:06",
            "2025-04-03T18:31Z",
            "2025-04-03T18:31:06.Z",
            "2025-04-03T18:31:06ZZ",
            "2025-04-03T18:31:06+2",
            "2025-04-03T18:31:06+24:00",
            "2025-04-03T18:31:06+02:60",
            "2025-13-03T18:31:06Z",
            "2025-00-03T18:31:06Z",
            "2025-02-29T18:31:06Z",
            "1900-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-04-00T00:00:00Z",
            "2025-04-03T24:00:00Z",
            "2025-04-03T18:60:00Z",
            "2025-04-03T18:31:61Z",
            "2025/04/03T18:31:06Z",
            "+2025-04-03T18:31:06Z",
            "2025-04-03T18:31:06 Z",
            "2025-4-03T18:31:06Z",
            "２025-04-03T18:31:06Z",
            "not a date",
            "2025-04-03T18:31:06.1234é",
        ] {
            assert_eq!(parse_timestamp_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn refresh_guidance() {
        let now = 1_743_705_066_000.0; // 2025-04-03T18:31:06Z
        let day = 86_400_000.0;
        let at = |days: f64| {
            let ms = (now + days * day) as i64;
            let secs = ms.div_euclid(1000);
            let (d, s) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
            // Build the ISO string from the civil date (inverse of days_from_civil).
            let z = d + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let dd = doy - (153 * mp + 2) / 5 + 1;
            let mm = if mp < 10 { mp + 3 } else { mp - 9 };
            let yy = yoe + era * 400 + i64::from(mm <= 2);
            format!(
                "{yy:04}-{mm:02}-{dd:02}T{:02}:{:02}:{:02}.{:03}Z",
                s / 3600,
                s / 60 % 60,
                s % 60,
                ms.rem_euclid(1000)
            )
        };
        assert_eq!(at(0.0), "2025-04-03T18:31:06.000Z");
        let due = |days: f64| should_refresh(Some(&at(days)), now, DEFAULT_REFRESH_AFTER_DAYS);
        assert!(!due(30.0), "fresh token");
        assert!(!due(23.0 + 1.0 / 86_400.0), "issued less than 7 days ago");
        assert!(due(23.0), "exactly 7 days old");
        assert!(due(22.9));
        assert!(due(1.0), "short-lived token");
        assert!(due(0.0));
        assert!(due(-1.0), "expired");
        assert!(should_refresh(None, now, 7.0), "no expires_at");
        assert!(
            should_refresh(Some(""), now, 7.0),
            "a personal access token's empty expires_at"
        );
        assert!(should_refresh(Some("soon"), now, 7.0), "unparseable");
        // Other thresholds.
        assert!(
            !should_refresh(Some(&at(10.0)), now, 21.0),
            "issued 20 days ago, refresh after 21"
        );
        assert!(should_refresh(Some(&at(10.0)), now, 20.0));
        assert!(
            !should_refresh(Some(&at(0.5)), now, 30.0),
            "30: only once expired"
        );
        assert!(should_refresh(Some(&at(0.0)), now, 30.0));
        assert!(should_refresh(Some(&at(29.4)), now, 0.5));
        assert!(!should_refresh(Some(&at(29.6)), now, 0.5));
        assert!(should_refresh(Some(&at(29.9)), now, 0.0), "0: due at once");
        assert!(!should_refresh(Some(&at(30.1)), now, 0.0));
        // Offsets count.
        assert!(!should_refresh(Some("2025-04-27T18:31:06+01:00"), now, 7.0));
        assert!(
            should_refresh(Some("2025-04-26T19:31:06+01:00"), now, 7.0),
            "exactly 23 days"
        );
        assert!(
            !should_refresh(Some("2025-04-26T18:31:06-01:00"), now, 7.0),
            "23 days + 1 h"
        );
    }

    #[test]
    fn refresh_inputs() {
        assert_eq!(
            refresh_options(&Value::Null).unwrap(),
            RefreshOptions {
                now_ms: None,
                refresh_after_days: 7.0
            }
        );
        assert_eq!(
            refresh_options(&v(r#"{"now":5,"refreshAfterDays":1.5}"#)).unwrap(),
            RefreshOptions {
                now_ms: Some(5.0),
                refresh_after_days: 1.5
            }
        );
        assert_eq!(
            refresh_options(&v(r#"{"now":null,"refreshAfterDays":null}"#))
                .unwrap()
                .now_ms,
            None
        );
        for (o, code, field) in [
            (
                r#"{"refreshAfterDays":31}"#,
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
            ),
            (
                r#"{"refreshAfterDays":-1}"#,
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
            ),
            (
                r#"{"refreshAfterDays":"7"}"#,
                ErrorCode::InvalidType,
                "options.refreshAfterDays",
            ),
            (
                r#"{"now":"2025-01-01"}"#,
                ErrorCode::InvalidType,
                "options.now",
            ),
            (r#"{"now":{}}"#, ErrorCode::InvalidType, "options.now"),
            (
                r#"{"refresh_after_days":7}"#,
                ErrorCode::UnknownField,
                "options.refresh_after_days",
            ),
            (r#"{"nov":1}"#, ErrorCode::UnknownField, "options.nov"),
            ("7", ErrorCode::InvalidType, "options"),
        ] {
            let e = refresh_options(&v(o)).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{o}");
        }
        let e = refresh_options(&v(r#"{"refresh_after_days":7}"#)).unwrap_err();
        assert!(e.message.contains("\"refreshAfterDays\""), "{}", e.message);
        let nan = Value::Object(vec![("now".into(), Value::Number(f64::NAN))]);
        assert_eq!(
            refresh_options(&nan).unwrap_err().code,
            ErrorCode::InvalidValue
        );
        let inf = Value::Object(vec![(
            "refreshAfterDays".into(),
            Value::Number(f64::INFINITY),
        )]);
        assert_eq!(
            refresh_options(&inf).unwrap_err().code,
            ErrorCode::InvalidValue
        );

        assert_eq!(
            expires_at_of(&v(r#""2025-01-01T00:00:00Z""#)).unwrap(),
            Some("2025-01-01T00:00:00Z")
        );
        assert_eq!(
            expires_at_of(&v(r#"{"expires_at":"x","access_token":"y"}"#)).unwrap(),
            Some("x")
        );
        assert_eq!(expires_at_of(&v(r#"{"access_token":"y"}"#)).unwrap(), None);
        assert_eq!(expires_at_of(&v(r#"{"expires_at":null}"#)).unwrap(), None);
        let e = expires_at_of(&v(r#"{"expires_at":5}"#)).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidType, Some("token.expires_at"))
        );
        assert_eq!(
            expires_at_of(&Value::Null).unwrap_err().code,
            ErrorCode::MissingField
        );
        assert_eq!(
            expires_at_of(&Value::Number(5.0)).unwrap_err().code,
            ErrorCode::InvalidType
        );
    }
}
