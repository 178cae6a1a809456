//! Judging a response (pure): status, content type and bytes → accepted, or a coded error.
//!
//! Order of checks: redirect → error status (Square's `errors[]`, the legacy `{type, message}`
//! body, or anything else) → empty body → content type → JSON syntax → top-level object →
//! `errors` inside a 2xx → the type of every known field of the operation's response schema.
//! Unknown fields are passed through untouched.

use crate::error::{scrub_str, Body, Error, ErrorCode, MAX_TEXT_BODY};
use crate::json::{self, ParseError, Value};
use crate::request::Operation;
use crate::secret::Secret;

/// The most bytes of a body the client reads; a larger body is refused. Square's OAuth answers
/// are well under 4 KB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What the transport saw.
#[derive(Clone, Copy, Debug)]
pub struct RawResponse<'a> {
    /// HTTP status (0 for an opaque redirect in browsers).
    pub status: u16,
    /// `Response.type` was `opaqueredirect` (a browser's answer to `redirect: "manual"`).
    pub opaque_redirect: bool,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The body bytes (at most [`MAX_BODY_BYTES`]).
    pub body: &'a [u8],
}

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Str,
    Bool,
    StrArray,
}

fn schema(op: Operation) -> &'static [(&'static str, Ty)] {
    use Ty::*;
    match op {
        Operation::ObtainToken => &[
            ("access_token", Str),
            ("token_type", Str),
            ("expires_at", Str),
            ("merchant_id", Str),
            ("subscription_id", Str),
            ("plan_id", Str),
            ("id_token", Str),
            ("refresh_token", Str),
            ("short_lived", Bool),
            ("refresh_token_expires_at", Str),
        ],
        Operation::RenewToken => &[
            ("access_token", Str),
            ("token_type", Str),
            ("expires_at", Str),
            ("merchant_id", Str),
            ("subscription_id", Str),
            ("plan_id", Str),
        ],
        Operation::RevokeToken => &[("success", Bool)],
        Operation::RetrieveTokenStatus => &[
            ("scopes", StrArray),
            ("expires_at", Str),
            ("client_id", Str),
            ("merchant_id", Str),
        ],
    }
}

/// Checks a response. On success the body is valid UTF-8 JSON of the right shape, and the caller
/// may hand the bytes to `JSON.parse` as they are. Every error is scrubbed of `secrets`.
pub fn read(op: Operation, r: &RawResponse<'_>, secrets: &[Secret]) -> Result<(), Error> {
    // Every piece of server text is scrubbed before it is cut to length (a secret straddling the
    // cut would otherwise leave its prefix behind), and the whole error once more at the end.
    judge(op, r, secrets).map_err(|e| e.scrub(secrets))
}

