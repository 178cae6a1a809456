//! The token manager's Rust API (`square_oauth_edge::tokens`) in Node and headless Chromium,
//! against the fake Square: sealing and opening records (Web Crypto AES-GCM), the refresh when
//! due with concurrent callers, refused records, and webhook signatures (a vector from Node's crypto).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::rc::Rc;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;

mod common;
use common::{fake, json, raw_fetch};
use square_oauth_edge::model::{AuthorizationCodeRequest, ObtainTokenResponse};
use square_oauth_edge::tokens::crypto::{self, AesKey, Keys};
use square_oauth_edge::tokens::record::TokenRecord;
use square_oauth_edge::tokens::{
    verify_webhook, MemoryStore, Store, TokenManager, TokenManagerConfig, TokenStore,
};
use square_oauth_edge::{CallOptions, Client, ClientOptions, ErrorCode, Secret};

const APP_ID: &str = "sq0idp-fake-application-id";
const SECRET: &str = "sq0csp-fake-application-secret";
/// The base64 of 32 bytes 0..31, and of 32 bytes of 7.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

async fn control(path: &str, body: &str) -> JsValue {
    let init = json(&format!(
        r#"{{"method":"POST","headers":{{"content-type":"application/json"}},"body":{}}}"#,
        js_sys::JSON::stringify(&JsValue::from_str(body)).unwrap()
    ));
    let resp = JsFuture::from(raw_fetch(&format!("{}{path}", fake()), &init))
        .await
        .unwrap();
    let json = Reflect::get(&resp, &"json".into()).unwrap();
    let p: Promise = js_sys::Function::from(json).call0(&resp).unwrap().into();
    JsFuture::from(p).await.unwrap()
}

fn client() -> Client {
    Client::new(ClientOptions {
        base_url: Some(fake().to_owned()),
        ..ClientOptions::default()
    })
    .unwrap()
}

fn manager(store: Rc<MemoryStore>, key: &str) -> TokenManager {
    TokenManager::new(TokenManagerConfig {
        client: client(),
        client_id: APP_ID.into(),
        client_secret: Some(Secret::new(SECRET)),
        store: Store::Custom(store),
        encryption_key: Secret::new(key),
        previous_encryption_key: None,
        refresh_after_days: 7.0,
    })
    .unwrap()
}

/// A fresh code-flow authorization from the fake.
async fn authorize() -> ObtainTokenResponse {
    let code = control("/__fake/codes", &format!(r#"{{"client_id":"{APP_ID}"}}"#)).await;
    let code = Reflect::get(&code, &"code".into())
        .unwrap()
        .as_string()
        .unwrap();
    client()
        .obtain_token(
            AuthorizationCodeRequest::new(APP_ID, Secret::new(SECRET), Secret::new(code)).into(),
            CallOptions::default(),
        )
        .await
        .unwrap()
}

#[wasm_bindgen_test]
async fn sealed_records_open_only_with_their_key_and_merchant() {
    let keys = Keys {
        current: AesKey::import(&(0..32).collect::<Vec<u8>>()).await.unwrap(),
        previous: None,
    };
    let answer = ObtainTokenResponse {
        access_token: Some(Secret::new("EAAA-sealed-access")),
        merchant_id: Some("MLSEALED1".into()),
        ..ObtainTokenResponse::default()
    };
    let rec = TokenRecord::from_response(&answer, 1.0).unwrap();
    let sealed = crypto::seal(&keys, &rec).await.unwrap();
    assert!(sealed.starts_with("sqoe1.") && !sealed.contains("EAAA"));
    assert_ne!(
        sealed,
        crypto::seal(&keys, &rec).await.unwrap(),
        "a fresh IV per write"
    );
    assert_eq!(
        crypto::open(&keys, "MLSEALED1", &sealed).await.unwrap(),
        (rec.clone(), false)
    );
    // Under another merchant (the additional data differs), with another key, altered.
    let e = crypto::open(&keys, "MLSEALED2", &sealed).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnreadableRecord);
    let other = Keys {
        current: AesKey::import(&[7; 32]).await.unwrap(),
        previous: None,
    };
    let e = crypto::open(&other, "MLSEALED1", &sealed)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnreadableRecord);
    let mut altered = sealed.clone().into_bytes();
    let i = altered.len() - 5;
    altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
    let e = crypto::open(&keys, "MLSEALED1", std::str::from_utf8(&altered).unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnreadableRecord);
    // Rotation: the old key as `previous` still opens it.
    let rotated = Keys {
        current: other.current,
        previous: Some(keys.current),
    };
    assert_eq!(
        crypto::open(&rotated, "MLSEALED1", &sealed).await.unwrap(),
        (rec, true),
        "opened with the previous key: to be sealed again"
    );
}

