//! Strings that must never be printed (application secrets, tokens, codes, verifiers), and the
//! scrubbing of everything a server sent back.

use serde::{Deserialize, Serialize};

/// A secret value. `Debug` prints `Secret([redacted])`; there is no `Display`. It serializes and
/// deserializes as the plain string, because that is what goes on the wire.
///
/// # Security warning
/// [`Secret::expose`] hands out the plaintext. Call it only where the value goes on the wire or
/// is compared, never to build a message or a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plaintext. See the security warning on the type.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// `s` with every occurrence of every secret replaced by `[redacted]`. Secrets shorter than 2
/// characters are skipped (validation refuses them; replacing them would rewrite every letter).
/// `secrets` should be sorted longest first, so that a secret containing another goes whole.
pub fn scrub_str(s: &str, secrets: &[Secret]) -> String {
    let mut out = s.to_owned();
    for secret in secrets {
        let needle = secret.expose();
        if needle.len() >= 2 && out.contains(needle) {
            out = out.replace(needle, REDACTED);
        }
    }
    out
}

/// JSON text with every secret replaced inside its strings (object keys included), and only
/// there: the text stays valid JSON. Each string literal that may hold a secret is decoded by
/// `decode` (the runtime's `JSON.parse`), scrubbed, and written back escaped.
pub fn scrub_json(
    json: &str,
    secrets: &[Secret],
    decode: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(start) = rest.find('"') {
        let (before, literal) = rest.split_at(start);
        out.push_str(before);
        // The literal runs to the first quote that no backslash escapes.
        let mut end = literal.len();
        let mut escaped = false;
        for (i, c) in literal.char_indices().skip(1) {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        let (literal, after) = literal.split_at(end);
        let inner = literal
            .get(1..literal.len().saturating_sub(1))
            .unwrap_or_default();
        let suspect = inner.contains('\\')
            || secrets
                .iter()
                .any(|x| x.expose().len() >= 2 && inner.contains(x.expose()));
        match suspect.then(|| decode(literal)) {
            None => out.push_str(literal),
            Some(Some(text)) => {
                out.push('"');
                out.push_str(&json_escaped(&scrub_str(&text, secrets)));
                out.push('"');
            }
            // Not a literal the parser reads: nothing of it is kept.
            Some(None) => out.push_str("\"[redacted]\""),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `s` as the inside of a JSON string literal, escaped exactly as `JSON.stringify` escapes it:
/// `"`, `\` and the control characters below U+0020; everything else as it is.
fn json_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Secrets sorted longest first, so that one containing another is scrubbed whole.
pub fn longest_first(mut secrets: Vec<Secret>) -> Vec<Secret> {
    secrets.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
    secrets.dedup();
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("sq0csp-abc");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(format!("{:?}", vec![s.clone()]), "[Secret([redacted])]");
        assert_eq!(s.expose(), "sq0csp-abc");
    }

    #[test]
    fn scrubs_longest_first_and_skips_tiny() {
        let secrets = longest_first(vec![
            Secret::new("ab"),
            Secret::new("xxabyy"),
            Secret::new("a"),
        ]);
        assert_eq!(
            scrub_str("1 xxabyy 2 ab 3 a", &secrets),
            "1 [redacted] 2 [redacted] 3 a"
        );
    }

    fn decode(literal: &str) -> Option<String> {
        serde_json::from_str(literal).ok()
    }

    #[test]
    fn json_scrub_reaches_strings_only_and_keeps_json_valid() {
        let secrets = [Secret::new("se\"cr\\et\n1")];
        let text = r#"{"detail":"echo se\"cr\\et\n1 end","k":"se\"cr"}"#;
        assert_eq!(
            scrub_json(text, &secrets, &decode),
            r#"{"detail":"echo [redacted] end","k":"se\"cr"}"#
        );
        // Escapes the server chose (\u0065 for e) hide nothing.
        let text = r#"{"x":"s\u0065\"cr\\\u0065t\n1"}"#;
        assert_eq!(scrub_json(text, &secrets, &decode), r#"{"x":"[redacted]"}"#);
        // A secret that is also JSON text outside strings is left alone there.
        let secrets = [Secret::new("12"), Secret::new("null"), Secret::new("},")];
        for (text, scrubbed) in [
            (r#"[123,"12"]"#, r#"[123,"[redacted]"]"#),
            (r#"{"k":null,"s":"null"}"#, r#"{"k":null,"s":"[redacted]"}"#),
            (
                r#"{"":{},"A":{"},":null}}"#,
                r#"{"":{},"A":{"[redacted]":null}}"#,
            ),
            (r#"["x\\","\","]"#, r#"["x\\","\","]"#),
        ] {
            let out = scrub_json(text, &secrets, &decode);
            assert_eq!(out, scrubbed, "{text}");
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "{out}"
            );
        }
        assert_eq!(json_escaped("\u{1}"), "\\u0001");
    }
}
