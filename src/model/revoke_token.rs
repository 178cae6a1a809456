//! RevokeToken, `POST /oauth2/revoke` (`Authorization: Client APPLICATION_SECRET`).

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::SquareV2Error;
use crate::macros::wire_union;
use crate::secret::Secret;

/// Revoke by access token: every token of that seller for your application, or only this one
/// with `revoke_only_access_token`.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct RevokeByAccessTokenRequest {
    /// The application ID. At most 191 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null | undefined")]
    pub client_id: Option<String>,
    /// The access token of the seller whose authorization is revoked. 2 to 1024 characters.
    #[tsify(type = "string")]
    pub access_token: Secret,
    /// `true`: end only this access token, not the whole authorization.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub revoke_only_access_token: Option<bool>,
}

/// Revoke by seller: every token of the seller `merchant_id` for your application.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct RevokeByMerchantIdRequest {
    /// The application ID. At most 191 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null | undefined")]
    pub client_id: Option<String>,
    /// The seller whose authorization is revoked. At most 191 characters.
    pub merchant_id: String,
    /// Only `false` (or absent): revoking a single access token needs `access_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "false | null | undefined")]
    pub revoke_only_access_token: Option<bool>,
}

wire_union! {
    /// The body of RevokeToken: by access token or by seller, never both. Square revokes every
    /// token the seller gave your application, whichever you name.
    #[ts("RevokeTokenRequest")]
    pub enum RevokeTokenRequest {
        /// By access token.
        ByAccessToken(RevokeByAccessTokenRequest),
        /// By seller ID.
        ByMerchantId(RevokeByMerchantIdRequest),
    }
}

impl RevokeTokenRequest {
    /// Revoke the authorization behind `access_token`.
    pub fn by_access_token(client_id: impl Into<String>, access_token: Secret) -> Self {
        RevokeTokenRequest::ByAccessToken(RevokeByAccessTokenRequest {
            client_id: Some(client_id.into()),
            access_token,
            revoke_only_access_token: None,
        })
    }

    /// Revoke every token of the seller `merchant_id`.
    pub fn by_merchant_id(client_id: impl Into<String>, merchant_id: impl Into<String>) -> Self {
        RevokeTokenRequest::ByMerchantId(RevokeByMerchantIdRequest {
            client_id: Some(client_id.into()),
            merchant_id: merchant_id.into(),
            revoke_only_access_token: None,
        })
    }
}

/// RevokeToken's body in its flat form, as JSON or a JavaScript object carries it: every field
/// optional. [`RevokeTokenRequest::from_fields`] sorts it into by-token or by-seller.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeTokenFields {
    /// See the request shapes.
    pub client_id: Option<String>,
    /// See the request shapes.
    pub access_token: Option<Secret>,
    /// See the request shapes.
    pub merchant_id: Option<String>,
    /// See the request shapes.
    pub revoke_only_access_token: Option<bool>,
}

/// RevokeToken's answer (the spec's `RevokeTokenResponse`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, Tsify)]
pub struct RevokeTokenResponse {
    /// `true` when the request succeeded (the client refuses a 2xx without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub success: Option<bool>,
    /// Errors; a successful answer has none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::strict_seq"
    )]
    #[tsify(optional, type = "SquareV2Error[]")]
    pub errors: Option<Vec<SquareV2Error>>,
}
