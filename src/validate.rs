//! Small checks shared by the option and request validators (pure).

use crate::error::{Error, ErrorCode};
use crate::json::Value;

/// The byte offset of the first occurrence of `needle` in `hay`. A plain scan: the strings here
/// are short, and `str::find(&str)` pulls in the two-way searcher and its panic formatting
/// (about 6 KB of wasm).
pub fn find_sub(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    (0..=h.len().checked_sub(n.len())?).find(|&i| h.get(i..i + n.len()) == Some(n))
}

/// `hay` split around the first `sep`, like `str::split_once` with a `&str` pattern.
pub fn split_once_sub<'a>(hay: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let i = find_sub(hay, sep)?;
    Some((hay.get(..i)?, hay.get(i + sep.len()..)?))
}

/// `hay` with every occurrence of `needle` (non-empty) replaced by `with`.
pub fn replace_sub(hay: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some((before, after)) = split_once_sub(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(before);
        out.push_str(with);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `items` joined by `sep` (without `[T]::join`, which costs wasm bytes per instance).
pub fn join(items: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// The members of `v`, or an `INVALID_TYPE` error naming `field`.
pub fn expect_object<'a>(v: &'a Value, field: &str) -> Result<&'a [(String, Value)], Error> {
    match v {
        Value::Object(members) => Ok(members),
        v => Err(Error::input(
            ErrorCode::InvalidType,
            field,
            format!("expected an object, got {}", v.type_name()),
        )),
    }
}

/// Checks that a value bound for an HTTP header holds only visible ASCII (and spaces or tabs
/// inside when `allow_space`), so that it can neither inject a header nor make `fetch` throw.
pub fn check_header_value(value: &str, field: &str, allow_space: bool) -> Result<(), Error> {
    let bad = value.chars().any(|c| {
        let n = c as u32;
        !((0x21..0x7f).contains(&n) || (allow_space && (c == ' ' || c == '\t')))
    });
    if bad {
        let what = if allow_space {
            "must hold only printable ASCII (no CR, LF, NUL or other control characters)"
        } else {
            "must hold only printable ASCII without spaces (no CR, LF, NUL or other control characters)"
        };
        return Err(Error::input(ErrorCode::UnsafeHeaderValue, field, what));
    }
    Ok(())
}

/// Folds a name for fuzzy comparison: ASCII lower case, without `_` and `-`.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The known name that `name` most likely meant: the same letters in another case style
/// (`clientId` → `client_id`), or one edit away.
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let f = fold(name);
    known
        .iter()
        .find(|k| fold(k) == f)
        .or_else(|| known.iter().find(|k| edit_distance(&fold(k), &f) <= 2))
        .or_else(|| {
            // A prefix such as `timeout` for `timeoutMs`.
            known
                .iter()
                .find(|k| f.len() >= 4 && fold(k).starts_with(&f))
        })
        .copied()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let known = ["client_id", "client_secret", "grant_type", "code"];
        assert_eq!(suggest("clientId", &known), Some("client_id"));
        assert_eq!(suggest("ClientSecret", &known), Some("client_secret"));
        assert_eq!(suggest("grant-type", &known), Some("grant_type"));
        assert_eq!(suggest("grnt_type", &known), Some("grant_type"));
        assert_eq!(suggest("zzzzzzzz", &known), None);
    }

    #[test]
    fn substring_helpers() {
        assert_eq!(find_sub("https://x", "://"), Some(5));
        assert_eq!(find_sub("ab", "abc"), None);
        assert_eq!(find_sub("", "a"), None);
        assert_eq!(find_sub("aaa", ""), Some(0));
        assert_eq!(split_once_sub("a::b::c", "::"), Some(("a", "b::c")));
        assert_eq!(replace_sub("xSECRETySECRET", "SECRET", "[r]"), "x[r]y[r]");
        assert_eq!(replace_sub("é SECRET é", "SECRET", "-"), "é - é");
        assert_eq!(replace_sub("abc", "", "-"), "abc");
    }

    #[test]
    fn header_values() {
        assert!(check_header_value("Client sq0csp-x", "f", true).is_ok());
        assert!(check_header_value("Client sq0csp-x", "f", false).is_err());
        for bad in ["a\r\nb", "a\nb", "a\0b", "é", "a\u{7f}"] {
            let e = check_header_value(bad, "f", true).unwrap_err();
            assert_eq!(e.code, ErrorCode::UnsafeHeaderValue);
            assert!(!e.message.contains(bad));
        }
    }
}
