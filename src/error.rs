//! The one error type of the crate, with a stable code per failure.
//!
//! Every failure (bad input, a transport problem, an error answer from Square, a malformed or
//! hostile response, a refused callback) is an [`Error`] with an [`ErrorCode`]. In JavaScript it
//! is a `SquareError` whose `code` is [`ErrorCode::as_str`]. Messages name fields and describe
//! the problem; they never contain a value the caller passed in, so they cannot leak a secret,
//! and everything kept from a response is scrubbed of every secret the call sent.

use crate::model::SquareApiError;
use crate::secret::{scrub_str, Secret};

/// Declares [`ErrorCode`] in groups: the Rust enum, its strings, its group, and the TypeScript
/// unions `SquareErrorCode` and one per group (`SquareInputErrorCode`, …).
macro_rules! error_codes {
    (
        $(
            $(#[doc = $gdoc:literal])*
            $group:ident => $ts:literal {
                $(
                    $(#[doc = $doc:literal])*
                    $variant:ident = $value:literal,
                )+
            }
        )+
    ) => {
        /// A stable, machine-readable error code: `SquareError.code` in JavaScript. The string
        /// forms are part of the public API.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($( $(#[doc = $doc])* $variant, )+)+
        }

        /// The kinds of [`ErrorCode`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorGroup {
            $( $(#[doc = $gdoc])* $group, )+
        }

        impl ErrorCode {
            /// Every code, in documentation order.
            pub const ALL: &'static [ErrorCode] = &[$($(ErrorCode::$variant,)+)+];

            /// The stable string form, as JavaScript sees it in `SquareError.code`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($(ErrorCode::$variant => $value,)+)+
                }
            }

            /// The code whose string form is `s`.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
            }

            /// Which kind of failure this is.
            pub fn group(self) -> ErrorGroup {
                match self {
                    $($(ErrorCode::$variant => ErrorGroup::$group,)+)+
                }
            }
        }

        const _: () = {
            #[::wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS: &'static str = concat!(
                $(
                    "/**\n", $(" *", $gdoc, "\n",)* " */\nexport type ", $ts, " =",
                    $( "\n  /**", $($doc,)* " */\n  | \"", $value, "\"", )+
                    ";\n\n",
                )+
                "/** Every `SquareError.code`: switch on it and TypeScript narrows. */\n",
                "export type SquareErrorCode = never", $(" | ", $ts,)+ ";\n"
            );
        };
    };
}

