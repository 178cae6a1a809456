//! ObtainToken, `POST /oauth2/token`: the request in its four shapes and the response.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::{Scope, SquareV2Error};
use crate::macros::{string_enum, wire_union};
use crate::secret::Secret;

string_enum! {
    /// The `grant_type` of ObtainToken: how the token is obtained.
    #[ts("GrantType")]
    pub enum GrantType {
        /// Exchange the authorization code from the redirect (code flow or PKCE).
        AuthorizationCode = "authorization_code",
        /// Exchange a refresh token for a new access token.
        RefreshToken = "refresh_token",
        /// LEGACY: exchange a token from Square API versions before 2019-03-13.
        MigrationToken = "migration_token",
    }
}

string_enum! {
    /// `grant_type` of an authorization-code exchange.
    #[ts("AuthorizationCodeGrant")]
    pub enum AuthorizationCodeGrant {
        /// The only value.
        AuthorizationCode = "authorization_code",
    }
}

string_enum! {
    /// `grant_type` of a refresh.
    #[ts("RefreshTokenGrant")]
    pub enum RefreshTokenGrant {
        /// The only value.
        RefreshToken = "refresh_token",
    }
}

string_enum! {
    /// `grant_type` of a migration (LEGACY).
    #[ts("MigrationTokenGrant")]
    pub enum MigrationTokenGrant {
        /// The only value.
        MigrationToken = "migration_token",
    }
}

/// Code flow (a confidential server): exchange the authorization code from the redirect for an
/// access token and a multi-use refresh token that never expires. The code is single-use and
/// valid for 5 minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct AuthorizationCodeRequest {
    /// The application ID (Developer Dashboard → OAuth). At most 191 characters.
    pub client_id: String,
    /// The application secret. 2 to 1024 characters. Not the personal access token.
    #[tsify(type = "string")]
    pub client_secret: Secret,
    /// The authorization code from the redirect (`?code=`). At most 191 characters.
    #[tsify(type = "string")]
    pub code: Secret,
    /// The redirect URL, required when the authorization URL named one. At most 2048 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null | undefined")]
    pub redirect_uri: Option<String>,
    /// Always `"authorization_code"`.
    #[tsify(type = "\"authorization_code\"")]
    pub grant_type: AuthorizationCodeGrant,
    /// `true`: the access token expires in 24 hours instead of 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub short_lived: Option<bool>,
    /// `true`: the access token is a JWT. Not in Square's 2025-08-20 spec; from Square's SDKs of
    /// 2026-01-22.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub use_jwt: Option<bool>,
}

/// PKCE flow (a public client, no secret): exchange the authorization code for an access token
/// and a single-use refresh token that expires in 90 days.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct PkceAuthorizationCodeRequest {
    /// The application ID. At most 191 characters.
    pub client_id: String,
    /// The authorization code from the redirect (`?code=`). At most 191 characters.
    #[tsify(type = "string")]
    pub code: Secret,
    /// The redirect URL, required when the authorization URL named one. At most 2048 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null | undefined")]
    pub redirect_uri: Option<String>,
    /// Always `"authorization_code"`.
    #[tsify(type = "\"authorization_code\"")]
    pub grant_type: AuthorizationCodeGrant,
    /// `true`: the access token expires in 24 hours instead of 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub short_lived: Option<bool>,
    /// The secret from which the authorization URL's `code_challenge` was derived (RFC 7636: 43
    /// to 128 characters of `A-Z a-z 0-9 - . _ ~`), e.g. `createPkce().code_verifier`.
    #[tsify(type = "string")]
    pub code_verifier: Secret,
    /// `true`: the access token is a JWT (from Square's SDKs of 2026-01-22).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub use_jwt: Option<bool>,
}

/// Refresh: a new access token from a refresh token. With `client_secret` (code flow) the
/// refresh token is multi-use and comes back unchanged; without it (PKCE) it is single-use and a
/// new one comes back: store it before anything else.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct RefreshTokenRequest {
    /// The application ID. At most 191 characters.
    pub client_id: String,
    /// The application secret for the code flow; absent (or `null`) for PKCE.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null | undefined")]
    pub client_secret: Option<Secret>,
    /// Always `"refresh_token"`.
    #[tsify(type = "\"refresh_token\"")]
    pub grant_type: RefreshTokenGrant,
    /// The refresh token. 2 to 1024 characters.
    #[tsify(type = "string")]
    pub refresh_token: Secret,
    /// Narrow the new token to these scopes (the intersection with the refresh token's).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "readonly Scope[] | null | undefined")]
    pub scopes: Option<Vec<Scope>>,
    /// `true`: the access token expires in 24 hours instead of 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub short_lived: Option<bool>,
    /// `true`: the access token is a JWT (from Square's SDKs of 2026-01-22).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub use_jwt: Option<bool>,
}

/// LEGACY: exchange a token from Square API versions before 2019-03-13.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct MigrationTokenRequest {
    /// The application ID. At most 191 characters.
    pub client_id: String,
    /// The application secret. 2 to 1024 characters.
    #[tsify(type = "string")]
    pub client_secret: Secret,
    /// Always `"migration_token"`.
    #[tsify(type = "\"migration_token\"")]
    pub grant_type: MigrationTokenGrant,
    /// The legacy token. 2 to 1024 characters.
    ///
    /// @deprecated LEGACY: only for tokens from Square API versions before 2019-03-13.
    #[tsify(type = "string")]
    pub migration_token: Secret,
    /// `true`: the access token expires in 24 hours instead of 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub short_lived: Option<bool>,
    /// `true`: the access token is a JWT (from Square's SDKs of 2026-01-22).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "boolean | null | undefined")]
    pub use_jwt: Option<bool>,
}

