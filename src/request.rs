//! Building a request (pure): the typed body checked against the contract
//! (`../shared/square/CONTRACT.md` §3–§6), and what goes on the wire (method, URL, headers, JSON
//! body), with the secrets it carries so that errors can be scrubbed and the retry policy's view
//! of it. Nothing here performs I/O.
//!
//! A JavaScript caller's body arrives as the flat `*Fields` structs; `*::from_fields` sorts it
//! into one of the exclusive shapes with the grant rules (`MISSING_FIELD`, `CONFLICTING_FIELDS`).
//! Every request, whoever built it, then passes [`Validate`]: lengths and formats.

use serde::Serialize;

use crate::config::{check_header_value, CallConfig};
use crate::error::{Error, ErrorCode};
use crate::model::{
    AuthorizationCodeGrant, AuthorizationCodeRequest, GrantType, MigrationTokenGrant,
    MigrationTokenRequest, ObtainTokenFields, ObtainTokenRequest, PkceAuthorizationCodeRequest,
    RefreshTokenGrant, RefreshTokenRequest, RenewTokenFields, RenewTokenRequest,
    RevokeByAccessTokenRequest, RevokeByMerchantIdRequest, RevokeTokenFields, RevokeTokenRequest,
};
use crate::secret::{longest_first, Secret};

/// The four operations of Square's OAuth API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `POST /oauth2/token`
    ObtainToken,
    /// `POST /oauth2/clients/{client_id}/access-token/renew` (deprecated)
    RenewToken,
    /// `POST /oauth2/revoke`
    RevokeToken,
    /// `POST /oauth2/token/status`
    RetrieveTokenStatus,
}

impl Operation {
    /// Square's operation name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ObtainToken => "ObtainToken",
            Operation::RenewToken => "RenewToken",
            Operation::RevokeToken => "RevokeToken",
            Operation::RetrieveTokenStatus => "RetrieveTokenStatus",
        }
    }
}

/// How safe it is to send the same request again after it may have reached Square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// Repeating it has the same effect (revoke, renew, status, code-flow refresh).
    Safe,
    /// It spends a single-use credential (an authorization code, a PKCE refresh token): a repeat
    /// after the first attempt reached Square fails or, worse, loses the new refresh token.
    SingleUse,
}

/// The JSON body of a request.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WireBody {
    /// ObtainToken's body.
    Obtain(ObtainTokenRequest),
    /// RevokeToken's body.
    Revoke(RevokeTokenRequest),
    /// RenewToken's body.
    Renew(RenewTokenRequest),
}

/// A request ready for `fetch`. `Debug` shows no secret.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// Which operation.
    pub operation: Operation,
    /// Absolute URL (always `POST`).
    pub url: String,
    /// Headers other than `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The `Authorization` header value, if the endpoint takes one.
    pub authorization: Option<Secret>,
    /// The JSON body, if any.
    pub body: Option<WireBody>,
    /// Every secret value in the request, longest first, for scrubbing errors.
    pub secrets: Vec<Secret>,
    /// Whether a retry after a possible delivery is safe.
    pub replay: Replay,
}

fn missing(field: &str, why: &str) -> Error {
    Error::input(ErrorCode::MissingField, format!("body.{field}"), why)
}

fn conflict(field: &str, why: &str) -> Error {
    Error::input(ErrorCode::ConflictingFields, format!("body.{field}"), why)
}

/// The first of `fields` (name, present) that is present, as a `CONFLICTING_FIELDS` error.
fn forbid(fields: &[(&str, bool)], grant: &str) -> Result<(), Error> {
    match fields.iter().find(|(_, present)| *present) {
        Some((name, _)) => Err(conflict(
            name,
            &format!("does not belong to grant_type \"{grant}\""),
        )),
        None => Ok(()),
    }
}

fn required<T>(value: Option<T>, field: &str, why: &str) -> Result<T, Error> {
    value.ok_or_else(|| missing(field, why))
}

