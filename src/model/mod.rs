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

/// Reads an optional array strictly: `null` or absent is `None`, an array is read item by item,
/// anything else is a type error. (serde-wasm-bindgen would otherwise read any iterable as a
/// sequence, a string included, one character per item.)
pub(crate) fn strict_seq<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Seq<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Seq<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_any(Seq(std::marker::PhantomData))
}
