//! Client and per-call options: validation and defaults (pure).
//!
//! The JavaScript layer hands over the JSON-like part of an options object as a [`Value`]; the
//! `fetch` function and the `signal` are handled there. Everything here is checked before any
//! request is built, and every problem is a coded input error naming the option.

use crate::error::{Error, ErrorCode};
use crate::json::Value;
use crate::validate::{check_header_value, expect_object, find_sub, join, split_once_sub, suggest};

/// Square's production base URL.
pub const PRODUCTION_URL: &str = "https://connect.squareup.com";
/// Square's sandbox base URL.
pub const SANDBOX_URL: &str = "https://connect.squareupsandbox.com";
/// The `Square-Version` sent when none is configured: the version of the spec this crate is
/// checked against (`square-oauth-openapi.json`, Release 2025-08-20).
pub const DEFAULT_SQUARE_VERSION: &str = "2025-08-20";
/// Default time limit of one attempt.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Default time limit of a whole call: every attempt and every wait between attempts.
pub const DEFAULT_TOTAL_TIMEOUT_MS: u32 = 60_000;
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Largest accepted `maxRetries`.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// Largest accepted `timeoutMs` (the largest delay `setTimeout` honours).
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

const CLIENT_OPTIONS: [&str; 8] = [
    "environment",
    "baseUrl",
    "squareVersion",
    "fetch",
    "headers",
    "timeoutMs",
    "totalTimeoutMs",
    "maxRetries",
];

const CALL_OPTIONS: [&str; 6] = [
    "signal",
    "timeoutMs",
    "totalTimeoutMs",
    "squareVersion",
    "maxRetries",
    "retryUnsafe",
];

/// Validated client options.
#[derive(Clone, Debug, PartialEq)]
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
    /// `Square-Version` for this call.
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

/// Validates client options. `options` is the object without `fetch` (checked by the caller);
/// `Value::Null` stands for "no options".
pub fn client_config(options: &Value) -> Result<ClientConfig, Error> {
    let mut cfg = ClientConfig::default();
    let members = match options {
        Value::Null => return Ok(cfg),
        v => expect_object(v, "options")?,
    };
    let mut environment: Option<&str> = None;
    let mut base_url: Option<&str> = None;
    for (key, value) in members {
        let field = format!("options.{key}");
        if matches!(value, Value::Null) {
            continue;
        }
        match key.as_str() {
            "environment" => {
                let s = string(value, &field)?;
                if s != "production" && s != "sandbox" {
                    return Err(Error::input(
                        ErrorCode::InvalidValue,
                        field,
                        "must be \"production\" or \"sandbox\"",
                    ));
                }
                environment = Some(s);
            }
            "baseUrl" => base_url = Some(string(value, &field)?),
            "squareVersion" => cfg.square_version = square_version(value, &field)?,
            "headers" => cfg.headers = headers(value, &field)?,
            "timeoutMs" => cfg.timeout_ms = timeout(value, &field)?,
            "totalTimeoutMs" => cfg.total_timeout_ms = timeout(value, &field)?,
            "maxRetries" => cfg.max_retries = retries(value, &field)?,
            "fetch" => {} // checked by the JavaScript layer
            other => return Err(unknown_option(other, "options", &CLIENT_OPTIONS)),
        }
    }
    cfg.base_url = match (base_url, environment) {
        (Some(url), _) => base_url_checked(url, "options.baseUrl")?,
        (None, Some("sandbox")) => SANDBOX_URL.to_owned(),
        (None, _) => PRODUCTION_URL.to_owned(),
    };
    Ok(cfg)
}

/// Validates per-call options (without `signal`, checked by the caller) over `client`.
pub fn call_config(client: &ClientConfig, options: &Value) -> Result<CallConfig, Error> {
    let mut cfg = CallConfig {
        square_version: client.square_version.clone(),
        timeout_ms: client.timeout_ms,
        total_timeout_ms: client.total_timeout_ms,
        max_retries: client.max_retries,
        retry_unsafe: false,
    };
    let members = match options {
        Value::Null => return Ok(cfg),
        v => expect_object(v, "options")?,
    };
    for (key, value) in members {
        let field = format!("options.{key}");
        if matches!(value, Value::Null) {
            continue;
        }
        match key.as_str() {
            "squareVersion" => cfg.square_version = square_version(value, &field)?,
            "timeoutMs" => cfg.timeout_ms = timeout(value, &field)?,
            "totalTimeoutMs" => cfg.total_timeout_ms = timeout(value, &field)?,
            "maxRetries" => cfg.max_retries = retries(value, &field)?,
            "retryUnsafe" => match value {
                Value::Bool(b) => cfg.retry_unsafe = *b,
                v => return Err(wrong_type(&field, "a boolean", v)),
            },
            "signal" => {} // checked by the JavaScript layer
            other => return Err(unknown_option(other, "options", &CALL_OPTIONS)),
        }
    }
    Ok(cfg)
}

