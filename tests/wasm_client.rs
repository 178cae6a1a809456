//! The client against the fake Square, in Node (default) and headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): every endpoint, every grant type, success and error paths,
//! asserting the exact method, path, headers and JSON body the fake received.
//!
//! Run through `make test-wasm-node` / `make test-wasm-browser`, which start the fake on
//! `FAKE_SQUARE_URL` (baked in at compile time).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use js_sys::{Array, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod common;
use common::*;
use square_oauth_edge::wasm::OAuthClient;

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |acc, k| {
        Reflect::get(&acc, &JsValue::from_str(k)).unwrap()
    })
}

fn s(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_default()
}

/// Calls the fake's control API.
async fn control(method: &str, path: &str, body: &str) -> JsValue {
    let init = json(&format!(
        r#"{{"method":"{method}","headers":{{"content-type":"application/json"}}{}}}"#,
        if method == "GET" {
            String::new()
        } else {
            format!(
                ",\"body\":{}",
                JSON::stringify(&JsValue::from_str(body)).unwrap()
            )
        }
    ));
    let resp = JsFuture::from(raw_fetch(&format!("{}{path}", fake()), &init))
        .await
        .unwrap();
    let text = JsFuture::from(
        Reflect::get(&resp, &"json".into())
            .unwrap()
            .dyn_into::<js_sys::Function>()
            .unwrap()
            .call0(&resp)
            .unwrap()
            .dyn_into::<Promise>()
            .unwrap(),
    )
    .await
    .unwrap();
    text
}

/// `e` is Square's 401 UNAUTHORIZED, and its JSON holds nothing of `secret`.
fn assert_unauthorized(e: &JsValue, secret: &str) {
    assert_eq!(s(e, "code"), "SQUARE_ERROR");
    assert_eq!(get(e, "statusCode").as_f64(), Some(401.0));
    assert_eq!(s(&get(&get(e, "errors"), "0"), "code"), "UNAUTHORIZED");
    let dump = JSON::stringify(e).unwrap().as_string().unwrap();
    assert!(!dump.contains(secret), "a secret in the error: {dump}");
}

/// A token from a fresh code-flow exchange.
async fn code_flow_token() -> JsValue {
    let c = code("").await;
    let body = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","code":"{c}","grant_type":"authorization_code"}}"#
    );
    ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await
}

async fn reset() {
    control("POST", "/__fake/reset", "{}").await;
}

async fn requests() -> Array {
    get(&control("GET", "/__fake/requests", "").await, "requests")
        .dyn_into()
        .unwrap()
}

async fn last_request() -> JsValue {
    let all = requests().await;
    assert!(all.length() > 0, "the fake received no request");
    all.get(all.length() - 1)
}

