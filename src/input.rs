//! Caller input's errors in the caller's words (pure).
//!
//! A caller's object is read into a typed struct by serde (serde-wasm-bindgen in the wasm).
//! Serde reports a failure as a path and an English message naming Rust types; this module turns
//! that into the coded input error users see: `INVALID_TYPE` / `INVALID_VALUE` /
//! `MISSING_FIELD`, the field as `body.scopes[1]`, and a message in JavaScript terms that never
//! repeats the value (it may be a secret). It also knows each struct's field names, for the
//! `UNKNOWN_FIELD` check serde-wasm-bindgen does not make, and suggests the name a typo meant.

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::document::{join_path, Step};
use crate::error::{Error, ErrorCode};

/// Deepest nesting read from a caller's value (the deepest real input is 2 levels).
pub const MAX_INPUT_DEPTH: usize = 8;
/// Most members or items read from one caller object or array.
pub const MAX_INPUT_ITEMS: usize = 256;

/// The coded input error for a serde failure while reading the caller's value `field`: `path`
/// and `message` as serde reports them, `got` what the value at that path is (`"number"`,
/// `"array"`, …, as [`kind`](crate::input) names JavaScript values).
pub fn from_serde(field: &str, path: &[Step], message: &str, got: &str) -> Error {
    let at = join_path(field, path);
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Error::input(
            ErrorCode::MissingField,
            format!("{at}.{name}"),
            "is required",
        );
    }
    if message.starts_with("invalid type: ") {
        let expected = message
            .rsplit_once(", expected ")
            .map_or("another type", |(_, e)| e);
        return Error::input(
            ErrorCode::InvalidType,
            at,
            format!("expected {}, got {got}", expected_in_js(expected)),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        // "unknown variant `x`, expected `a` or `b`" / "expected one of `a`, `b`, `c`"
        let (value, expected) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return Error::input(ErrorCode::InvalidValue, at, one_of(value, &names));
    }
    Error::input(ErrorCode::InvalidValue, at, "is not a valid value here")
}

/// "must be \"a\" or \"b\"", or for long lists "is not one of the N accepted values"; with a
/// did-you-mean when `value` is close to one of `names`. `value` itself is never repeated.
pub fn one_of(value: &str, names: &[&str]) -> String {
    let mut message = match names {
        [] => "is not an accepted value".to_owned(),
        [one] => format!("must be \"{one}\""),
        [init @ .., last] if names.len() <= 8 => {
            let quoted: Vec<String> = init.iter().map(|n| format!("\"{n}\"")).collect();
            format!("must be {} or \"{last}\"", quoted.join(", "))
        }
        _ => format!("is not one of the {} accepted values", names.len()),
    };
    if let Some(s) = suggest(value, names) {
        message.push_str(&format!("; did you mean \"{s}\"?"));
    }
    message
}

/// Serde's name for an expected type, in JavaScript's terms.
fn expected_in_js(expected: &str) -> &str {
    match expected {
        "a sequence" => "an array",
        "f64" | "f32" | "u32" | "i32" | "u64" | "i64" => "a number",
        "a map" | "unit" => "an object",
        e if e.starts_with("struct ") => "an object",
        e => e,
    }
}

/// An `UNKNOWN_FIELD` error for `parent.key`: `what` is "is not a field of this request",
/// "unknown option", …; the message suggests the name `key` most likely meant, or lists the
/// known ones.
pub fn unknown_field(parent: &str, key: &str, known: &[&str], what: &str) -> Error {
    let hint = match suggest(key, known) {
        Some(s) => format!("; did you mean \"{s}\"?"),
        None => format!("; expected one of {}", known.join(", ")),
    };
    Error::input(
        ErrorCode::UnknownField,
        format!("{parent}.{key}"),
        format!("{what}{hint}"),
    )
}