#[wasm_bindgen_test]
async fn a_due_token_is_refreshed_once_for_concurrent_callers() {
    let mut token = authorize().await;
    let first = token.access_token.clone().unwrap();
    // Due: it expires in a day (Square's advice: refresh tokens older than 7 days).
    let soon = js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + 86_400_000.0));
    token.expires_at = soon.to_iso_string().as_string();
    let store = Rc::new(MemoryStore::new());
    let a = manager(Rc::clone(&store), KEY);
    let b = manager(Rc::clone(&store), KEY);
    let merchant = a.save(&token).await.unwrap();
    let before = Reflect::get(
        &control("/__fake/stats", "").await,
        &"refresh_requests".into(),
    )
    .ok()
    .and_then(|v| v.as_f64());
    let calls = Array::new();
    for i in 0..20 {
        let m = if i % 2 == 0 { a.clone() } else { b.clone() };
        let id = merchant.clone();
        calls.push(&future_to_promise(async move {
            m.access_token(&id)
                .await
                .map(|t| JsValue::from_str(t.expose()))
                .map_err(|e| JsValue::from_str(e.code().as_str()))
        }));
    }
    let all: Array = JsFuture::from(Promise::all(&calls)).await.unwrap().into();
    let fresh = all.get(0).as_string().unwrap();
    assert_ne!(fresh, first.expose());
    assert!(all
        .iter()
        .all(|t| t.as_string().as_deref() == Some(fresh.as_str())));
    if let Some(before) = before {
        let after = Reflect::get(
            &control("/__fake/stats", "").await,
            &"refresh_requests".into(),
        )
        .unwrap()
        .as_f64()
        .unwrap();
        assert_eq!(after - before, 1.0, "one refresh for twenty callers");
    }
    // Not due any more: the same token, nothing sent.
    assert_eq!(a.access_token(&merchant).await.unwrap().expose(), fresh);
    // The stored value is sealed: no token in it.
    let stored = store.get(&merchant).await.unwrap().unwrap();
    assert!(!stored.contains(&fresh));
    // A manager with another key cannot read it; forgetting empties the store.
    let e = manager(Rc::clone(&store), OTHER_KEY)
        .access_token(&merchant)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnreadableRecord);
    a.forget(&merchant).await.unwrap();
    let e = b.access_token(&merchant).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownMerchant);
}

#[wasm_bindgen_test]
async fn webhook_signatures_are_checked_before_the_body_is_read() {
    // HMAC-SHA256 keyed "Jefe" of the URL followed by the body, computed by Node's crypto:
    // `createHmac("sha256", "Jefe").update(url + body).digest("base64")`.
    let signature = "jjMZlFq0JnR6UQa79K+U/rpfG97khhiGbu/x3gNKtgQ=";
    let key = Secret::new("Jefe");
    let url = "https://example.com/hooks";
    let e = verify_webhook(b"for nothing?", Some(signature), &key, url)
        .await
        .unwrap_err();
    // The signature matched: what fails is the body, which is no event.
    assert_eq!(e.code(), ErrorCode::InvalidWebhookEvent);
    let e = verify_webhook(b"for nothing!", Some(signature), &key, url)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidWebhookSignature);
    let e = verify_webhook(b"for nothing?", None, &key, url)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidWebhookSignature);
}
