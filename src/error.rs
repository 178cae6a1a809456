//! The one error type of the crate, with a stable code per failure.
//!
//! Every failure — bad input, a transport problem, an error answer from Square, a malformed or
//! hostile response — becomes an [`Error`] with an [`ErrorCode`]. In JavaScript it surfaces as a
//! `SquareError` whose `code` is [`ErrorCode::as_str`]. Messages name fields and describe the
//! problem; they never contain a value the caller passed in, so they cannot leak a secret, and
//! response bodies kept for debugging are scrubbed of every secret the call sent.

use crate::json::Value;
use crate::secret::Secret;
use crate::validate::{find_sub, replace_sub};

/// A stable, machine-readable error code. The string forms are part of the public API.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// A required field or argument is absent. No request was sent.
    MissingField,
    /// A field that the endpoint does not know (often a camelCase typo). No request was sent.
    UnknownField,
    /// A field or argument has the wrong JavaScript type. No request was sent.
    InvalidType,
    /// A value is outside what the contract allows (length, format, enum). No request was sent.
    InvalidValue,
    /// Fields that must not be combined, or that do not belong to the grant type. No request was sent.
    ConflictingFields,
    /// A value that would go into an HTTP header holds control characters (CR, LF, NUL, …) or
    /// characters outside visible ASCII. No request was sent.
    UnsafeHeaderValue,
    /// The base URL is not `https:` (plain `http:` is allowed only for loopback hosts). No request was sent.
    InsecureUrl,
    /// The `authorization` argument is not `Client SECRET` or a bare secret. No request was sent.
    InvalidAuthorization,
    /// `fetch` rejected (DNS, connection refused or reset, TLS, CORS); `cause` holds its error.
    NetworkError,
    /// An attempt or the whole call ran out of time.
    Timeout,
    /// The caller's `AbortSignal` fired; `cause` holds its reason.
    Aborted,
    /// An injected `fetch` returned something that is not a `Response`.
    InvalidFetchResult,
    /// Square answered with an error status and its error body (either shape).
    SquareError,
    /// An error status whose body is not a Square error (a proxy page, an empty body, …).
    HttpError,
    /// A 3xx answer. Redirects are never followed: they would carry the secret elsewhere.
    Redirect,
    /// A 2xx answer whose body carries a non-empty `errors` array.
    ErrorsInSuccess,
    /// A 2xx answer with an empty body.
    EmptyResponse,
    /// A 2xx body that is not valid JSON (syntax, UTF-8, nesting depth).
    InvalidJson,
    /// A 2xx body whose `Content-Type` is not JSON.
    UnexpectedContentType,
    /// A JSON body of the wrong shape: not an object, or a field of the wrong type.
    InvalidResponse,
    /// The body is larger than the client reads ([`crate::response::MAX_BODY_BYTES`]).
    ResponseTooLarge,
    /// The seller denied access on the authorize page (`error=access_denied`).
    AccessDenied,
    /// The authorize callback carried another `error`.
    AuthorizationError,
    /// The authorize callback carried neither `code` nor `error`.
    MissingCode,
    /// The callback's `state` differs from the one the flow started with.
    StateMismatch,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 25] = [
        ErrorCode::MissingField,
        ErrorCode::UnknownField,
        ErrorCode::InvalidType,
        ErrorCode::InvalidValue,
        ErrorCode::ConflictingFields,
        ErrorCode::UnsafeHeaderValue,
        ErrorCode::InsecureUrl,
        ErrorCode::InvalidAuthorization,
        ErrorCode::NetworkError,
        ErrorCode::Timeout,
        ErrorCode::Aborted,
        ErrorCode::InvalidFetchResult,
        ErrorCode::SquareError,
        ErrorCode::HttpError,
        ErrorCode::Redirect,
        ErrorCode::ErrorsInSuccess,
        ErrorCode::EmptyResponse,
        ErrorCode::InvalidJson,
        ErrorCode::UnexpectedContentType,
        ErrorCode::InvalidResponse,
        ErrorCode::ResponseTooLarge,
        ErrorCode::AccessDenied,
        ErrorCode::AuthorizationError,
        ErrorCode::MissingCode,
        ErrorCode::StateMismatch,
    ];

    /// The stable string form, as JavaScript sees it in `SquareError.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingField => "MISSING_FIELD",
            ErrorCode::UnknownField => "UNKNOWN_FIELD",
            ErrorCode::InvalidType => "INVALID_TYPE",
            ErrorCode::InvalidValue => "INVALID_VALUE",
            ErrorCode::ConflictingFields => "CONFLICTING_FIELDS",
            ErrorCode::UnsafeHeaderValue => "UNSAFE_HEADER_VALUE",
            ErrorCode::InsecureUrl => "INSECURE_URL",
            ErrorCode::InvalidAuthorization => "INVALID_AUTHORIZATION",
            ErrorCode::NetworkError => "NETWORK_ERROR",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::InvalidFetchResult => "INVALID_FETCH_RESULT",
            ErrorCode::SquareError => "SQUARE_ERROR",
            ErrorCode::HttpError => "HTTP_ERROR",
            ErrorCode::Redirect => "REDIRECT",
            ErrorCode::ErrorsInSuccess => "ERRORS_IN_SUCCESS",
            ErrorCode::EmptyResponse => "EMPTY_RESPONSE",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::UnexpectedContentType => "UNEXPECTED_CONTENT_TYPE",
            ErrorCode::InvalidResponse => "INVALID_RESPONSE",
            ErrorCode::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::AuthorizationError => "AUTHORIZATION_ERROR",
            ErrorCode::MissingCode => "MISSING_CODE",
            ErrorCode::StateMismatch => "STATE_MISMATCH",
        }
    }

    /// Whether this code means the request was refused before anything was sent.
    pub fn is_input_error(self) -> bool {
        matches!(
            self,
            ErrorCode::MissingField
                | ErrorCode::UnknownField
                | ErrorCode::InvalidType
                | ErrorCode::InvalidValue
                | ErrorCode::ConflictingFields
                | ErrorCode::UnsafeHeaderValue
                | ErrorCode::InsecureUrl
                | ErrorCode::InvalidAuthorization
        )
    }
}

