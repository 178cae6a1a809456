//! Client and per-call options: their types, defaults and validation (pure, but for the two
//! JavaScript values an option can hold: a `fetch` function and an `AbortSignal`).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::JsCast;

use crate::error::{Error, ErrorCode};
use crate::macros::string_enum;

/// Square's production base URL.
pub const PRODUCTION_URL: &str = "https://connect.squareup.com";
/// Square's sandbox base URL.
pub const SANDBOX_URL: &str = "https://connect.squareupsandbox.com";
/// The `Square-Version` sent when none is configured: the version of the spec this crate is
/// checked against (Release 2025-08-20).
pub const DEFAULT_SQUARE_VERSION: &str = "2025-08-20";
/// Default time limit of one attempt, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Default time limit of a whole call (every attempt and every wait), in milliseconds.
pub const DEFAULT_TOTAL_TIMEOUT_MS: u32 = 60_000;
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Largest accepted `maxRetries`.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// Largest accepted time limit (the largest delay `setTimeout` honours).
pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

/// Headers the client sets itself; `headers` may not override them.
const RESERVED_HEADERS: [&str; 6] = [
    "authorization",
    "content-type",
    "square-version",
    "accept",
    "content-length",
    "host",
];

string_enum! {
    /// Which Square servers to call.
    #[ts("Environment")]
    pub enum Environment {
        /// `https://connect.squareup.com` (the default).
        Production = "production",
        /// `https://connect.squareupsandbox.com`.
        Sandbox = "sandbox",
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const FETCH_LIKE: &'static str = r#"/**
 * A `fetch`-compatible function. The client calls it as `fetch(url, init)` with the absolute
 * request URL as a string; `init` asks for `redirect: "manual"` (redirects are never followed)
 * and carries the abort signal that enforces `timeoutMs` and the caller's `signal`.
 *
 * The global `fetch` of every supported runtime fits. The promise must resolve to a `Response`;
 * anything else fails with `INVALID_FETCH_RESULT`, and a rejection with `NETWORK_ERROR`.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
"#;

/// Options of the client (`new OAuthClient(options)`). Every option is optional.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientOptions {
    /// Square environment whose base URL the client calls. Default `"production"`. Ignored when
    /// `baseUrl` is set.
    #[tsify(optional, type = "Environment | undefined")]
    pub environment: Option<Environment>,
    /// Base URL instead of the environment's (a proxy, a mock). Must be `https:` (`http:` only for
    /// 127.0.0.1, localhost or `[::1]`); no query, fragment, user info or `@`; at most 2048
    /// characters.
    #[tsify(optional, type = "string | undefined")]
    pub base_url: Option<String>,
    /// `Square-Version` header (`YYYY-MM-DD`) of every call. Default `"2025-08-20"`, the version
    /// this client is checked against.
    #[tsify(optional, type = "string | undefined")]
    pub square_version: Option<String>,
    /// The `fetch` to call instead of the global one (tracing, proxies, tests).
    #[serde(deserialize_with = "js_function")]
    #[tsify(optional, type = "FetchLike | undefined")]
    pub fetch: Option<js_sys::Function>,
    /// Extra headers on every request (e.g. `User-Agent` outside browsers). Cannot override
    /// `Authorization`, `Content-Type`, `Square-Version`, `Accept`, `Content-Length` or `Host`.
    #[tsify(optional, type = "Record<string, string> | undefined")]
    #[serde(deserialize_with = "string_map")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Time limit of each attempt, in milliseconds. Default 30000.
    #[tsify(optional, type = "number | undefined")]
    pub timeout_ms: Option<f64>,
    /// Time limit of a whole call, retries and waits included, in milliseconds. Default 60000.
    #[tsify(optional, type = "number | undefined")]
    pub total_timeout_ms: Option<f64>,
    /// Retries after the first attempt (0 to 10). Default 2. See the README's retry policy.
    #[tsify(optional, type = "number | undefined")]
    pub max_retries: Option<f64>,
}

/// Options of one call (the last argument of every method). Every option is optional.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct CallOptions {
    /// Aborts the call (the request and any wait between retries) when it fires; the call
    /// rejects with `ABORTED` and the signal's reason as `cause`.
    #[serde(deserialize_with = "js_signal")]
    #[tsify(optional, type = "AbortSignal | undefined")]
    pub signal: Option<web_sys::AbortSignal>,
    /// Time limit of each attempt of this call, in milliseconds (default: the client's).
    #[tsify(optional, type = "number | undefined")]
    pub timeout_ms: Option<f64>,
    /// Time limit of the whole call, in milliseconds (default: the client's).
    #[tsify(optional, type = "number | undefined")]
    pub total_timeout_ms: Option<f64>,
    /// `Square-Version` of this call (default: the client's).
    #[tsify(optional, type = "string | undefined")]
    pub square_version: Option<String>,
    /// Retries after the first attempt, 0 to 10 (default: the client's).
    #[tsify(optional, type = "number | undefined")]
    pub max_retries: Option<f64>,
    /// Allow retrying a single-use grant (`authorization_code`, PKCE `refresh_token`,
    /// `migration_token`) after the request may have reached Square. Default `false`: a blind
    /// retry can spend the code or refresh token and lose the new tokens.
    #[tsify(optional, type = "boolean | undefined")]
    pub retry_unsafe: Option<bool>,
}

