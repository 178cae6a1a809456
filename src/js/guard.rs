//! Reading a caller's value into a typed struct without letting it throw through the wasm.
//!
//! [`read`] copies the value first: every property read goes through a `catch`ing binding, into
//! fresh objects without a prototype (so a `__proto__` key stays a plain key). What cannot be
//! copied is a coded input error naming the field: a read that threw (`INVALID_TYPE`, "could
//! not be read"), a BigInt, Symbol or function where data goes (`INVALID_TYPE`), nesting past
//! [`MAX_INPUT_DEPTH`] or more than [`MAX_INPUT_ITEMS`] members or items (`INVALID_VALUE`).
//! A `Date` becomes its epoch milliseconds. The copy's keys are checked against the struct's
//! fields (`UNKNOWN_FIELD`, with a did-you-mean: serde-wasm-bindgen ignores
//! `deny_unknown_fields`), then serde-wasm-bindgen reads the copy, and a serde failure becomes
//! the same coded error with the field's path ([`crate::input::from_serde`]).

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::document::{kind_of, JsDocument};
use crate::document::Document;
use crate::error::{Error, ErrorCode};
use crate::input::{field_names, from_serde, unknown_field, MAX_INPUT_DEPTH, MAX_INPUT_ITEMS};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(target: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = create)]
    fn object_create(proto: &JsValue) -> js_sys::Object;
    /// `Object.assign(target, source)`, its result ignored: copies the source's own enumerable
    /// members, calling their getters, and throws what a getter or Proxy trap throws.
    ///
    /// Reads that may throw go through this one instead of `Reflect.get`: in wasm-bindgen
    /// 0.2.130 an import that catches an exception and would have returned a JavaScript value
    /// leaks one slot of the externref table per exception, so a caller retrying a throwing
    /// getter would grow the table for ever. This import returns nothing.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = assign)]
    fn object_assign(target: &JsValue, source: &JsValue) -> Result<(), JsValue>;
    /// `Object.hasOwn(object, key)` (of a copy made here: it cannot throw).
    #[wasm_bindgen(js_namespace = Object, js_name = hasOwn)]
    fn has_own(object: &JsValue, key: &JsValue) -> bool;
}

/// How a caller's value is read.
pub struct Shape {
    /// Its name in errors: `body`, `options`, `authorization`, …
    pub field: &'static str,
    /// What an unknown member is called: "is not a field of this request", "unknown option".
    pub unknown: &'static str,
    /// Members kept as the JavaScript values they are (a `fetch` function, an `AbortSignal`).
    pub opaque: &'static [&'static str],
}

/// One step of the path to a value, kept while copying so that a path string is built only for
/// an error.
enum Step {
    Key(String),
    Index(u32),
}

