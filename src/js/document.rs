//! A JavaScript value holding plain data (the runtime's `JSON.parse` of a response, or the
//! guard's copy of a caller's value) as a [`Document`], read with serde-wasm-bindgen.

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::document::{Document, Kind};

/// A JavaScript value holding plain data only (no getters, no Proxies): its reads cannot throw.
#[derive(Clone, Debug)]
pub struct JsDocument(pub JsValue);

/// What a JavaScript value is. (Objects first: the commonest case, two crossings.)
pub fn kind_of(v: &JsValue) -> Kind {
    if v.is_object() {
        if js_sys::Array::is_array(v) {
            Kind::Array
        } else {
            Kind::Object
        }
    } else if v.is_string() {
        Kind::String
    } else if v.is_null() || v.is_undefined() {
        Kind::Null
    } else if v.as_f64().is_some() {
        Kind::Number
    } else if v.as_bool().is_some() {
        Kind::Boolean
    } else {
        Kind::Other
    }
}

impl Document for JsDocument {
    fn kind(&self) -> Kind {
        kind_of(&self.0)
    }

    fn keys(&self) -> Vec<String> {
        // `is_object`, not `instanceof Object`: the guard's copies have no prototype.
        if !self.0.is_object() {
            return Vec::new();
        }
        let o: &js_sys::Object = self.0.unchecked_ref();
        js_sys::Object::keys(o)
            .iter()
            .filter_map(|k| k.as_string())
            .collect()
    }

    fn member(&self, key: &str) -> Option<Self> {
        js_sys::Reflect::get(&self.0, &JsValue::from_str(key))
            .ok()
            .map(JsDocument)
    }

    fn items(&self) -> Vec<Self> {
        if !js_sys::Array::is_array(&self.0) {
            return Vec::new();
        }
        let a: &js_sys::Array = self.0.unchecked_ref();
        a.iter().map(JsDocument).collect()
    }

    fn object_of(key: &str, value: &Self) -> Self {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(key), &value.0);
        JsDocument(o.into())
    }

    fn array_of(item: &Self) -> Self {
        JsDocument(js_sys::Array::of1(&item.0).into())
    }

    fn empty_object() -> Self {
        JsDocument(js_sys::Object::new().into())
    }

    fn empty_array() -> Self {
        JsDocument(js_sys::Array::new().into())
    }

    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_wasm_bindgen::from_value(self.0.clone()).map_err(|e| {
            let m = e.to_string();
            m.strip_prefix("Error: ").map_or(m.clone(), str::to_owned)
        })
    }

    fn to_json(&self) -> Option<String> {
        js_sys::JSON::stringify(&self.0).ok()?.as_string()
    }
}
