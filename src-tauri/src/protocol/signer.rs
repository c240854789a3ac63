//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud signature V3).
//!
//! Pure functions over strings so that the client (signing) and the sandbox
//! (verifying) compute the canonical request with the very same code. The
//! official runtime (`alibabacloud_tea_openapi.utils.Utils.get_authorization`)
//! is the authority; `tests/fixtures/signature_vectors.json` holds its output.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// Hex SHA-256 of an empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `x-acs-date` format: UTC `YYYY-MM-DDTHH:MM:SSZ`.
pub const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// RFC 3986 encoding: only `A-Z a-z 0-9 - _ . ~` stay as they are; every other
/// byte of the UTF-8 form becomes `%XX` (upper-case hex), so a space is `%20`.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from(HEX[(byte >> 4) as usize]));
            out.push(char::from(HEX[(byte & 0x0f) as usize]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `key=value` pairs sorted by key, each side RFC 3986 encoded, joined by `&`.
/// Pairs sort by key then value so that a repeated key still signs stably.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Canonical header block and the `SignedHeaders` list for the headers given.
///
/// Names are lower-cased and sorted; values trimmed; a header given twice
/// has its values sorted and joined by `,` (what the official runtime does).
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut grouped: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (name, value) in headers {
        grouped
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(value.trim().to_string());
    }
    let mut block = String::new();
    for (name, values) in grouped.iter_mut() {
        values.sort();
        block.push_str(name);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
    }
    let signed = grouped.keys().cloned().collect::<Vec<_>>().join(";");
    (block, signed)
}

/// Whether a header belongs in the signature: `host`, `content-type` and every `x-acs-*`.
pub fn is_signed_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

/// The canonical request. `path` is the path as sent (already percent-encoded);
/// `headers` are exactly the headers to sign.
pub fn canonical_request(
    method: &str,
    path: &str,
    query_pairs: &[(String, String)],
    headers: &[(String, String)],
    body_sha256_hex: &str,
) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let (canonical_headers, signed_headers) = canonical_headers(headers);
    format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{signed_headers}\n{body_sha256_hex}",
        canonical_query(query_pairs)
    )
}

pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// Hex HMAC-SHA256 of the string to sign for `canonical_request`, keyed by the AccessKey secret.
pub fn signature(secret: &str, canonical_request: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign(canonical_request).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The request parts that are signed.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// Headers to sign (see `is_signed_header`); others are ignored.
    pub headers: &'a [(String, String)],
    pub body_sha256_hex: &'a str,
}

/// The `Authorization` header value for a request.
pub fn sign_request(access_key_id: &str, secret: &str, input: SigningInput<'_>) -> String {
    let signed: Vec<(String, String)> = input
        .headers
        .iter()
        .filter(|(n, _)| is_signed_header(n))
        .cloned()
        .collect();
    let canonical = canonical_request(
        input.method,
        input.path,
        input.query,
        &signed,
        input.body_sha256_hex,
    );
    let (_, signed_names) = canonical_headers(&signed);
    authorization_header(access_key_id, &signed_names, &signature(secret, &canonical))
}

pub fn authorization_header(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

/// An `Authorization` header taken apart (for the verifying side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub access_key_id: String,
    /// Lower-case header names, in the order given.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parse `ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`;
/// `None` when it is another scheme or a part is missing.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut id, mut names, mut sig) = (None, None, None);
    for part in rest.trim().split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => id = Some(v.to_string()),
            "SignedHeaders" => names = Some(v.to_string()),
            "Signature" => sig = Some(v.to_string()),
            _ => {}
        }
    }
    let (access_key_id, names, signature) = (id?, names?, sig?);
    if access_key_id.is_empty() || signature.is_empty() {
        return None;
    }
    let signed_headers = names
        .split(';')
        .filter(|n| !n.is_empty())
        .map(|n| n.to_ascii_lowercase())
        .collect();
    Some(ParsedAuthorization {
        access_key_id,
        signed_headers,
        signature,
    })
}

/// Constant-time comparison of two signatures, so a verifier leaks no timing.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh `x-acs-signature-nonce`: 32 random hex digits.
pub fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `x-acs-date` for an instant.
pub fn acs_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format(DATE_FORMAT).to_string()
}

/// Parse an `x-acs-date` value.
pub fn parse_acs_date(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::NaiveDateTime::parse_from_str(value.trim(), DATE_FORMAT)
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// Alibaba Cloud's own documented example (modelstudio-api.md section 2).
    #[test]
    fn documented_vector_matches() {
        let query = pairs(&[
            ("RegionId", "cn-shanghai"),
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
        ]);
        let headers = pairs(&[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", EMPTY_BODY_SHA256),
        ]);
        let canonical = canonical_request("POST", "/", &query, &headers, EMPTY_BODY_SHA256);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        assert_eq!(
            signature("YourAccessKeySecret", &canonical),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        let auth = sign_request(
            "YourAccessKeyId",
            "YourAccessKeySecret",
            SigningInput {
                method: "POST",
                path: "/",
                query: &query,
                headers: &headers,
                body_sha256_hex: EMPTY_BODY_SHA256,
            },
        );
        assert_eq!(
            auth,
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }

    #[test]
    fn empty_body_hash_constant_is_right() {
        assert_eq!(sha256_hex(b""), EMPTY_BODY_SHA256);
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("a b+c/d~e_f.g-h"), "a%20b%2Bc%2Fd~e_f.g-h");
        assert_eq!(percent_encode("密钥"), "%E5%AF%86%E9%92%A5");
        assert_eq!(percent_encode("2001:db8::/32"), "2001%3Adb8%3A%3A%2F32");
    }

    #[test]
    fn empty_value_and_empty_query_canonicalise() {
        assert_eq!(canonical_query(&pairs(&[("b", ""), ("a", "1")])), "a=1&b=");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn a_wrong_secret_gives_another_signature() {
        let c = canonical_request(
            "GET",
            "/x",
            &[],
            &pairs(&[("host", "h")]),
            EMPTY_BODY_SHA256,
        );
        assert_ne!(signature("right", &c), signature("wrong", &c));
    }

    #[test]
    fn authorization_round_trips_through_the_parser() {
        let header = authorization_header("AKID", "host;x-acs-date", "abc123");
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(parsed.access_key_id, "AKID");
        assert_eq!(parsed.signed_headers, vec!["host", "x-acs-date"]);
        assert_eq!(parsed.signature, "abc123");
        assert_eq!(parse_authorization("Bearer sk-x"), None);
        assert_eq!(parse_authorization("ACS3-HMAC-SHA256 Credential=A"), None);
    }

    #[test]
    fn unsigned_headers_do_not_change_the_signature() {
        let base = pairs(&[("host", "h"), ("x-acs-action", "A")]);
        let mut more = base.clone();
        more.push(("user-agent".into(), "skm".into()));
        let sign = |headers: &[(String, String)]| {
            let input = SigningInput {
                method: "GET",
                path: "/",
                query: &[],
                headers,
                body_sha256_hex: EMPTY_BODY_SHA256,
            };
            sign_request("id", "s", input)
        };
        assert_eq!(sign(&base), sign(&more));
    }

    #[test]
    fn acs_date_round_trips() {
        let d = parse_acs_date("2023-10-26T10:22:32Z").unwrap();
        assert_eq!(acs_date(d), "2023-10-26T10:22:32Z");
        assert!(parse_acs_date("yesterday").is_none());
    }
}
