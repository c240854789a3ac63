//! One signed HTTP exchange with the management OpenAPI: credentials,
//! endpoint checks, the shared reqwest client, signing and sending.

use super::endpoint::{is_loopback, is_official};
use super::errors;
use crate::domain::error::{Error, ErrorCode, Result};
use crate::domain::secret::Secret;
use crate::protocol::codec::{encode_form, Pairs};
use crate::protocol::requests::Action;
use crate::protocol::signer::{self, SigningInput};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use zeroize::Zeroizing;

/// An AccessKey pair, optionally with an STS token.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, secret: Secret) -> Self {
        // Logs and skm's stderr remove it by value from here on.
        crate::domain::redact::remember(&secret);
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: secret,
            security_token: None,
        }
    }
    pub fn with_security_token(mut self, token: Secret) -> Self {
        crate::domain::redact::remember(&token);
        self.security_token = Some(token).filter(|t| !t.is_empty());
        self
    }
}

/// Limits of the HTTP stack. A server that trickles bytes defeats a read
/// timeout, so every call also has a total deadline; a server that sends
/// without end meets the body cap.
#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// The whole exchange, from connect to the last body byte.
    pub total_timeout: Duration,
    /// Whether `HTTP(S)_PROXY` from the environment is used. Never for this
    /// computer: a proxy would receive the sandbox's traffic, signed
    /// Authorization header included, in clear.
    pub system_proxy: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(60),
            system_proxy: true,
        }
    }
}

/// How long an idle connection is kept for the next call, and how many per host
/// (the all-regions view makes six calls to six hosts at once, one each).
const POOL_IDLE: Duration = Duration::from_secs(20);
const POOL_MAX_IDLE_PER_HOST: usize = 2;

/// The largest answer body read; Model Studio's pages are a few KiB.
pub const MAX_BODY_BYTES: usize = 4 << 20;

/// No redirects: a redirected request would carry the signature or the
/// Bearer key to wherever the answer points.
pub fn build_http(settings: HttpSettings) -> Result<reqwest::Client> {
    install_tls_provider();
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.read_timeout)
        .timeout(settings.total_timeout)
        .redirect(reqwest::redirect::Policy::none())
        // Calls come in bursts (a listing, six regions at once) minutes apart:
        // a connection idle for longer than a burst is closed rather than kept
        // with its TLS buffers for reqwest's default 90 s.
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(POOL_MAX_IDLE_PER_HOST)
        .user_agent(concat!("studio-keys/", env!("CARGO_PKG_VERSION")));
    if !settings.system_proxy {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| Error::internal(format!("http client: {e}")))
}

/// reqwest takes rustls's process-wide provider, and builds no client without
/// one: ring, unless one is set already (the updater plugin installs the same
/// when it checks first).
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The process-wide HTTP client for the cloud (one connection pool for every call).
pub fn shared_http() -> Result<reqwest::Client> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c.clone());
    }
    let built = build_http(HttpSettings::default())?;
    Ok(CLIENT.get_or_init(|| built).clone())
}

/// The process-wide HTTP client for this computer: no proxy.
fn shared_direct_http() -> Result<reqwest::Client> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c.clone());
    }
    let built = build_http(HttpSettings {
        system_proxy: false,
        ..HttpSettings::default()
    })?;
    Ok(CLIENT.get_or_init(|| built).clone())
}

/// The shared client for requests to `base`: direct for a loopback host.
pub fn http_for(base: &url::Url) -> Result<reqwest::Client> {
    if base.host_str().is_some_and(is_loopback) {
        shared_direct_http()
    } else {
        shared_http()
    }
}

/// Read a body, refusing more than `cap` bytes. Bodies can carry a full key
/// value (Create, Reset, a temporary key): the buffer is zeroed when dropped,
/// and sized up front from `Content-Length` so that growing it leaves no
/// copies behind.
pub async fn read_capped(
    mut resp: reqwest::Response,
    cap: usize,
) -> std::result::Result<Zeroizing<Vec<u8>>, BodyError> {
    let announced = resp.content_length();
    if announced.is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Zeroizing::new(Vec::with_capacity(announced.unwrap_or(0) as usize));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        if body.len() + chunk.len() > body.capacity() {
            // Move to a bigger buffer by hand: the old one is zeroed as it drops.
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                (body.len() + chunk.len()).max(body.capacity() * 2),
            ));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

impl BodyError {
    /// As an `Error` of the app; `status` is the answer's.
    pub fn into_error(self, status: u16) -> Error {
        match self {
            BodyError::TooLarge => Error::new(ErrorCode::BadResponse)
                .with_reason("body_too_large")
                .with_server(None, None, Some(status)),
            BodyError::Transport(e) => {
                let (error, _) = errors::from_transport(&e);
                if error.code == ErrorCode::Timeout {
                    error
                } else {
                    Error::new(ErrorCode::BadResponse)
                        .with_reason("body_truncated")
                        .with_technical(e.to_string())
                }
            }
        }
    }
}

