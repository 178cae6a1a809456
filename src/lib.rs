//! # square-oauth-edge
//!
//! Square's OAuth API — ObtainToken, RenewToken (deprecated), RevokeToken and
//! RetrieveTokenStatus — for JavaScript runtimes (Cloudflare Workers, Deno, Node, browsers), as
//! WebAssembly over the global `fetch`.
//!
//! The crate is split so that almost all logic is pure and tested natively:
//! - [`config`] validates client and per-call options;
//! - [`input`] reads caller input as the package's JavaScript encodes it (one JSON text);
//! - [`request`] validates a call's input and builds the request (method, URL, headers, body);
//! - [`response`] judges a response (status, content type, bytes) and maps every failure to a
//!   coded [`error::Error`];
//! - [`retry`] is the retry policy;
//! - [`authorize`] builds the authorize URL and reads the callback;
//! - `js` and `api` (wasm only) convert between JavaScript values and these types and export
//!   the synchronous functions the npm package's JavaScript calls around `fetch`
//!   (`pkg-template/transport.js` is the one place that calls it: the wasm does no I/O).
//!
//! Secrets are held in [`secret::Secret`], whose `Debug` prints `[redacted]`.

pub mod authorize;
pub mod config;
pub mod error;
pub mod input;
pub mod json;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod validate;

/// The wasm exports (public so that the wasm integration tests can call them).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod api;
/// The wasm exports of the OAuth flow helpers (public so that the wasm integration tests can
/// call them).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod flow_api;
#[cfg(target_arch = "wasm32")]
mod js;

/// The wasm heap: a small free-list allocator instead of Rust's default dlmalloc (about 7 KB of
/// wasm). The wasm is single-threaded; the lock is a never-contended spin lock.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
