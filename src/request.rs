//! Validation of the four OAuth requests and building of what goes on the wire (pure).
//!
//! Each builder takes the caller's data as a [`Value`] tree (converted from JavaScript without
//! loss: `undefined` members are dropped, `null` means "absent" as the spec's nullable fields
//! allow), checks it against the contract in `shared/square/CONTRACT.md`, and returns an
//! [`HttpRequest`]: method, URL, headers and JSON body, plus the secrets it carries so that errors
//! can be scrubbed. Nothing here performs I/O.

use crate::config::{CallConfig, ClientConfig};
use crate::error::{Error, ErrorCode};
use crate::json::Value;
use crate::secret::Secret;
use crate::validate::{check_header_value, expect_object, join, suggest};

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

/// A request ready for `fetch`.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// Which operation.
    pub operation: Operation,
    /// Always `POST` for these endpoints.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers other than `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The `Authorization` header value, if the endpoint takes one.
    pub authorization: Option<Secret>,
    /// JSON body, if any.
    pub body: Option<Secret>,
    /// Every secret value in the request, longest first, for scrubbing errors.
    pub secrets: Vec<Secret>,
    /// Whether a retry after a possible delivery is safe.
    pub replay: Replay,
}

struct Field {
    name: &'static str,
    kind: Kind,
    min: usize,
    max: usize,
    secret: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str,
    Bool,
    StrArray,
}

const fn s(name: &'static str, min: usize, max: usize, secret: bool) -> Field {
    Field {
        name,
        kind: Kind::Str,
        min,
        max,
        secret,
    }
}

const fn b(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Bool,
        min: 0,
        max: 0,
        secret: false,
    }
}

/// ObtainTokenRequest, in the spec's order. `use_jwt` comes from the SDKs (2026-01-22).
const OBTAIN_FIELDS: [Field; 11] = [
    s("client_id", 1, 191, false),
    s("client_secret", 2, 1024, true),
    s("code", 1, 191, true),
    s("redirect_uri", 1, 2048, false),
    // The spec's 10..20 holds for every grant type; the value check in `check_grant` names them.
    s("grant_type", 1, 64, false),
    s("refresh_token", 2, 1024, true),
    s("migration_token", 2, 1024, true),
    Field {
        name: "scopes",
        kind: Kind::StrArray,
        min: 0,
        max: 0,
        secret: false,
    },
    b("short_lived"),
    s("code_verifier", 43, 128, true),
    b("use_jwt"),
];

const REVOKE_FIELDS: [Field; 4] = [
    s("client_id", 1, 191, false),
    s("access_token", 2, 1024, true),
    s("merchant_id", 1, 191, false),
    b("revoke_only_access_token"),
];

const RENEW_FIELDS: [Field; 1] = [s("access_token", 2, 1024, true)];

/// The grant types of ObtainToken.
pub const GRANT_TYPES: [&str; 3] = ["authorization_code", "refresh_token", "migration_token"];

/// A checked body: the accepted members in spec order, and the secrets among them.
struct Checked {
    members: Vec<(String, Value)>,
    secrets: Vec<Secret>,
}

impl Checked {
    fn has(&self, name: &str) -> bool {
        self.members.iter().any(|(k, _)| k == name)
    }

    fn str(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_str())
    }
}

