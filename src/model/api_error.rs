//! Square's error objects: the `errors[]` entries of the current API, and the legacy
//! `{ "type", "message" }` body some OAuth failures still answer with.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::{ApiErrorCategory, ApiErrorCode};
use crate::secret::{scrub_str, Secret};

/// An entry of Square's `errors` array (the spec's `Error`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, Tsify)]
pub struct SquareV2Error {
    /// The high-level category of the error (kept as sent; see [`SquareV2Error::category`]).
    #[tsify(type = "ErrorCategory")]
    pub category: String,
    /// The specific code of the error (kept as sent; see [`SquareV2Error::code`]).
    #[tsify(type = "ErrorCode")]
    pub code: String,
    /// A human-readable description, for debugging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub detail: Option<String>,
    /// The request field the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<String>,
}

impl SquareV2Error {
    /// The category, if it is one of the spec's (Square adds values over time).
    pub fn category(&self) -> Option<ApiErrorCategory> {
        ApiErrorCategory::parse(&self.category)
    }

    /// The code, if it is one of the spec's (Square adds values over time).
    pub fn code(&self) -> Option<ApiErrorCode> {
        ApiErrorCode::parse(&self.code)
    }
}

/// Square's legacy Connect v1 error body, `{ "type": …, "message": … }`, which some OAuth
/// failures still return, normalised as Square's SDKs do: `code` ← `type`, `detail` ←
/// `message`, `category` always `V1_ERROR`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, Tsify)]
pub struct SquareV1Error {
    /// Always `V1_ERROR`.
    #[tsify(type = "\"V1_ERROR\"")]
    pub category: String,
    /// The legacy `type` (e.g. `service.not_authorized`), or `Unknown`.
    pub code: String,
    /// The legacy `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub detail: Option<String>,
    /// The legacy `field`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<String>,
}

/// One of Square's error objects, either shape. In TypeScript, narrow on `category`:
/// `"V1_ERROR"` is the legacy shape, whose `code` is any string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(untagged)]
pub enum SquareApiError {
    /// An entry of `errors[]`.
    V2(SquareV2Error),
    /// The legacy body, normalised.
    V1(SquareV1Error),
}

/// The legacy body's members as Square sends them.
pub(crate) struct LegacyErrorBody {
    pub kind: Option<String>,
    pub message: Option<String>,
    pub field: Option<String>,
}

impl LegacyErrorBody {
    /// The normalised error, if the body has a `type` or a `message`.
    pub(crate) fn normalise(self) -> Option<SquareV1Error> {
        if self.kind.is_none() && self.message.is_none() {
            return None;
        }
        Some(SquareV1Error {
            category: "V1_ERROR".to_owned(),
            code: self.kind.unwrap_or_else(|| "Unknown".to_owned()),
            detail: self.message,
            field: self.field,
        })
    }
}

impl SquareApiError {
    /// The code as sent (`type` for the legacy shape).
    pub fn code_str(&self) -> &str {
        match self {
            SquareApiError::V2(e) => &e.code,
            SquareApiError::V1(e) => &e.code,
        }
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            SquareApiError::V2(e) => e.field.as_deref(),
            SquareApiError::V1(e) => e.field.as_deref(),
        }
    }

    /// The detail, if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            SquareApiError::V2(e) => e.detail.as_deref(),
            SquareApiError::V1(e) => e.detail.as_deref(),
        }
    }

    /// Replaces every secret in every string with `[redacted]`.
    pub(crate) fn scrub(&mut self, secrets: &[Secret]) {
        let (category, code, detail, field) = match self {
            SquareApiError::V2(e) => (&mut e.category, &mut e.code, &mut e.detail, &mut e.field),
            SquareApiError::V1(e) => (&mut e.category, &mut e.code, &mut e.detail, &mut e.field),
        };
        for s in [category, code] {
            *s = scrub_str(s, secrets);
        }
        for s in [detail, field].into_iter().flatten() {
            *s = scrub_str(s, secrets);
        }
    }
}
