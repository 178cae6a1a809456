//! Judging a response (pure): status, content type and body → the typed answer, or a coded error.
//!
//! Order of checks: redirect → error status (Square's `errors[]`, the legacy `{type, message}`
//! body, or anything else) → empty body → content type → UTF-8 → JSON syntax → nesting depth →
//! top-level object → the type of every field the operation's response documents → `errors`
//! inside a 2xx → the field that proves success (`access_token`, `success`).
//!
//! JSON is parsed by whoever calls (the runtime's `JSON.parse` in the wasm, serde_json in native
//! tests) and handed over as a [`Document`]: the typed answer is read from it with serde, and
//! JavaScript callers get that same parsed value back, exactly as Square sent it.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::document::{join_path, Document, Kind, ReadError, Step};
use crate::error::{Body, Error, ErrorCode, MAX_TEXT_BODY};
use crate::model::{
    LegacyErrorBody, ObtainTokenResponse, RenewTokenResponse, RetrieveTokenStatusResponse,
    RevokeTokenResponse, SquareApiError, SquareV2Error,
};
use crate::request::Operation;
use crate::secret::{scrub_str, Secret};

/// The most bytes of a body the client reads; a larger body is refused. Square's OAuth answers
/// are well under 4 KB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The deepest nesting of arrays and objects accepted in a body.
pub const MAX_JSON_DEPTH: usize = 64;

/// A typed answer of one of the four operations.
pub trait Answer: DeserializeOwned {
    /// The `errors` array, if any.
    fn errors(&self) -> Option<&[SquareV2Error]>;
    /// What is missing for the answer to prove success, if anything.
    fn unproven(&self) -> Option<&'static str> {
        None
    }
}

fn token_unproven(access_token: Option<&Secret>) -> Option<&'static str> {
    match access_token {
        Some(t) if !t.expose().is_empty() => None,
        _ => Some("\"access_token\" is missing or empty"),
    }
}

impl Answer for ObtainTokenResponse {
    fn errors(&self) -> Option<&[SquareV2Error]> {
        self.errors.as_deref()
    }
    fn unproven(&self) -> Option<&'static str> {
        token_unproven(self.access_token.as_ref())
    }
}

impl Answer for RenewTokenResponse {
    fn errors(&self) -> Option<&[SquareV2Error]> {
        self.errors.as_deref()
    }
    fn unproven(&self) -> Option<&'static str> {
        token_unproven(self.access_token.as_ref())
    }
}

impl Answer for RevokeTokenResponse {
    fn errors(&self) -> Option<&[SquareV2Error]> {
        self.errors.as_deref()
    }
    fn unproven(&self) -> Option<&'static str> {
        match self.success {
            Some(true) => None,
            Some(false) => Some("\"success\" is false: Square did not confirm it"),
            None => Some("\"success\" is missing"),
        }
    }
}

impl Answer for RetrieveTokenStatusResponse {
    fn errors(&self) -> Option<&[SquareV2Error]> {
        self.errors.as_deref()
    }
}

