//! `Secret`: the only type that may hold a key value, an AccessKey secret or an STS token.
//!
//! It zeroizes on drop, prints `<redacted>` under Debug, has no Display and no
//! Serialize, so it cannot reach a log line, a JSON file or an IPC payload by
//! accident. It deserializes straight from IPC and wire input (GitButler's
//! `Sensitive<T>`), so a secret is typed from the moment it arrives.
//! `expose()` is called only where a secret must leave memory: the
//! Authorization header, the keychain write, the clipboard write, and the one
//! named serializer below for the one-time display and the sandbox's answer.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serializer};

/// ```compile_fail
/// // A Secret can never be serialized into JSON, a file or an IPC payload.
/// fn needs_serialize<T: serde::Serialize>() {}
/// needs_serialize::<studio_keys::Secret>();
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The plaintext. Call sites are few and deliberate; grep for `expose(` to audit them.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time enough for our use: both sides are already in our memory.
        let (a, b) = (self.expose().as_bytes(), other.expose().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
impl Eq for Secret {}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// In the IPC bindings a secret is a string (the UI sends pasted keys and
/// AccessKey secrets as typed; it receives only the one-time display).
impl specta::Type for Secret {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <String as specta::Type>::definition(types)
    }
}

/// The one way a secret is written into a serialized document, for the few
/// documents whose purpose is to carry it: the one-time display of a new key
/// (IPC, `skm`'s output) and the sandbox's Create/Reset answer. Use it as
/// `#[serde(serialize_with = "crate::domain::secret::serialize_exposed")]` on a
/// `Secret` or `Option<Secret>` field; grep for it to audit them all.
pub fn serialize_exposed<S: Serializer, T: Exposable>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value.exposed() {
        Some(v) => serializer.serialize_str(v),
        None => serializer.serialize_none(),
    }
}

/// What `serialize_exposed` accepts: a secret, or maybe one.
pub trait Exposable {
    fn exposed(&self) -> Option<&str>;
}

impl Exposable for Secret {
    fn exposed(&self) -> Option<&str> {
        Some(self.expose())
    }
}

impl<T: Exposable> Exposable for &T {
    fn exposed(&self) -> Option<&str> {
        (**self).exposed()
    }
}

impl Exposable for Option<Secret> {
    fn exposed(&self) -> Option<&str> {
        self.as_ref().map(Secret::expose)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_value() {
        let s = Secret::new("sk-ws-very-secret-value");
        let printed = format!("{s:?} {:?}", Some(&s));
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn a_secret_arrives_typed_and_leaves_only_through_the_named_serializer() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Doc {
            #[serde(serialize_with = "serialize_exposed")]
            value: Secret,
            #[serde(serialize_with = "serialize_exposed")]
            maybe: Option<Secret>,
        }
        let doc: Doc = serde_json::from_str(r#"{"value":"sk-abc","maybe":null}"#).unwrap();
        assert_eq!(doc.value.expose(), "sk-abc");
        assert!(!format!("{:?}", doc.value).contains("sk-abc"));
        let out = serde_json::to_string(&doc).unwrap();
        assert_eq!(out, r#"{"value":"sk-abc","maybe":null}"#);
    }

    #[test]
    fn expose_returns_the_value() {
        assert_eq!(Secret::new("abc").expose(), "abc");
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
    }
}