impl ObtainTokenRequest {
    /// Sorts a caller's flat body into one of the four shapes (CONTRACT §3's grant rules).
    pub fn from_fields(f: ObtainTokenFields) -> Result<Self, Error> {
        let client_id = required(f.client_id, "client_id", "is required")?;
        let grant = required(f.grant_type, "grant_type", "is required")?;
        let wants = |what: &str| format!("is required when grant_type is \"{what}\"");
        Ok(match grant {
            GrantType::AuthorizationCode => {
                let code = required(f.code, "code", &wants("authorization_code"))?;
                forbid(
                    &[
                        ("refresh_token", f.refresh_token.is_some()),
                        ("migration_token", f.migration_token.is_some()),
                        ("scopes", f.scopes.is_some()),
                    ],
                    "authorization_code",
                )?;
                match (f.client_secret, f.code_verifier) {
                    (Some(_), Some(_)) => return Err(conflict(
                        "code_verifier",
                        "cannot be sent with client_secret: use client_secret for the code flow, code_verifier for PKCE",
                    )),
                    (None, None) => return Err(missing(
                        "client_secret",
                        "is required for the code flow (or send code_verifier for the PKCE flow)",
                    )),
                    (Some(client_secret), None) => {
                        ObtainTokenRequest::AuthorizationCode(AuthorizationCodeRequest {
                            grant_type: AuthorizationCodeGrant::AuthorizationCode,
                            client_id,
                            client_secret,
                            code,
                            redirect_uri: f.redirect_uri,
                            short_lived: f.short_lived,
                            use_jwt: f.use_jwt,
                        })
                    }
                    (None, Some(code_verifier)) => {
                        ObtainTokenRequest::PkceAuthorizationCode(PkceAuthorizationCodeRequest {
                            grant_type: AuthorizationCodeGrant::AuthorizationCode,
                            client_id,
                            code,
                            code_verifier,
                            redirect_uri: f.redirect_uri,
                            short_lived: f.short_lived,
                            use_jwt: f.use_jwt,
                        })
                    }
                }
            }
            GrantType::RefreshToken => {
                let refresh_token =
                    required(f.refresh_token, "refresh_token", &wants("refresh_token"))?;
                forbid(
                    &[
                        ("code", f.code.is_some()),
                        ("code_verifier", f.code_verifier.is_some()),
                        ("redirect_uri", f.redirect_uri.is_some()),
                        ("migration_token", f.migration_token.is_some()),
                    ],
                    "refresh_token",
                )?;
                ObtainTokenRequest::RefreshToken(RefreshTokenRequest {
                    grant_type: RefreshTokenGrant::RefreshToken,
                    client_id,
                    client_secret: f.client_secret,
                    refresh_token,
                    scopes: f.scopes,
                    short_lived: f.short_lived,
                    use_jwt: f.use_jwt,
                })
            }
            GrantType::MigrationToken => {
                let migration_token = required(
                    f.migration_token,
                    "migration_token",
                    &wants("migration_token"),
                )?;
                let client_secret =
                    required(f.client_secret, "client_secret", &wants("migration_token"))?;
                forbid(
                    &[
                        ("code", f.code.is_some()),
                        ("code_verifier", f.code_verifier.is_some()),
                        ("redirect_uri", f.redirect_uri.is_some()),
                        ("refresh_token", f.refresh_token.is_some()),
                        ("scopes", f.scopes.is_some()),
                    ],
                    "migration_token",
                )?;
                ObtainTokenRequest::MigrationToken(MigrationTokenRequest {
                    grant_type: MigrationTokenGrant::MigrationToken,
                    client_id,
                    client_secret,
                    migration_token,
                    short_lived: f.short_lived,
                    use_jwt: f.use_jwt,
                })
            }
        })
    }

    /// Whether the request spends a single-use credential.
    pub fn replay(&self) -> Replay {
        match self {
            ObtainTokenRequest::RefreshToken(r) if r.client_secret.is_some() => Replay::Safe,
            _ => Replay::SingleUse,
        }
    }
}

impl RevokeTokenRequest {
    /// Sorts a caller's flat body into by-token or by-seller (CONTRACT §4).
    pub fn from_fields(f: RevokeTokenFields) -> Result<Self, Error> {
        match (f.access_token, f.merchant_id) {
            (Some(_), Some(_)) => Err(conflict(
                "merchant_id",
                "cannot be sent with access_token: send one of them",
            )),
            (None, None) => Err(missing(
                "access_token",
                "is required (or merchant_id): say whose token to revoke",
            )),
            (Some(access_token), None) => Ok(RevokeTokenRequest::ByAccessToken(
                RevokeByAccessTokenRequest {
                    client_id: f.client_id,
                    access_token,
                    revoke_only_access_token: f.revoke_only_access_token,
                },
            )),
            (None, Some(merchant_id)) => Ok(RevokeTokenRequest::ByMerchantId(
                RevokeByMerchantIdRequest {
                    client_id: f.client_id,
                    merchant_id,
                    revoke_only_access_token: f.revoke_only_access_token,
                },
            )),
        }
    }
}

