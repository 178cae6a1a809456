//! The `#[wasm_bindgen]` surface of the OAuth flow helpers: `authorizeUrl`, `createPkce`,
//! `createState`, `parseCallback` and `shouldRefresh`, called by `pkg-template/flow.js`.
//!
//! All checking and encoding is in [`crate::authorize`]; this module reads the arguments as
//! `pkg-template/transport.js` encodes them (one JSON text, see [`crate::input`]) and draws randomness from Web Crypto through the **global** `crypto` (never `window`, which
//! Workers, Deno and Node lack); the SHA-256 of `createPkce` is awaited in `flow.js`, so the
//! wasm stays synchronous. Input errors throw or reject with the same plain
//! object as the client (`crate::js::error_to_js`); a runtime without Web Crypto throws its own
//! error (e.g. `ReferenceError: crypto is not defined`) unchanged.
//!
//! Public (but hidden from the docs) only so that `tests/wasm_flow.rs` can call it.

use js_sys::{Date, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::authorize::{self, STATE_BYTES, VERIFIER_BYTES};
use crate::error::Error;
use crate::input::{self, unmark};
use crate::js::error_to_js;
use crate::json::Value;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(array: &Uint8Array) -> Result<JsValue, JsValue>;
}

fn reject(e: Error) -> JsValue {
    error_to_js(&e, None)
}

/// `n` bytes from `crypto.getRandomValues`.
pub fn random_bytes(n: u32) -> Result<Vec<u8>, JsValue> {
    let array = Uint8Array::new_with_length(n);
    get_random_values(&array)?;
    Ok(array.to_vec())
}

/// The RFC 7636 `S256` challenge from `digest`, the SHA-256 of the verifier that
/// `pkg-template/flow.js` got from `crypto.subtle.digest`: `BASE64URL(digest)`, unpadded.
#[wasm_bindgen(js_name = pkceChallenge, skip_typescript)]
pub fn pkce_challenge(digest: &[u8]) -> Result<String, JsValue> {
    if digest.len() != 32 {
        return Err(
            js_sys::Error::new("crypto.subtle.digest did not return a SHA-256 digest").into(),
        );
    }
    Ok(authorize::base64url(digest))
}

/// The two arguments of a flow helper, as `transport.js`'s `encodeArgs` writes them.
fn two(input: &str, first: &str, second: &str) -> Result<(Value, Value), Error> {
    let mut args = input::parse_args(input, 2)?.into_iter();
    let a = args.next().unwrap_or(Value::Null);
    let b = args.next().unwrap_or(Value::Null);
    Ok((unmark(a, first)?, unmark(b, second)?))
}

/// `authorizeUrl(params, options?)`: see [`authorize::authorize_url`]. `input` is the JSON text
/// of `[params, options]` (see [`crate::input`]).
#[wasm_bindgen(js_name = authorizeUrl, skip_typescript)]
pub fn authorize_url(input: &str) -> Result<String, JsValue> {
    let build = || {
        let (params, options) = two(input, "params", "options")?;
        authorize::authorize_url(&params, &options)
    };
    build().map_err(reject)
}

/// The `code_verifier` of `createPkce()` (whose challenge `pkg-template/flow.js` computes with
/// `crypto.subtle.digest` and [`pkce_challenge`]): the base64url form of 48 random bytes (64
/// characters of RFC 7636's alphabet, without modulo bias, as RFC 7636 §4.1 recommends). The
/// method is `S256`; Square's documentation does not name one, and it is not sent in the
/// authorize URL (see [`crate::authorize`]).
#[wasm_bindgen(js_name = createVerifier, skip_typescript)]
pub fn create_verifier() -> Result<String, JsValue> {
    Ok(authorize::base64url(&random_bytes(VERIFIER_BYTES)?))
}

/// `createState()`: the base64url form of 32 random bytes (43 characters, 256 bits).
#[wasm_bindgen(js_name = createState, skip_typescript)]
pub fn create_state() -> Result<String, JsValue> {
    Ok(authorize::base64url(&random_bytes(STATE_BYTES)?))
}

/// `parseCallback(url, expectedState)`: `{ code, state }` as JSON text; see
/// [`authorize::parse_callback`]. `input` is the JSON text of `[url, expectedState]`, `url`
/// already read as a string when it was an object with a string `href` (a `URL`, `location`).
#[wasm_bindgen(js_name = parseCallback, skip_typescript)]
pub fn parse_callback(input: &str) -> Result<String, JsValue> {
    let parse = || {
        let (url, expected) = two(input, "url", "expectedState")?;
        authorize::parse_callback(&url, &expected)
    };
    let callback = parse().map_err(reject)?;
    Ok(Value::Object(vec![
        (
            "code".to_owned(),
            Value::String(callback.code.expose().to_owned()),
        ),
        ("state".to_owned(), Value::String(callback.state)),
    ])
    .to_json())
}

/// `shouldRefresh(token, options?)`: see [`authorize::should_refresh`]. `input` is the JSON text
/// of `[token, options]`, a token object written as `{ expires_at }` only (so that a stored
/// token object with anything else in it is fine) and a `Date` as its epoch milliseconds.
#[wasm_bindgen(js_name = shouldRefresh, skip_typescript)]
pub fn should_refresh(input: &str) -> Result<bool, JsValue> {
    let decide = || {
        let (token, options) = two(input, "token", "options")?;
        let expires_at = authorize::expires_at_of(&token)?;
        let options = authorize::refresh_options(&options)?;
        let now = options.now_ms.unwrap_or_else(Date::now);
        Ok(authorize::should_refresh(
            expires_at,
            now,
            options.refresh_after_days,
        ))
    };
    decide().map_err(reject)
}