wire_union! {
    /// The body of ObtainToken: one of the four ways to get a token, told apart by `grant_type`
    /// and by which credential it carries.
    #[ts("ObtainTokenRequest")]
    pub enum ObtainTokenRequest {
        /// Code flow, `authorization_code` with the application secret.
        AuthorizationCode(AuthorizationCodeRequest),
        /// PKCE, `authorization_code` with the code verifier.
        PkceAuthorizationCode(PkceAuthorizationCodeRequest),
        /// `refresh_token`, code flow (with the secret) or PKCE (without).
        RefreshToken(RefreshTokenRequest),
        /// LEGACY `migration_token`.
        MigrationToken(MigrationTokenRequest),
    }
}

impl AuthorizationCodeRequest {
    /// A code-flow exchange with no optional field set.
    pub fn new(client_id: impl Into<String>, client_secret: Secret, code: Secret) -> Self {
        AuthorizationCodeRequest {
            grant_type: AuthorizationCodeGrant::AuthorizationCode,
            client_id: client_id.into(),
            client_secret,
            code,
            redirect_uri: None,
            short_lived: None,
            use_jwt: None,
        }
    }
}

impl PkceAuthorizationCodeRequest {
    /// A PKCE exchange with no optional field set.
    pub fn new(client_id: impl Into<String>, code: Secret, code_verifier: Secret) -> Self {
        PkceAuthorizationCodeRequest {
            grant_type: AuthorizationCodeGrant::AuthorizationCode,
            client_id: client_id.into(),
            code,
            code_verifier,
            redirect_uri: None,
            short_lived: None,
            use_jwt: None,
        }
    }
}

impl RefreshTokenRequest {
    /// A refresh: pass the application secret for the code flow, `None` for PKCE.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
        refresh_token: Secret,
    ) -> Self {
        RefreshTokenRequest {
            grant_type: RefreshTokenGrant::RefreshToken,
            client_id: client_id.into(),
            client_secret,
            refresh_token,
            scopes: None,
            short_lived: None,
            use_jwt: None,
        }
    }
}

impl MigrationTokenRequest {
    /// A migration with no optional field set.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: Secret,
        migration_token: Secret,
    ) -> Self {
        MigrationTokenRequest {
            grant_type: MigrationTokenGrant::MigrationToken,
            client_id: client_id.into(),
            client_secret,
            migration_token,
            short_lived: None,
            use_jwt: None,
        }
    }
}

/// ObtainToken's body in its flat form, as JSON or a JavaScript object carries it: every field
/// optional. [`ObtainTokenRequest::from_fields`] sorts it into one of the four shapes with the
/// contract's grant rules (how the JavaScript `obtainToken` reads its argument).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObtainTokenFields {
    /// See the request shapes.
    pub client_id: Option<String>,
    /// See the request shapes.
    pub client_secret: Option<Secret>,
    /// See the request shapes.
    pub code: Option<Secret>,
    /// See the request shapes.
    pub redirect_uri: Option<String>,
    /// See the request shapes.
    pub grant_type: Option<GrantType>,
    /// See the request shapes.
    pub refresh_token: Option<Secret>,
    /// See the request shapes.
    pub migration_token: Option<Secret>,
    /// See the request shapes.
    #[serde(deserialize_with = "super::strict_seq")]
    pub scopes: Option<Vec<Scope>>,
    /// See the request shapes.
    pub short_lived: Option<bool>,
    /// See the request shapes.
    pub code_verifier: Option<Secret>,
    /// See the request shapes.
    pub use_jwt: Option<bool>,
}

/// ObtainToken's answer (the spec's `ObtainTokenResponse`), as far as the client checks it: every
/// field Square documents, with its type. Square may send more; JavaScript callers get the body
/// exactly as sent.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, Tsify)]
pub struct ObtainTokenResponse {
    /// The access token, sent as `Authorization: Bearer …`. Expires in 30 days (24 hours when
    /// `short_lived`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub access_token: Option<Secret>,
    /// Always `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub token_type: Option<String>,
    /// When the access token expires, ISO 8601 (e.g. `2025-04-03T18:31:06Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires_at: Option<String>,
    /// The seller's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub merchant_id: Option<String>,
    /// The subscription ID, for applications with subscriptions.
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
    /// The OpenID token, only with the `OPENID` scope.
    ///
    /// @deprecated Since Square API version 2021-09-15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub id_token: Option<Secret>,
    /// The refresh token. Code flow: multi-use, never expires, the same one comes back on every
    /// refresh. PKCE: single-use, expires in 90 days, a new one with every refresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub refresh_token: Option<Secret>,
    /// Whether the access token is short-lived (24 hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub short_lived: Option<bool>,
    /// Errors; a successful answer has none (the client refuses one that has).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::strict_seq"
    )]
    #[tsify(optional, type = "SquareV2Error[]")]
    pub errors: Option<Vec<SquareV2Error>>,
    /// PKCE only: when the refresh token expires, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub refresh_token_expires_at: Option<String>,
}