error_codes! {
    /// The input was refused before anything was sent.
    Input => "SquareInputErrorCode" {
        /// A required field or argument is absent. No request was sent.
        MissingField = "MISSING_FIELD",
        /// A field that the endpoint does not know (often a camelCase typo); the message suggests
        /// the right one. No request was sent.
        UnknownField = "UNKNOWN_FIELD",
        /// A field or argument has the wrong JavaScript type. No request was sent.
        InvalidType = "INVALID_TYPE",
        /// A value is outside what the contract allows (length, format, enum). No request was
        /// sent.
        InvalidValue = "INVALID_VALUE",
        /// Fields that must not be combined, or that do not belong to the grant type. No request
        /// was sent.
        ConflictingFields = "CONFLICTING_FIELDS",
        /// A value bound for an HTTP header holds control characters (CR, LF, NUL, …) or
        /// characters outside visible ASCII. No request was sent.
        UnsafeHeaderValue = "UNSAFE_HEADER_VALUE",
        /// The base URL is not `https:` (plain `http:` only for loopback hosts). No request was
        /// sent.
        InsecureUrl = "INSECURE_URL",
        /// The `authorization` argument is not `Client SECRET` or a bare secret. No request was
        /// sent.
        InvalidAuthorization = "INVALID_AUTHORIZATION",
    }
    /// The request could not complete: `fetch` failed, a time limit ran out, the caller aborted.
    Transport => "SquareTransportErrorCode" {
        /// `fetch` rejected (DNS, connection refused or reset, TLS, CORS); `cause` holds its
        /// error.
        NetworkError = "NETWORK_ERROR",
        /// An attempt or the whole call ran out of time.
        Timeout = "TIMEOUT",
        /// The caller's `AbortSignal` fired; `cause` holds its reason.
        Aborted = "ABORTED",
        /// An injected `fetch` returned something that is not a `Response`.
        InvalidFetchResult = "INVALID_FETCH_RESULT",
    }
    /// Square (or something in between) answered, and the answer is an error or unusable.
    Response => "SquareResponseErrorCode" {
        /// Square answered with an error status and its error body (either shape).
        SquareError = "SQUARE_ERROR",
        /// An error status whose body is not a Square error (a proxy page, an empty body, …).
        HttpError = "HTTP_ERROR",
        /// A 3xx answer. Redirects are never followed: they would carry the secret elsewhere.
        Redirect = "REDIRECT",
        /// A 2xx answer whose body carries a non-empty `errors` array.
        ErrorsInSuccess = "ERRORS_IN_SUCCESS",
        /// A 2xx answer with an empty body.
        EmptyResponse = "EMPTY_RESPONSE",
        /// A 2xx body that is not valid JSON (syntax, UTF-8, nesting depth).
        InvalidJson = "INVALID_JSON",
        /// A 2xx body whose `Content-Type` is not JSON.
        UnexpectedContentType = "UNEXPECTED_CONTENT_TYPE",
        /// A JSON body of the wrong shape: not an object, a field of the wrong type, no
        /// `access_token`.
        InvalidResponse = "INVALID_RESPONSE",
        /// The body is larger than the client reads (256 KiB).
        ResponseTooLarge = "RESPONSE_TOO_LARGE",
    }
    /// The OAuth callback did not carry a usable authorization.
    Flow => "SquareFlowErrorCode" {
        /// The seller denied access on the authorize page (`error=access_denied`).
        AccessDenied = "ACCESS_DENIED",
        /// The authorize callback carried another `error`.
        AuthorizationError = "AUTHORIZATION_ERROR",
        /// The authorize callback carried neither `code` nor `error`.
        MissingCode = "MISSING_CODE",
        /// The callback's `state` differs from the one the flow started with.
        StateMismatch = "STATE_MISMATCH",
    }
    /// The token manager, its store or a webhook refused or failed.
    Tokens => "SquareTokenErrorCode" {
        /// The seller must authorize again: Square refused the stored refresh token (spent,
        /// revoked or expired), or there is none and the access token has expired.
        ReauthorizeRequired = "REAUTHORIZE_REQUIRED",
        /// No tokens are stored for this merchant.
        UnknownMerchant = "UNKNOWN_MERCHANT",
        /// A stored record does not decrypt under the keys given (wrong key, altered, or moved
        /// from another merchant) or is not a record of this package.
        UnreadableRecord = "UNREADABLE_RECORD",
        /// The store threw, rejected or answered something else than it must, or the Durable
        /// Object did not answer.
        StoreError = "STORE_ERROR",
        /// The webhook's signature is missing, malformed, or does not match the body, the
        /// notification URL and the signature key.
        InvalidWebhookSignature = "INVALID_WEBHOOK_SIGNATURE",
        /// The verified webhook body is not JSON, or not a Square event (`type`, `event_id`,
        /// `created_at`).
        InvalidWebhookEvent = "INVALID_WEBHOOK_EVENT",
        /// The event is older than the stored authorization (a replayed revocation): nothing was
        /// forgotten.
        StaleWebhook = "STALE_WEBHOOK",
        /// Web Crypto is missing or failed.
        CryptoError = "CRYPTO_ERROR",
    }
}