/// What the transport read: the status, whether it was a browser's opaque redirect, the
/// `Content-Type`, and the body (at most [`MAX_BODY_BYTES`]).
#[derive(Clone, Debug, Default)]
pub struct RawResponse {
    /// HTTP status (0 for an opaque redirect).
    pub status: u16,
    /// `Response.type` was `opaqueredirect` (a browser's answer to `redirect: "manual"`).
    pub opaque_redirect: bool,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Judges a response of `op`: the typed answer and its parsed document, or a coded error.
/// `parsed` is the body parsed as JSON (`None` when it is not UTF-8 JSON text); `decode_key`
/// decodes a JSON string literal (an object key with escapes) as the same parser would. Every
/// error is scrubbed of `secrets`.
pub fn judge<T: Answer, D: Document>(
    op: Operation,
    raw: &RawResponse,
    parsed: Option<D>,
    decode_key: &dyn Fn(&str) -> Option<String>,
    secrets: &[Secret],
) -> Result<(T, D), Error> {
    let fields = crate::input::field_names::<T>();
    let doc = accept(op, raw, parsed, decode_key, fields, secrets)
        .map_err(|e| e.scrub(secrets, decode_key))?;
    let answer = doc.read::<T>();
    let facts = match &answer {
        Ok(a) => Ok((a.errors(), a.unproven())),
        Err(e) => Err(describe_read_error(e)),
    };
    verdict(op, raw.status, facts, &doc, secrets).map_err(|e| e.scrub(secrets, decode_key))?;
    match answer {
        Ok(a) => Ok((a, doc)),
        // `verdict` refuses every read error; this arm is not reached.
        Err(e) => Err(Error::new(
            ErrorCode::InvalidResponse,
            describe_read_error(&e),
        )),
    }
}

/// Everything but the typed read: the status, the body's presence, type, encoding, syntax,
/// depth and top-level object. Returns the parsed body. (Not generic over the answer type, so
/// one copy serves the four operations.)
fn accept<D: Document>(
    op: Operation,
    raw: &RawResponse,
    parsed: Option<D>,
    decode_key: &dyn Fn(&str) -> Option<String>,
    fields: &[&str],
    secrets: &[Secret],
) -> Result<D, Error> {
    let name = op.name();
    let status = raw.status;
    if raw.opaque_redirect || (300..400).contains(&status) {
        let e = Error::new(
            ErrorCode::Redirect,
            format!(
                "{name} answered with a redirect{}; redirects are never followed, so that credentials are not sent elsewhere",
                if status == 0 { String::new() } else { format!(" (HTTP {status})") }
            ),
        );
        return Err(if status == 0 {
            e
        } else {
            e.with_status(status)
        });
    }
    if !(200..300).contains(&status) {
        return Err(error_answer(op, raw, parsed, secrets));
    }
    let fail = |code: ErrorCode, why: &str| {
        Error::new(code, format!("{name} answered HTTP {status} {why}")).with_status(status)
    };
    if raw.body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(ErrorCode::EmptyResponse, "with an empty body"));
    }
    if !is_json_type(raw.content_type.as_deref()) {
        let why = format!(
            "with Content-Type {}, not JSON",
            describe_type(raw.content_type.as_deref(), secrets)
        );
        return Err(
            fail(ErrorCode::UnexpectedContentType, &why).with_body(text_body(&raw.body, secrets))
        );
    }
    if std::str::from_utf8(&raw.body).is_err() {
        return Err(
            fail(ErrorCode::InvalidJson, "but the body is not valid UTF-8")
                .with_body(text_body(&raw.body, secrets)),
        );
    };
    let Some(doc) = parsed else {
        return Err(
            fail(ErrorCode::InvalidJson, "but the body is not valid JSON")
                .with_body(text_body(&raw.body, secrets)),
        );
    };
    if nesting_exceeds(&raw.body, MAX_JSON_DEPTH) {
        let why = format!("but the body is nested deeper than {MAX_JSON_DEPTH} levels");
        return Err(fail(ErrorCode::InvalidJson, &why).with_body(text_body(&raw.body, secrets)));
    }
    // `JSON.parse` keeps the last of repeated keys, and another parser (a proxy's, a log's) may
    // keep the first: a documented field given twice is refused rather than guessed.
    if let Some(field) = repeated_field(&raw.body, fields, decode_key) {
        let why = format!("but \"{field}\" appears twice");
        return Err(with_json(fail(ErrorCode::InvalidResponse, &why), &doc));
    }
    let kind = doc.kind();
    if kind != Kind::Object {
        let why = format!("but the body is {}, not an object", kind.article());
        return Err(with_json(fail(ErrorCode::InvalidResponse, &why), &doc));
    }
    Ok(doc)
}

