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

/// JSON text (as `JSON.stringify` writes a parsed value) with every secret replaced inside its
/// strings. A secret appears in such text in one form only, its JSON string escape, whatever
/// escapes the server used: so the escaped form of each secret is what is replaced.
pub fn scrub_json(json: &str, secrets: &[Secret]) -> String {
    let mut out = json.to_owned();
    for secret in secrets {
        let needle = json_escaped(secret.expose());
        if secret.expose().len() >= 2 && out.contains(&needle) {
            out = out.replace(&needle, REDACTED);
        }
    }
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

    #[test]
    fn json_scrub_matches_the_escaped_form() {
        let secrets = [Secret::new("se\"cr\\et\n1")];
        let text = r#"{"detail":"echo se\"cr\\et\n1 end","k":"se\"cr"}"#;
        assert_eq!(
            scrub_json(text, &secrets),
            r#"{"detail":"echo [redacted] end","k":"se\"cr"}"#
        );
        assert_eq!(json_escaped("\u{1}"), "\\u0001");
    }
}
