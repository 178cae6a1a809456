//! # square-oauth-edge
//!
//! Square's OAuth API — ObtainToken, RenewToken (deprecated by Square, still answered),
//! RevokeToken and RetrieveTokenStatus — over the runtime's own `fetch`, for WebAssembly: the
//! npm package of the same name (Cloudflare Workers, Deno, Node, browsers) and Rust code built
//! for `wasm32-unknown-unknown` wherever a global `fetch` exists (a Rust Worker with
//! `workers-rs`, a wasm-bindgen app).
//!
//! ```ignore
//! use square_oauth_edge::model::{AuthorizationCodeRequest, RevokeTokenRequest};
//! use square_oauth_edge::{CallOptions, Client, ClientOptions, Secret};
//!
//! # async fn run(client_id: String, client_secret: Secret, code: Secret) -> Result<(), square_oauth_edge::Error> {
//! let oauth = Client::new(ClientOptions::sandbox())?;
//! let token = oauth
//!     .obtain_token(
//!         AuthorizationCodeRequest::new(client_id.clone(), client_secret.clone(), code).into(),
//!         CallOptions::default(),
//!     )
//!     .await?;
//! // … store token.access_token and token.refresh_token, encrypted, server-side …
//! if let Some(access_token) = token.access_token {
//!     let revoke = RevokeTokenRequest::by_access_token(client_id, access_token);
//!     oauth.revoke_token(revoke, &client_secret, CallOptions::default()).await?;
//! }
//! # Ok(())
//! # }
//! ```
//! (The client exists on `wasm32` only; this example is compiled by
//! `examples/rust_api.rs`, which `make test` builds for `wasm32-unknown-unknown`.)
//!
//! ## The crate
//! - [`model`]: the wire as serde types: every request (in its exclusive shapes), response and
//!   error object of the four operations; secrets are [`Secret`]s (`Debug` prints `[redacted]`).
//! - [`request`], [`response`], [`retry`]: the pure core: build a request, judge an answer, the
//!   retry policy. [`config`]: options and their validation.
//! - `client` (wasm): [`Client`], the async API; `transport` (wasm): the only code that calls
//!   `fetch`.
//! - [`flow`]: the rest of the OAuth flow: the authorize URL, the callback, PKCE and `state`
//!   (Web Crypto on wasm), when to refresh.
//! - `tokens` (feature `tokens`, default): the token manager: single-flight refresh across
//!   processes, records sealed with AES-256-GCM, a Durable Object store, Square's revocation
//!   webhook.
//! - [`Error`] with a stable [`ErrorCode`]: every failure, input or transport or answer.
//! - With the default feature `js`: the JavaScript API of the npm package (`OAuthClient`, the
//!   flow functions, `SquareError`), whose TypeScript declarations are generated from these
//!   types. Rust users turn it off: `default-features = false`.

mod macros;

pub mod config;
pub mod document;
pub mod error;
pub mod flow;
pub mod input;
pub mod model;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
#[cfg(feature = "tokens")]
pub mod tokens;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
pub mod transport;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
pub use client::Client;
pub use config::{CallOptions, ClientOptions, Environment};
pub use error::{Error, ErrorCode};
pub use secret::Secret;

/// The npm package's wasm heap: a small free-list allocator instead of Rust's default dlmalloc
/// (about 7 KB of wasm). The wasm is single-threaded; the lock is a never-contended spin lock.
/// Only with the `js` feature: a library must not choose the allocator of a Rust user's program.
#[cfg(all(target_arch = "wasm32", feature = "js"))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
