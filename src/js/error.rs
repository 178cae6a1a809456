//! Coded errors as JavaScript `SquareError`s (the JavaScript API only).

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{Body, Error};

#[wasm_bindgen(module = "/pkg-template/errors.js")]
extern "C" {
    /// The package's error class (defined in JavaScript, so that it extends `Error`).
    #[wasm_bindgen(js_name = SquareError)]
    type SquareErrorClass;
    #[wasm_bindgen(constructor, js_class = "SquareError")]
    fn new(raw: &JsValue) -> SquareErrorClass;
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting an own data property on a fresh plain object cannot throw.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// `e` as a `SquareError` (`code`, `message`, `field`, `statusCode`, `errors`, `body`, `cause`).
pub fn to_js_error(e: &Error) -> JsValue {
    let raw = Object::new();
    set(&raw, "code", &JsValue::from_str(e.code().as_str()));
    set(&raw, "message", &JsValue::from_str(e.message()));
    if let Some(f) = e.field() {
        set(&raw, "field", &JsValue::from_str(f));
    }
    if let Some(s) = e.status() {
        set(&raw, "statusCode", &JsValue::from(s));
    }
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let errors = e
        .errors()
        .serialize(&serializer)
        .unwrap_or_else(|_| Array::new().into());
    set(&raw, "errors", &errors);
    match e.body() {
        Some(Body::Json(text)) => {
            let body = js_sys::JSON::parse(text).unwrap_or_else(|_| JsValue::from_str(text));
            set(&raw, "body", &body);
        }
        Some(Body::Text(text)) => set(&raw, "body", &JsValue::from_str(text)),
        None => {}
    }
    if let Some(cause) = &e.cause {
        set(&raw, "cause", &cause.0);
    }
    SquareErrorClass::new(&raw).into()
}
