//! A local Model Studio speaking the real wire protocol.
//!
//! The sandbox serves the management OpenAPI (API version 2026-02-10, signed
//! with ACS3-HMAC-SHA256) and the DashScope key endpoints over plain HTTP on
//! 127.0.0.1, with its state in one SQLite file. It is the app's default
//! profile and the peer every test talks to. It uses `regions`, `rules`-like
//! data and the wire types, never the client.
//!
//! # Region addressing
//!
//! One process serves all six regions, with **one loopback listener per
//! region**, in `REGIONS` order. An HTTP client reaches a region by its port
//! alone, so the official SDK needs nothing but
//! `Config(endpoint="127.0.0.1:<port>", protocol="http")`:
//!
//! | region | port (`skm sandbox serve --port N`) |
//! |---|---|
//! | cn-beijing | N |
//! | ap-southeast-1 | N+1 |
//! | ap-northeast-1 | N+2 |
//! | cn-hongkong | N+3 |
//! | eu-central-1 | N+4 |
//! | us-east-1 | N+5 |
//!
//! `skm sandbox serve` prints this mapping; in-process, [`SandboxHandle`]
//! reports the ports it got (`PortChoice::Ephemeral` lets the OS pick them).
//! On every listener the `Host` header may also name the region, and then
//! wins over the port: `modelstudio.<region>.aliyuncs.com`,
//! `<region>.sandbox.localhost`, the region's DashScope host
//! (`dashscope.aliyuncs.com`, `dashscope-intl.aliyuncs.com`, ...) or a
//! workspace host `<workspace>.<region>.maas.aliyuncs.com`. Any other host
//! (such as `127.0.0.1:<port>`) means the listener's own region. The DashScope
//! paths (`POST /api/v1/tokens`, `GET /compatible-mode/v1/models`,
//! `POST /compatible-mode/v1/chat/completions`) are served on the same listeners.
//!
//! # Costs
//!
//! A chat call runs no model but is metered: its tokens at the model's price
//! (`metering::PRICES`, in CNY) are added to the key's spend for the billing
//! day (UTC+8, `domain::billing`). GetBillingTrend and GetBillingOverview
//! answer from that spend, per region. The demo keys carry 90 days of
//! history, topped up to yesterday on every start and before each billing
//! answer: "Production backend" is
//! busy, "Old key from before the upgrade" has spent nothing for 45 days,
//! "Office network only" had one expensive day 12 days before the first start.
//!
//! # Errors the sandbox answers
//!
//! OpenAPI errors are `HTTP status` + `{"code","message","requestId",...}`;
//! DashScope errors are `{"code","message","request_id"}`, except a workspace
//! limit's 429, which is the compatible mode's
//! `{"error":{"message","type","code","param"},"request_id"}`.
//!
//! | situation | status | code |
//! |---|---|---|
//! | Authorization missing or not ACS3, a required header unsigned | 400 | `IncompleteSignature` |
//! | unknown AccessKey id | 404 | `InvalidAccessKeyId.NotFound` |
//! | signature differs (wrong secret, altered request) | 400 | `SignatureDoesNotMatch` |
//! | `x-acs-date` more than 15 minutes off | 400 | `InvalidTimeStamp.Expired` |
//! | `x-acs-date` unreadable | 400 | `InvalidTimeStamp.Format` |
//! | nonce used before | 400 | `SignatureNonceUsed` |
//! | body differs from `x-acs-content-sha256` | 400 | `InvalidContentSha256.Mismatch` |
//! | `x-acs-version` not 2026-02-10 | 400 | `InvalidVersion` |
//! | unknown path or action | 404 | `InvalidAction.NotFound` |
//! | RAM user without key permission (keys, limits) | 403 | `Forbidden.RAM` |
//! | any RAM user reading costs (only the root account reads the bill) | 403 | `Forbidden.RAM` |
//! | billing: `groupBy` not one known dimension, `timePeriod` not dates, `topNum` outside 1..20 | 400 | `InvalidParameter` |
//! | key unknown, or another RAM user's key | 404 | `ApiKey.NotFound` |
//! | workspace unknown in this region | 404 | `Workspace.NotFound` |
//! | key limit reached (50 per account, 20 per owner in us-east-1) | 400 | `ApiKey.QuotaExceeded` |
//! | Custom permissions in us-east-1 | 400 | `ApiKey.CustomAuthNotSupported` |
//! | IPv6 whitelist entry outside cn-beijing | 400 | `InvalidParameter.AccessIps.IPv6NotSupported` |
//! | whitelist entry not an address or CIDR | 400 | `InvalidParameter.AccessIps` |
//! | more than 20 whitelist entries | 400 | `InvalidParameter.AccessIps.TooMany` |
//! | model scope names a model not authorized in the workspace | 400 | `InvalidParameter.AccessibleModels` |
//! | disable a disabled key / enable an enabled key | 400 | `ApiKey.AlreadyDisabled` / `ApiKey.AlreadyEnabled` |
//! | workspace name taken | 400 | `Workspace.NameExists` |
//! | required parameter missing / malformed | 400 | `MissingParameter` / `InvalidParameter` |
//! | workspace holds keys, or is the default | 200 | `isDeleted: false` + `failReasons` |
//! | DashScope: key unknown, disabled, reset, expired, other region | 401 | `InvalidApiKey` |
//! | DashScope: caller address outside the whitelist | 403 | `AccessDenied` |
//! | DashScope: key of another workspace on a workspace host | 403 | `Workspace.AccessDenied` |
//! | DashScope: `expire_in_seconds` outside 1..1800 | 400 | `InvalidParameter` |
//! | chat: model not authorized in the key's workspace | 404 | `ModelNotFound` |
//! | chat: model outside the key's model scope | 403 | `Model.AccessDenied` |
//! | chat: no model or messages, `stream` not a boolean | 400 | `InvalidParameter` |
//! | chat: the workspace's own request limit used up for this window (`throttle.rs`) | 429 | `limit_requests`, in `{"error":{…}}` |
//! | chat: the workspace's own token limit used up for this window | 429 | `limit_tokens`, in `{"error":{…}}` |
//! | fault injection | 500/503, 429 + `x-acs-retry-after` | `InternalError`, `ServiceUnavailable`, `Throttling.User` |
//!
//! # Secrets at rest
//!
//! The database keeps, for each API key and temporary token, an HMAC-SHA256 of
//! the value under a random per-database pepper, and the mask; never the
//! value. The AccessKey secrets of the sandbox identities are stored as they
//! are: they are sandbox-only credentials that open nothing else, and the
//! server needs them to recompute signatures. Nothing secret is logged.