impl ClientOptions {
    /// Options for Square's production servers (the default).
    pub fn production() -> Self {
        ClientOptions {
            environment: Some(Environment::Production),
            ..ClientOptions::default()
        }
    }

    /// Options for Square's sandbox.
    pub fn sandbox() -> Self {
        ClientOptions {
            environment: Some(Environment::Sandbox),
            ..ClientOptions::default()
        }
    }

    /// Options for another base URL (a proxy, a mock): `https:`, or `http:` on a loopback host.
    pub fn base_url(url: impl Into<String>) -> Self {
        ClientOptions {
            base_url: Some(url.into()),
            ..ClientOptions::default()
        }
    }
}

impl CallOptions {
    /// Call options with `signal` set: the call is aborted when it fires.
    pub fn with_signal(signal: web_sys::AbortSignal) -> Self {
        CallOptions {
            signal: Some(signal),
            ..CallOptions::default()
        }
    }
}

/// Validated client options. Serializable, so that a token manager can hand them to its Durable
/// Object (everything but a custom `fetch`, which cannot travel).
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct ClientConfig {
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// `Square-Version` header value.
    pub square_version: String,
    /// Extra headers, validated.
    pub headers: Vec<(String, String)>,
    /// Time limit of one attempt.
    pub timeout_ms: u32,
    /// Time limit of the whole call.
    pub total_timeout_ms: u32,
    /// Retries after the first attempt.
    pub max_retries: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: PRODUCTION_URL.to_owned(),
            square_version: DEFAULT_SQUARE_VERSION.to_owned(),
            headers: Vec::new(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            total_timeout_ms: DEFAULT_TOTAL_TIMEOUT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
        }
    }
}

/// Validated per-call options, merged over the client's.
#[derive(Clone, Debug, PartialEq)]
pub struct CallConfig {
    /// The client's options.
    pub client: Rc<ClientConfig>,
    /// `Square-Version` of this call.
    pub square_version: String,
    /// Time limit of one attempt.
    pub timeout_ms: u32,
    /// Time limit of the whole call.
    pub total_timeout_ms: u32,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Retry single-use grants after the request may have reached Square.
    pub retry_unsafe: bool,
}

impl ClientConfig {
    /// Validates client options (every problem an input error naming `options.<name>`).
    pub fn new(options: &ClientOptions) -> Result<ClientConfig, Error> {
        let mut cfg = ClientConfig::default();
        if let Some(v) = &options.square_version {
            cfg.square_version = square_version(v, "options.squareVersion")?;
        }
        if let Some(h) = &options.headers {
            cfg.headers = headers(h, "options.headers")?;
        }
        if let Some(t) = options.timeout_ms {
            cfg.timeout_ms = timeout(t, "options.timeoutMs")?;
        }
        if let Some(t) = options.total_timeout_ms {
            cfg.total_timeout_ms = timeout(t, "options.totalTimeoutMs")?;
        }
        if let Some(r) = options.max_retries {
            cfg.max_retries = retries(r, "options.maxRetries")?;
        }
        cfg.base_url = match (&options.base_url, options.environment) {
            (Some(url), _) => base_url_checked(url, "options.baseUrl")?,
            (None, Some(Environment::Sandbox)) => SANDBOX_URL.to_owned(),
            (None, _) => PRODUCTION_URL.to_owned(),
        };
        Ok(cfg)
    }
}

