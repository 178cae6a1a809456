//! AES-256-GCM sealing of token records and HMAC-SHA256 of webhooks, from the runtime's Web
//! Crypto (wasm only), bound to the global `crypto.subtle` like [`crate::flow::web_crypto`].

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::durable::{from_json, to_json};
use super::record::{self, TokenRecord, IV_BYTES};
use crate::error::{Error, ErrorCode};
use crate::flow::web_crypto::random_bytes;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(
        format: &str,
        key: &Uint8Array,
        algorithm: &JsValue,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = encrypt)]
    fn subtle_encrypt(
        algorithm: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = decrypt)]
    fn subtle_decrypt(
        algorithm: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = sign)]
    fn subtle_sign(algorithm: &str, key: &JsValue, data: &Uint8Array) -> Result<Promise, JsValue>;
}

fn crypto_error(what: &str) -> Error {
    Error::new(
        ErrorCode::CryptoError,
        format!("Web Crypto failed to {what} (is crypto.subtle available?)"),
    )
}

fn set(o: &Object, key: &str, value: &JsValue) {
    // Defining a member of a fresh plain object cannot throw.
    let _ = Reflect::set(o, &JsValue::from_str(key), value);
}

/// The bytes of an `ArrayBuffer` result.
fn bytes(value: JsValue) -> Option<Vec<u8>> {
    value
        .dyn_into::<ArrayBuffer>()
        .ok()
        .map(|b| Uint8Array::new(&b).to_vec())
}

/// An imported, non-extractable AES-256-GCM key.
#[derive(Clone)]
pub struct AesKey(JsValue);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey([redacted])")
    }
}

impl AesKey {
    /// Imports 32 raw bytes for encrypting and decrypting.
    pub async fn import(raw: &[u8]) -> Result<AesKey, Error> {
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let promise = import_key(
            "raw",
            &Uint8Array::from(raw),
            &JsValue::from_str("AES-GCM"),
            false,
            &usages,
        )
        .map_err(|_| crypto_error("import the encryption key"))?;
        let key = JsFuture::from(promise)
            .await
            .map_err(|_| crypto_error("import the encryption key"))?;
        Ok(AesKey(key))
    }
}

/// The keys of a token manager: the one that seals, and an older one that may still open.
#[derive(Clone, Debug)]
pub struct Keys {
    /// Seals every write; tried first to open.
    pub current: AesKey,
    /// Opens records sealed before a key rotation.
    pub previous: Option<AesKey>,
}

fn gcm(iv: &[u8], merchant_id: &str) -> Object {
    let params = Object::new();
    set(&params, "name", &JsValue::from_str("AES-GCM"));
    set(&params, "iv", &Uint8Array::from(iv).into());
    set(
        &params,
        "additionalData",
        &Uint8Array::from(record::aad(merchant_id).as_slice()).into(),
    );
    params
}

/// `record` sealed under the current key with a fresh random IV: the value to store.
pub async fn seal(keys: &Keys, rec: &TokenRecord) -> Result<String, Error> {
    let plain = to_json(rec)
        .ok_or_else(|| Error::new(ErrorCode::StoreError, "the record could not be written"))?;
    let iv = random_bytes(IV_BYTES).map_err(|_| crypto_error("produce random bytes"))?;
    let promise = subtle_encrypt(
        &gcm(&iv, &rec.merchant_id),
        &keys.current.0,
        &Uint8Array::from(plain.as_bytes()),
    )
    .map_err(|_| crypto_error("encrypt"))?;
    let sealed = JsFuture::from(promise)
        .await
        .ok()
        .and_then(bytes)
        .ok_or_else(|| crypto_error("encrypt"))?;
    let mut out = iv;
    out.extend_from_slice(&sealed);
    Ok(record::seal_text(&out))
}

/// The record stored as `value` for `merchant_id`, opened with the current key or else the
/// previous one (then `true`: it should be sealed again under the current key). Anything that
/// does not open, parse or belong to `merchant_id` is `UNREADABLE_RECORD`; the message says
/// which, and never quotes the value.
pub async fn open(
    keys: &Keys,
    merchant_id: &str,
    value: &str,
) -> Result<(TokenRecord, bool), Error> {
    let (iv, sealed) = record::open_text(value)?;
    let params = gcm(&iv, merchant_id);
    let data = Uint8Array::from(sealed.as_slice());
    let mut plain = None;
    for (i, key) in std::iter::once(&keys.current)
        .chain(keys.previous.as_ref())
        .enumerate()
    {
        let promise =
            subtle_decrypt(&params, &key.0, &data).map_err(|_| crypto_error("decrypt"))?;
        // A wrong key or an altered record rejects (OperationError): try the next key.
        if let Some(b) = JsFuture::from(promise).await.ok().and_then(bytes) {
            plain = Some((b, i > 0));
            break;
        }
    }
    let plain = plain.ok_or_else(|| {
        Error::new(
            ErrorCode::UnreadableRecord,
            "the stored record does not decrypt under the encryption keys given (wrong key, \
             altered, or stored under another merchant)",
        )
    })?;
    let unparsable = || {
        Error::new(
            ErrorCode::UnreadableRecord,
            "the stored record decrypts but is not a token record",
        )
    };
    let (plain, previous) = plain;
    let text = String::from_utf8(plain).map_err(|_| unparsable())?;
    let rec: TokenRecord = from_json(&text).ok_or_else(unparsable)?;
    if rec.merchant_id != merchant_id {
        return Err(unparsable());
    }
    Ok((rec, previous))
}

/// HMAC-SHA256 of `data` under the raw `key` bytes.
pub async fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>, Error> {
    let algorithm = Object::new();
    set(&algorithm, "name", &JsValue::from_str("HMAC"));
    set(&algorithm, "hash", &JsValue::from_str("SHA-256"));
    let usages = Array::of1(&"sign".into());
    let promise = import_key("raw", &Uint8Array::from(key), &algorithm, false, &usages)
        .map_err(|_| crypto_error("import the signature key"))?;
    let key = JsFuture::from(promise)
        .await
        .map_err(|_| crypto_error("import the signature key"))?;
    let promise = subtle_sign("HMAC", &key, &Uint8Array::from(data))
        .map_err(|_| crypto_error("compute an HMAC"))?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(bytes)
        .ok_or_else(|| crypto_error("compute an HMAC"))
}
