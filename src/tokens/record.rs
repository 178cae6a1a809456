//! What the token manager stores for one merchant (pure): the record, its sealed form, the keys,
//! and the decisions over it (use, refresh, wait for another refresher, give up).
//!
//! A record is JSON, sealed with AES-256-GCM ([`super::crypto`], Web Crypto) into
//! `sqoe1.<base64url(iv ‖ ciphertext ‖ tag)>`. The additional data binds it to its merchant
//! ([`aad`]): a record moved under another merchant does not open.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};
use crate::flow::refresh::should_refresh_expires_at;
use crate::model::ObtainTokenResponse;
use crate::secret::Secret;

/// The prefix of every sealed record (format version 1).
pub const SEALED_PREFIX: &str = "sqoe1.";
/// Length of an AES-GCM nonce, in bytes.
pub const IV_BYTES: usize = 12;
/// Length of an AES-GCM tag, in bytes.
pub const TAG_BYTES: usize = 16;
/// Length of an encryption key, in bytes (AES-256).
pub const KEY_BYTES: usize = 32;
/// A token this close to its expiry (or past it) is not handed out when a refresh failed.
pub const EXPIRY_MARGIN_MS: f64 = 60_000.0;

/// The stored state of one merchant's authorization. `Debug` shows no token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// The seller.
    pub merchant_id: String,
    /// The current access token.
    pub access_token: Secret,
    /// Its expiry, ISO 8601 as Square sent it (`""`: never expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// The refresh token, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// PKCE only: when the refresh token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_at: Option<String>,
    /// A PKCE authorization: refreshed without the application secret, single-use refresh
    /// tokens.
    #[serde(default)]
    pub pkce: bool,
    /// When the seller's authorization was saved (epoch ms); refreshes keep it. A revocation
    /// webhook older than this is a replay.
    pub authorized_at: f64,
    /// When the tokens were last written (epoch ms).
    pub updated_at: f64,
    /// Square refused the refresh token: every call fails fast until the seller authorizes again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reauthorize: bool,
    /// A refresh in progress elsewhere (shared stores only): until when it may hold the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<f64>,
}

impl TokenRecord {
    /// The record of a fresh authorization (an ObtainToken answer), saved at `now_ms`.
    /// Needs `access_token` and `merchant_id`; errors name `token.<field>`.
    pub fn from_response(token: &ObtainTokenResponse, now_ms: f64) -> Result<TokenRecord, Error> {
        let access_token = token
            .access_token
            .clone()
            .filter(|t| !t.expose().is_empty())
            .ok_or_else(|| {
                Error::input(ErrorCode::MissingField, "token.access_token", "is required")
            })?;
        let merchant_id = token.merchant_id.clone().ok_or_else(|| {
            Error::input(ErrorCode::MissingField, "token.merchant_id", "is required")
        })?;
        check_merchant_id(&merchant_id, "token.merchant_id")?;
        Ok(TokenRecord {
            merchant_id,
            access_token,
            expires_at: token.expires_at.clone(),
            refresh_token: token
                .refresh_token
                .clone()
                .filter(|t| !t.expose().is_empty()),
            refresh_token_expires_at: token.refresh_token_expires_at.clone(),
            pkce: token.refresh_token_expires_at.is_some(),
            authorized_at: now_ms,
            updated_at: now_ms,
            reauthorize: false,
            lease_until: None,
        })
    }

    /// This record after a successful refresh answered `token` at `now_ms`. A code-flow answer
    /// may omit the refresh token (it does not change); a PKCE answer brings a new one.
    pub fn refreshed(
        &self,
        token: &ObtainTokenResponse,
        now_ms: f64,
    ) -> Result<TokenRecord, Error> {
        let access_token = token
            .access_token
            .clone()
            .filter(|t| !t.expose().is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidResponse,
                    "the refresh answer has no access_token",
                )
            })?;
        Ok(TokenRecord {
            merchant_id: self.merchant_id.clone(),
            access_token,
            expires_at: token.expires_at.clone(),
            refresh_token: token
                .refresh_token
                .clone()
                .filter(|t| !t.expose().is_empty())
                .or_else(|| self.refresh_token.clone()),
            refresh_token_expires_at: token
                .refresh_token_expires_at
                .clone()
                .or_else(|| self.refresh_token_expires_at.clone()),
            pkce: self.pkce,
            authorized_at: self.authorized_at,
            updated_at: now_ms,
            reauthorize: false,
            lease_until: None,
        })
    }
}