fn judge(op: Operation, r: &RawResponse<'_>, secrets: &[Secret]) -> Result<(), Error> {
    if r.opaque_redirect || (300..400).contains(&r.status) {
        let mut e = Error::new(
            ErrorCode::Redirect,
            format!(
                "{} answered with a redirect{}; redirects are never followed, so that credentials are not sent elsewhere",
                op.name(),
                if r.status == 0 { String::new() } else { format!(" (HTTP {})", r.status) }
            ),
        );
        if r.status != 0 {
            e.status = Some(r.status);
        }
        return Err(e);
    }
    if !(200..300).contains(&r.status) {
        return Err(error_status(op, r, secrets));
    }
    if r.body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(
            ErrorCode::EmptyResponse,
            format!(
                "{} answered HTTP {} with an empty body",
                op.name(),
                r.status
            ),
        )
        .with_status(r.status));
    }
    if !is_json_type(r.content_type) {
        return Err(Error {
            body: Some(text_body(r.body, secrets)),
            ..Error::new(
                ErrorCode::UnexpectedContentType,
                format!(
                    "{} answered HTTP {} with Content-Type {}, not JSON",
                    op.name(),
                    r.status,
                    describe_type(r.content_type, secrets)
                ),
            )
            .with_status(r.status)
        });
    }
    let value = json::parse(r.body).map_err(|e| Error {
        body: Some(text_body(r.body, secrets)),
        ..Error::new(
            if e == ParseError::Empty {
                ErrorCode::EmptyResponse
            } else {
                ErrorCode::InvalidJson
            },
            format!("{} answered HTTP {} but {e}", op.name(), r.status),
        )
        .with_status(r.status)
    })?;
    let invalid = |why: String, value: &Value| Error {
        body: Some(Body::Json(value.clone())),
        ..Error::new(
            ErrorCode::InvalidResponse,
            format!("{} answered HTTP {} but {why}", op.name(), r.status),
        )
        .with_status(r.status)
    };
    let Value::Object(members) = &value else {
        return Err(invalid(
            format!("the body is a JSON {}, not an object", value.type_name()),
            &value,
        ));
    };
    match value.get("errors") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.is_empty() => {}
        Some(Value::Array(items)) => {
            return match square_errors(items) {
                Some(errors) => Err(Error {
                    message: format!(
                        "{} answered HTTP {} with errors: {}",
                        op.name(),
                        r.status,
                        summary(&errors, secrets)
                    ),
                    errors,
                    body: Some(Body::Json(value.clone())),
                    ..Error::new(ErrorCode::ErrorsInSuccess, "").with_status(r.status)
                }),
                None => Err(invalid("\"errors\" holds malformed entries".into(), &value)),
            };
        }
        Some(other) => {
            return Err(invalid(
                format!("\"errors\" is a {}, not an array", other.type_name()),
                &value,
            ))
        }
    }
    for (name, ty) in schema(op) {
        let mut found = members.iter().filter(|(k, _)| k == name);
        let Some((_, v)) = found.next() else { continue };
        if found.next().is_some() {
            return Err(invalid(format!("\"{name}\" appears twice"), &value));
        }
        let ok = match (ty, v) {
            (_, Value::Null) => true,
            (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => true,
            (Ty::StrArray, Value::Array(items)) => items.iter().all(|i| i.as_str().is_some()),
            _ => false,
        };
        if !ok {
            let expected = match ty {
                Ty::Str => "a string",
                Ty::Bool => "a boolean",
                Ty::StrArray => "an array of strings",
            };
            return Err(invalid(
                format!("\"{name}\" is {}, expected {expected}", article(v)),
                &value,
            ));
        }
    }
    let required: &[&str] = match op {
        Operation::ObtainToken | Operation::RenewToken => &["access_token"],
        Operation::RevokeToken => &["success"],
        Operation::RetrieveTokenStatus => &[],
    };
    for name in required {
        match value.get(name) {
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => {
                return Err(invalid(
                    format!("\"{name}\" is false: Square did not confirm it"),
                    &value,
                ))
            }
            _ => return Err(invalid(format!("\"{name}\" is missing or empty"), &value)),
        }
    }
    Ok(())
}

fn article(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::String(_) => "a string",
        Value::Null => "null",
    }
}

fn error_status(op: Operation, r: &RawResponse<'_>, secrets: &[Secret]) -> Error {
    let status = r.status;
    let parsed = json::parse(r.body).ok();
    let errors = parsed.as_ref().and_then(|v| match v.get("errors") {
        Some(Value::Array(items)) if !items.is_empty() => square_errors(items),
        Some(_) => None,
        None => legacy_error(v),
    });
    let body = match parsed {
        Some(v) => Body::Json(v),
        None if r.body.is_empty() => Body::Text(String::new()),
        None => text_body(r.body, secrets),
    };
    match errors {
        Some(errors) => Error {
            message: format!(
                "{} failed with HTTP {status}: {}",
                op.name(),
                summary(&errors, secrets)
            ),
            errors,
            body: Some(body),
            ..Error::new(ErrorCode::SquareError, "").with_status(status)
        },
        None => Error {
            body: Some(body),
            ..Error::new(
                ErrorCode::HttpError,
                format!(
                    "{} failed with HTTP {status} and a body that is not a Square error ({})",
                    op.name(),
                    if r.body.is_empty() {
                        "empty".to_owned()
                    } else {
                        format!("Content-Type {}", describe_type(r.content_type, secrets))
                    }
                ),
            )
            .with_status(status)
        },
    }
}