fn check_body(body: &Value, fields: &[Field], required: &[&str]) -> Result<Checked, Error> {
    let members = expect_object(body, "body")?;
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    for (key, _) in members {
        if !names.contains(&key.as_str()) {
            let hint = match suggest(key, &names) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None => format!("; expected one of {}", join(&names, ", ")),
            };
            return Err(Error::input(
                ErrorCode::UnknownField,
                format!("body.{key}"),
                format!("is not a field of this request{hint}"),
            ));
        }
    }
    let mut out = Checked {
        members: Vec::new(),
        secrets: Vec::new(),
    };
    for f in fields {
        let mut found = members.iter().filter(|(k, _)| k == f.name);
        let value = match found.next() {
            Some((_, Value::Null)) | None => {
                if required.contains(&f.name) {
                    return Err(Error::input(
                        ErrorCode::MissingField,
                        format!("body.{}", f.name),
                        "is required",
                    ));
                }
                continue;
            }
            Some((_, v)) => v,
        };
        // Built only for an error: the success path allocates no field names.
        let field = || format!("body.{}", f.name);
        let checked = match (f.kind, value) {
            (Kind::Str, Value::String(text)) => {
                let n = text.chars().count();
                if n < f.min || n > f.max {
                    let what = if f.min == f.max {
                        format!("must be {} characters long", f.min)
                    } else if f.min <= 1 && n == 0 {
                        "must not be empty".to_owned()
                    } else {
                        format!("must be {} to {} characters long (got {n})", f.min, f.max)
                    };
                    return Err(Error::input(ErrorCode::InvalidValue, field(), what));
                }
                if f.secret {
                    out.secrets.push(Secret::new(text.clone()));
                }
                value.clone()
            }
            (Kind::Bool, Value::Bool(_)) => value.clone(),
            (Kind::StrArray, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(t) if !t.is_empty() && t.len() <= 256 => {}
                        Value::String(_) => {
                            return Err(Error::input(
                                ErrorCode::InvalidValue,
                                format!("{}[{i}]", field()),
                                "must be a non-empty string of at most 256 characters",
                            ))
                        }
                        other => {
                            return Err(Error::input(
                                ErrorCode::InvalidType,
                                format!("{}[{i}]", field()),
                                format!("expected a string, got {}", other.type_name()),
                            ))
                        }
                    }
                }
                value.clone()
            }
            (kind, other) => {
                let expected = match kind {
                    Kind::Str => "a string",
                    Kind::Bool => "a boolean",
                    Kind::StrArray => "an array of strings",
                };
                return Err(Error::input(
                    ErrorCode::InvalidType,
                    field(),
                    format!("expected {expected}, got {}", other.type_name()),
                ));
            }
        };
        out.members.push((f.name.to_owned(), checked));
    }
    Ok(out)
}

fn conflict(field: &str, message: &str) -> Error {
    Error::input(
        ErrorCode::ConflictingFields,
        format!("body.{field}"),
        message.to_owned(),
    )
}

/// Checks the grant-type rules of ObtainToken (CONTRACT.md §3) and returns whether the request
/// spends a single-use credential.
fn check_grant(b: &Checked) -> Result<Replay, Error> {
    let grant = b.str("grant_type").unwrap_or_default();
    let forbid = |names: &[&str], why: &str| -> Result<(), Error> {
        match names.iter().find(|n| b.has(n)) {
            Some(n) => Err(conflict(n, why)),
            None => Ok(()),
        }
    };
    let require = |name: &str, why: &str| -> Result<(), Error> {
        if b.has(name) {
            Ok(())
        } else {
            Err(Error::input(
                ErrorCode::MissingField,
                format!("body.{name}"),
                why.to_owned(),
            ))
        }
    };
    match grant {
        "authorization_code" => {
            require(
                "code",
                "is required when grant_type is \"authorization_code\"",
            )?;
            forbid(
                &["refresh_token", "migration_token", "scopes"],
                "does not belong to grant_type \"authorization_code\"",
            )?;
            match (b.has("client_secret"), b.has("code_verifier")) {
                (true, true) => Err(conflict(
                    "code_verifier",
                    "cannot be sent with client_secret: use client_secret for the code flow, code_verifier for PKCE",
                )),
                (false, false) => Err(Error::input(
                    ErrorCode::MissingField,
                    "body.client_secret",
                    "is required for the code flow (or send code_verifier for the PKCE flow)",
                )),
                _ => Ok(Replay::SingleUse),
            }
        }
        "refresh_token" => {
            require(
                "refresh_token",
                "is required when grant_type is \"refresh_token\"",
            )?;
            forbid(
                &["code", "code_verifier", "redirect_uri", "migration_token"],
                "does not belong to grant_type \"refresh_token\"",
            )?;
            // Code-flow refresh tokens are multi-use; PKCE ones (no secret) are single-use.
            Ok(if b.has("client_secret") {
                Replay::Safe
            } else {
                Replay::SingleUse
            })
        }
        "migration_token" => {
            require(
                "migration_token",
                "is required when grant_type is \"migration_token\"",
            )?;
            require(
                "client_secret",
                "is required when grant_type is \"migration_token\"",
            )?;
            forbid(
                &[
                    "code",
                    "code_verifier",
                    "redirect_uri",
                    "refresh_token",
                    "scopes",
                ],
                "does not belong to grant_type \"migration_token\"",
            )?;
            Ok(Replay::SingleUse)
        }
        _ => Err(Error::input(
            ErrorCode::InvalidValue,
            "body.grant_type",
            "must be \"authorization_code\", \"refresh_token\" or \"migration_token\"",
        )),
    }
}

