//! Caller input as `pkg-template/transport.js` hands it over (pure): one JSON text per call.
//!
//! Reading a caller's object member by member from wasm costs a JS↔wasm crossing per read, so
//! the JavaScript side walks the input once (catching every getter and Proxy trap) and writes it
//! as JSON. What JSON cannot say travels as a *marker*: an object whose only member is named
//! `"\u0000"`, holding a number, one of the `MARK_*` constants below. [`unmark`] turns markers
//! back into what the old member-by-member reader reported: `NaN` becomes a number again, and
//! everything else becomes the same coded input error, naming the same field.
//!
//! The walk's rules (mirrored in `transport.js`'s `encode`): `undefined` members are dropped and
//! `undefined` items become `null`, as `JSON.stringify` does; ±Infinity is written as `±1e999`
//! (which [`crate::json`] reads back as infinite); objects and arrays deeper than
//! [`MAX_INPUT_DEPTH`] or with more than [`MAX_INPUT_ITEMS`] members or items are refused;
//! strings are made well-formed (a lone surrogate becomes U+FFFD).

use crate::error::{Error, ErrorCode};
use crate::json::{self, Value};

/// Deepest nesting accepted in caller input (the deepest real input is 2 levels).
pub const MAX_INPUT_DEPTH: usize = 8;
/// Most members or items accepted in one caller object or array.
pub const MAX_INPUT_ITEMS: usize = 256;

/// The member name that makes an object a marker.
pub const MARK: &str = "\u{0}";
/// Marker: the number `NaN`.
pub const MARK_NAN: u8 = 0;
/// Marker: a BigInt.
pub const MARK_BIGINT: u8 = 1;
/// Marker: a Symbol.
pub const MARK_SYMBOL: u8 = 2;
/// Marker: a function.
pub const MARK_FUNCTION: u8 = 3;
/// Marker: any other value JSON cannot carry (or an object with a member named `"\u0000"`).
pub const MARK_OTHER: u8 = 4;
/// Marker: reading the value threw (a getter, a Proxy trap, a revoked Proxy).
pub const MARK_UNREADABLE: u8 = 5;
/// Marker: an object or array nested deeper than [`MAX_INPUT_DEPTH`].
pub const MARK_TOO_DEEP: u8 = 6;
/// Marker: an array with more than [`MAX_INPUT_ITEMS`] items.
pub const MARK_TOO_MANY_ITEMS: u8 = 7;
/// Marker: an object with more than [`MAX_INPUT_ITEMS`] members.
pub const MARK_TOO_MANY_MEMBERS: u8 = 8;
/// Marker, only as an options member the call takes as a JavaScript value (`signal`,
/// `fetch`): a value of the right kind, kept on the JavaScript side.
pub const MARK_SPECIAL_OK: u8 = 9;
/// Marker, only as such an options member: a value of the wrong kind.
pub const MARK_SPECIAL_BAD: u8 = 10;

