//! `verifyWebhook` (wasm only): Square's signature checked over the raw body, then the event
//! read.

use super::crypto::hmac_sha256;
use super::webhook::{bad_event, check_inputs, decode_signature, signature_matches, WebhookEvent};
use crate::document::Document;
use crate::error::Error;
use crate::js::JsDocument;
use crate::secret::Secret;

/// Verifies a notification: `signature` (the `x-square-hmacsha256-signature` header) must be
/// the base64 HMAC-SHA256, under `signature_key`, of `notification_url` followed by `body`
/// (compared in constant time). Then the body must be a JSON Square event. Returns the typed
/// event and the parsed body as it was sent.
pub async fn verify_webhook(
    body: &[u8],
    signature: Option<&str>,
    signature_key: &Secret,
    notification_url: &str,
) -> Result<(WebhookEvent, JsDocument), Error> {
    check_inputs(signature_key.expose(), notification_url)?;
    let received = decode_signature(signature)?;
    let data = super::webhook::signed_data(notification_url, body);
    let expected = hmac_sha256(signature_key.expose().as_bytes(), &data).await?;
    signature_matches(&expected, &received)?;
    let text = std::str::from_utf8(body).map_err(|_| bad_event("is not UTF-8"))?;
    let parsed = js_sys::JSON::parse(text).map_err(|_| bad_event("is not JSON"))?;
    let doc = JsDocument(parsed);
    if doc.kind() != crate::document::Kind::Object {
        return Err(bad_event("is not a JSON object"));
    }
    let event: WebhookEvent = doc
        .deserialize()
        .map_err(|_| bad_event("is not a Square event (type, event_id, created_at)"))?;
    event.check()?;
    Ok((event, doc))
}
