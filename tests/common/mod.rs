//! Shared by the wasm test files: the fake Square's address and application, the RFC 7636
//! vector, and small JS helpers.
#![allow(dead_code, clippy::unwrap_used)]

use js_sys::{Promise, JSON};
use wasm_bindgen::prelude::*;

/// The fake Square's default application.
pub const APP_ID: &str = "sq0idp-fake-application-id";
/// Its secret.
pub const SECRET: &str = "sq0csp-fake-application-secret";
/// RFC 7636 Appendix B verifier …
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// … and its S256 challenge.
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The fake Square, as started by `scripts/with-fake.sh` (baked in at compile time).
pub fn fake() -> &'static str {
    option_env!("FAKE_SQUARE_URL").unwrap_or("http://127.0.0.1:18181")
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, for the fake's control API.
    #[wasm_bindgen(js_name = fetch)]
    pub fn raw_fetch(url: &str, init: &JsValue) -> Promise;
}

/// `JSON.parse(s)`.
pub fn json(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}
