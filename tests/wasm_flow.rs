//! The OAuth flow helpers as wasm exports, in Node (default) and headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): Web Crypto randomness and SHA-256 (RFC 7636 Appendix B
//! through the real digest), the shape of verifiers and states, the JavaScript conversions of
//! every helper, and an end-to-end PKCE flow against the fake Square's consent page.
//!
//! Run through `make test-wasm-node` / `make test-wasm-browser`, which start the fake on
//! `FAKE_SQUARE_URL` (baked in at compile time), or by hand:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner scripts/with-fake.sh
//! cargo test --target wasm32-unknown-unknown --test wasm_flow`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashSet;

use js_sys::{Array, Date, Function, Promise, Reflect};
use square_oauth_edge::flow_api;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod common;
use common::*;

const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

/// `new URL(href)`, through the global constructor.
fn new_url(href: &str) -> JsValue {
    let ctor: Function = get(&js_sys::global(), "URL").dyn_into().unwrap();
    Reflect::construct(&ctor, &Array::of1(&JsValue::from_str(href))).unwrap()
}

/// Asserts that a wasm export failed with the plain error object `{ name, code, field? }`.
fn assert_error(
    result: Result<impl std::fmt::Debug, JsValue>,
    code: &str,
    field: Option<&str>,
) -> String {
    let e = result.expect_err("expected an error");
    assert_eq!(s(&e, "name"), "SquareError");
    assert_eq!(s(&e, "code"), code, "{}", s(&e, "message"));
    assert_eq!(
        get(&e, "field").as_string().as_deref(),
        field,
        "{}",
        s(&e, "message")
    );
    s(&e, "message")
}

async fn call(f: &JsValue, method: &str) -> JsValue {
    let m: Function = get(f, method).dyn_into().unwrap();
    JsFuture::from(m.call0(f).unwrap().dyn_into::<Promise>().unwrap())
        .await
        .unwrap()
}

async fn fetch(url: &str, init: &JsValue) -> JsValue {
    JsFuture::from(raw_fetch(url, init)).await.unwrap()
}

#[wasm_bindgen_test]
async fn rfc7636_appendix_b_through_web_crypto() {
    assert_eq!(code_challenge(VERIFIER).await.unwrap(), CHALLENGE);
    // And an input that is not a valid verifier still digests (SHA-256 of "abc", RFC 6234).
    assert_eq!(
        code_challenge("abc").await.unwrap(),
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
    );
}

#[wasm_bindgen_test]
async fn create_pkce_shape() {
    let mut verifiers = HashSet::new();
    let mut chars = HashSet::new();
    for _ in 0..20 {
        let p = create_pkce().await.unwrap();
        let keys: Vec<String> = js_sys::Object::keys(p.unchecked_ref::<js_sys::Object>())
            .iter()
            .map(|k| k.as_string().unwrap())
            .collect();
        assert_eq!(
            keys,
            ["code_verifier", "code_challenge", "code_challenge_method"]
        );
        let verifier = s(&p, "code_verifier");
        let challenge = s(&p, "code_challenge");
        assert_eq!(verifier.len(), 64, "{verifier}");
        assert!((43..=128).contains(&verifier.len()));
        assert!(verifier.chars().all(|c| B64URL.contains(c)), "{verifier}");
        // 48 bytes = 384 bits: the last character carries no padding bits.
        assert_eq!(challenge.len(), 43);
        assert!(challenge.chars().all(|c| B64URL.contains(c)));
        assert_eq!(s(&p, "code_challenge_method"), "S256");
        assert_eq!(code_challenge(&verifier).await.unwrap(), challenge);
        chars.extend(verifier.chars());
        assert!(verifiers.insert(verifier), "a verifier repeated");
    }
    // 1280 random characters from a 64-character alphabet: a broken source would show far fewer.
    assert!(
        chars.len() >= 60,
        "only {} distinct characters",
        chars.len()
    );
}

#[wasm_bindgen_test]
fn create_state_shape() {
    let mut seen = HashSet::new();
    let mut first = HashSet::new();
    for _ in 0..200 {
        let state = flow_api::create_state().unwrap();
        assert_eq!(state.len(), 43, "{state}");
        assert!(state.chars().all(|c| B64URL.contains(c)), "{state}");
        // 32 bytes = 256 bits in 43 characters: the last one has its 2 low bits clear.
        let last = B64URL.find(state.chars().last().unwrap()).unwrap();
        assert_eq!(last & 3, 0, "{state}");
        first.insert(state.chars().next().unwrap());
        assert!(seen.insert(state), "a state repeated");
    }
    assert!(
        first.len() >= 40,
        "first characters are not spread: {}",
        first.len()
    );
}

