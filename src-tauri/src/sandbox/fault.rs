//! Fault injection for tests: deterministic under a seed.
//!
//! Only reachable when the crate is built with the `fault-injection` feature
//! (`start` refuses a fault configuration otherwise). Request number `n`
//! (counted from 0 across all listeners, in arrival order) meets the fault
//! `FaultConfig::plan(n)`, a pure function of the seed and `n`, so a client
//! sending requests one after another sees the same faults on every run.

use super::apierror::ApiError;
use super::net::Conn;
use super::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// What to inject. Fractions are between 0 and 1; their sum should not exceed 1.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    pub seed: u64,
    /// Extra latency per request, uniform in `0..=max_latency_ms`.
    pub max_latency_ms: u64,
    /// Answered 500/503 without being applied.
    pub server_error: f64,
    /// Answered 429 `Throttling.User` with `x-acs-retry-after`, not applied.
    pub throttle: f64,
    /// The `x-acs-retry-after` value, in seconds.
    pub retry_after_secs: u32,
    /// Applied, then the connection is dropped before the answer.
    pub drop_after_apply: f64,
    /// Applied, then answered with the JSON body cut in half.
    pub truncate_json: f64,
    /// Every request to this region's listener is answered 503 (a region
    /// that is down), whatever the plan says.
    pub fail_region: Option<crate::domain::regions::RegionId>,
    /// Every billing request (`/modelstudio/billing/...`) is answered 503:
    /// the billing service is down while keys still work.
    pub fail_billing: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            max_latency_ms: 0,
            server_error: 0.0,
            throttle: 0.0,
            retry_after_secs: 1,
            drop_after_apply: 0.0,
            truncate_json: 0.0,
            fail_region: None,
            fail_billing: false,
        }
    }
}

/// The fault one request meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    ServerError,
    Throttle,
    DropAfterApply,
    TruncateJson,
}

/// SplitMix64: a tiny, stable mixing function (the plan must not change with a crate upgrade).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(seed: u64, n: u64, stream: u64) -> f64 {
    (mix(mix(seed ^ stream).wrapping_add(n)) >> 11) as f64 / (1u64 << 53) as f64
}

impl FaultConfig {
    /// The fault and extra latency of request number `n`.
    pub fn plan(&self, n: u64) -> (Fault, Duration) {
        let u = unit(self.seed, n, 1);
        let mut edge = 0.0;
        let mut fault = Fault::None;
        for (p, f) in [
            (self.server_error, Fault::ServerError),
            (self.throttle, Fault::Throttle),
            (self.drop_after_apply, Fault::DropAfterApply),
            (self.truncate_json, Fault::TruncateJson),
        ] {
            edge += p.clamp(0.0, 1.0);
            if u < edge {
                fault = f;
                break;
            }
        }
        let latency = if self.max_latency_ms == 0 {
            0
        } else {
            (unit(self.seed, n, 2) * (self.max_latency_ms + 1) as f64) as u64
        };
        (
            fault,
            Duration::from_millis(latency.min(self.max_latency_ms)),
        )
    }
}

/// The middleware: looks up the plan for this request and acts on it.
pub(crate) async fn inject(
    State(app): State<AppState>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    req: Request,
    next: Next,
) -> Response {
    let Some(cfg) = app.shared.fault.as_ref() else {
        return next.run(req).await;
    };
    if cfg.fail_region == Some(app.region)
        || (cfg.fail_billing && req.uri().path().starts_with("/modelstudio/billing/"))
    {
        return ApiError::unavailable().into_response();
    }
    let n = app.shared.requests.fetch_add(1, Ordering::SeqCst);
    let (fault, latency) = cfg.plan(n);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Fault::None => next.run(req).await,
        Fault::ServerError => if n % 2 == 0 {
            ApiError::internal()
        } else {
            ApiError::unavailable()
        }
        .into_response(),
        Fault::Throttle => ApiError::throttled(cfg.retry_after_secs.max(1)).into_response(),
        Fault::DropAfterApply => {
            let resp = next.run(req).await;
            conn.cut();
            resp
        }
        Fault::TruncateJson => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, 16 << 20)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_a_function_of_seed_and_request_number() {
        let cfg = FaultConfig {
            seed: 7,
            server_error: 0.3,
            throttle: 0.3,
            max_latency_ms: 20,
            ..Default::default()
        };
        let a: Vec<_> = (0..200).map(|n| cfg.plan(n)).collect();
        let b: Vec<_> = (0..200).map(|n| cfg.plan(n)).collect();
        assert_eq!(a, b);
        let other = FaultConfig {
            seed: 8,
            ..cfg.clone()
        };
        assert_ne!(a, (0..200).map(|n| other.plan(n)).collect::<Vec<_>>());
        let errors = a.iter().filter(|(f, _)| *f == Fault::ServerError).count();
        assert!(
            (30..=90).contains(&errors),
            "about 30% of 200, got {errors}"
        );
        assert!(a.iter().all(|(_, d)| d.as_millis() <= 20));
    }

    #[test]
    fn zero_fractions_inject_nothing() {
        let cfg = FaultConfig {
            seed: 1,
            ..Default::default()
        };
        assert!((0..100).all(|n| cfg.plan(n) == (Fault::None, Duration::ZERO)));
    }
}
