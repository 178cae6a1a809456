//! The OAuth flow around the four endpoints (pure): the authorization URL ([`authorize`]), the
//! callback ([`callback`]), PKCE and `state` values ([`pkce`]), and Square's refresh guidance
//! ([`refresh`]).
//!
//! Nothing here performs I/O or needs randomness: the wasm layer (`authorizeUrl`, `createPkce`,
//! `createState`, `parseCallback`, `shouldRefresh`) reads the caller's values, draws random bytes
//! and the SHA-256 digest from Web Crypto, parses timestamps with the runtime's `Date.parse`, and
//! hands plain values to these functions.
//!
//! # Decisions where Square is silent (CONTRACT §6–§8)
//! - **`code_challenge_method` is not sent.** Square documents `code_challenge` on the authorize
//!   page but no `code_challenge_method`, and no public Square source names one.
//!   [`authorize_url`] therefore sends only `code_challenge`, and the challenge is always RFC
//!   7636's `S256` (`BASE64URL(SHA-256(code_verifier))`, unpadded), the method a server assumes
//!   when none is named alongside a SHA-256-sized challenge (the fake Square assumes `S256` when
//!   it is absent).
//! - **`scope` is joined with `+`**, the form-encoded space that Square's own examples use
//!   (`scope=CUSTOMERS_WRITE+CUSTOMERS_READ`); scope names are `[A-Z_]` and need no escaping.
//!   Every other value is percent-encoded (UTF-8) with only RFC 3986's unreserved characters
//!   kept, so a space is `%20`.
//! - **`response_type=code` is not sent**: Square's sample code sends it, the reference page does
//!   not list it, and the page works without it.
//! - **`state` is RFC 6749's `1*VSCHAR`** (appendix A.5: `%x20-7E`): 1 to 1024 printable ASCII
//!   characters, spaces included. Control and non-ASCII characters are refused, so what
//!   [`parse_callback`] reads back is exactly what went in.
//! - [`parse_callback`] reports an `error` before it looks at `state`: an error callback carries
//!   nothing usable, and Square's documented deny callback shows no `state`. A `code` is only
//!   ever returned after its `state` matched, compared in constant time.
//! - **An empty `expires_at` never expires.** RetrieveTokenStatus answers an empty `expires_at`
//!   for a token that never expires (a personal access token), so `shouldRefresh` answers
//!   `false` for it; an absent, `null` or unparseable `expires_at` is due
//!   ([`should_refresh_expires_at`]).
//!
//! # PKCE refresh tokens are single-use
//! With PKCE, every refresh (`grant_type: "refresh_token"` without `client_secret`) answers with
//! a **new** refresh token and spends the old one: store the new `refresh_token` (and its
//! `refresh_token_expires_at`, 90 days) before doing anything else with the response, and never
//! run two refreshes of the same token at once. Code-flow refresh tokens are multi-use and come
//! back unchanged.
//!
//! ```text
//! if shouldRefresh(stored):
//!     fresh = obtainToken({ grant_type: "refresh_token", client_id, refresh_token: stored.refresh_token })
//!     save(fresh)            // first: the old refresh token no longer works
//!     stored = fresh
//! ```

pub mod authorize;
pub mod callback;
pub mod pkce;
pub mod refresh;
#[cfg(target_arch = "wasm32")]
pub mod web_crypto;

pub use authorize::{authorize_base, authorize_url, AuthorizeParams, AuthorizeUrlOptions, Locale};
pub use callback::{parse_callback, AuthorizationCallback};
pub use pkce::{CodeChallengeMethod, Pkce};
pub use refresh::{
    should_refresh, should_refresh_expires_at, RefreshOptions, ShouldRefreshOptions,
};
#[cfg(target_arch = "wasm32")]
pub use web_crypto::{create_pkce, create_state};
