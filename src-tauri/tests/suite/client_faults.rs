//! Retries and reconciliation under the sandbox's fault injection: no key is
//! made twice, and no outcome is reported wrongly.
#![cfg(feature = "fault-injection")]

use std::time::Duration;
use studio_keys::cloud::dashscope::{DashScope, KeyCheck};
use studio_keys::cloud::retry::ReconcilePolicy;
use studio_keys::cloud::Recovered;
use studio_keys::cloud::{Client, Credentials, RetryPolicy};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::requests::*;
use studio_keys::sandbox::fault::Fault::{self, DropAfterApply, ServerError};
use studio_keys::sandbox::{self, seed, FaultConfig, SandboxConfig, SandboxHandle};
use studio_keys::{Error, ErrorCode};

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
    // Three listings, as in production, but without the seconds of waiting.
    .with_reconcile(ReconcilePolicy {
        relist_delays: vec![Duration::from_millis(5), Duration::from_millis(10)],
    })
}

/// `base` with the first seed whose plan opens with exactly `opening`: the
/// faults of the first requests are then known, not hoped for.
fn seeded(base: FaultConfig, opening: &[Fault]) -> FaultConfig {
    (0..100_000)
        .map(|seed| FaultConfig {
            seed,
            ..base.clone()
        })
        .find(|c| (0..).zip(opening).all(|(n, f)| c.plan(n).0 == *f))
        .expect("some seed opens with this plan")
}

fn param<'a>(e: &'a Error, name: &str) -> Option<&'a str> {
    e.params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
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
    // The seed is chosen so that both common paths are taken (the plan is
    // deterministic). A create the service refuses is sent again while the
    // listings show it made nothing, so with a patient client "nothing made"
    // is rare here; create_answered_5xx_is_reconciled_sent_again_and_never_duplicated
    // takes that path on purpose.
    assert!(
        reported_created > 0 && !reported_lost.is_empty(),
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
    // The first read meets 429, 500/503 and 429 again before an answer; the
    // seed's further faults fall where they fall.
    let plan = seeded(
        FaultConfig {
            server_error: 0.3,
            throttle: 0.3,
            retry_after_secs: 1,
            ..Default::default()
        },
        &[Fault::Throttle, ServerError, Fault::Throttle, Fault::None],
    );
    let h = start(&dir, plan.clone()).await;
    let c = client(
        &h,
        RetryPolicy {
            max_attempts: 12,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
    );
    const READS: u64 = 5;
    for _ in 0..READS {
        c.list_api_keys_page(&Default::default()).await.unwrap();
    }
    // Every refused request was repeated until one went through: the sandbox
    // saw exactly the requests the plan needs for five answers.
    let mut needed = 0;
    for _ in 0..READS {
        while plan.plan(needed).0 != Fault::None {
            needed += 1;
        }
        needed += 1;
    }
    assert!(needed >= READS + 3, "the plan refuses at least three reads");
    assert_eq!(
        h.requests_planned(),
        needed,
        "the planned faults reached the client and each was ridden out"
    );
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
    // Request 0 lists, 1 is the first disable (its answer is dropped after
    // the key was disabled), 2 its retry, 3 a read; 4 an enable whose answer
    // is dropped too, 5 a read.
    let plan = seeded(
        FaultConfig {
            drop_after_apply: 0.5,
            ..Default::default()
        },
        &[
            Fault::None,
            DropAfterApply,
            Fault::None,
            Fault::None,
            DropAfterApply,
            Fault::None,
        ],
    );
    let h = start(&dir, plan).await;
    let c = client(&h, patient());
    let page = c.list_api_keys_page(&Default::default()).await.unwrap();
    assert!(
        page.next_token.unwrap_or_default().is_empty(),
        "one page: request 1 is the disable"
    );
    let id = page
        .api_keys
        .unwrap_or_default()
        .iter()
        .find(|k| k.disabled == Some(0))
        .unwrap()
        .api_key_id
        .unwrap();
    // The first attempt applies but its answer is lost; the retry meets
    // "already disabled", which means done.
    c.disable_api_key(id).await.unwrap();
    assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(1));
    // The same fault without a retry: the answer is lost, and reading the
    // key shows the change held, so it is done (not "outcome unknown").
    client(&h, RetryPolicy::none())
        .enable_api_key(id)
        .await
        .expect("a lost answer is confirmed by reading the key");
    assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(0));
    // And under the seed's further, random drops: always done, never an error.
    for _ in 0..4 {
        c.disable_api_key(id).await.unwrap();
        assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(1));
        c.enable_api_key(id).await.unwrap();
        assert_eq!(c.get_api_key(id).await.unwrap().disabled, Some(0));
    }
}

