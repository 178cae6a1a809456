//! Where sealed records live: the [`TokenStore`] interface (get, and put only-if-unchanged),
//! an in-memory store, a caller's JavaScript store, and a Durable Object's storage.
//!
//! Values are the sealed records (`sqoe1.…`), opaque strings; keys are merchant IDs. Each write
//! seals with a fresh random IV, so a value never repeats and comparing values is a safe
//! compare-and-swap (no ABA).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::error::{Error, ErrorCode};

/// A boxed future that need not be `Send` (the wasm is single-threaded).
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A store of sealed token records.
///
/// Bring your own (Cloudflare D1, Deno KV, Redis, KV with a lock) by implementing `get` and a
/// `put` that writes only if the value is still the one the manager read: that is what keeps
/// two processes from both refreshing a single-use PKCE refresh token.
pub trait TokenStore {
    /// The value stored under `key`, or `None`.
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>, Error>>;
    /// Writes `value` (`None` deletes) under `key` only if the current value is still
    /// `previous` (`None`: absent). `Ok(true)` if written, `Ok(false)` if it had changed.
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Option<&'a str>,
        previous: Option<&'a str>,
    ) -> LocalFuture<'a, Result<bool, Error>>;
}

/// A store in this process's memory: for tests, scripts and single-process servers. Shared by
/// every manager given the same instance; lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The value under `key` (synchronous).
    pub fn get_now(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }

    /// Compare-and-swap (synchronous): see [`TokenStore::put`].
    pub fn put_now(&self, key: &str, value: Option<&str>, previous: Option<&str>) -> bool {
        let mut map = self.map.borrow_mut();
        if map.get(key).map(String::as_str) != previous {
            return false;
        }
        match value {
            Some(v) => map.insert(key.to_owned(), v.to_owned()),
            None => map.remove(key),
        };
        true
    }
}

impl TokenStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>, Error>> {
        let value = self.get_now(key);
        Box::pin(async move { Ok(value) })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Option<&'a str>,
        previous: Option<&'a str>,
    ) -> LocalFuture<'a, Result<bool, Error>> {
        let written = self.put_now(key, value, previous);
        Box::pin(async move { Ok(written) })
    }
}

/// A store error whose message never quotes what the store said (it may echo a token).
pub fn store_error(what: &str) -> Error {
    Error::new(ErrorCode::StoreError, format!("the token store {what}"))
}