fn path(field: &str, steps: &[Step]) -> String {
    let mut out = field.to_owned();
    for s in steps {
        match s {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

struct Copier<'a> {
    shape: &'a Shape,
    steps: Vec<Step>,
}

impl Copier<'_> {
    fn fail(&self, code: ErrorCode, message: &str) -> Error {
        Error::input(code, path(self.shape.field, &self.steps), message)
    }

    fn unreadable(&self) -> Error {
        self.fail(
            ErrorCode::InvalidType,
            "could not be read (a getter or Proxy trap threw)",
        )
    }

    /// A copy of `v` made of plain data only.
    fn copy(&mut self, v: JsValue) -> Result<JsValue, Error> {
        // Strings first: the commonest value, one crossing to recognise.
        if v.is_string()
            || v.is_undefined()
            || v.is_null()
            || v.as_bool().is_some()
            || v.as_f64().is_some()
        {
            return Ok(v);
        }
        if v.is_bigint() {
            return Err(self.fail(ErrorCode::InvalidType, "a bigint is not accepted here"));
        }
        if v.is_symbol() {
            return Err(self.fail(ErrorCode::InvalidType, "a symbol is not accepted here"));
        }
        if v.is_function() {
            return Err(self.fail(ErrorCode::InvalidType, "a function is not accepted here"));
        }
        if !v.is_object() {
            return Err(self.fail(
                ErrorCode::InvalidType,
                "an unsupported value is not accepted here",
            ));
        }
        if self.steps.len() >= MAX_INPUT_DEPTH {
            return Err(self.fail(ErrorCode::InvalidValue, "is nested too deeply"));
        }
        if is_array(&v).map_err(|_| self.unreadable())? {
            return self.copy_array(&v);
        }
        if let Some(date) = v.dyn_ref::<js_sys::Date>() {
            return Ok(JsValue::from_f64(date.get_time()));
        }
        self.copy_object(&v, None)
    }

    fn copy_array(&mut self, v: &JsValue) -> Result<JsValue, Error> {
        let len = reflect_get(v, &JsValue::from_str("length"))
            .map_err(|_| self.unreadable())?
            .as_f64()
            .unwrap_or(0.0);
        if !(0.0..=MAX_INPUT_ITEMS as f64).contains(&len) {
            return Err(self.fail(ErrorCode::InvalidValue, "has more than 256 items"));
        }
        let raw = js_sys::Array::new();
        if object_assign(&raw, v).is_err() {
            // The items are copied in order: the first one missing is the one that threw.
            let i = (0..len as u32).find(|i| !has_own(&raw, &JsValue::from(*i)));
            self.steps.extend(i.map(Step::Index));
            return Err(self.unreadable());
        }
        let out = js_sys::Array::new();
        for i in 0..len as u32 {
            self.steps.push(Step::Index(i));
            // A copy's items are plain data (holes read as `undefined`, as in the original).
            out.push(&self.copy(raw.get(i))?);
            self.steps.pop();
        }
        Ok(out.into())
    }

    /// The object's own enumerable members. At the top (`fields`: the struct's), a member the
    /// struct does not have is refused before anything is read, and the opaque member is kept
    /// as it is.
    fn copy_object(&mut self, v: &JsValue, fields: Option<&[&str]>) -> Result<JsValue, Error> {
        let keys = object_keys(v).map_err(|_| self.unreadable())?;
        if keys.length() as usize > MAX_INPUT_ITEMS {
            return Err(self.fail(ErrorCode::InvalidValue, "has more than 256 members"));
        }
        let names: Vec<String> = keys
            .iter()
            .map(|k| k.as_string().unwrap_or_default())
            .collect();
        if let Some(fields) = fields {
            if let Some(key) = names.iter().find(|k| !fields.contains(&k.as_str())) {
                return Err(unknown_field(
                    self.shape.field,
                    key,
                    fields,
                    self.shape.unknown,
                ));
            }
        }
        let raw = object_create(&JsValue::NULL);
        if object_assign(&raw, v).is_err() {
            // The members are copied in order: the first one missing is the one that threw.
            let culprit = keys.iter().find(|k| !has_own(&raw, k));
            self.steps
                .extend(culprit.and_then(|k| k.as_string()).map(Step::Key));
            return Err(self.unreadable());
        }
        let out = object_create(&JsValue::NULL);
        for (key, name) in keys.iter().zip(names) {
            let opaque = fields.is_some() && self.shape.opaque.contains(&name.as_str());
            self.steps.push(Step::Key(name));
            // A member of the copy is a data property: reading it cannot throw.
            let item = js_sys::Reflect::get(&raw, &key).unwrap_or(JsValue::UNDEFINED);
            let item = if opaque { item } else { self.copy(item)? };
            // Defining a member on a fresh object without a prototype cannot throw.
            let _ = js_sys::Reflect::set(&out, &key, &item);
            self.steps.pop();
        }
        Ok(out.into())
    }
}

/// Reads a caller's value (an object for a struct `T`) into `T`; see the module docs.
pub fn read<T: DeserializeOwned>(value: &JsValue, shape: &Shape) -> Result<T, Error> {
    JsDocument(copy(value, shape, field_names::<T>())?)
        .read()
        .map_err(|e| from_serde(shape.field, &e.path, &e.message, e.got.name()))
}

/// [`read`] for a value that may carry members `T` does not know (a response body, a webhook
/// event): they are copied, not refused, and serde ignores them.
pub fn read_open<T: DeserializeOwned>(value: &JsValue, shape: &Shape) -> Result<T, Error> {
    JsDocument(copy(value, shape, &[])?)
        .read()
        .map_err(|e| from_serde(shape.field, &e.path, &e.message, e.got.name()))
}

/// The guarded copy of a caller's value; `fields` are the struct's, or empty when the value is
/// not read as a struct. (Not generic, so that one copy serves every type.)
fn copy(value: &JsValue, shape: &Shape, fields: &[&str]) -> Result<JsValue, Error> {
    let mut copier = Copier {
        shape,
        steps: Vec::new(),
    };
    if fields.is_empty() {
        return copier.copy(value.clone());
    }
    // A struct: the value must be a plain object, not an array or a function. (`kind_of` reads
    // only what cannot throw for a non-object; an object may be a revoked Proxy, whose
    // `Array.isArray` throws, so that check is a catching one.)
    let object = value.is_object() && !value.is_function();
    let array = object && is_array(value).map_err(|_| copier.unreadable())?;
    if !object || array {
        let got = if array {
            "array"
        } else if value.is_function() {
            "function"
        } else {
            kind_of(value).name()
        };
        return Err(Error::input(
            ErrorCode::InvalidType,
            shape.field,
            format!("expected an object, got {got}"),
        ));
    }
    copier.copy_object(value, Some(fields))
}

/// [`read`], with `undefined` and `null` meaning "none given": `T::default()`.
pub fn read_optional<T: DeserializeOwned + Default>(
    value: &JsValue,
    shape: &Shape,
) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        read(value, shape)
    }
}