impl CallConfig {
    /// Validates per-call options over the client's.
    pub fn new(client: &Rc<ClientConfig>, options: &CallOptions) -> Result<CallConfig, Error> {
        Ok(CallConfig {
            client: Rc::clone(client),
            square_version: match &options.square_version {
                Some(v) => square_version(v, "options.squareVersion")?,
                None => client.square_version.clone(),
            },
            timeout_ms: match options.timeout_ms {
                Some(t) => timeout(t, "options.timeoutMs")?,
                None => client.timeout_ms,
            },
            total_timeout_ms: match options.total_timeout_ms {
                Some(t) => timeout(t, "options.totalTimeoutMs")?,
                None => client.total_timeout_ms,
            },
            max_retries: match options.max_retries {
                Some(r) => retries(r, "options.maxRetries")?,
                None => client.max_retries,
            },
            retry_unsafe: options.retry_unsafe.unwrap_or(false),
        })
    }
}

/// Checks a `Square-Version` value: `YYYY-MM-DD` with a real month and day.
pub fn square_version(s: &str, field: &str) -> Result<String, Error> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| d.parse::<u32>().ok())
    };
    let ok = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && digits(0..4).is_some()
        && matches!(digits(5..7), Some(1..=12))
        && matches!(digits(8..10), Some(1..=31));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            "must be a date in the form YYYY-MM-DD, e.g. \"2025-08-20\"",
        ))
    }
}

fn timeout(n: f64, field: &str) -> Result<u32, Error> {
    if n.is_finite() && n > 0.0 && n <= f64::from(MAX_TIMEOUT_MS) {
        // Fractions of a millisecond round up, so that 0.5 does not become 0.
        Ok(n.ceil() as u32)
    } else {
        Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            format!("must be a finite number of milliseconds above 0 and at most {MAX_TIMEOUT_MS}"),
        ))
    }
}

fn retries(n: f64, field: &str) -> Result<u32, Error> {
    if n.fract() == 0.0 && (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            format!("must be a whole number from 0 to {MAX_RETRIES_LIMIT}"),
        ))
    }
}

/// Checks that a value bound for an HTTP header holds only visible ASCII (and spaces or tabs
/// inside when `allow_space`), so that it can neither inject a header nor make `fetch` throw.
pub fn check_header_value(value: &str, field: &str, allow_space: bool) -> Result<(), Error> {
    let bad = value
        .chars()
        .any(|c| !(c.is_ascii_graphic() || (allow_space && (c == ' ' || c == '\t'))));
    if bad {
        let what = if allow_space {
            "must hold only printable ASCII (no CR, LF, NUL or other control characters)"
        } else {
            "must hold only printable ASCII without spaces (no CR, LF, NUL or other control characters)"
        };
        return Err(Error::input(ErrorCode::UnsafeHeaderValue, field, what));
    }
    Ok(())
}

fn headers(map: &BTreeMap<String, String>, field: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let f = format!("{field}.{name}");
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c));
        if !valid_name {
            return Err(Error::input(
                ErrorCode::UnsafeHeaderValue,
                f,
                "is not a valid HTTP header name",
            ));
        }
        if RESERVED_HEADERS
            .iter()
            .any(|r| r.eq_ignore_ascii_case(name))
        {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                f,
                "is set by the client and cannot be overridden",
            ));
        }
        check_header_value(value, &f, true)?;
        out.push((name.clone(), value.clone()));
    }
    Ok(out)
}