/// The verdict on a typed answer: its fields' types (`facts` is the read's failure, described),
/// `errors` inside a 2xx, and the field that proves success.
fn verdict<D: Document>(
    op: Operation,
    status: u16,
    facts: Result<(Option<&[SquareV2Error]>, Option<&'static str>), String>,
    doc: &D,
    secrets: &[Secret],
) -> Result<(), Error> {
    let fail = |code: ErrorCode, why: &str| {
        let e = Error::new(code, format!("{} answered HTTP {status} {why}", op.name()))
            .with_status(status);
        with_json(e, doc)
    };
    let (errors, unproven) =
        facts.map_err(|why| fail(ErrorCode::InvalidResponse, &format!("but {why}")))?;
    if let Some(errors) = errors.filter(|e| !e.is_empty()) {
        let errors: Vec<SquareApiError> = errors.iter().cloned().map(SquareApiError::V2).collect();
        let why = format!("with errors: {}", summary(&errors, secrets));
        return Err(fail(ErrorCode::ErrorsInSuccess, &why).with_errors(errors));
    }
    match unproven {
        Some(why) => Err(fail(ErrorCode::InvalidResponse, &format!("but {why}"))),
        None => Ok(()),
    }
}

/// `e` with the parsed body kept, as JSON text.
fn with_json<D: Document>(e: Error, doc: &D) -> Error {
    match doc.to_json() {
        Some(json) => e.with_body(Body::Json(json)),
        None => e,
    }
}

/// `"name" is a number, expected a string`, or what is wrong with `errors`.
fn describe_read_error(e: &ReadError) -> String {
    let at = join_path("", &e.path);
    if e.path.first() == Some(&Step::Key("errors".to_owned())) {
        return if e.path.len() == 1 && e.message.starts_with("invalid type") {
            format!("\"errors\" is {}, not an array", e.got.article())
        } else {
            "\"errors\" holds malformed entries".to_owned()
        };
    }
    if e.message.starts_with("invalid type") {
        let expected = e
            .message
            .rsplit_once(", expected ")
            .map_or("another type", |(_, x)| x);
        let expected = if expected == "a sequence" {
            "an array"
        } else {
            expected
        };
        format!("\"{at}\" is {}, expected {expected}", e.got.article())
    } else {
        format!("\"{at}\" is not valid")
    }
}

/// An error status: Square's error (either shape) or an HTTP error.
fn error_answer<D: Document>(
    op: Operation,
    raw: &RawResponse,
    parsed: Option<D>,
    secrets: &[Secret],
) -> Error {
    let status = raw.status;
    let doc = parsed.filter(|_| !nesting_exceeds(&raw.body, MAX_JSON_DEPTH));
    let errors = doc.as_ref().and_then(square_errors);
    let json = doc.as_ref().and_then(|d| d.to_json());
    let body = match json {
        Some(j) => Body::Json(j),
        None => text_body(&raw.body, secrets),
    };
    let name = op.name();
    match errors {
        Some(errors) => Error::new(
            ErrorCode::SquareError,
            format!(
                "{name} failed with HTTP {status}: {}",
                summary(&errors, secrets)
            ),
        )
        .with_status(status)
        .with_errors(errors)
        .with_body(body),
        None => Error::new(
            ErrorCode::HttpError,
            format!(
                "{name} failed with HTTP {status} and a body that is not a Square error ({})",
                if raw.body.is_empty() {
                    "empty".to_owned()
                } else {
                    format!(
                        "Content-Type {}",
                        describe_type(raw.content_type.as_deref(), secrets)
                    )
                }
            ),
        )
        .with_status(status)
        .with_body(body),
    }
}

/// An error body's error objects: a non-empty, well-formed `errors` array, or the legacy
/// `{type, message}` body when there is no `errors` at all.
fn square_errors<D: Document>(doc: &D) -> Option<Vec<SquareApiError>> {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default, deserialize_with = "crate::model::strict_seq")]
        errors: Option<Vec<SquareV2Error>>,
        #[serde(rename = "type", default)]
        kind: Option<String>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        field: Option<String>,
    }
    if doc.kind() != Kind::Object {
        return None;
    }
    let body: ErrorBody = doc.read().ok()?;
    match body.errors {
        Some(errors) if !errors.is_empty() => {
            Some(errors.into_iter().map(SquareApiError::V2).collect())
        }
        Some(_) => None,
        None => LegacyErrorBody {
            kind: body.kind,
            message: body.message,
            field: body.field,
        }
        .normalise()
        .map(|e| vec![SquareApiError::V1(e)]),
    }
}

/// The first three errors as `CODE (detail)`, each part scrubbed and then cut.
fn summary(errors: &[SquareApiError], secrets: &[Secret]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .take(3)
        .map(|e| {
            let mut part = cut(&scrub_str(e.code_str(), secrets), 100);
            if let Some(d) = e.detail() {
                part.push_str(&format!(" ({})", cut(&scrub_str(d, secrets), 200)));
            }
            part
        })
        .collect();
    parts.join("; ")
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
    }
}

