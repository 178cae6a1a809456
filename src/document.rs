//! A parsed JSON value the pure core reads typed values from (pure).
//!
//! In the wasm it is a JavaScript value (the runtime's `JSON.parse` of a response, or the guarded
//! copy of a caller's object) read with serde-wasm-bindgen; in native tests it is a serde_json
//! value. When serde refuses it, [`Document::read`] finds where: every struct the crate reads
//! this way has only optional fields, so a member alone (`{ key: value }`), then an item or
//! entry of it alone, fails exactly when it is the culprit. This costs nothing on the success
//! path and keeps a path-tracking wrapper off every deserializer.

use serde::de::DeserializeOwned;

/// What a JSON value is, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null` (or, for caller input, `undefined`).
    Null,
    /// `true` / `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// Anything JSON has no name for (a function, a symbol, …).
    Other,
}

impl Kind {
    /// The bare name: `string`, `number`, `array`, …
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
            Kind::Other => "another value",
        }
    }

    /// With its article: `a string`, `an array`, `null`.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
            Kind::Other => "another value",
        }
    }
}

/// One step down a JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array item.
    Index(usize),
}

/// `field` followed by `path`: `body.scopes[1]`, `options.headers.X-Trace`.
pub fn join_path(field: &str, path: &[Step]) -> String {
    let mut out = field.to_owned();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Where and why a typed read failed.
#[derive(Debug)]
pub struct ReadError {
    /// Where the value that did not fit is.
    pub path: Vec<Step>,
    /// Serde's message (names Rust types; never shown as is).
    pub message: String,
    /// What the value at `path` is.
    pub got: Kind,
}

/// A parsed JSON value.
pub trait Document: Sized {
    /// What the value is.
    fn kind(&self) -> Kind;
    /// The members' names, for an object.
    fn keys(&self) -> Vec<String>;
    /// A member, for an object.
    fn member(&self, key: &str) -> Option<Self>;
    /// The items, for an array.
    fn items(&self) -> Vec<Self>;
    /// `{ key: value }`.
    fn object_of(key: &str, value: &Self) -> Self;
    /// `[item]`.
    fn array_of(item: &Self) -> Self;
    /// `{}`.
    fn empty_object() -> Self;
    /// `[]`.
    fn empty_array() -> Self;
    /// The value as `T`, with serde; `Err` is serde's message.
    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String>;
    /// The value as JSON text (as `JSON.stringify` writes it), or `None` if it cannot be.
    fn to_json(&self) -> Option<String>;

    /// The value as `T` (a struct whose fields are all optional), or where it does not fit.
    fn read<T: DeserializeOwned>(&self) -> Result<T, ReadError> {
        self.deserialize().map_err(|message| {
            locate(self, message, &|probe: &Self| {
                probe.deserialize::<T>().err()
            })
        })
    }
}

/// Finds the member of `doc`, and the item or entry inside it, that makes `fails` (reading the
/// struct) fail. Not generic over the struct, so that one copy serves every type.
fn locate<D: Document>(
    doc: &D,
    message: String,
    fails: &dyn Fn(&D) -> Option<String>,
) -> ReadError {
    // Only a struct of optional fields can be read member by member: an empty object fits it.
    if doc.kind() != Kind::Object || fails(&D::empty_object()).is_some() {
        return ReadError {
            path: Vec::new(),
            message,
            got: doc.kind(),
        };
    }
    for key in doc.keys() {
        let Some(value) = doc.member(&key) else {
            continue;
        };
        let Some(message) = fails(&D::object_of(&key, &value)) else {
            continue;
        };
        // Inside the member only when the container itself fits (an empty one is accepted):
        // otherwise the member has the wrong type as a whole.
        let fits = |empty: D| fails(&D::object_of(&key, &empty)).is_none();
        let inner = match value.kind() {
            Kind::Array if fits(D::empty_array()) => {
                value.items().into_iter().enumerate().find_map(|(i, item)| {
                    let probe = D::object_of(&key, &D::array_of(&item));
                    fails(&probe).map(|m| (Step::Index(i), m, item.kind()))
                })
            }
            Kind::Object if fits(D::empty_object()) => value.keys().into_iter().find_map(|k| {
                let entry = value.member(&k)?;
                let probe = D::object_of(&key, &D::object_of(&k, &entry));
                fails(&probe).map(|m| (Step::Key(k), m, entry.kind()))
            }),
            _ => None,
        };
        let mut path = vec![Step::Key(key)];
        return match inner {
            Some((step, message, got)) => {
                path.push(step);
                ReadError { path, message, got }
            }
            None => ReadError {
                path,
                message,
                got: value.kind(),
            },
        };
    }
    ReadError {
        path: Vec::new(),
        message,
        got: Kind::Object,
    }
}

/// A document parsed by serde_json, standing in for the runtime's `JSON.parse` in native tests.
#[cfg(test)]
#[derive(Clone, Debug)]
pub(crate) struct JsonDoc(pub serde_json::Value);

#[cfg(test)]
impl JsonDoc {
    /// Parses like `JSON.parse`: the last of repeated keys wins (serde_json's recursion limit is
    /// past the depth the client accepts).
    pub(crate) fn parse(text: &str) -> Option<JsonDoc> {
        serde_json::from_str(text).ok().map(JsonDoc)
    }
}

#[cfg(test)]
impl Document for JsonDoc {
    fn kind(&self) -> Kind {
        match &self.0 {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(_) => Kind::Boolean,
            serde_json::Value::Number(_) => Kind::Number,
            serde_json::Value::String(_) => Kind::String,
            serde_json::Value::Array(_) => Kind::Array,
            serde_json::Value::Object(_) => Kind::Object,
        }
    }
    fn keys(&self) -> Vec<String> {
        self.0
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
    fn member(&self, key: &str) -> Option<Self> {
        self.0.get(key).cloned().map(JsonDoc)
    }
    fn items(&self) -> Vec<Self> {
        self.0
            .as_array()
            .map(|a| a.iter().cloned().map(JsonDoc).collect())
            .unwrap_or_default()
    }
    fn object_of(key: &str, value: &Self) -> Self {
        JsonDoc(serde_json::json!({ key: value.0.clone() }))
    }
    fn array_of(item: &Self) -> Self {
        JsonDoc(serde_json::Value::Array(vec![item.0.clone()]))
    }
    fn empty_object() -> Self {
        JsonDoc(serde_json::json!({}))
    }
    fn empty_array() -> Self {
        JsonDoc(serde_json::json!([]))
    }
    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String> {
        // serde_json adds " at line L column C"; the messages are otherwise serde's own.
        T::deserialize(&self.0).map_err(|e| {
            let m = e.to_string();
            m.rsplit_once(" at line ")
                .map_or(m.clone(), |(head, _)| head.to_owned())
        })
    }
    fn to_json(&self) -> Option<String> {
        serde_json::to_string(&self.0).ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{ObtainTokenFields, RetrieveTokenStatusResponse};

    #[test]
    fn locates_the_member_and_the_item() {
        let doc = JsonDoc::parse(r#"{"client_id":"a","scopes":["PAYMENTS_READ",7,"x"]}"#).unwrap();
        let e = doc.read::<ObtainTokenFields>().unwrap_err();
        assert_eq!(e.path, vec![Step::Key("scopes".into()), Step::Index(1)]);
        assert_eq!(e.got, Kind::Number);
        assert!(e.message.starts_with("invalid type"), "{}", e.message);
        assert_eq!(join_path("body", &e.path), "body.scopes[1]");

        let doc = JsonDoc::parse(r#"{"client_id":5,"scopes":"A"}"#).unwrap();
        let e = doc.read::<ObtainTokenFields>().unwrap_err();
        assert_eq!(
            e.path,
            vec![Step::Key("client_id".into())],
            "the first bad member"
        );
        assert_eq!(e.got, Kind::Number);

        let doc =
            JsonDoc::parse(r#"{"errors":[{"category":"A","code":"B"},{"category":"A"}]}"#).unwrap();
        let e = doc.read::<RetrieveTokenStatusResponse>().unwrap_err();
        assert_eq!(e.path, vec![Step::Key("errors".into()), Step::Index(1)]);
        assert!(
            e.message.starts_with("missing field `code`"),
            "{}",
            e.message
        );
        assert_eq!(join_path("", &e.path), "errors[1]");
    }
}