/// Folds a name for fuzzy comparison: ASCII lower case, without `_` and `-`.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The known name that `name` most likely meant: the same letters in another case style
/// (`clientId` → `client_id`), at most two edits away, or a prefix of at least 4 characters
/// (`timeout` → `timeoutMs`).
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    if name.len() > 64 {
        return None;
    }
    let f = fold(name);
    known
        .iter()
        .find(|k| fold(k) == f)
        .or_else(|| {
            known
                .iter()
                .find(|k| strsim::levenshtein(&fold(k), &f) <= 2)
        })
        .or_else(|| {
            known
                .iter()
                .find(|k| f.len() >= 4 && fold(k).starts_with(&f))
        })
        .copied()
}

/// The field names of a struct with `#[derive(Deserialize)]`, as serde knows them (renames
/// applied): what a caller's object may hold.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(FieldsProbe(&mut found));
    found.unwrap_or(&[])
}

/// A deserializer that only records the field list a struct asks for, then stops.
struct FieldsProbe<'a>(&'a mut Option<&'static [&'static str]>);

/// The probe's error: it carries nothing (and formats nothing).
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for FieldsProbe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::document::{Document, JsonDoc};
    use crate::model::ObtainTokenFields;

    /// Reads JSON into `T` the way the wasm reads a caller's object, and maps a failure.
    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
        JsonDoc::parse(json)
            .unwrap()
            .read()
            .map_err(|e| from_serde("body", &e.path, &e.message, e.got.name()))
    }

    #[test]
    fn field_names_come_from_the_type() {
        let names = field_names::<ObtainTokenFields>();
        assert_eq!(names.len(), 11);
        assert!(names.contains(&"client_id") && names.contains(&"use_jwt"));
    }

    #[test]
    fn serde_failures_become_coded_errors_without_the_value() {
        let e = read::<ObtainTokenFields>(r#"{"client_id": 12345}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidType);
        assert_eq!(e.field(), Some("body.client_id"));
        assert_eq!(e.message(), "body.client_id: expected a string, got number");

        let e = read::<ObtainTokenFields>(r#"{"scopes": ["PAYMENTS_READ", 7]}"#).unwrap_err();
        assert_eq!(e.field(), Some("body.scopes[1]"));
        assert_eq!(e.code(), ErrorCode::InvalidType);

        let e = read::<ObtainTokenFields>(r#"{"scopes": "PAYMENTS_READ"}"#).unwrap_err();
        assert_eq!(e.message(), "body.scopes: expected an array, got string");

        let e = read::<ObtainTokenFields>(r#"{"grant_type": "sq0csp-secret"}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
        assert_eq!(
            e.message(),
            "body.grant_type: must be \"authorization_code\", \"refresh_token\" or \"migration_token\""
        );
        assert!(!e.message().contains("sq0csp"));

        let e = read::<ObtainTokenFields>(r#"{"scopes": ["PAYMENT_READ"]}"#).unwrap_err();
        assert_eq!(e.field(), Some("body.scopes[0]"));
        assert!(
            e.message().contains("did you mean \"PAYMENTS_READ\""),
            "{}",
            e.message()
        );
    }

    #[test]
    fn suggestions() {
        let known = ["client_id", "client_secret", "grant_type", "code"];
        assert_eq!(suggest("clientId", &known), Some("client_id"));
        assert_eq!(suggest("ClientSecret", &known), Some("client_secret"));
        assert_eq!(suggest("grant-type", &known), Some("grant_type"));
        assert_eq!(suggest("grnt_type", &known), Some("grant_type"));
        assert_eq!(suggest("zzzzzzzz", &known), None);
        assert_eq!(
            suggest("timeout", &["timeoutMs", "signal"]),
            Some("timeoutMs")
        );
        let e = unknown_field("body", "clientId", &known, "is not a field of this request");
        assert_eq!(e.code(), ErrorCode::UnknownField);
        assert_eq!(
            e.message(),
            "body.clientId: is not a field of this request; did you mean \"client_id\"?"
        );
    }
}