mod apierror;
mod auth;
mod billing;
mod chat;
mod dashscope;
pub mod db;
pub mod fault;
mod limits;
pub mod metering;
mod net;
mod openapi;
pub mod seed;
pub mod store;
mod throttle;
mod values;

pub use fault::FaultConfig;
pub use net::ConnLimits;
pub use seed::{SeedCount, SeededKey};
pub use store::{Identity, IdentityKind};

use crate::domain::regions::{RegionId, REGIONS};
use crate::{Error, ErrorCode, Result};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;
use db::Db;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Which loopback ports the six listeners use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortChoice {
    /// Free ports picked by the operating system (tests, the embedded sandbox).
    Ephemeral,
    /// `base` for cn-beijing, then one more per region in `REGIONS` order.
    From(u16),
}

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub db_path: PathBuf,
    pub ports: PortChoice,
    /// Test-only: honoured only when built with the `fault-injection` feature.
    pub fault: Option<FaultConfig>,
    /// What each region's listener allows a connection (see `net`).
    pub limits: ConnLimits,
}

impl SandboxConfig {
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        SandboxConfig {
            db_path: db_path.into(),
            ports: PortChoice::Ephemeral,
            fault: None,
            limits: ConnLimits::default(),
        }
    }
}

pub(crate) struct Shared {
    pub db: Db,
    pub pepper: Vec<u8>,
    pub nonces: auth::NonceCache,
    pub fault: Option<FaultConfig>,
    /// Requests seen so far, numbering them for the fault plan.
    pub requests: AtomicU64,
}