/// Checks a merchant id given by the caller: 1 to 191 visible ASCII characters (Square's are
/// shorter; the bound keeps store keys sane). The message never quotes it.
pub fn check_merchant_id(merchant_id: &str, field: &str) -> Result<(), Error> {
    if merchant_id.is_empty() || merchant_id.len() > 191 {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            "must be 1 to 191 characters",
        ));
    }
    if !merchant_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            "must be visible ASCII characters",
        ));
    }
    Ok(())
}

/// What [`TokenRecord`] calls for at `now_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Hand out the stored access token.
    Use,
    /// Refresh first.
    Refresh,
    /// Another process holds the lease: wait and read again.
    Wait,
    /// The seller must authorize again.
    Reauthorize,
}

/// The decision for `record` at `now_ms`; `parse_ms` reads an ISO date (the runtime's
/// `Date.parse`, `NaN` when it does not parse).
pub fn decide(
    record: &TokenRecord,
    now_ms: f64,
    refresh_after_days: f64,
    parse_ms: &dyn Fn(&str) -> f64,
) -> Decision {
    if record.reauthorize {
        return Decision::Reauthorize;
    }
    let due = should_refresh_expires_at(
        record.expires_at.as_deref(),
        parse_ms,
        now_ms,
        refresh_after_days,
    );
    if !due {
        return Decision::Use;
    }
    if record.refresh_token.is_none() {
        // Nothing to refresh with: use the token while it lasts.
        return if usable(record, now_ms, parse_ms) {
            Decision::Use
        } else {
            Decision::Reauthorize
        };
    }
    match record.lease_until {
        Some(until) if until > now_ms => Decision::Wait,
        _ => Decision::Refresh,
    }
}

/// Whether the access token still works for at least [`EXPIRY_MARGIN_MS`] (an empty
/// `expires_at` never expires; an absent or unreadable one is not trusted).
pub fn usable(record: &TokenRecord, now_ms: f64, parse_ms: &dyn Fn(&str) -> f64) -> bool {
    match record.expires_at.as_deref() {
        Some("") => true,
        Some(text) => {
            let at = parse_ms(text);
            at.is_finite() && at - now_ms > EXPIRY_MARGIN_MS
        }
        None => false,
    }
}

/// What a failed refresh means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshFailure {
    /// Square refused the refresh token: the seller must authorize again.
    Reauthorize,
    /// Anything else (a 5xx, a time limit, the network, our own configuration): the stored
    /// tokens stay as they were, and the next call tries again.
    Other,
}

/// Classifies a failed refresh. Square does not publish its statuses for a bad refresh token
/// (CONTRACT §9); the fake and the reports answer 401 (and 400 for `invalid_grant`-like
/// answers). A 400, 401 or 403 is a refused refresh token unless Square's errors name the
/// application's own credentials (`client_id`, `client_secret`) or the request was malformed
/// (a missing parameter): that is a configuration problem, not the seller's.
pub fn classify_refresh_failure(e: &Error) -> RefreshFailure {
    let refused = matches!(e.status(), Some(400 | 401 | 403))
        && matches!(e.code(), ErrorCode::SquareError | ErrorCode::HttpError);
    if !refused {
        return RefreshFailure::Other;
    }
    let about_the_app = e.errors().iter().any(|err| {
        let (code, field) = (err.code_str(), err.field());
        matches!(field, Some("client_id" | "client_secret"))
            || matches!(
                code,
                "MISSING_REQUIRED_PARAMETER" | "CLIENT_DISABLED" | "APPLICATION_DISABLED"
            )
            || code.starts_with("bad_request.missing")
    });
    if about_the_app {
        RefreshFailure::Other
    } else {
        RefreshFailure::Reauthorize
    }
}

/// The additional authenticated data of a merchant's record.
pub fn aad(merchant_id: &str) -> Vec<u8> {
    format!("square-oauth-edge/record/v1\n{merchant_id}").into_bytes()
}

/// `iv ‖ ciphertext ‖ tag` as a stored value.
pub fn seal_text(iv_and_ciphertext: &[u8]) -> String {
    format!(
        "{SEALED_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(iv_and_ciphertext)
    )
}

