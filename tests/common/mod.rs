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

// The client as the package runs it: `pkg-template/transport.js` (the one place that calls
// `fetch`) driving the wasm's synchronous exports, here called through closures over the same
// Rust functions.
#[wasm_bindgen(module = "/pkg-template/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeArgs, variadic)]
    fn encode_args(values: &js_sys::Array) -> String;
    #[wasm_bindgen(js_name = encodeCallbackArgs)]
    fn encode_callback_args(url: &JsValue, expected_state: &JsValue) -> String;
    #[wasm_bindgen(js_name = encodeRefreshArgs)]
    fn encode_refresh_args(token: &JsValue, options: &JsValue) -> String;
    #[wasm_bindgen(js_name = normalize, catch)]
    fn transport_normalize(w: &JsValue, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = run)]
    fn transport_run(
        w: &JsValue,
        op: u32,
        client: &JsValue,
        a: &JsValue,
        b: &JsValue,
        d: &JsValue,
        options: &JsValue,
    ) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// `crypto.subtle.digest`, for the PKCE challenge as `flow.js` computes it.
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn subtle_digest(algorithm: &str, data: &js_sys::Uint8Array) -> Promise;
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

/// The object `transport.js` calls: the wasm exports of `src/api.rs` and an identity `lift`.
fn exports() -> JsValue {
    use js_sys::{Object, Reflect, Uint8Array};
    use square_oauth_edge::api;
    use wasm_bindgen::closure::Closure;
    thread_local! {
        static W: JsValue = {
            let w = Object::new();
            let put = |name: &str, f: JsValue| {
                Reflect::set(&w, &JsValue::from_str(name), &f).unwrap();
            };
            put(
                "normalizeOptions",
                Closure::<dyn FnMut(String) -> Result<String, JsValue>>::new(|o: String| {
                    api::normalize_options(&o)
                })
                .into_js_value(),
            );
            put(
                "prepare",
                Closure::<dyn FnMut(u32, JsValue, String) -> Result<String, JsValue>>::new(
                    |op, config, input: String| api::prepare(op, config, &input),
                )
                .into_js_value(),
            );
            put(
                "judge",
                Closure::<dyn FnMut(u32, u16, bool, Option<String>, JsValue) -> bool>::new(
                    |op, status, opaque, ct, body: JsValue| {
                        api::judge(op, status, opaque, ct, &Uint8Array::new(&body).to_vec())
                    },
                )
                .into_js_value(),
            );
            put(
                "reject",
                Closure::<dyn FnMut(u32, u16, bool, Option<String>, JsValue, String, u32) -> JsValue>::new(
                    |op, status, opaque, ct, body: JsValue, secrets: String, n| {
                        api::reject(op, status, opaque, ct, &Uint8Array::new(&body).to_vec(), &secrets, n)
                    },
                )
                .into_js_value(),
            );
            put(
                "failure",
                Closure::<dyn FnMut(u32, u32, u32, u16, JsValue, String, u32) -> JsValue>::new(
                    |kind, op, n, status, cause, secrets: String, attempts| {
                        api::failure(kind, op, n, status, cause, &secrets, attempts)
                    },
                )
                .into_js_value(),
            );
            put(
                "nextDelay",
                Closure::<dyn FnMut(u32, u16, Option<String>, f64, bool, u32, u32, f64) -> f64>::new(
                    api::next_delay,
                )
                .into_js_value(),
            );
            put(
                "lift",
                Closure::<dyn FnMut(JsValue) -> JsValue>::new(|e| e).into_js_value(),
            );
            w.into()
        };
    }
    W.with(|w| w.clone())
}

/// Client options as `OAuthClient`'s constructor normalises them (`transport.js`'s `normalize`):
/// `{ config, fetch }`, or the error it throws.
pub fn normalize(options: JsValue) -> Result<JsValue, JsValue> {
    transport_normalize(&exports(), &options)
}

/// Runs operation `op` through `transport.js`, as `OAuthClient` does.
pub async fn call(
    op: u32,
    client: JsValue,
    a: JsValue,
    b: JsValue,
    d: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(transport_run(
        &exports(),
        op,
        &client,
        &a,
        &b,
        &d,
        &options,
    ))
    .await
}

/// ObtainToken.
pub async fn obtain_token(
    client: JsValue,
    body: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        0,
        client,
        body,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        options,
    )
    .await
}

/// RenewToken.
pub async fn renew_token(
    client: JsValue,
    client_id: JsValue,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(1, client, client_id, body, authorization, options).await
}

/// RevokeToken.
pub async fn revoke_token(
    client: JsValue,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(2, client, body, authorization, JsValue::UNDEFINED, options).await
}

/// RetrieveTokenStatus.
pub async fn retrieve_token_status(
    client: JsValue,
    access_token: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        3,
        client,
        access_token,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        options,
    )
    .await
}

/// The S256 challenge of `verifier` as `flow.js` computes it: `crypto.subtle.digest`, then the
/// wasm's `pkceChallenge`.
pub async fn code_challenge(verifier: &str) -> Result<String, JsValue> {
    let data = js_sys::Uint8Array::from(verifier.as_bytes());
    let digest = wasm_bindgen_futures::JsFuture::from(subtle_digest("SHA-256", &data)).await?;
    square_oauth_edge::flow_api::pkce_challenge(&js_sys::Uint8Array::new(&digest).to_vec())
}

/// `createPkce()` as `flow.js` composes it.
pub async fn create_pkce() -> Result<JsValue, JsValue> {
    let verifier = square_oauth_edge::flow_api::create_verifier()?;
    let challenge = code_challenge(&verifier).await?;
    let obj = js_sys::Object::new();
    for (k, v) in [
        ("code_verifier", verifier.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ] {
        js_sys::Reflect::set(&obj, &k.into(), &v.into())?;
    }
    Ok(obj.into())
}

/// `authorizeUrl(params, options)` as `flow.js` calls the wasm.
pub fn authorize_url(params: JsValue, options: JsValue) -> Result<String, JsValue> {
    square_oauth_edge::flow_api::authorize_url(&encode_args(&js_sys::Array::of2(&params, &options)))
}

/// `parseCallback(url, expectedState)` as `flow.js` calls the wasm: `{ code, state }`.
pub fn parse_callback(url: JsValue, expected_state: JsValue) -> Result<JsValue, JsValue> {
    let text =
        square_oauth_edge::flow_api::parse_callback(&encode_callback_args(&url, &expected_state))?;
    JSON::parse(&text)
}

/// `shouldRefresh(token, options)` as `flow.js` calls the wasm.
pub fn should_refresh(token: JsValue, options: JsValue) -> Result<bool, JsValue> {
    square_oauth_edge::flow_api::should_refresh(&encode_refresh_args(&token, &options))
}