fn check_verifier(b: &Checked) -> Result<(), Error> {
    if let Some(v) = b.str("code_verifier") {
        if !v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
        {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "body.code_verifier",
                "must use only the RFC 7636 characters A-Z a-z 0-9 - . _ ~",
            ));
        }
    }
    Ok(())
}

fn base_headers(call: &CallConfig, client: &ClientConfig, json: bool) -> Vec<(String, String)> {
    let mut h = Vec::with_capacity(client.headers.len() + 3);
    h.push(("Accept".to_owned(), "application/json".to_owned()));
    if json {
        h.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    h.push(("Square-Version".to_owned(), call.square_version.clone()));
    h.extend(client.headers.iter().cloned());
    h
}

fn sorted(mut secrets: Vec<Secret>) -> Vec<Secret> {
    // Longest first, so that a secret containing another is scrubbed whole.
    // An insertion sort: a handful of items, and no generic sort code in the wasm.
    for i in 1..secrets.len() {
        let mut j = i;
        while j > 0
            && secrets.get(j - 1).map(|s| s.expose().len())
                < secrets.get(j).map(|s| s.expose().len())
        {
            secrets.swap(j - 1, j);
            j -= 1;
        }
    }
    secrets
}

/// Builds ObtainToken.
pub fn obtain_token(
    client: &ClientConfig,
    call: &CallConfig,
    body: &Value,
) -> Result<HttpRequest, Error> {
    let b = check_body(body, &OBTAIN_FIELDS, &["client_id", "grant_type"])?;
    let replay = check_grant(&b)?;
    check_verifier(&b)?;
    let json = Value::Object(b.members).to_json();
    Ok(HttpRequest {
        operation: Operation::ObtainToken,
        method: "POST",
        url: format!("{}/oauth2/token", client.base_url),
        headers: base_headers(call, client, true),
        authorization: None,
        body: Some(Secret::new(json)),
        secrets: sorted(b.secrets),
        replay,
    })
}

/// Checks the `authorization` argument of RevokeToken and RenewToken: `Client SECRET`, or the
/// bare secret (the prefix is added). Returns the header value and the secret.
pub fn client_authorization(authorization: &Value) -> Result<(Secret, Secret), Error> {
    const FIELD: &str = "authorization";
    const EXPECTED: &str = "expected \"Client APPLICATION_SECRET\" or the bare application secret";
    let raw = match authorization {
        Value::String(s) => s.as_str(),
        Value::Null => {
            return Err(Error::input(
                ErrorCode::MissingField,
                FIELD,
                format!("is required: {EXPECTED}"),
            ))
        }
        other => {
            return Err(Error::input(
                ErrorCode::InvalidType,
                FIELD,
                format!("expected a string, got {}", other.type_name()),
            ))
        }
    };
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
            return Err(Error::input(
                ErrorCode::InvalidAuthorization,
                FIELD,
                format!(
                    "{EXPECTED}; got a \"{}\" credential.{hint}",
                    safe_scheme(scheme)
                ),
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
    Ok((
        Secret::new(format!("Client {secret}")),
        Secret::new(secret.to_owned()),
    ))
}

/// A scheme word is echoed only if it is short and alphabetic, so that a secret pasted in the
/// wrong place is never repeated in the message.
fn safe_scheme(scheme: &str) -> &str {
    if scheme.len() <= 10 && scheme.bytes().all(|c| c.is_ascii_alphabetic()) {
        scheme
    } else {
        "unrecognised"
    }
}

/// Builds RevokeToken.
pub fn revoke_token(
    client: &ClientConfig,
    call: &CallConfig,
    body: &Value,
    authorization: &Value,
) -> Result<HttpRequest, Error> {
    let b = check_body(body, &REVOKE_FIELDS, &[])?;
    match (b.has("access_token"), b.has("merchant_id")) {
        (true, true) => {
            return Err(conflict(
                "merchant_id",
                "cannot be sent with access_token: send one of them",
            ))
        }
        (false, false) => {
            return Err(Error::input(
                ErrorCode::MissingField,
                "body.access_token",
                "is required (or merchant_id): say whose token to revoke",
            ))
        }
        (false, true)
            if b.members
                .iter()
                .any(|(k, v)| k == "revoke_only_access_token" && *v == Value::Bool(true)) =>
        {
            return Err(conflict(
                "revoke_only_access_token",
                "needs access_token: it revokes that single token",
            ))
        }
        _ => {}
    }
    let (header, secret) = client_authorization(authorization)?;
    let mut secrets = b.secrets;
    secrets.push(secret);
    let json = Value::Object(b.members).to_json();
    Ok(HttpRequest {
        operation: Operation::RevokeToken,
        method: "POST",
        url: format!("{}/oauth2/revoke", client.base_url),
        headers: base_headers(call, client, true),
        authorization: Some(header),
        body: Some(Secret::new(json)),
        secrets: sorted(secrets),
        replay: Replay::Safe,
    })
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 15));
        }
    }
    out
}