/// The `iv` and `ciphertext ‖ tag` of a stored value, or `UNREADABLE_RECORD`.
pub fn open_text(value: &str) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let unreadable = || {
        Error::new(
            ErrorCode::UnreadableRecord,
            "the stored value is not a sealed token record of this package",
        )
    };
    let body = value.strip_prefix(SEALED_PREFIX).ok_or_else(unreadable)?;
    let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| unreadable())?;
    if bytes.len() < IV_BYTES + TAG_BYTES + 2 {
        return Err(unreadable());
    }
    let (iv, rest) = bytes.split_at(IV_BYTES);
    Ok((iv.to_vec(), rest.to_vec()))
}

/// The 32 bytes of an encryption key given as base64 (standard or URL-safe, padding optional,
/// surrounding white space ignored). The error names `field` and never quotes the value.
pub fn parse_key(key: &Secret, field: &str) -> Result<Vec<u8>, Error> {
    let text = key.expose().trim().trim_end_matches('=');
    let bytes = STANDARD_NO_PAD
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .map_err(|_| {
            Error::input(
                ErrorCode::InvalidValue,
                field,
                "must be the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)",
            )
        })?;
    if bytes.len() != KEY_BYTES {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            field,
            format!(
                "must be the base64 of 32 random bytes, not {} bytes",
                bytes.len()
            ),
        ));
    }
    Ok(bytes)
}

/// How long a process may hold a refresh lease: the refresh call's own limit plus a margin.
pub fn lease_ms(total_timeout_ms: u32) -> f64 {
    f64::from(total_timeout_ms) + 5_000.0
}