/// The body as text for an error: invalid UTF-8 replaced, secrets scrubbed, then cut.
fn text_body(bytes: &[u8], secrets: &[Secret]) -> Body {
    Body::Text(cut(
        &scrub_str(&String::from_utf8_lossy(bytes), secrets),
        MAX_TEXT_BODY,
    ))
}

/// `application/json`, or any `application/*+json`.
pub fn is_json_type(ct: Option<&str>) -> bool {
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

/// The first of `fields` that is a key more than once in the top-level object of JSON text. The
/// keys are found by a scan of the text's structure (strings and brackets); a key with escapes
/// is decoded by `parse`, as the body itself was.
fn repeated_field(
    json: &[u8],
    fields: &[&str],
    decode_key: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    let (mut depth, mut expect_key) = (0usize, false);
    let mut i = 0;
    while let Some(&c) = json.get(i) {
        match c {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                while let Some(&d) = json.get(end) {
                    match (escaped, d) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => break,
                        _ => {}
                    }
                    end += 1;
                }
                if depth == 1 && expect_key {
                    let raw = json.get(start..end).unwrap_or_default();
                    let key = match std::str::from_utf8(raw) {
                        Ok(k) if !k.contains('\\') => Some(k.to_owned()),
                        Ok(k) => decode_key(&format!("\"{k}\"")),
                        Err(_) => None,
                    };
                    if let Some(key) = key.filter(|k| fields.contains(&k.as_str())) {
                        if seen.contains(&key) {
                            return Some(key);
                        }
                        seen.push(key);
                    }
                    expect_key = false;
                }
                i = end;
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect_key = true,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether JSON text nests arrays and objects deeper than `max`. Only the brackets outside
/// strings count; the text need not be valid.
pub fn nesting_exceeds(json: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &c in json {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// `Retry-After`: delay-seconds, or an HTTP date relative to `now_ms` (Unix epoch ms), read by
/// `http_date_ms` (the runtime's `Date.parse` in the wasm: a date parser crate measured 4.5 KB
/// of gzipped wasm). Milliseconds; `None` when absent or unusable.
pub fn retry_after_ms(
    value: Option<&str>,
    now_ms: f64,
    http_date_ms: &dyn Fn(&str) -> Option<f64>,
) -> Option<u64> {
    let v = value?.trim();
    if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
        // delay-seconds is 1*DIGIT (RFC 9110): any length, saturating.
        let secs = v.bytes().fold(0u64, |n, c| {
            n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        });
        return Some(secs.saturating_mul(1000));
    }
    let at_ms = http_date_ms(v).filter(|t| t.is_finite())?;
    Some(if at_ms > now_ms {
        (at_ms - now_ms) as u64
    } else {
        0
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::document::JsonDoc;

    /// Judges `raw` with its body parsed as the client does (serde_json standing in for the
    /// runtime's `JSON.parse`).
    fn judge_raw<T: Answer>(raw: &RawResponse, secrets: &[Secret]) -> Result<(T, JsonDoc), Error> {
        let parsed = std::str::from_utf8(&raw.body).ok().and_then(JsonDoc::parse);
        let decode_key = |text: &str| serde_json::from_str::<String>(text).ok();
        judge::<T, _>(Operation::ObtainToken, raw, parsed, &decode_key, secrets)
    }

    const JSON: Option<&str> = Some("application/json; charset=utf-8");
    const OK: &str = r#"{"access_token":"EAAl3ik","token_type":"bearer","expires_at":"2025-04-03T18:31:06Z","merchant_id":"MLQW2MYBY81PZ","refresh_token":"EQAAl0Oc","short_lived":false,"future_field":{"x":1}}"#;

    fn raw(status: u16, ct: Option<&str>, body: &[u8]) -> RawResponse {
        RawResponse {
            status,
            opaque_redirect: false,
            content_type: ct.map(str::to_owned),
            body: body.to_vec(),
        }
    }

    fn resp<T: Answer>(status: u16, ct: Option<&str>, body: &str) -> Result<T, Error> {
        judge_raw::<T>(
            &raw(status, ct, body.as_bytes()),
            &[Secret::new("sq0csp-SECRET")],
        )
        .map(|(a, _)| a)
    }

    fn obtain(status: u16, ct: Option<&str>, body: &str) -> Result<ObtainTokenResponse, Error> {
        resp(status, ct, body)
    }

    #[test]
    fn accepts_the_spec_example_with_unknown_fields() {
        let t = obtain(200, JSON, OK).unwrap();
        assert_eq!(t.access_token.unwrap().expose(), "EAAl3ik");
        assert_eq!(t.short_lived, Some(false));
        assert!(obtain(200, Some("Application/JSON"), OK).is_ok());
        assert!(obtain(200, Some("application/problem+json"), OK).is_ok());
    }

    #[test]
    fn square_errors_keep_status_and_objects() {
        let e = obtain(401, JSON, r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"bad sq0csp-SECRET"}]}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SquareError);
        assert_eq!(e.status(), Some(401));
        assert_eq!(e.errors()[0].code_str(), "UNAUTHORIZED");
        assert!(e.message().contains("UNAUTHORIZED"));
        assert!(!format!("{e:?}").contains("SECRET"), "scrubbed: {e:?}");
    }

    #[test]
    fn secrets_are_scrubbed_before_anything_is_cut() {
        let body = format!("{}sq0csp-SECRET", "x".repeat(MAX_TEXT_BODY - 6));
        let e = obtain(502, Some("text/html"), &body).unwrap_err();
        assert!(!format!("{e:?}").contains("sq0csp"), "{e:?}");
        let detail = format!("{}sq0csp-SECRET", "y".repeat(195));
        let json = format!(
            r#"{{"errors":[{{"category":"API_ERROR","code":"BAD_REQUEST","detail":"{detail}"}}]}}"#
        );
        let e = obtain(400, JSON, &json).unwrap_err();
        assert!(!e.message().contains("sq0csp"), "{}", e.message());
        assert!(!format!("{e:?}").contains("sq0csp"), "{e:?}");
    }

    #[test]
    fn legacy_body_is_normalised() {
        let e = obtain(
            400,
            JSON,
            r#"{"message":"bad authorization header","type":"bad_request.invalid_parameter"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::SquareError);
        match &e.errors()[0] {
            SquareApiError::V1(v1) => {
                assert_eq!(v1.category, "V1_ERROR");
                assert_eq!(v1.code, "bad_request.invalid_parameter");
                assert_eq!(v1.detail.as_deref(), Some("bad authorization header"));
            }
            other => panic!("{other:?}"),
        }
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
            (500, JSON, "{\"errors\":[]}", ErrorCode::HttpError),
            (500, JSON, "[1]", ErrorCode::HttpError),
            (200, JSON, "", ErrorCode::EmptyResponse),
            (204, None, "", ErrorCode::EmptyResponse),
            (200, JSON, "  ", ErrorCode::EmptyResponse),
            (201, Some("text/plain"), " \r\n", ErrorCode::EmptyResponse),
            (200, JSON, "{\"access_token\":", ErrorCode::InvalidJson),
            (
                200,
                JSON,
                "\u{feff}{\"access_token\":\"a\"}",
                ErrorCode::InvalidJson,
            ),
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
                "{\"token_type\":\"bearer\"}",
                ErrorCode::InvalidResponse,
            ),
            (
                200,
                JSON,
                "{\"access_token\":\"\"}",
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
            (
                200,
                Some("application/jsonp"),
                OK,
                ErrorCode::UnexpectedContentType,
            ),
            (301, None, "", ErrorCode::Redirect),
            (307, JSON, OK, ErrorCode::Redirect),
        ];
        for (status, ct, body, code) in cases {
            let e = obtain(*status, *ct, body).unwrap_err();
            assert_eq!(e.code(), *code, "{status} {ct:?} {body}");
            assert_eq!(e.status(), Some(*status));
        }
        let e = obtain(200, JSON, "{\"access_token\":5}").unwrap_err();
        assert!(
            e.message()
                .ends_with("\"access_token\" is a number, expected a string"),
            "{}",
            e.message()
        );
        assert_eq!(e.body(), Some(&Body::Json("{\"access_token\":5}".into())));
        let e = obtain(200, JSON, "{\"access_token\":\"a\",\"errors\":{}}").unwrap_err();
        assert!(
            e.message()
                .ends_with("\"errors\" is an object, not an array"),
            "{}",
            e.message()
        );
        let deep = format!(
            "{{\"access_token\":\"a\",\"x\":{}{}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        let e = obtain(200, JSON, &deep).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidJson);
        assert!(
            e.message().contains("nested deeper than 64"),
            "{}",
            e.message()
        );
        let e = obtain(
            200,
            JSON,
            r#"{"access_token":"EAAAone","access_token":"EAAAtwo"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse);
        assert!(
            e.message().ends_with("\"access_token\" appears twice"),
            "{}",
            e.message()
        );
        let escaped = r#"{"access_token":"EAAAone","acc\u0065ss_token":"EAAAtwo"}"#;
        assert_eq!(
            obtain(200, JSON, escaped).unwrap_err().code(),
            ErrorCode::InvalidResponse
        );
        let nested =
            r#"{"access_token":"a","x":{"access_token":"b"},"y":["access_token","access_token"]}"#;
        assert!(
            obtain(200, JSON, nested).is_ok(),
            "only the top level counts"
        );
        let unknown_twice = r#"{"access_token":"a","x":1,"x":2}"#;
        assert!(
            obtain(200, JSON, unknown_twice).is_ok(),
            "only documented fields count"
        );
        let brackets_in_a_string = format!("{{\"access_token\":\"{}\"}}", "[".repeat(100));
        assert!(obtain(200, JSON, &brackets_in_a_string).is_ok());
        let e = judge_raw::<ObtainTokenResponse>(&raw(200, JSON, b"{\"a\":\"\xff\"}"), &[])
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidJson);
        assert!(e.message().contains("UTF-8"));
        let opaque = RawResponse {
            opaque_redirect: true,
            ..RawResponse::default()
        };
        let e = judge_raw::<ObtainTokenResponse>(&opaque, &[]).unwrap_err();
        assert_eq!((e.code(), e.status()), (ErrorCode::Redirect, None));
    }

    #[test]
    fn per_operation_shapes() {
        assert!(resp::<RevokeTokenResponse>(200, JSON, r#"{"success":true}"#).is_ok());
        for bad in [r#"{"success":false}"#, "{}", r#"{"success":"true"}"#] {
            let e = resp::<RevokeTokenResponse>(200, JSON, bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidResponse, "{bad}");
        }
        let ok = r#"{"scopes":["A"],"expires_at":"","client_id":"c","merchant_id":"MLQW2MYB"}"#;
        assert!(resp::<RetrieveTokenStatusResponse>(200, JSON, ok).is_ok());
        let e = resp::<RetrieveTokenStatusResponse>(200, JSON, r#"{"scopes":[1]}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidResponse);
        assert!(
            e.message()
                .ends_with("\"scopes[0]\" is a number, expected a string"),
            "{}",
            e.message()
        );
        assert!(resp::<RenewTokenResponse>(
            200,
            JSON,
            r#"{"access_token":"EAAA","expires_at":"2025-01-01T00:00:00Z"}"#
        )
        .is_ok());
    }

    /// An HTTP date as epoch milliseconds (httpdate, a dev-dependency, standing in for the
    /// runtime's `Date.parse`).
    fn http_date(s: &str) -> Option<f64> {
        let at = httpdate::parse_http_date(s).ok()?;
        Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64)
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms(Some("3"), 0.0, &http_date), Some(3000));
        assert_eq!(retry_after_ms(Some(" 0 "), 0.0, &http_date), Some(0));
        assert_eq!(retry_after_ms(Some("soon"), 0.0, &http_date), None);
        assert_eq!(retry_after_ms(Some("-1"), 0.0, &http_date), None);
        assert_eq!(retry_after_ms(None, 0.0, &http_date), None);
        assert_eq!(
            retry_after_ms(Some("99999999999999999999999"), 0.0, &http_date),
            Some(u64::MAX)
        );
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:40 GMT"), now, &http_date),
            Some(3000)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:30 GMT"), now, &http_date),
            Some(0)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 25:49:30 GMT"), now, &http_date),
            None
        );
    }
}
