//! PKCE verifiers and challenges (RFC 7636) and `state` values, from random bytes and digests
//! the caller supplies (pure: the wasm layer draws them from Web Crypto).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use tsify::Tsify;

use crate::macros::string_enum;
use crate::secret::Secret;

/// Random bytes behind a `code_verifier`: base64url makes them 64 characters (RFC 7636 allows 43
/// to 128), 384 bits.
pub const VERIFIER_BYTES: usize = 48;
/// Random bytes behind a `state`: 43 base64url characters, 256 bits.
pub const STATE_BYTES: usize = 32;
/// Length of a SHA-256 digest, in bytes.
pub const SHA256_BYTES: usize = 32;

string_enum! {
    /// How a PKCE `code_challenge` is derived from its `code_verifier` (RFC 7636 §4.2).
    #[ts("CodeChallengeMethod")]
    pub enum CodeChallengeMethod {
        /// `BASE64URL(SHA-256(ASCII(code_verifier)))`, unpadded: the only method this package
        /// uses.
        S256 = "S256",
    }
}

/// A PKCE verifier and its challenge (RFC 7636), from {@link createPkce}.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct Pkce {
    /// The secret to keep (server-side, or in the session) until the code is exchanged: send it
    /// as `code_verifier` to {@link OAuthClient.obtainToken}.
    #[tsify(type = "string")]
    pub code_verifier: Secret,
    /// `BASE64URL(SHA-256(code_verifier))`, for the `code_challenge` of {@link authorizeUrl}.
    pub code_challenge: String,
    /// Always `"S256"`: the challenge is the SHA-256 of the verifier.
    #[tsify(type = "CodeChallengeMethod")]
    pub code_challenge_method: CodeChallengeMethod,
}

impl Pkce {
    /// The pair from a verifier ([`verifier`]) and the SHA-256 digest of its ASCII bytes.
    pub fn new(code_verifier: String, sha256_of_verifier: &[u8]) -> Pkce {
        Pkce {
            code_verifier: Secret::new(code_verifier),
            code_challenge: challenge(sha256_of_verifier),
            code_challenge_method: CodeChallengeMethod::S256,
        }
    }
}

/// A `code_verifier`: the unpadded base64url form of random bytes ([`VERIFIER_BYTES`] of them
/// give 64 characters of RFC 7636's alphabet, without modulo bias, as RFC 7636 §4.1
/// recommends).
pub fn verifier(random48: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(random48)
}

/// The `S256` `code_challenge` of a verifier from its SHA-256 digest: `BASE64URL(digest)`,
/// unpadded (43 characters).
pub fn challenge(sha256: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(sha256)
}

/// A `state`: the unpadded base64url form of random bytes ([`STATE_BYTES`] of them give 43
/// URL-safe characters, 256 bits).
pub fn state(random32: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(random32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_vectors() {
        // RFC 4648 §10 vectors, in the URL-safe alphabet without padding.
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(state(raw.as_bytes()), enc);
        }
        assert_eq!(verifier(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(verifier(&[0xff; VERIFIER_BYTES]).len(), 64);
        assert_eq!(state(&[0; STATE_BYTES]).len(), 43);
        assert_eq!(challenge(&[7; SHA256_BYTES]).len(), 43);
    }

    #[test]
    fn rfc7636_appendix_b() {
        // The verifier's 32 random octets and the SHA-256 of the verifier, from RFC 7636
        // Appendix B.
        let random = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = verifier(&random);
        assert_eq!(v, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let digest = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120,
            173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
        ];
        let pkce = Pkce::new(v, &digest);
        assert_eq!(
            pkce.code_challenge,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(pkce.code_challenge_method.as_str(), "S256");
        assert!(
            !format!("{pkce:?}").contains("dBjftJeZ"),
            "Debug hides the verifier"
        );
        // Serialized in this order, the verifier as a plain string.
        assert_eq!(
            serde_json::to_string(&pkce).unwrap_or_default(),
            r#"{"code_verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","code_challenge_method":"S256"}"#
        );
        // The challenge is accepted by authorize_url as is.
        let p = crate::flow::authorize::AuthorizeParams {
            client_id: Some("a".into()),
            code_challenge: Some(pkce.code_challenge.clone()),
            ..Default::default()
        };
        let url = crate::flow::authorize::authorize_url(&p, &Default::default());
        assert!(url.is_ok_and(
            |u| u.ends_with("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        ));
    }
}
