//! Create, Reset and Delete against a stand-in server that misbehaves in ways
//! the sandbox does not: it applies a request and then answers 5xx, as a
//! gateway that timed out would, or answers 2xx without the key; meanwhile
//! someone else may create or delete a key, or the reads that would settle it
//! may fail too. Nothing is sent twice, and the report says what the server
//! did: each lost-answer outcome of `cloud::reconcile` is produced here.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use studio_keys::cloud::reconcile::RESET_SENDS;
use studio_keys::cloud::retry::ReconcilePolicy;
use studio_keys::cloud::{Client, Credentials, RetryPolicy};
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::protocol::requests::CreateApiKeyRequest;
use studio_keys::protocol::wire::*;
use studio_keys::{Error, ErrorCode, Secret};

/// How the stand-in answers Create, Reset and Delete, AFTER applying them.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16, &'static str),
    WithoutValue,
    WithoutKey,
    /// As `WithoutKey`, and the key never shows in the list.
    WithoutKeyUnlisted,
    /// Answers this status WITHOUT applying.
    NotApplied(u16),
    /// The first create is answered with this status and body WITHOUT being
    /// applied; later ones are applied and answered in full.
    NotAppliedOnce(u16, &'static str),
    /// Create: answered 504 after applying, and every listing after it fails (503).
    LostThenListingFails,
    /// Create: answered 504 after applying, while someone else made a key
    /// with the same description (id 2000).
    LostBesideAnother,
    /// Reset: answered 504 after applying; someone deletes the key along
    /// with the reset numbered here (1 = the first).
    ResetLostKeyDeletedWith(usize),
    /// Reset: answered 504 after applying, and reading the key fails (503).
    ResetLostReadFails,
}

#[derive(Default)]
struct Seen {
    keys: Vec<i64>,
    creates: usize,
    resets: usize,
    deletes: usize,
    lists: usize,
    gets: usize,
}

type St = (Arc<Mutex<Seen>>, Answer);

const DESCRIPTION: &str = "stand-in";

fn listed(id: i64) -> ApiKey {
    ApiKey {
        api_key_id: Some(id),
        description: Some(DESCRIPTION.into()),
        disabled: Some(0),
        ..Default::default()
    }
}

async fn list(State((seen, answer)): State<St>) -> Response {
    let mut seen = seen.lock().unwrap();
    seen.lists += 1;
    if matches!(answer, Answer::LostThenListingFails) && seen.creates > 0 {
        return status(503, "");
    }
    Json(ListApiKeysResponseBody {
        api_keys: Some(seen.keys.iter().copied().map(listed).collect()),
        ..Default::default()
    })
    .into_response()
}

async fn get_one(State((seen, answer)): State<St>, Path(id): Path<i64>) -> Response {
    let mut seen = seen.lock().unwrap();
    seen.gets += 1;
    if matches!(answer, Answer::ResetLostReadFails) {
        return status(503, "");
    }
    if !seen.keys.contains(&id) {
        return status(404, NOT_FOUND);
    }
    Json(GetApiKeyResponseBody {
        api_key: Some(listed(id)),
        ..Default::default()
    })
    .into_response()
}

const NOT_FOUND: &str = r#"{"code":"ApiKey.NotFound","message":"no such key"}"#;

fn status(code: u16, body: &'static str) -> Response {
    (StatusCode::from_u16(code).unwrap(), body).into_response()
}