#[wasm_bindgen_test]
fn authorize_url_export() {
    let url = authorize_url(
        json(
            r#"{"client_id":"sq0idp-a b","scope":["PAYMENTS_READ","ORDERS_READ"],"state":"x&y",
                "redirect_uri":"http://localhost:3000/cb","locale":"ja-JP","session":false,
                "code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}"#,
        ),
        json(r#"{"environment":"sandbox"}"#),
    )
    .unwrap();
    assert_eq!(
        url,
        "https://connect.squareupsandbox.com/oauth2/authorize?client_id=sq0idp-a%20b\
         &scope=PAYMENTS_READ+ORDERS_READ&state=x%26y\
         &redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&locale=ja-JP&session=false\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    // `undefined` members are absent, as in JSON.
    let params = json(r#"{"client_id":"a"}"#);
    Reflect::set(&params, &"state".into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(
        authorize_url(params, JsValue::UNDEFINED).unwrap(),
        "https://connect.squareup.com/oauth2/authorize?client_id=a"
    );
    let m = assert_error(
        authorize_url(json(r#"{"clientId":"a"}"#), JsValue::UNDEFINED),
        "UNKNOWN_FIELD",
        Some("params.clientId"),
    );
    assert!(m.contains("\"client_id\""), "{m}");
    assert_error(
        authorize_url(
            json(r#"{"client_id":"a","scope":["PAYMENT_READ"]}"#),
            JsValue::UNDEFINED,
        ),
        "INVALID_VALUE",
        Some("params.scope"),
    );
    assert_error(
        authorize_url(JsValue::UNDEFINED, JsValue::UNDEFINED),
        "MISSING_FIELD",
        Some("params"),
    );
    assert_error(
        authorize_url(
            json(r#"{"client_id":"a"}"#),
            json(r#"{"baseUrl":"http://example.com"}"#),
        ),
        "INSECURE_URL",
        Some("options.baseUrl"),
    );
    assert_error(
        authorize_url(JsValue::from_str("a"), JsValue::UNDEFINED),
        "INVALID_TYPE",
        Some("params"),
    );
    // A getter that throws is an input error, not a crash.
    let hostile =
        js_sys::Function::new_no_args("return { get client_id() { throw new Error('boom'); } };")
            .call0(&JsValue::NULL)
            .unwrap();
    assert_error(
        authorize_url(hostile, JsValue::UNDEFINED),
        "INVALID_TYPE",
        Some("params.client_id"),
    );
}

#[wasm_bindgen_test]
fn parse_callback_export() {
    let href = "https://app.example/cb?code=sq0cgb-abc&response_type=code&state=st%2B1";
    for url in [JsValue::from_str(href), new_url(href)] {
        let c = parse_callback(url, JsValue::from_str("st+1")).unwrap();
        assert_eq!(s(&c, "code"), "sq0cgb-abc");
        assert_eq!(s(&c, "state"), "st+1");
    }
    let m = assert_error(
        parse_callback(
            new_url(
                "https://app.example/cb?error=access_denied&error_description=user_denied&state=st",
            ),
            JsValue::from_str("st"),
        ),
        "ACCESS_DENIED",
        None,
    );
    assert!(m.contains("user_denied"), "{m}");
    assert_error(
        parse_callback(
            JsValue::from_str("https://app.example/cb?error=temporarily_unavailable&state=st"),
            JsValue::from_str("st"),
        ),
        "AUTHORIZATION_ERROR",
        None,
    );
    let m = assert_error(
        parse_callback(
            JsValue::from_str("https://app.example/cb?code=sq0cgb-abc&state=st-other"),
            JsValue::from_str("st-expected"),
        ),
        "STATE_MISMATCH",
        None,
    );
    assert!(!m.contains("sq0cgb-abc") && !m.contains("st-"), "{m}");
    assert_error(
        parse_callback(
            JsValue::from_str("https://app.example/cb?state=st"),
            JsValue::from_str("st"),
        ),
        "MISSING_CODE",
        None,
    );
    assert_error(
        parse_callback(
            JsValue::from_str("https://app.example/cb?code=c"),
            JsValue::UNDEFINED,
        ),
        "MISSING_FIELD",
        Some("expectedState"),
    );
    assert_error(
        parse_callback(JsValue::from_f64(1.0), JsValue::from_str("st")),
        "INVALID_TYPE",
        Some("url"),
    );
    assert_error(
        parse_callback(json("{}"), JsValue::from_str("st")),
        "INVALID_TYPE",
        Some("url"),
    );
}

#[wasm_bindgen_test]
fn should_refresh_export() {
    let now = 1_743_705_066_000.0; // 2025-04-03T18:31:06Z
    let opts = |now: JsValue| {
        let o = js_sys::Object::new();
        Reflect::set(&o, &"now".into(), &now).unwrap();
        JsValue::from(o)
    };
    let date = |ms: f64| JsValue::from(Date::new(&JsValue::from_f64(ms)));
    let token =
        json(r#"{"access_token":"EAAA","expires_at":"2025-05-03T18:31:06Z","refresh_token":"r"}"#);
    assert!(!should_refresh(token.clone(), opts(JsValue::from_f64(now))).unwrap());
    assert!(!should_refresh(token.clone(), opts(date(now))).unwrap());
    assert!(should_refresh(token.clone(), opts(date(now + 7.0 * 86_400_000.0))).unwrap());
    assert!(should_refresh(JsValue::from_str("2025-04-26T18:31:06Z"), opts(date(now))).unwrap());
    assert!(!should_refresh(JsValue::from_str("2025-04-26T18:31:07Z"), opts(date(now))).unwrap());
    assert!(should_refresh(json("{}"), JsValue::UNDEFINED).unwrap());
    assert!(should_refresh(json(r#"{"expires_at":""}"#), JsValue::UNDEFINED).unwrap());
    // Without `now`, the real clock: a token from 2025 has expired.
    assert!(should_refresh(token.clone(), JsValue::UNDEFINED).unwrap());
    // Issued 10 days ago (expires in 20): not due when refreshing after 25 days.
    let o = json(r#"{"refreshAfterDays":25}"#);
    Reflect::set(&o, &"now".into(), &date(now + 10.0 * 86_400_000.0)).unwrap();
    assert!(!should_refresh(token.clone(), o).unwrap());
    assert_error(
        should_refresh(token.clone(), opts(date(f64::NAN))),
        "INVALID_VALUE",
        Some("options.now"),
    );
    assert_error(
        should_refresh(token.clone(), opts(JsValue::from_str("today"))),
        "INVALID_TYPE",
        Some("options.now"),
    );
    assert_error(
        should_refresh(token.clone(), json(r#"{"refreshAfterDays":45}"#)),
        "INVALID_VALUE",
        Some("options.refreshAfterDays"),
    );
    assert_error(
        should_refresh(token.clone(), json(r#"{"refresh_after_days":1}"#)),
        "UNKNOWN_FIELD",
        Some("options.refresh_after_days"),
    );
    assert_error(
        should_refresh(json(r#"{"expires_at":5}"#), JsValue::UNDEFINED),
        "INVALID_TYPE",
        Some("token.expires_at"),
    );
    assert_error(
        should_refresh(JsValue::UNDEFINED, JsValue::UNDEFINED),
        "MISSING_FIELD",
        Some("token"),
    );
}

/// Opens the fake's consent page for `url`, presses `decision`, follows the redirect to the
/// redirect URL (a path on the fake, so that the browser may read where it landed) and returns
/// that final URL.
async fn consent(url: &str, decision: &str) -> String {
    let page = fetch(url, &JsValue::UNDEFINED).await;
    assert_eq!(get(&page, "status").as_f64(), Some(200.0));
    let html = call(&page, "text").await.as_string().unwrap();
    let marker = "name=\"request_id\" value=\"";
    let start = html
        .find(marker)
        .expect("no request_id in the consent page")
        + marker.len();
    let request_id = &html[start..start + html[start..].find('"').unwrap()];
    assert!(
        html.contains(&format!("value=\"{decision}\"")),
        "no {decision} button"
    );
    let init = js_sys::Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into()).unwrap();
    let headers = json(r#"{"content-type":"application/x-www-form-urlencoded"}"#);
    Reflect::set(&init, &"headers".into(), &headers).unwrap();
    let body = format!("request_id={request_id}&decision={decision}");
    Reflect::set(&init, &"body".into(), &JsValue::from_str(&body)).unwrap();
    let landed = fetch(&format!("{}/oauth2/authorize/decision", fake()), &init).await;
    assert_eq!(get(&landed, "redirected").as_bool(), Some(true));
    s(&landed, "url")
}

async fn fake_now() -> f64 {
    let clock = fetch(&format!("{}/__fake/clock", fake()), &JsValue::UNDEFINED).await;
    get(&call(&clock, "json").await, "now").as_f64().unwrap()
}

fn client() -> JsValue {
    normalize(json(&format!(
        r#"{{"baseUrl":"{}","maxRetries":0}}"#,
        fake()
    )))
    .unwrap()
}

async fn obtain(body: &str) -> Result<JsValue, JsValue> {
    obtain_token(client(), json(body), JsValue::UNDEFINED).await
}

#[wasm_bindgen_test]
async fn pkce_flow_end_to_end() {
    let pkce = create_pkce().await.unwrap();
    let state = flow_api::create_state().unwrap();
    let redirect = format!("{}/flow-test/callback", fake());
    let params = js_sys::Object::new();
    for (k, v) in [
        ("client_id", APP_ID),
        ("scope", "PAYMENTS_READ MERCHANT_PROFILE_READ"),
        ("state", &state),
        ("redirect_uri", &redirect),
        ("code_challenge", &s(&pkce, "code_challenge")),
    ] {
        Reflect::set(&params, &k.into(), &v.into()).unwrap();
    }
    let options = json(&format!(r#"{{"baseUrl":"{}"}}"#, fake()));
    let url = authorize_url(params.into(), options).unwrap();
    assert!(url.starts_with(&format!("{}/oauth2/authorize?client_id=", fake())));

    let landed = consent(&url, "allow").await;
    assert!(landed.starts_with(&redirect), "{landed}");
    // A forged callback with another state is refused before its code is handed out.
    let forged = landed.replace(&state, "forged-state");
    assert_error(
        parse_callback(JsValue::from_str(&forged), JsValue::from_str(&state)),
        "STATE_MISMATCH",
        None,
    );
    let callback = parse_callback(new_url(&landed), JsValue::from_str(&state)).unwrap();
    assert_eq!(s(&callback, "state"), state);
    let code = s(&callback, "code");

    // Exchanging with another verifier fails (and does not consume the code); with it, works.
    let wrong_verifier = format!(
        r#"{{"client_id":"{APP_ID}","code":"{code}","grant_type":"authorization_code","redirect_uri":"{redirect}","code_verifier":"{VERIFIER}"}}"#
    );
    let e = obtain(&wrong_verifier).await.unwrap_err();
    assert_eq!(s(&e, "code"), "SQUARE_ERROR");
    let exchange = format!(
        r#"{{"client_id":"{APP_ID}","code":"{code}","grant_type":"authorization_code","redirect_uri":"{redirect}","code_verifier":"{}"}}"#,
        s(&pkce, "code_verifier")
    );
    let token = obtain(&exchange).await.unwrap();
    assert!(s(&token, "access_token").starts_with("EAAA"));
    let first_refresh = s(&token, "refresh_token");
    assert!(
        !s(&token, "refresh_token_expires_at").is_empty(),
        "PKCE refresh tokens expire"
    );
    let now = fake_now().await;
    let at = |ms: f64| {
        let o = js_sys::Object::new();
        Reflect::set(&o, &"now".into(), &JsValue::from_f64(ms)).unwrap();
        JsValue::from(o)
    };
    assert!(!should_refresh(token.clone(), at(now)).unwrap());
    assert!(should_refresh(token.clone(), at(now + 7.0 * 86_400_000.0)).unwrap());

    // PKCE refresh: a new single-use refresh token each time; the old one is spent.
    let refresh = |t: &str| {
        format!(r#"{{"client_id":"{APP_ID}","grant_type":"refresh_token","refresh_token":"{t}"}}"#)
    };
    let fresh = obtain(&refresh(&first_refresh)).await.unwrap();
    let second_refresh = s(&fresh, "refresh_token");
    assert!(!second_refresh.is_empty());
    assert_ne!(second_refresh, first_refresh);
    let e = obtain(&refresh(&first_refresh)).await.unwrap_err();
    assert_eq!(s(&e, "code"), "SQUARE_ERROR");
    assert_eq!(get(&e, "statusCode").as_f64(), Some(401.0));
    assert!(obtain(&refresh(&second_refresh)).await.is_ok());
}

#[wasm_bindgen_test]
async fn deny_end_to_end() {
    let state = flow_api::create_state().unwrap();
    let redirect = format!("{}/flow-test/callback", fake());
    let params = json(&format!(
        r#"{{"client_id":"{APP_ID}","state":"{state}","redirect_uri":"{redirect}","locale":"en-US"}}"#
    ));
    let url = authorize_url(params, json(&format!(r#"{{"baseUrl":"{}"}}"#, fake()))).unwrap();
    let landed = consent(&url, "deny").await;
    let m = assert_error(
        parse_callback(JsValue::from_str(&landed), JsValue::from_str(&state)),
        "ACCESS_DENIED",
        None,
    );
    assert!(m.contains("user_denied"), "{m}");
}
