//! The wire: Square's OAuth requests, responses and error objects as serde types.
//!
//! One file per operation. Field names are Square's snake_case wire names; doc comments come
//! from Square's spec (`tests/contract/spec/`) and become the JSDoc of the package's generated
//! `index.d.ts` (tsify derives the interfaces; `string_enum!` and `wire_union!` declare the
//! unions). Secrets (application secret, codes, tokens, verifiers) are [`Secret`](crate::Secret)s,
//! whose `Debug` prints `[redacted]`.
//!
//! Requests come in exclusive shapes (an enum per operation); the `*Fields` structs are the flat
//! form a JavaScript caller's object arrives in, which `crate::request` sorts into a shape.
//! Responses list every documented field with its type; JavaScript callers get the body exactly
//! as Square sent it, unknown fields included.

mod api_error;
mod obtain_token;
mod renew_token;
mod revoke_token;
mod spec;
mod token_status;

pub(crate) use api_error::LegacyErrorBody;
pub use api_error::{SquareApiError, SquareV1Error, SquareV2Error};
pub use obtain_token::{
    AuthorizationCodeGrant, AuthorizationCodeRequest, GrantType, MigrationTokenGrant,
    MigrationTokenRequest, ObtainTokenFields, ObtainTokenRequest, ObtainTokenResponse,
    PkceAuthorizationCodeRequest, RefreshTokenGrant, RefreshTokenRequest,
};
pub use renew_token::{RenewTokenFields, RenewTokenRequest, RenewTokenResponse};
pub use revoke_token::{
    RevokeByAccessTokenRequest, RevokeByMerchantIdRequest, RevokeTokenFields, RevokeTokenRequest,
    RevokeTokenResponse,
};
pub use spec::{ApiErrorCategory, ApiErrorCode, Scope};
pub use token_status::RetrieveTokenStatusResponse;
