//! Generated values: key values, their keyed hashes and masks, ids, credentials.
//!
//! Every value is random at run time; nothing here is a constant that could be
//! mistaken for a real key.

use crate::Secret;
use hmac::{Hmac, Mac};
use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use sha2::Sha256;

/// The per-database random key of the value hashes: the same key value hashes
/// differently in every database, and no precomputed table applies.
pub fn new_pepper() -> Vec<u8> {
    let mut p = vec![0u8; 32];
    rand::rng().fill(&mut p[..]);
    p
}

/// HMAC-SHA256(pepper, value): how a key or token value is looked up without storing it.
pub fn value_hash(pepper: &[u8], value: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper).expect("HMAC takes any key length");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn alnum(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

fn lower_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

fn hex(n: usize) -> String {
    const CHARS: &[u8] = b"0123456789abcdef";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// A new API key value with the region's prefix: `sk-ws-` keys are long and
/// carry a dot like the current console's; `sk-` keys are 32 hex characters.
pub fn new_key_value(prefix: &str) -> Secret {
    if prefix == "sk-ws-" {
        Secret::new(format!("sk-ws-{}.{}", alnum(3), alnum(52)))
    } else {
        Secret::new(format!("{prefix}{}", hex(32)))
    }
}

/// A temporary `st-` token value.
pub fn new_temp_token() -> Secret {
    Secret::new(format!("st-{}", alnum(40)))
}

/// The masked form List and Get return: the head and tail, five stars between.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let (head, tail) = if value.starts_with("sk-ws-") {
        (14, 12)
    } else {
        (7, 4)
    };
    if chars.len() <= head + tail {
        return format!("{}*****", chars.iter().take(3).collect::<String>());
    }
    let h: String = chars[..head].iter().collect();
    let t: String = chars[chars.len() - tail..].iter().collect();
    format!("{h}*****{t}")
}

/// `llm-` + 16 lowercase characters, the shape of real workspace ids.
pub fn new_workspace_id() -> String {
    format!("llm-{}", lower_alnum(16))
}

/// A 16-digit account or RAM user id.
pub fn new_uid() -> String {
    let mut rng = rand::rng();
    let first = rng.random_range(1..10u8);
    let rest: String = (0..15)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    format!("{first}{rest}")
}

/// An AccessKey pair in the shape of Alibaba Cloud's (`LTAI` + 20, secret 30).
pub fn new_access_key() -> (String, Secret) {
    (format!("LTAI{}", alnum(20)), Secret::new(alnum(30)))
}

/// A request id in the gateway's upper-case UUID shape.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_have_region_prefix_and_differ() {
        let a = new_key_value("sk-ws-");
        let b = new_key_value("sk-ws-");
        assert!(a.expose().starts_with("sk-ws-"));
        assert_ne!(a, b);
        let legacy = new_key_value("sk-");
        assert!(legacy.expose().starts_with("sk-") && !legacy.expose().starts_with("sk-ws-"));
        assert_eq!(legacy.expose().len(), 35);
    }

    #[test]
    fn mask_hides_the_middle() {
        let v = new_key_value("sk-ws-");
        let m = mask(v.expose());
        assert!(m.contains("*****"));
        assert!(m.len() < v.expose().len());
        assert!(!m.contains(&v.expose()[14..v.expose().len() - 12]));
        assert!(mask("sk-abc").starts_with("sk-"));
    }

    #[test]
    fn hash_depends_on_pepper() {
        let (p1, p2) = (new_pepper(), new_pepper());
        assert_eq!(value_hash(&p1, "x"), value_hash(&p1, "x"));
        assert_ne!(value_hash(&p1, "x"), value_hash(&p2, "x"));
    }
}
