//! Square's webhook signatures and the revocation event (pure).
//!
//! Square signs each notification in `x-square-hmacsha256-signature`: the base64 of
//! HMAC-SHA256, keyed by the subscription's signature key, of the notification URL followed by
//! the raw body. [`signed_data`] builds what is signed; the HMAC comes from Web Crypto
//! ([`super::crypto`]); [`signature_matches`] compares in constant time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tsify::Tsify;

use crate::error::{Error, ErrorCode};
use crate::macros::string_enum;

/// The event type Square sends when a seller (or Square, or the application) revokes an
/// authorization.
pub const REVOKED: &str = "oauth.authorization.revoked";
/// Length of an HMAC-SHA256, in bytes.
pub const HMAC_BYTES: usize = 32;

/// A Square webhook event, as {@link verifyWebhook} returns it (the parsed body; members other
/// than these are kept as Square sent them).
#[derive(Clone, Debug, Deserialize, Tsify)]
pub struct WebhookEvent {
    /// The seller the event is about.
    #[serde(default)]
    #[tsify(optional)]
    pub merchant_id: Option<String>,
    /// The event type, e.g. `oauth.authorization.revoked`. (Optional to serde, so that a
    /// mistyped member is reported by its name; [`WebhookEvent::check`] requires it.)
    #[serde(rename = "type")]
    #[tsify(type = "string")]
    pub event_type: Option<String>,
    /// The event's unique ID (the same on every delivery of it).
    #[tsify(type = "string")]
    pub event_id: Option<String>,
    /// When the event happened, RFC 3339.
    #[tsify(type = "string")]
    pub created_at: Option<String>,
    /// The event's data: for a revocation,
    /// `{ type: "revocation", id, object: { revocation: { revoked_at, revoker_type } } }`.
    #[serde(default)]
    #[tsify(optional, type = "WebhookEventData")]
    pub data: Option<serde::de::IgnoredAny>,
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const WEBHOOK_EVENT_DATA: &'static str = r#"
/** The `data` member of a Square webhook event. */
export interface WebhookEventData {
    /** The kind of object, e.g. `"revocation"`. */
    type?: string;
    /** The object's ID. */
    id?: string;
    /** The object, e.g. `{ revocation: { revoked_at, revoker_type } }` for a revocation. */
    object?: Record<string, unknown>;
}
"#;

impl WebhookEvent {
    /// Checks that the event has its `type`, `event_id` and `created_at`
    /// (`INVALID_WEBHOOK_EVENT`, naming the first one missing).
    pub fn check(&self) -> Result<(), Error> {
        for (value, name) in [
            (&self.event_type, "type"),
            (&self.event_id, "event_id"),
            (&self.created_at, "created_at"),
        ] {
            if value.as_deref().is_none_or(str::is_empty) {
                return Err(Error::new(
                    ErrorCode::InvalidWebhookEvent,
                    format!("the webhook event has no {name}"),
                ));
            }
        }
        Ok(())
    }

    /// The event type (empty when absent).
    pub fn event_type(&self) -> &str {
        self.event_type.as_deref().unwrap_or_default()
    }
}

string_enum! {
    /// What {@link TokenManager.handleWebhook} did with an event.
    #[ts("WebhookOutcome")]
    pub enum WebhookOutcome {
        /// An `oauth.authorization.revoked` event: the merchant's tokens were forgotten.
        Forgotten = "forgotten",
        /// An `oauth.authorization.revoked` event for a merchant with no stored tokens.
        NotStored = "not-stored",
        /// Another event type: nothing to do.
        Ignored = "ignored",
    }
}

/// What Square signs: the notification URL followed by the raw body.
pub fn signed_data(notification_url: &str, body: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(notification_url.len() + body.len());
    data.extend_from_slice(notification_url.as_bytes());
    data.extend_from_slice(body);
    data
}

fn bad_signature(why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidWebhookSignature,
        format!("the webhook signature {why}"),
    )
}

/// The 32 bytes of a signature header value (standard base64), or `INVALID_WEBHOOK_SIGNATURE`.
pub fn decode_signature(signature: Option<&str>) -> Result<Vec<u8>, Error> {
    let text = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad_signature("is missing (no x-square-hmacsha256-signature header)"))?;
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| bad_signature("is not base64"))?;
    if bytes.len() != HMAC_BYTES {
        return Err(bad_signature("is not an HMAC-SHA256"));
    }
    Ok(bytes)
}

/// Compares the expected HMAC with the received one in constant time.
pub fn signature_matches(expected: &[u8], received: &[u8]) -> Result<(), Error> {
    if expected.len() == received.len() && bool::from(expected.ct_eq(received)) {
        Ok(())
    } else {
        Err(bad_signature(
            "does not match the body, the notification URL and the signature key",
        ))
    }
}

/// Checks the verification inputs that are the caller's own (not the sender's): a non-empty
/// signature key and an absolute `https:` or `http:` notification URL.
pub fn check_inputs(signature_key: &str, notification_url: &str) -> Result<(), Error> {
    if signature_key.is_empty() {
        return Err(Error::input(
            ErrorCode::MissingField,
            "input.signatureKey",
            "is required: the subscription's signature key from the Developer Console",
        ));
    }
    if !(notification_url.starts_with("https://") || notification_url.starts_with("http://")) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "input.notificationUrl",
            "must be the notification URL exactly as registered (https://…)",
        ));
    }
    Ok(())
}

/// A verified body that is not a usable event.
pub fn bad_event(why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidWebhookEvent,
        format!("the webhook body {why}"),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(signed_data("https://a/h", b"{}"), b"https://a/h{}");
        let good = [7u8; 32];
        let header = STANDARD.encode(good);
        assert_eq!(decode_signature(Some(&header)).unwrap(), good);
        assert!(signature_matches(&good, &good).is_ok());
        let mut other = good;
        other[31] ^= 1;
        let e = signature_matches(&good, &other).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidWebhookSignature);
        assert!(signature_matches(&good, &good[..31]).is_err());
        for bad in [None, Some(""), Some("  "), Some("%%%"), Some("AAAA")] {
            let e = decode_signature(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidWebhookSignature, "{bad:?}");
        }
        assert!(check_inputs("", "https://x").is_err());
        assert!(check_inputs("k", "/relative").is_err());
        assert!(check_inputs("k", "https://example.com/hooks").is_ok());
    }
}
