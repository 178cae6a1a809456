//! When to refresh an access token, under Square's guidance (pure, over epoch milliseconds).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use tsify::Tsify;

use crate::error::{Error, ErrorCode};

/// Lifetime of an access token, in days (CONTRACT §8).
pub const ACCESS_TOKEN_DAYS: f64 = 30.0;
/// Square's advice: refresh every 7 days or less.
pub const DEFAULT_REFRESH_AFTER_DAYS: f64 = 7.0;
/// One day, in milliseconds.
pub const DAY_MS: f64 = 86_400_000.0;

/// Options of {@link shouldRefresh}.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ShouldRefreshOptions {
    /// The current time, as a `Date` or epoch milliseconds. Default: now.
    #[serde(default, deserialize_with = "date_or_number")]
    #[tsify(optional, type = "Date | number | undefined")]
    pub now: Option<f64>,
    /// Refresh tokens issued at least this many days ago (0 to 30). Default `7`, as Square
    /// recommends.
    #[serde(default)]
    #[tsify(optional, type = "number | undefined")]
    pub refresh_after_days: Option<f64>,
}

/// Validated [`ShouldRefreshOptions`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RefreshOptions {
    /// The current time in Unix epoch milliseconds; `None` means the caller's clock.
    pub now_ms: Option<f64>,
    /// Refresh tokens issued at least this many days ago (0 to 30).
    pub refresh_after_days: f64,
}

impl ShouldRefreshOptions {
    /// Checks the options: `now` a finite number (the wasm layer has already turned a `Date`
    /// into its epoch milliseconds, an invalid `Date` into `NaN`), `refreshAfterDays` from 0 to
    /// 30 (default 7). Errors name `options.now` and `options.refreshAfterDays`.
    pub fn validate(&self) -> Result<RefreshOptions, Error> {
        if let Some(now) = self.now {
            if !now.is_finite() {
                return Err(Error::input(
                    ErrorCode::InvalidValue,
                    "options.now",
                    "must be a valid Date or a finite number of milliseconds since 1970",
                ));
            }
        }
        let refresh_after_days = self
            .refresh_after_days
            .unwrap_or(DEFAULT_REFRESH_AFTER_DAYS);
        if !(0.0..=ACCESS_TOKEN_DAYS).contains(&refresh_after_days) {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
                "must be a number of days from 0 to 30",
            ));
        }
        Ok(RefreshOptions {
            now_ms: self.now,
            refresh_after_days,
        })
    }
}

/// Reads `now`: absent or `null`, or a number (a `Date` arrives as its epoch milliseconds).
fn date_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    const EXPECTED: &str = "a Date or a number";

    struct Number;
    impl Visitor<'_> for Number {
        type Value = f64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(EXPECTED)
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<f64, E> {
            Ok(n)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<f64, E> {
            Ok(n as f64)
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<f64, E> {
            Ok(n as f64)
        }
    }

    struct Maybe;
    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(EXPECTED)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_f64(Number).map(Some)
        }
    }

    d.deserialize_option(Maybe)
}

/// Square's refresh guidance: access tokens live 30 days and should be refreshed every 7 days
/// or less, so a token is due once it was issued `refresh_after_days` ago, that is once
/// `expires_at − now ≤ (30 − refresh_after_days)` days. Also due when the expiry is unknown
/// (`None`, or not a finite number: absent or unparseable), and once it has passed.
pub fn should_refresh(expires_at_ms: Option<f64>, now_ms: f64, refresh_after_days: f64) -> bool {
    let Some(at) = expires_at_ms.filter(|t| t.is_finite()) else {
        return true;
    };
    at - now_ms <= (ACCESS_TOKEN_DAYS - refresh_after_days) * DAY_MS
}