impl RenewTokenRequest {
    /// A caller's flat body, with its one required field.
    pub fn from_fields(f: RenewTokenFields) -> Result<Self, Error> {
        Ok(RenewTokenRequest {
            access_token: required(f.access_token, "access_token", "is required")?,
        })
    }
}

/// Checks a length in characters: `field` is named in the message, the value never.
fn length(value: &str, field: &str, min: usize, max: usize) -> Result<(), Error> {
    let n = value.chars().count();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let what = if min <= 1 && n == 0 {
        "must not be empty".to_owned()
    } else {
        format!("must be {min} to {max} characters long (got {n})")
    };
    Err(Error::input(ErrorCode::InvalidValue, field, what))
}

/// A field's length, when the field is present.
fn length_opt(value: Option<&str>, field: &str, min: usize, max: usize) -> Result<(), Error> {
    value.map_or(Ok(()), |v| length(v, field, min, max))
}

/// RFC 7636 §4.1: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
fn check_verifier(v: &Secret) -> Result<(), Error> {
    length(v.expose(), "body.code_verifier", 43, 128)?;
    if !v
        .expose()
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
    {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "body.code_verifier",
            "must use only the RFC 7636 characters A-Z a-z 0-9 - . _ ~",
        ));
    }
    Ok(())
}

/// The lengths and formats of the spec (`ObtainTokenRequest`, `RevokeTokenRequest`,
/// `RenewTokenRequest`), field by field in the spec's order.
pub trait Validate {
    /// Checks every field; the first problem is an input error naming `body.<field>`.
    fn validate(&self) -> Result<(), Error>;
}

impl Validate for ObtainTokenRequest {
    fn validate(&self) -> Result<(), Error> {
        let client_id = match self {
            ObtainTokenRequest::AuthorizationCode(r) => &r.client_id,
            ObtainTokenRequest::PkceAuthorizationCode(r) => &r.client_id,
            ObtainTokenRequest::RefreshToken(r) => &r.client_id,
            ObtainTokenRequest::MigrationToken(r) => &r.client_id,
        };
        length(client_id, "body.client_id", 1, 191)?;
        match self {
            ObtainTokenRequest::AuthorizationCode(r) => {
                length(r.client_secret.expose(), "body.client_secret", 2, 1024)?;
                length(r.code.expose(), "body.code", 1, 191)?;
                length_opt(r.redirect_uri.as_deref(), "body.redirect_uri", 1, 2048)
            }
            ObtainTokenRequest::PkceAuthorizationCode(r) => {
                length(r.code.expose(), "body.code", 1, 191)?;
                length_opt(r.redirect_uri.as_deref(), "body.redirect_uri", 1, 2048)?;
                check_verifier(&r.code_verifier)
            }
            ObtainTokenRequest::RefreshToken(r) => {
                let secret = r.client_secret.as_ref().map(Secret::expose);
                length_opt(secret, "body.client_secret", 2, 1024)?;
                length(r.refresh_token.expose(), "body.refresh_token", 2, 1024)
            }
            ObtainTokenRequest::MigrationToken(r) => {
                length(r.client_secret.expose(), "body.client_secret", 2, 1024)?;
                length(r.migration_token.expose(), "body.migration_token", 2, 1024)
            }
        }
    }
}

impl Validate for RevokeTokenRequest {
    fn validate(&self) -> Result<(), Error> {
        match self {
            RevokeTokenRequest::ByAccessToken(r) => {
                length_opt(r.client_id.as_deref(), "body.client_id", 1, 191)?;
                length(r.access_token.expose(), "body.access_token", 2, 1024)
            }
            RevokeTokenRequest::ByMerchantId(r) => {
                length_opt(r.client_id.as_deref(), "body.client_id", 1, 191)?;
                length(&r.merchant_id, "body.merchant_id", 1, 191)?;
                if r.revoke_only_access_token == Some(true) {
                    return Err(conflict(
                        "revoke_only_access_token",
                        "needs access_token: it revokes that single token",
                    ));
                }
                Ok(())
            }
        }
    }
}

