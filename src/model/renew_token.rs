//! RenewToken (deprecated by Square, still answered),
//! `POST /oauth2/clients/{client_id}/access-token/renew` (`Authorization: Client SECRET`).

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::SquareV2Error;
use crate::secret::Secret;

/// The body of RenewToken.
///
/// @deprecated Square deprecated RenewToken: refresh with ObtainToken and a refresh token.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, Tsify)]
pub struct RenewTokenRequest {
    /// The access token to renew. 2 to 1024 characters.
    #[tsify(type = "string")]
    pub access_token: Secret,
}

/// RenewToken's body in its flat form, as JSON or a JavaScript object carries it.
/// [`RenewTokenRequest::from_fields`] checks its one required field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenewTokenFields {
    /// The access token to renew.
    pub access_token: Option<Secret>,
}

/// RenewToken's answer (the spec's `RenewTokenResponse`, Square API 2024-03-20).
///
/// @deprecated Square deprecated RenewToken: refresh with ObtainToken and a refresh token.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, Tsify)]
pub struct RenewTokenResponse {
    /// The renewed access token; it may differ from the one sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub access_token: Option<Secret>,
    /// Always `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub token_type: Option<String>,
    /// When the access token expires, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires_at: Option<String>,
    /// The seller's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub merchant_id: Option<String>,
    /// The subscription ID.
    ///
    /// @deprecated LEGACY in Square's spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub subscription_id: Option<String>,
    /// The subscription plan ID.
    ///
    /// @deprecated LEGACY in Square's spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub plan_id: Option<String>,
    /// Errors; a successful answer has none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::strict_seq"
    )]
    #[tsify(optional, type = "SquareV2Error[]")]
    pub errors: Option<Vec<SquareV2Error>>,
}