/// [`should_refresh`] for a token's `expires_at` text, parsed by `parse_ms` (epoch milliseconds,
/// `NaN` when it does not parse; the wasm layer uses the runtime's `Date.parse`). An **empty**
/// `expires_at` is RetrieveTokenStatus's "never expires" (CONTRACT §6): not due. An absent or
/// unparseable one is due.
pub fn should_refresh_expires_at(
    expires_at: Option<&str>,
    parse_ms: impl FnOnce(&str) -> f64,
    now_ms: f64,
    refresh_after_days: f64,
) -> bool {
    match expires_at {
        Some("") => false,
        Some(text) => should_refresh(Some(parse_ms(text)), now_ms, refresh_after_days),
        None => should_refresh(None, now_ms, refresh_after_days),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::document::{Document, JsonDoc};
    use crate::input::{field_names, from_serde, unknown_field};

    const NOW: f64 = 1_743_705_066_000.0; // 2025-04-03T18:31:06Z

    /// Reads options the way the wasm guard does (unknown keys first, then serde).
    fn options(json: &str) -> Result<RefreshOptions, Error> {
        let doc = JsonDoc::parse(json).unwrap();
        let known = field_names::<ShouldRefreshOptions>();
        for key in doc.keys() {
            if !known.contains(&key.as_str()) {
                return Err(unknown_field("options", &key, known, "unknown option"));
            }
        }
        doc.read::<ShouldRefreshOptions>()
            .map_err(|e| from_serde("options", &e.path, &e.message, e.got.name()))?
            .validate()
    }

    #[test]
    fn refresh_guidance() {
        let due =
            |days: f64| should_refresh(Some(NOW + days * DAY_MS), NOW, DEFAULT_REFRESH_AFTER_DAYS);
        assert!(!due(30.0), "fresh token");
        assert!(!due(23.0 + 1.0 / 86_400.0), "issued less than 7 days ago");
        assert!(due(23.0), "exactly 7 days old");
        assert!(due(22.9));
        assert!(due(1.0), "short-lived token");
        assert!(due(0.0));
        assert!(due(-1.0), "expired");
        assert!(should_refresh(None, NOW, 7.0), "no expires_at");
        assert!(should_refresh(Some(f64::NAN), NOW, 7.0), "unparseable");
        assert!(should_refresh(Some(f64::INFINITY), NOW, 7.0), "not a time");
        // Other thresholds.
        let at = |days: f64| Some(NOW + days * DAY_MS);
        assert!(
            !should_refresh(at(10.0), NOW, 21.0),
            "issued 20 days ago, refresh after 21"
        );
        assert!(should_refresh(at(10.0), NOW, 20.0));
        assert!(!should_refresh(at(0.5), NOW, 30.0), "30: only once expired");
        assert!(should_refresh(at(0.0), NOW, 30.0));
        assert!(should_refresh(at(29.4), NOW, 0.5));
        assert!(!should_refresh(at(29.6), NOW, 0.5));
        assert!(should_refresh(at(29.9), NOW, 0.0), "0: due at once");
        assert!(!should_refresh(at(30.1), NOW, 0.0));
    }

    #[test]
    fn expires_at_text() {
        let parse = |s: &str| match s {
            "in 30 days" => NOW + 30.0 * DAY_MS,
            "in 1 day" => NOW + DAY_MS,
            _ => f64::NAN,
        };
        let due = |t: Option<&str>| should_refresh_expires_at(t, parse, NOW, 7.0);
        assert!(
            !due(Some("")),
            "empty: the token never expires (RetrieveTokenStatus)"
        );
        assert!(!due(Some("in 30 days")));
        assert!(due(Some("in 1 day")));
        assert!(due(Some("next week")), "unparseable");
        assert!(due(Some(" ")), "only exactly empty means never");
        assert!(due(None), "absent");
        let never = |_: &str| -> f64 { unreachable!("an empty expires_at is not parsed") };
        assert!(!should_refresh_expires_at(Some(""), never, NOW, 0.0));
    }

    #[test]
    fn refresh_options() {
        assert_eq!(
            ShouldRefreshOptions::default().validate().unwrap(),
            RefreshOptions {
                now_ms: None,
                refresh_after_days: 7.0
            }
        );
        assert_eq!(
            options(r#"{"now":5,"refreshAfterDays":1.5}"#).unwrap(),
            RefreshOptions {
                now_ms: Some(5.0),
                refresh_after_days: 1.5
            }
        );
        assert_eq!(
            options(r#"{"now":null,"refreshAfterDays":null}"#)
                .unwrap()
                .now_ms,
            None
        );
        assert_eq!(
            options(r#"{"refreshAfterDays":0}"#)
                .unwrap()
                .refresh_after_days,
            0.0
        );
        assert_eq!(
            options(r#"{"refreshAfterDays":30}"#)
                .unwrap()
                .refresh_after_days,
            30.0
        );
        for (o, code, field) in [
            (
                r#"{"refreshAfterDays":31}"#,
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
            ),
            (
                r#"{"refreshAfterDays":-1}"#,
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
            ),
            (
                r#"{"refreshAfterDays":"7"}"#,
                ErrorCode::InvalidType,
                "options.refreshAfterDays",
            ),
            (
                r#"{"now":"2025-01-01"}"#,
                ErrorCode::InvalidType,
                "options.now",
            ),
            (r#"{"now":{}}"#, ErrorCode::InvalidType, "options.now"),
            (
                r#"{"refresh_after_days":7}"#,
                ErrorCode::UnknownField,
                "options.refresh_after_days",
            ),
            (r#"{"nov":1}"#, ErrorCode::UnknownField, "options.nov"),
        ] {
            let e = options(o).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{o}");
        }
        let e = options(r#"{"refresh_after_days":7}"#).unwrap_err();
        assert!(
            e.message().contains("\"refreshAfterDays\""),
            "{}",
            e.message()
        );
        let e = options(r#"{"now":"2025-01-01"}"#).unwrap_err();
        assert_eq!(
            e.message(),
            "options.now: expected a Date or a number, got string"
        );
        let e = options(r#"{"refreshAfterDays":"7"}"#).unwrap_err();
        assert_eq!(
            e.message(),
            "options.refreshAfterDays: expected a number, got string"
        );

        // An invalid Date arrives as NaN.
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let o = ShouldRefreshOptions {
                now: Some(bad),
                refresh_after_days: None,
            };
            let e = o.validate().unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidValue, Some("options.now"))
            );
            let o = ShouldRefreshOptions {
                now: None,
                refresh_after_days: Some(bad),
            };
            let e = o.validate().unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidValue, Some("options.refreshAfterDays"))
            );
        }
    }
}
