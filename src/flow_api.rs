//! The `#[wasm_bindgen]` surface of the OAuth flow helpers: `authorizeUrl`, `createPkce`,
//! `createState`, `parseCallback` and `shouldRefresh`, called by `pkg-template/flow.js`.
//!
//! All checking and encoding is in [`crate::authorize`]; this module converts JavaScript values
//! and draws randomness from Web Crypto through the **global** `crypto` (never `window`, which
//! Workers, Deno and Node lack); the SHA-256 of `createPkce` is awaited in `flow.js`, so the
//! wasm stays synchronous. Input errors throw or reject with the same plain
//! object as the client (`crate::js::error_to_js`); a runtime without Web Crypto throws its own
//! error (e.g. `ReferenceError: crypto is not defined`) unchanged.
//!
//! Public (but hidden from the docs) only so that `tests/wasm_flow.rs` can call it.

use js_sys::{Date, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::authorize::{self, STATE_BYTES, VERIFIER_BYTES};
use crate::error::{Error, ErrorCode};
use crate::js::{error_to_js, to_value};
use crate::json::Value;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(array: &Uint8Array) -> Result<JsValue, JsValue>;
}

fn reject(e: Error) -> JsValue {
    error_to_js(&e, None)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // An own data property on a fresh plain object with a fixed key: cannot throw.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
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

/// `authorizeUrl(params, options?)`: see [`authorize::authorize_url`].
#[wasm_bindgen(js_name = authorizeUrl, skip_typescript)]
pub fn authorize_url(params: JsValue, options: JsValue) -> Result<String, JsValue> {
    let build = || {
        let params = to_value(&params, "params")?;
        let options = to_value(&options, "options")?;
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

/// `parseCallback(url, expectedState)`: `{ code, state }`; see [`authorize::parse_callback`].
/// `url` is a string or anything with a string `href` (a `URL`, `location`).
#[wasm_bindgen(js_name = parseCallback, skip_typescript)]
pub fn parse_callback(url: JsValue, expected_state: JsValue) -> Result<JsValue, JsValue> {
    let parse = || {
        let url = match url.as_string() {
            Some(s) => Value::String(s),
            None if url.is_object() => Reflect::get(&url, &JsValue::from_str("href"))
                .ok()
                .and_then(|h| h.as_string())
                .map_or(Value::Object(Vec::new()), Value::String),
            None => to_value(&url, "url")?,
        };
        let expected = to_value(&expected_state, "expectedState")?;
        authorize::parse_callback(&url, &expected)
    };
    let callback = parse().map_err(reject)?;
    let obj = Object::new();
    set(&obj, "code", &JsValue::from_str(callback.code.expose()));
    set(&obj, "state", &JsValue::from_str(&callback.state));
    Ok(obj.into())
}

fn unreadable(field: &str) -> Error {
    Error::input(
        ErrorCode::InvalidType,
        field,
        "could not be read (a getter or Proxy trap threw)",
    )
}

/// The token argument as a [`Value`]: a string, or `{ expires_at }` read from an object (only
/// that member, so that a stored token object with anything else in it is fine).
fn token_value(token: &JsValue) -> Result<Value, Error> {
    if token.is_object() && !token.is_function() {
        let expires = Reflect::get(token, &JsValue::from_str("expires_at"))
            .map_err(|_| unreadable("token.expires_at"))?;
        let expires = to_value(&expires, "token.expires_at")?;
        return Ok(Value::Object(vec![("expires_at".to_owned(), expires)]));
    }
    to_value(token, "token")
}

/// The options of `shouldRefresh` as a [`Value`], with a `Date` in `now` turned into its epoch
/// milliseconds (`NaN` for an invalid date, which the validator refuses).
fn refresh_options_value(options: &JsValue) -> Result<Value, Error> {
    let mut value = to_value(options, "options")?;
    if let Value::Object(members) = &mut value {
        if let Some((_, now)) = members.iter_mut().find(|(k, _)| k == "now") {
            let date = Reflect::get(options, &JsValue::from_str("now"))
                .ok()
                .and_then(|d| d.dyn_into::<Date>().ok());
            if let Some(date) = date {
                *now = Value::Number(date.get_time());
            }
        }
    }
    Ok(value)
}

/// `shouldRefresh(token, options?)`: see [`authorize::should_refresh`].
#[wasm_bindgen(js_name = shouldRefresh, skip_typescript)]
pub fn should_refresh(token: JsValue, options: JsValue) -> Result<bool, JsValue> {
    let decide = || {
        let token = token_value(&token)?;
        let expires_at = authorize::expires_at_of(&token)?;
        let options = authorize::refresh_options(&refresh_options_value(&options)?)?;
        let now = options.now_ms.unwrap_or_else(Date::now);
        Ok(authorize::should_refresh(
            expires_at,
            now,
            options.refresh_after_days,
        ))
    };
    decide().map_err(reject)
}
