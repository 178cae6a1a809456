//! The JavaScript side of the boundary (wasm only): reading callers' values safely into the typed
//! structs, the parsed JSON of a response, a transport error's `cause`, and coded errors as
//! `SquareError`s (the last two for the JavaScript API: feature `js`).
//!
//! serde-wasm-bindgen reads JavaScript objects with plain property reads, so a getter that throws,
//! a Proxy trap or a revoked Proxy would throw straight through the wasm (leaving it in an unknown
//! state). [`guard`] therefore copies a caller's value first, every read caught, into fresh plain
//! objects; serde-wasm-bindgen then reads the copy, which cannot throw.

pub mod cause;
pub mod document;
#[cfg(feature = "js")]
pub mod error;
#[cfg(feature = "js")]
pub mod guard;

pub use document::{kind_of, JsDocument};
#[cfg(feature = "js")]
pub use error::to_js_error;
#[cfg(feature = "js")]
pub use guard::{read, read_open, read_optional, Shape};