/// The upper-case hex digit of a nibble (`n` < 16).
fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'A' + (n - 10) })
}

/// Builds RenewToken (deprecated by Square; still answered).
pub fn renew_token(
    client: &ClientConfig,
    call: &CallConfig,
    client_id: &Value,
    body: &Value,
    authorization: &Value,
) -> Result<HttpRequest, Error> {
    let id = match client_id {
        Value::String(s) => s.as_str(),
        Value::Null => {
            return Err(Error::input(
                ErrorCode::MissingField,
                "clientId",
                "is required",
            ))
        }
        other => {
            return Err(Error::input(
                ErrorCode::InvalidType,
                "clientId",
                format!("expected a string, got {}", other.type_name()),
            ))
        }
    };
    let n = id.chars().count();
    if n == 0 || n > 191 {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "clientId",
            "must be 1 to 191 characters long",
        ));
    }
    if id == "." || id == ".." {
        // WHATWG URL parsing treats these (even percent-encoded) as dot segments.
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "clientId",
            "cannot be a dot segment",
        ));
    }
    let b = check_body(body, &RENEW_FIELDS, &["access_token"])?;
    let (header, secret) = client_authorization(authorization)?;
    let mut secrets = b.secrets;
    secrets.push(secret);
    let json = Value::Object(b.members).to_json();
    Ok(HttpRequest {
        operation: Operation::RenewToken,
        method: "POST",
        url: format!(
            "{}/oauth2/clients/{}/access-token/renew",
            client.base_url,
            encode_segment(id)
        ),
        headers: base_headers(call, client, true),
        authorization: Some(header),
        body: Some(Secret::new(json)),
        secrets: sorted(secrets),
        replay: Replay::Safe,
    })
}