/// Where "now" comes from when signing; tests move it to simulate clock skew.
pub type Clock = Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(chrono::Utc::now)
}

/// A raw answer: status, the headers we use, and the body bytes.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    /// Zeroed when dropped: a Create or Reset answer holds a key value.
    pub body: Zeroizing<Vec<u8>>,
}

/// A failed attempt, saying whether the server may have acted on it.
#[derive(Debug)]
pub struct AttemptError {
    pub error: Error,
    /// True when the request may have reached the server (timeout after
    /// sending, connection dropped): its effect is unknown.
    pub maybe_applied: bool,
    pub retry_after: Option<Duration>,
}

/// Everything needed to sign and send.
#[derive(Clone)]
pub struct Transport {
    pub http: reqwest::Client,
    pub base: url::Url,
    /// Where GetCallerIdentity goes: the region's STS host, or the endpoint
    /// override (the sandbox answers it too).
    pub sts_base: url::Url,
    pub credentials: Credentials,
    pub clock: Clock,
}

impl Transport {
    /// Sign and send one request; no retries here.
    pub async fn send(
        &self,
        action: Action,
        id: &str,
        query: &Pairs,
        form: &Pairs,
    ) -> std::result::Result<RawResponse, AttemptError> {
        let path = action.path(id);
        let base = if action == Action::GetCallerIdentity {
            &self.sts_base
        } else {
            &self.base
        };
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(fail(Error::internal("endpoint without host"), false)),
        };
        let body = if form.is_empty() {
            String::new()
        } else {
            encode_form(form)
        };
        let body_hash = signer::sha256_hex(body.as_bytes());
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host),
            ("x-acs-action".into(), action.name().into()),
            ("x-acs-version".into(), action.version().into()),
            ("x-acs-date".into(), signer::acs_date((self.clock)())),
            ("x-acs-signature-nonce".into(), signer::new_nonce()),
            ("x-acs-content-sha256".into(), body_hash.clone()),
        ];
        if !form.is_empty() {
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        // An STS token is a bearer credential of its own: only the cloud's hosts get it.
        if let Some(token) = self
            .credentials
            .security_token
            .as_ref()
            .filter(|_| is_official(base))
        {
            headers.push((
                "x-acs-accesskey-id".into(),
                self.credentials.access_key_id.clone(),
            ));
            headers.push(("x-acs-security-token".into(), token.expose().to_string()));
        }
        let authorization = signer::sign_request(
            &self.credentials.access_key_id,
            self.credentials.access_key_secret.expose(),
            SigningInput {
                method: action.method(),
                path: &path,
                query,
                headers: &headers,
                body_sha256_hex: &body_hash,
            },
        );
        let mut url = base.clone();
        url.set_path(&path);
        let query_string = query
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    signer::percent_encode(k),
                    signer::percent_encode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        url.set_query((!query_string.is_empty()).then_some(query_string.as_str()));
        let method = reqwest::Method::from_bytes(action.method().as_bytes())
            .map_err(|e| fail(Error::internal(e.to_string()), false))?;
        // reqwest sets `host` from the URL; the signed value is the same.
        let mut req = self
            .http
            .request(method, url)
            .header("accept", "application/json");
        for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
            req = req.header(name.as_str(), value.as_str());
        }
        req = req.header("authorization", authorization);
        if !body.is_empty() {
            req = req.body(body);
        }
        let resp = req.send().await.map_err(|e| {
            let (error, maybe_applied) = errors::from_transport(&e);
            fail(error, maybe_applied)
        })?;
        let status = resp.status().as_u16();
        let request_id = header(&resp, "x-acs-request-id");
        let retry_after = header(&resp, "x-acs-retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map(Duration::from_secs);
        let body = read_capped(resp, MAX_BODY_BYTES).await.map_err(|e| {
            // The server answered (so it acted); only the body was lost.
            fail(
                e.into_error(status)
                    .with_server(None, request_id.clone(), Some(status)),
                true,
            )
        })?;
        Ok(RawResponse {
            status,
            request_id,
            retry_after,
            body,
        })
    }
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn fail(error: Error, maybe_applied: bool) -> AttemptError {
    AttemptError {
        error,
        maybe_applied,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_hides_secrets() {
        let c = Credentials::new("AKID", Secret::new("very-secret"))
            .with_security_token(Secret::new("tok-secret"));
        let printed = format!("{c:?}");
        assert!(!printed.contains("very-secret") && !printed.contains("tok-secret"));
    }
}