fn unknown_option(key: &str, parent: &str, known: &[&str]) -> Error {
    let hint = suggest(key, known)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_else(|| format!("; known options: {}", join(known, ", ")));
    Error::input(
        ErrorCode::UnknownField,
        format!("{parent}.{key}"),
        format!("unknown option{hint}"),
    )
}

fn wrong_type(field: &str, expected: &str, got: &Value) -> Error {
    Error::input(
        ErrorCode::InvalidType,
        field,
        format!("expected {expected}, got {}", got.type_name()),
    )
}

fn string<'a>(v: &'a Value, field: &str) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| wrong_type(field, "a string", v))
}

/// Checks a `Square-Version` value: `YYYY-MM-DD` with a real month and day.
pub fn square_version(v: &Value, field: &str) -> Result<String, Error> {
    let s = string(v, field)?;
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
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

fn number(v: &Value, field: &str) -> Result<f64, Error> {
    match v {
        Value::Number(n) => Ok(*n),
        v => Err(wrong_type(field, "a number", v)),
    }
}

fn timeout(v: &Value, field: &str) -> Result<u32, Error> {
    let n = number(v, field)?;
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

fn retries(v: &Value, field: &str) -> Result<u32, Error> {
    let n = number(v, field)?;
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

fn headers(v: &Value, field: &str) -> Result<Vec<(String, String)>, Error> {
    let members = expect_object(v, field)?;
    let mut out = Vec::with_capacity(members.len());
    for (name, value) in members {
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
        let value = string(value, &f)?;
        check_header_value(value, &f, true)?;
        out.push((name.clone(), value.to_owned()));
    }
    Ok(out)
}

/// Checks a base URL: `https://host[:port][/path]`, or `http://` for a loopback host only; no
/// user info, query or fragment. Returns it without a trailing slash.
pub fn base_url_checked(url: &str, field: &str) -> Result<String, Error> {
    let invalid = |why: &str| Error::input(ErrorCode::InvalidValue, field, why.to_owned());
    if url.len() > 2048 {
        return Err(invalid("must be at most 2048 characters long"));
    }
    let (scheme, rest) = split_once_sub(url, "://")
        .ok_or_else(|| invalid("must be an absolute URL such as https://connect.squareup.com"))?;
    let https = scheme.eq_ignore_ascii_case("https");
    if !https && !scheme.eq_ignore_ascii_case("http") {
        return Err(Error::input(
            ErrorCode::InsecureUrl,
            field,
            "must use https: (http: only for 127.0.0.1, localhost or [::1])",
        ));
    }
    if rest
        .bytes()
        .any(|c| !(0x21..0x7f).contains(&c) || c == b'\\')
    {
        return Err(invalid(
            "must not contain spaces, control characters, backslashes or non-ASCII characters",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(invalid("must not have a query or a fragment"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(rest), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    if rest.contains('@') {
        // User info in the authority, or an `@` anywhere that a lax parser might read as such.
        return Err(invalid("must not contain user info or '@'"));
    }
    let host = host_of(authority).ok_or_else(|| invalid("has no valid host"))?;
    if !https && !is_loopback(host) {
        return Err(Error::input(
            ErrorCode::InsecureUrl,
            field,
            "must use https: (http: only for 127.0.0.1, localhost or [::1])",
        ));
    }
    let path = path.trim_end_matches('/');
    if path.split('/').any(|seg| {
        let seg = seg.to_ascii_lowercase();
        seg == "."
            || seg == ".."
            || find_sub(&seg, "%2e").is_some()
            || find_sub(&seg, "%2f").is_some()
    }) {
        return Err(invalid("must not contain dot segments or encoded slashes"));
    }
    Ok(format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        authority,
        path
    ))
}

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

fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = h.split('.').collect();
    parts.len() == 4
        && parts.first() == Some(&"127")
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn opts(s: &str) -> Value {
        parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn defaults_and_environments() {
        let c = client_config(&Value::Null).unwrap();
        assert_eq!(c.base_url, PRODUCTION_URL);
        assert_eq!(c.square_version, DEFAULT_SQUARE_VERSION);
        assert_eq!(c.timeout_ms, 30_000);
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.total_timeout_ms, 60_000);
        let c = client_config(&opts(r#"{"environment":"sandbox"}"#)).unwrap();
        assert_eq!(c.base_url, SANDBOX_URL);
        let c = client_config(&opts(
            r#"{"environment":"sandbox","baseUrl":"http://127.0.0.1:8080/"}"#,
        ))
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8080", "baseUrl wins");
        let e = client_config(&opts(r#"{"environment":"prod"}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidValue);
        assert_eq!(e.field.as_deref(), Some("options.environment"));
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://connect.squareup.com",
            "https://example.com:8443/proxy/",
            "http://localhost:1234",
            "http://127.0.0.1",
            "http://[::1]:9",
            "HTTPS://Example.COM",
        ] {
            assert!(base_url_checked(ok, "f").is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("http://example.com", ErrorCode::InsecureUrl),
            ("http://127.0.0.1.example.com", ErrorCode::InsecureUrl),
            ("http://10.0.0.1", ErrorCode::InsecureUrl),
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
            ("https://example.com\\@evil", ErrorCode::InvalidValue),
            ("https://exämple.com", ErrorCode::InvalidValue),
            (
                &format!("https://a.example/{}", "p".repeat(2100)),
                ErrorCode::InvalidValue,
            ),
        ] {
            let e = base_url_checked(bad, "f").unwrap_err();
            assert_eq!(e.code, code, "{bad}");
        }
    }

    #[test]
    fn versions_timeouts_retries() {
        assert!(square_version(&Value::String("2025-08-20".into()), "f").is_ok());
        for bad in [
            "2025-8-20",
            "2025-13-01",
            "2025-00-10",
            "20250820",
            "2025-08-20 ",
            "latest",
        ] {
            assert!(
                square_version(&Value::String(bad.into()), "f").is_err(),
                "{bad}"
            );
        }
        let e = client_config(&opts(r#"{"timeoutMs":0}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidValue);
        let e = client_config(&opts(r#"{"timeoutMs":"5"}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidType);
        let e = client_config(&opts(r#"{"maxRetries":1.5}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidValue);
        let c = client_config(&opts(r#"{"maxRetries":0,"timeoutMs":0.5}"#)).unwrap();
        assert_eq!((c.max_retries, c.timeout_ms), (0, 1));
    }

    #[test]
    fn headers_cannot_override_or_inject() {
        let c = client_config(&opts(r#"{"headers":{"X-Trace":"abc 1"}}"#)).unwrap();
        assert_eq!(c.headers, vec![("X-Trace".into(), "abc 1".into())]);
        for (h, code) in [
            (r#"{"Authorization":"Bearer x"}"#, ErrorCode::InvalidValue),
            (
                r#"{"square-version":"2020-01-01"}"#,
                ErrorCode::InvalidValue,
            ),
            (r#"{"Content-Type":"text/plain"}"#, ErrorCode::InvalidValue),
            (
                r#"{"X-A":"a\r\nInjected: 1"}"#,
                ErrorCode::UnsafeHeaderValue,
            ),
            (r#"{"X-A":"nul\u0000"}"#, ErrorCode::UnsafeHeaderValue),
            (r#"{"Bad Name":"v"}"#, ErrorCode::UnsafeHeaderValue),
            (r#"{"X-A":1}"#, ErrorCode::InvalidType),
        ] {
            let e = client_config(&opts(&format!(r#"{{"headers":{h}}}"#))).unwrap_err();
            assert_eq!(e.code, code, "{h}");
        }
    }

    #[test]
    fn unknown_options_suggest() {
        let e = client_config(&opts(r#"{"timeout":5}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownField);
        assert!(e.message.contains("timeoutMs"), "{}", e.message);
        let e = client_config(&opts(r#"{"base_url":"https://x"}"#)).unwrap_err();
        assert!(e.message.contains("baseUrl"), "{}", e.message);
        let e = call_config(&ClientConfig::default(), &opts(r#"{"signl":1}"#)).unwrap_err();
        assert!(e.message.contains("signal"), "{}", e.message);
    }

    #[test]
    fn call_options_override_client() {
        let client =
            client_config(&opts(r#"{"squareVersion":"2024-01-18","timeoutMs":100}"#)).unwrap();
        let c = call_config(&client, &Value::Null).unwrap();
        assert_eq!(
            c.square_version, "2024-01-18",
            "the client-level version applies"
        );
        let c = call_config(
            &client,
            &opts(r#"{"squareVersion":"2026-01-22","retryUnsafe":true}"#),
        )
        .unwrap();
        assert_eq!(c.square_version, "2026-01-22");
        assert!(c.retry_unsafe);
        assert_eq!(c.timeout_ms, 100);
    }
}
