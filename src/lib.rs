//! # square-oauth-edge
//!
//! Square's OAuth API (ObtainToken, RenewToken (deprecated), RevokeToken and
//! RetrieveTokenStatus) for JavaScript runtimes and Rust on `wasm32`, over the runtime's `fetch`.

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

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
pub mod transport;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorCode};
pub use secret::Secret;

/// The wasm heap: a small free-list allocator instead of Rust's default dlmalloc (about 7 KB of
/// wasm). The wasm is single-threaded; the lock is a never-contended spin lock.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
