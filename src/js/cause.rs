//! A transport error's `cause` made safe to hand out.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::secret::{scrub_str, Secret};

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
    // Setting an own data property on a fresh error object cannot throw.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Most objects and strings looked at while searching a `cause` for secrets; past it the cause
/// is treated as holding one.
const CAUSE_BUDGET: u32 = 512;
/// Deepest level of a `cause` searched and copied.
const MAX_CAUSE_DEPTH: usize = 6;

/// The `cause` of a network error, safe to hand to the caller. A runtime's error can carry what
/// the server sent (Node's HTTP parser error keeps the raw bytes of a malformed answer in
/// `data`), so a hostile server can echo the request's secrets into it. If any string reachable
/// from `cause` (own data properties, symbols included, never calling a getter) holds a secret,
/// `cause` is replaced by a copy keeping only `name`, `message`, `code` and `cause`, every
/// string scrubbed. Otherwise it is returned as it is, so a caller's own error keeps its
/// identity.
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
        .any(|x| x.expose().len() >= 2 && s.contains(x.expose()))
}

fn holds_secret(v: &JsValue, secrets: &[Secret], depth: usize, budget: &mut u32) -> bool {
    if *budget == 0 {
        return true;
    }
    *budget -= 1;
    if let Some(s) = v.as_string() {
        return has_secret(&s, secrets);
    }
    if !v.is_object() && !v.is_function() {
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

fn copy_scrubbed(v: &JsValue, secrets: &[Secret], depth: usize) -> JsValue {
    if let Some(s) = v.as_string() {
        return JsValue::from_str(&scrub_str(&s, secrets));
    }
    if !v.is_object() {
        return v.clone();
    }
    if depth >= MAX_CAUSE_DEPTH {
        return JsValue::UNDEFINED;
    }
    let read = |key: &str| reflect_get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let message = read("message").as_string().unwrap_or_default();
    let copy: Object = js_sys::Error::new(&scrub_str(&message, secrets)).into();
    if let Some(name) = read("name").as_string() {
        set(
            &copy,
            "name",
            &JsValue::from_str(&scrub_str(&name, secrets)),
        );
    }
    let code = read("code");
    if let Some(c) = code.as_string() {
        set(&copy, "code", &JsValue::from_str(&scrub_str(&c, secrets)));
    } else if code.as_f64().is_some() {
        set(&copy, "code", &code);
    }
    let cause = read("cause");
    if !cause.is_undefined() {
        set(&copy, "cause", &copy_scrubbed(&cause, secrets, depth + 1));
    }
    copy.into()
}