/// Per-listener state: the shared sandbox plus the listener's own region.
#[derive(Clone)]
pub(crate) struct AppState {
    pub shared: Arc<Shared>,
    pub region: RegionId,
}

/// Whether `Host` names this computer (a loopback address, `localhost`,
/// `*.sandbox.localhost`) or one of the hosts the sandbox stands in for. Any
/// other name means a browser was pointed here by a DNS record (DNS
/// rebinding): such a request is refused before it is authenticated.
pub(crate) fn host_allowed(headers: &HeaderMap) -> bool {
    let Some(raw) = headers.get("host").and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let host = raw
        .rsplit_once(':')
        .filter(|(h, p)| p.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':'))
        .map(|(h, _)| h)
        .unwrap_or(raw);
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare == "localhost"
        || bare.ends_with(".sandbox.localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
    {
        return true;
    }
    REGIONS.iter().any(|r| {
        host == r.openapi_host
            || host == r.sts_host
            || r.dashscope_host == Some(host.as_str())
            || r.trusted_workspace_host_of(&host)
    })
}

async fn guard_host(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if host_allowed(req.headers()) {
        next.run(req).await
    } else {
        apierror::ApiError::host_not_served().into_response()
    }
}

/// The region a request addresses: a recognised `Host` wins, else the listener's.
pub(crate) fn region_for_host(headers: &HeaderMap, fallback: RegionId) -> RegionId {
    let Some(host) = headers.get("host").and_then(|h| h.to_str().ok()) else {
        return fallback;
    };
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map(|(h, _)| h)
        .unwrap_or(host);
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|r| {
            host == r.openapi_host
                || host == format!("{}.sandbox.localhost", r.id.as_str())
                || r.dashscope_host == Some(host.as_str())
                || host.ends_with(&format!(".{}", r.workspace_host_suffix))
        })
        .map(|r| r.id)
        .unwrap_or(fallback)
}

/// Opens the database, seeding the demo world when it is new and topping up
/// the demo keys' spend history to yesterday.
pub fn open_db(path: &Path) -> Result<Db> {
    let (db, fresh) = Db::open(path)?;
    if fresh {
        seed::seed_demo_world(&db)?;
    }
    metering::top_up(&db, crate::domain::billing::day_of(chrono::Utc::now()))?;
    Ok(db)
}

/// The identities of a sandbox database (seeding it first if it is new).
pub fn identities(db_path: &Path) -> Result<Vec<Identity>> {
    let db = open_db(db_path)?;
    db.read(store::identities)
}

/// Creates keys in `region` for the identity named `owner` (see [`seed::ROOT`]):
/// `count` more, or up to a total.
pub fn seed_keys(
    db_path: &Path,
    region: RegionId,
    count: SeedCount,
    owner: &str,
) -> Result<Vec<SeededKey>> {
    let db = open_db(db_path)?;
    seed::seed_keys(&db, region, count, owner, None)
}

/// Like [`seed_keys`] but past the region's key limit: for load tests and
/// benchmarks only (the real service never allows it).
pub fn seed_keys_past_limit(
    db_path: &Path,
    region: RegionId,
    count: u32,
    owner: &str,
) -> Result<Vec<SeededKey>> {
    let db = open_db(db_path)?;
    seed::seed_keys_past_limit(&db, region, count, owner)
}

/// A running sandbox. Dropping it stops the listeners; `shutdown` also waits for them.
pub struct SandboxHandle {
    addrs: Vec<(RegionId, SocketAddr)>,
    identities: Vec<Identity>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxHandle {
    /// The listener address of `region`.
    pub fn addr(&self, region: RegionId) -> SocketAddr {
        self.addrs
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| self.addrs[0].1)
    }

    /// `127.0.0.1:<port>`: what the SDK's `endpoint` setting takes.
    pub fn endpoint(&self, region: RegionId) -> String {
        self.addr(region).to_string()
    }

