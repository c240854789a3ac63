//! Verify and temporary keys through the services, against the in-process
//! sandbox's DashScope side, with a real Secret Service.
//!
//! `scripts/test-session.sh cargo test --no-default-features --test suite services_dashscope::`

use crate::support::app::Board;
use crate::support::keychain;

use studio_keys::cloud::{Client, Credentials};
use studio_keys::services::views::KeyQuery;
use studio_keys::services::views::{CreateKeyInput, Permission, SavedState, VerifyOutcome};
use studio_keys::services::{Dirs, Studio};
use studio_keys::storage::clipboard::SecretClipboard;
use studio_keys::{ErrorCode, RegionId};

struct World {
    _root: tempfile::TempDir,
    studio: Studio,
    board: Board,
    /// Held while the test runs: it uses the Secret Service.
    _keychain: tokio::sync::MutexGuard<'static, ()>,
}

async fn world() -> World {
    let keychain = keychain::lock().await;
    let root = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: root.path().join("config"),
        data: root.path().join("data"),
    };
    let board = Board::default();
    let studio =
        Studio::with_clipboard(dirs, SecretClipboard::new(Box::new(board.clone()))).unwrap();
    if let Some(e) = studio.storage_status().await.keychain_error {
        panic!(
            "No usable Secret Service ({}); run inside scripts/test-session.sh",
            e.message
        );
    }
    World {
        _root: root,
        studio,
        board,
        _keychain: keychain,
    }
}

async fn create(studio: &Studio, region: RegionId, description: &str) -> (String, String) {
    let made = studio
        .key_create(CreateKeyInput {
            region,
            workspace_id: None,
            description: description.into(),
            permission: Permission::all(),
        })
        .await
        .unwrap();
    studio.one_time_close(&made.handle);
    (made.api_key_id, made.value.expose().to_owned())
}

/// A client acting as the root account directly on the sandbox: "someone else".
async fn elsewhere(studio: &Studio, region: RegionId) -> Client {
    let sb = studio.sandbox().await.unwrap();
    let root = sb.identity(studio_keys::sandbox::seed::ROOT).unwrap();
    let creds = Credentials::new(root.access_key_id.clone(), root.access_key_secret.clone());
    Client::new(region, creds, Some(&sb.openapi_base_url(region))).unwrap()
}

async fn saved_state(studio: &Studio, region: RegionId, id: &str) -> SavedState {
    let page = studio.keys_list(region, KeyQuery::default()).await.unwrap();
    page.keys
        .into_iter()
        .find(|k| k.api_key_id == id)
        .unwrap()
        .saved
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_reports_works_then_stale_after_a_reset_elsewhere() {
    let w = world().await;
    let region = RegionId::CnBeijing;
    let (id, _) = create(&w.studio, region, "verify me").await;

    let ok = w.studio.key_verify(region, id.clone()).await.unwrap();
    assert_eq!(ok.outcome, VerifyOutcome::Works);
    assert!(ok.latency_ms.is_some());
    assert_eq!(saved_state(&w.studio, region, &id).await, SavedState::Saved);

    // Someone resets the key in the console: our saved copy stops working.
    elsewhere(&w.studio, region)
        .await
        .reset_api_key(id.parse().unwrap())
        .await
        .unwrap();
    let after = w.studio.key_verify(region, id.clone()).await.unwrap();
    assert_eq!(after.outcome, VerifyOutcome::Invalid);
    assert_eq!(saved_state(&w.studio, region, &id).await, SavedState::Stale);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_says_disabled_for_a_disabled_key_and_not_saved_after_forget() {
    let w = world().await;
    let region = RegionId::ApSoutheast1;
    let (id, _) = create(&w.studio, region, "disable me").await;
    w.studio
        .key_set_enabled(region, id.clone(), false)
        .await
        .unwrap();
    let disabled = w.studio.key_verify(region, id.clone()).await.unwrap();
    assert_eq!(disabled.outcome, VerifyOutcome::Disabled);
    // A disabled key is not a stale copy: enabling it makes it work again.
    w.studio
        .key_set_enabled(region, id.clone(), true)
        .await
        .unwrap();
    assert_eq!(
        w.studio
            .key_verify(region, id.clone())
            .await
            .unwrap()
            .outcome,
        VerifyOutcome::Works
    );

    w.studio.key_forget(region, id.clone()).await.unwrap();
    let gone = w.studio.key_verify(region, id).await.unwrap();
    assert_eq!(gone.outcome, VerifyOutcome::NotSaved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_detects_a_key_pasted_into_the_wrong_region() {
    let w = world().await;
    let (_, tokyo_value) = create(&w.studio, RegionId::ApNortheast1, "tokyo key").await;
    let (beijing_id, _) = create(&w.studio, RegionId::CnBeijing, "beijing key").await;
    // The person pastes the Tokyo value onto the Beijing key by mistake.
    w.studio
        .key_save_pasted(RegionId::CnBeijing, beijing_id.clone(), tokyo_value.into())
        .await
        .unwrap();
    let r = w
        .studio
        .key_verify(RegionId::CnBeijing, beijing_id)
        .await
        .unwrap();
    assert_eq!(r.outcome, VerifyOutcome::WrongRegion);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_key_expires_as_asked_and_is_copied_in_rust() {
    let w = world().await;
    let region = RegionId::CnHongkong;
    let (id, value) = create(&w.studio, region, "parent").await;

    let before = chrono::Utc::now().timestamp();
    let temp = w
        .studio
        .temp_key_create(region, id.clone(), 120)
        .await
        .unwrap();
    let expires = temp.expires_at as i64;
    assert!(
        (before + 118..=before + 122).contains(&expires),
        "{expires} vs {before}"
    );

    w.studio.temp_key_copy(temp.handle.clone()).await.unwrap();
    let copied = w.board.0.lock().unwrap().clone().unwrap();
    assert!(copied.starts_with("st-"), "a temporary key is an st- token");
    assert_ne!(copied, value);

    for ttl in [0, 1801] {
        let e = w
            .studio
            .temp_key_create(region, id.clone(), ttl)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "ttl {ttl}");
    }
}
