//! Shared by the wasm test files: the fake Square's address and application, the RFC 7636
//! vector, and small JS helpers.
#![allow(dead_code, clippy::unwrap_used)]

use js_sys::{Promise, JSON};
use square_oauth_edge::wasm::OAuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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

#[wasm_bindgen]
extern "C" {
    /// The global `AbortController`.
    pub type AbortController;
    /// `new AbortController()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> AbortController;
    /// `controller.abort(reason)`.
    #[wasm_bindgen(method)]
    pub fn abort(this: &AbortController, reason: &JsValue);
    /// `controller.signal`.
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortController) -> JsValue;
}

/// `new OAuthClient(options)`: the package's class, as JavaScript constructs it.
pub fn normalize(options: JsValue) -> Result<OAuthClient, JsValue> {
    OAuthClient::new(Some(options))
}

fn opt(options: JsValue) -> Option<JsValue> {
    (!options.is_undefined()).then_some(options)
}

/// `client.obtainToken(body, options)`.
pub async fn obtain_token(
    client: OAuthClient,
    body: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    JsFuture::from(client.obtain_token(body, opt(options))).await
}

/// `client.renewToken(clientId, body, authorization, options)`.
pub async fn renew_token(
    client: OAuthClient,
    client_id: JsValue,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    JsFuture::from(client.renew_token(client_id, body, authorization, opt(options))).await
}

/// `client.revokeToken(body, authorization, options)`.
pub async fn revoke_token(
    client: OAuthClient,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    JsFuture::from(client.revoke_token(body, authorization, opt(options))).await
}

/// `client.retrieveTokenStatus(accessToken, options)`.
pub async fn retrieve_token_status(
    client: OAuthClient,
    access_token: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    JsFuture::from(client.retrieve_token_status(access_token, opt(options))).await
}

// The OAuth flow helpers (`src/wasm/flow.rs`). `authorizeUrl`, `createState`, `parseCallback`
// and `shouldRefresh` are called as they are (`square_oauth_edge::wasm::flow::…`); these are
// what a test needs around them.

#[wasm_bindgen]
extern "C" {
    /// The global `crypto.subtle.digest`, the one `createPkce` uses.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn subtle_digest(algorithm: &str, data: &js_sys::Uint8Array) -> Promise;
}

/// The S256 challenge of `verifier` (RFC 7636 §4.2): SHA-256 of its ASCII bytes from Web
/// Crypto, then unpadded base64url ([`square_oauth_edge::flow::pkce::challenge`]), as
/// `createPkce` composes them.
pub async fn code_challenge(verifier: &str) -> Result<String, JsValue> {
    let data = js_sys::Uint8Array::from(verifier.as_bytes());
    let digest = JsFuture::from(subtle_digest("SHA-256", &data)).await?;
    Ok(square_oauth_edge::flow::pkce::challenge(
        &js_sys::Uint8Array::new(&digest).to_vec(),
    ))
}

/// `await createPkce()`: `{ code_verifier, code_challenge, code_challenge_method }`, or what it
/// rejected with.
pub async fn create_pkce() -> Result<JsValue, JsValue> {
    JsFuture::from(square_oauth_edge::wasm::flow::create_pkce()).await
}