async fn create(State((seen, answer)): State<St>) -> Response {
    let id = {
        let mut seen = seen.lock().unwrap();
        let id = 1000 + seen.creates as i64;
        seen.creates += 1;
        let refused_once = matches!(answer, Answer::NotAppliedOnce(..)) && seen.creates == 1;
        if !matches!(answer, Answer::WithoutKeyUnlisted | Answer::NotApplied(_)) && !refused_once {
            seen.keys.push(id);
        }
        if matches!(answer, Answer::LostBesideAnother) {
            seen.keys.push(2000);
        }
        id
    };
    match answer {
        Answer::NotAppliedOnce(code, body) if id == 1000 => status(code, body),
        Answer::NotAppliedOnce(..) => Json(CreateApiKeyResponseBody {
            api_key: Some(CreatedApiKey {
                api_key_id: Some(id),
                api_key_value: Some(Secret::new(format!("sk-ws-{}", "x".repeat(32)))),
                description: Some(DESCRIPTION.into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .into_response(),
        Answer::Status(code, body) => status(code, body),
        Answer::LostThenListingFails | Answer::LostBesideAnother => status(504, ""),
        Answer::NotApplied(code) => status(code, ""),
        Answer::WithoutValue => Json(CreateApiKeyResponseBody {
            api_key: Some(CreatedApiKey {
                api_key_id: Some(id),
                description: Some(DESCRIPTION.into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .into_response(),
        Answer::WithoutKey | Answer::WithoutKeyUnlisted => {
            Json(CreateApiKeyResponseBody::default()).into_response()
        }
        Answer::ResetLostKeyDeletedWith(_) | Answer::ResetLostReadFails => {
            unreachable!("reset-only answers")
        }
    }
}

async fn reset(State((seen, answer)): State<St>, Path(id): Path<i64>) -> Response {
    {
        let mut seen = seen.lock().unwrap();
        seen.resets += 1;
        if !seen.keys.contains(&id) {
            return status(404, NOT_FOUND);
        }
        if matches!(answer, Answer::ResetLostKeyDeletedWith(n) if n == seen.resets) {
            seen.keys.retain(|k| *k != id);
        }
    }
    match answer {
        Answer::Status(code, body) => status(code, body),
        Answer::ResetLostKeyDeletedWith(_) | Answer::ResetLostReadFails => status(504, ""),
        Answer::NotApplied(code) => status(code, ""),
        Answer::WithoutValue => Json(ResetApiKeyResponseBody {
            api_key: Some(ResetApiKeyValue {
                api_key_id: Some(id),
                ..Default::default()
            }),
            ..Default::default()
        })
        .into_response(),
        Answer::WithoutKey | Answer::WithoutKeyUnlisted | Answer::NotAppliedOnce(..) => {
            Json(ResetApiKeyResponseBody::default()).into_response()
        }
        Answer::LostThenListingFails | Answer::LostBesideAnother => {
            unreachable!("create-only answers")
        }
    }
}

/// Deletes key `id` (unless told not to), then answers `answer`.
async fn delete(State((seen, answer)): State<St>, Path(id): Path<i64>) -> Response {
    let mut seen = seen.lock().unwrap();
    seen.deletes += 1;
    match answer {
        Answer::NotApplied(code) => status(code, ""),
        Answer::Status(code, body) => {
            seen.keys.retain(|k| *k != id);
            status(code, body)
        }
        _ => {
            seen.keys.retain(|k| *k != id);
            Json(Envelope::default()).into_response()
        }
    }
}

/// A stand-in answering `answer`, with one key (999) already there.
async fn stand_in(answer: Answer) -> (Client, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen {
        keys: vec![999],
        ..Default::default()
    }));
    let app = Router::new()
        .route("/modelstudio/apikeys", get(list).post(create))
        .route("/modelstudio/apikeys/{id}", get(get_one).delete(delete))
        .route("/modelstudio/apikeys/{id}/reset", put(reset))
        .with_state((seen.clone(), answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::new(
        CnBeijing,
        Credentials::new("stand-in-id", Secret::new("stand-in-secret".to_string())),
        Some(&format!("http://{addr}")),
    )
    .unwrap()
    .with_retry(RetryPolicy::none())
    .with_reconcile(ReconcilePolicy {
        relist_delays: vec![Duration::from_millis(5), Duration::from_millis(10)],
    });
    (client, seen)
}

async fn create_mine(c: &Client) -> Error {
    c.create_api_key(&CreateApiKeyRequest {
        description: Some(DESCRIPTION.into()),
        ..Default::default()
    })
    .await
    .unwrap_err()
}

fn assert_reported(e: &Error, reason: &str, api_key_id: &str) {
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some(reason), "{e:?}");
    let id = e.params.iter().find(|(n, _)| n == "apiKeyId");
    assert_eq!(id.map(|(_, v)| v.as_str()), Some(api_key_id), "{e:?}");
}

#[tokio::test]
async fn create_answered_504_after_applying_reports_the_key_it_made() {
    let (c, seen) = stand_in(Answer::Status(504, "<html>Gateway Timeout</html>")).await;
    let e = create_mine(&c).await;
    assert_reported(&e, "create_value_lost", "1000");
    assert_eq!(e.details.http_status, Some(504));
    assert_eq!(seen.lock().unwrap().creates, 1, "never sent twice");
}

#[tokio::test]
async fn create_answered_500_without_an_api_code_is_reconciled() {
    let (c, seen) = stand_in(Answer::Status(500, r#"{"code":"Gateway.Oops"}"#)).await;
    assert_reported(&create_mine(&c).await, "create_value_lost", "1000");
    assert_eq!(seen.lock().unwrap().creates, 1);
}

#[tokio::test]
async fn create_refused_with_a_4xx_is_reported_without_listing() {
    let (c, seen) = stand_in(Answer::Status(
        400,
        r#"{"code":"InvalidParameter.AccessIps","requestId":"r1"}"#,
    ))
    .await;
    let c = c.with_retry(RetryPolicy::default());
    let e = create_mine(&c).await;
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(
        (seen.creates, seen.lists),
        (1, 1),
        "only the listing before"
    );
}

/// A service can store the key and still answer 500 with its own code: the
/// create is looked up, never sent again (even with retries on).
#[tokio::test]
async fn create_answered_500_internal_error_is_looked_up_not_sent_again() {
    let (c, seen) = stand_in(Answer::Status(
        500,
        r#"{"code":"InternalError","requestId":"r2"}"#,
    ))
    .await;
    let c = c.with_retry(RetryPolicy::default());
    assert_reported(&create_mine(&c).await, "create_value_lost", "1000");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.creates, 1, "never sent twice");
}

/// Throttling means the service refused before acting: sent again.
#[tokio::test]
async fn create_throttled_before_acting_is_sent_again() {
    let (c, seen) = stand_in(Answer::NotAppliedOnce(
        429,
        r#"{"code":"Throttling.User","requestId":"r3"}"#,
    ))
    .await;
    let c = c.with_retry(RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    });
    let made = c
        .create_api_key(&CreateApiKeyRequest {
            description: Some(DESCRIPTION.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(made.api_key_id, 1001);
    let seen = seen.lock().unwrap();
    assert_eq!((seen.creates, seen.keys.len()), (2, 2), "one key made");
}

#[tokio::test]
async fn create_answer_without_the_value_names_the_key_it_made() {
    let (c, seen) = stand_in(Answer::WithoutValue).await;
    assert_reported(&create_mine(&c).await, "create_value_lost", "1000");
    let seen = seen.lock().unwrap();
    assert_eq!((seen.creates, seen.lists), (1, 1), "the answer named it");
}

#[tokio::test]
async fn create_answer_without_the_key_finds_it_in_the_list() {
    let (c, seen) = stand_in(Answer::WithoutKey).await;
    let e = create_mine(&c).await;
    assert_reported(&e, "create_value_lost", "1000");
    assert_ne!(e.code, ErrorCode::BadResponse);
    assert_eq!(seen.lock().unwrap().creates, 1);
}

#[tokio::test]
async fn create_answer_without_the_key_never_claims_nothing_was_made() {
    let (c, seen) = stand_in(Answer::WithoutKeyUnlisted).await;
    let e = create_mine(&c).await;
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    // The server said it made one: "not created" would be wrong.
    assert_eq!(e.reason.as_deref(), Some("create_value_lost_unidentified"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.creates, 1);
    assert_eq!(seen.lists, 4, "one listing before, three after");
}

#[tokio::test]
async fn create_lost_and_the_listing_failing_is_reported_unverified() {
    let (c, seen) = stand_in(Answer::LostThenListingFails).await;
    let e = create_mine(&c).await;
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    // Nobody can tell whether a key was made: neither "made" nor "not made".
    assert_eq!(e.reason.as_deref(), Some("create_unverified"), "{e:?}");
    assert_eq!(e.details.http_status, Some(504), "the lost answer is kept");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.creates, 1, "never sent twice");
    assert_eq!(seen.lists, 2, "the listing before, and the one that failed");
}

#[tokio::test]
async fn create_lost_while_another_key_of_its_description_appeared_is_ambiguous() {
    let (c, seen) = stand_in(Answer::LostBesideAnother).await;
    let e = create_mine(&c).await;
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some("create_ambiguous"), "{e:?}");
    // Both candidates are named; neither is guessed to be this create's.
    let ids = e.params.iter().find(|(n, _)| n == "apiKeyIds");
    assert_eq!(ids.map(|(_, v)| v.as_str()), Some("1000, 2000"), "{e:?}");
    assert!(e.params.iter().all(|(n, _)| n != "apiKeyId"), "{e:?}");
    assert_eq!(seen.lock().unwrap().creates, 1, "never sent twice");
}

#[tokio::test]
async fn reset_lost_then_the_key_deleted_before_the_second_reset_reports_it_gone() {
    let (c, seen) = stand_in(Answer::ResetLostKeyDeletedWith(1)).await;
    let e = c.reset_api_key(999).await.unwrap_err();
    assert_reported(&e, "reset_key_gone", "999");
    assert_eq!(e.details.server_code.as_deref(), Some("ApiKey.NotFound"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.resets, 2, "once more, and that one found no key");
    assert_eq!(seen.gets, 0, "the second reset's answer already said so");
}

#[tokio::test]
async fn reset_lost_twice_and_the_key_deleted_meanwhile_reports_it_gone() {
    let (c, seen) = stand_in(Answer::ResetLostKeyDeletedWith(2)).await;
    let e = c.reset_api_key(999).await.unwrap_err();
    assert_reported(&e, "reset_key_gone", "999");
    assert_eq!(
        e.details.server_code.as_deref(),
        Some("ApiKey.NotFound"),
        "the answer that found it gone"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.resets, 3, "repeated until the key was found gone");
    assert_eq!(seen.gets, 0, "the third reset's answer already said so");
}

#[tokio::test]
async fn reset_lost_twice_and_the_key_unreadable_is_reported_unverified() {
    let (c, seen) = stand_in(Answer::ResetLostReadFails).await;
    let e = c.reset_api_key(999).await.unwrap_err();
    assert_reported(&e, "reset_unverified", "999");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.resets, RESET_SENDS, "repeated, but bounded");
    assert_eq!(seen.gets, 1, "the key was looked up, and that failed");
    assert_eq!(seen.keys, [999], "the key is still there");
}

#[tokio::test]
async fn reset_answer_without_the_value_is_reset_once_more_then_reported() {
    let (c, seen) = stand_in(Answer::WithoutValue).await;
    let e = c.reset_api_key(999).await.unwrap_err();
    assert_reported(&e, "reset_value_unknown", "999");
    assert_eq!(
        seen.lock().unwrap().resets,
        RESET_SENDS,
        "repeated, but bounded"
    );
}

#[tokio::test]
async fn reset_answered_503_is_repeated_once_then_checked() {
    let (c, seen) = stand_in(Answer::Status(503, "")).await;
    let e = c.reset_api_key(999).await.unwrap_err();
    assert_reported(&e, "reset_value_unknown", "999");
    assert_eq!(e.details.http_status, Some(503));
    assert_eq!(
        seen.lock().unwrap().resets,
        RESET_SENDS,
        "repeated, but bounded"
    );
}

#[tokio::test]
async fn delete_answered_504_after_applying_is_found_done() {
    let (c, seen) = stand_in(Answer::Status(504, "")).await;
    c.delete_api_key(999)
        .await
        .expect("the key is gone: deleted");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.deletes, 1, "never sent twice");
    assert!(seen.keys.is_empty());
}

/// A 500 with the API's own code can follow an applied delete: the key is
/// looked up, and a key that is gone was deleted.
#[tokio::test]
async fn delete_answered_500_internal_error_is_looked_up() {
    let (c, seen) = stand_in(Answer::Status(
        500,
        r#"{"code":"InternalError","message":"boom"}"#,
    ))
    .await;
    c.delete_api_key(999)
        .await
        .expect("the key is gone: deleted");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.deletes, 1, "looked up, not sent again");
    assert!(seen.keys.is_empty());
}

#[tokio::test]
async fn delete_answered_503_with_the_key_still_there_says_refresh() {
    let (c, seen) = stand_in(Answer::NotApplied(503)).await;
    let e = c.delete_api_key(999).await.unwrap_err();
    // The key is still there, but the delete may yet land: neither "done" nor
    // "not applied"; the person refreshes. The gateway's answer is kept.
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some("outcome_unknown_refresh"));
    assert_eq!(e.details.http_status, Some(503));
    let seen = seen.lock().unwrap();
    assert_eq!((seen.deletes, seen.keys.as_slice()), (1, &[999][..]));
}