#[cfg(target_arch = "wasm32")]
pub(crate) use js::{method, within};
#[cfg(target_arch = "wasm32")]
pub use js::{DurableStorage, JsStore};

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::{store_error, LocalFuture, TokenStore};
    use crate::error::Error;

    /// `object[name]` as a function, or `None` (a throwing getter counts as absent).
    pub(crate) fn method(object: &JsValue, name: &str) -> Option<Function> {
        if !object.is_object() {
            return None;
        }
        Reflect::get(object, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    }

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        fn set_timeout(handler: &Function, ms: f64) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        fn clear_timeout(id: &JsValue);
    }

    /// Awaits `value` (a value or a thenable) for at most `limit_ms`: `Ok(Some(answer))`,
    /// `Ok(None)` when the time ran out first, `Err(reason)` when it rejected.
    pub(crate) async fn within(value: &JsValue, limit_ms: f64) -> Result<Option<JsValue>, JsValue> {
        let expired = js_sys::Object::new();
        let mut timer = JsValue::UNDEFINED;
        let timeout = Promise::new(&mut |resolve, _| {
            let fire: Function =
                JsValue::from(resolve.bind1(&JsValue::NULL, &expired)).unchecked_into();
            timer = set_timeout(&fire, limit_ms);
        });
        let race = Promise::race(&js_sys::Array::of2(&Promise::resolve(value), &timeout));
        let settled = JsFuture::from(race).await;
        clear_timeout(&timer);
        settled.map(|v| (v != JsValue::from(expired)).then_some(v))
    }

    /// Awaits what a store method returned (a value or a thenable), for at most `limit_ms`.
    async fn settle(
        result: Result<JsValue, JsValue>,
        what: &str,
        limit_ms: f64,
    ) -> Result<JsValue, Error> {
        let value = result.map_err(|_| store_error(&format!("threw in {what}")))?;
        within(&value, limit_ms)
            .await
            .map_err(|_| store_error(&format!("rejected in {what}")))?
            .ok_or_else(|| store_error(&format!("did not answer {what} within {limit_ms} ms")))
    }

    /// No time limit: a Durable Object's own storage.
    const UNLIMITED: f64 = 2_147_483_647.0;

    /// A caller's store: an object with `get(key)` and `put(key, value, previous)`, each
    /// returning its answer or a promise of it within `limit_ms` (else `STORE_ERROR`, so that a
    /// store that never answers cannot hang a caller).
    #[derive(Clone, Debug)]
    pub struct JsStore {
        object: JsValue,
        get: Function,
        put: Function,
        limit_ms: f64,
    }

    impl JsStore {
        /// The store, if `object` has both methods.
        pub fn new(object: JsValue, limit_ms: u32) -> Option<JsStore> {
            Some(JsStore {
                get: method(&object, "get")?,
                put: method(&object, "put")?,
                object,
                limit_ms: f64::from(limit_ms),
            })
        }
    }

    fn optional(value: Option<&str>) -> JsValue {
        value.map_or(JsValue::NULL, JsValue::from_str)
    }

    impl TokenStore for JsStore {
        fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>, Error>> {
            Box::pin(async move {
                let value = settle(
                    self.get.call1(&self.object, &key.into()),
                    "get",
                    self.limit_ms,
                )
                .await?;
                if value.is_null() || value.is_undefined() {
                    return Ok(None);
                }
                value
                    .as_string()
                    .map(Some)
                    .ok_or_else(|| store_error("get did not answer a string, null or undefined"))
            })
        }

        fn put<'a>(
            &'a self,
            key: &'a str,
            value: Option<&'a str>,
            previous: Option<&'a str>,
        ) -> LocalFuture<'a, Result<bool, Error>> {
            Box::pin(async move {
                let result = self.put.call3(
                    &self.object,
                    &key.into(),
                    &optional(value),
                    &optional(previous),
                );
                settle(result, "put", self.limit_ms)
                    .await?
                    .as_bool()
                    .ok_or_else(|| store_error("put did not answer a boolean"))
            })
        }
    }

    /// A Durable Object's storage (`ctx.storage`): `get`, `put`, `delete`. Compare and write
    /// run without an await between them that could let another event in: the object's input
    /// gate holds other events while a storage operation is pending, and its output gate holds
    /// the answer until the write is durable.
    #[derive(Clone, Debug)]
    pub struct DurableStorage {
        storage: JsValue,
        get: Function,
        put: Function,
        delete: Function,
    }

    impl DurableStorage {
        /// The storage, if `storage` has the three methods.
        pub fn new(storage: JsValue) -> Option<DurableStorage> {
            Some(DurableStorage {
                get: method(&storage, "get")?,
                put: method(&storage, "put")?,
                delete: method(&storage, "delete")?,
                storage,
            })
        }
    }

    impl TokenStore for DurableStorage {
        fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>, Error>> {
            Box::pin(async move {
                let value =
                    settle(self.get.call1(&self.storage, &key.into()), "get", UNLIMITED).await?;
                Ok(value.as_string())
            })
        }

        fn put<'a>(
            &'a self,
            key: &'a str,
            value: Option<&'a str>,
            previous: Option<&'a str>,
        ) -> LocalFuture<'a, Result<bool, Error>> {
            Box::pin(async move {
                let current =
                    settle(self.get.call1(&self.storage, &key.into()), "get", UNLIMITED).await?;
                if current.as_string().as_deref() != previous {
                    return Ok(false);
                }
                let result = match value {
                    Some(v) => self.put.call2(&self.storage, &key.into(), &v.into()),
                    None => self.delete.call1(&self.storage, &key.into()),
                };
                settle(result, "put", UNLIMITED).await.map(|_| true)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_compare_and_swap() {
        let s = MemoryStore::new();
        assert!(s.put_now("m", Some("a"), None));
        assert!(!s.put_now("m", Some("b"), None));
        assert!(!s.put_now("m", Some("b"), Some("x")));
        assert!(s.put_now("m", Some("b"), Some("a")));
        assert_eq!(s.get_now("m").as_deref(), Some("b"));
        assert!(s.put_now("m", None, Some("b")));
        assert_eq!(s.get_now("m"), None);
        assert!(!s.put_now("m", None, Some("b")));
    }
}