async fn code(extra: &str) -> String {
    s(
        &control(
            "POST",
            "/__fake/codes",
            &format!(r#"{{"client_id":"{APP_ID}"{extra}}}"#),
        )
        .await,
        "code",
    )
}

fn client(extra: &str) -> OAuthClient {
    normalize(json(&format!(r#"{{"baseUrl":"{}"{extra}}}"#, fake()))).unwrap()
}

async fn ok(p: impl std::future::Future<Output = Result<JsValue, JsValue>>) -> JsValue {
    match p.await {
        Ok(v) => v,
        Err(e) => panic!("call failed: {} {}", s(&e, "code"), s(&e, "message")),
    }
}

async fn fails(p: impl std::future::Future<Output = Result<JsValue, JsValue>>) -> JsValue {
    match p.await {
        Ok(v) => panic!("call succeeded: {}", JSON::stringify(&v).unwrap()),
        Err(e) => e,
    }
}

/// The headers every POST with a JSON body carries.
fn assert_json_post(req: &JsValue, path: &str) {
    assert_eq!(s(req, "method"), "POST");
    assert_eq!(s(req, "path"), path);
    assert_eq!(s(req, "headers.content-type"), "application/json");
    assert_eq!(s(req, "headers.accept"), "application/json");
    assert_eq!(s(req, "headers.square-version"), "2025-08-20");
}

fn body_json(req: &JsValue) -> String {
    // Re-serialise the parsed body so the comparison ignores white space but not field order.
    JSON::stringify(&get(req, "json"))
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn obtain_token_code_flow_and_refresh() {
    reset().await;
    let c = code("").await;
    let body = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","code":"{c}","grant_type":"authorization_code"}}"#
    );
    let tok = ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert!(s(&tok, "access_token").starts_with("EAAA"));
    assert_eq!(s(&tok, "token_type"), "bearer");
    assert_eq!(s(&tok, "merchant_id"), "MLFAKEMERCHANT01");
    let refresh = s(&tok, "refresh_token");
    let req = last_request().await;
    assert_json_post(&req, "/oauth2/token");
    assert!(
        get(&req, "headers.authorization").is_undefined(),
        "ObtainToken sends no Authorization"
    );
    assert_eq!(body_json(&req), body);

    // Code-flow refresh: multi-use, the same refresh token comes back; scopes narrow the token.
    let body = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","grant_type":"refresh_token","refresh_token":"{refresh}","scopes":["PAYMENTS_READ"],"short_lived":true}}"#
    );
    let tok2 = ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert_eq!(s(&tok2, "refresh_token"), refresh);
    assert_eq!(get(&tok2, "short_lived").as_bool(), Some(true));
    let req = last_request().await;
    assert_eq!(
        body_json(&req),
        format!(
            r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","grant_type":"refresh_token","refresh_token":"{refresh}","scopes":["PAYMENTS_READ"],"short_lived":true}}"#
        )
    );
    let status = ok(retrieve_token_status(
        client(""),
        JsValue::from_str(&s(&tok2, "access_token")),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        JSON::stringify(&get(&status, "scopes")).unwrap(),
        "[\"PAYMENTS_READ\"]"
    );

    // The code was single-use.
    let again = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","code":"{c}","grant_type":"authorization_code"}}"#
    );
    let e = fails(obtain_token(client(""), json(&again), JsValue::UNDEFINED)).await;
    assert_unauthorized(&e, SECRET);
}

#[wasm_bindgen_test]
async fn obtain_token_pkce_rotates_single_use_refresh_tokens() {
    reset().await;
    let redirect = "http://localhost:8787/callback";
    let c = code(&format!(
        r#","code_challenge":"{CHALLENGE}","redirect_uri":"{redirect}""#
    ))
    .await;
    let body = format!(
        r#"{{"client_id":"{APP_ID}","code":"{c}","redirect_uri":"{redirect}","grant_type":"authorization_code","code_verifier":"{VERIFIER}"}}"#
    );
    let tok = ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert!(
        !s(&tok, "refresh_token_expires_at").is_empty(),
        "PKCE answers carry refresh_token_expires_at"
    );
    let req = last_request().await;
    assert_json_post(&req, "/oauth2/token");
    assert_eq!(body_json(&req), body);

    let r1 = s(&tok, "refresh_token");
    let body = format!(
        r#"{{"client_id":"{APP_ID}","grant_type":"refresh_token","refresh_token":"{r1}"}}"#
    );
    let tok2 = ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    let r2 = s(&tok2, "refresh_token");
    assert_ne!(r1, r2, "a PKCE refresh returns a new refresh token");
    assert_eq!(body_json(&last_request().await), body);
    let e = fails(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert_eq!(
        s(&e, "code"),
        "SQUARE_ERROR",
        "the old PKCE refresh token is spent"
    );

    // A wrong verifier fails at Square.
    let c = code(&format!(r#","code_challenge":"{CHALLENGE}""#)).await;
    let wrong = "a".repeat(43);
    let body = format!(
        r#"{{"client_id":"{APP_ID}","code":"{c}","grant_type":"authorization_code","code_verifier":"{wrong}"}}"#
    );
    let e = fails(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert_eq!(get(&e, "statusCode").as_f64(), Some(401.0));
}

#[wasm_bindgen_test]
async fn obtain_token_migration_grant() {
    reset().await;
    let legacy = control("POST", "/__fake/tokens", r#"{"legacy":true}"#).await;
    let m = s(&legacy, "migration_token");
    let body = format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","grant_type":"migration_token","migration_token":"{m}"}}"#
    );
    let tok = ok(obtain_token(client(""), json(&body), JsValue::UNDEFINED)).await;
    assert!(s(&tok, "access_token").starts_with("EAAA"));
    assert_eq!(body_json(&last_request().await), body);
}

#[wasm_bindgen_test]
async fn renew_adds_the_client_prefix_and_applies_the_client_version() {
    reset().await;
    let t = control("POST", "/__fake/tokens", "{}").await;
    let access = s(&t, "access_token");
    let c = client(r#","squareVersion":"2024-03-20""#);
    let renewed = ok(renew_token(
        c,
        JsValue::from_str(APP_ID),
        json(&format!(r#"{{"access_token":"{access}"}}"#)),
        JsValue::from_str(SECRET),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(s(&renewed, "access_token").starts_with("EAAA"));
    let req = last_request().await;
    assert_eq!(
        s(&req, "path"),
        format!("/oauth2/clients/{APP_ID}/access-token/renew")
    );
    assert_eq!(s(&req, "headers.authorization"), format!("Client {SECRET}"));
    assert_eq!(
        s(&req, "headers.square-version"),
        "2024-03-20",
        "the client-level version applies"
    );
    assert_eq!(body_json(&req), format!(r#"{{"access_token":"{access}"}}"#));

    // A per-call version wins over the client's.
    let _ = renew_token(
        client(r#","squareVersion":"2024-03-20""#),
        JsValue::from_str(APP_ID),
        json(&format!(
            r#"{{"access_token":"{}"}}"#,
            s(&renewed, "access_token")
        )),
        JsValue::from_str(&format!("Client {SECRET}")),
        json(r#"{"squareVersion":"2024-01-18"}"#),
    )
    .await;
    assert_eq!(
        s(&last_request().await, "headers.square-version"),
        "2024-01-18"
    );

    // A hostile client id is percent-encoded into one path segment and cannot change the route.
    let _ = renew_token(
        client(""),
        JsValue::from_str("../revoke?x#y"),
        json(r#"{"access_token":"EAAAxx"}"#),
        JsValue::from_str(SECRET),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(
        s(&last_request().await, "path"),
        "/oauth2/clients/..%2Frevoke%3Fx%23y/access-token/renew"
    );
}

#[wasm_bindgen_test]
async fn revoke_really_revokes_and_status_fails_after() {
    reset().await;
    let tok = code_flow_token().await;
    let access = s(&tok, "access_token");

    let status = ok(retrieve_token_status(
        client(""),
        JsValue::from_str(&access),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&status, "client_id"), APP_ID);
    let req = last_request().await;
    assert_eq!(s(&req, "method"), "POST");
    assert_eq!(s(&req, "path"), "/oauth2/token/status");
    assert_eq!(s(&req, "headers.authorization"), format!("Bearer {access}"));
    assert!(
        get(&req, "headers.content-type").is_undefined(),
        "no body, no Content-Type"
    );
    assert_eq!(s(&req, "body"), "");

    let revoke = format!(r#"{{"client_id":"{APP_ID}","access_token":"{access}"}}"#);
    let r = ok(revoke_token(
        client(""),
        json(&revoke),
        JsValue::from_str(&format!("Client {SECRET}")),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(get(&r, "success").as_bool(), Some(true));
    let req = last_request().await;
    assert_json_post(&req, "/oauth2/revoke");
    assert_eq!(s(&req, "headers.authorization"), format!("Client {SECRET}"));
    assert_eq!(body_json(&req), revoke);

    let e = fails(retrieve_token_status(
        client(""),
        JsValue::from_str(&access),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_unauthorized(&e, &access);

    // By merchant id.
    let tok = code_flow_token().await;
    let revoke = format!(r#"{{"client_id":"{APP_ID}","merchant_id":"MLFAKEMERCHANT01"}}"#);
    ok(revoke_token(
        client(""),
        json(&revoke),
        JsValue::from_str(SECRET),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(body_json(&last_request().await), revoke);
    let e = fails(retrieve_token_status(
        client(""),
        JsValue::from_str(&s(&tok, "access_token")),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&e, "code"), "SQUARE_ERROR");
}

#[wasm_bindgen_test]
async fn bad_input_sends_nothing() {
    reset().await;
    let before = requests().await.length();
    let e = fails(revoke_token(
        client(""),
        json(r#"{"client_id":"a","access_token":"EAAAx"}"#),
        JsValue::from_str("Bearer EAAAx"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&e, "code"), "INVALID_AUTHORIZATION");
    assert_eq!(s(&e, "field"), "authorization");
    let e = fails(obtain_token(
        client(""),
        json(r#"{"clientId":"a","grant_type":"refresh_token"}"#),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&e, "code"), "UNKNOWN_FIELD");
    assert!(s(&e, "message").contains("client_id"));
    let e = fails(retrieve_token_status(
        client(""),
        JsValue::from_str("EAAA\r\nX-Evil: 1"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&e, "code"), "UNSAFE_HEADER_VALUE");
    let e = fails(revoke_token(
        client(""),
        json(r#"{"access_token":"EAAAx","merchant_id":"MLFAKEMERCHANT01"}"#),
        JsValue::from_str(SECRET),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(s(&e, "code"), "CONFLICTING_FIELDS");
    let e = normalize(json(r#"{"baseUrl":"http://example.com"}"#)).unwrap_err();
    assert_eq!(s(&e, "code"), "INSECURE_URL");
    assert_eq!(requests().await.length(), before, "nothing was sent");
}

async fn queue(responses: &str) {
    control(
        "POST",
        "/__fake/queue",
        &format!(r#"{{"responses":{responses}}}"#),
    )
    .await;
}

fn refresh_body() -> JsValue {
    json(&format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","grant_type":"refresh_token","refresh_token":"EQAAnothing"}}"#
    ))
}

#[wasm_bindgen_test]
async fn hostile_answers_get_their_codes() {
    reset().await;
    let no_retry = json(r#"{"maxRetries":0}"#);
    let cases = [
        (
            r#"[{"status":502,"headers":{"content-type":"text/html"},"body":"<html>Bad gateway</html>"}]"#,
            "HTTP_ERROR",
        ),
        (
            r#"[{"status":400,"headers":{"content-type":"application/json"},"body":"{\"message\":\"bad authorization header\",\"type\":\"bad_request.invalid_parameter\"}"}]"#,
            "SQUARE_ERROR",
        ),
        (
            r#"[{"status":200,"headers":{"content-type":"application/json"},"body":"{\"errors\":[{\"category\":\"API_ERROR\",\"code\":\"INTERNAL_SERVER_ERROR\"}]}"}]"#,
            "ERRORS_IN_SUCCESS",
        ),
        (
            r#"[{"status":200,"headers":{"content-type":"application/json"},"body":"{\"access_token\":"}]"#,
            "INVALID_JSON",
        ),
        (
            r#"[{"status":200,"headers":{"content-type":"application/json"},"body":"[1,2]"}]"#,
            "INVALID_RESPONSE",
        ),
        (
            r#"[{"status":200,"headers":{"content-type":"application/json"},"body":""}]"#,
            "EMPTY_RESPONSE",
        ),
        (
            r#"[{"status":200,"headers":{"content-type":"text/plain"},"body":"{\"access_token\":\"x\"}"}]"#,
            "UNEXPECTED_CONTENT_TYPE",
        ),
        (
            r#"[{"status":302,"headers":{"location":"https://evil.example/steal"},"body":""}]"#,
            "REDIRECT",
        ),
    ];
    for (script, expected) in cases {
        queue(script).await;
        let before = requests().await.length();
        let e = fails(obtain_token(client(""), refresh_body(), no_retry.clone())).await;
        assert_eq!(s(&e, "code"), expected, "{script}");
        assert_eq!(
            requests().await.length(),
            before + 1,
            "one request, no redirect followed: {script}"
        );
        if expected == "SQUARE_ERROR" {
            assert_eq!(s(&get(&get(&e, "errors"), "0"), "category"), "V1_ERROR");
            assert_eq!(
                s(&get(&get(&e, "errors"), "0"), "code"),
                "bad_request.invalid_parameter"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn retries_follow_the_policy() {
    reset().await;
    let fast = json(r#"{"maxRetries":2}"#);
    // A safe call (code-flow refresh) is retried through two 503s and then succeeds against the
    // model (which then answers 401 for this unknown refresh token: three attempts in all).
    queue(r#"[{"status":503,"body":""},{"status":503,"headers":{"retry-after":"0"},"body":""}]"#)
        .await;
    let before = requests().await.length();
    let e = fails(obtain_token(client(""), refresh_body(), fast.clone())).await;
    assert_eq!(s(&e, "code"), "SQUARE_ERROR");
    assert_eq!(requests().await.length(), before + 3);

    // An authorization-code exchange is never retried after a 5xx …
    queue(r#"[{"status":503,"body":""}]"#).await;
    let before = requests().await.length();
    let body = json(&format!(
        r#"{{"client_id":"{APP_ID}","client_secret":"{SECRET}","code":"sq0cgb-x","grant_type":"authorization_code"}}"#
    ));
    let e = fails(obtain_token(client(""), body.clone(), fast.clone())).await;
    assert_eq!(s(&e, "code"), "HTTP_ERROR");
    assert_eq!(requests().await.length(), before + 1);
    // … but a 429 is (Square did not act on it).
    queue(r#"[{"status":429,"headers":{"retry-after":"0"},"body":"{\"errors\":[{\"category\":\"RATE_LIMIT_ERROR\",\"code\":\"RATE_LIMITED\"}]}"}]"#).await;
    let before = requests().await.length();
    let _ = fails(obtain_token(client(""), body, fast)).await;
    assert_eq!(requests().await.length(), before + 2);
}

#[wasm_bindgen_test]
async fn timeout_and_abort() {
    reset().await;
    queue(r#"[{"status":200,"delay_ms":3000,"body":"{}"}]"#).await;
    let e = fails(obtain_token(
        client(""),
        refresh_body(),
        json(r#"{"timeoutMs":150,"maxRetries":0}"#),
    ))
    .await;
    assert_eq!(s(&e, "code"), "TIMEOUT");
    control("DELETE", "/__fake/queue", "").await;

    let ctl = AbortController::new();
    ctl.abort(&JsValue::from_str("user left"));
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"signal".into(), &ctl.signal()).unwrap();
    let before = requests().await.length();
    let e = fails(obtain_token(client(""), refresh_body(), opts.into())).await;
    assert_eq!(s(&e, "code"), "ABORTED");
    assert_eq!(get(&e, "cause").as_string().as_deref(), Some("user left"));
    assert_eq!(
        requests().await.length(),
        before,
        "an aborted call sends nothing"
    );
}
