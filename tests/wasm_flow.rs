//! The OAuth flow helpers, the `#[wasm_bindgen]` exports of `src/wasm/flow.rs` (`authorizeUrl`,
//! `createPkce`, `createState`, `parseCallback`, `shouldRefresh`) called as Rust, in Node
//! (default) and headless Chromium (`WASM_BINDGEN_USE_BROWSER=1`): Web Crypto randomness and
//! SHA-256 (RFC 7636 Appendix B through the real digest), the shape of verifiers and states, the
//! JavaScript conversions and `SquareError`s of every helper, and end-to-end PKCE, deny and
//! never-expiring-token flows against the fake Square.
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

use js_sys::{Array, Date, Function, Object, Promise, Reflect};
use square_oauth_edge::wasm::flow::{authorize_url, create_state, parse_callback, should_refresh};
use square_oauth_edge::wasm::OAuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod common;
use common::*;

const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DAY_MS: f64 = 86_400_000.0;
/// Every printable ASCII character (RFC 6749 A.5 `VSCHAR`, %x20-7E), space first.
const VSCHARS: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`\
                       abcdefghijklmnopqrstuvwxyz{|}~";

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

/// `new URL(href).searchParams.get(name)`: what a browser reads from a query.
fn query_param(href: &str, name: &str) -> Option<String> {
    let params = get(&new_url(href), "searchParams");
    let m: Function = get(&params, "get").dyn_into().unwrap();
    m.call1(&params, &JsValue::from_str(name))
        .unwrap()
        .as_string()
}

/// A callback URL as `URLSearchParams` writes it (a space as `+`), the way the fake Square
/// echoes `state`.
fn callback_href(base: &str, pairs: &[(&str, &str)]) -> String {
    let url = new_url(base);
    let params = get(&url, "searchParams");
    let append: Function = get(&params, "append").dyn_into().unwrap();
    for (k, v) in pairs {
        append
            .call2(&params, &JsValue::from_str(k), &JsValue::from_str(v))
            .unwrap();
    }
    s(&url, "href")
}

/// Asserts that a wasm export failed with a `SquareError` (an `Error` named `SquareError`) of
/// this `code` and `field`; returns its `message`.
fn assert_error(
    result: Result<impl std::fmt::Debug, JsValue>,
    code: &str,
    field: Option<&str>,
) -> String {
    let e = result.expect_err("expected an error");
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
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

/// The global `crypto.getRandomValues` replaced by `stub` until [`RandomValues::restore`].
/// wasm-bindgen-test runs one test at a time, so no other test sees the stub.
struct RandomValues {
    crypto: Object,
    own: JsValue,
}

const GET_RANDOM_VALUES: &str = "getRandomValues";

impl RandomValues {
    fn stub(stub: &Function) -> RandomValues {
        let crypto: Object = get(&js_sys::global(), "crypto").dyn_into().unwrap();
        let key = JsValue::from_str(GET_RANDOM_VALUES);
        let own = Reflect::get_own_property_descriptor(&crypto, &key).unwrap();
        assert!(Reflect::set(&crypto, &key, stub).unwrap(), "cannot stub");
        RandomValues { crypto, own }
    }

    fn restore(self) {
        let key = JsValue::from_str(GET_RANDOM_VALUES);
        if self.own.is_undefined() {
            assert!(Reflect::delete_property(&self.crypto, &key).unwrap());
        } else {
            let descriptor: Object = self.own.dyn_into().unwrap();
            assert!(Reflect::define_property(&self.crypto, &key, &descriptor).unwrap());
        }
    }
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
        let keys: Vec<String> = Object::keys(p.unchecked_ref::<Object>())
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
        let state = create_state().unwrap();
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

/// `createPkce` and `createState` encode exactly the bytes of the global
/// `crypto.getRandomValues` (48 and 32 of them), and the challenge is SHA-256 of the verifier
/// (expected values computed outside the crate, with Python's `base64` and `hashlib`); an
/// error of `getRandomValues` is passed through unchanged.
#[wasm_bindgen_test]
async fn pkce_and_state_from_known_random_bytes() {
    let fill = Function::new_with_args(
        "a",
        "for (let i = 0; i < a.length; i++) a[i] = (i * 53 + 7) & 255; return a;",
    );
    let stub = RandomValues::stub(&fill);
    let pkce = create_pkce().await;
    let state = create_state();
    stub.restore();
    let pkce = pkce.unwrap();
    assert_eq!(
        s(&pkce, "code_verifier"),
        "BzxxptsQRXqv5BlOg7jtIleMwfYrYJXK_zRpntMIPXKn3BFGe7DlGk-Eue4jWI3C"
    );
    assert_eq!(
        s(&pkce, "code_challenge"),
        "XBZYwFZoc0tjWZwZB71QMfShmK6dfJJpabP2kt64oy4"
    );
    assert_eq!(s(&pkce, "code_challenge_method"), "S256");
    assert_eq!(
        state.unwrap(),
        "BzxxptsQRXqv5BlOg7jtIleMwfYrYJXK_zRpntMIPXI"
    );

    let failure: JsValue = js_sys::TypeError::new("no entropy here").into();
    let throws = Function::new_with_args("e", "return function () { throw e; };")
        .call1(&JsValue::NULL, &failure)
        .unwrap()
        .dyn_into::<Function>()
        .unwrap();
    let stub = RandomValues::stub(&throws);
    let pkce = create_pkce().await;
    let state = create_state();
    stub.restore();
    assert!(Object::is(&pkce.unwrap_err(), &failure));
    assert!(Object::is(&state.unwrap_err(), &failure));
    // The real source is back.
    assert_ne!(create_state().unwrap(), create_state().unwrap());
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
    let hostile = Function::new_no_args("return { get client_id() { throw new Error('boom'); } };")
        .call0(&JsValue::NULL)
        .unwrap();
    assert_error(
        authorize_url(hostile, JsValue::UNDEFINED),
        "INVALID_TYPE",
        Some("params.client_id"),
    );
}

fn with_state(state: &str) -> JsValue {
    let params = json(r#"{"client_id":"a"}"#);
    Reflect::set(&params, &"state".into(), &JsValue::from_str(state)).unwrap();
    params
}

/// `state` is RFC 6749's `1*VSCHAR` (%x20-7E): printable ASCII, spaces included, percent-encoded
/// (a space as `%20`), 1 to 1024 characters; what `parseCallback` reads back is exactly what
/// went in, whether the callback encodes a space as `%20` or `+`.
#[wasm_bindgen_test]
fn state_with_spaces_round_trips() {
    assert_eq!(
        authorize_url(with_state("a b"), JsValue::UNDEFINED).unwrap(),
        "https://connect.squareup.com/oauth2/authorize?client_id=a&state=a%20b"
    );
    for state in [
        "a b",
        " has  spaces ",
        " ",
        "a+b",
        "s&t=a?b#c/d%e+f",
        VSCHARS,
        &"x ".repeat(512),
    ] {
        let url = authorize_url(with_state(state), JsValue::UNDEFINED).unwrap();
        let echoed = url.split_once("&state=").unwrap().1;
        assert!(!echoed.contains([' ', '+', '&', '#']), "{echoed}");
        assert_eq!(query_param(&url, "state").as_deref(), Some(state), "{url}");
        // Square echoes the value as it was sent …
        let sent = format!("https://app.example/cb?code=sq0cgb-abc&state={echoed}");
        let c = parse_callback(JsValue::from_str(&sent), JsValue::from_str(state)).unwrap();
        assert_eq!(s(&c, "state"), state);
        assert_eq!(s(&c, "code"), "sq0cgb-abc");
        // … or form-encoded (a space as '+'), as URLSearchParams writes it.
        let form = callback_href(
            "https://app.example/cb",
            &[("code", "sq0cgb-abc"), ("state", state)],
        );
        let c = parse_callback(new_url(&form), JsValue::from_str(state)).unwrap();
        assert_eq!(s(&c, "state"), state, "{form}");
        // A state that differs only in its spaces does not match.
        assert_error(
            parse_callback(
                JsValue::from_str(&sent),
                JsValue::from_str(&format!("{state} ")),
            ),
            "STATE_MISMATCH",
            None,
        );
    }
    assert!(authorize_url(with_state(&"x".repeat(1024)), JsValue::UNDEFINED).is_ok());
    for state in [String::new(), "x".repeat(1025), " ".repeat(1025)] {
        assert_error(
            authorize_url(with_state(&state), JsValue::UNDEFINED),
            "INVALID_VALUE",
            Some("params.state"),
        );
    }
}

/// Control and non-ASCII characters in `state` are refused (they could not round-trip).
#[wasm_bindgen_test]
fn state_refuses_control_and_non_ascii_characters() {
    for state in [
        "tab\there",
        "nul\0",
        "line\nfeed",
        "carriage\rreturn",
        "esc\u{1b}",
        "del\u{7f}",
        "caf\u{e9}",
        "nbsp\u{a0}",
        "emoji \u{1f600}",
        "\u{3000}",
    ] {
        let m = assert_error(
            authorize_url(with_state(state), JsValue::UNDEFINED),
            "INVALID_VALUE",
            Some("params.state"),
        );
        assert!(!m.contains(state), "{m}");
    }
    // A lone surrogate, which a Rust string cannot hold, is refused too.
    let params = json(r#"{"client_id":"a","state":"x\ud800"}"#);
    assert_error(
        authorize_url(params, JsValue::UNDEFINED),
        "INVALID_VALUE",
        Some("params.state"),
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
        parse_callback(
            JsValue::from_str("https://app.example/cb?code=c&state="),
            JsValue::from_str(""),
        ),
        "INVALID_VALUE",
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
        let o = Object::new();
        Reflect::set(&o, &"now".into(), &now).unwrap();
        JsValue::from(o)
    };
    let date = |ms: f64| JsValue::from(Date::new(&JsValue::from_f64(ms)));
    let token =
        json(r#"{"access_token":"EAAA","expires_at":"2025-05-03T18:31:06Z","refresh_token":"r"}"#);
    assert!(!should_refresh(token.clone(), opts(JsValue::from_f64(now))).unwrap());
    assert!(!should_refresh(token.clone(), opts(date(now))).unwrap());
    assert!(should_refresh(token.clone(), opts(date(now + 7.0 * DAY_MS))).unwrap());
    assert!(should_refresh(JsValue::from_str("2025-04-26T18:31:06Z"), opts(date(now))).unwrap());
    assert!(!should_refresh(JsValue::from_str("2025-04-26T18:31:07Z"), opts(date(now))).unwrap());
    // A date alone is midnight UTC (the runtime's Date.parse): 22.2 and 24.2 days left.
    assert!(should_refresh(JsValue::from_str("2025-04-26"), opts(date(now))).unwrap());
    assert!(!should_refresh(JsValue::from_str("2025-04-28"), opts(date(now))).unwrap());
    // No usable expires_at (absent, null, unparseable): due.
    assert!(should_refresh(json("{}"), JsValue::UNDEFINED).unwrap());
    assert!(should_refresh(json(r#"{"expires_at":null}"#), JsValue::UNDEFINED).unwrap());
    assert!(should_refresh(json(r#"{"expires_at":"next week"}"#), opts(date(now))).unwrap());
    assert!(should_refresh(JsValue::from_str("next week"), opts(date(now))).unwrap());
    // An empty expires_at is a token that never expires (CONTRACT §6): never due.
    assert!(!should_refresh(json(r#"{"expires_at":""}"#), JsValue::UNDEFINED).unwrap());
    assert!(!should_refresh(json(r#"{"expires_at":""}"#), opts(date(now))).unwrap());
    assert!(!should_refresh(JsValue::from_str(""), opts(date(now + 3650.0 * DAY_MS))).unwrap());
    // Without `now`, the real clock: a token from 2025 has expired.
    assert!(should_refresh(token.clone(), JsValue::UNDEFINED).unwrap());
    // Issued 10 days ago (expires in 20): not due when refreshing after 25 days.
    let o = json(r#"{"refreshAfterDays":25}"#);
    Reflect::set(&o, &"now".into(), &date(now + 10.0 * DAY_MS)).unwrap();
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
        should_refresh(json(r#"["2025-05-03T18:31:06Z"]"#), JsValue::UNDEFINED),
        "INVALID_TYPE",
        Some("token"),
    );
    let hostile =
        Function::new_no_args("return { get expires_at() { throw new Error('boom'); } };")
            .call0(&JsValue::NULL)
            .unwrap();
    assert_error(
        should_refresh(hostile, JsValue::UNDEFINED),
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
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into()).unwrap();
    let headers = json(r#"{"content-type":"application/x-www-form-urlencoded"}"#);
    Reflect::set(&init, &"headers".into(), &headers).unwrap();
    let body = format!("request_id={request_id}&decision={decision}");
    Reflect::set(&init, &"body".into(), &JsValue::from_str(&body)).unwrap();
    let landed = fetch(&format!("{}/oauth2/authorize/decision", fake()), &init).await;
    assert_eq!(get(&landed, "redirected").as_bool(), Some(true));
    s(&landed, "url")
}

/// `POST`s JSON to the fake's control API; returns the parsed answer.
async fn control(path: &str, body: &str) -> JsValue {
    let init = json(r#"{"method":"POST","headers":{"content-type":"application/json"}}"#);
    Reflect::set(&init, &"body".into(), &JsValue::from_str(body)).unwrap();
    let resp = fetch(&format!("{}{path}", fake()), &init).await;
    assert_eq!(get(&resp, "status").as_f64(), Some(200.0), "{path}");
    call(&resp, "json").await
}

async fn fake_now() -> f64 {
    let clock = fetch(&format!("{}/__fake/clock", fake()), &JsValue::UNDEFINED).await;
    get(&call(&clock, "json").await, "now").as_f64().unwrap()
}

fn client() -> OAuthClient {
    normalize(json(&format!(
        r#"{{"baseUrl":"{}","maxRetries":0}}"#,
        fake()
    )))
    .unwrap()
}

async fn obtain(body: &str) -> Result<JsValue, JsValue> {
    obtain_token(client(), json(body), JsValue::UNDEFINED).await
}

/// `{ now }` for `shouldRefresh`.
fn at(ms: f64) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"now".into(), &JsValue::from_f64(ms)).unwrap();
    o.into()
}

#[wasm_bindgen_test]
async fn pkce_flow_end_to_end() {
    let pkce = create_pkce().await.unwrap();
    let state = create_state().unwrap();
    let redirect = format!("{}/flow-test/callback", fake());
    let params = Object::new();
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
    assert!(!should_refresh(token.clone(), at(now)).unwrap());
    assert!(should_refresh(token.clone(), at(now + 7.0 * DAY_MS)).unwrap());

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

/// A state of every printable ASCII character, spaces included, survives the fake's consent
/// page (which echoes it form-encoded, a space as `+`) and the code it brings back works.
#[wasm_bindgen_test]
async fn vschar_state_end_to_end() {
    let state = format!("{VSCHARS} {}", create_state().unwrap());
    let redirect = format!("{}/flow-test/callback", fake());
    let params = json(&format!(
        r#"{{"client_id":"{APP_ID}","redirect_uri":"{redirect}"}}"#
    ));
    Reflect::set(&params, &"state".into(), &JsValue::from_str(&state)).unwrap();
    let url = authorize_url(params, json(&format!(r#"{{"baseUrl":"{}"}}"#, fake()))).unwrap();
    let landed = consent(&url, "allow").await;
    assert!(landed.starts_with(&redirect), "{landed}");
    assert_eq!(
        query_param(&landed, "state").as_deref(),
        Some(state.as_str())
    );
    assert_error(
        parse_callback(
            JsValue::from_str(&landed),
            JsValue::from_str(state.trim_start()),
        ),
        "STATE_MISMATCH",
        None,
    );
    let callback = parse_callback(JsValue::from_str(&landed), JsValue::from_str(&state)).unwrap();
    assert_eq!(s(&callback, "state"), state);
    let exchange = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","code":"{}","grant_type":"authorization_code","redirect_uri":"{redirect}"}}"#,
        s(&callback, "code")
    );
    let token = obtain(&exchange).await.unwrap();
    assert!(s(&token, "access_token").starts_with("EAAA"));
}

#[wasm_bindgen_test]
async fn deny_end_to_end() {
    let state = create_state().unwrap();
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

/// A token that never expires (a personal access token): RetrieveTokenStatus answers
/// `expires_at: ""`, and `shouldRefresh` never calls it due.
#[wasm_bindgen_test]
async fn never_expiring_token_end_to_end() {
    let issued = control(
        "/__fake/tokens",
        &format!(r#"{{"client_id":"{APP_ID}","expires_in_ms":null}}"#),
    )
    .await;
    assert_eq!(get(&issued, "expires_at").as_string().as_deref(), Some(""));
    let status = retrieve_token_status(client(), get(&issued, "access_token"), JsValue::UNDEFINED)
        .await
        .unwrap();
    assert_eq!(get(&status, "expires_at").as_string().as_deref(), Some(""));
    let now = fake_now().await;
    assert!(!should_refresh(status.clone(), at(now)).unwrap());
    assert!(!should_refresh(status.clone(), at(now + 3650.0 * DAY_MS)).unwrap());
    assert!(!should_refresh(status, JsValue::UNDEFINED).unwrap());

    // A 30-day token from the same control API is due after 7 days, as Square advises.
    let issued = control(
        "/__fake/tokens",
        &format!(
            r#"{{"client_id":"{APP_ID}","expires_in_ms":{}}}"#,
            30.0 * DAY_MS
        ),
    )
    .await;
    let status = retrieve_token_status(client(), get(&issued, "access_token"), JsValue::UNDEFINED)
        .await
        .unwrap();
    assert!(!s(&status, "expires_at").is_empty());
    let now = fake_now().await;
    assert!(!should_refresh(status.clone(), at(now + 6.9 * DAY_MS)).unwrap());
    assert!(should_refresh(status, at(now + 7.1 * DAY_MS)).unwrap());
}
