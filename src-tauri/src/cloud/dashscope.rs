//! The DashScope inference side, reached with an API key (Bearer): temporary
//! keys and the cheap "does this key work" check.
//!
//! Host: the workspace's own `apiHost` when known, else the region's shared
//! host; a region with neither is refused clearly. The sandbox is reached by
//! a base URL override (plain http allowed for loopback only).

use crate::cloud::endpoint::{as_typed, check_endpoint, origin_of, parse_endpoint};
use crate::cloud::transport::{http_for, read_capped, MAX_BODY_BYTES};
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::keyformat::KeyFormat;
use crate::domain::regions::RegionId;
use crate::domain::rules;
use crate::domain::secret::Secret;
use serde::{Deserialize, Serialize};

/// A temporary `st-` key: it inherits its parent's permissions and cannot be revoked.
#[derive(Debug, Clone)]
pub struct TempKey {
    pub token: Secret,
    /// Unix seconds.
    pub expires_at: i64,
}

/// What the key check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum KeyCheck {
    /// 200: the key works here.
    Valid,
    /// 401: unknown, deleted, reset or disabled.
    Invalid,
    /// 403: the key exists but may not call here (whitelist, workspace, model, arrears).
    Denied,
}

#[derive(Deserialize)]
struct TokenBody {
    token: Option<Secret>,
    expires_at: Option<i64>,
}

#[derive(Deserialize, Default)]
struct DashErrorBody {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

pub struct DashScope {
    http: reqwest::Client,
    base: url::Url,
}

/// The base URL for `region`: override, else workspace host, else shared host.
pub fn base_url(
    region: RegionId,
    workspace_api_host: Option<&str>,
    base_override: Option<&str>,
) -> Result<url::Url> {
    if let Some(o) = base_override.filter(|o| !o.trim().is_empty()) {
        return origin_of(o);
    }
    let host = workspace_api_host
        .and_then(|h| region.trusted_workspace_host(h))
        .or(region.info().dashscope_host)
        .ok_or_else(|| {
            Error::new(ErrorCode::Unsupported)
                .with_reason("dashscope_needs_workspace")
                .with_param("region", region.info().name_en)
        })?;
    parse_endpoint(&format!("https://{}", host.trim()))
}

/// Check a DashScope base URL override: this computer and the cloud's hosts
/// pass; any other host only with `allow_foreign` (it would receive API keys).
pub fn check_base_url(text: &str, allow_foreign: bool) -> Result<url::Url> {
    let url = origin_of(text)?;
    check_endpoint(url.as_str(), allow_foreign).map_err(|e| as_typed(e, text.trim()))
}

impl DashScope {
    pub fn new(
        region: RegionId,
        workspace_api_host: Option<&str>,
        base_override: Option<&str>,
    ) -> Result<Self> {
        let base = base_url(region, workspace_api_host, base_override)?;
        Ok(DashScope {
            http: http_for(&base)?,
            base,
        })
    }

    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    pub fn base(&self) -> &url::Url {
        &self.base
    }

    /// `POST /api/v1/tokens?expire_in_seconds=N` (N 1..=1800, default 60).
    pub async fn temporary_key(&self, key: &Secret, ttl_secs: Option<i64>) -> Result<TempKey> {
        refuse_plan_key(key)?;
        let ttl = rules::check_ttl(ttl_secs)?;
        let mut url = self.base.clone();
        url.set_path("/api/v1/tokens");
        url.set_query(Some(&format!("expire_in_seconds={ttl}")));
        let resp = self
            .http
            .post(url)
            .bearer_auth(key.expose())
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status().as_u16();
        let body = read_capped(resp, MAX_BODY_BYTES)
            .await
            .map_err(|e| e.into_error(status))?;
        if status >= 400 {
            return Err(error_from(status, &body));
        }
        let parsed: TokenBody = serde_json::from_slice(&body).map_err(|e| {
            Error::new(ErrorCode::BadResponse)
                .with_reason(if e.is_eof() {
                    "body_truncated"
                } else {
                    "body_not_json"
                })
                .with_server(None, None, Some(status))
        })?;
        match (parsed.token, parsed.expires_at) {
            (Some(token), Some(exp)) if !token.is_empty() => Ok(TempKey {
                token,
                expires_at: exp,
            }),
            _ => Err(Error::new(ErrorCode::BadResponse)
                .with_reason("field_missing")
                .with_param("field", "token")),
        }
    }

    /// `GET /compatible-mode/v1/models`: 200 valid, 401 invalid, 403 denied.
    pub async fn check_key(&self, key: &Secret) -> Result<KeyCheck> {
        refuse_plan_key(key)?;
        let mut url = self.base.clone();
        url.set_path("/compatible-mode/v1/models");
        let resp = self
            .http
            .get(url)
            .bearer_auth(key.expose())
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => Ok(KeyCheck::Valid),
            401 => Ok(KeyCheck::Invalid),
            403 => Ok(KeyCheck::Denied),
            _ => {
                let body = read_capped(resp, MAX_BODY_BYTES)
                    .await
                    .map_err(|e| e.into_error(status))?;
                Err(error_from(status, &body))
            }
        }
    }
}

