//! `Secret`: the only type that may hold a key value, an AccessKey secret or an STS token.
//!
//! It zeroizes on drop, prints `<redacted>` under Debug, has no Display and no
//! Serialize, so it cannot reach a log line, a JSON file or an IPC payload by
//! accident. `expose()` is called only where a secret must leave memory: the
//! Authorization header, the keychain write, the clipboard write and the
//! one-time display.

use secrecy::{ExposeSecret, SecretString};

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
    fn expose_returns_the_value() {
        assert_eq!(Secret::new("abc").expose(), "abc");
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
    }
}
