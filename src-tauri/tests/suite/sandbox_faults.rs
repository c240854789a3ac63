//! Fault injection: deterministic under a seed, and off unless asked for.
#![cfg(feature = "fault-injection")]

use crate::support::sandbox::{Caller, Req};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::sandbox::{self, seed, FaultConfig, SandboxConfig, SandboxHandle};

async fn start(dir: &tempfile::TempDir, fault: Option<FaultConfig>) -> SandboxHandle {
    let config = SandboxConfig {
        fault,
        ..SandboxConfig::new(dir.path().join("s.db"))
    };
    sandbox::start(config).await.unwrap()
}

fn root(h: &SandboxHandle) -> Caller {
    Caller::new(h, CnBeijing, h.identity(seed::ROOT).unwrap())
}

/// One line per request: what the client observed.
async fn observe(c: &Caller, n: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let req = Req::new("GET", "ListApiKeys", "/modelstudio/apikeys");
        seen.push(match c.send_with_body(&req, None).await {
            Err(_) => "dropped".to_string(),
            Ok(a) if a.body.is_string() => format!("{} not json", a.status),
            Ok(a) => format!(
                "{} {} {:?}",
                a.status,
                a.code(),
                a.headers.get("x-acs-retry-after")
            ),
        });
    }
    seen
}

fn mixed(seed: u64) -> FaultConfig {
    FaultConfig {
        seed,
        max_latency_ms: 5,
        server_error: 0.15,
        throttle: 0.15,
        retry_after_secs: 2,
        drop_after_apply: 0.15,
        truncate_json: 0.15,
        fail_region: None,
        fail_billing: false,
    }
}

#[tokio::test]
async fn same_seed_gives_the_same_faults() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (
        start(&d1, Some(mixed(42))).await,
        start(&d2, Some(mixed(42))).await,
    );
    let first = observe(&root(&a), 40).await;
    let second = observe(&root(&b), 40).await;
    assert_eq!(first, second);
    for kind in ["dropped", "not json", "429 Throttling.User", "200  None"] {
        assert!(
            first.iter().any(|s| s.contains(kind)),
            "no {kind:?} in {first:?}"
        );
    }
    assert!(first
        .iter()
        .any(|s| s.starts_with("500") || s.starts_with("503")));
    assert!(first
        .iter()
        .filter(|s| s.starts_with("429"))
        .all(|s| s.contains("\"2\"")));
}

#[tokio::test]
async fn dropped_connection_still_applies_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let faulty = start(
        &dir,
        Some(FaultConfig {
            seed: 1,
            drop_after_apply: 1.0,
            ..Default::default()
        }),
    )
    .await;
    let c = root(&faulty);
    let req =
        Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "lost answer");
    assert!(
        c.send_with_body(&req, None).await.is_err(),
        "the client sees a network error"
    );
    faulty.shutdown().await;
    let clean = start(&dir, None).await;
    let listed = root(&clean).list_keys().await.body;
    let found = listed["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["description"] == "lost answer")
        .count();
    assert_eq!(found, 1, "the key was created although the answer was lost");
}

#[tokio::test]
async fn throttling_and_server_errors_are_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = FaultConfig {
        seed: 3,
        throttle: 0.5,
        server_error: 0.5,
        ..Default::default()
    };
    let faulty = start(&dir, Some(cfg)).await;
    let c = root(&faulty);
    for _ in 0..6 {
        let a = c
            .send(
                &Req::new("POST", "CreateApiKey", "/modelstudio/apikeys").q("description", "never"),
            )
            .await;
        assert!([429, 500, 503].contains(&a.status), "{}", a.status);
        if a.status == 429 {
            assert!(a.headers.contains_key("x-acs-retry-after"));
        }
    }
    faulty.shutdown().await;
    let clean = start(&dir, None).await;
    let listed = root(&clean).list_keys().await.body.to_string();
    assert!(!listed.contains("never"));
}

#[tokio::test]
async fn faults_are_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(&dir, None).await;
    assert!(observe(&root(&h), 30)
        .await
        .iter()
        .all(|s| s.starts_with("200 ")));
}