/// The wait before reading a leased record again (`attempt` from 0): 50 ms, growing by half
/// each time, at most 500 ms.
pub fn poll_delay_ms(attempt: u32) -> u32 {
    let mut d = 50.0_f64;
    for _ in 0..attempt.min(10) {
        d *= 1.5;
    }
    d.min(500.0) as u32
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::model::{SquareApiError, SquareV2Error};

    const DAY: f64 = 86_400_000.0;

    /// Epoch ms of `YYYY-MM-DDTHH:MM:SSZ` (days from civil, H. Hinnant), `NaN` otherwise.
    fn parse(s: &str) -> f64 {
        let b = s.as_bytes();
        if s.len() != 20 || b[4] != b'-' || b[10] != b'T' || b[19] != b'Z' {
            return f64::NAN;
        }
        let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
        let (y, m, d) = (n(0..4), n(5..7), n(8..10));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
        (secs * 1000) as f64
    }

    fn record(expires_at: Option<&str>, refresh: bool) -> TokenRecord {
        TokenRecord {
            merchant_id: "MLM1".into(),
            access_token: Secret::new("EAAA-access"),
            expires_at: expires_at.map(str::to_owned),
            refresh_token: refresh.then(|| Secret::new("EQAA-refresh")),
            refresh_token_expires_at: None,
            pkce: false,
            authorized_at: 0.0,
            updated_at: 0.0,
            reauthorize: false,
            lease_until: None,
        }
    }

    #[test]
    fn decisions() {
        let now = parse("2026-01-01T00:00:00Z");
        assert_eq!(now, 1_767_225_600_000.0); // Date.parse agrees
        assert!(parse("2026-01-01").is_nan());
        let fresh = record(Some("2026-01-30T00:00:00Z"), true);
        assert_eq!(decide(&fresh, now, 7.0, &parse), Decision::Use);
        let due = record(Some("2026-01-02T00:00:00Z"), true);
        assert_eq!(decide(&due, now, 7.0, &parse), Decision::Refresh);
        let mut leased = due.clone();
        leased.lease_until = Some(now + 1.0);
        assert_eq!(decide(&leased, now, 7.0, &parse), Decision::Wait);
        leased.lease_until = Some(now);
        assert_eq!(decide(&leased, now, 7.0, &parse), Decision::Refresh);
        let mut refused = due.clone();
        refused.reauthorize = true;
        assert_eq!(decide(&refused, now, 7.0, &parse), Decision::Reauthorize);
        // No refresh token: used while it lasts, then the seller must authorize again.
        let no_refresh = record(Some("2026-01-02T00:00:00Z"), false);
        assert_eq!(decide(&no_refresh, now, 7.0, &parse), Decision::Use);
        let expired = record(Some("2025-12-31T00:00:00Z"), false);
        assert_eq!(decide(&expired, now, 7.0, &parse), Decision::Reauthorize);
        // Never expires.
        assert_eq!(
            decide(&record(Some(""), true), now, 7.0, &parse),
            Decision::Use
        );
        // Unknown expiry: due.
        assert_eq!(
            decide(&record(None, true), now, 7.0, &parse),
            Decision::Refresh
        );
        assert!(usable(&due, now, &parse));
        assert!(!usable(
            &record(Some("2026-01-01T00:00:30Z"), true),
            now,
            &parse
        ));
        assert!(!usable(&record(Some("soon"), true), now, &parse));
        let _ = DAY;
    }

    fn square(status: u16, code: &str, field: Option<&str>) -> Error {
        Error::new(ErrorCode::SquareError, "refused")
            .with_status(status)
            .with_errors(vec![SquareApiError::V2(SquareV2Error {
                category: "AUTHENTICATION_ERROR".into(),
                code: code.into(),
                detail: None,
                field: field.map(str::to_owned),
            })])
    }

    #[test]
    fn refresh_failures() {
        use RefreshFailure::*;
        assert_eq!(
            classify_refresh_failure(&square(401, "UNAUTHORIZED", None)),
            Reauthorize
        );
        assert_eq!(
            classify_refresh_failure(&square(400, "INVALID_VALUE", Some("refresh_token"))),
            Reauthorize
        );
        assert_eq!(
            classify_refresh_failure(&square(401, "UNAUTHORIZED", Some("client_secret"))),
            Other
        );
        assert_eq!(
            classify_refresh_failure(&square(400, "MISSING_REQUIRED_PARAMETER", Some("x"))),
            Other
        );
        assert_eq!(
            classify_refresh_failure(&square(503, "SERVICE_UNAVAILABLE", None)),
            Other
        );
        assert_eq!(
            classify_refresh_failure(&Error::new(ErrorCode::Timeout, "t")),
            Other
        );
        let html = Error::new(ErrorCode::HttpError, "h").with_status(403);
        assert_eq!(classify_refresh_failure(&html), Reauthorize);
    }

    #[test]
    fn sealed_text_round_trip_and_refusals() {
        let bytes: Vec<u8> = (0..40).collect();
        let text = seal_text(&bytes);
        assert!(text.starts_with("sqoe1."));
        let (iv, rest) = open_text(&text).unwrap();
        assert_eq!(iv, bytes[..12]);
        assert_eq!(rest, bytes[12..]);
        for bad in [
            "",
            "hello",
            "sqoe1.",
            "sqoe1.!!!!",
            "sqoe2.AAAA",
            &seal_text(&[1; 20]),
        ] {
            assert_eq!(
                open_text(bad).unwrap_err().code(),
                ErrorCode::UnreadableRecord,
                "{bad}"
            );
        }
    }

    #[test]
    fn keys() {
        let k = Secret::new("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        assert_eq!(
            parse_key(&k, "options.encryptionKey").unwrap(),
            (0..32).collect::<Vec<u8>>()
        );
        let url = Secret::new(" AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n");
        assert_eq!(parse_key(&url, "k").unwrap().len(), 32);
        for bad in [
            "",
            "short",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
            "not base64 at all!!",
        ] {
            let e = parse_key(&Secret::new(bad), "options.encryptionKey").unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidValue);
            assert_eq!(e.field(), Some("options.encryptionKey"));
            assert!(bad.len() < 3 || !e.message().contains(bad));
        }
    }

    #[test]
    fn records_from_answers() {
        let answer = ObtainTokenResponse {
            access_token: Some(Secret::new("EAAA-1")),
            merchant_id: Some("MLM1".into()),
            refresh_token: Some(Secret::new("EQAA-1")),
            refresh_token_expires_at: Some("2026-04-01T00:00:00Z".into()),
            expires_at: Some("2026-01-30T00:00:00Z".into()),
            ..Default::default()
        };
        let r = TokenRecord::from_response(&answer, 5.0).unwrap();
        assert!(r.pkce);
        assert_eq!(r.authorized_at, 5.0);
        assert!(!format!("{r:?}").contains("EAAA-1"));
        let next = ObtainTokenResponse {
            access_token: Some(Secret::new("EAAA-2")),
            refresh_token: None,
            ..Default::default()
        };
        let r2 = r.refreshed(&next, 9.0).unwrap();
        assert_eq!(r2.refresh_token, Some(Secret::new("EQAA-1")));
        assert_eq!((r2.authorized_at, r2.updated_at), (5.0, 9.0));
        let mut no_merchant = answer.clone();
        no_merchant.merchant_id = None;
        let e = TokenRecord::from_response(&no_merchant, 0.0).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::MissingField, Some("token.merchant_id"))
        );
        assert!(check_merchant_id("ML M", "m").is_err());
        assert!(poll_delay_ms(0) == 50 && poll_delay_ms(100) == 500);
    }
}
