//! When a Create's answer is lost, its key is recovered (reset for a value)
//! only when nothing else could have made it: never while another Create or
//! Reset runs on this computer, and never a key this computer already keeps
//! (each case has its test below).
//! Against the sandbox with a seeded fault: the create is applied and its
//! answer dropped.
#![cfg(feature = "fault-injection")]

use crate::support::sandbox::check_key;
use studio_keys::domain::regions::RegionId::CnBeijing;
use studio_keys::domain::secret::Secret;
use studio_keys::sandbox::fault::Fault::{self, DropAfterApply};
use studio_keys::sandbox::{self, seed, FaultConfig, SandboxConfig, SandboxHandle};
use studio_keys::services::views::{CreateKeyInput, Permission, UpdateKeyInput};
use studio_keys::services::{AccessKey, Acting, Dirs, Studio, Who};
use studio_keys::storage::intents::{HeldIntent, Intent, IntentAction, Journal};
use studio_keys::storage::vault::{KeyRef, KeyScope};
use studio_keys::ErrorCode;

/// A sandbox whose second request (the create, after its "before" list) is
/// applied and its answer dropped; the next ten requests go through.
async fn sandbox_losing_the_create(dir: &tempfile::TempDir) -> SandboxHandle {
    let mut opening = vec![Fault::None, DropAfterApply];
    opening.extend([Fault::None; 10]);
    sandbox_opening_with(
        dir,
        &opening,
        FaultConfig {
            drop_after_apply: 0.05,
            ..Default::default()
        },
    )
    .await
}

/// A sandbox whose first requests meet `opening`, in order (a seed of
/// `rates` that plans them so).
async fn sandbox_opening_with(
    dir: &tempfile::TempDir,
    opening: &[Fault],
    rates: FaultConfig,
) -> SandboxHandle {
    let fault = (0..1_000_000)
        .map(|seed| FaultConfig {
            seed,
            ..rates.clone()
        })
        .find(|c| (0..).zip(opening).all(|(n, f)| c.plan(n).0 == *f))
        .expect("some seed opens with this plan");
    sandbox::start(SandboxConfig {
        fault: Some(fault),
        ..SandboxConfig::new(dir.path().join("s.db"))
    })
    .await
    .unwrap()
}

/// `skm`'s way in: the root identity's AccessKey, at the sandbox's endpoint.
fn studio_on(h: &SandboxHandle, home: &std::path::Path) -> Studio {
    let root = h.identity(seed::ROOT).unwrap();
    Studio::open_acting(
        Dirs {
            config: home.join("config"),
            data: home.join("data"),
        },
        Acting {
            who: Who::Credentials(AccessKey {
                id: root.access_key_id.clone(),
                secret: root.access_key_secret.clone(),
                security_token: None,
            }),
            endpoint: Some(h.openapi_base_url(CnBeijing)),
            ..Default::default()
        },
    )
    .unwrap()
}