/// Checks a base URL: `https://host[:port][/path]`, or `http://` for a loopback host only; no
/// user info, query or fragment, no dot segments. Returns it without a trailing slash.
pub fn base_url_checked(url: &str, field: &str) -> Result<String, Error> {
    let invalid = |why: &str| Error::input(ErrorCode::InvalidValue, field, why);
    let insecure = || {
        Error::input(
            ErrorCode::InsecureUrl,
            field,
            "must use https: (http: only for 127.0.0.1, localhost or [::1])",
        )
    };
    if url.len() > 2048 {
        return Err(invalid("must be at most 2048 characters long"));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("must be an absolute URL such as https://connect.squareup.com"))?;
    let https = scheme.eq_ignore_ascii_case("https");
    if !https && !scheme.eq_ignore_ascii_case("http") {
        return Err(insecure());
    }
    if rest.bytes().any(|c| !c.is_ascii_graphic() || c == b'\\') {
        return Err(invalid(
            "must not contain spaces, control characters, backslashes or non-ASCII characters",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(invalid("must not have a query or a fragment"));
    }
    if rest.contains('@') {
        // User info in the authority, or an `@` anywhere that a lax parser might read as such.
        return Err(invalid("must not contain user info or '@'"));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host_of(authority).ok_or_else(|| invalid("has no valid host"))?;
    if !https && !is_loopback(host) {
        return Err(insecure());
    }
    let path = path.trim_end_matches('/');
    if path.split('/').any(|seg| {
        let seg = seg.to_ascii_lowercase();
        seg == "." || seg == ".." || seg.contains("%2e") || seg.contains("%2f")
    }) {
        return Err(invalid("must not contain dot segments or encoded slashes"));
    }
    Ok(format!(
        "{}://{authority}{path}",
        scheme.to_ascii_lowercase()
    ))
}

/// The host of an authority (`host[:port]`, `[v6][:port]`), if both parts are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let after = rest.get(end + 1..)?;
        if !(after.is_empty() || after.starts_with(':')) {
            return None;
        }
        authority.get(..end + 2)?
    } else {
        authority.split(':').next()?
    };
    let port = authority.get(host.len()..)?;
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|c| c.is_ascii_digit())
        });
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-.[]:".contains(&c));
    (port_ok && host_ok).then_some(host)
}

/// Whether `host` is `localhost`, `[::1]` or an address in 127.0.0.0/8.
fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h == "[::1]" {
        return true;
    }
    h.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Reads `fetch`: absent, `null`, or a function.
fn js_function<'de, D: Deserializer<'de>>(d: D) -> Result<Option<js_sys::Function>, D::Error> {
    js_value(d, "a function with the signature of fetch")
}

/// Reads `signal`: absent, `null`, or an `AbortSignal`.
fn js_signal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<web_sys::AbortSignal>, D::Error> {
    js_value(d, "an AbortSignal")
}

/// A JavaScript value of type `T` kept as it is (serde-wasm-bindgen's `preserve`), or `None`
/// for `null` and `undefined`.
fn js_value<'de, D: Deserializer<'de>, T: JsCast>(
    d: D,
    expected: &'static str,
) -> Result<Option<T>, D::Error> {
    struct V<T>(&'static str, std::marker::PhantomData<T>);
    impl<'de, T: JsCast> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            let value: wasm_bindgen::JsValue = serde_wasm_bindgen::preserve::deserialize(d)?;
            value.dyn_into::<T>().map(Some).map_err(|_| {
                de::Error::invalid_type(de::Unexpected::Other("another value"), &self.0)
            })
        }
    }
    d.deserialize_option(V(expected, std::marker::PhantomData))
}