impl Validate for RenewTokenRequest {
    fn validate(&self) -> Result<(), Error> {
        length(self.access_token.expose(), "body.access_token", 2, 1024)
    }
}

/// The secrets a body carries.
fn body_secrets(body: &WireBody) -> Vec<Secret> {
    let all: Vec<&Secret> = match body {
        WireBody::Obtain(ObtainTokenRequest::AuthorizationCode(r)) => {
            vec![&r.client_secret, &r.code]
        }
        WireBody::Obtain(ObtainTokenRequest::PkceAuthorizationCode(r)) => {
            vec![&r.code, &r.code_verifier]
        }
        WireBody::Obtain(ObtainTokenRequest::RefreshToken(r)) => {
            let mut v = vec![&r.refresh_token];
            v.extend(r.client_secret.as_ref());
            v
        }
        WireBody::Obtain(ObtainTokenRequest::MigrationToken(r)) => {
            vec![&r.client_secret, &r.migration_token]
        }
        WireBody::Revoke(RevokeTokenRequest::ByAccessToken(r)) => vec![&r.access_token],
        WireBody::Revoke(RevokeTokenRequest::ByMerchantId(_)) => vec![],
        WireBody::Renew(r) => vec![&r.access_token],
    };
    all.into_iter().cloned().collect()
}

fn headers(call: &CallConfig, json: bool) -> Vec<(String, String)> {
    let mut h = Vec::with_capacity(call.client.headers.len() + 3);
    h.push(("Accept".to_owned(), "application/json".to_owned()));
    if json {
        h.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    h.push(("Square-Version".to_owned(), call.square_version.clone()));
    h.extend(call.client.headers.iter().cloned());
    h
}

fn with_body(
    operation: Operation,
    call: &CallConfig,
    path: &str,
    body: WireBody,
    authorization: Option<(Secret, Secret)>,
    replay: Replay,
) -> HttpRequest {
    let mut secrets = body_secrets(&body);
    let authorization = authorization.map(|(header, secret)| {
        secrets.push(secret);
        header
    });
    HttpRequest {
        operation,
        url: format!("{}{path}", call.client.base_url),
        headers: headers(call, true),
        authorization,
        body: Some(body),
        secrets: longest_first(secrets),
        replay,
    }
}

/// Builds ObtainToken.
pub fn obtain_token(call: &CallConfig, body: ObtainTokenRequest) -> Result<HttpRequest, Error> {
    body.validate()?;
    let replay = body.replay();
    Ok(with_body(
        Operation::ObtainToken,
        call,
        "/oauth2/token",
        WireBody::Obtain(body),
        None,
        replay,
    ))
}

/// Checks the `authorization` argument of RevokeToken and RenewToken: `Client SECRET`, or the
/// bare secret (the prefix is added). Returns the header value and the secret.
pub fn client_authorization(raw: &str) -> Result<(Secret, Secret), Error> {
    const FIELD: &str = "authorization";
    const EXPECTED: &str = "expected \"Client APPLICATION_SECRET\" or the bare application secret";
    check_header_value(raw, FIELD, true)?;
    let secret = match raw.split_once([' ', '\t']) {
        None => raw,
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("client") => rest.trim_start(),
        Some((scheme, _)) => {
            let hint = if scheme.eq_ignore_ascii_case("bearer") {
                " RevokeToken and RenewToken authenticate with the application secret (Client), not an access token (Bearer)"
            } else {
                ""
            };
            // The scheme word is echoed only if it is short and alphabetic, so that a secret
            // pasted in the wrong place is never repeated.
            let shown = if scheme.len() <= 10 && scheme.bytes().all(|c| c.is_ascii_alphabetic()) {
                scheme
            } else {
                "unrecognised"
            };
            return Err(Error::input(
                ErrorCode::InvalidAuthorization,
                FIELD,
                format!("{EXPECTED}; got a \"{shown}\" credential.{hint}"),
            ));
        }
    };
    if secret.len() < 2 || secret.len() > 1024 || secret.contains([' ', '\t']) {
        return Err(Error::input(
            ErrorCode::InvalidAuthorization,
            FIELD,
            format!("{EXPECTED}; the secret must be 2 to 1024 characters without spaces"),
        ));
    }
    Ok((Secret::new(format!("Client {secret}")), Secret::new(secret)))
}

/// Builds RevokeToken. `authorization` is `Client SECRET` or the bare application secret.
pub fn revoke_token(
    call: &CallConfig,
    body: RevokeTokenRequest,
    authorization: &Secret,
) -> Result<HttpRequest, Error> {
    body.validate()?;
    let auth = client_authorization(authorization.expose())?;
    Ok(with_body(
        Operation::RevokeToken,
        call,
        "/oauth2/revoke",
        WireBody::Revoke(body),
        Some(auth),
        Replay::Safe,
    ))
}

/// Builds RenewToken (deprecated by Square; still answered). `client_id` becomes one
/// percent-encoded path segment.
pub fn renew_token(
    call: &CallConfig,
    client_id: &str,
    body: RenewTokenRequest,
    authorization: &Secret,
) -> Result<HttpRequest, Error> {
    length(client_id, "clientId", 1, 191)?;
    if client_id == "." || client_id == ".." {
        // WHATWG URL parsing treats these (even percent-encoded) as dot segments.
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "clientId",
            "cannot be a dot segment",
        ));
    }
    body.validate()?;
    let auth = client_authorization(authorization.expose())?;
    let segment = percent_encoding::utf8_percent_encode(client_id, SEGMENT);
    Ok(with_body(
        Operation::RenewToken,
        call,
        &format!("/oauth2/clients/{segment}/access-token/renew"),
        WireBody::Renew(body),
        Some(auth),
        Replay::Safe,
    ))
}

