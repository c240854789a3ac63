//! Verifying ACS3-HMAC-SHA256 signatures the way the gateway does.
//!
//! The canonical request is rebuilt from the request *as received*: the raw
//! path, the decoded query pairs, the headers the client listed in
//! `SignedHeaders` with the values that arrived, and the SHA-256 of the body
//! bytes that arrived. The canonicalisation itself is the client's own
//! (`modelstudio::signer`), so signer and verifier cannot drift apart; the
//! signer is checked against vectors from the official runtime.

use super::apierror::ApiError;
use super::db::Db;
use super::store::Identity;
use crate::protocol::signer;
use axum::http::{HeaderMap, Method};

/// Allowed distance between `x-acs-date` and the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The parts of a request the verifier needs.
pub struct SignedRequest<'a> {
    pub method: &'a Method,
    pub raw_path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The `x-acs-version` the action expects (STS has its own).
    pub api_version: &'a str,
}

/// Nonces seen within the skew window, per AccessKey id (see `new`).
pub struct NonceCache {
    db: Db,
}

impl NonceCache {
    /// Nonces kept in the sandbox database: every sandbox process on it (the
    /// app's and `skm`'s, say) refuses a nonce any of them has seen.
    pub fn new(db: Db) -> Self {
        NonceCache { db }
    }

    /// Records the nonce: `Ok(false)` when it was already used.
    fn check_and_record(&self, ak: &str, nonce: &str, now: i64) -> Result<bool, ApiError> {
        self.db
            .write(|tx| -> Result<bool, crate::Error> {
                // A nonce older than the window cannot be replayed anyway (its
                // date is refused), so it is forgotten.
                tx.execute(
                    "DELETE FROM nonces WHERE seen_at < ?1",
                    [now - 2 * MAX_SKEW_SECS],
                )
                .map_err(super::db::db_error)?;
                let added = tx
                    .execute(
                        "INSERT OR IGNORE INTO nonces (access_key_id, nonce, seen_at) VALUES (?1, ?2, ?3)",
                        rusqlite::params![ak, nonce, now],
                    )
                    .map_err(super::db::db_error)?;
                Ok(added == 1)
            })
            .map_err(|e| {
                log::warn!("nonce check failed: {}", e.code);
                ApiError::internal()
            })
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Checks everything the gateway checks, in the gateway's order, and returns
/// the caller. `lookup` finds an identity (with its secret) by AccessKey id.
pub fn verify(
    req: &SignedRequest<'_>,
    nonces: &NonceCache,
    now: chrono::DateTime<chrono::Utc>,
    lookup: impl FnOnce(&str) -> Result<Option<Identity>, ApiError>,
) -> Result<Identity, ApiError> {
    let auth = header(req.headers, "authorization")
        .ok_or_else(|| ApiError::incomplete_signature("the Authorization header is missing"))?;
    let parsed = signer::parse_authorization(auth).ok_or_else(|| {
        ApiError::incomplete_signature("the Authorization header is not ACS3-HMAC-SHA256")
    })?;
    match header(req.headers, "x-acs-version") {
        Some(v) if v == req.api_version => {}
        Some(other) => return Err(ApiError::unsupported_version(other)),
        None => return Err(ApiError::missing("x-acs-version")),
    }
    let date = header(req.headers, "x-acs-date").ok_or_else(|| ApiError::missing("x-acs-date"))?;
    let date = signer::parse_acs_date(date).ok_or_else(ApiError::timestamp_format)?;
    if (now - date).num_seconds().abs() > MAX_SKEW_SECS {
        return Err(ApiError::timestamp_expired());
    }
    let nonce = header(req.headers, "x-acs-signature-nonce")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::missing("x-acs-signature-nonce"))?;
    // Everything that decides what the request does must be covered by the signature.
    for required in [
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if !parsed.signed_headers.iter().any(|h| h == required) {
            return Err(ApiError::incomplete_signature(&format!(
                "{required} is not signed"
            )));
        }
    }
    let identity = lookup(&parsed.access_key_id)?.ok_or_else(ApiError::unknown_access_key)?;

    let body_hash = signer::sha256_hex(req.body);
    let claimed = header(req.headers, "x-acs-content-sha256")
        .ok_or_else(|| ApiError::missing("x-acs-content-sha256"))?;
    if !claimed.trim().eq_ignore_ascii_case(&body_hash) {
        return Err(ApiError::content_sha256_mismatch());
    }

    let mut signed: Vec<(String, String)> = Vec::new();
    for name in &parsed.signed_headers {
        for value in req.headers.get_all(name.as_str()) {
            let value = value.to_str().map_err(|_| ApiError::signature_mismatch())?;
            signed.push((name.clone(), value.to_string()));
        }
    }
    let canonical = signer::canonical_request(
        req.method.as_str(),
        req.raw_path,
        req.query,
        &signed,
        &body_hash,
    );
    let expected = signer::signature(identity.access_key_secret.expose(), &canonical);
    if !signer::signatures_equal(&expected, &parsed.signature.to_ascii_lowercase()) {
        return Err(ApiError::signature_mismatch());
    }
    // Recorded only for correctly signed requests, so garbage cannot burn nonces.
    if !nonces.check_and_record(&parsed.access_key_id, nonce, now.timestamp())? {
        return Err(ApiError::nonce_used());
    }
    Ok(identity)
}
