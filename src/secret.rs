//! A string that must never be printed: application secrets, tokens, codes, verifiers.

/// A secret value. `Debug` prints `Secret([redacted])`; there is no `Display`.
///
/// # Security warning
/// [`Secret::expose`] hands out the plaintext. Call it only where the value goes on the wire or
/// is compared, never to build a message or a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The plaintext. See the security warning on the type.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("sq0csp-abc".into());
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(format!("{:?}", vec![s.clone()]), "[Secret([redacted])]");
        assert_eq!(s.expose(), "sq0csp-abc");
    }
}