/// Builds RetrieveTokenStatus. A leading `Bearer ` on the token is accepted and dropped.
pub fn retrieve_token_status(
    client: &ClientConfig,
    call: &CallConfig,
    access_token: &Value,
) -> Result<HttpRequest, Error> {
    const FIELD: &str = "accessToken";
    let raw = match access_token {
        Value::String(s) => s.as_str(),
        Value::Null => return Err(Error::input(ErrorCode::MissingField, FIELD, "is required")),
        other => {
            return Err(Error::input(
                ErrorCode::InvalidType,
                FIELD,
                format!("expected a string, got {}", other.type_name()),
            ))
        }
    };
    check_header_value(raw, FIELD, true)?;
    let token = match raw.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim_start(),
        _ => raw,
    };
    check_header_value(token, FIELD, false)?;
    let n = token.len();
    if !(2..=1024).contains(&n) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must be 2 to 1024 characters long",
        ));
    }
    Ok(HttpRequest {
        operation: Operation::RetrieveTokenStatus,
        method: "POST",
        url: format!("{}/oauth2/token/status", client.base_url),
        headers: base_headers(call, client, false),
        authorization: Some(Secret::new(format!("Bearer {token}"))),
        body: None,
        secrets: vec![Secret::new(token.to_owned())],
        replay: Replay::Safe,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::config::{call_config, client_config};
    use crate::json::parse;

    fn v(s: &str) -> Value {
        parse(s.as_bytes()).unwrap()
    }

    fn cfg() -> (ClientConfig, CallConfig) {
        let c = client_config(&v(r#"{"baseUrl":"http://127.0.0.1:1"}"#)).unwrap();
        let k = call_config(&c, &Value::Null).unwrap();
        (c, k)
    }

    fn obtain(body: &str) -> Result<HttpRequest, Error> {
        let (c, k) = cfg();
        obtain_token(&c, &k, &v(body))
    }

    fn err(body: &str) -> (ErrorCode, String) {
        let e = obtain(body).unwrap_err();
        (e.code, e.field.unwrap_or_default())
    }

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn obtain_code_flow_wire() {
        let r = obtain(r#"{"grant_type":"authorization_code","client_id":"sq0idp-a","client_secret":"sq0csp-s","code":"sq0cgb-c","redirect_uri":null,"short_lived":true}"#).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "http://127.0.0.1:1/oauth2/token");
        assert_eq!(
            r.body.as_ref().unwrap().expose(),
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
        assert_eq!(obtain(&pkce).unwrap().replay, Replay::SingleUse);
        let r = obtain(r#"{"grant_type":"refresh_token","client_id":"a","client_secret":"ss","refresh_token":"rr","scopes":["PAYMENTS_READ"]}"#).unwrap();
        assert_eq!(
            r.replay,
            Replay::Safe,
            "code-flow refresh tokens are multi-use"
        );
        let r = obtain(r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"rr"}"#)
            .unwrap();
        assert_eq!(
            r.replay,
            Replay::SingleUse,
            "PKCE refresh tokens are single-use"
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
                r#"{"grant_type":"authorisation_code","client_id":"a"}"#,
                ErrorCode::InvalidValue,
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
                r#"{"grant_type":"authorization_code","clientId":"a"}"#,
                ErrorCode::UnknownField,
                "body.clientId",
            ),
            (
                r#"{"grant_type":"authorization_code","client_id":5}"#,
                ErrorCode::InvalidType,
                "body.client_id",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"rr","scopes":"PAYMENTS_READ"}"#,
                ErrorCode::InvalidType,
                "body.scopes",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"rr","scopes":[1]}"#,
                ErrorCode::InvalidType,
                "body.scopes[0]",
            ),
            (
                r#"{"grant_type":"refresh_token","client_id":"a","refresh_token":"rr","short_lived":"yes"}"#,
                ErrorCode::InvalidType,
                "body.short_lived",
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
            (r#"[]"#, ErrorCode::InvalidType, "body"),
        ];
        for (body, code, field) in cases {
            assert_eq!(err(body), (code, field.to_owned()), "{body}");
        }
        let both = format!(
            r#"{{"grant_type":"authorization_code","client_id":"a","code":"c","client_secret":"ss","code_verifier":"{VERIFIER}"}}"#
        );
        assert_eq!(err(&both).0, ErrorCode::ConflictingFields);
        let bad_verifier = r#"{"grant_type":"authorization_code","client_id":"a","code":"c","code_verifier":"short"}"#;
        assert_eq!(
            err(bad_verifier),
            (ErrorCode::InvalidValue, "body.code_verifier".into())
        );
        let long_id = format!(
            r#"{{"grant_type":"refresh_token","client_id":"{}","refresh_token":"rr"}}"#,
            "a".repeat(192)
        );
        assert_eq!(err(&long_id).0, ErrorCode::InvalidValue);
    }

    #[test]
    fn unknown_field_names_the_expected_one() {
        let e = obtain(r#"{"grant_type":"password","client_id":"a"}"#).unwrap_err();
        assert!(
            e.message.contains("\"refresh_token\""),
            "names the grant types: {}",
            e.message
        );
        let e = obtain(r#"{"grant_type":"refresh_token","clientId":"a"}"#).unwrap_err();
        assert!(
            e.message.contains("did you mean \"client_id\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn authorization_forms() {
        let ok = |a: &str| {
            client_authorization(&Value::String(a.into()))
                .unwrap()
                .0
                .expose()
                .to_owned()
        };
        assert_eq!(ok("Client sq0csp-s"), "Client sq0csp-s");
        assert_eq!(ok("sq0csp-s"), "Client sq0csp-s", "the prefix is added");
        assert_eq!(ok("client sq0csp-s"), "Client sq0csp-s");
        let e = client_authorization(&Value::String("Bearer EAAAtoken".into())).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAuthorization);
        assert!(
            e.message.contains("Client APPLICATION_SECRET") && !e.message.contains("EAAAtoken")
        );
        let e = client_authorization(&Value::String("Client a\r\nX: y".into())).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnsafeHeaderValue);
        let e = client_authorization(&Value::String("Client ".into())).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAuthorization);
        let e =
            client_authorization(&Value::String("sq0csp-secret-with space".into())).unwrap_err();
        assert!(!e.message.contains("sq0csp"), "{}", e.message);
        assert_eq!(
            client_authorization(&Value::Null).unwrap_err().code,
            ErrorCode::MissingField
        );
        assert_eq!(
            client_authorization(&Value::Bool(true)).unwrap_err().code,
            ErrorCode::InvalidType
        );
    }

    #[test]
    fn revoke_rules() {
        let (c, k) = cfg();
        let auth = Value::String("sq0csp-s".into());
        let r = revoke_token(
            &c,
            &k,
            &v(r#"{"client_id":"a","access_token":"EAAAt"}"#),
            &auth,
        )
        .unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/oauth2/revoke");
        assert_eq!(r.authorization.unwrap().expose(), "Client sq0csp-s");
        assert_eq!(
            r.body.unwrap().expose(),
            r#"{"client_id":"a","access_token":"EAAAt"}"#
        );
        for (body, code) in [
            (
                r#"{"client_id":"a","access_token":"EAAAt","merchant_id":"M"}"#,
                ErrorCode::ConflictingFields,
            ),
            (r#"{"client_id":"a"}"#, ErrorCode::MissingField),
            (
                r#"{"merchant_id":"M","revoke_only_access_token":true}"#,
                ErrorCode::ConflictingFields,
            ),
        ] {
            assert_eq!(
                revoke_token(&c, &k, &v(body), &auth).unwrap_err().code,
                code,
                "{body}"
            );
        }
    }

    #[test]
    fn renew_encodes_the_client_id() {
        let (c, k) = cfg();
        let auth = Value::String("Client sq0csp-s".into());
        let body = v(r#"{"access_token":"EAAAt"}"#);
        for (id, path) in [
            ("sq0idp-abc", "sq0idp-abc"),
            ("../revoke", "..%2Frevoke"),
            ("a/b?c#d", "a%2Fb%3Fc%23d"),
            ("é %", "%C3%A9%20%25"),
        ] {
            let r = renew_token(&c, &k, &Value::String(id.into()), &body, &auth).unwrap();
            assert_eq!(
                r.url,
                format!("http://127.0.0.1:1/oauth2/clients/{path}/access-token/renew")
            );
        }
        for id in ["", "..", "."] {
            assert_eq!(
                renew_token(&c, &k, &Value::String(id.into()), &body, &auth)
                    .unwrap_err()
                    .code,
                ErrorCode::InvalidValue
            );
        }
    }

    #[test]
    fn status_is_bearer_without_body() {
        let (c, k) = cfg();
        let r = retrieve_token_status(&c, &k, &Value::String("EAAAtoken".into())).unwrap();
        assert_eq!(r.authorization.unwrap().expose(), "Bearer EAAAtoken");
        assert!(r.body.is_none());
        assert!(!r.headers.iter().any(|(h, _)| h == "Content-Type"));
        let r = retrieve_token_status(&c, &k, &Value::String("Bearer EAAAtoken".into())).unwrap();
        assert_eq!(r.authorization.unwrap().expose(), "Bearer EAAAtoken");
        for bad in ["EAAA\r\nX: 1", "E", "EAAA token"] {
            assert!(
                retrieve_token_status(&c, &k, &Value::String(bad.into())).is_err(),
                "{bad}"
            );
        }
    }
}