#[tokio::test]
async fn reset_whose_answer_was_lost_is_reset_once_more_and_that_value_works() {
    let dir = tempfile::tempdir().unwrap();
    // 0 the create's first listing, 1 the create, 2 the reset (applied, answer
    // dropped), 3 the second reset, 4 and 5 the values tried on DashScope.
    let h = start(
        &dir,
        seeded(
            FaultConfig {
                drop_after_apply: 0.3,
                ..Default::default()
            },
            &[
                Fault::None,
                Fault::None,
                DropAfterApply,
                Fault::None,
                Fault::None,
                Fault::None,
            ],
        ),
    )
    .await;
    let c = client(&h, patient());
    let made = c
        .create_api_key(&CreateApiKeyRequest {
            description: Some("reset-lost".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let again = c.reset_api_key(made.api_key_id).await.unwrap();
    assert_eq!(again.recovered, Some(Recovered::ResetRepeated));
    assert_eq!(again.api_key_id, made.api_key_id);
    let dash = DashScope::new(CnBeijing, None, Some(&h.dashscope_base_url(CnBeijing))).unwrap();
    assert_eq!(dash.check_key(&again.value).await.unwrap(), KeyCheck::Valid);
    assert_eq!(
        dash.check_key(&made.value).await.unwrap(),
        KeyCheck::Invalid,
        "the old value no longer works"
    );
}

#[tokio::test]
async fn reset_whose_answer_is_lost_twice_is_repeated_until_a_value_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    // 0 listing, 1 create, 2 and 3 resets applied with answers dropped, 4
    // the third reset answered.
    let h = start(
        &dir,
        seeded(
            FaultConfig {
                drop_after_apply: 0.3,
                ..Default::default()
            },
            &[
                Fault::None,
                Fault::None,
                DropAfterApply,
                DropAfterApply,
                Fault::None,
                Fault::None,
                Fault::None,
            ],
        ),
    )
    .await;
    let c = client(&h, patient());
    let made = c
        .create_api_key(&CreateApiKeyRequest {
            description: Some("reset-lost-twice".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let again = c.reset_api_key(made.api_key_id).await.unwrap();
    assert_eq!(again.recovered, Some(Recovered::ResetRepeated));
    let dash = DashScope::new(CnBeijing, None, Some(&h.dashscope_base_url(CnBeijing))).unwrap();
    assert_eq!(dash.check_key(&again.value).await.unwrap(), KeyCheck::Valid);
}

#[tokio::test]
async fn reset_whose_answer_is_lost_every_time_reports_value_unknown_and_the_old_value_is_dead() {
    let dir = tempfile::tempdir().unwrap();
    // 0 listing, 1 create, 2-5 every reset applied with its answer dropped
    // (the bound), 6 the check of the key, 7 the old value tried on DashScope.
    let h = start(
        &dir,
        seeded(
            FaultConfig {
                drop_after_apply: 0.3,
                ..Default::default()
            },
            &[
                Fault::None,
                Fault::None,
                DropAfterApply,
                DropAfterApply,
                DropAfterApply,
                DropAfterApply,
                Fault::None,
                Fault::None,
            ],
        ),
    )
    .await;
    let c = client(&h, patient());
    let made = c
        .create_api_key(&CreateApiKeyRequest {
            description: Some("reset-lost".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let e = c.reset_api_key(made.api_key_id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert_eq!(e.reason.as_deref(), Some("reset_value_unknown"));
    assert_eq!(
        param(&e, "apiKeyId"),
        Some(made.api_key_id.to_string().as_str())
    );
    let dash = DashScope::new(CnBeijing, None, Some(&h.dashscope_base_url(CnBeijing))).unwrap();
    assert_eq!(
        dash.check_key(&made.value).await.unwrap(),
        KeyCheck::Invalid,
        "the reset happened: the old value no longer works"
    );
}

#[tokio::test]
async fn create_answered_5xx_is_reconciled_sent_again_and_never_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    // First call: 0 listing, then three sends (1, 5, 9) each met by the
    // service's own 503 or 500 and each followed by three listings that show
    // nothing; 13 the test's count. Second call: 14 listing, 15 a send
    // refused again, 16-18 the listings, 19 the send that goes through, 20
    // the test's count.
    let refused = [1, 5, 9, 15];
    let plan: Vec<Fault> = (0..21)
        .map(|n| {
            if refused.contains(&n) {
                ServerError
            } else {
                Fault::None
            }
        })
        .collect();
    let h = start(
        &dir,
        seeded(
            FaultConfig {
                server_error: 0.3,
                ..Default::default()
            },
            &plan,
        ),
    )
    .await;
    let c = client(&h, RetryPolicy::none());
    let request = CreateApiKeyRequest {
        description: Some("after-5xx".into()),
        ..Default::default()
    };
    let mine = |c: Client| async move {
        c.list_api_keys(&ListApiKeysRequest {
            description: Some("after-5xx".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
    };
    // The service's own 503 and 500 can follow an applied create: each is
    // looked up first. With no new key listed the request has ended without
    // making one, so it is sent again, at most CREATE_SENDS times; then it is
    // a plain failure the person can retry, not an unknown.
    let e = c.create_api_key(&request).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Server, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some("create_failed_nothing_made"));
    assert!(matches!(e.details.http_status, Some(500 | 503)), "{e:?}");
    assert_eq!(
        mine(c.clone()).await,
        0,
        "none of the refused sends made a key"
    );
    c.create_api_key(&request).await.unwrap();
    assert_eq!(mine(c).await, 1, "refused, sent again, made: one key");
}

#[tokio::test]
async fn delete_whose_answer_was_lost_is_found_done() {
    let dir = tempfile::tempdir().unwrap();
    // 0 lists, 1 the delete (applied, its answer dropped), 2 the check of the key.
    let plan = seeded(
        FaultConfig {
            drop_after_apply: 0.3,
            ..Default::default()
        },
        &[Fault::None, DropAfterApply, Fault::None],
    );
    let h = start(&dir, plan).await;
    let c = client(&h, RetryPolicy::none());
    let page = c.list_api_keys_page(&Default::default()).await.unwrap();
    assert!(
        page.next_token.unwrap_or_default().is_empty(),
        "one page: request 1 is the delete"
    );
    let id = page.api_keys.unwrap_or_default()[0].api_key_id.unwrap();
    c.delete_api_key(id)
        .await
        .expect("the key is gone, so the delete is done");
    let e = c.get_api_key(id).await.unwrap_err();
    assert_eq!(e.details.server_code.as_deref(), Some("ApiKey.NotFound"));
}