/// Square's `errors[]`: every entry an object with string `category` and `code`; optional
/// `detail` and `field` must be strings. Entries are kept as received (unknown members too).
fn square_errors(items: &[Value]) -> Option<Vec<Value>> {
    let ok = items.iter().all(|e| {
        let str_or_absent =
            |k| matches!(e.get(k), None | Some(Value::String(_)) | Some(Value::Null));
        matches!(e, Value::Object(_))
            && e.get("category").and_then(Value::as_str).is_some()
            && e.get("code").and_then(Value::as_str).is_some()
            && str_or_absent("detail")
            && str_or_absent("field")
    });
    ok.then(|| items.to_vec())
}

/// The legacy v1 body `{"type": "...", "message": "..."}`, normalised as Square's SDKs do:
/// `{category: "V1_ERROR", code: type, detail: message, field}`.
fn legacy_error(v: &Value) -> Option<Vec<Value>> {
    let ty = v.get("type").and_then(Value::as_str);
    let message = v.get("message").and_then(Value::as_str);
    if ty.is_none() && message.is_none() {
        return None;
    }
    let mut e = vec![
        ("category".to_owned(), Value::String("V1_ERROR".into())),
        (
            "code".to_owned(),
            Value::String(ty.unwrap_or("Unknown").to_owned()),
        ),
    ];
    if let Some(m) = message {
        e.push(("detail".to_owned(), Value::String(m.to_owned())));
    }
    if let Some(f) = v.get("field").and_then(Value::as_str) {
        e.push(("field".to_owned(), Value::String(f.to_owned())));
    }
    Some(vec![Value::Object(e)])
}

fn summary(errors: &[Value], secrets: &[Secret]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().take(3).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&cut(
            &scrub_str(
                e.get("code").and_then(Value::as_str).unwrap_or("?"),
                secrets,
            ),
            100,
        ));
        if let Some(d) = e.get("detail").and_then(Value::as_str) {
            out.push_str(" (");
            out.push_str(&cut(&scrub_str(d, secrets), 200));
            out.push(')');
        }
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

fn text_body(bytes: &[u8], secrets: &[Secret]) -> Body {
    Body::Text(cut(
        &scrub_str(&String::from_utf8_lossy(bytes), secrets),
        MAX_TEXT_BODY,
    ))
}

