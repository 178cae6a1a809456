//! Rust → JavaScript: the plain error objects the package's JavaScript turns into `SquareError`,
//! and the scrubbing of a `cause` that came from `fetch`. (Caller input goes the other way as one
//! JSON text, see [`crate::input`], so no caller getter ever runs inside wasm.) Reads of a
//! `cause` go through `catch`ing bindings, so nothing can throw through wasm or panic.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::{Body, Error, ErrorCode};
use crate::json::Value;
use crate::secret::Secret;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = ownKeys)]
    fn reflect_own_keys(target: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = getOwnPropertyDescriptor)]
    fn reflect_own_descriptor(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting an own data property on a fresh plain object with a fixed key cannot throw.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Object, js_name = fromEntries)]
    fn from_entries(entries: &Array) -> JsValue;
}

/// A JSON [`Value`] as a JavaScript value. Objects are made with `Object.fromEntries`, which
/// defines own properties, so a `__proto__` key from a server stays a plain property.
pub fn from_value(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(from_value).collect::<Array>().into(),
        Value::Object(members) => {
            let entries = Array::new();
            for (k, item) in members {
                entries.push(&Array::of2(&JsValue::from_str(k), &from_value(item)));
            }
            from_entries(&entries)
        }
    }
}

/// The plain object the entry files turn into a `SquareError`: `{ name, code, message, field,
/// statusCode, errors, body, cause }`.
pub fn error_to_js(e: &Error, cause: Option<&JsValue>) -> JsValue {
    let obj = Object::new();
    set(&obj, "name", &JsValue::from_str("SquareError"));
    set(&obj, "code", &JsValue::from_str(e.code.as_str()));
    set(&obj, "message", &JsValue::from_str(&e.message));
    if let Some(f) = &e.field {
        set(&obj, "field", &JsValue::from_str(f));
    }
    if let Some(s) = e.status {
        set(&obj, "statusCode", &JsValue::from(s));
    }
    let errors = Array::new();
    for item in &e.errors {
        errors.push(&from_value(item));
    }
    set(&obj, "errors", &errors);
    match &e.body {
        Some(Body::Json(v)) => set(&obj, "body", &from_value(v)),
        Some(Body::Text(t)) => set(&obj, "body", &JsValue::from_str(t)),
        None => {}
    }
    if let Some(c) = cause {
        set(&obj, "cause", c);
    }
    obj.into()
}

/// Most objects and strings looked at while searching a `cause` for secrets; past it the cause
/// is treated as holding one.
const CAUSE_BUDGET: u32 = 512;
/// Deepest level of a `cause` searched and copied.
const MAX_CAUSE_DEPTH: usize = 6;

/// The `cause` of a network error, safe to hand to the caller. A runtime's error can carry what
/// the server sent — Node's HTTP parser error keeps the raw bytes of a malformed answer in
/// `data`, so a hostile server can echo the request's secrets into it. If any string reachable
/// from `cause` (own data properties, symbols included, never calling a getter) holds a secret
/// of the request, `cause` is replaced by a copy keeping only `name`, `message`, `code` and
/// `cause`, every string scrubbed. Otherwise it is returned as it is, so a caller's own error
/// keeps its identity.
pub fn scrub_cause(cause: JsValue, secrets: &[Secret]) -> JsValue {
    let mut budget = CAUSE_BUDGET;
    if secrets.is_empty() || !holds_secret(&cause, secrets, 0, &mut budget) {
        return cause;
    }
    copy_scrubbed(&cause, secrets, 0)
}

fn has_secret(s: &str, secrets: &[Secret]) -> bool {
    secrets
        .iter()
        .any(|x| x.expose().len() >= 2 && crate::validate::find_sub(s, x.expose()).is_some())
}

fn holds_secret(v: &JsValue, secrets: &[Secret], depth: usize, budget: &mut u32) -> bool {
    if *budget == 0 {
        return true;
    }
    *budget -= 1;
    if let Some(s) = v.as_string() {
        return has_secret(&s, secrets);
    }
    if !v.is_object() {
        return false;
    }
    if depth >= MAX_CAUSE_DEPTH {
        return true;
    }
    let Ok(keys) = reflect_own_keys(v) else {
        return true;
    };
    for key in keys.iter() {
        if key.as_string().is_some_and(|k| has_secret(&k, secrets)) {
            return true;
        }
        let Ok(desc) = reflect_own_descriptor(v, &key) else {
            return true;
        };
        // A data property's value; accessors are not called (and hold nothing until called).
        let value = reflect_get(&desc, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        if holds_secret(&value, secrets, depth + 1, budget) {
            return true;
        }
    }
    false
}

fn scrubbed(s: &str, secrets: &[Secret]) -> String {
    Error::new(ErrorCode::NetworkError, s)
        .scrub(secrets)
        .message
}

fn copy_scrubbed(v: &JsValue, secrets: &[Secret], depth: usize) -> JsValue {
    if let Some(s) = v.as_string() {
        return JsValue::from_str(&scrubbed(&s, secrets));
    }
    if !v.is_object() {
        return v.clone();
    }
    if depth >= MAX_CAUSE_DEPTH {
        return JsValue::UNDEFINED;
    }
    let read = |key: &str| reflect_get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let message = read("message").as_string().unwrap_or_default();
    let copy = js_sys::Error::new(&scrubbed(&message, secrets));
    if let Some(name) = read("name").as_string() {
        set(&copy, "name", &JsValue::from_str(&scrubbed(&name, secrets)));
    }
    let code = read("code");
    if let Some(c) = code.as_string() {
        set(&copy, "code", &JsValue::from_str(&scrubbed(&c, secrets)));
    } else if code.as_f64().is_some() {
        set(&copy, "code", &code);
    }
    let cause = read("cause");
    if !cause.is_undefined() {
        set(&copy, "cause", &copy_scrubbed(&cause, secrets, depth + 1));
    }
    copy.into()
}
