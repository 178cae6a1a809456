//! RetrieveTokenStatus, `POST /oauth2/token/status` (`Authorization: Bearer ACCESS_TOKEN`, no
//! body).

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::SquareV2Error;

/// RetrieveTokenStatus's answer (the spec's `RetrieveTokenStatusResponse`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, Tsify)]
pub struct RetrieveTokenStatusResponse {
    /// The scopes the token grants.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::strict_seq"
    )]
    #[tsify(optional)]
    pub scopes: Option<Vec<String>>,
    /// When the token expires, RFC 3339; empty when it never expires (a personal access token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires_at: Option<String>,
    /// The application the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub client_id: Option<String>,
    /// The seller the token acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub merchant_id: Option<String>,
    /// Errors; a successful answer has none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::strict_seq"
    )]
    #[tsify(optional, type = "SquareV2Error[]")]
    pub errors: Option<Vec<SquareV2Error>>,
}
