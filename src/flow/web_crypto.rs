//! Randomness and SHA-256 from the runtime's Web Crypto (wasm only): the PKCE pair and `state`.
//!
//! Bound to the **global** `crypto` (`crypto.getRandomValues`, `crypto.subtle.digest`), never
//! `window`, which Workers, Deno and Node lack. A runtime without Web Crypto fails with its own
//! error (a `ReferenceError` or `TypeError`), returned as it is.

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::pkce::{self, Pkce};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(array: &Uint8Array) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn subtle_digest(algorithm: &str, data: &Uint8Array) -> Result<Promise, JsValue>;
}

/// `n` cryptographically random bytes from `crypto.getRandomValues`.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, JsValue> {
    let array = Uint8Array::new_with_length(n as u32);
    get_random_values(&array)?;
    Ok(array.to_vec())
}

/// A PKCE pair: a verifier from 48 random bytes (64 characters of RFC 7636's alphabet) and its
/// `S256` challenge, `BASE64URL(SHA-256(verifier))`, from `crypto.subtle.digest`.
pub async fn create_pkce() -> Result<Pkce, JsValue> {
    let verifier = pkce::verifier(&random_bytes(pkce::VERIFIER_BYTES)?);
    let data = Uint8Array::from(verifier.as_bytes());
    let digest = JsFuture::from(subtle_digest("SHA-256", &data)?).await?;
    let digest = digest
        .dyn_into::<ArrayBuffer>()
        .map(|buffer| Uint8Array::new(&buffer).to_vec())
        .unwrap_or_default();
    if digest.len() != pkce::SHA256_BYTES {
        return Err(
            js_sys::Error::new("crypto.subtle.digest did not return a SHA-256 digest").into(),
        );
    }
    Ok(Pkce::new(verifier, &digest))
}

/// A random, URL-safe `state` for the authorization URL: 32 random bytes, 43 base64url
/// characters.
pub fn create_state() -> Result<String, JsValue> {
    Ok(pkce::state(&random_bytes(pkce::STATE_BYTES)?))
}