fn is_json_type(ct: Option<&str>) -> bool {
    let Some(ct) = ct else { return false };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn describe_type(ct: Option<&str>, secrets: &[Secret]) -> String {
    match ct {
        None => "(none)".to_owned(),
        Some(t) => {
            let t: String = scrub_str(t, secrets)
                .chars()
                .filter(|c| !c.is_control())
                .take(80)
                .collect();
            format!("\"{t}\"")
        }
    }
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date relative to `now_ms` (Unix epoch ms).
/// Returns milliseconds; `None` when absent or unusable.
pub fn retry_after_ms(value: Option<&str>, now_ms: f64) -> Option<u64> {
    let v = value?.trim();
    if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
        // delay-seconds is 1*DIGIT (RFC 9110): any length, saturating.
        let secs = v.bytes().fold(0u64, |n, c| {
            n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        });
        return Some(secs.saturating_mul(1000));
    }
    let at = http_date_ms(v)?;
    Some(if at > now_ms { (at - now_ms) as u64 } else { 0 })
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix epoch milliseconds.
fn http_date_ms(v: &str) -> Option<f64> {
    let mut it = v.split_ascii_whitespace();
    let _weekday = it.next()?.strip_suffix(',')?;
    let day: u32 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if it.next()? != "GMT" || it.next().is_some() || hms.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || !(1970..=9999).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: Option<&str>, body: &str) -> Result<(), Error> {
        read(
            Operation::ObtainToken,
            &RawResponse {
                status,
                opaque_redirect: false,
                content_type: ct,
                body: body.as_bytes(),
            },
            &[Secret::new("sq0csp-SECRET".into())],
        )
    }

    const JSON: Option<&str> = Some("application/json; charset=utf-8");
    const OK: &str = r#"{"access_token":"EAAl3ik","token_type":"bearer","expires_at":"2025-04-03T18:31:06Z","merchant_id":"MLQW2MYBY81PZ","refresh_token":"EQAAl0Oc","short_lived":false,"future_field":{"x":1}}"#;

    #[test]
    fn accepts_the_spec_example_with_unknown_fields() {
        assert!(resp(200, JSON, OK).is_ok());
        assert!(resp(200, Some("Application/JSON"), OK).is_ok());
        assert!(resp(200, Some("application/problem+json"), OK).is_ok());
    }

    #[test]
    fn square_errors_keep_status_and_objects() {
        let e = resp(401, JSON, r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"bad sq0csp-SECRET"}]}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::SquareError);
        assert_eq!(e.status, Some(401));
        assert_eq!(
            e.errors[0].get("code").and_then(Value::as_str),
            Some("UNAUTHORIZED")
        );
        assert!(e.message.contains("UNAUTHORIZED"));
        assert!(!format!("{e:?}").contains("SECRET"), "scrubbed: {e:?}");
    }

    #[test]
    fn secrets_are_scrubbed_before_anything_is_cut() {
        // A secret straddling the 2048-character cut of a kept text body, and the 200-character
        // cut of an error detail in the message, must leave no prefix behind.
        let body = format!("{}sq0csp-SECRET", "x".repeat(MAX_TEXT_BODY - 6));
        let e = resp(502, Some("text/html"), &body).unwrap_err();
        assert!(!format!("{e:?}").contains("sq0csp"), "{e:?}");
        let detail = format!("{}sq0csp-SECRET", "y".repeat(195));
        let json = format!(
            r#"{{"errors":[{{"category":"API_ERROR","code":"BAD_REQUEST","detail":"{detail}"}}]}}"#
        );
        let e = resp(400, JSON, &json).unwrap_err();
        assert!(!e.message.contains("sq0csp"), "{}", e.message);
    }

    #[test]
    fn legacy_body_is_normalised() {
        let e = resp(
            400,
            JSON,
            r#"{"message":"bad authorization header","type":"bad_request.invalid_parameter"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::SquareError);
        let err = &e.errors[0];
        assert_eq!(
            err.get("category").and_then(Value::as_str),
            Some("V1_ERROR")
        );
        assert_eq!(
            err.get("code").and_then(Value::as_str),
            Some("bad_request.invalid_parameter")
        );
        assert_eq!(
            err.get("detail").and_then(Value::as_str),
            Some("bad authorization header")
        );
    }

    #[test]
    fn every_hostile_shape_has_its_code() {
        let cases: &[(u16, Option<&str>, &str, ErrorCode)] = &[
            (
                502,
                Some("text/html"),
                "<html>Bad Gateway</html>",
                ErrorCode::HttpError,
            ),
            (503, None, "", ErrorCode::HttpError),
            (500, JSON, "{\"errors\":\"boom\"}", ErrorCode::HttpError),
            (500, JSON, "{\"errors\":[1,2]}", ErrorCode::HttpError),
            (500, JSON, "[1]", ErrorCode::HttpError),
            (200, JSON, "", ErrorCode::EmptyResponse),
            (204, None, "", ErrorCode::EmptyResponse),
            (200, JSON, "  ", ErrorCode::EmptyResponse),
            (200, JSON, "{\"access_token\":", ErrorCode::InvalidJson),
            (200, JSON, "[]", ErrorCode::InvalidResponse),
            (200, JSON, "\"str\"", ErrorCode::InvalidResponse),
            (200, JSON, "42", ErrorCode::InvalidResponse),
            (200, JSON, "null", ErrorCode::InvalidResponse),
            (
                200,
                JSON,
                "{\"access_token\":5}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"access_token\":\"a\",\"short_lived\":\"no\"}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"access_token\":\"a\",\"access_token\":\"b\"}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"token_type\":\"bearer\"}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"access_token\":\"a\",\"errors\":{}}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"access_token\":\"a\",\"errors\":[\"x\"]}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"errors\":[{\"category\":\"API_ERROR\",\"code\":\"INTERNAL_SERVER_ERROR\"}]}",
                ErrorCode::ErrorsInSuccess,
            ),
            (200, Some("text/html"), OK, ErrorCode::UnexpectedContentType),
            (200, None, OK, ErrorCode::UnexpectedContentType),
            (301, None, "", ErrorCode::Redirect),
            (307, JSON, OK, ErrorCode::Redirect),
        ];
        for (status, ct, body, code) in cases {
            let e = resp(*status, *ct, body).unwrap_err();
            assert_eq!(e.code, *code, "{status} {ct:?} {body}");
            assert_eq!(e.status, Some(*status));
        }
        let deep = "[".repeat(1000);
        assert_eq!(
            resp(200, JSON, &deep).unwrap_err().code,
            ErrorCode::InvalidJson
        );
        let e = read(
            Operation::ObtainToken,
            &RawResponse {
                status: 200,
                opaque_redirect: false,
                content_type: JSON,
                body: &[b'{', 0xff, b'}'],
            },
            &[],
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        let e = read(
            Operation::ObtainToken,
            &RawResponse {
                status: 0,
                opaque_redirect: true,
                content_type: None,
                body: b"",
            },
            &[],
        )
        .unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::Redirect, None));
    }

    #[test]
    fn per_operation_shapes() {
        let ok = |op, body: &str| {
            read(
                op,
                &RawResponse {
                    status: 200,
                    opaque_redirect: false,
                    content_type: JSON,
                    body: body.as_bytes(),
                },
                &[],
            )
        };
        assert!(ok(Operation::RevokeToken, r#"{"success":true}"#).is_ok());
        assert_eq!(
            ok(Operation::RevokeToken, r#"{"success":false}"#)
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
        assert_eq!(
            ok(Operation::RevokeToken, r#"{}"#).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
        assert!(ok(
            Operation::RetrieveTokenStatus,
            r#"{"scopes":["A"],"expires_at":"","client_id":"c","merchant_id":"MLQW2MYB"}"#
        )
        .is_ok());
        assert_eq!(
            ok(Operation::RetrieveTokenStatus, r#"{"scopes":[1]}"#)
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
        assert!(ok(
            Operation::RenewToken,
            r#"{"access_token":"EAAA","expires_at":"2025-01-01T00:00:00Z"}"#
        )
        .is_ok());
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms(Some("3"), 0.0), Some(3000));
        assert_eq!(retry_after_ms(Some(" 0 "), 0.0), Some(0));
        assert_eq!(retry_after_ms(Some("soon"), 0.0), None);
        assert_eq!(retry_after_ms(Some("-1"), 0.0), None);
        assert_eq!(retry_after_ms(None, 0.0), None);
        let now = 784_111_777_000.0 - 5000.0; // 5 s before Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now),
            Some(5000)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now + 10_000.0),
            Some(0)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Foo 1994 08:49:37 GMT"), now),
            None
        );
        assert_eq!(
            retry_after_ms(Some("99999999999999999999"), 0.0),
            Some(u64::MAX)
        );
        assert_eq!(
            retry_after_ms(Some("12345678901"), 0.0),
            Some(12_345_678_901_000)
        );
    }
}