/// Everything but RFC 3986's unreserved characters is percent-encoded in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds RetrieveTokenStatus. A leading `Bearer ` on the token is accepted and dropped.
pub fn retrieve_token_status(
    call: &CallConfig,
    access_token: &Secret,
) -> Result<HttpRequest, Error> {
    const FIELD: &str = "accessToken";
    let raw = access_token.expose();
    check_header_value(raw, FIELD, true)?;
    let token = match raw.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim_start(),
        _ => raw,
    };
    check_header_value(token, FIELD, false)?;
    if !(2..=1024).contains(&token.len()) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must be 2 to 1024 characters long",
        ));
    }
    Ok(HttpRequest {
        operation: Operation::RetrieveTokenStatus,
        url: format!("{}/oauth2/token/status", call.client.base_url),
        headers: headers(call, false),
        authorization: Some(Secret::new(format!("Bearer {token}"))),
        body: None,
        secrets: vec![Secret::new(token)],
        replay: Replay::Safe,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::config::{CallOptions, ClientConfig, ClientOptions};
    use std::rc::Rc;

    fn call() -> CallConfig {
        let options = ClientOptions {
            base_url: Some("http://127.0.0.1:1".into()),
            ..ClientOptions::default()
        };
        let client = Rc::new(ClientConfig::new(&options).unwrap());
        CallConfig::new(&client, &CallOptions::default()).unwrap()
    }

    fn obtain(body: &str) -> Result<HttpRequest, Error> {
        let fields: ObtainTokenFields = serde_json::from_str(body).unwrap();
        obtain_token(&call(), ObtainTokenRequest::from_fields(fields)?)
    }

    fn err(body: &str) -> (ErrorCode, String) {
        let e = obtain(body).unwrap_err();
        (e.code(), e.field().unwrap_or_default().to_owned())
    }

    fn wire(r: &HttpRequest) -> String {
        serde_json::to_string(r.body.as_ref().unwrap()).unwrap()
    }

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn obtain_code_flow_wire() {
        let r = obtain(r#"{"grant_type":"authorization_code","client_id":"sq0idp-a","client_secret":"sq0csp-s","code":"sq0cgb-c","redirect_uri":null,"short_lived":true}"#).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/oauth2/token");
        assert_eq!(
            wire(&r),
            r#"{"client_id":"sq0idp-a","client_secret":"sq0csp-s","code":"sq0cgb-c","grant_type":"authorization_code","short_lived":true}"#
        );
        assert!(r.authorization.is_none());
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Accept", "Content-Type", "Square-Version"]);
        assert_eq!(r.replay, Replay::SingleUse);
        assert_eq!(r.secrets.len(), 2);
        assert!(
            !format!("{r:?}").contains("sq0csp-s"),
            "Debug leaks nothing"
        );
    }

    #[test]
    fn obtain_grant_rules() {
        let pkce = format!(
            r#"{{"grant_type":"authorization_code","client_id":"a","code":"c","code_verifier":"{VERIFIER}"}}"#
        );
        let r = obtain(&pkce).unwrap();
        assert_eq!(r.replay, Replay::SingleUse);
        assert!(wire(&r).contains("code_verifier"));
        let r = obtain(r#"{"grant_type":"refresh_token","client_id":"a","client_secret":"ss","refresh_token":"rr","scopes":["PAYMENTS_READ"]}"#).unwrap();
        assert_eq!(
            r.replay,
            Replay::Safe,
            "code-flow refresh tokens are multi-use"
        );
        let r = obtain(r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"rr","client_secret":null}"#).unwrap();
        assert_eq!(
            r.replay,
            Replay::SingleUse,
            "PKCE refresh tokens are single-use"
        );
        assert_eq!(
            wire(&r),
            r#"{"client_id":"a","grant_type":"refresh_token","refresh_token":"rr"}"#
        );
        assert!(obtain(r#"{"grant_type":"migration_token","client_id":"a","client_secret":"ss","migration_token":"mm"}"#).is_ok());
        let cases = [
            (
                r#"{"grant_type":"authorization_code","client_secret":"ss","code":"c"}"#,
                ErrorCode::MissingField,
                "body.client_id",
            ),
            (
                r#"{"client_id":"a","client_secret":"ss","code":"c"}"#,
                ErrorCode::MissingField,
                "body.grant_type",
            ),
            (
                r#"{"grant_type":"authorization_code","client_id":"a","client_secret":"ss"}"#,
                ErrorCode::MissingField,
                "body.code",
            ),
            (
                r#"{"grant_type":"authorization_code","client_id":"a","code":"c"}"#,
                ErrorCode::MissingField,
                "body.client_secret",
            ),
            (
                r#"{"grant_type":"authorization_code","client_id":"a","code":"c","client_secret":"ss","refresh_token":"rr"}"#,
                ErrorCode::ConflictingFields,
                "body.refresh_token",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","client_secret":"ss","refresh_token":"rr","code":"c"}"#,
                ErrorCode::ConflictingFields,
                "body.code",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","client_secret":"ss"}"#,
                ErrorCode::MissingField,
                "body.refresh_token",
            ),
            (
                r#"{"grant_type":"migration_token","client_id":"a","migration_token":"mm"}"#,
                ErrorCode::MissingField,
                "body.client_secret",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"r"}"#,
                ErrorCode::InvalidValue,
                "body.refresh_token",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"","refresh_token":"rr"}"#,
                ErrorCode::InvalidValue,
                "body.client_id",
            ),
        ];
        for (body, code, field) in cases {
            assert_eq!(err(body), (code, field.to_owned()), "{body}");
        }
        let both = format!(
            r#"{{"grant_type":"authorization_code","client_id":"a","code":"c","client_secret":"ss","code_verifier":"{VERIFIER}"}}"#
        );
        assert_eq!(
            err(&both),
            (ErrorCode::ConflictingFields, "body.code_verifier".into())
        );
        let bad = r#"{"grant_type":"authorization_code","client_id":"a","code":"c","code_verifier":"short"}"#;
        assert_eq!(
            err(bad),
            (ErrorCode::InvalidValue, "body.code_verifier".into())
        );
        let bad = format!(
            r#"{{"grant_type":"authorization_code","client_id":"a","code":"c","code_verifier":"{VERIFIER}/"}}"#
        );
        assert_eq!(
            err(&bad),
            (ErrorCode::InvalidValue, "body.code_verifier".into())
        );
        let long_id = format!(
            r#"{{"grant_type":"refresh_token","client_id":"{}","refresh_token":"rr"}}"#,
            "a".repeat(192)
        );
        assert_eq!(err(&long_id).0, ErrorCode::InvalidValue);
    }

    #[test]
    fn rust_built_requests_are_validated_too() {
        let body = ObtainTokenRequest::from(AuthorizationCodeRequest::new(
            "",
            Secret::new("sq0csp-s"),
            Secret::new("c"),
        ));
        let e = obtain_token(&call(), body).unwrap_err();
        assert_eq!(e.field(), Some("body.client_id"));
    }

    #[test]
    fn authorization_forms() {
        let ok = |a: &str| client_authorization(a).unwrap().0.expose().to_owned();
        assert_eq!(ok("Client sq0csp-s"), "Client sq0csp-s");
        assert_eq!(ok("sq0csp-s"), "Client sq0csp-s", "the prefix is added");
        assert_eq!(ok("client sq0csp-s"), "Client sq0csp-s");
        let e = client_authorization("Bearer EAAAtoken").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidAuthorization);
        assert!(
            e.message().contains("Client APPLICATION_SECRET") && !e.message().contains("EAAAtoken")
        );
        assert_eq!(
            client_authorization("Client a\r\nX: y").unwrap_err().code(),
            ErrorCode::UnsafeHeaderValue
        );
        assert_eq!(
            client_authorization("Client ").unwrap_err().code(),
            ErrorCode::InvalidAuthorization
        );
        let e = client_authorization("sq0csp-secret-with space").unwrap_err();
        assert!(!e.message().contains("sq0csp"), "{}", e.message());
    }

    #[test]
    fn revoke_rules() {
        let auth = Secret::new("sq0csp-s");
        let revoke = |json: &str| {
            let fields: RevokeTokenFields = serde_json::from_str(json).unwrap();
            revoke_token(&call(), RevokeTokenRequest::from_fields(fields)?, &auth)
        };
        let r = revoke(r#"{"client_id":"a","access_token":"EAAAt"}"#).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/oauth2/revoke");
        assert_eq!(
            r.authorization.as_ref().unwrap().expose(),
            "Client sq0csp-s"
        );
        assert_eq!(wire(&r), r#"{"client_id":"a","access_token":"EAAAt"}"#);
        let r = revoke(r#"{"merchant_id":"M","revoke_only_access_token":false}"#).unwrap();
        assert_eq!(
            wire(&r),
            r#"{"merchant_id":"M","revoke_only_access_token":false}"#
        );
        for (body, code, field) in [
            (
                r#"{"client_id":"a","access_token":"EAAAt","merchant_id":"M"}"#,
                ErrorCode::ConflictingFields,
                "body.merchant_id",
            ),
            (
                r#"{"client_id":"a"}"#,
                ErrorCode::MissingField,
                "body.access_token",
            ),
            (
                r#"{"merchant_id":"M","revoke_only_access_token":true}"#,
                ErrorCode::ConflictingFields,
                "body.revoke_only_access_token",
            ),
        ] {
            let e = revoke(body).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{body}");
        }
    }

    #[test]
    fn renew_encodes_the_client_id() {
        let auth = Secret::new("Client sq0csp-s");
        let body = || RenewTokenRequest {
            access_token: Secret::new("EAAAt"),
        };
        for (id, path) in [
            ("sq0idp-abc", "sq0idp-abc"),
            ("../revoke", "..%2Frevoke"),
            ("a/b?c#d", "a%2Fb%3Fc%23d"),
            ("é %", "%C3%A9%20%25"),
            ("x%2F..%2F y", "x%252F..%252F%20y"),
        ] {
            let r = renew_token(&call(), id, body(), &auth).unwrap();
            assert_eq!(
                r.url,
                format!("http://127.0.0.1:1/oauth2/clients/{path}/access-token/renew")
            );
        }
        for id in ["", "..", "."] {
            let e = renew_token(&call(), id, body(), &auth).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidValue, Some("clientId"))
            );
        }
    }

    #[test]
    fn status_is_bearer_without_body() {
        let r = retrieve_token_status(&call(), &Secret::new("EAAAtoken")).unwrap();
        assert_eq!(r.authorization.unwrap().expose(), "Bearer EAAAtoken");
        assert!(r.body.is_none());
        assert!(!r.headers.iter().any(|(h, _)| h == "Content-Type"));
        let r = retrieve_token_status(&call(), &Secret::new("Bearer EAAAtoken")).unwrap();
        assert_eq!(r.authorization.unwrap().expose(), "Bearer EAAAtoken");
        for bad in ["EAAA\r\nX: 1", "E", "EAAA token", "Bearer "] {
            assert!(
                retrieve_token_status(&call(), &Secret::new(bad)).is_err(),
                "{bad}"
            );
        }
    }
}