fn input(description: &str) -> CreateKeyInput {
    CreateKeyInput {
        region: CnBeijing,
        workspace_id: None,
        description: description.into(),
        permission: Permission::all(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_is_recovered_when_nothing_else_ran() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_losing_the_create(&dir).await;
    let studio = studio_on(&h, dir.path());
    let made = studio.key_create(input("lost once")).await.unwrap();
    assert!(made.recovered);
    assert_eq!(
        made.recovered_note.as_deref(),
        Some(studio_keys::domain::i18n::tr(
            studio_keys::domain::i18n::current(),
            "reasons.recovered_create_found",
            &[]
        ))
        .as_deref(),
        "the person is told the key was found, not reset again"
    );
    assert_eq!(
        check_key(&h, CnBeijing, made.value.expose()).await,
        200,
        "the recovered value works"
    );
}

/// Another run (the app, another skm) begun on this computer, in this region,
/// at this endpoint, and not settled: a Create (the new key could be its), or
/// a Reset (it could be that run recovering this very key).
fn another_run(dir: &tempfile::TempDir, h: &SandboxHandle, action: IntentAction) -> HeldIntent {
    let resets = action == IntentAction::Reset;
    Journal::new(dir.path().join("data").join("intents"))
        .begin(Intent {
            id: uuid::Uuid::new_v4().to_string(),
            action,
            region: CnBeijing,
            profile_id: "sandbox".into(),
            access_key_id: "someone".into(),
            endpoint: Some(h.openapi_base_url(CnBeijing)),
            description: (!resets).then(|| "lost once".into()),
            workspace_id: None,
            api_key_id: resets.then_some(1),
            requested_at_ms: chrono::Utc::now().timestamp_millis(),
            before_ids: vec![],
            settled_at_ms: None,
            made_key_id: None,
            audit_seq: None,
        })
        .unwrap()
}

/// The create (applied, its answer lost) was refused recovery: it names the
/// key made, which a recovery, with every later request going through, would
/// have reset and returned.
async fn refused_recovery(studio: &Studio) {
    let e = studio
        .key_create(input("lost once"))
        .await
        .expect_err("not recovered");
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(e.reason.as_deref(), Some("create_value_lost"));
    let named = e
        .params
        .iter()
        .find(|(k, _)| k == "apiKeyId")
        .map(|(_, v)| v.clone())
        .expect("the key is named");
    let listed = studio.key_get(CnBeijing, named).await.unwrap();
    assert_eq!(listed.description, "lost once");
}

/// A create whose answer is lost while `action` of another run is under way.
async fn lost_while_another_run(action: IntentAction) {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_losing_the_create(&dir).await;
    let studio = studio_on(&h, dir.path());
    let other = another_run(&dir, &h, action);
    refused_recovery(&studio).await;
    drop(other);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_is_not_recovered_while_another_create_runs() {
    lost_while_another_run(IntentAction::Create).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_is_not_recovered_while_a_reset_runs() {
    lost_while_another_run(IntentAction::Reset).await;
}

/// One number from the sandbox's database (read-only, beside the running sandbox).
fn db_number(dir: &tempfile::TempDir, sql: &str) -> i64 {
    rusqlite::Connection::open_with_flags(
        dir.path().join("s.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
    .query_row(sql, [], |r| r.get(0))
    .unwrap()
}

/// A key the sandbox seeded in Beijing (its first).
fn seeded_key_id(dir: &tempfile::TempDir) -> i64 {
    db_number(
        dir,
        "SELECT id FROM api_keys WHERE region = 'cn-beijing' ORDER BY id LIMIT 1",
    )
}

/// The id the sandbox gives its next key (SQLite's next row id).
fn next_key_id(dir: &tempfile::TempDir) -> i64 {
    db_number(dir, "SELECT COALESCE(MAX(id), 0) + 1 FROM api_keys")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_never_adopts_a_key_this_computer_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let h = sandbox_losing_the_create(&dir).await;
    let studio = studio_on(&h, dir.path());
    // The key the create is about to make already has a copy kept here (under
    // the names skm acting with these credentials uses): another run saved it.
    // Resetting it would break that copy, and it is not ours to take.
    let kept = KeyRef::new(KeyScope::Cloud, CnBeijing, next_key_id(&dir));
    let value = Secret::new(format!("sk-ws-{}", "k".repeat(40)));
    studio
        .saved_keys()
        .save(&kept, &value, "Workspace")
        .unwrap();
    let e = studio
        .key_create(input("lost once"))
        .await
        .expect_err("not adopted");
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_ne!(
        e.params
            .iter()
            .find(|(k, _)| k == "apiKeyId")
            .map(|(_, v)| v.as_str()),
        Some(kept.api_key_id.to_string().as_str()),
        "the kept key is not offered as the one made"
    );
    assert_eq!(
        studio.saved_keys().value(&kept).unwrap(),
        value,
        "the kept copy is untouched"
    );
    let listed = studio
        .key_get(CnBeijing, kept.api_key_id.to_string())
        .await
        .unwrap();
    assert_eq!(
        listed.description, "lost once",
        "the key was made, and left alone"
    );
    studio.saved_keys().forget(&kept).unwrap();
}

/// An update the server applied is reported as made even when reading the
/// key back fails (every attempt of the read-back answered 5xx): the fault
/// proxy's soak found skm saying "failed" for a change that was made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applied_update_is_not_reported_failed_when_its_read_back_fails() {
    let dir = tempfile::tempdir().unwrap();
    // The key is read, updated, then every attempt to read it back fails.
    let mut opening = vec![Fault::None; 2];
    opening.extend([Fault::ServerError; 4]);
    opening.extend([Fault::None; 4]);
    let h = sandbox_opening_with(
        &dir,
        &opening,
        FaultConfig {
            server_error: 0.5,
            ..Default::default()
        },
    )
    .await;
    let studio = studio_on(&h, dir.path());
    let id = seeded_key_id(&dir).to_string();
    let updated = studio
        .key_update(UpdateKeyInput {
            region: CnBeijing,
            api_key_id: id.clone(),
            description: Some("after".into()),
            permission: Default::default(),
        })
        .await
        .expect("the change was made: it is reported made");
    assert_eq!(updated.description, "after");
    assert_eq!(
        studio.key_get(CnBeijing, id).await.unwrap().description,
        "after"
    );
}