/// The marker code of `v`, if it is a marker.
fn marker(v: &Value) -> Option<u8> {
    match v {
        Value::Object(members) => match members.as_slice() {
            [(name, Value::Number(n))] if name == MARK && (0.0..=255.0).contains(n) => {
                Some(*n as u8)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The coded error a marker stands for, at `path`.
fn marker_error(code: u8, path: &str) -> Error {
    let (kind, message) = match code {
        MARK_BIGINT => (ErrorCode::InvalidType, "a bigint is not accepted here"),
        MARK_SYMBOL => (ErrorCode::InvalidType, "a symbol is not accepted here"),
        MARK_FUNCTION => (ErrorCode::InvalidType, "a function is not accepted here"),
        MARK_UNREADABLE => (
            ErrorCode::InvalidType,
            "could not be read (a getter or Proxy trap threw)",
        ),
        MARK_TOO_DEEP => (ErrorCode::InvalidValue, "is nested too deeply"),
        MARK_TOO_MANY_ITEMS => (ErrorCode::InvalidValue, "has more than 256 items"),
        MARK_TOO_MANY_MEMBERS => (ErrorCode::InvalidValue, "has more than 256 members"),
        _ => (
            ErrorCode::InvalidType,
            "an unsupported value is not accepted here",
        ),
    };
    Error::input(kind, path, message)
}

/// One step of the way down to a marker, collected while unwinding so that a path string is
/// only built for an error.
enum Step {
    Key(String),
    Index(usize),
}

fn walk(v: &mut Value) -> Result<(), (Vec<Step>, u8)> {
    if let Some(code) = marker(v) {
        if code == MARK_NAN {
            *v = Value::Number(f64::NAN);
            return Ok(());
        }
        return Err((Vec::new(), code));
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item).map_err(|(mut steps, code)| {
                    steps.push(Step::Index(i));
                    (steps, code)
                })?;
            }
        }
        Value::Object(members) => {
            for (name, item) in members.iter_mut() {
                walk(item).map_err(|(mut steps, code)| {
                    steps.push(Step::Key(name.clone()));
                    (steps, code)
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Turns the markers in `v` back into values, or into the coded error of the first one (in
/// member order), naming its field below `path` (`body.code`, `body.scopes[3]`).
pub fn unmark(mut v: Value, path: &str) -> Result<Value, Error> {
    match walk(&mut v) {
        Ok(()) => Ok(v),
        Err((steps, code)) => {
            let mut full = path.to_owned();
            for step in steps.iter().rev() {
                match step {
                    Step::Key(k) => {
                        full.push('.');
                        full.push_str(k);
                    }
                    Step::Index(i) => {
                        full.push('[');
                        full.push_str(&i.to_string());
                        full.push(']');
                    }
                }
            }
            Err(marker_error(code, &full))
        }
    }
}

/// Parses the JSON text of a call's arguments: an array of exactly `n` encoded values.
pub fn parse_args(text: &str, n: usize) -> Result<Vec<Value>, Error> {
    match json::parse(text.as_bytes()) {
        Ok(Value::Array(items)) if items.len() == n => Ok(items),
        _ => Err(Error::input(
            ErrorCode::InvalidType,
            "arguments",
            "could not be read (not what the package's JavaScript encodes)",
        )),
    }
}

/// What became of the options member the call takes as a JavaScript value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// Absent, `undefined` or `null`.
    Absent,
    /// Present and of the right kind.
    Ok,
    /// Present and of the wrong kind: the caller reports it after validating the rest.
    Bad,
}

/// Reads an options object: `Value::Null` for none, otherwise its members with markers turned
/// back (see [`unmark`]), the member named `special` replaced by `null` (so that validators do
/// not report it as unknown) and its state returned. Anything but an object is refused with the
/// type it was.
pub fn options(v: Value, special: &str) -> Result<(Value, Special), Error> {
    let got = match &v {
        Value::Null => return Ok((Value::Null, Special::Absent)),
        Value::Object(_) => match marker(&v) {
            None => None,
            Some(MARK_UNREADABLE) => {
                return Err(marker_error(MARK_UNREADABLE, "options"));
            }
            Some(MARK_TOO_MANY_MEMBERS) => {
                return Err(Error::input(
                    ErrorCode::InvalidValue,
                    "options",
                    "has too many members",
                ));
            }
            Some(MARK_FUNCTION) => Some("function"),
            Some(_) => Some("value of another type"),
        },
        Value::String(_) => Some("string"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        Value::Array(_) => Some("array"),
    };
    if let Some(got) = got {
        return Err(Error::input(
            ErrorCode::InvalidType,
            "options",
            format!("expected an object, got {got}"),
        ));
    }
    let Value::Object(members) = v else {
        return Ok((Value::Null, Special::Absent));
    };
    let mut state = Special::Absent;
    let mut out = Vec::with_capacity(members.len());
    for (name, item) in members {
        if name == special {
            match marker(&item) {
                Some(MARK_SPECIAL_OK) => state = Special::Ok,
                Some(MARK_SPECIAL_BAD) => state = Special::Bad,
                _ => {}
            }
            out.push((name, Value::Null));
            continue;
        }
        let mut path = String::with_capacity(8 + name.len());
        path.push_str("options.");
        path.push_str(&name);
        let item = unmark(item, &path)?;
        out.push((name, item));
    }
    Ok((Value::Object(out), state))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn p(s: &str) -> Value {
        json::parse(s.as_bytes()).unwrap_or(Value::Null)
    }

    fn err(r: Result<Value, Error>) -> (ErrorCode, String) {
        match r {
            Ok(v) => (ErrorCode::InvalidJson, v.to_json()),
            Err(e) => (e.code, e.field.unwrap_or_default()),
        }
    }

    #[test]
    fn markers_become_values_or_errors_with_the_field() {
        let v = unmark(p(r#"{"a":{"\u0000":0},"b":[1,{"\u0000":0}]}"#), "body");
        match v {
            Ok(Value::Object(m)) => {
                assert!(matches!(&m[0].1, Value::Number(n) if n.is_nan()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err(unmark(p(r#"{"a":1,"code":{"\u0000":5}}"#), "body")),
            (ErrorCode::InvalidType, "body.code".into())
        );
        assert_eq!(
            err(unmark(p(r#"{"s":[1,2,{"\u0000":1}]}"#), "body")),
            (ErrorCode::InvalidType, "body.s[2]".into())
        );
        assert_eq!(
            err(unmark(p(r#"{"\u0000":6}"#), "accessToken")),
            (ErrorCode::InvalidValue, "accessToken".into())
        );
        // The first marker in member order is the one reported.
        assert_eq!(
            err(unmark(p(r#"{"x":{"\u0000":3},"y":{"\u0000":1}}"#), "body")),
            (ErrorCode::InvalidType, "body.x".into())
        );
        // Not a marker: two members, or a non-number.
        assert!(unmark(p(r#"{"\u0000":1,"b":2}"#), "body").is_ok());
        assert!(unmark(p(r#"{"\u0000":"x"}"#), "body").is_ok());
        // Infinity travels as 1e999.
        assert_eq!(
            unmark(p("-1e999"), "n").ok(),
            Some(Value::Number(f64::NEG_INFINITY))
        );
    }

    #[test]
    fn options_split_the_special_member_and_refuse_non_objects() {
        let (v, s) = options(p(r#"{"timeoutMs":5,"signal":{"\u0000":9}}"#), "signal").unwrap();
        assert_eq!(s, Special::Ok);
        assert_eq!(v.to_json(), r#"{"timeoutMs":5,"signal":null}"#);
        let (_, s) = options(p(r#"{"signal":{"\u0000":10}}"#), "signal").unwrap();
        assert_eq!(s, Special::Bad);
        let (_, s) = options(p(r#"{"signal":null}"#), "signal").unwrap();
        assert_eq!(s, Special::Absent);
        assert_eq!(options(p("null"), "signal").unwrap().1, Special::Absent);
        for (text, got) in [
            (r#""x""#, "got string"),
            ("1", "got number"),
            ("true", "got boolean"),
            ("[]", "got array"),
            (r#"{"\u0000":3}"#, "got function"),
            (r#"{"\u0000":1}"#, "got value of another type"),
        ] {
            let e = options(p(text), "signal").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidType, "{text}");
            assert!(e.message.contains(got), "{text}: {}", e.message);
        }
        let e = options(p(r#"{"\u0000":5}"#), "signal").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidType, Some("options"))
        );
        let e = options(p(r#"{"a":{"\u0000":2}}"#), "signal").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("options.a"));
    }

    #[test]
    fn args_are_an_array_of_the_right_length() {
        assert_eq!(parse_args("[1,null]", 2).unwrap().len(), 2);
        assert!(parse_args("[1]", 2).is_err());
        assert!(parse_args("{}", 1).is_err());
        assert!(parse_args("[", 1).is_err());
    }
}
