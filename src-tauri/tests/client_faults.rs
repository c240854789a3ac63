//! Retries and reconciliation under the sandbox's fault injection: no key is
//! made twice, and no outcome is reported wrongly.
#![cfg(feature = "fault-injection")]

use std::time::Duration;
use studio_keys::modelstudio::requests::*;
use studio_keys::modelstudio::{Client, Credentials, RetryPolicy};
use studio_keys::regions::RegionId::CnBeijing;
use studio_keys::sandbox::{self, seed, FaultConfig, SandboxConfig, SandboxHandle};
use studio_keys::ErrorCode;

async fn start(dir: &tempfile::TempDir, fault: FaultConfig) -> SandboxHandle {
    let config = SandboxConfig {
        fault: Some(fault),
        ..SandboxConfig::new(dir.path().join("s.db"))
    };
    sandbox::start(config).await.unwrap()
}

fn client(h: &SandboxHandle, retry: RetryPolicy) -> Client {
    let id = h.identity(seed::ROOT).unwrap();
    Client::new(
        CnBeijing,
        Credentials::new(id.access_key_id.clone(), id.access_key_secret.clone()),
        Some(&h.openapi_base_url(CnBeijing)),
    )
    .unwrap()
    .with_retry(retry)
}

/// Patient enough to read through any plan of faults below.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 40,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    }
}

#[tokio::test]
async fn creates_under_faults_never_duplicate_and_never_misreport() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        &dir,
        FaultConfig {
            seed: 11,
            server_error: 0.1,
            throttle: 0.1,
            retry_after_secs: 1,
            drop_after_apply: 0.15,
            truncate_json: 0.15,
            ..Default::default()
        },
    )
    .await;
    let c = client(&h, patient());
    let (mut reported_created, mut reported_lost, mut reported_none) = (0usize, Vec::new(), 0usize);
    for i in 0..12 {
        let description = format!("fault-{i}");
        match c
            .create_api_key(&CreateApiKeyRequest {
                description: Some(description.clone()),
                ..Default::default()
            })
            .await
        {
            Ok(_) => reported_created += 1,
            Err(e)
                if e.code == ErrorCode::OutcomeUnknown
                    && e.reason.as_deref() == Some("create_value_lost") =>
            {
                reported_lost.push(description)
            }
            Err(e)
                if e.code == ErrorCode::OutcomeUnknown
                    && e.reason.as_deref() == Some("create_not_created") =>
            {
                reported_none += 1
            }
            // Refused before being applied (5xx, 429 on the create itself): nothing made.
            Err(e) if matches!(e.code, ErrorCode::Server | ErrorCode::Throttled) => {
                reported_none += 1
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    let keys = c
        .list_api_keys(&ListApiKeysRequest {
            description: Some("fault-".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        keys.len(),
        reported_created + reported_lost.len(),
        "every made key was reported as made"
    );
    assert_eq!(reported_created + reported_lost.len() + reported_none, 12);
    // The seed is chosen so that every path is taken (the plan is deterministic).
    assert!(
        reported_created > 0 && !reported_lost.is_empty() && reported_none > 0,
        "{reported_created} {reported_lost:?} {reported_none}"
    );
    for d in &reported_lost {
        assert_eq!(
            keys.iter()
                .filter(|k| k.description.as_deref() == Some(d))
                .count(),
            1,
            "{d}"
        );
    }
    let mut descs: Vec<_> = keys.iter().map(|k| k.description.clone()).collect();
    descs.sort();
    descs.dedup();
    assert_eq!(descs.len(), keys.len(), "no duplicate keys");
}

#[tokio::test]
async fn reads_ride_out_throttling_and_server_errors() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        &dir,
        FaultConfig {
            seed: 3,
            server_error: 0.3,
            throttle: 0.3,
            retry_after_secs: 1,
            ..Default::default()
        },
    )
    .await;
    let c = client(
        &h,
        RetryPolicy {
            max_attempts: 12,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
    );
    for _ in 0..5 {
        c.list_api_keys(&Default::default()).await.unwrap();
    }
}

#[tokio::test]
async fn without_retries_a_429_is_reported_as_throttled() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        &dir,
        FaultConfig {
            seed: 1,
            throttle: 1.0,
            retry_after_secs: 2,
            ..Default::default()
        },
    )
    .await;
    let e = client(&h, RetryPolicy::none())
        .list_api_keys(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Throttled);
    assert_eq!(e.details.http_status, Some(429));
}

#[tokio::test]
async fn a_truncated_body_is_a_bad_response_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        &dir,
        FaultConfig {
            seed: 1,
            truncate_json: 1.0,
            ..Default::default()
        },
    )
    .await;
    let e = client(&h, RetryPolicy::none())
        .list_api_keys(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadResponse);
    assert_eq!(e.reason.as_deref(), Some("body_truncated"));
}

#[tokio::test]
async fn disable_whose_answer_was_lost_counts_as_done_on_retry() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(
        &dir,
        FaultConfig {
            seed: 5,
            drop_after_apply: 0.5,
            ..Default::default()
        },
    )
    .await;
    let c = client(&h, patient());
    let keys = c.list_api_keys(&Default::default()).await.unwrap();
    let id = keys
        .iter()
        .find(|k| k.disabled == Some(0))
        .unwrap()
        .api_key_id
        .unwrap();
    for _ in 0..4 {
        c.disable_api_key(id).await.unwrap();
        assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(1));
        c.enable_api_key(id).await.unwrap();
        assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(0));
    }
}