fn refuse_plan_key(key: &Secret) -> Result<()> {
    if KeyFormat::classify(key.expose()) == KeyFormat::Plan {
        return Err(Error::new(ErrorCode::Unsupported).with_reason("plan_key_not_supported"));
    }
    Ok(())
}

fn transport(e: reqwest::Error) -> Error {
    crate::cloud::errors::from_transport(&e).0
}

/// DashScope's `{code, message, request_id}` errors.
fn error_from(status: u16, body: &[u8]) -> Error {
    let parsed: DashErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let code = parsed.code.clone().unwrap_or_default();
    let (kind, reason) = match (status, code.as_str()) {
        (_, "Arrearage") => (ErrorCode::Forbidden, Some("arrearage")),
        (401, _) | (_, "InvalidApiKey") => (ErrorCode::InvalidCredentials, Some("api_key_invalid")),
        (403, _) => (ErrorCode::Forbidden, Some("api_key_denied")),
        (404, _) => (ErrorCode::NotFound, None),
        (429, _) => (ErrorCode::Throttled, None),
        (400, _) => (ErrorCode::InvalidInput, Some("server_rejected_input")),
        (500..=599, _) => (ErrorCode::Server, None),
        _ => (ErrorCode::BadResponse, Some("body_not_json")),
    };
    let mut e = Error::new(kind);
    if let Some(r) = reason {
        e = e.with_reason(r);
    }
    if let Some(m) = parsed.message {
        e = e.with_technical(m);
    }
    e.with_server(parsed.code, parsed.request_id, Some(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_choice_prefers_workspace_then_shared() {
        let ws = base_url(
            RegionId::CnBeijing,
            Some("llm-x.cn-beijing.maas.aliyuncs.com"),
            None,
        )
        .unwrap();
        assert_eq!(ws.host_str(), Some("llm-x.cn-beijing.maas.aliyuncs.com"));
        let shared = base_url(RegionId::ApSoutheast1, None, None).unwrap();
        assert_eq!(shared.host_str(), Some("dashscope-intl.aliyuncs.com"));
        let e = base_url(RegionId::EuCentral1, None, None).unwrap_err();
        assert_eq!(
            (e.code, e.reason.as_deref()),
            (ErrorCode::Unsupported, Some("dashscope_needs_workspace"))
        );
        assert!(base_url(RegionId::EuCentral1, None, Some("http://127.0.0.1:9")).is_ok());
        // The SDKs' DASHSCOPE_BASE_URL carries a path: its origin is what counts.
        let sdk = base_url(
            RegionId::CnBeijing,
            None,
            Some("https://dashscope.aliyuncs.com/api/v1"),
        )
        .unwrap();
        assert_eq!(sdk.as_str(), "https://dashscope.aliyuncs.com/");
        assert!(check_base_url("https://dashscope.aliyuncs.com/compatible-mode/v1", false).is_ok());
        assert!(check_base_url("https://dashscope.example.com/api/v1", false).is_err());
        assert!(base_url(RegionId::EuCentral1, None, Some("http://example.com")).is_err());
    }

    #[test]
    fn a_workspace_host_outside_the_regions_suffix_is_not_used() {
        for foreign in [
            "evil.example.com",
            "llm-x.cn-beijing.maas.aliyuncs.com.evil.io",
            "llm-x.ap-southeast-1.maas.aliyuncs.com",
            "a.b.cn-beijing.maas.aliyuncs.com",
        ] {
            let url = base_url(RegionId::CnBeijing, Some(foreign), None).unwrap();
            assert_eq!(url.host_str(), Some("dashscope.aliyuncs.com"), "{foreign}");
        }
        // Frankfurt has no shared host: a foreign workspace host is refused, not used.
        let e = base_url(RegionId::EuCentral1, Some("evil.example.com"), None).unwrap_err();
        assert_eq!(e.reason.as_deref(), Some("dashscope_needs_workspace"));
    }

    #[test]
    fn dashscope_errors_map_to_codes() {
        assert_eq!(
            error_from(401, br#"{"code":"InvalidApiKey"}"#).code,
            ErrorCode::InvalidCredentials
        );
        assert_eq!(
            error_from(400, br#"{"code":"Arrearage"}"#).code,
            ErrorCode::Forbidden
        );
        assert_eq!(error_from(429, b"").code, ErrorCode::Throttled);
        assert_eq!(
            error_from(503, br#"{"code":"ModelUnavailable"}"#).code,
            ErrorCode::Server
        );
    }

    #[tokio::test]
    async fn plan_keys_and_bad_ttls_are_refused_before_any_request() {
        let d = DashScope::new(RegionId::CnBeijing, None, Some("http://127.0.0.1:9")).unwrap();
        let plan = Secret::new("sk-sp-0123456789abcdef0123456789");
        assert_eq!(
            d.check_key(&plan).await.unwrap_err().code,
            ErrorCode::Unsupported
        );
        let key = Secret::new(format!("sk-ws-{}", "abcdef".repeat(4)));
        for ttl in [0, 1801] {
            let e = d.temporary_key(&key, Some(ttl)).await.unwrap_err();
            assert_eq!(e.reason.as_deref(), Some("ttl_out_of_range"));
        }
    }
}