impl ErrorCode {
    /// Whether this code means the request was refused before anything was sent.
    pub fn is_input_error(self) -> bool {
        self.group() == ErrorGroup::Input
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response body kept on an error, for debugging. Secrets are already scrubbed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The body was JSON: its text, as `JSON.stringify` writes the parsed value.
    Json(String),
    /// The body as text (invalid UTF-8 replaced), cut to [`MAX_TEXT_BODY`] characters.
    Text(String),
}

/// Longest raw text body kept on an error, in characters.
pub const MAX_TEXT_BODY: usize = 2048;

/// A failed call. `Debug` and `Display` are safe to log: nothing in them holds a secret.
#[derive(Clone, Debug)]
pub struct Error {
    code: ErrorCode,
    message: String,
    field: Option<String>,
    status: Option<u16>,
    errors: Vec<SquareApiError>,
    body: Option<Body>,
    #[cfg(target_arch = "wasm32")]
    pub(crate) cause: Option<Cause>,
}

/// The JavaScript value behind a transport error (`fetch`'s rejection, the abort reason). Its
/// `Debug` shows nothing of it: a runtime's error may quote what a server sent.
#[cfg(target_arch = "wasm32")]
#[derive(Clone)]
pub struct Cause(pub wasm_bindgen::JsValue);

#[cfg(target_arch = "wasm32")]
impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cause(..)")
    }
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
            #[cfg(target_arch = "wasm32")]
            cause: None,
        }
    }

    /// An input error about `field`: the message is `"{field}: {message}"`.
    pub fn input(code: ErrorCode, field: impl Into<String>, message: impl AsRef<str>) -> Self {
        let field = field.into();
        let message = format!("{field}: {}", message.as_ref());
        Error {
            field: Some(field),
            ..Error::new(code, message)
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// A human-readable explanation (English; not stable).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The offending input, for input errors: `body.client_id`, `options.baseUrl`, `clientId`, …
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The HTTP status, whenever there was a response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Square's error objects (the legacy `{type, message}` body normalised to the same shape).
    pub fn errors(&self) -> &[SquareApiError] {
        &self.errors
    }

    /// The response body, when one was read.
    pub fn body(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    /// Sets the offending input's name.
    #[cfg_attr(not(all(target_arch = "wasm32", feature = "tokens")), allow(dead_code))]
    pub(crate) fn with_field(mut self, field: String) -> Self {
        self.field = Some(field);
        self
    }

    /// Sets the HTTP status.
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets Square's error objects.
    pub(crate) fn with_errors(mut self, errors: Vec<SquareApiError>) -> Self {
        self.errors = errors;
        self
    }

    /// Sets the kept body.
    pub(crate) fn with_body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Appends to the message.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn append(mut self, text: &str) -> Self {
        self.message.push_str(text);
        self
    }

    /// Replaces every occurrence of every secret in the message, the errors and the body with
    /// `[redacted]`; `decode` reads a JSON string literal of a JSON body (see
    /// [`scrub_json`](crate::secret::scrub_json)). Called on every error that carries anything a
    /// server sent.
    pub(crate) fn scrub(
        mut self,
        secrets: &[Secret],
        decode: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        if secrets.is_empty() {
            return self;
        }
        self.message = scrub_str(&self.message, secrets);
        for e in &mut self.errors {
            e.scrub(secrets);
        }
        self.body = self.body.map(|b| match b {
            Body::Json(t) => Body::Json(crate::secret::scrub_json(&t, secrets, decode)),
            Body::Text(t) => Body::Text(scrub_str(&t, secrets)),
        });
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::SquareV2Error;

    #[test]
    fn codes_are_unique_upper_snake_and_grouped() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
        }
        assert_eq!(ErrorCode::ALL.len(), 33);
        assert_eq!(
            ErrorCode::parse("STALE_WEBHOOK"),
            Some(ErrorCode::StaleWebhook)
        );
        assert!(ErrorCode::InsecureUrl.is_input_error());
        assert!(!ErrorCode::Timeout.is_input_error());
        assert_eq!(ErrorCode::StateMismatch.group(), ErrorGroup::Flow);
    }

    #[test]
    fn scrub_reaches_everything() {
        let secret = Secret::new("sq0csp-TOPSECRET");
        let e = Error::new(ErrorCode::SquareError, "x sq0csp-TOPSECRET")
            .with_errors(vec![SquareApiError::V2(SquareV2Error {
                category: "INVALID_REQUEST_ERROR".into(),
                code: "BAD_REQUEST".into(),
                detail: Some("bad secret sq0csp-TOPSECRET here".into()),
                field: None,
            })])
            .with_body(Body::Json(r#"{"echo":"sq0csp-TOPSECRET"}"#.into()))
            .scrub(std::slice::from_ref(&secret), &|l: &str| {
                serde_json::from_str(l).ok()
            });
        let dbg = format!("{e:?} {e}");
        assert!(!dbg.contains("TOPSECRET"), "{dbg}");
        assert!(dbg.contains("[redacted]"));
        assert_eq!(
            e.body(),
            Some(&Body::Json(r#"{"echo":"[redacted]"}"#.into()))
        );
    }
}