    /// `http://127.0.0.1:<port>`: the management OpenAPI of `region`.
    pub fn openapi_base_url(&self, region: RegionId) -> String {
        format!("http://{}", self.addr(region))
    }

    /// `http://127.0.0.1:<port>`: the DashScope root of `region` (append `/api/v1` or `/compatible-mode/v1`).
    pub fn dashscope_base_url(&self, region: RegionId) -> String {
        format!("http://{}", self.addr(region))
    }

    pub fn identities(&self) -> &[Identity] {
        &self.identities
    }

    /// The seeded identity named `name` (`seed::ROOT`, `seed::RAM_ADMIN`, `seed::RAM_NO_PERMISSION`).
    pub fn identity(&self, name: &str) -> Option<&Identity> {
        self.identities.iter().find(|i| i.name == name)
    }

    pub fn regions(&self) -> &[(RegionId, SocketAddr)] {
        &self.addrs
    }

    /// How many requests met the fault plan so far (always 0 without one):
    /// lets a test check that the faults it planned reached its client.
    pub fn requests_planned(&self) -> u64 {
        self.shared
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the listeners.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                log::warn!("sandbox listener did not stop within 5 s");
            }
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn router(state: AppState) -> Router {
    let r = Router::new()
        .route("/api/v1/tokens", post(dashscope::create_token))
        .route("/compatible-mode/v1/models", get(dashscope::list_models))
        .route(
            "/compatible-mode/v1/chat/completions",
            post(chat::completions),
        )
        .fallback(openapi::handle);
    let r = if state.shared.fault.is_some() {
        r.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fault::inject,
        ))
    } else {
        r
    };
    // Outermost: an unknown Host is refused before anything else looks at it.
    r.layer(axum::middleware::from_fn(guard_host))
        .with_state(state)
}

/// Opens (or creates and seeds) the database and starts the six listeners.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle> {
    if config.fault.is_some() && !cfg!(feature = "fault-injection") {
        return Err(
            Error::new(ErrorCode::Unsupported).with_reason("sandbox_fault_injection_disabled")
        );
    }
    let path = config.db_path.clone();
    let (db, identities) = tokio::task::spawn_blocking(move || -> Result<_> {
        let db = open_db(&path)?;
        let ids = db.read(store::identities)?;
        Ok((db, ids))
    })
    .await
    .map_err(|e| Error::internal(e.to_string()))??;
    let pepper = db.read(store::pepper)?;
    let shared = Arc::new(Shared {
        nonces: auth::NonceCache::new(db.clone()),
        db,
        pepper,
        fault: config.fault.clone(),
        requests: AtomicU64::new(0),
    });
    let (stop, stopped) = watch::channel(false);
    let mut addrs = Vec::new();
    let mut tasks = Vec::new();
    for (i, region) in REGIONS.iter().map(|r| r.id).enumerate() {
        let port = match config.ports {
            PortChoice::Ephemeral => 0,
            PortChoice::From(base) => base.checked_add(i as u16).ok_or_else(|| {
                Error::invalid_input("port", &base.to_string(), "sandbox_port_range")
            })?,
        };
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| {
                Error::new(ErrorCode::Config)
                    .with_reason("sandbox_port_busy")
                    .with_param("port", port.to_string())
                    .with_technical(e.to_string())
            })?;
        let addr = listener.local_addr()?;
        log::info!("sandbox: {} on http://{addr}", region.as_str());
        addrs.push((region, addr));
        let app = router(AppState {
            shared: shared.clone(),
            region,
        });
        let mut stopped = stopped.clone();
        let serve = axum::serve(
            net::SandboxListener::new(listener, config.limits),
            app.into_make_service_with_connect_info::<net::Conn>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|s| *s).await;
        });
        tasks.push(tokio::spawn(async move {
            if let Err(e) = serve.await {
                log::error!("sandbox listener stopped: {e}");
            }
        }));
    }
    Ok(SandboxHandle {
        addrs,
        identities,
        shared,
        stop,
        tasks,
    })
}