/// Reads `headers`: a plain object of strings (an array of pairs or a `Map` is refused).
fn string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<BTreeMap<String, String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of header names to values")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, String>()? {
                out.insert(k, v);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn client(json: &str) -> Result<ClientConfig, Error> {
        let options: ClientOptions = serde_json::from_str(json).unwrap();
        ClientConfig::new(&options)
    }

    #[test]
    fn defaults_and_environments() {
        let c = client("{}").unwrap();
        assert_eq!(c.base_url, PRODUCTION_URL);
        assert_eq!(c.square_version, DEFAULT_SQUARE_VERSION);
        assert_eq!(
            (c.timeout_ms, c.total_timeout_ms, c.max_retries),
            (30_000, 60_000, 2)
        );
        assert_eq!(
            client(r#"{"environment":"sandbox"}"#).unwrap().base_url,
            SANDBOX_URL
        );
        let c = client(r#"{"environment":"sandbox","baseUrl":"http://127.0.0.1:8080/"}"#).unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8080", "baseUrl wins");
        let c = client(r#"{"environment":null,"baseUrl":null}"#).unwrap();
        assert_eq!(c.base_url, PRODUCTION_URL, "null is absent");
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://connect.squareup.com",
            "https://example.com:8443/proxy/",
            "http://localhost:1234",
            "http://127.0.0.1",
            "http://127.8.9.10:80",
            "http://[::1]:9",
            "HTTPS://Example.COM",
        ] {
            assert!(base_url_checked(ok, "f").is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("http://example.com", ErrorCode::InsecureUrl),
            ("http://127.0.0.1.example.com", ErrorCode::InsecureUrl),
            ("http://10.0.0.1", ErrorCode::InsecureUrl),
            ("http://localhost.evil.example", ErrorCode::InsecureUrl),
            ("ftp://example.com", ErrorCode::InsecureUrl),
            ("javascript://x", ErrorCode::InsecureUrl),
            ("example.com", ErrorCode::InvalidValue),
            ("https://user:pw@example.com", ErrorCode::InvalidValue),
            ("https://a/@", ErrorCode::InvalidValue),
            ("https://example.com/?a=1", ErrorCode::InvalidValue),
            ("https://example.com/#x", ErrorCode::InvalidValue),
            ("https://exa mple.com", ErrorCode::InvalidValue),
            ("https://example.com\r\nX: y", ErrorCode::InvalidValue),
            ("https://", ErrorCode::InvalidValue),
            ("https://example.com:99999999", ErrorCode::InvalidValue),
            ("https://example.com/a/../b", ErrorCode::InvalidValue),
            ("https://example.com/a/%2E%2E/b", ErrorCode::InvalidValue),
            ("https://example.com\\@evil", ErrorCode::InvalidValue),
            ("https://exämple.com", ErrorCode::InvalidValue),
            (
                &format!("https://a.example/{}", "p".repeat(2100)),
                ErrorCode::InvalidValue,
            ),
        ] {
            let e = base_url_checked(bad, "f").unwrap_err();
            assert_eq!(e.code(), code, "{bad}");
        }
    }

    #[test]
    fn versions_timeouts_retries() {
        assert!(square_version("2025-08-20", "f").is_ok());
        for bad in [
            "2025-8-20",
            "2025-13-01",
            "2025-00-10",
            "20250820",
            "2025-08-20 ",
            "latest",
        ] {
            assert!(square_version(bad, "f").is_err(), "{bad}");
        }
        for (json, code) in [
            (r#"{"timeoutMs":0}"#, ErrorCode::InvalidValue),
            (r#"{"totalTimeoutMs":-1}"#, ErrorCode::InvalidValue),
            (r#"{"maxRetries":1.5}"#, ErrorCode::InvalidValue),
            (r#"{"maxRetries":11}"#, ErrorCode::InvalidValue),
            (
                r#"{"squareVersion":"2025-08-20\r\nX: 1"}"#,
                ErrorCode::InvalidValue,
            ),
        ] {
            assert_eq!(client(json).unwrap_err().code(), code, "{json}");
        }
        let c = client(r#"{"maxRetries":0,"timeoutMs":0.5}"#).unwrap();
        assert_eq!((c.max_retries, c.timeout_ms), (0, 1));
    }

    #[test]
    fn headers_cannot_override_or_inject() {
        let c = client(r#"{"headers":{"X-Trace":"abc 1"}}"#).unwrap();
        assert_eq!(c.headers, vec![("X-Trace".into(), "abc 1".into())]);
        for (h, code, field) in [
            (
                r#"{"Authorization":"Bearer x"}"#,
                ErrorCode::InvalidValue,
                "Authorization",
            ),
            (
                r#"{"square-version":"2020-01-01"}"#,
                ErrorCode::InvalidValue,
                "square-version",
            ),
            (
                r#"{"Content-Type":"text/plain"}"#,
                ErrorCode::InvalidValue,
                "Content-Type",
            ),
            (
                r#"{"X-A":"a\r\nInjected: 1"}"#,
                ErrorCode::UnsafeHeaderValue,
                "X-A",
            ),
            (
                r#"{"X-A":"nul\u0000"}"#,
                ErrorCode::UnsafeHeaderValue,
                "X-A",
            ),
            (
                r#"{"Bad Name":"v"}"#,
                ErrorCode::UnsafeHeaderValue,
                "Bad Name",
            ),
        ] {
            let e = client(&format!(r#"{{"headers":{h}}}"#)).unwrap_err();
            assert_eq!(e.code(), code, "{h}");
            assert_eq!(e.field(), Some(format!("options.headers.{field}").as_str()));
        }
    }

    #[test]
    fn call_options_override_client() {
        let client = Rc::new(client(r#"{"squareVersion":"2024-01-18","timeoutMs":100}"#).unwrap());
        let c = CallConfig::new(&client, &CallOptions::default()).unwrap();
        assert_eq!(
            c.square_version, "2024-01-18",
            "the client-level version applies"
        );
        let call: CallOptions =
            serde_json::from_str(r#"{"squareVersion":"2026-01-22","retryUnsafe":true}"#).unwrap();
        let c = CallConfig::new(&client, &call).unwrap();
        assert_eq!(c.square_version, "2026-01-22");
        assert!(c.retry_unsafe);
        assert_eq!(c.timeout_ms, 100);
    }
}