/// A response body kept on an error, for debugging. Secrets are already scrubbed out.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// The body parsed as JSON.
    Json(Value),
    /// The body as text (lossy UTF-8), cut to [`MAX_TEXT_BODY`] characters.
    Text(String),
}

/// Longest raw text body kept on an error, in characters.
pub const MAX_TEXT_BODY: usize = 2048;

/// A failed call. `Debug` is safe to log: nothing in it holds a secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable explanation (English; not stable).
    pub message: String,
    /// The offending input, for input errors: `body.client_id`, `options.baseUrl`, `clientId`, …
    pub field: Option<String>,
    /// The HTTP status, whenever there was a response.
    pub status: Option<u16>,
    /// Square's error objects (the legacy `{type, message}` body normalised to the same shape).
    pub errors: Vec<Value>,
    /// The response body, when one was read.
    pub body: Option<Body>,
    /// `Retry-After` of the response in milliseconds, when it had a usable one.
    pub retry_after_ms: Option<u64>,
}

impl Error {
    /// An error with a code and a message and nothing else.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            field: None,
            status: None,
            errors: Vec::new(),
            body: None,
            retry_after_ms: None,
        }
    }

    /// An input error about `field`.
    pub fn input(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("{field}: {}", message.into());
        Error {
            field: Some(field),
            ..Error::new(code, message)
        }
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Replaces every occurrence of every secret in the message, the errors and the body with
    /// `[redacted]`. Called on every error that carries anything the server sent.
    pub fn scrub(mut self, secrets: &[Secret]) -> Self {
        if secrets.is_empty() {
            return self;
        }
        self.message = scrub_str(&self.message, secrets);
        for e in &mut self.errors {
            scrub_value(e, secrets);
        }
        match &mut self.body {
            Some(Body::Json(v)) => scrub_value(v, secrets),
            Some(Body::Text(t)) => *t = scrub_str(t, secrets),
            None => {}
        }
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for Error {}

/// `s` with every secret replaced by `[redacted]`.
pub fn scrub_str(s: &str, secrets: &[Secret]) -> String {
    let mut out = s.to_owned();
    for secret in secrets {
        let needle = secret.expose();
        // Secrets shorter than 2 characters cannot be scrubbed meaningfully and are refused by
        // validation; the guard keeps `replace` from rewriting every character.
        if needle.len() >= 2 && find_sub(&out, needle).is_some() {
            out = replace_sub(&out, needle, "[redacted]");
        }
    }
    out
}

fn scrub_value(v: &mut Value, secrets: &[Secret]) {
    match v {
        Value::String(s) => *s = scrub_str(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|i| scrub_value(i, secrets)),
        Value::Object(members) => {
            for (k, item) in members.iter_mut() {
                *k = scrub_str(k, secrets);
                scrub_value(item, secrets);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_upper_snake() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
        }
    }

    #[test]
    fn scrub_reaches_everything() {
        let secret = Secret::new("sq0csp-TOPSECRET".into());
        let e = Error {
            errors: vec![Value::Object(vec![(
                "detail".into(),
                Value::String("bad secret sq0csp-TOPSECRET here".into()),
            )])],
            body: Some(Body::Text("echo sq0csp-TOPSECRET".into())),
            ..Error::new(ErrorCode::SquareError, "x sq0csp-TOPSECRET")
        }
        .scrub(std::slice::from_ref(&secret));
        let dbg = format!("{e:?} {e}");
        assert!(!dbg.contains("TOPSECRET"), "{dbg}");
        assert!(dbg.contains("[redacted]"));
    }
}
